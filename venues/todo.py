"""The staff to-do list: what waits for this person, within their scope. Computed from the
records themselves, so it is never out of date. What is escalated comes first: overdue
hazards, for the town emergency office the major hazards not yet closed, and venues whose
self-check is overdue; then registrations and correction requests to answer, self-checks to
review and fixes to re-check."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component

from . import schedule
from .access import corrections_for, scope_q, venues_for
from .models import CorrectionStatus, Hazard, HazardStatus, SelfCheck, SelfCheckStatus, Severity, VenueStatus


@dataclass
class Item:
    label: str
    count: int
    url: str


def todo_items(user):
    """What waits for ``user``, escalations first, in a constant number of queries."""
    escalated, waiting = _selfcheck_items(user)
    if not (user.has_perm("venues.view_venue") or user.has_perm("venues.review_venue")):
        return escalated + waiting
    # One query for every count over venues, reading only the rows that can count (by the
    # indexes on status and on the due date) rather than the whole register.
    today = timezone.localdate()
    to_count = Q(status__in=[VenueStatus.SUBMITTED, VenueStatus.RESUBMITTED]) | schedule.overdue_q(today)
    counts = venues_for(user).filter(to_count).aggregate(
        new=Count("pk", filter=Q(status=VenueStatus.SUBMITTED)),
        again=Count("pk", filter=Q(status=VenueStatus.RESUBMITTED)),
        selfcheck_overdue=Count("pk", filter=schedule.overdue_q(today)),
    )
    venues = reverse("venues_venue_modeladmin_index")
    escalated.append(Item(_("Venues whose self-check is overdue"), counts["selfcheck_overdue"],
                          f"{venues}?selfcheck=overdue"))
    if user.has_perm("venues.review_venue"):
        waiting = [
            Item(_("New registrations to review"), counts["new"], f"{venues}?status=submitted"),
            Item(_("Resubmitted registrations to review"), counts["again"], f"{venues}?status=resubmitted"),
            Item(_("Owners' requests to correct their data"),
                 corrections_for(user).filter(status=CorrectionStatus.OPEN).count(),
                 reverse("venues_correction_index")),
            *waiting,
        ]
    return escalated + waiting


def is_town_office(user):
    """The town emergency office (or a superuser): major hazards reach its list at once."""
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or bool(profile and profile.office_id and profile.office.is_town_office)


def _selfcheck_items(user):
    """(escalated, waiting): overdue hazards and, for the town office, the open major hazards;
    self-checks to review and fixes to re-check. One query for the self-checks and one for
    all the hazard counts."""
    escalated, items = [], []
    # On the venue of each row, so that the database starts from the few rows that count.
    in_scope = scope_q(user, "venue__")
    if in_scope is None:  # no venues: every count is nought
        in_scope = Q(pk__in=[])
    if user.has_perm("venues.review_selfcheck"):
        waiting = SelfCheck.objects.filter(in_scope, status=SelfCheckStatus.SUBMITTED)
        items.append(Item(_("Self-checks awaiting review"), waiting.count(),
                          reverse("venues_selfcheck_index") + "?status=submitted"))
    if not user.has_perm("venues.view_hazard"):
        return escalated, items
    # Closed hazards never count: only the others are read (the index on status).
    counts = Hazard.objects.filter(in_scope).exclude(status=HazardStatus.CLOSED).aggregate(
        rectified=Count("pk", filter=Q(status=HazardStatus.RECTIFIED)),
        overdue=Count("pk", filter=Hazard.overdue_q(timezone.localdate())),
        major=Count("pk", filter=Q(severity=Severity.MAJOR) & ~Q(status=HazardStatus.CLOSED)),
    )
    hazards = reverse("venues_hazard_index")
    if user.has_perm("venues.verify_hazard"):
        items.append(Item(_("Fixes awaiting your re-check"), counts["rectified"],
                          f"{hazards}?status=rectified"))
    escalated.append(Item(_("Overdue hazards"), counts["overdue"], f"{hazards}?overdue=yes"))
    if is_town_office(user):
        escalated.append(Item(_("Major hazards not yet closed in the town"), counts["major"],
                              f"{hazards}?major=yes"))
    return escalated, items


class TodoPanel(Component):
    """The dashboard's to-do panel for staff."""

    name = "venues_todo"
    order = 50
    template_name = "venues/admin/todo_panel.html"

    def __init__(self, items):
        self.items = items  # todo_items(), counted once per page

    def get_context_data(self, parent_context):
        return {"items": self.items, "nothing": not any(item.count for item in self.items)}
