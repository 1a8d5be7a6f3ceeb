"""The demo's 安全告知书: one per venue kind, in our own words, and a demo owner's reports.
Built by setup_demo after the demo site; the notices' first versions are delivered to the
owners of the demo venues once those exist."""

from notices.models import SafetyNoticeIndexPage, SafetyNoticePage

COMMON_DUTIES = [
    "经营者（实际负责人）是场所消防和安全生产的第一责任人，对场所安全全面负责。",
    "按规定配置灭火器等消防器材并每月检查，保持安全出口、疏散通道畅通。",
    "按要求在手机上定期开展安全自查，发现隐患立即整改，并拍照报告整改结果。",
    "配合村（社区）工作人员、网格员和镇里的检查，如实提供情况。",
    "经营者、经营范围变化，停业、复业，或者维修、安装、动火作业前，在“报告事项”中告诉镇里。",
]

COMMON_CONTACTS = [
    "火灾、爆炸等紧急情况：立即拨打 119；有人受伤：拨打 120。",
    "燃气泄漏：关闭阀门、打开门窗、不开关电器，到室外拨打燃气公司抢修电话。",
    "安全咨询和上门指导：双河镇应急办 023-00000000（示例），或在“报告事项”中申请上门指导。",
]

# slug → (summary, main risks, what to check)
KIND_NOTICES = {
    "shopping": (
        "商店、超市、市场摊位等购物场所的安全责任和检查要点。",
        ["货物堆放过高、过密，堵塞通道和安全出口。", "电气线路老化、私拉乱接，大功率电器同时使用。",
         "店内住人、电动自行车在店内停放或充电。"],
        ["灭火器压力表指针在绿区，放在明显、便于取用的位置。", "货物与灯具、电气设备保持距离，通道宽度不小于1米。",
         "插座不串接、不超负荷，下班前切断不必要的电源。"],
    ),
    "catering": (
        "饭店、小吃店、火锅店等餐饮场所的用气、用火和油烟安全。",
        ["燃气软管老化、接口松动导致泄漏。", "厨房油烟管道积油起火。", "用餐区人员密集，疏散困难。"],
        ["使用燃气的安装可燃气体报警器并保持有效，软管不超过2米、无老化裂纹。",
         "油烟管道定期清洗并留存记录。", "厨房配置灭火毯，员工会用灭火器和灭火毯。"],
    ),
    "lodging": (
        "宾馆、民宿、农家乐住宿等场所的夜间安全和疏散。",
        ["夜间住客熟睡，发现火情晚、疏散慢。", "客房内违规使用电器、吸烟引燃床品。", "安全出口锁闭、疏散指示损坏。"],
        ["每间客房张贴疏散示意图，走道疏散指示和应急照明完好。", "安全出口夜间不上锁，门能从内部直接打开。",
         "夜间有人值班巡查，值班人员会报警和组织疏散。"],
    ),
    "entertainment": (
        "歌舞厅、KTV、网吧等公共娱乐场所的人员密集风险。",
        ["装修使用易燃材料，火势蔓延快、烟气毒性大。", "包间多、通道曲折，疏散困难。", "超员经营。"],
        ["营业期间安全出口全部畅通，不锁闭、不遮挡。", "包间内有应急照明和疏散指示。",
         "不超过核定人数，营业前检查消防设施完好。"],
    ),
    "leisure": (
        "足浴、美容美发、健身房等休闲健身场所的安全要点。",
        ["电热设备长时间通电。", "场所内隔出住人区域。", "器材区和通道堆放杂物。"],
        ["电热毯、热水器等设备有人看管，停业时断电。", "场所内不设置员工宿舍。", "健身器材定期检查，通道不堆物。"],
    ),
    "medical": (
        "诊所、药店、卫生室等医疗场所的安全责任。",
        ["酒精等易燃消毒用品存放不当。", "氧气瓶等压力容器使用和存放不规范。", "行动不便的病人疏散困难。"],
        ["酒精少量存放、远离火源和电源。", "氧气瓶直立固定、远离热源，空瓶实瓶分开。",
         "制定病人疏散办法，员工知道怎样协助疏散。"],
    ),
    "education": (
        "培训机构、托管班、幼儿园等教学场所的安全责任。",
        ["儿童和学生集中，自救能力弱。", "设在建筑高层或地下，疏散距离长。", "教室内电器、插线板使用不当。"],
        ["教学用房不设在地下，安全出口不少于要求的数量。", "每学期至少组织一次疏散演练。",
         "插线板不放在学生能碰到的地方，下课后断电。"],
    ),
    "production": (
        "小作坊、小加工厂等生产加工场所的安全生产要点。",
        ["“三合一”（生产、储存、住人在同一空间）。", "机械设备无防护，易造成伤害。", "粉尘、油污积聚引发火灾。"],
        ["生产、储存区与住人区域完全分开。", "设备防护罩齐全，员工经过操作培训。", "及时清扫粉尘和油污，易燃原料限量存放。"],
    ),
    "hazardous": (
        "烟花爆竹、液化气、油漆等易燃易爆危险品销售和储存场所的安全要点。",
        ["超量储存，遇火源发生燃烧爆炸。", "与居住场所设在同一建筑内。", "无证经营或违规销售。"],
        ["按许可的品种和数量储存，不超量。", "店内严禁烟火，不使用明火和大功率电器。",
         "经营场所不住人，与周围建筑保持安全距离。"],
    ),
}


