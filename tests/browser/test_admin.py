"""The admin as an editor meets it. Our own admin templates must have no axe findings;
Wagtail's own findings are listed here by rule id, once, so a new one is noticed."""

import re

import pytest

from tests.browser.conftest import axe_violations

# Findings in Wagtail's own admin markup, not in templates of ours (seen with Wagtail 7.4):
WAGTAIL_ADMIN_FINDINGS = {
    "aria-input-field-name",  # Draftail's rich-text editor box has no accessible name
    "label",  # the typed-table block's cell inputs carry no label
    "scrollable-region-focusable",  # the editor's minimap list scrolls without focus
}


@pytest.fixture
def desktop(browser, live_server):
    """A desktop-sized page, as staff use the back office."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server.url)
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_venues(demo_site):
    from home.demo import build_demo_venues

    build_demo_venues()


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def test_editor_admin_pages(desktop, demo_site):
    from home.demo import DEMO_ACCOUNTS

    username, password = DEMO_ACCOUNTS[1][:2]
    page = desktop
    page.goto("/admin/login/")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    sign_in(page, username, password)
    assert "九小场所安全智管" in page.title()
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    home = demo_site["home"]
    for path in [f"/admin/pages/{home.pk}/", f"/admin/pages/{demo_site['plan'].pk}/edit/"]:
        page.goto(path)
        assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == [], path


def test_village_staff_return_a_registration(desktop, demo_venues):
    from venues.models import Venue, VenueStatus

    venue = Venue.objects.get(name="青杠便民副食店（示例）")
    page = desktop
    sign_in(page, "qinggang", "Demo-village-2024")
    page.goto("/admin/venues/venue/")
    assert "木根" not in page.content()
    page.get_by_role("link", name="青杠便民副食店（示例）").first.click()
    page.wait_for_url(f"**/inspect/{venue.pk}/")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    page.get_by_label("“退回修改”的原因").fill("请补充门头照片")
    page.get_by_role("button", name="退回修改").click()
    page.wait_for_url(f"**/inspect/{venue.pk}/")
    assert "已退回修改" in page.content()
    history = page.locator("section[aria-labelledby=history-heading] table.listing")
    assert "请补充门头照片" in history.inner_text()
    venue.refresh_from_db()
    assert venue.status == VenueStatus.RETURNED


def test_door_card_prints_on_one_a5_page(desktop, demo_venues):
    from venues.models import Venue

    venue = Venue.objects.get(name="青杠农家饭庄（示例）")
    page = desktop
    sign_in(page, "qinggang", "Demo-village-2024")
    page.goto(f"/admin/venues/venue/inspect/{venue.pk}/")
    page.get_by_role("link", name="打印门牌").click()
    page.wait_for_url(f"**/venue/{venue.pk}/card/")
    assert page.get_by_role("img", name="青杠农家饭庄（示例）的二维码").is_visible()
    assert axe_violations(page) == []
    pdf = page.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    # Exactly one page, A5 portrait: 148 × 210 mm is 420 × 595 points.
    assert len(boxes) == 1
    width, height = (float(n) for n in boxes[0])
    assert (round(width), round(height)) == (420, 595)
