"""考核激励 on a 360 px phone: the month page (published and live), the weights form with an
error and after saving, the red-flag history, the census counts and a village's count form.
Zero axe findings, nothing wider than the screen, nothing from another origin; the village
names stay on one line and the tables scroll sideways inside their labelled regions, and the
census page's edit link (the village's name) is on the screen."""

import datetime

from django.utils import translation

import pytest

from tests.browser.test_tasks_browser import check, press, sign_in
from tests.factories import approve, make_area_tree, make_home, make_member, make_venue
from venues import figures, scorecards
from venues.models import Area, Office, VillageCensus
from venues.roles import TOWN_OFFICE

PHONE_WIDTH = 360


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    make_home()
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True),
                username="town-office")
    approve(make_venue(tree["qinggang-1"], "catering", name="青杠火锅店"))
    VillageCensus.objects.create(area=tree["qinggang"], expected=4, counted_on=datetime.date(2026, 6, 1))
    scorecards.freeze(figures.Period(figures.MONTH, datetime.date(2026, 10, 1)),
                      today=datetime.date(2026, 11, 2))
    return tree


def assert_one_line(page, selector):
    """Each matching cell's text is on one line, not a name wrapped a character per line: the
    line boxes of its text all share one top."""
    lines = page.locator(selector).evaluate_all(
        "cells => cells.map(cell => { const range = document.createRange(); range.selectNodeContents(cell);"
        " return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; })")
    assert lines and all(count == 1 for count in lines), lines


def assert_scrolls_in_its_region(page):
    """The first scorecard table is wider than the phone and scrolls inside its region."""
    region = page.locator(".scorecard-scroll[role=region]").last
    assert region.get_attribute("tabindex") == "0"
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], widths


def test_the_scorecard_pages_on_a_phone(phone, live_server, world):
    page = phone
    sign_in(page, "town-office")
    page.goto("/admin/venues/scorecards/?month=2026-10")
    check(page, live_server)
    assert_one_line(page, "table.scorecards tbody th[scope=row]")
    assert_one_line(page, "table.scorecards thead th")
    assert_scrolls_in_its_region(page)
    assert "本月尚未结束" not in page.content()
    page.goto("/admin/venues/scorecards/")
    check(page, live_server)
    page.goto("/admin/venues/scorecards/flags/")
    check(page, live_server)
    page.goto("/admin/venues/scorecards/weights/")
    check(page, live_server)
    for name in scorecards.MEASURES:
        page.locator(f"#id_{name}").fill("0")
    press(page, "main button.button[type=submit]")
    assert "至少要有一项权重大于 0" in page.content()
    check(page, live_server)
    for name in scorecards.MEASURES:
        page.locator(f"#id_{name}").fill("20")
    press(page, "main button.button[type=submit]")
    # Saved: back on the running month, scored with the new weights.
    assert f"month={scorecards.current_month().value}" in page.url
    assert "本月尚未结束" in page.content()
    check(page, live_server)


def test_the_census_counts_on_a_phone(phone, live_server, world):
    page = phone
    sign_in(page, "town-office")
    page.goto("/admin/venues/census-counts/")
    check(page, live_server)
    assert_one_line(page, ".scorecard-scroll tbody th[scope=row]")
    link = page.get_by_role("link", name="修改青杠村的摸排数")
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, box
    link.click()
    page.wait_for_url(f"**/census-counts/{world['qinggang'].pk}/")
    check(page, live_server)
    page.locator("#id_expected").fill("0")
    press(page, "main button.button[type=submit]")
    assert "摸排数" in page.content()
    check(page, live_server)
