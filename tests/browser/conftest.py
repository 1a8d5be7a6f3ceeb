"""Browser tests: Debian's chromium driven by Playwright against a live test server, on a
phone-sized screen, with axe-core checking each page visited.

Without chromium they are not collected and tests/conftest.py prints one line saying so;
CI sets REQUIRE_BROWSER_TESTS=1 so that a missing browser fails instead."""

import os
import time
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's guard against
# database calls from async code would otherwise refuse the test's own queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BROWSER_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    from django.db import connections

    from playwright.sync_api import sync_playwright

    # Once Playwright's event loop runs in this thread, Django hands out connection objects
    # kept per async context instead of per thread. The snapshot of the freshly migrated
    # database that serialized rollback restores lives on the thread's object: carry it over.
    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as playwright:
        if snapshot is not None:
            connections["default"]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A page on a 360×740 phone screen that records every request it makes."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    yield page
    context.close()


@pytest.fixture
def demo_site(transactional_db, django_db_serialized_rollback):
    from home.demo import build_demo_site, ensure_demo_accounts

    site = build_demo_site()
    ensure_demo_accounts()
    return site


def axe_violations(page, allowed=()):
    """The WCAG 2.1 A/AA violations axe finds on the page, less the allowed rule ids."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']][:3]}"
        for violation in results.response["violations"]
        if violation["id"] not in allowed
    ]


def wait_until(page, expression, timeout=10000):
    """page.wait_for_function() for pages under our Content Security Policy: Playwright runs
    that predicate through the page's own eval(), which the policy (no 'unsafe-eval') refuses,
    while page.evaluate() is not subject to it."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)
