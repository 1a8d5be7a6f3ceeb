"""The admin's second factor as staff meet it, turned on as in development and production:
set up an authenticator app on first sign-in, note the backup codes, later sign in with one.
The other browser tests run with it off (portal.settings.test)."""

import re

from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_admin import WAGTAIL_ADMIN_FINDINGS, desktop  # noqa: F401

# The buttons by their Chinese names, or the English ones until the translations are in.
CONFIRM, VERIFY, CONTINUE = (re.compile(f"^({words})$") for words in ("确认|Confirm", "验证|Verify",
                                                                      "继续|Continue"))


def _password_sign_in(page, username, password):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")


def _sign_out(page):
    account = page.locator("[data-wagtail-sidebar] footer button, .sidebar-footer button").first
    account.click()
    page.get_by_role("button", name="注销").click()
    page.wait_for_url("**/admin/login/**")


def test_a_new_staff_member_sets_up_an_app_then_uses_a_backup_code(desktop, demo_site, settings):  # noqa: F811
    from django_otp.plugins.otp_static.models import StaticDevice

    settings.OTP_REQUIRED_FOR_ADMIN = True  # the live server reads settings per request
    # The demo accounts come with backup codes; this one is new to the second factor.
    StaticDevice.objects.filter(user__username="town").delete()
    page = desktop
    _password_sign_in(page, "town", "Demo-town-2024")
    page.wait_for_url("**/admin/second-factor/setup/**")
    assert page.locator("svg[role=img] title").count() == 1
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []

    secret = page.locator(".second-factor__secret").inner_text().replace(" ", "")
    from base64 import b32decode

    code = f"{TOTP(b32decode(secret)).token():06d}"
    page.locator("#id_code").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name=CONFIRM).click()
    expect(page.locator(".w-field__errors .error-message")).to_be_visible()
    # The wrong try holds the device back for a second.
    page.wait_for_timeout(1100)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name=CONFIRM).click()
    page.wait_for_url("**/admin/second-factor/backup-codes/**")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    codes = page.locator(".second-factor__codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", c) for c in codes)
    page.get_by_role("link", name=CONTINUE).click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert "九小场所安全智管" in page.title()

    _sign_out(page)
    _password_sign_in(page, "town", "Demo-town-2024")
    page.wait_for_url("**/admin/second-factor/verify/**")
    assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
    page.locator("#id_code").fill(codes[0])
    page.get_by_role("button", name=VERIFY).click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert StaticDevice.objects.get(user__username="town").token_set.count() == 9
