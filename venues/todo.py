"""The staff to-do list: what waits for this person, within their scope. Computed from the
records themselves, so it is never out of date: registrations and correction requests to
answer, self-checks to review, fixes to re-check, overdue hazards, and for the town
emergency office the major hazards not yet closed."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component

from .access import corrections_for, venues_for
from .models import CorrectionStatus, Hazard, HazardStatus, SelfCheck, SelfCheckStatus, Severity, VenueStatus


@dataclass
class Item:
    label: str
    count: int
    url: str


def todo_items(user):
    items = []
    if user.has_perm("venues.review_venue"):
        counts = venues_for(user).aggregate(
            new=Count("pk", filter=Q(status=VenueStatus.SUBMITTED)),
            again=Count("pk", filter=Q(status=VenueStatus.RESUBMITTED)),
        )
        venues = reverse("venues_venue_modeladmin_index")
        items += [
            Item(_("New registrations to review"), counts["new"], f"{venues}?status=submitted"),
            Item(_("Resubmitted registrations to review"), counts["again"], f"{venues}?status=resubmitted"),
            Item(_("Owners' requests to correct their data"),
                 corrections_for(user).filter(status=CorrectionStatus.OPEN).count(),
                 reverse("venues_correction_index")),
        ]
    return items + _selfcheck_items(user)


def is_town_office(user):
    """The town emergency office (or a superuser): major hazards reach its list at once."""
    profile = getattr(user, "staff_profile", None)
    return user.is_superuser or bool(profile and profile.office_id and profile.office.is_town_office)


def _selfcheck_items(user):
    """Self-checks to review, fixes to re-check, overdue hazards and, for the town office, the
    open major hazards: one query for the self-checks and one for all the hazard counts."""
    items, in_scope = [], venues_for(user)
    if user.has_perm("venues.review_selfcheck"):
        waiting = SelfCheck.objects.filter(venue__in=in_scope, status=SelfCheckStatus.SUBMITTED)
        items.append(Item(_("Self-checks awaiting review"), waiting.count(),
                          reverse("venues_selfcheck_index") + "?status=submitted"))
    if not user.has_perm("venues.view_hazard"):
        return items
    counts = Hazard.objects.filter(venue__in=in_scope).aggregate(
        rectified=Count("pk", filter=Q(status=HazardStatus.RECTIFIED)),
        overdue=Count("pk", filter=Hazard.overdue_q(timezone.localdate())),
        major=Count("pk", filter=Q(severity=Severity.MAJOR) & ~Q(status=HazardStatus.CLOSED)),
    )
    hazards = reverse("venues_hazard_index")
    if user.has_perm("venues.verify_hazard"):
        items.append(Item(_("Fixes awaiting your re-check"), counts["rectified"],
                          f"{hazards}?status=rectified"))
    items.append(Item(_("Overdue hazards"), counts["overdue"], f"{hazards}?overdue=yes"))
    if is_town_office(user):
        items.append(Item(_("Major hazards not yet closed in the town"), counts["major"],
                          f"{hazards}?major=yes"))
    return items


class TodoPanel(Component):
    """The dashboard's to-do panel for staff."""

    name = "venues_todo"
    order = 50
    template_name = "venues/admin/todo_panel.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        items = todo_items(self.user)
        return {"items": items, "nothing": not any(item.count for item in items)}
