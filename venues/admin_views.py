"""The back office's venue views: every lookup goes through venues.access, so an id outside
someone's scope answers 404, and every status change through the registration workflow."""

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.views import InspectView

from .access import venues_for
from .models import Area, AreaLevel, Venue
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
