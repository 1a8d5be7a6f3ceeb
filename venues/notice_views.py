"""The back office's view of 告知: for each notice owners acknowledge, how many of the venues
it concerns within the person's scope have acknowledged its current version, by village and
kind; the venues still waiting; and a reminder to their holders (venues.acknowledgements)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.pagination import paginate

from . import acknowledgements
from .access import area_chosen, area_filter_choices
from .models import NoticeVersion


def _may_view(user):
    if not (user.has_perm("venues.view_venue") or user.has_perm("venues.review_venue")):
        raise PermissionDenied


def acknowledgement_index(request):
    _may_view(request.user)
    pages = acknowledgements.asking_pages()
    versions = acknowledgements.current_versions(page.pk for page in pages)
    rows = []
    for page in pages:
        version = versions.get(page.pk)
        if version is not None:
            total, _villages = acknowledgements.rates(request.user, version)
            rows.append({"page": page, "version": version, "rate": total})
    return render(request, "venues/admin/acknowledgement_index.html", {"rows": rows})


def _version(version_id):
    version = get_object_or_404(NoticeVersion.objects.select_related("page"), pk=version_id)
    if not version.page.live or acknowledgements.current_version(version.page) != version:
        raise Http404  # only the current version of a live notice is counted and reminded
    return version


def acknowledgement_detail(request, version_id):
    _may_view(request.user)
    version = _version(version_id)
    total, villages = acknowledgements.rates(request.user, version)
    area = area_chosen(request.user, request.GET.get("area", ""))
    waiting = acknowledgements.concerned_in_scope(request.user, version).filter(acknowledged=False)
    if area is not None:
        waiting = waiting.filter(area__path__startswith=area.path)
    page = paginate(request, waiting.select_related("kind", "area").order_by("area__path", "name", "pk"), 50)
    return render(request, "venues/admin/acknowledgement_detail.html", {
        "version": version, "total": total, "villages": villages,
        "page": page, "area": area,
        "area_choices": area_filter_choices(request.user, request.GET.get("area", "")),
        "may_remind": acknowledgements.may_remind(request.user),
    })


@require_POST
def acknowledgement_remind(request, version_id):
    _may_view(request.user)
    version = _version(version_id)
    area = area_chosen(request.user, request.POST.get("area", ""))
    venues = acknowledgements.concerned_venues(version.page)
    if area is not None:
        venues = venues.filter(area__path__startswith=area.path)
    sent = acknowledgements.remind(request.user, version, venues)
    messages.success(request, _("Reminders sent to %(count)s owners. Those reminded in the last day are "
                                "not reminded again.") % {"count": len(sent)})
    url = reverse("venues_acknowledgement_detail", args=[version.pk])
    return redirect(f"{url}?area={area.pk}" if area else url)

