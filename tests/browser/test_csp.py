"""The Content Security Policy as chromium applies it: public and owner pages under the strict
site policy, the Wagtail admin under its own, and no page reports a violation. The scripts
that make pages work (the live classification hint, the admin's date pickers, choosers, inline
panels and preview) still work with the header on."""

from django.conf import settings
from django.test import Client

import pytest
from playwright.sync_api import expect

from portal.middleware import ADMIN_POLICY, SITE_POLICY
from tests.factories import UserFactory

VIOLATION_WORDS = ("Content Security Policy", "Content-Security-Policy", "violates the following")


@pytest.fixture
def watched(phone):
    """The phone page, failing the test on any console message or page error about CSP."""
    phone.csp_messages = []

    def on_console(message):
        if any(word in message.text for word in VIOLATION_WORDS):
            phone.csp_messages.append(message.text)

    def on_error(error):
        phone.csp_messages.append(f"page error: {error}")

    phone.on("console", on_console)
    phone.on("pageerror", on_error)
    yield phone
    assert phone.csp_messages == []


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server.url)
    page = context.new_page()
    page.csp_messages = []
    page.on("console", lambda message: page.csp_messages.append(message.text)
            if any(word in message.text for word in VIOLATION_WORDS) else None)
    page.on("pageerror", lambda error: page.csp_messages.append(f"page error: {error}"))
    yield page
    context.close()
    assert page.csp_messages == []


def sign_in(page, live_server, user):
    """A session made by Django's test client, handed to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def visit(page, path, policy=SITE_POLICY):
    response = page.goto(path)
    assert response.status < 400, path
    assert response.headers["content-security-policy"] == policy, path
    page.wait_for_load_state("networkidle")
    return response


@pytest.mark.parametrize("path", ["/", "/notices/notice-1/", "/search/?q=燃气", "/owner/login/",
                                  "/owner/signup/", "/services/register/", "/training/training-1/"])
def test_public_and_owner_pages_run_under_the_site_policy(watched, demo_site, path):
    visit(watched, path)
    # Bootstrap's script still runs: the phone menu opens.
    watched.locator(".navbar-toggler").click()
    expect(watched.locator("#site-nav")).to_be_visible()


def test_the_registration_form_and_its_live_hint_under_the_site_policy(watched, live_server, demo_site):
    owner = UserFactory(username="13900008888", mobile="13900008888")
    sign_in(watched, live_server, owner)
    visit(watched, "/services/register/")
    watched.locator("a[href$='/services/register/new/']").first.click()
    watched.wait_for_load_state("networkidle")
    watched.locator("#id_kind").select_option("shopping")
    expect(watched.locator("#id_seats")).to_be_hidden()
    watched.locator("#id_floor_area").fill("320")
    expect(watched.locator("#classify-hint")).to_contain_text("300")
    watched.locator("#id_floor_area").fill("85")
    expect(watched.locator("#classify-hint")).to_contain_text("九小场所")


def test_the_admin_runs_under_its_own_policy(desktop, live_server, demo_site):
    from home.demo import DEMO_ACCOUNTS
    from venues.models import User

    sign_in(desktop, live_server, User.objects.get(username=DEMO_ACCOUNTS[0][0]))
    visit(desktop, "/admin/", ADMIN_POLICY)

    # A notice: its attachments are an inline panel of document choosers.
    notice = demo_site["notices"].get_children().first()
    visit(desktop, f"/admin/pages/{notice.pk}/edit/", ADMIN_POLICY)
    total = desktop.locator("#id_attachments-TOTAL_FORMS")
    before = int(total.input_value())
    desktop.locator("#id_attachments-ADD").click()
    expect(total).to_have_value(str(before + 1))
    desktop.locator(f"#id_attachments-{before}-document-chooser .unchosen button").click()
    expect(desktop.locator(".modal-content")).to_be_visible()
    desktop.keyboard.press("Escape")

    # The plan: the schedule-publishing date pickers, and the preview panel's frame.
    visit(desktop, f"/admin/pages/{demo_site['plan'].pk}/edit/", ADMIN_POLICY)
    assert desktop.locator(".xdsoft_datetimepicker").count() >= 2
    desktop.locator("[data-side-panel-toggle='preview']").first.click()
    preview = desktop.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(demo_site["plan"].title)


def test_an_editor_sees_the_userbar_under_the_site_policy(desktop, live_server, demo_site, settings):
    """Wagtail's userbar loads its script and styles from our origin (WAGTAILADMIN_BASE_URL,
    the live server here) and needs nothing inline, so the public policy stays as it is."""
    from home.demo import DEMO_ACCOUNTS
    from venues.models import User

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    sign_in(desktop, live_server, User.objects.get(username=DEMO_ACCOUNTS[1][0]))
    visit(desktop, "/")
    userbar = desktop.locator("wagtail-userbar")
    userbar.locator("#wagtail-userbar-trigger").click()
    expect(userbar.locator("#wagtail-userbar-items")).to_be_visible()
