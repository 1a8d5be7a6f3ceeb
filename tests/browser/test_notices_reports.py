"""告知 and 报告 on a 360 px phone: an owner confirms a safety notice from their message box,
and files each kind of report through the real form (and sees a missing field refused beside
it, with what they typed kept). Zero axe findings, nothing wider than the screen, nothing from
another origin."""

import datetime
import re

from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.browser.test_registration import sign_in
from tests.factories import UserFactory, add_page, approve, make_area_tree, make_home, make_venue
from venues.models import Acknowledgement, Message, OwnerReport, VenueKind


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    home = make_home()
    tree = make_area_tree()
    owner = UserFactory(username="13900008888", mobile="13900008888")
    venue = approve(make_venue(tree["qinggang-1"], kind="shopping", owner=owner, name="青杠告知小卖部"))
    return {"home": home, "tree": tree, "owner": owner, "venue": venue}


def publish_safety_notice(home, kind="shopping"):
    """The kind's 安全告知书, published: its first version is delivered to the owners of the
    kind's approved venues (the test task backend runs at once, on commit)."""
    from notices.models import SafetyNoticeIndexPage, SafetyNoticePage

    index = add_page(home, SafetyNoticeIndexPage(title="安全告知书", slug="safety-notices"))
    return add_page(index, SafetyNoticePage(
        title="购物场所安全告知书", slug=f"{kind}-notice", kind=VenueKind.objects.get(slug=kind),
        summary="购物场所的安全责任和检查要点。", duties="<p>经营者是场所安全的第一责任人。</p>",
        risks="<p>货物堆放过高，堵塞通道。</p>", checks="<p>灭火器压力表指针在绿区。</p>",
        contacts="<p>火灾拨打 119。</p>",
    ))


# 告知 ---------------------------------------------------------------------------------------

def test_confirming_a_safety_notice_from_the_message_box(phone, live_server, world):
    owner, venue = world["owner"], world["venue"]
    notice = publish_safety_notice(world["home"])
    message = Message.objects.get(recipient=owner, notice_version__isnull=False)
    assert message.notice_version.page_id == notice.pk
    sign_in(phone, live_server, owner)

    # The owner's home points to the notice to confirm.
    phone.goto("/owner/")
    to_confirm = phone.locator("section[aria-labelledby=confirm-heading]")
    expect(to_confirm.locator(f"a[href='/owner/messages/{message.pk}/']")).to_have_text(notice.title)
    check(phone, live_server)

    # The message box lists it as to confirm; it opens with the button.
    phone.goto("/owner/messages/")
    check(phone, live_server)
    phone.locator(f"a[href='/owner/messages/{message.pk}/']").click()
    phone.wait_for_url(f"**/owner/messages/{message.pk}/")
    button = phone.locator(f"form[action='/owner/messages/{message.pk}/acknowledge/'] button[type=submit]")
    expect(button).to_be_visible()
    expect(phone.locator(".owner-notice")).to_contain_text(venue.name)
    expect(phone.locator(".owner-notice a")).to_have_attribute("href", notice.url)
    check(phone, live_server)
    message.refresh_from_db()
    assert message.read_at is None  # a notice to confirm stays unread until it is confirmed
    assert not Acknowledgement.objects.exists()

    button.click()
    phone.wait_for_url(f"**/owner/messages/{message.pk}/")
    expect(button).to_have_count(0)
    expect(phone.locator(".owner-notice strong")).to_have_text(_("Confirmed. Thank you."))
    expect(phone.locator("main")).to_contain_text(
        _("Thank you: you have confirmed that you read “%(title)s”.") % {"title": notice.title})
    check(phone, live_server)
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.venue, acknowledgement.user, acknowledgement.version) == (
        venue, owner, message.notice_version)
    message.refresh_from_db()
    assert message.read_at is not None

    # Nothing left to confirm on the owner's home.
    phone.goto("/owner/")
    expect(phone.locator("section[aria-labelledby=confirm-heading]")).to_have_count(0)


# 报告 ---------------------------------------------------------------------------------------

@pytest.fixture
def venues(world):
    """The owner's approved venue, and a second one, closed (only it may report reopening)."""
    closed = make_venue(world["tree"]["qinggang-2"], kind="shopping", owner=world["owner"],
                        name="青杠停业副食店", status="closed", credit_code="92500156MA60ABCD23")
    return {"approved": world["venue"], "closed": closed}


def iso(day):
    return f"{day:%Y-%m-%d}"


