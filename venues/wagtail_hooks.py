from django import forms
from django.http import Http404
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from . import correction_views, notice_views, otp_views, report_views, selfcheck_views, staff_views
from .access import venues_for
from .admin_views import (
    KindFilter,
    LicenceFilter,
    OutsideNineFilter,
    RiskLevelFilter,
    ScopedInspectView,
    SelfCheckDueFilter,
    StatusFilter,
    VenuePermissionHelper,
    VillageFilter,
    door_card,
    door_card_sheet,
    reissue_code,
    review,
)
from .audit_admin import AuditEntryAdmin
from .export import LIST_EXPORT, VenueIndexView
from .import_views import import_urls
from .models import ChecklistGroup, ChecklistItem, IntegrityRule, Office, RiskRule, Venue, VenueKind
from .todo import TodoPanel, todo_items


# The nine kinds, their lead offices and thresholds, edited by the town.
class VenueKindViewSet(SnippetViewSet):
    model = VenueKind
    icon = "tag"
    menu_label = _("Venue kinds")
    list_display = ["name", "rule", "lead_office_names"]
    ordering = ["sort_order"]


register_snippet(VenueKindViewSet)


# The self-check checklists, edited by the town emergency office (venues.checklists keeps a
# version of each kind's list as it was used, so edits never change past self-checks).
class ChecklistItemViewSet(SnippetViewSet):
    model = ChecklistItem
    icon = "tasks"
    menu_label = _("Checklist items")
    list_display = ["question", "group", "severity", "active"]
    list_filter = ["group", "severity", "kinds", "active"]
    panels = [
        FieldPanel("group"), FieldPanel("question"), FieldPanel("code"),
        FieldPanel("guidance"), FieldPanel("picture"), FieldPanel("basis"),
        FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
        FieldPanel("severity"), FieldPanel("allow_not_applicable"),
        FieldPanel("photo_required_on_fail"), FieldPanel("sort_order"), FieldPanel("active"),
    ]


class ChecklistGroupViewSet(SnippetViewSet):
    model = ChecklistGroup
    icon = "folder-open-inverse"
    menu_label = _("Checklist groups")
    list_display = ["name", "sort_order"]


# The risk rules (venues.risk): saving one recomputes every venue's level and due date.
class RiskRuleViewSet(SnippetViewSet):
    model = RiskRule
    icon = "warning"
    menu_label = _("Risk rules")
    list_display = ["reason", "factor", "threshold", "level", "active"]
    list_filter = ["level", "factor", "active"]
    ordering = ["sort_order", "pk"]
    panels = [
        FieldPanel("factor"), FieldPanel("threshold"),
        FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
        FieldPanel("level"), FieldPanel("reason"), FieldPanel("active"), FieldPanel("sort_order"),
    ]


# The integrity rules (venues.integrity): saving one recomputes every venue's level and due
# date. (Issue 12, part A.)
class IntegrityRuleViewSet(SnippetViewSet):
    model = IntegrityRule
    icon = "success"
    menu_label = _("Integrity rules")
    list_display = ["reason", "factor", "threshold", "level", "active"]
    list_filter = ["level", "factor", "active"]
    ordering = ["sort_order", "pk"]
    panels = [FieldPanel("factor"), FieldPanel("threshold"), FieldPanel("level"), FieldPanel("reason"),
              FieldPanel("active"), FieldPanel("sort_order")]


class ChecklistViewSetGroup(SnippetViewSetGroup):
    items = (ChecklistItemViewSet, ChecklistGroupViewSet, RiskRuleViewSet, IntegrityRuleViewSet)
    menu_icon = "tasks"
    menu_label = _("Self-check checklists")
    menu_name = "checklists"


register_snippet(ChecklistViewSetGroup)


# The register as staff see it: only the venues in their own scope (venues.access).
class VenueAdmin(ModelAdmin):
    model = Venue
    menu_label = _("Venues")
    menu_icon = "home"
    menu_order = 200
    list_display = ["name", "kind", "area", "status", "licence", "outside_nine", "risk_level"]
    list_filter = [StatusFilter, KindFilter, LicenceFilter, OutsideNineFilter, VillageFilter,
                   SelfCheckDueFilter, RiskLevelFilter]
    search_fields = ["name"]
    list_per_page = 50
    inspect_view_enabled = True
    index_view_class = VenueIndexView
    # ?export=xlsx or csv: the list as shown, personal numbers masked (venues.export).
    list_export = LIST_EXPORT
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
        if not str(instance_pk).isdecimal():
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
            # The census spreadsheet import (venues.import_views).
            *import_urls(),
        )


modeladmin_register(VenueAdmin)


