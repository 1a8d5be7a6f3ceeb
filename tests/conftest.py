import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.factories import NoticeIndexPage, TrainingIndexPage, add_page, make_home

# Property tests (tests/property). Their examples share the test's database transaction and
# fixtures, and a request through the whole stack is slow by Hypothesis's measure. "ci" is
# derandomized: every run tries the same inputs, so a red build reproduces locally with the
# same command and never flickers; "dev" draws new inputs each run (and remembers failures
# in .hypothesis/) to explore further. HYPOTHESIS_PROFILE=dev picks it.
_PROPERTY_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=_PROPERTY_CHECKS)
settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=_PROPERTY_CHECKS)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BROWSER_TESTS = Path(__file__).parent / "browser"


def _browser_skip_reason():
    if Path(CHROMIUM).exists():
        return None
    return f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install chromium)"


def pytest_configure(config):
    reason = _browser_skip_reason()
    if reason and os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
        raise pytest.UsageError(reason.replace("skipped", "required"))


def pytest_ignore_collect(collection_path, config):
    in_browser_tests = collection_path == BROWSER_TESTS or BROWSER_TESTS in collection_path.parents
    if in_browser_tests and _browser_skip_reason():
        return True
    return None


def pytest_terminal_summary(terminalreporter):
    reason = _browser_skip_reason()
    if reason:
        terminalreporter.write_line(reason, yellow=True)


@pytest.fixture
def home(db):
    return make_home()


@pytest.fixture
def notice_index(home):
    return add_page(home, NoticeIndexPage(title="通知公告", slug="notices", show_in_menus=True))


@pytest.fixture
def training_index(home):
    return add_page(home, TrainingIndexPage(title="培训资料", slug="training", show_in_menus=True))


@pytest.fixture(autouse=True)
def sms_outbox():
    """Text messages sent during a test (venues.sms.LocmemBackend), empty at its start."""
    from venues import sms

    sms.outbox.clear()
    return sms.outbox


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test's private files (venue photos) in a directory of its own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_caches():
    """Pages, to-do counts and figures stored by an earlier test (whose data was rolled back) are never
    served."""
    from home import page_cache
    from venues import figures, todo

    page_cache.invalidate()
    page_cache._pages_here.clear()
    todo.GENERATION.bump()
    figures.CLOSED.bump()
