"""The plan's thresholds for each kind; all inclusive (以下 includes the number)."""

from decimal import Decimal

from django.db import migrations

THRESHOLDS = {
    "shopping": {"rule": "floor_area", "max_floor_area": Decimal(300)},
    "catering": {"rule": "seats", "max_seats": 100},
    "lodging": {"rule": "beds", "max_beds": 50},
    "entertainment": {"rule": "entertainment", "max_floor": 3, "max_floor_area": Decimal(200)},
    "leisure": {"rule": "floor_area", "max_floor_area": Decimal(200)},
    "medical": {"rule": "medical", "max_beds": 30},
    "education": {"rule": "education", "max_beds": 50, "max_people": 500, "max_nursery_people": 100},
    "production": {"rule": "production", "max_staff": 50, "max_dorm": 30},
    "hazardous": {"rule": "floor_area", "max_floor_area": Decimal(100)},
}


def seed(apps, schema_editor):
    VenueKind = apps.get_model("venues", "VenueKind")
    for slug, values in THRESHOLDS.items():
        VenueKind.objects.filter(slug=slug).update(**values)


class Migration(migrations.Migration):
    dependencies = [("venues", "0003_kind_thresholds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
