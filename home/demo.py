"""The demo site for 双河镇: pages in our own words built from the plan's facts, example areas
and the demo accounts. Everything invented (villages, numbers, phones) is marked 示例."""

import datetime
import io
import json
import math
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from PIL import Image, ImageDraw

from notices.models import (
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    TrainingIndexPage,
    TrainingPage,
    TrainingTopic,
)
from venues.models import Area, AreaLevel, Office, StaffProfile, Venue, VenueKind
from venues.otp import demo_backup_codes as backup_codes_for
from venues.otp import needs_second_factor
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.validators import credit_code_check_char
from venues.workflows.registration import perform

from .demo_notices import build_safety_notices
from .demo_selfchecks import selfcheck_page
from .models import HomePage, PrivacyPage, RegistrationPage, SiteSettings, StandardPage
from .roles import APPROVERS, EDITORS

DEMO_ACCOUNTS = [
    # username, password, role description, group, superuser, area of work
    ("admin", "Demo-admin-2024", "超级管理员", None, True, None),
    ("editor", "Demo-editor-2024", "内容编辑（通讯员，发布需审核）", EDITORS, False, None),
    ("approver", "Demo-approver-2024", "内容审核（批准后发布）", APPROVERS, False, None),
    ("town", "Demo-town-2024", "镇应急办（全镇）", TOWN_OFFICE, False, "双河镇"),
    ("qinggang", "Demo-village-2024", "村（社区）工作人员（青杠村）", VILLAGE_STAFF, False, "青杠村（示例）"),
    ("grid", "Demo-grid-2024", "网格员（青杠村第一网格）", GRID_WORKER, False, "青杠村（示例）/第一网格（示例）"),
    ("food", "Demo-office-2024", "牵头办室（食药监办：全镇购物、餐饮场所）", LEAD_OFFICE, False, "双河镇"),
    ("leader", "Demo-leader-2024", "镇领导（全镇；只读，另决定严重失信认定）", LEADER, False, "双河镇"),
    # Holds the demo venues; owners sign in with their mobile number at /owner/login/.
    ("13800000001", "Demo-owner-2024", "经营者（示例，用手机号 13800000001 在 /owner/login/ 登录）", None, False, None),
]

DEMO_VENUES = [
    # name, kind, village, grid index, facts, licence, status after review, reason
    ("青杠便民副食店（示例）", "shopping", "青杠村（示例）", 0, {"floor_area": 85}, "licensed", "submitted", ""),
    ("青杠理发店（示例）", "leisure", "青杠村（示例）", 0, {"floor_area": 30}, "licensed", "draft", ""),
    ("青杠幼儿园（示例）", "education", "青杠村（示例）", 1, {"subtype": "kindergarten", "people": 60},
     "licensed", "resubmitted", "请补充消防设施的照片。"),
    ("青杠农家饭庄（示例）", "catering", "青杠村（示例）", 1, {"seats": 60}, "licensed", "approved", ""),
    ("青杠山居民宿（示例）", "lodging", "青杠村（示例）", 0, {"beds": 12}, "unlicensed", "returned",
     "请补充经营场所的门头照片。"),
    ("青杠建材仓库（示例）", "shopping", "青杠村（示例）", 1, {"floor_area": 420}, "licensed", "submitted", ""),
    ("双河棋牌茶社（示例）", "leisure", "双河社区（示例）", 0, {"floor_area": 120}, "licensed", "approved", ""),
    ("双河小超市（示例）", "shopping", "双河社区（示例）", 1, {"floor_area": 150}, "licensed", "closed",
     "经营者已停止营业。"),
    ("木根液化气供应点（示例）", "hazardous", "木根村（示例）", 0, {"floor_area": 60}, "temporary", "rejected",
     "该地点不具备经营条件，请另行选址后重新登记。"),
]


