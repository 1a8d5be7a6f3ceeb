"""The back office's view of 告知: for each notice owners acknowledge, how many of the venues
it concerns within the person's scope have acknowledged its current version, by village and
kind; the venues still waiting; and a reminder to their holders (venues.acknowledgements)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.pagination import paginate

from . import acknowledgements
from .access import area_chosen, area_filter_choices
from .models import Acknowledgement, Area, NoticeVersion


def _may_view(user):
    if not (user.has_perm("venues.view_venue") or user.has_perm("venues.review_venue")):
        raise PermissionDenied


def acknowledgement_index(request):
    _may_view(request.user)
    pages = acknowledgements.asking_pages()
    versions = acknowledgements.current_versions(page.pk for page in pages)
    shown = [(page, versions[page.pk]) for page in pages if page.pk in versions]
    rates = acknowledgements.overall_rates(request.user, shown)
    rows = [{"page": page, "version": version, "rate": rates[version.pk]} for page, version in shown]
    return render(request, "venues/admin/acknowledgement_index.html", {"rows": rows})


def _version(version_id):
    """The version and its page; only the current version of a live notice is counted and
    reminded."""
    version = get_object_or_404(NoticeVersion, pk=version_id)
    page = acknowledgements.current_pages([version]).get(version.pk)
    if page is None:
        raise Http404
    return version, page


def acknowledgement_detail(request, version_id):
    _may_view(request.user)
    version, page = _version(version_id)
    total, villages = acknowledgements.rates(request.user, version, page)
    area = area_chosen(request.user, request.GET.get("area", ""))
    done = request.GET.get("show") == "done"  # the venues that have acknowledged it, and when
    listed = acknowledgements.concerned_in_scope(request.user, version, page).filter(acknowledged=done)
    if area is not None:
        listed = listed.filter(area__path__startswith=area.path)
    if done:
        listed = listed.annotate(acknowledged_at=Subquery(Acknowledgement.objects.filter(
            version=version, venue=OuterRef("pk")).values("at")[:1]))
    rows = paginate(request, listed.select_related("kind", "area").order_by("area__path", "name", "pk"), 50)
    places = Area.places([venue.area for venue in rows])
    for venue in rows:
        venue.where = places[venue.area_id]
    return render(request, "venues/admin/acknowledgement_detail.html", {
        "version": version, "total": total, "villages": villages, "done": done,
        "page": rows, "area": area,
        "area_choices": area_filter_choices(request.user, request.GET.get("area", "")),
        "may_remind": acknowledgements.may_remind(request.user),
    })


@require_POST
def acknowledgement_remind(request, version_id):
    _may_view(request.user)
    version, page = _version(version_id)
    area = area_chosen(request.user, request.POST.get("area", ""))
    venues = acknowledgements.concerned_venues(page)
    if area is not None:
        venues = venues.filter(area__path__startswith=area.path)
    sent = acknowledgements.remind(request.user, version, page, venues)
    messages.success(request, _("Reminders sent to %(count)s owners. Owners told or reminded in the last "
                                "day are not reminded again, and venues without an owner account cannot "
                                "be reminded: visit them.") % {"count": len(sent)})
    url = reverse("venues_acknowledgement_detail", args=[version.pk])
    return redirect(f"{url}?area={area.pk}" if area else url)

