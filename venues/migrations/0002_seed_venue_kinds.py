"""Seed the nine kinds with the plan's thresholds and lead offices, in our own words.
Staff edit them afterwards; the slugs are stable."""

from django.db import migrations

KINDS = [
    ("shopping", "购物场所",
     "建筑面积不超过300平方米的小商店、小超市、副食店、农贸市场等。",
     "经发办、食药监办、各村（社区）"),
    ("catering", "餐饮场所",
     "额定就餐人数不超过100人的小饭店、小餐馆。",
     "经发办、食药监办、各村（社区）"),
    ("lodging", "住宿场所",
     "床位不超过50张的小旅馆、民宿、农家乐住宿。",
     "经发办、各村（社区）"),
    ("entertainment", "公共娱乐场所",
     "设在建筑首层至第三层、建筑面积不超过200平方米的歌舞、游艺、网吧等小型公共娱乐场所。",
     "文旅中心"),
    ("leisure", "休闲健身场所",
     "建筑面积不超过200平方米的洗浴、足疗、美容美发、酒吧、茶社、棋牌室、咖啡厅、健身房等。",
     "应急办"),
    ("medical", "医疗场所",
     "乡镇（街道）卫生院、社区卫生服务机构、村卫生室，以及床位不超过30张的诊所、小医院、"
     "宠物诊所、疗养院、养老院、福利院。",
     "社事办"),
    ("education", "教学场所",
     "床位不超过50张的寄宿制学校、托儿所、幼儿园；不超过500人的非寄宿制学校；"
     "不超过100人的非寄宿制托儿所、幼儿园。",
     "文旅中心"),
    ("production", "生产加工企业",
     "职工总数不超过50人，或设有员工集体宿舍且住宿不超过30人的小型生产加工企业。",
     "应急办（各安全生产监管办室按行业分工）"),
    ("hazardous", "易燃易爆危险品销售储存场所",
     "建筑面积不超过100平方米的易燃易爆危险品销售、储存场所。",
     "应急办、综合行政执法"),
]


def seed(apps, schema_editor):
    VenueKind = apps.get_model("venues", "VenueKind")
    for order, (slug, name, criteria, offices) in enumerate(KINDS, start=1):
        VenueKind.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "criteria": criteria, "lead_offices": offices,
                      "sort_order": order},
        )


def unseed(apps, schema_editor):
    apps.get_model("venues", "VenueKind").objects.filter(slug__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