# The town office's own pages: offices, staff accounts, the area tree, moving venues.
class OfficeViewSet(SnippetViewSet):
    model = Office
    icon = "group"
    menu_label = _("Offices")
    list_display = ["name", "is_town_office"]


register_snippet(OfficeViewSet)


@hooks.register("register_admin_urls")
def register_staff_urls():
    return [
        path("venues/staff/", staff_views.staff_index, name="venues_staff_index"),
        path("venues/staff/add/", staff_views.staff_add, name="venues_staff_add"),
        path("venues/staff/<int:user_id>/", staff_views.staff_edit, name="venues_staff_edit"),
        path("venues/staff/<int:user_id>/password/", staff_views.staff_password,
             name="venues_staff_password"),
        path("venues/areas/", staff_views.area_index, name="venues_area_index"),
        path("venues/areas/<int:parent_id>/add/", staff_views.area_add, name="venues_area_add"),
        path("venues/areas/<int:area_id>/", staff_views.area_edit, name="venues_area_edit"),
        path("venues/areas/<int:area_id>/delete/", staff_views.area_delete, name="venues_area_delete"),
        path("venues/venue/<int:venue_id>/move/", staff_views.venue_move, name="venues_venue_move"),
        path("venues/census/", staff_views.census_add, name="venues_census_add"),
        path("venues/venue/<int:venue_id>/reveal/", staff_views.reveal, name="venues_reveal"),
        path("venues/venue/<int:venue_id>/owner-help/", staff_views.owner_help, name="venues_owner_help"),
        path("venues/venue/<int:venue_id>/photos/", staff_views.photo_add, name="venues_photo_add"),
        path("venues/venue/<int:venue_id>/claim-code/", staff_views.claim_code, name="venues_claim_code"),
        path("venues/corrections/", correction_views.correction_index, name="venues_correction_index"),
        path("venues/corrections/<int:request_id>/", correction_views.correction_detail,
             name="venues_correction_detail"),
        # 报告 and 告知 (venues.report_views, venues.notice_views).
        path("venues/reports/", report_views.report_index, name="venues_report_index"),
        path("venues/reports/<int:report_id>/", report_views.report_detail, name="venues_report_detail"),
        path("venues/acknowledgements/", notice_views.acknowledgement_index,
             name="venues_acknowledgement_index"),
        path("venues/acknowledgements/<int:version_id>/", notice_views.acknowledgement_detail,
             name="venues_acknowledgement_detail"),
        path("venues/acknowledgements/<int:version_id>/remind/", notice_views.acknowledgement_remind,
             name="venues_acknowledgement_remind"),
    ]


