from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import VenueKind


# The nine kinds, their lead offices and thresholds, edited by the town.
class VenueKindViewSet(SnippetViewSet):
    model = VenueKind
    icon = "tag"
    menu_label = _("Venue kinds")
    list_display = ["name", "rule", "lead_offices"]
    ordering = ["sort_order"]


register_snippet(VenueKindViewSet)
