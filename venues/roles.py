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

ROLE_PERMISSIONS = {
    TOWN_OFFICE: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
        ("venues", "view_venuekind"), ("venues", "change_venuekind"), ("venues", "view_area"),
        ("venues", "add_area"), ("venues", "change_area"), ("venues", "view_staffprofile"),
        ("venues", "add_staffprofile"), ("venues", "change_staffprofile"),
        ("venues", "add_user"), ("venues", "change_user"),
    ],
    LEAD_OFFICE: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
    ],
    VILLAGE_STAFF: [
        ("wagtailadmin", "access_admin"), ("venues", "view_venue"), ("venues", "review_venue"),
    ],
    GRID_WORKER: [("wagtailadmin", "access_admin"), ("venues", "view_venue")],
    LEADER: [("wagtailadmin", "access_admin"), ("venues", "view_venue")],
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