# Self-checks and hazards in the back office (venues.selfcheck_views): the lists, review and
# re-check, and the self-check a grid worker fills in with an owner who has no phone.
@hooks.register("register_admin_urls")
def register_selfcheck_urls():
    views = selfcheck_views
    return [
        path("venues/selfchecks/", views.selfcheck_index, name="venues_selfcheck_index"),
        path("venues/selfchecks/<int:check_id>/", views.selfcheck_detail, name="venues_selfcheck_detail"),
        path("venues/selfchecks/<int:check_id>/review/", views.selfcheck_review,
             name="venues_selfcheck_review"),
        path("venues/selfchecks/<int:check_id>/fill/<int:group_number>/", views.selfcheck_fill,
             name="venues_selfcheck_fill"),
        path("venues/selfchecks/<int:check_id>/confirm/", views.selfcheck_confirm,
             name="venues_selfcheck_confirm"),
        path("venues/selfchecks/<int:check_id>/discard/", views.selfcheck_discard,
             name="venues_selfcheck_discard"),
        path("venues/venue/<int:venue_id>/assisted-selfcheck/", views.selfcheck_assist,
             name="venues_selfcheck_assist"),
        path("venues/hazards/", views.hazard_index, name="venues_hazard_index"),
        path("venues/hazards/<int:hazard_id>/", views.hazard_detail, name="venues_hazard_detail"),
        path("venues/hazards/<int:hazard_id>/verify/", views.hazard_verify, name="venues_hazard_verify"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def staff_menu_item():
    return PermissionMenuItem(_("Staff accounts"), reverse("venues_staff_index"), icon_name="group",
                              order=210, permission="venues.view_staffprofile")


@hooks.register("register_admin_menu_item")
def area_menu_item():
    return PermissionMenuItem(pgettext_lazy("area tree", "Areas"), reverse("venues_area_index"),
                              icon_name="site", order=220, permission="venues.view_area")


@hooks.register("register_admin_menu_item")
def correction_menu_item():
    return PermissionMenuItem(_("Correction requests"), reverse("venues_correction_index"),
                              icon_name="edit", order=230, permission="venues.review_venue")


@hooks.register("register_admin_menu_item")
def report_menu_item():
    return PermissionMenuItem(_("Owners' reports"), reverse("venues_report_index"), icon_name="mail",
                              order=235, permission="venues.handle_ownerreport")


@hooks.register("register_admin_menu_item")
def acknowledgement_menu_item():
    return PermissionMenuItem(_("Notices owners acknowledge"), reverse("venues_acknowledgement_index"),
                              icon_name="doc-full", order=260, permission="venues.view_venue")


@hooks.register("register_admin_menu_item")
def selfcheck_menu_item():
    return PermissionMenuItem(_("Self-checks"), reverse("venues_selfcheck_index"), icon_name="clipboard-list",
                              order=240, permission="venues.view_selfcheck")


@hooks.register("register_admin_menu_item")
def hazard_menu_item():
    return PermissionMenuItem(_("Hazards"), reverse("venues_hazard_index"), icon_name="warning",
                              order=250, permission="venues.view_hazard")


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    items = todo_items(request.user)
    if items:
        panels.insert(0, TodoPanel(items))


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


# The second factor (venues.otp): its setup, verify and backup-code pages, and a way to set up
# a new phone from the account page.
@hooks.register("register_admin_urls")
def second_factor_urls():
    return otp_views.admin_urls()


@hooks.register("register_account_menu_item")
def second_factor_account_item(request):
    return otp_views.account_menu_item(request)


modeladmin_register(AuditEntryAdmin)


# --- 群众举报: public hazard reports (venues.public_report_views) ------------------------------

@hooks.register("register_admin_urls")
def register_public_report_urls():
    from . import public_report_views as views

    return [
        path("venues/public-reports/", views.public_report_index, name="venues_public_report_index"),
        path("venues/public-reports/<int:report_id>/", views.public_report_detail,
             name="venues_public_report_detail"),
        path("venues/public-reports/photos/<int:photo_id>/", views.public_report_photo,
             name="venues_public_report_photo"),
    ]


@hooks.register("register_admin_menu_item")
def public_report_menu_item():
    return PermissionMenuItem(_("Public hazard reports"), reverse("venues_public_report_index"),
                              icon_name="warning", order=237, permission="venues.handle_publicreport")


# --- 巡查: patrols (venues.patrol_views) -------------------------------------------------------

@hooks.register("register_admin_urls")
def register_patrol_urls():
    from . import patrol_views as views

    return [
        path("venues/patrols/", views.worklist, name="venues_patrol_worklist"),
        path("venues/patrols/records/", views.patrol_index, name="venues_patrol_index"),
        path("venues/patrols/venue/<int:venue_id>/", views.patrol_form, name="venues_patrol_form"),
        path("venues/patrols/<int:patrol_id>/", views.patrol_detail, name="venues_patrol_detail"),
    ]


class PatrolRecordsMenuItem(MenuItem):
    """For those who read patrols without making them (lead offices, leaders); those who
    patrol reach the records from their worklist."""

    def is_shown(self, request):
        return request.user.has_perm("venues.view_patrol") and not request.user.has_perm("venues.add_patrol")


@hooks.register("register_admin_menu_item")
def patrol_menu_item():
    return PermissionMenuItem(_("Patrols"), reverse("venues_patrol_worklist"), icon_name="tasks",
                              order=252, permission="venues.add_patrol")


@hooks.register("register_admin_menu_item")
def patrol_records_menu_item():
    return PatrolRecordsMenuItem(_("Patrol records"), reverse("venues_patrol_index"), icon_name="tasks",
                                 order=253)


@hooks.register("insert_global_admin_js")
def patrol_script():
    """static/js/patrol.js on every admin page: the patrol form and record use it, and signing out
    anywhere clears the patrol forms kept on the phone (after a warning if one was not sent)."""
    return format_html(
        '<script src="{}" defer data-patrol-script data-logout-warning="{}"></script>',
        static("js/patrol.js"),
        _("A patrol form kept on this phone has not been sent yet. Signing out removes it from this phone. "
          "Sign out anyway?"),
    )



# --- 督办: tasks (venues.task_views) -----------------------------------------------------------

@hooks.register("register_admin_urls")
def register_task_urls():
    from . import task_views as views

    return [
        path("venues/tasks/", views.task_index, name="venues_task_index"),
        path("venues/tasks/new/", views.task_new, name="venues_task_new"),
        path("venues/tasks/<int:task_id>/", views.task_detail, name="venues_task_detail"),
        path("venues/tasks/<int:task_id>/close/", views.task_close, name="venues_task_close"),
        path("venues/tasks/<int:task_id>/cancel/", views.task_cancel, name="venues_task_cancel"),
        path("venues/tasks/<int:task_id>/due/", views.task_due, name="venues_task_due"),
        path("venues/tasks/<int:task_id>/add/", views.task_add, name="venues_task_add"),
        # One assignee's part of a task (venues.workflows.tasks.assignments_for).
        path("venues/tasks/parts/<int:assignment_id>/acknowledge/", views.task_acknowledge,
             name="venues_task_acknowledge"),
        path("venues/tasks/parts/<int:assignment_id>/venues/<int:venue_id>/", views.task_progress,
             name="venues_task_progress"),
        path("venues/tasks/parts/<int:assignment_id>/done/", views.task_done, name="venues_task_done"),
        path("venues/tasks/parts/<int:assignment_id>/reopen/", views.task_reopen, name="venues_task_reopen"),
        path("venues/tasks/parts/<int:assignment_id>/withdraw/", views.task_withdraw,
             name="venues_task_withdraw"),
    ]


class TaskMenuItem(MenuItem):
    """Shown to the town office and leaders, and to anyone who is an assignee of a task."""

    def is_shown(self, request):
        from .workflows.tasks import assignments_for, follows_tasks

        return follows_tasks(request.user) or assignments_for(request.user).exists()


@hooks.register("register_admin_menu_item")
def task_menu_item():
    return TaskMenuItem(_("Tasks"), reverse("venues_task_index"), icon_name="list-ul", order=255)


# --- Dashboards and 六清 (venues.dashboard_views) -------------------------------------------------

@hooks.register("register_admin_urls")
def register_dashboard_urls():
    from . import dashboard_views as views

    return [
        path("venues/dashboard/", views.dashboard, name="venues_dashboard"),
        # The rows behind one figure (?figure=&period=&area=&exact=&kind=), the same count.
        path("venues/dashboard/list/", views.dashboard_list, name="venues_dashboard_list"),
        path("venues/dashboard/liuqing/<slug:key>/", views.liuqing_list, name="venues_dashboard_liuqing"),
    ]


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    # Its own context: Wagtail's home page is "Dashboard" too, translated otherwise.
    return PermissionMenuItem(pgettext_lazy("supervision", "Dashboard"), reverse("venues_dashboard"),
                              icon_name="table", order=254, permission="venues.view_dashboard")


# --- 考核激励: scorecards, weights and census counts (venues.scorecard_views) ---------------------
# (built in issue 11, part C)

@hooks.register("register_admin_urls")
def register_scorecard_urls():
    from . import scorecard_views as views

    return [
        path("venues/scorecards/", views.scorecard_month, name="venues_scorecard_month"),
        path("venues/scorecards/weights/", views.scorecard_weights, name="venues_scorecard_weights"),
        path("venues/scorecards/flags/", views.scorecard_flags, name="venues_scorecard_flags"),
        path("venues/census-counts/", views.census_index, name="venues_census_counts"),
        path("venues/census-counts/<int:area_id>/", views.census_edit, name="venues_census_count_edit"),
    ]


@hooks.register("register_admin_menu_item")
def scorecard_menu_item():
    return PermissionMenuItem(_("Assessment"), reverse("venues_scorecard_month"), icon_name="pick",
                              order=258, permission="venues.view_scorecard")


@hooks.register("register_admin_menu_item")
def census_count_menu_item():
    return PermissionMenuItem(_("Census counts"), reverse("venues_census_counts"), icon_name="list-ol",
                              order=259, permission="venues.view_villagecensus")


# --- 诚信: integrity rules, levels, replies and re-checks (venues.integrity_views) -------------
# (issue 12, part A)

@hooks.register("register_admin_urls")
def register_integrity_urls():
    from . import integrity_views

    return integrity_views.admin_urls


@hooks.register("register_admin_menu_item")
def integrity_recheck_menu_item():
    return PermissionMenuItem(_("Integrity re-checks"), reverse("venues_integrity_rechecks"),
                              icon_name="success", order=262, permission="venues.view_integrityreply")


# --- 诚信: refusals, serious cases, operators' history (venues.case_views) ----------------------
# (issue 12, part B)

@hooks.register("register_admin_urls")
def register_case_urls():
    from . import case_views

    return case_views.admin_urls


@hooks.register("register_admin_menu_item")
def case_menu_item():
    return PermissionMenuItem(_("Serious integrity cases"), reverse("venues_cases"), icon_name="warning",
                              order=261, permission="venues.view_seriouscase")


# --- 企业安全分析报告: venue and town reports (venues.analysis_views) ----------------------------
# (issue 12, part C)

@hooks.register("register_admin_urls")
def register_analysis_urls():
    from . import analysis_views

    return analysis_views.admin_urls



@hooks.register("register_admin_menu_item")
def analysis_menu_item():
    return PermissionMenuItem(_("Safety analysis reports"), reverse("venues_town_report"),
                              icon_name="doc-full", order=256, permission="venues.view_dashboard")
