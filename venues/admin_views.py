"""The back office's venue views: every lookup goes through venues.access, so an id outside
someone's scope answers 404, and every status change through the registration workflow."""

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.views import InspectView

from .access import area_in_scope, venues_for
from .models import Area, AreaLevel, Venue, VenueStatus
from .qr import public_card_url, qr_svg
from .workflows import registration


class VenuePermissionHelper(PermissionHelper):
    """Staff read venues here; records are created and changed through the registration
    and census flows, never by a raw model form."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ScopedInspectView(InspectView):
    def dispatch(self, request, *args, **kwargs):
        if not venues_for(request.user).filter(pk=self.instance.pk).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        venue = self.instance
        context = super().get_context_data(**kwargs)
        context.update(
            venue=venue,
            history=venue.history.select_related("actor"),
            duplicates=possible_duplicates(self.request.user, venue),
            actions=[
                (action, ACTION_LABELS[action], registration.TRANSITIONS[action].needs_reason)
                for action in registration.available_actions(self.request.user, venue)
            ],
        )
        return context


ACTION_LABELS = {
    "approve": pgettext_lazy("venue review", "Approve"),
    "return": pgettext_lazy("venue review", "Return for changes"),
    "reject": pgettext_lazy("venue review", "Reject"),
    "close": pgettext_lazy("venue review", "Mark as closed"),
    "reopen": pgettext_lazy("venue review", "Reopen"),
}


def possible_duplicates(user, venue):
    """Other venues in the person's scope with the same credit code, or the same name at the
    same address."""
    same = Q(name=venue.name, address=venue.address)
    if venue.credit_code:
        same |= Q(credit_code=venue.credit_code)
    return venues_for(user).filter(same).exclude(pk=venue.pk).select_related("area")


@require_POST
def review(request, venue_id):
    """Approve, return, reject, close or reopen, with a reason where one is needed."""
    venue = venues_for(request.user).filter(pk=venue_id).first()
    if venue is None:
        raise Http404
    action = request.POST.get("action", "")
    if action not in ACTION_LABELS:
        raise Http404
    try:
        registration.perform(venue, action, request.user, reason=request.POST.get("reason", ""))
    except registration.ReasonRequired:
        messages.error(request, _("Please give a reason; the owner will see it."))
    except registration.InvalidTransition as error:
        messages.error(request, str(error))
    except PermissionDenied:
        messages.error(request, _("You may not do this for this venue."))
    else:
        messages.success(request, _("Done: %(venue)s is now “%(status)s”.") % {
            "venue": venue.name, "status": Venue.objects.get(pk=venue.pk).get_status_display()})
    return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)


class VillageFilter(SimpleListFilter):
    """Villages and grids, but only those within the person's own areas."""

    title = gettext_lazy("village or grid")
    parameter_name = "area"

    def lookups(self, request, model_admin):
        profile = getattr(request.user, "staff_profile", None)
        if request.user.is_superuser:
            roots = Area.objects.filter(level=AreaLevel.TOWN)
        elif profile is not None:
            roots = profile.areas.all()
        else:
            return []
        scope = Q()
        for root in roots:
            scope |= Q(path__startswith=root.path)
        areas = Area.objects.filter(scope, level__gte=AreaLevel.VILLAGE).order_by("path")
        return [(str(a.pk), ("　" if a.level == AreaLevel.GRID else "") + a.name) for a in areas]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = Area.objects.filter(pk=self.value()).first()
        if area is None:
            return queryset.none()
        return queryset.filter(area__path__startswith=area.path)


def _cards(venues):
    """What a door card shows for each venue: nothing personal."""
    venues = list(venues)
    villages = Area.village_names([venue.area for venue in venues])
    cards = []
    for venue in venues:
        url = public_card_url(venue)
        cards.append({
            "venue": venue, "village": villages[venue.area.pk], "url": url,
            "qr": qr_svg(url, _("QR code of %(venue)s") % {"venue": venue.name}),
        })
    return cards


def door_card(request, venue_id):
    """A print-ready A5 door card for one approved venue in the person's scope."""
    venue = get_object_or_404(
        venues_for(request.user).filter(status=VenueStatus.APPROVED)
        .select_related("kind", "area").prefetch_related("other_kinds"),
        pk=venue_id,
    )
    return render(request, "venues/admin/door_cards.html",
                  {"cards": _cards([venue]), "title": venue.name})


def door_card_sheet(request, area_id):
    """Every approved venue's card for a village or grid, one A5 page each."""
    area = get_object_or_404(Area, pk=area_id)
    if not area_in_scope(request.user, area):
        raise Http404
    venues = (
        venues_for(request.user)
        .filter(status=VenueStatus.APPROVED, area__path__startswith=area.path)
        .select_related("kind", "area").prefetch_related("other_kinds").order_by("area__path", "name")
    )
    return render(request, "venues/admin/door_cards.html",
                  {"cards": _cards(venues), "title": area.name, "area": area})
