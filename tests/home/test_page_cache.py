"""The whole-page cache for anonymous visitors (home.page_cache)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from home import page_cache
from tests.factories import make_notice, make_registration_page, make_staff

pytestmark = pytest.mark.django_db


def get(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries.captured_queries)


def test_an_anonymous_visitor_gets_the_stored_page_without_a_query(client, home, notice_index):
    make_notice(notice_index, 1, title="冬季用火安全提示")
    client.get("/")  # creates the site's settings, which starts a new generation
    page_cache.invalidate()
    first, first_queries = get(client, "/")
    second, second_queries = get(client, "/")

    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    assert "冬季用火安全提示" in second.content.decode()
    # The headers every page gets still come with a stored one.
    assert second["Content-Type"] == first["Content-Type"]
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_publishing_a_notice_shows_it_at_once(client, home, notice_index):
    make_notice(notice_index, 1, title="第一号通知")
    assert "第一号通知" in client.get("/").content.decode()
    assert "第一号通知" in client.get(notice_index.url).content.decode()

    make_notice(notice_index, 2, title="第二号通知")

    assert "第二号通知" in client.get("/").content.decode()
    assert "第二号通知" in client.get(notice_index.url).content.decode()


def test_unpublishing_and_editing_replace_the_stored_pages(client, home, notice_index):
    notice = make_notice(notice_index, 1, title="将要撤回的通知")
    assert "将要撤回的通知" in client.get("/").content.decode()
    assert client.get(notice.url).status_code == 200

    notice.unpublish()

    assert "将要撤回的通知" not in client.get("/").content.decode()
    assert client.get(notice.url).status_code == 404


def test_a_changed_site_setting_reaches_every_page(client, home):
    from wagtail.models import Site

    from home.models import SiteSettings

    client.get("/")
    SiteSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"phone": "023-12345678"}
    )
    assert "023-12345678" in client.get("/").content.decode()


def test_signed_in_people_never_get_a_stored_page(client, home, notice_index):
    editor = make_staff(permissions=("access_admin",))
    editor.is_superuser = True
    editor.save()
    anonymous, _ = get(client, "/")
    assert "wagtail-userbar" not in anonymous.content.decode()

    client.force_login(editor)
    signed_in, queries = get(client, "/")

    assert queries > 0
    assert "wagtail-userbar" in signed_in.content.decode()  # the editor's own bar, not the stored page


def test_a_page_with_a_form_is_never_stored(client, home):
    page = make_registration_page(home)
    client.get(page.url)
    fresh = client.__class__()  # a new visitor, with no cookies at all
    _, queries = get(fresh, page.url)
    assert queries > 0


def test_pages_of_a_list_are_stored_apart_and_unknown_parameters_not_at_all(client, home, notice_index):
    for n in range(1, 13):
        make_notice(notice_index, n, title=f"列表通知{n:02d}")
    first = client.get(notice_index.url).content.decode()
    second = client.get(notice_index.url + "?page=2").content.decode()
    assert "列表通知12" in first and "列表通知12" not in second
    assert "列表通知01" in second

    client.get(notice_index.url + "?page=2")  # the first request of a page only makes it known
    _, queries = get(client, notice_index.url + "?page=2")
    assert queries == 0
    client.get(notice_index.url + "?utm_source=wechat")
    _, queries = get(client, notice_index.url + "?utm_source=wechat")
    assert queries > 0


def test_a_lost_generation_never_brings_back_old_pages(client, home, notice_index):
    from django.core.cache import cache

    client.get("/")
    cache.delete(page_cache.GENERATION_KEY)  # evicted by the cache server
    _, queries = get(client, "/")
    assert queries > 0


def test_the_page_cache_can_be_turned_off(client, home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    _, queries = get(client, "/")
    assert queries > 0


def test_requests_for_anything_but_a_known_page_never_ask_the_cache(client, home, monkeypatch):
    from django.core.cache import cache

    calls = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or real(keys))
    client.get("/_floor/text/")
    client.get("/_floor/text/")
    assert calls == []
    client.get("/")
    client.get("/")
    assert calls  # a page this process has served is looked up
