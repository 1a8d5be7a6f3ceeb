"""The staff to-do list: what waits for this person, within their scope. Computed from the
records themselves, so it is never out of date. Later issues add overdue items here."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.components import Component

from .access import corrections_for, venues_for
from .models import CorrectionStatus, VenueStatus


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
