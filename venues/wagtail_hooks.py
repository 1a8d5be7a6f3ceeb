from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .access import venues_for
from .admin_views import (
    KindFilter,
    LicenceFilter,
    OutsideNineFilter,
    ScopedIndexView,
    ScopedInspectView,
    StatusFilter,
    VenuePermissionHelper,
    VillageFilter,
    door_card,
    door_card_sheet,
    reissue_code,
    review,
)
from .models import Venue, VenueKind


# The nine kinds, their lead offices and thresholds, edited by the town.
class VenueKindViewSet(SnippetViewSet):
    model = VenueKind
    icon = "tag"
    menu_label = _("Venue kinds")
    list_display = ["name", "rule", "lead_office_names"]
    ordering = ["sort_order"]


register_snippet(VenueKindViewSet)


# The register as staff see it: only the venues in their own scope (venues.access).
class VenueAdmin(ModelAdmin):
    model = Venue
    menu_label = _("Venues")
    menu_icon = "home"
    menu_order = 200
    list_display = ["name", "kind", "area", "status", "licence", "outside_nine"]
    list_filter = [StatusFilter, KindFilter, LicenceFilter, OutsideNineFilter, VillageFilter]
    search_fields = ["name"]
    list_per_page = 50
    inspect_view_enabled = True
    index_view_class = ScopedIndexView
    inspect_view_class = ScopedInspectView
    inspect_template_name = "venues/admin/venue_inspect.html"
    index_template_name = "venues/admin/venue_index.html"
    inspect_view_fields = [
        "name", "public_code", "kind", "other_kinds", "address", "area", "licence", "credit_code",
        "no_code_reason", "floor_area", "floors", "seats", "beds", "staff_count",
        "dorm_people", "people", "status", "created_at",
    ]
    permission_helper_class = VenuePermissionHelper
    # The history is on the detail page; modeladmin's own view would not be scoped.
    history_view_enabled = False

    def get_queryset(self, request):
        return venues_for(request.user, super().get_queryset(request)).select_related(
            "kind", "area"
        )

    def inspect_view(self, request, instance_pk):
        if not str(instance_pk).isdigit():
            raise Http404
        return super().inspect_view(request, instance_pk)

    # Venues are created and changed through the registration and census flows only; the
    # generic forms do not exist, so no id can be probed through them.
    def create_view(self, request):
        raise Http404

    def edit_view(self, request, instance_pk):
        raise Http404

    def delete_view(self, request, instance_pk):
        raise Http404

    def get_admin_urls_for_registration(self):
        return (
            *super().get_admin_urls_for_registration(),
            path("venues/venue/<int:venue_id>/review/", review, name="venues_venue_review"),
            path("venues/venue/<int:venue_id>/card/", door_card, name="venues_door_card"),
            path("venues/venue/<int:venue_id>/reissue-code/", reissue_code,
                 name="venues_reissue_code"),
            path("venues/area/<int:area_id>/cards/", door_card_sheet, name="venues_door_cards"),
        )


modeladmin_register(VenueAdmin)
