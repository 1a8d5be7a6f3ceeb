"""企业安全分析报告 in a browser: an owner on a 360 px phone opens their venue's report from their
home page, chooses another month without a script, and the page fits the screen with zero axe
findings; the town office reads the town report at desktop width, with zero axe findings."""

from django.utils import translation

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import PASSWORD, make_area_tree, make_home, make_member
from tests.venues.test_analysis import EXTINGUISHER, GUIDANCE, SHOP, build_world
from venues.models import Area, Office
from venues.roles import TOWN_OFFICE

MOBILE = "13900000021"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def areas(transactional_db, django_db_serialized_rollback):
    make_home()
    return {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}


@pytest.fixture
def world(areas):
    return build_world(areas)


def check(page, live_server):
    page.wait_for_timeout(300)
    assert axe_violations(page) == [], page.url
    assert_only_our_origin(page, live_server)


def test_an_owner_reads_the_report_on_a_phone(phone, live_server, world):
    owner = world["owner"]
    owner.mobile = MOBILE
    owner.save(update_fields=["mobile"])
    page = phone
    page.goto("/owner/login/")
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/owner/")
    page.locator(f'a[href="/owner/venues/{world["v1"].pk}/report/"]').click()
    page.wait_for_url(f"**/owner/venues/{world['v1'].pk}/report/")
    assert SHOP in page.content()
    check(page, live_server)
    assert_fits_the_screen(page)
    # Another month, chosen with the form (no script needed).
    page.locator("#report-period").select_option("2026-10")
    page.locator(".report-controls button[type=submit]").click()
    page.wait_for_url("**/report/?period=2026-10")
    assert GUIDANCE[EXTINGUISHER] in page.content()
    assert page.locator('[data-figure="found"]').inner_text() == "3"
    check(page, live_server)
    assert_fits_the_screen(page)
    # The print button is there (our own script shows it) and print styles hide the navigation.
    assert page.locator(".report-print").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".owner-nav").is_visible()
    assert page.locator(".safety-report").is_visible()


def test_the_town_office_reads_the_town_report(browser, live_server, world, areas):
    make_member(TOWN_OFFICE, areas["town"], office=Office.objects.get(is_town_office=True),
                username="town-office")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server.url)
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.goto("/admin/login/")
    page.locator("#id_username").fill("town-office")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")
    page.goto("/admin/venues/analysis/?period=2026-Q4")
    assert "青杠村" in page.content() and SHOP not in page.locator("#town-items-table").inner_text()
    page.wait_for_timeout(500)
    assert axe_violations(page) == [], page.url
    assert_only_our_origin(page, live_server)
    context.close()
