"""The first risk rules (the town office edits them afterwards) and the new permissions for
the staff roles that exist already."""

from django.db import migrations

from venues.roles import ADDED_IN_SELFCHECKS, grant_added_permissions

# (factor, threshold, kind slugs, level, reason)
RULES = [
    ("open_major", 1, [], "red", "有未整改的重大隐患"),
    ("overdue", 1, [], "orange", "有逾期未整改的隐患"),
    ("open", 3, [], "orange", "未整改的隐患达到3项"),
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
    grant_added_permissions(apps, ADDED_IN_SELFCHECKS)


class Migration(migrations.Migration):
    dependencies = [("venues", "0020_selfchecks_hazards"), ("auth", "0012_alter_user_first_name_max_length"),
                    ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
