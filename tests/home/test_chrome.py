"""The menu and footer are read once and kept until content changes (home.chrome)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from home.models import SiteSettings, StandardPage
from tests.factories import add_page, make_privacy_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    client.cookies["sessionid"] = "not-a-session"  # never served from the page cache
    return client


def html(client, path="/"):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_drawn_again_spends_no_query_on_the_menu_or_the_footer(visitor, home, notice_index):
    make_privacy_page(home)
    html(visitor)
    html(visitor)
    with CaptureQueriesContext(connection) as queries:
        page = html(visitor)
    conditions = [q["sql"].partition(" WHERE ")[2] for q in queries]
    assert not any("home_sitesettings" in q["sql"] for q in queries)
    assert not any("show_in_menus" in where for where in conditions)  # the menu's query
    assert 'href="/notices/"' in page and 'href="/privacy/"' in page


def test_menu_and_footer_follow_publishing_and_settings(visitor, home, notice_index):
    privacy = make_privacy_page(home)
    assert 'href="/privacy/"' in html(visitor)

    plan = add_page(home, StandardPage(title="实施方案", slug="plan", show_in_menus=True))
    assert 'href="/plan/"' in html(visitor)
    plan.title = "工作方案"
    plan.save_revision().publish()
    assert "工作方案" in html(visitor)

    settings_row = SiteSettings.objects.get()
    settings_row.phone = "023-88886666"
    settings_row.save()
    assert "023-88886666" in html(visitor)

    privacy.unpublish()
    assert 'href="/privacy/"' not in html(visitor)
