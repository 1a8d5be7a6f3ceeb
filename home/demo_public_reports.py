"""Demo public hazard reports (群众举报) and the page they are sent from: the page takes the place
of the "coming soon" page at /services/report/ (the home page's entrance and the venue cards
follow it); in 青杠村（示例）one report waits for the village's staff and one has been turned
into a hazard at an approved demo venue. All names and texts are invented (示例)."""

import uuid

from django.db import transaction

DEMO_TEXTS = {
    "title": "隐患举报",
    "slug": "report",
    "search_description": "发现九小场所的安全隐患，可以在这里向镇里举报。",
    "intro": (
        "<p>发现小商店、小餐馆、小旅馆等九小场所有安全隐患，例如安全出口被堵、液化气罐放在厨房里、"
        "电线乱拉乱接、电动车在室内充电，都可以在这里告诉我们。可以不留姓名。</p>"
        "<p>请写清楚在哪里、是什么问题；能拍照的，附上一两张照片会帮助工作人员尽快找到和核实。</p>"
    ),
    "privacy_note": (
        "<p>联系方式可以不填。填了的，只有处理举报的村（社区）和镇应急办工作人员能看到，"
        "仅用于向您核实情况和告知结果，不会告诉被举报的场所，也不会用于其他用途。</p>"
    ),
    "done_text": (
        "<p>村（社区）工作人员一般在3个工作日内核实。核实属实的，会作为隐患要求场所限期整改，"
        "整改完成并经复查后销号；不属实或不属于九小场所的，会写明原因。您可以随时用查询码查看进度。</p>"
    ),
}

RECEIVED = "青杠村老街口有家小饭馆，门口和后厨堆了四五个液化气罐，旁边就是灶台，很危险（示例）。"
CONFIRMED = "青杠农家饭庄后门的安全出口被纸箱和杂物堵住了，晚上吃饭的人很多（示例）。"


def ensure_report_page():
    """The demo's report page once, in place of the placeholder with the same address, chosen
    in the site settings for the venue cards; None when it exists or there is no demo."""
    from .demo import _add
    from .models import HazardReportPage, HomePage, SiteSettings, StandardPage

    home = HomePage.objects.first()
    if home is None or HazardReportPage.objects.exists():
        return None
    services = StandardPage.objects.child_of(home).filter(slug="services").first() or home
    placeholder = StandardPage.objects.child_of(services).filter(slug=DEMO_TEXTS["slug"]).first()
    before = placeholder.get_prev_sibling() if placeholder else None
    old_pk = placeholder.pk if placeholder else None
    if placeholder is not None:
        placeholder.delete()
    page = _add(services, HazardReportPage(**DEMO_TEXTS))
    if before is not None:
        page.move(before, pos="right")
    if old_pk is not None:
        entrances = list(home.entrances.raw_data)
        for entrance in entrances:
            if entrance["value"].get("page") == old_pk:
                entrance["value"]["page"] = page.pk
        home.entrances = entrances
        home.save_revision().publish()
    site = home.get_site()
    if site is not None:
        SiteSettings.objects.update_or_create(site=site, defaults={"report_page": page})
    return page


def _demo_photo(scene):
    from venues import photos

    from .demo_selfchecks import _photo

    return photos.reencode(_photo(scene))


@transaction.atomic
def build_demo_public_reports():
    """Build them once; True when something was built."""
    from django.contrib.auth import get_user_model

    from venues.models import Area, PublicReport, Severity, Venue, VenueStatus
    from venues.workflows import public_reports

    page = ensure_report_page()
    village = Area.objects.filter(name="青杠村（示例）").first()
    staff = get_user_model().objects.filter(username="qinggang").first()
    venue = Venue.objects.filter(name="青杠农家饭庄（示例）", status=VenueStatus.APPROVED).first()
    if PublicReport.objects.exists() or village is None or staff is None or venue is None:
        return page is not None
    public_reports.file(submission_id=uuid.uuid4(), description=RECEIVED, village=village,
                        address="青杠村老街口，村卫生室斜对面（示例）")
    confirmed = public_reports.file(submission_id=uuid.uuid4(), description=CONFIRMED, venue=venue,
                                    address="后门", contact_name="王女士（示例）",
                                    contact_phone="13800000099",
                                    photos=[_demo_photo("exit")])
    public_reports.make_hazard(confirmed, staff, venue, severity=Severity.MAJOR,
                               description="后门安全出口被纸箱和杂物堵塞，请立即清理，保持疏散通道畅通（示例）。",
                               interim_measure="营业期间安排专人看守后门，先清出一条通道（示例）。")
    return True
