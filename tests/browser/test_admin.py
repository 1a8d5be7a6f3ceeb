"""The admin as an editor meets it. Our own admin templates must have no axe findings;
Wagtail's own findings are listed here by rule id, once, so a new one is noticed."""

from tests.browser.conftest import axe_violations

# Findings in Wagtail's own admin markup, not in templates of ours (seen with Wagtail 7.4):
WAGTAIL_ADMIN_FINDINGS = {
    "aria-input-field-name",  # Draftail's rich-text editor box has no accessible name
    "label",  # the typed-table block's cell inputs carry no label
    "scrollable-region-focusable",  # the editor's minimap list scrolls without focus
}


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def test_editor_admin_pages(browser, live_server, demo_site):
    from home.demo import DEMO_ACCOUNTS

    username, password = DEMO_ACCOUNTS[1][:2]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/admin/login/")
        assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
        sign_in(page, username, password)
        assert "九小场所安全智管" in page.title()
        assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == []
        home = demo_site["home"]
        for path in [f"/admin/pages/{home.pk}/", f"/admin/pages/{demo_site['plan'].pk}/edit/"]:
            page.goto(path)
            assert axe_violations(page, WAGTAIL_ADMIN_FINDINGS) == [], path
    finally:
        context.close()
