"""The whole-page cache for anonymous visitors (home.page_cache). A process stores a page on
its second request for it (the first only makes it known), so ``stored`` asks twice and then
checks that the third request is answered without a query."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from home import page_cache
from tests.factories import make_notice, make_registration_page, make_staff

pytestmark = pytest.mark.django_db


def get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries.captured_queries)


def stored(path):
    """The page as stored, after checking it is served from the cache: no query at all."""
    client = Client()
    first, _ = get(client, path)
    get(client, path)
    response, queries = get(client, path)
    assert queries == 0, f"{path} is not served from the page cache"
    assert response.content == first.content
    return response


def served_fresh(path, client=None):
    """True when the third request for ``path`` still reaches the database: never stored."""
    client = client or Client()
    get(client, path)
    get(client, path)
    return get(client, path)[1] > 0


def test_an_anonymous_visitor_gets_the_stored_page_with_the_sites_headers(home, notice_index):
    make_notice(notice_index, 1, title="冬季用火安全提示")
    response = stored("/")
    assert response.status_code == 200
    assert "冬季用火安全提示" in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Type"].startswith("text/html")


def test_publishing_a_notice_shows_it_at_once(home, notice_index):
    make_notice(notice_index, 1, title="第一号通知")
    assert "第一号通知" in stored("/").content.decode()
    stored(notice_index.url)

    make_notice(notice_index, 2, title="第二号通知")

    assert "第二号通知" in stored("/").content.decode()
    assert "第二号通知" in stored(notice_index.url).content.decode()


def test_unpublishing_takes_a_notice_off_at_once(home, notice_index):
    notice = make_notice(notice_index, 1, title="将要撤回的通知")
    assert "将要撤回的通知" in stored("/").content.decode()
    stored(notice.url)

    notice.unpublish()

    assert "将要撤回的通知" not in stored("/").content.decode()
    assert Client().get(notice.url).status_code == 404


def test_making_a_page_private_takes_it_out_at_once(home, notice_index):
    from wagtail.models import PageViewRestriction

    notice = make_notice(notice_index, 1, title="误发的通知")
    stored(notice.url)

    PageViewRestriction.objects.create(page=notice, restriction_type="password", password="secret")

    response = Client().get(notice.url)
    assert "误发的通知" not in response.content.decode() or response.status_code != 200
    assert served_fresh(notice.url)


def test_a_changed_site_setting_reaches_every_page(home):
    from wagtail.models import Site

    from home.models import SiteSettings

    stored("/")
    SiteSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"phone": "023-12345678"}
    )
    assert "023-12345678" in stored("/").content.decode()


def test_signed_in_people_never_get_a_stored_page_nor_leave_theirs(client, home, notice_index):
    editor = make_staff(permissions=("access_admin",))
    editor.is_superuser = True
    editor.save()
    anonymous = stored("/").content.decode()
    assert "wagtail-userbar" not in anonymous

    client.force_login(editor)
    for _ in range(3):
        signed_in, queries = get(client, "/")
        assert queries > 0
        assert "wagtail-userbar" in signed_in.content.decode()  # the editor's own bar

    assert "wagtail-userbar" not in stored("/").content.decode()


def test_a_page_with_a_form_is_never_stored(home):
    page = make_registration_page(home)
    assert served_fresh(page.url)


def test_pages_of_a_list_are_stored_apart_and_unknown_parameters_not_at_all(home, notice_index):
    for n in range(1, 13):
        make_notice(notice_index, n, title=f"列表通知{n:02d}")
    first = stored(notice_index.url).content.decode()
    second = stored(notice_index.url + "?page=2").content.decode()
    assert "列表通知12" in first and "列表通知12" not in second
    assert "列表通知01" in second

    assert served_fresh(notice_index.url + "?utm_source=wechat")
    assert served_fresh(notice_index.url + "?page=junk")  # values a list never makes
    assert served_fresh(notice_index.url + "?page=99")  # past the end
    assert served_fresh(notice_index.url + "?kind=no-such-kind")
    assert served_fresh(notice_index.url + "?year=1999")


def test_a_lost_generation_never_brings_back_old_pages(home, notice_index):
    from django.core.cache import cache

    stored("/")
    cache.delete(page_cache.GENERATION.key)  # evicted by the cache server
    _, queries = get(Client(), "/")
    assert queries > 0


def test_the_page_cache_can_be_turned_off(home, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert served_fresh("/")


def test_requests_for_anything_but_a_known_page_never_ask_the_cache(client, home, monkeypatch):
    from django.core.cache import cache

    calls = []
    real = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or real(keys))
    for _ in range(3):
        client.get("/_floor/text/")
    assert calls == []
    client.get("/")
    client.get("/")
    assert calls  # a page this process has served is looked up


def test_saving_a_draft_keeps_the_stored_pages(home, notice_index):
    from django.core.cache import cache

    notice = make_notice(notice_index, 1, title="已发布的标题")
    stored(notice.url)
    before = cache.get(page_cache.GENERATION.key)
    notice.title = "草稿里的新标题"
    notice.save_revision()  # a draft: visitors still see the published page
    assert cache.get(page_cache.GENERATION.key) == before
    assert "已发布的标题" in stored(notice.url).content.decode()
