"""Search finds Chinese words inside longer text, on SQLite and on PostgreSQL alike."""

import pytest

from home.models import StandardPage
from tests.factories import add_page, make_notice, stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home, notice_index):
    make_notice(notice_index, 1, title="春节前消防安全自查",
                body=stream("请各经营者检查灭火器是否有效，压力是否正常。"))
    make_notice(notice_index, 2, title="燃气安全提醒",
                body=stream("使用燃气的餐饮场所必须安装燃气报警装置。"))
    make_notice(notice_index, 3, title="疏散通道提醒",
                body=stream("严禁在疏散通道堆放货物，安全出口不得上锁。"))
    make_notice(notice_index, 4, title="未发布的灭火器通知", publish=False,
                body=stream("草稿中的灭火器内容。"))
    add_page(home, StandardPage(title="实施方案", slug="plan",
                                body=stream("领导小组办公室设在镇应急办。ICP备案说明。")))


def titles(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return {page.title for page in results} if results is not None else None


def test_a_word_is_found_inside_a_longer_sentence(client, pages):
    assert titles(client, "灭火器") == {"春节前消防安全自查"}
    assert titles(client, "报警") == {"燃气安全提醒"}
    assert titles(client, "疏散通道") == {"疏散通道提醒"}


def test_titles_and_bodies_are_both_searched(client, pages):
    assert titles(client, "燃气") == {"燃气安全提醒"}
    assert titles(client, "领导小组") == {"实施方案"}
    # The issuing office of a notice is searchable too.
    assert "燃气安全提醒" in titles(client, "应急办")


def test_several_words_must_all_appear(client, pages):
    assert titles(client, "灭火器 压力") == {"春节前消防安全自查"}
    assert titles(client, "灭火器 燃气") == set()


def test_a_single_character_and_latin_words_work(client, pages):
    assert "燃气安全提醒" in titles(client, "气")
    assert titles(client, "icp") == {"实施方案"}


def test_drafts_are_never_found(client, pages):
    assert "未发布的灭火器通知" not in titles(client, "灭火器")


@pytest.mark.parametrize("query", [
    '"灭火器', "灭火器)", "(", '"', "'", "灭火器 OR", "AND", "NOT 燃气", "燃气*", "^~:", "\\",
    "灭火器\x00", "<script>", "a" * 500, "％＄＃", "😀",
])
def test_odd_characters_never_cause_an_error(client, pages, query):
    response = client.get("/search/", {"q": query})
    # No browser sends a NUL byte: the whole site answers 400 (portal.null_bytes).
    assert response.status_code == (400 if "\x00" in query else 200)


def test_a_query_with_nothing_searchable_asks_for_words(client, pages):
    response = client.get("/search/", {"q": '"()"'})
    assert response.context["results"] is None
    assert "请输入中文、字母或数字" in response.content.decode()


def test_results_are_paginated_and_keep_the_query(client, home, notice_index):
    for n in range(1, 13):
        make_notice(notice_index, n, body=stream("检查灭火器。"))
    first = client.get("/search/", {"q": "灭火器"})
    assert len(first.context["results"].object_list) == 10
    assert "q=%E7%81%AD%E7%81%AB%E5%99%A8&amp;page=2" in first.content.decode()
    second = client.get("/search/", {"q": "灭火器", "page": 2})
    assert len(second.context["results"].object_list) == 2


def test_editors_find_chinese_words_in_the_admin_too(client, pages):
    from home.roles import EDITORS
    from tests.factories import UserFactory

    client.force_login(UserFactory(groups=[EDITORS]))
    html = client.get("/admin/pages/search/", {"q": "灭火器"}).content.decode()
    assert "春节前消防安全自查" in html
    assert "未发布的灭火器通知" in html  # editors see drafts in the admin
    assert "燃气安全提醒" not in html

    chooser = client.get("/admin/choose-page/search/", {"q": "疏散通道"}).content.decode()
    assert "疏散通道提醒" in chooser
    assert "燃气安全提醒" not in chooser


@pytest.mark.parametrize("query", ['"', '"()"', "(", "*", "^~:"])
def test_odd_characters_never_break_the_admin_search(client, pages, query):
    from home.roles import EDITORS
    from tests.factories import UserFactory

    client.force_login(UserFactory(groups=[EDITORS]))
    assert client.get("/admin/pages/search/", {"q": query}).status_code == 200
    assert client.get("/admin/choose-page/search/", {"q": query}).status_code == 200


def test_a_nul_byte_in_the_address_gets_a_plain_chinese_answer(client, pages):
    response = client.get("/search/", {"q": "灭火器\x00"})
    assert response.status_code == 400 and "网址无效" in response.content.decode()
