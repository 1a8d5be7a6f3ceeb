"""The permission to handle owners' reports, for the staff roles that exist already."""

from django.db import migrations

from venues.roles import TOWN_OFFICE, VILLAGE_STAFF, grant_added_permissions

# Written out, so later changes to venues.roles do not change what this migration did.
ADDED = {TOWN_OFFICE: [("venues", "handle_ownerreport")], VILLAGE_STAFF: [("venues", "handle_ownerreport")]}


def grant(apps, schema_editor):
    grant_added_permissions(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [("venues", "0028_notices_and_owner_reports"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
