"""What a reader sees on a phone: the home page, a notice and search, with zero axe findings."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, wait_until


def assert_fits_the_screen(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def assert_only_our_origin(page, live_server):
    ours = urlsplit(live_server.url).netloc
    foreign = [url for url in page.requested_urls
               if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != ours]
    assert foreign == []


def test_home_page_on_a_phone(phone, live_server, demo_site):
    phone.goto("/")
    assert phone.locator("h1").inner_text() == "双河镇九小场所安全智管"
    assert phone.get_by_role("link", name="登记我的场所").is_visible()
    assert phone.get_by_role("link", name="举报安全隐患").is_visible()
    assert phone.get_by_role("heading", name="最新通知").is_visible()
    assert_fits_the_screen(phone)
    assert axe_violations(phone) == []
    assert_only_our_origin(phone, live_server)


def test_the_menu_opens_on_a_phone(phone, demo_site):
    phone.goto("/")
    notices_link = phone.get_by_role("navigation", name="主导航").get_by_role("link", name="通知公告")
    assert not notices_link.is_visible()
    phone.get_by_role("button", name="打开菜单").click()
    notices_link.click()
    phone.wait_for_url("**/notices/")
    assert phone.locator("h1").inner_text() == "通知公告"
    assert axe_violations(phone) == []


def test_a_notice_on_a_phone(phone, live_server, demo_site):
    phone.goto("/notices/")
    phone.get_by_label("场所类型").select_option("catering")
    phone.get_by_role("button", name="筛选").click()
    phone.get_by_role("link", name="关于做好餐饮场所燃气安全工作的通知").click()
    assert phone.locator("h1").inner_text() == "关于做好餐饮场所燃气安全工作的通知"
    facts = phone.locator(".notice-facts").inner_text()
    assert "双河应急〔2024〕示例3号" in facts and "餐饮场所" in facts
    assert_fits_the_screen(phone)
    assert axe_violations(phone) == []
    assert_only_our_origin(phone, live_server)


def test_a_notice_prints_without_navigation(phone, demo_site):
    phone.goto("/notices/notice-1/")
    assert axe_violations(phone) == []
    phone.emulate_media(media="print")
    assert not phone.locator(".site-header").is_visible()
    assert not phone.locator(".site-footer").is_visible()
    assert phone.locator(".notice-facts").is_visible()


def test_search_on_a_phone(phone, live_server, demo_site):
    phone.goto("/search/")
    phone.get_by_label("要查找的内容").fill("燃气报警")
    phone.get_by_label("要查找的内容").press("Enter")
    phone.wait_for_url("**/search/?q=*")
    results = phone.locator(".notice-list").inner_text()
    assert "关于做好餐饮场所燃气安全工作的通知" in results
    assert axe_violations(phone) == []

    phone.goto('/search/?q="(灭火器')
    assert "灭火器的检查与使用" in phone.locator(".notice-list").inner_text()
    assert axe_violations(phone) == []


@pytest.mark.parametrize("path", ["/plan/", "/training/", "/training/training-1/", "/services/"])
def test_other_public_pages_have_no_axe_findings(phone, demo_site, path):
    response = phone.goto(path)
    assert response.status == 200
    assert_fits_the_screen(phone)
    assert axe_violations(phone) == []


def test_larger_text_persists_across_pages(phone, demo_site):
    phone.goto("/")
    size = phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    toggle = phone.get_by_role("button", name="大字模式")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    larger = phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger == size * 1.25

    phone.goto("/notices/")
    assert phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == larger
    assert phone.get_by_role("button", name="大字模式").get_attribute("aria-pressed") == "true"
    assert axe_violations(phone) == []

    phone.get_by_role("button", name="大字模式").click()
    phone.reload()
    assert phone.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == size


def test_training_video_plays_with_chinese_captions(phone, demo_site):
    video_statuses = []
    phone.on("response", lambda r: r.url.endswith(".mp4") and video_statuses.append(r.status))
    phone.goto("/training/training-1/")
    wait_until(phone, "document.querySelector('video').readyState >= 1")
    assert phone.evaluate("Math.round(document.querySelector('video').duration)") == 6
    wait_until(
        phone, "(() => { const t = document.querySelector('video').textTracks[0];"
        " return Boolean(t && t.cues && t.cues.length === 3); })()")
    assert "压力表" in phone.evaluate("document.querySelector('video').textTracks[0].cues[0].text")
    phone.evaluate("document.querySelector('video').currentTime = 5")
    wait_until(phone, "document.querySelector('video').readyState >= 2")
    # The browser fetches media by byte ranges, and the server answers them.
    assert 206 in video_statuses
    assert axe_violations(phone) == []


def test_public_venue_card_on_a_phone(phone, live_server, demo_site):
    from home.demo import build_demo_venues
    from home.demo_public_reports import ensure_report_page
    from venues.models import Venue

    build_demo_venues()
    ensure_report_page()  # the demo's 群众举报 page, chosen in the site settings for the cards
    venue = Venue.objects.get(name="青杠农家饭庄（示例）")
    phone.goto(f"/v/{venue.public_code}/")
    assert phone.locator("h1").inner_text() == "青杠农家饭庄（示例）"
    assert venue.operator_mobile not in phone.content()
    phone.locator(f"a[href$='/services/report/?venue={venue.public_code}']").click()
    phone.wait_for_url(f"**/services/report/?venue={venue.public_code}")
    assert_fits_the_screen(phone)
    assert axe_violations(phone) == []
