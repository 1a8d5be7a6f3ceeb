"""Which page types go where, and that every page type renders what a reader needs."""

import json

from wagtail.models import Page

import pytest

from home.models import HomePage, SiteSettings, StandardPage
from notices.models import NoticeIndexPage, NoticePage, TrainingIndexPage, TrainingPage
from tests.factories import add_page, make_image, make_notice, stream

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "parent, child, allowed",
    [
        (Page, HomePage, True),
        (HomePage, StandardPage, True),
        (HomePage, NoticeIndexPage, True),
        (HomePage, TrainingIndexPage, True),
        (HomePage, NoticePage, False),
        (HomePage, TrainingPage, False),
        (HomePage, HomePage, False),
        (StandardPage, StandardPage, True),
        (StandardPage, NoticePage, False),
        (NoticeIndexPage, NoticePage, True),
        (NoticeIndexPage, StandardPage, False),
        (NoticeIndexPage, TrainingPage, False),
        (TrainingIndexPage, TrainingPage, True),
        (TrainingIndexPage, NoticePage, False),
        (NoticePage, StandardPage, False),
        (TrainingPage, StandardPage, False),
    ],
)
def test_page_creation_rules(parent, child, allowed):
    fits = parent in child.allowed_parent_page_models() and child in parent.allowed_subpage_models()
    assert fits is allowed


def test_only_one_home_page(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_home_page_shows_programme_entrances_and_latest_notices(client, home, notice_index):
    plan = add_page(home, StandardPage(title="实施方案", slug="plan", show_in_menus=True))
    home.intro = "<p>九小场所安全监管平台简介</p>"
    home.entrances = json.dumps([
        {"type": "entrance", "value": {"audience": "owner", "title": "登记我的场所",
                                        "description": "在线登记", "page": plan.pk, "url": ""}},
        {"type": "entrance", "value": {"audience": "staff", "title": "工作人员登录",
                                        "description": "", "page": None, "url": "/admin/"}},
    ])
    home.save_revision().publish()
    for n in range(1, 8):
        make_notice(notice_index, n)

    html = client.get("/").content.decode()

    assert "九小场所安全监管平台简介" in html
    assert 'href="/plan/"' in html and "登记我的场所" in html and "经营者" in html
    assert 'href="/admin/"' in html and "工作人员登录" in html
    # The five newest notices, newest first.
    assert html.index("测试通知7") < html.index("测试通知3")
    assert "测试通知2" not in html
    assert "最新通知" in html


def test_an_entrance_needs_exactly_one_target():
    from wagtail.blocks import StructBlockValidationError

    from home.blocks import EntranceBlock

    block = EntranceBlock()
    value = block.to_python({"audience": "public", "title": "举报", "page": None, "url": ""})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)
    value = block.to_python({"audience": "public", "title": "举报", "page": None,
                             "url": "https://example.com/"})
    with pytest.raises(StructBlockValidationError):
        block.clean(value)


def test_standard_page_renders_every_block(client, home):
    image = make_image("示意图")
    body = json.dumps([
        {"type": "heading", "value": {"text": "组织领导", "level": "h2"}},
        {"type": "paragraph", "value": "<p>领导小组办公室设在镇应急办。</p>"},
        {"type": "image", "value": {"image": {"image": image.pk, "alt_text": "压力表示意",
                                              "decorative": False}, "caption": "图一"}},
        {"type": "table", "value": {"caption": "判定标准", "columns": [
            {"type": "text", "heading": "场所类型"}, {"type": "text", "heading": "标准"}],
            "rows": [{"values": ["购物场所", "不超过300平方米"]}]}},
        {"type": "callout", "value": {"style": "warning", "title": "注意",
                                      "text": "<p>以下包含本数。</p>"}},
    ])
    add_page(home, StandardPage(title="实施方案", slug="plan", intro="方案摘要", body=body))

    html = client.get("/plan/").content.decode()

    assert "<h1>实施方案</h1>" in html
    assert "<h2>组织领导</h2>" in html
    assert "领导小组办公室设在镇应急办" in html
    assert 'alt="压力表示意"' in html and "图一" in html
    assert "<caption>判定标准</caption>" in html and "不超过300平方米" in html
    assert "callout-warning" in html and "以下包含本数" in html


