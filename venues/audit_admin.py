"""The audit log in the admin: auditors (and superusers) read and filter it; nobody creates,
changes or deletes an entry here."""

import datetime

from django.contrib.admin import SimpleListFilter
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from .admin_views import ScopedIndexView
from .models import AuditEntry, AuditOutcome


class ReadOnlyPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class OutcomeFilter(SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return AuditOutcome.choices

    def queryset(self, request, queryset):
        return queryset.filter(outcome=self.value()) if self.value() else queryset


class ActionFilter(SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(action, action) for action in actions]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class PeriodFilter(SimpleListFilter):
    title = _("period")
    parameter_name = "days"
    DAYS = {"1": _("last 24 hours"), "7": _("last 7 days"), "30": _("last 30 days"),
            "184": _("last 184 days")}

    def lookups(self, request, model_admin):
        return list(self.DAYS.items())

    def queryset(self, request, queryset):
        if self.value() not in self.DAYS:
            return queryset
        return queryset.filter(at__gte=timezone.now() - datetime.timedelta(days=int(self.value())))


class AuditEntryAdmin(ModelAdmin):
    model = AuditEntry
    menu_label = _("Audit log")
    menu_icon = "list-ul"
    menu_order = 900
    list_display = ["at", "actor", "role", "area", "address", "action", "object_type", "object_id", "outcome"]
    list_filter = [PeriodFilter, OutcomeFilter, ActionFilter]
    search_fields = ["action", "object_type", "object_id", "actor__username", "role", "area"]
    list_per_page = 100
    list_export = ["at", "actor", "role", "area", "address", "action", "object_type", "object_id",
                   "outcome", "detail"]
    export_filename = "audit-log"
    inspect_view_enabled = True
    history_view_enabled = False
    index_view_class = ScopedIndexView
    permission_helper_class = ReadOnlyPermissionHelper

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")
