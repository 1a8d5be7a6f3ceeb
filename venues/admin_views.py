"""The back office's venue views: every lookup goes through venues.access, so an id outside
someone's scope answers 404, and every status change through the registration workflow."""


from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.core.paginator import InvalidPage
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from wagtail.admin.paginator import WagtailPaginator

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.views import IndexView, InspectView

from . import case_views, integrity_views, schedule
from .access import area_chosen, area_filter_choices, area_in_scope, kinds_for, may_help_owner, venues_for
from .forms import PhotoForm
from .models import Area, AuditEntry, HazardStatus, SafetyRules, Venue, VenueKind, VenueStatus
from .photos import may_add_photo
from .qr import public_card_url, qr_svg
from .workflows import claims, registration, selfchecks


class VenuePermissionHelper(PermissionHelper):
    """Staff read venues here; records are created and changed through the registration
    and census flows, never by a raw model form."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


# Lists that grow with the register (venues, the audit log) count at most this many rows:
# beyond it they say "10000+" and offer the pages up to it, so that no request counts or
# skips over a whole town's or district's table. Filters and the search narrow a list down.
COUNT_LIMIT = 10_000


def bounded_count(queryset):
    return queryset.order_by()[: COUNT_LIMIT + 1].count()


def shown_count(count):
    return f"{COUNT_LIMIT}+" if count > COUNT_LIMIT else count


class BoundedPaginator(WagtailPaginator):
    """Pages through the first COUNT_LIMIT rows."""

    @cached_property
    def bounded_total(self):
        return bounded_count(self.object_list)  # COUNT_LIMIT + 1 means "more"

    @cached_property
    def count(self):
        return min(self.bounded_total, COUNT_LIMIT)


class ScopedIndexView(IndexView):
    """modeladmin turns any leftover query parameter into an ORM filter, which would let a
    guessed ?kind__venues__operator_mobile=… probe other villages' data. Only the list's own
    filters are accepted; anything else is dropped. Counts are bounded (COUNT_LIMIT)."""

    paginator_class = BoundedPaginator

    def get_context_data(self, **kwargs):
        # modeladmin's own counts the whole list three times; this counts it twice, bounded.
        paginator = self.paginator_class(self.get_queryset(), self.items_per_page)
        try:
            page_obj = paginator.page(self.page_num)
        except InvalidPage:
            page_obj = paginator.page(1)
        context = {
            "view": self,
            "all_count": shown_count(bounded_count(self.get_base_queryset())),
            "result_count": shown_count(paginator.bounded_total),
            "paginator": paginator,
            "page_obj": page_obj,
            "elided_page_range": paginator.get_elided_page_range(page_obj.number),
            "object_list": page_obj.object_list,
            "user_can_create": self.permission_helper.user_can_create(self.request.user),
            "show_search": self.search_handler.show_search_form,
            **kwargs,
        }
        return super(IndexView, self).get_context_data(**context)

    def get_filters_params(self, params=None):
        allowed = {spec.parameter_name for spec in self.model_admin.list_filter}
        return {
            key: value for key, value in super().get_filters_params(params).items()
            if key in allowed
        }


class ScopedInspectView(InspectView):
    # A photo refused by venues.staff_views.photo_add: the page is drawn again with the form
    # as it was sent and the reason beside the file field.
    photo_form = None

    def __init__(self, model_admin, instance_pk, photo_form=None):
        super().__init__(model_admin, instance_pk)
        self.photo_form = photo_form

    def post(self, request, *args, **kwargs):
        if self.photo_form is None:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return self.get(request, *args, **kwargs)

    def dispatch(self, request, *args, **kwargs):
        if not venues_for(request.user).filter(pk=self.instance.pk).exists():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        venue = self.instance
        context = super().get_context_data(**kwargs)
        context.update(
            venue=venue,
            history=[
                _with_labelled_notes(change) for change in venue.history.select_related("actor")
            ],
            duplicates=possible_duplicates(self.request.user, venue),
            actions=[
                (action, ACTION_LABELS[action], registration.TRANSITIONS[action].needs_reason)
                for action in registration.available_actions(self.request.user, venue)
            ],
            note_fields=list(registration.NOTE_FIELDS.items()),
            may_reissue_code=registration.may_reissue_code(self.request.user, venue),
            may_move=registration.may_move(self.request.user, venue),
            may_help_owner=may_help_owner(self.request.user, venue),
            may_issue_claim_code=claims.may_issue(self.request.user, venue),
            photos=venue.photos.all(),
            photo_form=self.photo_form or (PhotoForm() if may_add_photo(self.request.user, venue) else None),
            moves=AuditEntry.objects.filter(object_type="venue", object_id=str(venue.pk),
                                            action="venue.move").select_related("actor"),
            **self.selfcheck_context(venue),
            **integrity_views.staff_context(self.request.user, venue),
            **case_views.staff_context(self.request.user, venue),
        )
        return context

    def selfcheck_context(self, venue):
        """Risk, the self-check schedule, recent self-checks and hazards not yet closed."""
        user, today = self.request.user, timezone.localdate()
        open_hazards = None
        if user.has_perm("venues.view_hazard"):
            open_hazards = list(venue.hazards.exclude(status=HazardStatus.CLOSED).order_by("deadline", "pk"))
            for hazard in open_hazards:
                hazard.overdue = hazard.is_overdue(today)  # the model's rule, not the template's
        return {
            "selfcheck_state": schedule.state(venue, today, SafetyRules.current().remind_days_before),
            "recent_selfchecks": (venue.selfchecks.select_related("submitted_by", "assisted_by")[:5]
                                  if user.has_perm("venues.view_selfcheck") else None),
            "open_hazards": open_hazards,
            "today": today,
            "may_assist": selfchecks.may_assist(user, venue),
        }


def _with_labelled_notes(change):
    change.labelled_notes = [
        (registration.NOTE_FIELDS.get(key, key), note) for key, note in change.field_notes.items()
    ]
    return change


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
    # A return may point at fields: a ticked field with its note (or a general one).
    notes = {}
    if action == "return":
        for key in registration.NOTE_FIELDS:
            note = request.POST.get(f"note_{key}", "").strip()
            if note or key in request.POST.getlist("note_fields"):
                notes[key] = note or _("Please check this.")
    try:
        changed = registration.perform(venue, action, request.user,
                                       reason=request.POST.get("reason", ""), field_notes=notes)
    except registration.ReasonRequired:
        messages.error(request, _("Please give a reason; the owner will see it."))
    except registration.InvalidTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(venue)s is now “%(status)s”.") % {
            "venue": changed.name, "status": changed.get_status_display()})
    return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)


@require_POST
def reissue_code(request, venue_id):
    venue = venues_for(request.user).filter(pk=venue_id).first()
    if venue is None:
        raise Http404
    # Someone without the right gets a plain 403 (PermissionDenied); they have no button.
    venue = registration.reissue_public_code(venue, request.user)
    messages.success(request, _("The old door card no longer works; the new code is %(code)s. "
                                "Print a new door card.") % {"code": venue.public_code})
    return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)


class VillageFilter(SimpleListFilter):
    """The areas within the person's own, one level at a time (access.area_filter_choices)."""

    title = gettext_lazy("area")
    parameter_name = "area"

    def lookups(self, request, model_admin):
        return area_filter_choices(request.user, request.GET.get(self.parameter_name, ""))

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = area_chosen(request.user, self.value())
        return queryset.none() if area is None else queryset.filter(area__path__startswith=area.path)