def test_menu_lists_the_pages_editors_choose(client, home):
    add_page(home, StandardPage(title="实施方案", slug="plan", show_in_menus=True))
    add_page(home, StandardPage(title="隐藏页面", slug="hidden", show_in_menus=False))
    add_page(home, StandardPage(title="草稿页面", slug="draft", show_in_menus=True), publish=False)

    nav = client.get("/").content.decode().split("</nav>")[0]

    assert "实施方案" in nav
    assert "隐藏页面" not in nav
    assert "草稿页面" not in nav


def test_footer_shows_the_site_settings(client, home):
    site = home.get_site()
    SiteSettings.objects.create(
        site=site, organiser="双河镇人民政府", phone="023-1234 5678",
        icp_number="渝ICP备12345678号", psb_number="渝公网安备500000号", site_code="5001560001",
    )
    html = client.get("/").content.decode()
    footer = html[html.index("<footer"):]
    for text in ["双河镇人民政府", "023-1234 5678", "渝ICP备12345678号", "渝公网安备500000号",
                 "5001560001"]:
        assert text in footer
    assert 'href="tel:02312345678"' in footer


def test_pages_are_chinese_and_offer_larger_text(client, home):
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'id="text-size-toggle"' in html and "大字模式" in html
    assert "/static/js/textsize.js" in html
    assert "跳到主要内容" in html


def test_notice_page_shows_its_facts_and_attachments(client, notice_index):
    from tests.factories import attach, make_document
    from venues.models import Area, AreaLevel, VenueKind

    village = Area.add_root(name="青杠村（示例）", level=AreaLevel.VILLAGE)
    notice = make_notice(
        notice_index, 1, title="关于燃气安全的通知", document_number="双河应急〔2025〕1号",
        issuing_office="双河镇应急办", requires_acknowledgement=True,
        kinds=[VenueKind.objects.get(slug="catering")],
    )
    notice.areas = [village]
    notice.save_revision().publish()
    attach(notice, make_document("燃气检查表"), title="")

    html = client.get(notice.url).content.decode()

    assert "双河应急〔2025〕1号" in html
    assert "双河镇应急办" in html
    assert "2025年1月2日" in html
    assert "餐饮场所" in html and "青杠村（示例）" in html
    assert "须确认已阅读" in html
    assert "燃气检查表" in html


def test_training_pages_group_by_topic_and_filter_by_kind(client, training_index):
    from notices.models import TrainingTopic
    from venues.models import VenueKind

    fire = TrainingTopic.objects.create(name="消防器材使用", sort_order=1)
    gas = TrainingTopic.objects.create(name="燃气安全", sort_order=2)
    catering = VenueKind.objects.get(slug="catering")
    add_page(training_index, TrainingPage(title="灭火器的使用", slug="t1", topic=fire,
                                          body=stream("提、拔、握、压。")))
    gas_page = TrainingPage(title="厨房燃气安全", slug="t2", topic=gas, body=stream("装报警器。"))
    gas_page.kinds = [catering]
    add_page(training_index, gas_page)
    hotel_page = TrainingPage(title="客房夜间巡查", slug="t3", topic=fire, body=stream("夜间巡查。"))
    hotel_page.kinds = [VenueKind.objects.get(slug="lodging")]
    add_page(training_index, hotel_page)

    html = client.get("/training/").content.decode()
    assert html.index("消防器材使用") < html.index("燃气安全")
    assert "适用于所有类型" in html and "餐饮场所" in html
    assert "厨房燃气安全" in html and "客房夜间巡查" in html

    html = client.get("/training/?kind=catering").content.decode()
    assert "厨房燃气安全" in html and "灭火器的使用" in html
    assert "客房夜间巡查" not in html

    page_html = client.get("/training/t2/").content.decode()
    assert "装报警器" in page_html and "餐饮场所" in page_html


def test_unknown_page_gets_a_chinese_404(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_server_error_page_is_chinese_and_needs_no_database(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "出错了" in response.content.decode()


def test_robots_txt_points_at_the_sitemap_on_the_configured_address(client, settings, home):
    settings.PUBLIC_BASE_URL = "https://safety.example.gov.cn"
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: https://safety.example.gov.cn/sitemap.xml" in body


def test_sitemap_lists_live_pages_only(client, notice_index):
    make_notice(notice_index, 1, slug="published-one")
    make_notice(notice_index, 2, slug="draft-one", publish=False)
    body = client.get("/sitemap.xml").content.decode()
    assert "/notices/published-one/" in body
    assert "/notices/draft-one/" not in body