def _rich(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _stream(*blocks):
    return json.dumps([{"type": t, "value": v} for t, v in blocks])


def _heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def _para(*paragraphs):
    return ("paragraph", _rich(*paragraphs))


def _callout(style, title, *paragraphs):
    return ("callout", {"style": style, "title": title, "text": _rich(*paragraphs)})


def _table(caption, headings, rows):
    return (
        "table",
        {
            "caption": caption,
            "columns": [{"type": "text", "heading": h} for h in headings],
            "rows": [{"values": list(r)} for r in rows],
        },
    )


def _add(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


ASSETS = Path(__file__).parent / "demo_assets"


def _document(title, filename, content):
    Document = get_document_model()
    doc = Document(title=title)
    data = content.encode("utf-8") if isinstance(content, str) else content
    doc.file.save(filename, ContentFile(data), save=False)
    doc.save()
    return doc


def _gauge_image():
    """A simple drawing of an extinguisher's pressure gauge: the needle in the green band."""
    size = 480
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    centre, radius = size // 2, 200
    box = [centre - radius, centre - radius, centre + radius, centre + radius]
    draw.ellipse(box, outline="black", width=8)
    band = [box[0] + 30, box[1] + 30, box[2] - 30, box[3] - 30]
    # Pillow measures angles clockwise from three o'clock: red left, green top, yellow right.
    for start, end, colour in [(150, 210, "#c62828"), (210, 330, "#2e7d32"), (330, 390, "#f9a825")]:
        draw.arc(band, start, end, fill=colour, width=36)
    angle = math.radians(270)
    tip = (centre + 150 * math.cos(angle), centre + 150 * math.sin(angle))
    draw.line([(centre, centre), tip], fill="black", width=10)
    draw.ellipse([centre - 16, centre - 16, centre + 16, centre + 16], fill="black")
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    Image_ = get_image_model()
    return Image_.objects.create(
        title="灭火器压力表示意图", file=ImageFile(buffer, name="extinguisher-gauge.png")
    )


def _areas():
    city = Area.add_root(name="重庆市", level=AreaLevel.CITY)
    district = city.add_child(name="武隆区", level=AreaLevel.DISTRICT)
    town = district.add_child(name="双河镇", level=AreaLevel.TOWN)
    villages = {}
    for village_name, grids in [
        ("双河社区（示例）", ["第一网格（示例）", "第二网格（示例）"]),
        ("青杠村（示例）", ["第一网格（示例）", "第二网格（示例）"]),
        ("木根村（示例）", ["第一网格（示例）"]),
    ]:
        village = town.add_child(name=village_name, level=AreaLevel.VILLAGE)
        for grid_name in grids:
            village.add_child(name=grid_name, level=AreaLevel.GRID)
        villages[village_name] = Area.objects.get(pk=village.pk)
    return town, villages


def _plan_body(kinds):
    return _stream(
        _callout(
            "info", "说明",
            "本页根据双河镇人民政府印发的推广“九小场所安全智管”应用实施方案整理，"
            "用通俗的话说明要做什么、谁来做、什么时候完成。",
        ),
        _heading("工作目标"),
        _para(
            "把全镇所有九小场所纳入安全监管：每一家场所都要登记在册（注册全覆盖），"
            "每一家场所都有人管、有人查（监管全覆盖），用信息化手段及时发现和消除安全隐患，"
            "保护群众生命财产安全。",
        ),
        _heading("组织领导"),
        _para(
            "镇里成立推广工作领导小组：分管应急管理工作的镇领导任组长，镇应急办负责人任副组长，"
            "镇各办室（中心、站、所）、各村（社区）、司法所和派出所为成员单位。",
            "领导小组办公室设在镇应急办，由应急办负责人兼任办公室主任，负责日常协调；"
            "各成员单位和各村（社区）负责本领域、本辖区的具体实施。",
        ),
        _heading("九小场所的范围和判定标准"),
        _para(
            "九小场所指有固定经营场所的个体工商户和规模很小的生产经营单位。"
            "随着新业态出现，具体类别会有调整，因此下表中的标准由镇应急办在系统中维护。",
        ),
        _table(
            "九小场所判定标准及牵头单位",
            ["场所类型", "判定标准", "牵头单位"],
            [(k.name, k.criteria, k.lead_office_names()) for k in kinds],
        ),
        _callout(
            "warning", "“以下”包含本数",
            "标准中的“以下”按法律用语理解，包含本数：例如建筑面积正好300平方米的商店属于小型购物场所，"
            "300.5平方米的则不属于。超出标准的场所同样要登记，由工作人员另行分类处理。",
        ),
        _heading("覆盖哪些经营者"),
        _para(
            "证照齐全的经营者、实际存在且有固定经营场所的无证经营者、在临时建筑中经营的经营者，"
            "都要纳入监管和服务范围，一个也不能少。",
        ),
        _heading("工作步骤和时间"),
        _table(
            "推广工作的三个阶段",
            ["阶段", "完成时间", "主要工作"],
            [
                ("系统搭建", "12月30日前", "完成各村（社区）和账号设置，搭建系统，打造示范样板并总结经验做法。"),
                ("重点推广", "12月30日前启动", "借鉴凤山街道、芙蓉街道试点经验，以点带面，在辖区内启动推广。"),
                ("全面推广", "2024年3月31日前", "全镇全面推广应用，解决九小场所监管难题。"),
            ],
        ),
        _heading("责任体系"),
        _para(
            "坚持属地监管，压实经营业主的主体责任。镇主要领导抓总，分管应急管理的领导综合监管，"
            "其他班子成员按照“一岗双责”联系社区、网格和业主；各办室负责收集本监管领域的场所基础信息。",
            "各办室、村（社区）工作人员和网格员按统一部署履行职责，遇到问题相互配合、及时协调解决。",
        ),
        _heading("八项工作机制"),
        _para(
            "<b>告知</b>：向经营者送达安全告知书和重要通知，经营者确认已阅读。",
            "<b>报告</b>：经营者主动报告场所变化、事故和困难。",
            "<b>自查</b>：经营者按清单定期自查，上传照片，发现问题及时整改。",
            "<b>巡查</b>：网格员按需要上门检查，发现隐患跟踪到整改完毕。",
            "<b>考核激励</b>：按登记覆盖、隐患整改等实际成效评价各村（社区）和办室，不比打卡、不比点击。",
            "<b>企业安全分析报告</b>：定期形成场所和全镇的安全分析报告。",
            "<b>企业及重点人员诚信</b>：记录场所和重点人员的安全诚信情况，规则公开、可以申辩。",
            "<b>服务</b>：提供安全培训和指导，帮助经营者会查隐患、会用器材、会逃生。",
        ),
    )


NOTICES = [
    # title, date, office, number, kinds, ack, summary, paragraphs
    (
        "关于全面推广“九小场所安全智管”应用的通知", datetime.date(2024, 1, 23), "双河镇人民政府",
        "双河府发〔2024〕示例1号", [], True,
        "全镇九小场所经营者须在规定时间内完成场所登记，并按要求开展安全自查。",
        [
            "为落实九小场所安全监管责任，镇政府决定在全镇推广“九小场所安全智管”应用。"
            "请各经营者通过本网站或在网格员帮助下完成场所登记，如实填写场所面积、人数等信息。",
            "登记完成后，请按照系统提示定期开展安全自查，重点检查灭火器是否有效、疏散通道是否畅通、"
            "电气线路是否规范。",
        ],
    ),
    (
        "关于做好餐饮场所燃气安全工作的通知", datetime.date(2024, 3, 8), "双河镇应急办",
        "双河应急〔2024〕示例3号", ["catering"], True,
        "使用燃气的餐饮场所要安装燃气报警装置，定期检查软管和阀门。",
        [
            "近期各地餐饮场所燃气事故多发。使用燃气的餐饮经营者必须安装可燃气体报警装置并保持完好有效，"
            "这是法律规定的义务。",
            "请每天营业结束后关闭气瓶角阀，定期检查燃气软管是否老化、连接是否牢固；"
            "发现燃气泄漏时不要开关电器，立即关阀、开窗并拨打求助电话。",
        ],
    ),
    (
        "关于春节前开展九小场所消防安全自查的通知", datetime.date(2024, 12, 20), "双河镇应急办",
        "双河应急〔2024〕示例12号", [], False,
        "春节前请各场所对照自查清单完成一次全面自查。",
        [
            "春节临近，人员聚集增多。请各经营者在1月20日前完成一次全面自查：检查灭火器是否在有效期内、"
            "压力表指针是否在绿色区域，应急照明和疏散指示标志是否正常。",
            "自查发现的问题请立即整改；一时无法整改的，请在系统中如实填报并采取临时防范措施。",
        ],
    ),
    (
        "关于保持安全出口和疏散通道畅通的提醒", datetime.date(2025, 3, 15), "双河镇应急办",
        "双河应急〔2025〕示例4号", ["shopping", "entertainment", "lodging"], False,
        "严禁锁闭安全出口，严禁在疏散通道堆放货物。",
        [
            "检查中发现，部分商店和小旅馆在疏散通道堆放货物、营业期间锁闭安全出口，一旦发生火灾后果严重。",
            "请立即清理疏散通道上的杂物，确保营业期间安全出口不上锁、不遮挡；"
            "窗户安装防盗网的，要留有可从内部开启的逃生口。",
        ],
    ),
    (
        "关于加强电动自行车停放充电安全管理的通告", datetime.date(2025, 6, 2), "双河镇人民政府",
        "双河府告〔2025〕示例2号", [], False,
        "电动自行车不得在室内、楼道和安全出口停放或充电。",
        [
            "电动自行车电池起火蔓延快、毒烟多。九小场所内严禁停放电动自行车或为其电池充电，"
            "不得私拉电线“飞线”充电。",
            "请到集中充电点充电；场所确需设置充电点的，应设在室外并与建筑保持安全距离。",
        ],
    ),
    (
        "关于开展“三合一”场所专项检查的通知", datetime.date(2025, 9, 10), "双河镇应急办",
        "双河应急〔2025〕示例9号", ["lodging", "production", "shopping"], True,
        "生产、经营、储存场所内不得住人，专项检查9月至10月进行。",
        [
            "“三合一”场所是指住宿与生产、经营、储存混在同一空间的场所，夜间起火极易造成伤亡。",
            "9月至10月，镇应急办会同各村（社区）开展专项检查。经营者应在检查前自行清理场所内的住宿点；"
            "确需住宿的，住宿部分必须与经营部分进行防火分隔并设置独立的疏散通道。",
        ],
    ),
    (
        "关于举办九小场所经营者安全培训的通知", datetime.date(2025, 11, 5), "双河镇应急办",
        "双河应急〔2025〕示例11号", [], False,
        "11月中旬在镇便民服务中心举办培训，内容包括灭火器使用和疏散逃生。",
        [
            "为帮助经营者“知风险、明职责、会操作、能应急”，镇应急办将于11月18日在镇便民服务中心（示例地址）举办安全培训。",
            "培训内容包括：灭火器和消火栓的使用、燃气安全、用电安全、火灾时如何组织疏散。"
            "无法到场的经营者可以在本网站“培训资料”栏目学习。",
        ],
    ),
]

TRAINING = [
    # topic, title, kinds, summary, paragraphs, with picture
    (
        "消防器材使用", "灭火器的检查与使用", [],
        "每月看一眼压力表，起火时记住“提、拔、握、压”四个动作。",
        [
            "灭火器应放在明显、便于取用的地方，不得被货物遮挡。每月检查一次：压力表指针应在绿色区域，"
            "红色表示压力不足，黄色表示压力过高；瓶体无锈蚀，喷管无破损，铅封完好。",
            "使用方法：提起灭火器，拔掉保险销，一手握住喷管对准火焰根部，另一手压下压把。"
            "人要站在上风方向，距离火焰两到三米。",
        ],
        True,
    ),
    (
        "用电安全", "小场所用电安全常识", [],
        "电线穿管、装漏电保护器、不超负荷用电。",
        [
            "电气线路应穿管保护，不得乱拉乱接；配电箱应安装漏电保护器（剩余电流动作保护器）并定期按试验按钮检查。",
            "不要在一个插座上接太多电器，大功率电器应使用专用线路；下班前关闭不需要运行的电器。",
        ],
        False,
    ),
    (
        "燃气安全", "餐饮场所燃气安全要点", ["catering"],
        "装报警器、查软管、会关阀。",
        [
            "使用燃气的厨房必须安装可燃气体报警装置，并与切断阀联动更好。燃气软管应使用专用管且长度不超过两米，"
            "每半年检查一次是否老化、开裂。",
            "气瓶应直立存放在通风良好的地方，不得放在地下室或与其他易燃物混放。闻到燃气味时，"
            "不要开关任何电器或使用明火，立即关闭阀门、打开门窗，到室外拨打求助电话。",
        ],
        False,
    ),
    (
        "疏散逃生", "火灾时如何组织顾客疏散", [],
        "平时保持通道畅通，火灾时大声提醒、低姿前进、不乘电梯。",
        [
            "平时：安全出口和疏散通道不得堆物、不得上锁，应急照明和疏散指示标志要保持正常。",
            "火灾时：第一时间大声提醒顾客，按疏散指示有序撤离；用湿毛巾捂住口鼻、低姿前进，不要乘坐电梯，"
            "不要返回取物；撤离后清点人数并拨打119。",
        ],
        False,
    ),
]


def _placeholder(title, slug, summary, paragraphs):
    return StandardPage(
        title=title, slug=slug, intro=summary,
        body=_stream(_callout("info", "即将开通", *paragraphs)),
    )


PRIVACY_NOTICE = (
    "<h2>我们收集哪些信息</h2>"
    "<p>场所的名称、类型、地址、所在村（社区）和网格、面积或座位数等规模情况；营业执照的统一社会信用代码；"
    "经营者和联系人的姓名、手机号；没有营业执照的，还有经营者的身份证号码；场所门头和营业执照的照片。"
    "您注册账号时，我们记录您的手机号、登录时间和登录地址，用于保护账号安全。</p>"
    "<h2>为什么收集</h2>"
    "<p>依照安全生产法、消防法等法律法规，镇人民政府负责辖区内九小场所的安全监管。"
    "这些信息只用于场所登记建档、安全检查、隐患整改、安全通知和培训，是履行这项法定职责所必需的（个人信息保护法第十三条），"
    "不用于其他目的，也不会出售或提供给商业机构。</p>"
    "<h2>保存多久</h2>"
    "<ul>"
    "<li>场所经营期间一直保存。</li>"
    "<li>场所停业注销满3年后，删除经营者、联系人的姓名、手机号、身份证号和照片，只保留不含个人信息的场所类型、所在区域等统计数据。</li>"
    "<li>没有通过审核的登记，满1年后同样删除个人信息；一年没有动过的登记草稿整条删除。</li>"
    "<li>短信验证码记录保存30天，导入的普查表格原始数据保存30天，系统操作日志保存6个月。"
    "为防止数据丢失，系统每天备份，每日备份保存30天，每月备份保存1年，备份加密存放。</li>"
    "<li>没有场所、两年没有登录的账号，删除手机号和姓名，并停用。</li>"
    "</ul>"
    "<h2>谁能看到</h2>"
    "<p>只有镇应急办、负责该类场所的牵头办室、场所所在村（社区）的工作人员和网格员，在各自负责的范围内查看。"
    "名单和导出表格中的手机号、身份证号会隐去部分数字；工作人员查看完整号码时，系统会记录是谁、什么时间查看的，您可以在“我的信息”中看到。"
    "门上二维码对公众只显示场所名称、类型、所在村（社区）和登记状态，不显示任何个人信息。信息存放在境内的服务器上。</p>"
    "<h2>您的权利</h2>"
    "<p>登录后打开“我的账号”里的“我的信息”，可以查阅我们保存的全部信息，下载一份副本，并申请更正或补充。"
    "我们会在15天内答复，答复会发到您的消息里。信息不再需要时，您可以要求删除；没有提交的登记草稿，您可以随时请我们删除。"
    "对处理结果有意见，可以拨打页面底部的联系电话，或到镇应急办（示例地址）反映。</p>"
)


def _registration_page():
    """The online registration, with its texts in plain words (the communications office
    edits them in the admin)."""
    return RegistrationPage(
        title="场所在线登记", slug="register", search_description="经营者用手机在线登记九小场所。",
        intro=_rich(
            "经营小商店、小饭店、小旅馆等九小场所的，都要登记。有营业执照的、没有营业执照的、"
            "在临时建筑里经营的，都一样登记，登记不收费。",
            "在手机上按提示分五步填写，一般几分钟就能完成。填到一半可以先离开，下次接着填。"
            "不方便自己填的，可以请所在村（社区）或网格员帮您登记。",
        ),
        venue_guidance=_rich(
            "填写场所的基本情况。场所类型选主要经营的那一种；同时还有别的经营（比如民宿兼营餐饮），"
            "在“其他类型”里勾选。",
            "面积、座位数、床位数等按实际情况填写，系统会据此判断场所是否属于九小场所。"
            "不属于的也要登记，工作人员会转给相关部门。",
        ),
        licence_guidance=_rich(
            "有营业执照的，请对照执照填写18位统一社会信用代码。",
            "还没有营业执照，或者在临时建筑里经营的，请选择相应情况并简单说明原因。没有执照同样可以登记。",
        ),
        people_guidance=_rich(
            "经营者是场所安全的第一责任人。请填写能打通的手机号，审核结果会通过短信和“我的消息”告诉您。",
            "没有营业执照的，需要填写经营者的身份证号码，用来确认谁对场所负责；工作人员看到的号码会隐去部分数字。",
        ),
        photos_guidance=_rich(
            "请拍一张能看清招牌和大门的门头照片；有营业执照的，再拍一张营业执照（四个角完整、字迹清楚）。",
            "照片上传后马上保存，拍得不清楚可以删除重拍。",
        ),
        declare_guidance=_rich(
            "请逐项核对下面的信息，需要修改的点“修改”。核对无误后，阅读声明、个人信息保护说明和本类场所的安全告知书，勾选后提交。",
        ),
        declaration=_rich(
            "本人承诺：登记的场所信息和上传的照片真实、准确、完整。场所情况有变化（比如更换经营者、"
            "扩大面积、停业）时，会及时更新登记。",
            "本人知道经营者对场所安全负主要责任，愿意按要求开展自查、配合检查、及时整改隐患。"
            "如填写虚假信息，愿意承担相应责任。",
        ),
        done_text=_rich(
            "提交后，所在村（社区）的工作人员会审核您的登记，一般在3个工作日内（示例）完成。"
            "审核结果会发到“我的消息”，并发短信告诉您。",
            "需要修改的，工作人员会写明原因，您按提示修改后再次提交即可。审核通过后，工作人员会把带二维码的门牌送到场所。",
        ),
    )


def _privacy_page(parent):
    return _add(parent, PrivacyPage(
        title="个人信息保护说明", slug="privacy", last_updated=datetime.date(2026, 11, 1),
        intro="我们收集哪些信息、为什么收集、保存多久、谁能看到，以及您怎样查阅、下载和更正自己的信息。",
        body=PRIVACY_NOTICE,
    ))


@transaction.atomic
def ensure_privacy_page():
    """A demo database made before the privacy notice became a page of its own gets one."""
    site_settings = SiteSettings.objects.filter(site__is_default_site=True).first()
    if site_settings is None or site_settings.privacy_page_id or PrivacyPage.objects.exists():
        return None
    parent = StandardPage.objects.filter(slug="services").first() or HomePage.objects.first()
    site_settings.privacy_page = _privacy_page(parent)
    site_settings.save(update_fields=["privacy_page"])
    return site_settings.privacy_page


def demo_exists():
    return HomePage.objects.exists()


@transaction.atomic
def build_demo_site():
    """Build the whole demo tree under Wagtail's root and point the default site at it."""
    kinds = list(VenueKind.objects.all())
    town, villages = _areas()

    root = Page.get_first_root_node()
    # Wagtail's starter page is replaced by ours.
    for page in root.get_children():
        if not isinstance(page.specific, HomePage):
            page.delete()
    root.refresh_from_db()

    home = HomePage(
        title="双河镇九小场所安全智管", slug="home", seo_title="双河镇九小场所安全智管",
        intro=_rich(
            "九小场所安全智管是双河镇对辖区内小商店、小饭店、小旅馆等九类小场所开展安全监管和服务的平台。",
            "经营者可以在这里登记场所、开展自查、学习安全知识；群众可以举报身边的安全隐患；"
            "镇、村（社区）和网格工作人员在后台审核登记、开展巡查、跟踪隐患直到整改完毕。",
        ),
    )
    root.add_child(instance=home)
    home.save_revision().publish()

    public = urlsplit(settings.PUBLIC_BASE_URL)
    Site.objects.all().delete()
    site = Site.objects.create(
        hostname=public.hostname or "localhost",
        port=public.port or (443 if public.scheme == "https" else 80),
        root_page=home, is_default_site=True, site_name="九小场所安全智管",
    )
    SiteSettings.objects.update_or_create(
        site=site,
        defaults={
            "organiser": "重庆市武隆区双河镇人民政府",
            "address": "重庆市武隆区双河镇（示例地址）",
            "phone": "023-0000 0000（示例）",
            "icp_number": "渝ICP备00000000号-1（示例）",
            "psb_number": "渝公网安备00000000000000号（示例）",
            "site_code": "0000000000（示例）",
        },
    )

    plan = _add(home, StandardPage(
        title="实施方案", slug="plan", show_in_menus=True,
        intro="双河镇推广“九小场所安全智管”应用的目标、分工、步骤和工作机制。",
        body=_plan_body(kinds),
    ))

    notice_index = _add(home, NoticeIndexPage(
        title="通知公告", slug="notices", show_in_menus=True,
        intro="镇政府和镇应急办发布的九小场所安全工作通知、通告和提醒。",
    ))
    first_notice = None
    by_slug = {k.slug: k for k in kinds}
    for number, (title, date, office, doc_no, kind_slugs, ack, summary, paras) in enumerate(
        NOTICES, start=1
    ):
        notice = NoticePage(
            title=title, slug=f"notice-{number}", date=date, issuing_office=office,
            document_number=doc_no, summary=summary, requires_acknowledgement=ack,
            body=_stream(_para(*paras)),
        )
        notice.kinds = [by_slug[s] for s in kind_slugs]
        notice_index.add_child(instance=notice)
        if first_notice is None:
            first_notice = notice
            NoticeAttachment.objects.create(
                page=notice, sort_order=0, title="登记信息采集表（示例）",
                document=_document(
                    "登记信息采集表（示例）", "registration-form-example.txt",
                    "九小场所登记信息采集表（示例）\n场所名称：\n经营地址：\n场所类型：\n"
                    "建筑面积（平方米）：\n经营者姓名：\n联系电话：\n",
                ),
            )
        notice.save_revision().publish()

    training_index = _add(home, TrainingIndexPage(
        title="培训资料", slug="training", show_in_menus=True,
        intro="帮助经营者知风险、明职责、会操作、能应急的学习资料，按主题和场所类型整理。",
    ))
    topics = {}
    for order, name in enumerate(["消防器材使用", "用电安全", "燃气安全", "疏散逃生"], start=1):
        topics[name], _created = TrainingTopic.objects.get_or_create(
            name=name, defaults={"sort_order": order}
        )
    for number, (topic, title, kind_slugs, summary, paras, picture) in enumerate(TRAINING, 1):
        blocks = [_para(*paras)]
        video = captions = None
        if picture:
            image = _gauge_image()
            blocks.append(("image", {
                "image": {"image": image.pk, "alt_text": "灭火器压力表示意图：指针位于中间的绿色区域，表示压力正常",
                          "decorative": False},
                "caption": "压力表指针在绿色区域表示压力正常",
            }))
            # A short silent clip with Chinese captions, made for the demo.
            video = _document("压力表检查演示", "extinguisher-check.mp4",
                              (ASSETS / "extinguisher-check.mp4").read_bytes())
            captions = _document("压力表检查演示字幕", "extinguisher-check.vtt",
                                 (ASSETS / "extinguisher-check.vtt").read_bytes())
        page = TrainingPage(
            title=title, slug=f"training-{number}", topic=topics[topic], summary=summary,
            body=_stream(*blocks), video=video, captions=captions,
        )
        page.kinds = [by_slug[s] for s in kind_slugs]
        _add(training_index, page)

    services = _add(home, StandardPage(
        title="经营者服务", slug="services", show_in_menus=True,
        intro="经营者在线登记场所、开展自查、阅读安全告知；群众也可以在这里举报安全隐患。",
        body=_stream(_para("在线登记和安全自查已经开通。其他服务正在建设中，开通后会在这里和首页公告。")),
    ))
    register = _add(services, _registration_page())
    privacy = _privacy_page(services)
    selfcheck = _add(services, selfcheck_page())
    report = _add(services, _placeholder(
        "隐患举报", "report", "发现九小场所的安全隐患，可以向镇里举报。",
        ["在线举报功能即将开通。开通前，请拨打页面底部的联系电话举报；"
         "遇到火灾等紧急情况，请立即拨打119。"],
    ))
    safety_notice = build_safety_notices(home, kinds)

    SiteSettings.objects.filter(site=site).update(report_page=report, privacy_page=privacy)

    home.entrances = json.dumps([
        {"type": "entrance", "value": v} for v in [
            {"audience": "owner", "title": "登记我的场所", "description": "用手机号在线登记，几分钟完成",
             "page": register.pk, "url": ""},
            {"audience": "owner", "title": "开展安全自查", "description": "按清单逐项检查，问题及时整改",
             "page": selfcheck.pk, "url": ""},
            {"audience": "owner", "title": "阅读安全告知书", "description": "各类场所的安全责任、风险和检查要点",
             "page": safety_notice.pk, "url": ""},
            {"audience": "owner", "title": "学习安全知识", "description": "灭火器使用、用电和燃气安全",
             "page": training_index.pk, "url": ""},
            {"audience": "public", "title": "举报安全隐患", "description": "发现隐患，告诉我们",
             "page": report.pk, "url": ""},
            {"audience": "staff", "title": "工作人员登录", "description": "审核、巡查和隐患跟踪",
             "page": None, "url": "/admin/"},
        ]
    ])
    home.save_revision().publish()

    return {"home": home, "plan": plan, "notices": notice_index, "town": town,
            "villages": villages}


# The office of each demo staff role that belongs to one.
DEMO_OFFICES = {TOWN_OFFICE: "应急办", LEAD_OFFICE: "食药监办"}


def _area_by_path(path):
    """An area named by its names from the village down, for example 青杠村/第一网格."""
    area = None
    for name in path.split("/"):
        children = Area.objects.filter(name=name) if area is None else area.get_children().filter(name=name)
        area = children.first()
    return area


def ensure_demo_accounts():
    """Create the demo accounts that are missing; returns every demo account's credentials."""
    User = get_user_model()
    rows = []
    for username, password, role, group_name, superuser, area_name in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, is_staff=superuser, is_superuser=superuser,
                        full_name=f"示例{role.split('（')[0]}",
                        mobile=username if username.isdigit() else None)
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            area = _area_by_path(area_name) if area_name else None
            if area is not None:
                office_name = DEMO_OFFICES.get(group_name)
                office = Office.objects.get(name=office_name) if office_name else None
                StaffProfile.objects.create(user=user, office=office).areas.set([area])
        rows.append((username, password, role))
    demo_backup_codes()
    return rows


def demo_backup_codes():
    """Every demo staff account gets backup codes for the admin's second factor (venues.otp),
    new ones only when none are left; returns {username: codes} for `make run` to print."""
    User = get_user_model()
    codes = {}
    for username, *_ in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is not None and needs_second_factor(user):
            codes[username] = backup_codes_for(user)
    return codes


# The workflow steps that lead from a draft to each demo status.
STEPS = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "returned": ["submit", "return"],
    "resubmitted": ["submit", "return", "resubmit"],
    "rejected": ["submit", "reject"],
    "closed": ["submit", "approve", "close"],
}


