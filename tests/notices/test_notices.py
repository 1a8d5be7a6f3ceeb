import datetime

import pytest
from defusedxml import ElementTree as ET

from tests.factories import make_notice
from venues.models import VenueKind

pytestmark = pytest.mark.django_db


def listed(response):
    return [notice.title for notice in response.context["notices"]]


def test_index_lists_live_notices_newest_first_with_pagination(client, notice_index):
    for n in range(1, 13):
        make_notice(notice_index, n)
    make_notice(notice_index, 99, publish=False, title="草稿通知")

    first = client.get("/notices/")
    assert listed(first) == [f"测试通知{n}" for n in range(12, 2, -1)]
    second = client.get("/notices/", {"page": 2})
    assert listed(second) == ["测试通知2", "测试通知1"]
    assert "草稿通知" not in first.content.decode() + second.content.decode()
    # A page number out of range shows the last page rather than an error.
    assert listed(client.get("/notices/", {"page": 50})) == ["测试通知2", "测试通知1"]


def test_index_filters_by_year_and_kind(client, notice_index):
    catering = VenueKind.objects.get(slug="catering")
    lodging = VenueKind.objects.get(slug="lodging")
    make_notice(notice_index, 1, title="2024餐饮", date=datetime.date(2024, 5, 1), kinds=[catering])
    make_notice(notice_index, 2, title="2025餐饮", date=datetime.date(2025, 5, 1), kinds=[catering])
    make_notice(notice_index, 3, title="2025住宿", date=datetime.date(2025, 6, 1), kinds=[lodging])
    make_notice(notice_index, 4, title="2023全部", date=datetime.date(2023, 6, 1))
    make_notice(notice_index, 5, title="2025餐饮住宿", date=datetime.date(2025, 7, 1),
                kinds=[catering, lodging])

    response = client.get("/notices/")
    assert response.context["years"] == [2025, 2024, 2023]
    assert listed(client.get("/notices/", {"year": "2025"})) == ["2025餐饮住宿", "2025住宿", "2025餐饮"]
    # A notice that names no kind concerns every kind, so it is listed under each.
    assert listed(client.get("/notices/", {"kind": "catering"})) == [
        "2025餐饮住宿", "2025餐饮", "2024餐饮", "2023全部",
    ]
    assert listed(client.get("/notices/", {"year": "2025", "kind": "catering"})) == [
        "2025餐饮住宿", "2025餐饮",
    ]


def test_unknown_filters_are_ignored(client, notice_index):
    make_notice(notice_index, 1)
    for params in [{"year": "abc"}, {"year": "1999"}, {"year": "²"}, {"kind": "nonsense"}, {"page": "x"}]:
        response = client.get("/notices/", params)
        assert response.status_code == 200
        assert listed(response) == ["测试通知1"]


def test_pagination_links_keep_the_filters(client, notice_index):
    catering = VenueKind.objects.get(slug="catering")
    for n in range(1, 13):
        make_notice(notice_index, n, kinds=[catering])
    html = client.get("/notices/", {"kind": "catering"}).content.decode()
    assert "kind=catering&amp;page=2" in html


def test_rss_and_atom_feeds_list_public_notices(client, settings, notice_index):
    settings.PUBLIC_BASE_URL = "https://safety.example.gov.cn"
    make_notice(notice_index, 1, title="燃气安全通知", summary="安装燃气报警装置",
                date=datetime.date(2025, 3, 8),
                kinds=[VenueKind.objects.get(slug="catering")])
    make_notice(notice_index, 2, title="草稿通知", publish=False)

    rss = client.get("/feeds/notices/", headers={"Host": "127.0.0.1"})
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel.findtext("link") == "https://safety.example.gov.cn/notices/"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["燃气安全通知"]
    assert items[0].findtext("link") == "https://safety.example.gov.cn/notices/notice-1/"
    assert items[0].findtext("pubDate").startswith("Sat, 08 Mar 2025")
    assert items[0].findtext("description") == "安装燃气报警装置"
    assert items[0].findtext("category") == "餐饮场所"

    atom = client.get("/feeds/notices/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(atom.content).findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == ["燃气安全通知"]


def test_notices_target_the_town_or_villages_not_single_grids():
    from notices.models import NoticePage
    from venues.models import Area, AreaLevel

    town = Area.add_root(name="双河镇", level=AreaLevel.TOWN)
    village = town.add_child(name="青杠村", level=AreaLevel.VILLAGE)
    village.add_child(name="第一网格", level=AreaLevel.GRID)

    form_class = NoticePage.get_edit_handler().get_form_class()
    form = form_class(instance=NoticePage(), for_user=None)
    assert {area.name for area in form.fields["areas"].queryset} == {"双河镇", "青杠村"}
