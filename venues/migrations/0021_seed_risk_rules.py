"""The first risk rules (the town office edits them afterwards) and the new permissions for
the staff roles that exist already."""

from django.db import migrations

from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF, grant_added_permissions

# The permissions this release gives the staff roles that exist already (written out, so later
# changes to venues.roles do not change what this migration did).
REVIEWER = [("venues", "view_selfcheck"), ("venues", "review_selfcheck"), ("venues", "view_hazard"),
            ("venues", "verify_hazard")]
ADDED = {
    TOWN_OFFICE: [*REVIEWER, ("venues", "assist_selfcheck"), ("venues", "change_safetyrules"),
                  ("venues", "view_riskrule"), ("venues", "add_riskrule"), ("venues", "change_riskrule")],
    LEAD_OFFICE: REVIEWER,
    VILLAGE_STAFF: [*REVIEWER, ("venues", "assist_selfcheck")],
    GRID_WORKER: [("venues", "view_selfcheck"), ("venues", "assist_selfcheck"), ("venues", "view_hazard"),
                  ("venues", "verify_hazard")],
    LEADER: [("venues", "view_selfcheck"), ("venues", "view_hazard")],
}

# (factor, threshold, kind slugs, level, reason)
RULES = [
    ("open_major", 1, [], "red", "有尚未销号的重大隐患"),
    ("overdue", 1, [], "orange", "有逾期未整改的隐患"),
    ("open", 3, [], "orange", "尚未销号的隐患达到3项"),
    ("past_year", 5, [], "orange", "近12个月发现隐患达到5项"),
    ("kind", None, ["lodging", "entertainment", "hazardous"], "orange",
     "住宿、娱乐或易燃易爆场所，火灾后果严重"),
    ("sleep", None, [], "yellow", "有人员在场所内住宿"),
    ("kind", None, ["medical", "education", "catering"], "yellow", "人员较密集或使用明火的场所类型"),
    ("gas", None, [], "yellow", "使用燃气"),
    ("floor_area", 200, [], "yellow", "建筑面积达到200平方米"),
    ("selfcheck_overdue", None, [], "yellow", "自查逾期未完成"),
]


def seed(apps, schema_editor):
    rule_model = apps.get_model("venues", "RiskRule")
    kind_model = apps.get_model("venues", "VenueKind")
    if not rule_model.objects.exists():
        for order, (factor, threshold, kinds, level, reason) in enumerate(RULES, start=1):
            rule = rule_model.objects.create(factor=factor, threshold=threshold, level=level,
                                             reason=reason, sort_order=order)
            rule.kinds.set(kind_model.objects.filter(slug__in=kinds))
    grant_added_permissions(apps, ADDED)


class Migration(migrations.Migration):
    dependencies = [("venues", "0020_selfchecks_hazards"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
