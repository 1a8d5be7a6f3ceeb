"""企业安全分析报告: each venue's monthly and yearly safety analysis report for its owner and for
staff (a printable page and a PDF), and the town's report. The figures come from
venues.analysis; the page body (templates/venues/_report_*.html) is the same for owners and
staff, and the PDF (venues.pdf) holds the same sections.

- owners: only the approved venues they hold (venues.access.venues_for), 404 otherwise;
- staff: ``venues.view_venue`` and the venue within their scope (404 outside it);
- the town report: ``venues.view_dashboard``, over the person's own scope (an area asked for is
  checked against it, as on the dashboard)."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import analysis, pdf
from .access import area_filter_choices, scope_roots, venues_for
from .figures import QUARTER, Period, local_today
from .models import VenueStatus
from .owner_views import _owner_required


def _title():
    return _("Safety analysis report")


def _pdf_response(content, ascii_name, chinese_name):
    """The PDF as a download: an ASCII filename for old readers, the Chinese one as filename*;
    never cached (it holds a venue's record)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(chinese_name, safe='')}")
    add_never_cache_headers(response)
    return response


def _venue_context(request, venue, url_name, pdf_name):
    today = local_today()
    first_day = analysis.approved_on(venue)
    period = analysis.chosen_period(request.GET.get("period"), first_day, today=today)
    report = analysis.venue_report(venue, period, today=today)
    return {
        "report": report, "venue": venue, "period": period,
        "choices": analysis.offered_periods(first_day, today=today),
        "pdf_url": f"{reverse(pdf_name, kwargs={'venue_id': venue.pk})}?period={period.value}",
        "form_url": reverse(url_name, kwargs={"venue_id": venue.pk}),
        # WeChat's own browser cannot print: the page says how to open it in a browser instead.
        "in_wechat": "MicroMessenger" in request.headers.get("User-Agent", ""),
    }


def _venue_pdf(request, venue):
    today = local_today()
    period = analysis.chosen_period(request.GET.get("period"), analysis.approved_on(venue), today=today)
    report = analysis.venue_report(venue, period, today=today)
    title = _title()
    content = pdf.venue_report_pdf(report, title)
    chinese = f"{venue.name}-{title}-{period.value}.pdf"
    return _pdf_response(content, f"venue-{venue.pk}-report-{period.value}.pdf", chinese)


# --- Owners ----------------------------------------------------------------------------------

def _owner_venue(request, venue_id):
    return get_object_or_404(venues_for(request.user).filter(status=VenueStatus.APPROVED), pk=venue_id)


@never_cache
@_owner_required
def owner_report(request, venue_id):
    """The venue's report as a printable page (no script needed to read or print it)."""
    venue = _owner_venue(request, venue_id)
    context = _venue_context(request, venue, "owner:venue_report", "owner:venue_report_pdf")
    return render(request, "owner/venue_report.html", {"title": _title(), **context})


@never_cache
@_owner_required
def owner_report_pdf(request, venue_id):
    return _venue_pdf(request, _owner_venue(request, venue_id))


# --- Staff -----------------------------------------------------------------------------------

def _staff_venue(request, venue_id):
    if not request.user.has_perm("venues.view_venue"):
        raise PermissionDenied
    return get_object_or_404(venues_for(request.user), pk=venue_id)


@never_cache
def staff_report(request, venue_id):
    venue = _staff_venue(request, venue_id)
    context = _venue_context(request, venue, "venues_venue_report", "venues_venue_report_pdf")
    return render(request, "venues/admin/analysis_venue.html", {
        "title": _title(),
        "venue_url": reverse("venues_venue_modeladmin_inspect", kwargs={"instance_pk": venue.pk}), **context})


@never_cache
def staff_report_pdf(request, venue_id):
    return _venue_pdf(request, _staff_venue(request, venue_id))


# --- The town --------------------------------------------------------------------------------

def _town(request):
    from .dashboard_views import _area

    user = request.user
    if not user.has_perm("venues.view_dashboard"):
        raise PermissionDenied
    today = local_today()
    period = Period.parse(request.GET.get("period", ""), today=today) or Period.containing(QUARTER, today)
    area = _area(user, request.GET.get("area", ""))
    report = analysis.town_report(user, period, today=today, area=area)
    if area is not None:
        scope_label = area.name
    else:
        scope_label = "、".join(root.name for root in scope_roots(user)) or _("your areas")
    return report, period, area, scope_label


@never_cache
def town_report(request):
    report, period, area, scope_label = _town(request)
    query = f"period={period.value}" + (f"&area={area.pk}" if area is not None else "")
    choices = analysis.town_periods(today=report.today)
    if period.value not in dict(choices):  # a month or an older period asked for: shown as chosen
        choices = [(period.value, str(period)), *choices]
    return render(request, "venues/admin/analysis_town.html", {
        "title": _("Safety analysis report"), "report": report, "period": period, "area": area,
        "scope_label": scope_label, "choices": choices,
        "areas": area_filter_choices(request.user, str(area.pk) if area else ""),
        "pdf_url": f"{reverse('venues_town_report_pdf')}?{query}",
    })


@never_cache
def town_report_pdf(request):
    report, period, _area, scope_label = _town(request)
    title = _("Town safety analysis report")
    content = pdf.town_report_pdf(report, title, scope_label)
    return _pdf_response(content, f"town-report-{period.value}.pdf", f"{title}-{period.value}.pdf")


# /owner/...
owner_urls = [
    path("venues/<int:venue_id>/report/", owner_report, name="venue_report"),
    path("venues/<int:venue_id>/report.pdf", owner_report_pdf, name="venue_report_pdf"),
]
# /admin/...
admin_urls = [
    path("venues/<int:venue_id>/report/", staff_report, name="venues_venue_report"),
    path("venues/<int:venue_id>/report.pdf", staff_report_pdf, name="venues_venue_report_pdf"),
    path("venues/analysis/", town_report, name="venues_town_report"),
    path("venues/analysis.pdf", town_report_pdf, name="venues_town_report_pdf"),
]
