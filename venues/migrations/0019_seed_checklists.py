from django.db import migrations


def seed(apps, schema_editor):
    from venues.checklists import load_seed

    load_seed(apps.get_model("venues", "ChecklistGroup"), apps.get_model("venues", "ChecklistItem"),
              apps.get_model("venues", "VenueKind"))


class Migration(migrations.Migration):
    dependencies = [("venues", "0018_checklists")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