def _list(items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def build_safety_notices(home, kinds):
    """The index page and a published notice for each kind; returns the index."""
    index = SafetyNoticeIndexPage(
        title="安全告知书", slug="safety-notices", show_in_menus=False,
        intro="每一类九小场所的安全告知书：经营者的责任、主要风险、检查要点和求助电话。登记场所时需确认已阅读；告知书更新为新版本时，镇里会请经营者再次确认。",
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    for kind in kinds:
        summary, risks, checks = KIND_NOTICES[kind.slug]
        page = SafetyNoticePage(
            title=f"{kind.name}安全告知书", slug=f"safety-{kind.slug}", kind=kind, summary=summary,
            duties=_list(COMMON_DUTIES), risks=_list(risks), checks=_list(checks),
            contacts=_list(COMMON_CONTACTS),
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    return index


def deliver_current_notices():
    """Tell the demo owners of the notices their venues must acknowledge (after the venues)."""
    from venues import acknowledgements
    from venues.models import NoticeVersion

    for version in NoticeVersion.objects.order_by("page_id", "-number"):
        acknowledgements.deliver(version)  # nothing for versions no longer current


def ensure_safety_notices():
    """A demo made before the safety notices gets them once. True when they were made now."""
    from venues.models import VenueKind

    from .models import HomePage

    home = HomePage.objects.first()
    if home is None or SafetyNoticeIndexPage.objects.exists():
        return False
    build_safety_notices(home, list(VenueKind.objects.all()))
    return True


def build_demo_reports():
    """Two reports from the demo owner waiting for 青杠村's staff: planned hot work and a request
    for on-site guidance. Made once; True when made now."""
    import datetime
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from venues.models import OwnerReport, ReportKind, Venue, VenueStatus, WorkType
    from venues.workflows import reports

    owner = get_user_model().objects.filter(username="13800000001").first()
    venues = list(Venue.objects.filter(owner=owner, status=VenueStatus.APPROVED,
                                       area__path__startswith=_qinggang_path()).order_by("pk")[:2])
    if owner is None or OwnerReport.objects.exists() or not venues:
        return False
    # The demo owner has read the shops' safety notice: the staff's rates show a confirmation.
    from venues import acknowledgements
    from venues.models import Message

    for message in Message.objects.filter(recipient=owner, notice_version__title="购物场所安全告知书"):
        acknowledgements.confirm(owner, message.notice_version)
    start = timezone.localdate() + datetime.timedelta(days=5)
    reports.file(owner, venues[0], ReportKind.WORKS, {
        "work_type": WorkType.HOT_WORK, "details": "后厨更换排烟管道，需要电焊（示例）。",
        "starts_on": start, "ends_on": start + datetime.timedelta(days=1),
        "measures": "作业前清理周围可燃物，备两具灭火器，持证焊工作业，专人看护，结束后检查30分钟无余火（示例）。",
    }, uuid.uuid4())
    reports.file(owner, venues[-1], ReportKind.GUIDANCE, {
        "details": "想请工作人员看看仓库的货物摆放和电线是否符合要求，工作日下午都可以（示例）。",
    }, uuid.uuid4())
    return True


def _qinggang_path():
    from venues.models import Area

    village = Area.objects.filter(name="青杠村（示例）").first()
    return village.path if village else "-"
