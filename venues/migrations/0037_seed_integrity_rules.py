"""The first integrity rules (the town office edits them afterwards) and the integrity
permissions for the staff roles that exist already."""

from django.db import migrations

from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF, grant_added_permissions

# Written out, so later changes to venues.roles do not change what this migration did.
READ = [("venues", "view_refusal"), ("venues", "view_integrityreply"), ("venues", "view_seriouscase")]
CASEWORK = [("venues", "add_refusal"), ("venues", "answer_integrityreply"), ("venues", "add_seriouscase"),
            ("venues", "change_seriouscase")]
ADDED = {
    TOWN_OFFICE: [*READ, *CASEWORK, ("venues", "view_integrityrule"), ("venues", "add_integrityrule"),
                  ("venues", "change_integrityrule"), ("venues", "change_integritysettings")],
    VILLAGE_STAFF: [*READ, *CASEWORK],
    GRID_WORKER: [*READ, ("venues", "add_refusal")],
    LEAD_OFFICE: [*READ, ("venues", "add_refusal")],
    LEADER: [*READ, ("venues", "decide_seriouscase")],
}

# (factor, threshold, level, reason)
RULES = [
    ("selfchecks_late", 1, "B", "有自查未按时完成"),
    ("hazards_late", 1, "B", "有隐患未按期整改"),
    ("selfchecks_late", 3, "C", "自查多次未按时完成"),
    ("hazards_late", 3, "C", "多项隐患未按期整改"),
    ("major_hazards", 2, "C", "发现2项及以上重大隐患"),
    ("repeated_item", 3, "C", "同一检查项反复不合格"),
    ("refusals", 1, "C", "拒不配合检查"),
    ("refusals", 3, "D", "多次拒不配合检查"),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("venues", "IntegrityRule")
    if not rule_model.objects.exists():
        for order, (factor, threshold, level, reason) in enumerate(RULES, start=1):
            rule_model.objects.create(factor=factor, threshold=threshold, level=level, reason=reason,
                                      sort_order=order)
    grant_added_permissions(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [("venues", "0036_integrity"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