def _demo_venues(owner, reviewer, town_reviewer):
    """Venues across three villages, each taken to its status through the workflow."""
    for number, (name, kind, village_name, grid, facts, licence, status, reason) in enumerate(
        DEMO_VENUES, start=1
    ):
        village = Area.objects.get(name=village_name)
        grids = list(village.get_children())
        body = f"92500156MA6{number:06d}"
        venue = Venue(
            name=name, kind=VenueKind.objects.get(slug=kind), area=grids[grid],
            address=f"双河镇{village_name.replace('（示例）', '')}示例路{number}号", licence=licence,
            credit_code=body + credit_code_check_char(body) if licence == "licensed" else "",
            no_code_reason="" if licence == "licensed" else "尚未办理营业执照（示例）",
            operator_name=f"示例经营者{number}", operator_mobile=f"1380000{number:04d}",
            owner=owner, **facts,
        )
        venue.full_clean()
        venue.save()
        staff = reviewer if village_name.startswith("青杠") else town_reviewer
        for action in STEPS[status]:
            actor = owner if action in ("submit", "resubmit") else staff
            venue = perform(venue, action, actor, reason=reason if action in ("return", "reject", "close") else "")


def build_demo_venues():
    """Demo venues, reviewed by the demo village staff member (the village's own)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    with transaction.atomic():
        # The village's own staff review 青杠村; the town office the other villages.
        _demo_venues(users.get(username="13800000001"), users.get(username="qinggang"),
                     users.get(username="town"))
