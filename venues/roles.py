"""The staff roles as groups with the least permissions each needs. Created where missing
after every migrate (home.roles calls ensure_staff_roles); what exists is left alone, so the
town's own adjustments survive deployments. Where a person works (areas, kinds led) is on
their StaffProfile; the group says what they may do there."""

from django.contrib.auth.models import Group, Permission

TOWN_OFFICE = "镇应急办"
LEAD_OFFICE = "牵头办室"
VILLAGE_STAFF = "村（社区）工作人员"
GRID_WORKER = "网格员"
LEADER = "镇领导"
# Reads the audit log and nothing else; managed by the system administrator, not by the
# town office whose work it audits.
AUDITOR = "审计员"

STAFF_ROLES = [TOWN_OFFICE, LEAD_OFFICE, VILLAGE_STAFF, GRID_WORKER, LEADER]

# Reviewing self-checks and re-checking the fixes of hazards (venues.workflows).
SELFCHECK_REVIEWER = [("venues", "view_selfcheck"), ("venues", "review_selfcheck"),
                      ("venues", "view_hazard"), ("venues", "verify_hazard")]

# Visiting venues on patrol (venues.workflows.patrols) and reading the visits.
PATROLLER = [("venues", "view_patrol"), ("venues", "add_patrol")]

# The dashboards (venues.figures) and the census counts behind registration coverage.
DASHBOARD = [("venues", "view_dashboard")]
CENSUS = [("venues", "view_villagecensus"), ("venues", "add_villagecensus"),
          ("venues", "change_villagecensus")]

# 诚信 (venues.integrity, venues.workflows.integrity): reading levels, replies and serious cases;
# the casework of recording refusals, answering re-checks and proposing serious cases.
INTEGRITY_READ = [("venues", "view_refusal"), ("venues", "view_integrityreply"),
                  ("venues", "view_seriouscase")]
INTEGRITY_CASEWORK = [("venues", "add_refusal"), ("venues", "answer_integrityreply"),
                      ("venues", "add_seriouscase"), ("venues", "change_seriouscase")]

ROLE_PERMISSIONS = {
    # The town emergency office also runs the register itself: staff accounts (through our
    # own staff pages, not Wagtail's user admin), the area tree, offices and kinds.
    TOWN_OFFICE: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
        ("venues", "add_venue"), ("venues", "move_venue"),
        ("venues", "view_venuekind"), ("venues", "change_venuekind"),
        ("venues", "view_office"), ("venues", "add_office"), ("venues", "change_office"),
        ("venues", "view_area"), ("venues", "add_area"), ("venues", "change_area"),
        ("venues", "delete_area"),
        ("venues", "view_staffprofile"), ("venues", "add_staffprofile"),
        ("venues", "change_staffprofile"),
        # The self-check checklists (venues.checklists).
        ("venues", "view_checklistgroup"), ("venues", "add_checklistgroup"),
        ("venues", "change_checklistgroup"), ("venues", "view_checklistitem"),
        ("venues", "add_checklistitem"), ("venues", "change_checklistitem"),
        *SELFCHECK_REVIEWER, ("venues", "assist_selfcheck"),
        # Deadlines, reminders and risk rules (venues.schedule, venues.risk).
        ("venues", "change_safetyrules"), ("venues", "view_riskrule"), ("venues", "add_riskrule"),
        ("venues", "change_riskrule"),
        # Owners' reports (venues.workflows.reports).
        ("venues", "handle_ownerreport"),
        # Patrols, public reports and tasks (issue 10).
        *PATROLLER, ("venues", "handle_publicreport"), ("venues", "dispatch_task"),
        ("venues", "view_task"), ("venues", "work_task"),
        # Dashboards, census counts and scorecards, whose weights it sets (issue 11).
        *DASHBOARD, *CENSUS, ("venues", "view_scorecard"), ("venues", "change_scoreweights"),
        # Integrity levels, whose rules and settings it sets, and their casework (issue 12).
        *INTEGRITY_READ, *INTEGRITY_CASEWORK, ("venues", "view_integrityrule"),
        ("venues", "add_integrityrule"), ("venues", "change_integrityrule"),
        ("venues", "change_integritysettings"),
    ],
    LEAD_OFFICE: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
        ("venues", "add_venue"), *SELFCHECK_REVIEWER, ("venues", "view_patrol"), ("venues", "work_task"),
        *DASHBOARD, ("venues", "view_scorecard"), *INTEGRITY_READ, ("venues", "add_refusal"),
    ],
    VILLAGE_STAFF: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
        ("venues", "add_venue"), *SELFCHECK_REVIEWER, ("venues", "assist_selfcheck"),
        ("venues", "handle_ownerreport"), *PATROLLER, ("venues", "handle_publicreport"),
        ("venues", "work_task"), *DASHBOARD, *CENSUS, ("venues", "view_scorecard"),
        *INTEGRITY_READ, *INTEGRITY_CASEWORK,
    ],
    # Grid workers fill in self-checks with owners who have no phone and re-check fixes on site.
    GRID_WORKER: [("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "add_venue"),
                  ("venues", "view_selfcheck"), ("venues", "assist_selfcheck"),
                  ("venues", "view_hazard"), ("venues", "verify_hazard"), *PATROLLER,
                  ("venues", "work_task"), *DASHBOARD, *INTEGRITY_READ, ("venues", "add_refusal")],
    AUDITOR: [("wagtailadmin", "access_admin"), ("venues", "view_auditentry"),
              ("venues", "export_auditentry")],
    LEADER: [("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "view_selfcheck"),
             ("venues", "view_hazard"), ("venues", "view_patrol"), ("venues", "view_task"),
             *DASHBOARD, ("venues", "view_scorecard"), *INTEGRITY_READ, ("venues", "decide_seriouscase")],
}


def ensure_staff_roles():
    for name, permissions in ROLE_PERMISSIONS.items():
        if Group.objects.filter(name=name).exists():
            continue
        group = Group.objects.create(name=name)
        group.permissions.set(
            [Permission.objects.get(content_type__app_label=app, codename=code)
             for app, code in permissions]
        )


def grant_added_permissions(apps, added):
    """Give existing role groups the permissions in ``added`` ({role: [(app, codename)]}), with
    the historical models of a data migration."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in added.items():
        group = group_model.objects.filter(name=role).first()
        if group is None:
            continue
        for app, codename in perms:
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app, codename=codename))
