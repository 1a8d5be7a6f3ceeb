"""Permissions for the dashboards, census counts and scorecards (issue 11), for the staff roles
that exist already."""

from django.db import migrations

from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF, grant_added_permissions

# Written out, so later changes to venues.roles do not change what this migration did.
DASHBOARD = [("venues", "view_dashboard")]
CENSUS = [("venues", "view_villagecensus"), ("venues", "add_villagecensus"),
          ("venues", "change_villagecensus")]
ADDED = {
    TOWN_OFFICE: [*DASHBOARD, *CENSUS, ("venues", "view_scorecard"), ("venues", "change_scoreweights")],
    VILLAGE_STAFF: [*DASHBOARD, *CENSUS, ("venues", "view_scorecard")],
    LEAD_OFFICE: [*DASHBOARD, ("venues", "view_scorecard")],
    LEADER: [*DASHBOARD, ("venues", "view_scorecard")],
    GRID_WORKER: DASHBOARD,
}


def grant(apps, schema_editor):
    grant_added_permissions(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [("venues", "0034_assessment"),
                    ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
