"""A covering index of each venue's area, id and status, PostgreSQL only (SQLite has no
covering indexes).

Self-checks, hazards and correction requests are filtered by the scope of their venue (its
area's path, venues.access.scope_q). Over a district the database joins them to every venue
in it: with this index it reads 3 MB of index instead of the whole venue table (130 MB at
100,000 venues), about three times faster (docs/performance.md)."""

from django.db import migrations

INDEX = "venue_scope_cover"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON venues_venue (area_id) INCLUDE (id, status)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("venues", "0024_todo_indexes")]

    operations = [migrations.RunPython(create, drop)]
