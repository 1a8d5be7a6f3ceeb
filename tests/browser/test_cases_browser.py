"""Serious cases in the browser: on a 360 px phone the owner opens the case they were notified of
from their integrity page and objects; the staff case page at desktop width. Zero axe findings on
each page of ours, nothing wider than the screen."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone, translation

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import PASSWORD, make_area_tree, make_home, make_member, make_venue, photo_upload
from venues.models import Area, CaseStatus, SeriousCase, VenueStatus
from venues.roles import LEADER, VILLAGE_STAFF
from venues.workflows import cases

MOBILE = "13900000051"
FACTS = "多次拒绝检查，燃气管道私接（测试）"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    make_home()
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    owner = get_user_model().objects.create_user(username="case-owner", mobile=MOBILE,
                                                 password="Shuanghe-2026")
    staff = make_member(VILLAGE_STAFF, tree["qinggang"], username="village-staff")
    leader = make_member(LEADER, tree["town"], username="town-leader")
    venue = make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, name="青杠火锅店",
                       owner=owner, uses_gas=True)
    case = cases.propose(staff, venue, FACTS, photos=[photo_upload()], submission_id=uuid.uuid4())
    case = cases.notify(staff, case)
    return {"owner": owner, "staff": staff, "leader": leader, "venue": venue, "case": case}


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def test_the_owner_objects_on_a_phone(phone, live_server, world):
    page, venue, case = phone, world["venue"], world["case"]
    page.goto("/owner/login/")
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("密码").fill("Shuanghe-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")
    page.goto(f"/owner/venues/{venue.pk}/integrity/")
    link = page.locator(f"a[href='/owner/venues/{venue.pk}/cases/{case.pk}/']")
    assert link.count() == 1
    with page.expect_navigation():
        link.click()
    assert FACTS in page.content()
    check(page, live_server)
    with page.expect_navigation():
        page.locator("#send-objection").click()  # empty: the message beside the field
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    check(page, live_server)
    page.locator("textarea[name=text]").fill("两次都是营业高峰期，燃气管道已经改好")
    with page.expect_navigation():
        page.locator("#send-objection").click()
    assert "两次都是营业高峰期" in page.locator("#case-objection").inner_text()
    check(page, live_server)
    case.refresh_from_db()
    assert case.objection == "两次都是营业高峰期，燃气管道已经改好"


def test_the_staff_case_page_at_desktop_width(browser, live_server, world):
    SeriousCase.objects.filter(pk=world["case"].pk).update(objection_until=timezone.localdate()
                                                          - datetime.timedelta(days=1))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/admin/login/")
        page.locator("#id_username").fill("town-leader")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url("**/admin/")
        page.goto(f"/admin/venues/cases/{world['case'].pk}/")
        assert FACTS in page.content()
        page.wait_for_timeout(500)
        assert axe_violations(page) == [], page.url
        page.locator("input[name=decision][value=upheld]").check()
        page.locator("textarea[name=note]").fill("事实清楚")
        with page.expect_navigation():
            page.locator("#case-decide").click()
        page.wait_for_timeout(1000)  # Wagtail's messages fade in
        assert axe_violations(page) == [], page.url
        page.goto("/admin/venues/cases/")
        assert axe_violations(page) == [], page.url
    finally:
        context.close()
    assert SeriousCase.objects.get(pk=world["case"].pk).status == CaseStatus.UPHELD
