"""The venue list as a spreadsheet (.xlsx or .csv, the list's ?export= parameter): the same
venues as on screen (the person's scope, the list's filters and search), with Chinese
headings and personal numbers masked (venues.masking). Related rows are fetched once for the
whole list, never once per venue."""

from collections import OrderedDict

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .access import area_chosen, area_in_scope
from .admin_views import ScopedIndexView
from .masking import mask_id_number, mask_mobile
from .models import Area, AreaLevel, Venue
from .name_search import filter_by_name


def _label(name):
    return Venue._meta.get_field(name).verbose_name


# (column, heading); list_export of the venue list.
COLUMNS = [
    ("name", _label("name")),
    ("kinds", gettext_lazy("kinds")),
    ("village", AreaLevel.VILLAGE.label),
    ("grid", AreaLevel.GRID.label),
    ("address", _label("address")),
    ("status", _label("status")),
    ("licence", _label("licence")),
    ("credit_code", _label("credit_code")),
    ("operator_name", _label("operator_name")),
    ("operator_mobile", _label("operator_mobile")),
    ("operator_id_number", _label("operator_id_number")),
    ("contact_name", _label("contact_name")),
    ("contact_mobile", _label("contact_mobile")),
    ("outside_nine", _label("outside_nine")),
    ("created_at", _label("created_at")),
]
LIST_EXPORT = [key for key, _heading in COLUMNS]
HEADINGS = dict(COLUMNS)


def outside_nine_text(value):
    if value is None:
        return _("Not yet known")
    return _("Yes") if value else _("No")


def export_row(venue, villages):
    """One venue as the spreadsheet shows it; ``villages`` is Area.village_names(...)."""
    return OrderedDict([
        ("name", venue.name),
        ("kinds", "、".join(kind.name for kind in venue.all_kinds)),
        ("village", villages.get(venue.area_id, "")),
        ("grid", venue.area.name if venue.area.level == AreaLevel.GRID else ""),
        ("address", venue.address),
        ("status", venue.get_status_display()),
        ("licence", venue.get_licence_display()),
        ("credit_code", venue.credit_code),
        ("operator_name", venue.operator_name),
        ("operator_mobile", mask_mobile(venue.operator_mobile)),
        ("operator_id_number", mask_id_number(venue.operator_id_number)),
        ("contact_name", venue.contact_name),
        ("contact_mobile", mask_mobile(venue.contact_mobile)),
        ("outside_nine", outside_nine_text(venue.outside_nine)),
        ("created_at", timezone.localtime(venue.created_at).date()),
    ])


class VenueIndexView(ScopedIndexView):
    """The scoped venue list, downloadable as a spreadsheet; no text in it is a live formula
    (venues.spreadsheets, applied to every Wagtail export)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        venues = list(queryset.select_related("kind", "area").prefetch_related("other_kinds"))
        self.villages = Area.village_names([venue.area for venue in venues])
        audit.record(self.request, "venue.export", None, format=spreadsheet_format, rows=len(venues),
                     query=self.request.GET.urlencode())
        return super().as_spreadsheet(venues, spreadsheet_format)

    # Only by name (the name index orders it) besides the default, most recently changed first:
    # ordering a district's register by kind, area or status would sort all of it for every
    # page. The list's filters narrow by those instead.
    sortable_by = ("name",)

    def get_ordering_field(self, field_name):
        return super().get_ordering_field(field_name) if field_name in self.sortable_by else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Door cards of the area filtered by, when it lies within the person's own areas.
        area = area_chosen(self.request.user, self.request.GET.get("area", ""))
        context["door_cards_area"] = area if area and area_in_scope(self.request.user, area) else None
        return context

    def get_search_results(self, request, queryset, search_term):
        # By the name's tokens, indexed (venues.name_search), not a scan with LIKE.
        return filter_by_name(queryset, search_term) if search_term else queryset

    def get_filename(self):
        return f"venues-{timezone.localdate():%Y%m%d}"

    def get_heading(self, queryset, field):
        return str(HEADINGS[field])

    def to_row_dict(self, item):
        return export_row(item, self.villages)

    def stream_csv(self, queryset):
        # The byte order mark tells Excel the file is UTF-8, so Chinese shows correctly.
        yield "\ufeff".encode()
        yield from super().stream_csv(queryset)
