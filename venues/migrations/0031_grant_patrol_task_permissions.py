"""Permissions for patrols, public hazard reports and tasks, for the staff roles that exist
already."""

from django.db import migrations

from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF, grant_added_permissions

# Written out, so later changes to venues.roles do not change what this migration did.
PATROLLER = [("venues", "view_patrol"), ("venues", "add_patrol")]
ADDED = {
    TOWN_OFFICE: [*PATROLLER, ("venues", "handle_publicreport"), ("venues", "dispatch_task"),
                  ("venues", "view_task")],
    VILLAGE_STAFF: [*PATROLLER, ("venues", "handle_publicreport")],
    GRID_WORKER: PATROLLER,
    LEAD_OFFICE: [("venues", "view_patrol")],
    LEADER: [("venues", "view_patrol"), ("venues", "view_task")],
}


def grant(apps, schema_editor):
    grant_added_permissions(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [("venues", "0030_patrols_public_reports_tasks"),
                    ("auth", "0012_alter_user_first_name_max_length"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
