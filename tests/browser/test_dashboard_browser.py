"""监管概览 on a 360 px phone: the town office opens the dashboard, chooses last month, follows a
figure to the list behind it, whose count is the figure's. Zero axe findings on both pages,
nothing wider than the screen (the wide table scrolls inside its own region), nothing from
another origin."""

from django.utils import timezone, translation

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import PASSWORD, make_area_tree, make_home, make_member
from tests.venues.test_dashboard_views import build
from venues.figures import MONTH, Period
from venues.models import Area, Office
from venues.roles import TOWN_OFFICE


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    home = make_home()
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True),
                username="town-office")
    period = Period.containing(MONTH, timezone.localdate()).previous()
    return {"tree": tree, "period": period, **build(tree, period, home)}


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def check(page, live_server):
    page.wait_for_timeout(500)
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def test_the_dashboard_and_a_figures_list_on_a_phone(phone, live_server, world):
    page = phone
    period = world["period"]
    sign_in(page, "town-office")
    page.goto("/admin/venues/dashboard/")
    current = Period.containing(MONTH, timezone.localdate())
    assert page.locator("#dashboard-period").input_value() == current.value
    # The wide table scrolls inside its labelled region, not the page.
    region = page.locator("#by-group [role=region]")
    assert region.get_attribute("tabindex") == "0"
    assert page.evaluate("document.querySelector('#by-group [role=region]').scrollWidth") > 360
    check(page, live_server)

    page.locator("#dashboard-period").select_option(period.value)
    with page.expect_navigation():
        page.locator("#dashboard-show").click()
    assert f"period={period.value}" in page.url
    assert page.locator("#card-overdue [data-value]").inner_text() == "1"
    assert page.locator("#card-coverage [data-figure=top]").inner_text() == "4"
    # The charts fit the screen.
    width = page.evaluate("document.querySelector('#chart-bars svg').getBoundingClientRect().width")
    assert 0 < width <= 360
    # Row headers stay on one line (Chinese breaks between any two characters otherwise).
    lines = page.evaluate("""[...document.querySelectorAll('#by-group tbody th, #by-group tfoot th')]
        .map(th => {
        const range = document.createRange(); range.selectNodeContents(th);
        return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; })""")
    assert lines and max(lines) == 1, lines
    check(page, live_server)

    link = page.locator("#by-group tr[data-group=total] a[data-figure=hazards_found]")
    shown = int(link.inner_text())
    assert shown == 3
    with page.expect_navigation():
        link.click()
    assert int(page.locator("#list-count").get_attribute("data-count")) == shown
    assert page.locator("tr[data-row]").count() == shown
    # A venue's name wraps by words, not one character a line.
    name_width = page.evaluate(
        "document.querySelector('td.dashboard-list__name').getBoundingClientRect().width")
    assert name_width >= 100
    check(page, live_server)


def test_the_charts_text_stays_readable_on_a_desktop(phone, live_server, world):
    page = phone
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "town-office")
    page.goto(f"/admin/venues/dashboard/?period={world['period'].value}")
    # A text's size on screen: its size in the drawing times the drawing's scale.
    sizes = page.evaluate("""[...document.querySelectorAll('#chart-bars svg text')].map(text => {
        const svg = text.ownerSVGElement;
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return parseFloat(getComputedStyle(text).fontSize) * scale; })""")
    assert sizes and min(sizes) >= 11 and max(sizes) <= 17, sizes