def test_filing_each_kind_of_report_on_a_phone(phone, live_server, world, venues):
    owner = world["owner"]
    today = timezone.localdate()
    catering = VenueKind.objects.get(slug="catering")
    sign_in(phone, live_server, owner)

    phone.goto("/owner/reports/")
    check(phone, live_server)
    for kind in ("operator", "business", "closing", "reopening", "works", "guidance"):
        expect(phone.locator(f"a[href='/owner/reports/new/{kind}/']")).to_be_visible()

    def fill(kind, venue, fields):
        phone.goto(f"/owner/reports/new/{kind}/")
        expect(phone.locator("#id_venue")).to_be_visible()
        check(phone, live_server)
        phone.locator("#id_venue").select_option(label=venue.name)
        for selector, value in fields:
            field = phone.locator(selector)
            if selector.startswith("#id_new_kind"):
                field.select_option(label=value)
            elif field.get_attribute("type") == "radio":
                field.check()
            else:
                field.fill(value)
        phone.get_by_role("button", name=_("Send the report")).click()
        phone.wait_for_url("**/owner/reports/*/")
        report = OwnerReport.objects.get(kind=kind)
        assert phone.url.endswith(f"/owner/reports/{report.pk}/")
        assert (report.venue, report.reporter) == (venue, owner)
        expect(phone.locator("main")).to_contain_text(venue.name)
        check(phone, live_server)
        return report

    report = fill("operator", venues["approved"], [
        ("#id_new_operator_name", "李四"), ("#id_new_operator_mobile", "139 1234 5678"),
        ("#id_starts_on", iso(today + datetime.timedelta(days=3))), ("#id_details", "原经营者转让店铺"),
    ])
    assert (report.new_operator_name, report.new_operator_mobile) == ("李四", "13912345678")
    assert report.starts_on == today + datetime.timedelta(days=3)

    report = fill("business", venues["closed"], [
        ("#id_new_kind", catering.name), ("#id_details", "增加堂食，开始做小吃"),
    ])
    assert (report.new_kind, report.details) == (catering, "增加堂食，开始做小吃")

    report = fill("closing", venues["approved"], [
        ("#id_starts_on", iso(today + datetime.timedelta(days=10))), ("#id_details", "春节停业，节后复业"),
    ])
    assert report.starts_on == today + datetime.timedelta(days=10)

    report = fill("reopening", venues["closed"], [("#id_starts_on", iso(today + datetime.timedelta(days=1)))])
    assert report.starts_on == today + datetime.timedelta(days=1)

    report = fill("works", venues["approved"], [
        ("input[name=work_type][value=hot_work]", None), ("#id_details", "后厨焊接货架"),
        ("#id_starts_on", iso(today + datetime.timedelta(days=5))),
        ("#id_ends_on", iso(today + datetime.timedelta(days=6))),
        ("#id_measures", "备好灭火器，移开可燃物，专人看护，持证焊工作业"),
    ])
    assert (report.work_type, report.ends_on) == ("hot_work", today + datetime.timedelta(days=6))
    assert report.measures == "备好灭火器，移开可燃物，专人看护，持证焊工作业"

    report = fill("guidance", venues["approved"], [
        ("#id_details", "想请工作人员看看灭火器放在哪里合适，周末都行"),
    ])
    assert report.details.startswith("想请工作人员")

    assert OwnerReport.objects.count() == 6
    phone.goto("/owner/reports/")
    expect(phone.locator("main .list-group-item")).to_have_count(6)
    check(phone, live_server)


def test_a_report_missing_a_required_field_is_refused_beside_it(phone, live_server, world, venues):
    today = timezone.localdate()
    sign_in(phone, live_server, world["owner"])
    phone.goto("/owner/reports/new/works/")
    phone.locator("input[name=work_type][value=repair]").check()
    phone.locator("#id_details").fill("更换店内老化电线")
    phone.locator("#id_starts_on").fill(iso(today + datetime.timedelta(days=2)))
    phone.locator("#id_ends_on").fill(iso(today + datetime.timedelta(days=4)))
    # The safety measures are left empty.
    phone.get_by_role("button", name=_("Send the report")).click()
    phone.wait_for_load_state()

    assert phone.url.endswith("/owner/reports/new/works/")
    assert not OwnerReport.objects.exists()
    measures = phone.locator("#id_measures")
    expect(measures).to_have_class(re.compile(r"\bis-invalid\b"))
    error = phone.locator("#div_id_measures .invalid-feedback")
    expect(error).to_be_visible()
    expect(error).to_contain_text(_("This field is required."))
    # ...and is tied to the field for a screen reader.
    expect(measures).to_have_attribute("aria-invalid", "true")
    error_id = error.get_attribute("id")
    assert error_id and error_id in measures.get_attribute("aria-describedby").split()
    # Only the empty field is refused.
    expect(phone.locator(".invalid-feedback")).to_have_count(1)
    # What the owner typed is kept.
    expect(phone.locator("input[name=work_type][value=repair]")).to_be_checked()
    expect(phone.locator("#id_details")).to_have_value("更换店内老化电线")
    expect(phone.locator("#id_starts_on")).to_have_value(iso(today + datetime.timedelta(days=2)))
    expect(phone.locator("#id_ends_on")).to_have_value(iso(today + datetime.timedelta(days=4)))
    check(phone, live_server)

    measures.fill("断电作业，备好灭火器")
    phone.get_by_role("button", name=_("Send the report")).click()
    phone.wait_for_url("**/owner/reports/*/")
    assert OwnerReport.objects.get().measures == "断电作业，备好灭火器"