class SelfCheckDueFilter(SimpleListFilter):
    """Venues whose self-check is due within the reminder window, or overdue (venues.schedule)."""

    title = gettext_lazy("self-check")
    parameter_name = "selfcheck"

    def lookups(self, request, model_admin):
        days = SafetyRules.current().remind_days_before
        return [("due", _("due within %(days)s days") % {"days": days}), ("overdue", _("overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(schedule.overdue_q())
        if self.value() == "due":
            return queryset.filter(schedule.due_soon_q())
        return queryset


class ChoiceFilter(SimpleListFilter):
    """A filter on one field's choices; unknown values simply match nothing."""

    field = ""

    def lookups(self, request, model_admin):
        return Venue._meta.get_field(self.field).choices

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() else queryset


class StatusFilter(ChoiceFilter):
    title = gettext_lazy("status")
    parameter_name = field = "status"


class LicenceFilter(ChoiceFilter):
    title = gettext_lazy("licence situation")
    parameter_name = field = "licence"


class RiskLevelFilter(ChoiceFilter):
    title = gettext_lazy("risk level")
    parameter_name = "risk"
    field = "risk_level"


class KindFilter(SimpleListFilter):
    """The kinds the person may see: a lead office only those it leads. A venue matches by its
    main kind or any other kind it also is."""

    title = gettext_lazy("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.slug, kind.name) for kind in kinds_for(request.user)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        # Main or other kind, without joining every venue's kinds and DISTINCT over the whole
        # register.
        kind = VenueKind.objects.filter(slug=self.value()).values("pk")
        also = Venue.other_kinds.through.objects.filter(venuekind__in=kind).values("venue_id")
        return queryset.filter(Q(kind__in=kind) | Q(pk__in=also))


class OutsideNineFilter(SimpleListFilter):
    title = gettext_lazy("outside the nine small places")
    parameter_name = "outside"
    VALUES = {"yes": True, "no": False}

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not yet known"))]

    def queryset(self, request, queryset):
        if self.value() in self.VALUES:
            return queryset.filter(outside_nine=self.VALUES[self.value()])
        if self.value() == "unknown":
            return queryset.filter(outside_nine__isnull=True)
        return queryset


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
