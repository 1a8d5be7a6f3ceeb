"""监管概览 (venues.dashboard_views): the figures a village's staff and the town office see for a
month, with the previous month beside them, against hand-computed values; every count's link
leads to a list of exactly that many rows; the period and grouping parameters; the charts are
inline SVG that fetch nothing and escape names; the .xlsx exports; the query count as venues
grow.

The world, in the last full month P (Q is the month before it):

- 青杠村 (census: 3): 火锅店 (grid 1, catering, registered before Q; its self-check was due on
  P+5 and missed; acknowledged the catering safety notice in P), 副食店 (grid 2, shopping,
  created in P; its self-check due on P+10 was submitted on P+8), 茶馆 (grid 1, a draft: never
  counted);
- 木根村 (census: 2): 饭庄 (grid 1, catering, registered before Q; patrolled in P; has not
  acknowledged the notice), 旅馆 (placed in the village itself, not a grid);
- hazards: h1 at 火锅店 (found P+2, due P+10, fixed P+7, closed P+8), h2 at 火锅店 (major, found
  P+3, due P+5, open), h3 at 饭庄 (found P+1, due after P, open), h4 at 饭庄 (found Q+1, due Q+5,
  fixed Q+9, closed Q+10: late)."""

import datetime
import io
import re
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from notices.models import SafetyNoticeIndexPage, SafetyNoticePage
from tests.factories import UserFactory, add_page, make_member, make_venue
from venues import figures
from venues.figures import MONTH, Period
from venues.models import (
    Acknowledgement,
    Area,
    AuditEntry,
    Hazard,
    NoticeVersion,
    Office,
    Patrol,
    SelfCheck,
    Venue,
    VenueKind,
    VenueStatus,
    VillageCensus,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
DASHBOARD = "/admin/venues/dashboard/"
LIST = "/admin/venues/dashboard/list/"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def tree(tree):
    return {key: Area.objects.get(pk=area.pk) for key, area in tree.items()}


@pytest.fixture
def period():
    """The last full month: its figures no longer change with today."""
    return Period.containing(MONTH, timezone.localdate()).previous()


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def people(tree):
    return {
        "town": make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True)),
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "qg_grid": make_member(GRID_WORKER, tree["qinggang-1"]),
    }


def build(tree, period, home):
    P, Q = period.start, period.previous().start
    worker = UserFactory()
    venues = {
        "hotpot": make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, name="青杠火锅店",
                             operator_mobile="13812345678"),
        "grocer": make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name="青杠副食店"),
        "teahouse": make_venue(tree["qinggang-1"], "shopping", status=VenueStatus.DRAFT, name="青杠茶馆"),
        "inn": make_venue(tree["mugen-1"], "catering", status=VenueStatus.APPROVED, name="木根饭庄"),
        "lodge": make_venue(tree["mugen"], "shopping", status=VenueStatus.APPROVED, name="木根旅馆"),
    }
    Venue.objects.update(created_at=at(Q - 40 * DAY), selfcheck_due_on=None, risk_level="")
    Venue.objects.filter(pk=venues["grocer"].pk).update(created_at=at(P + 3 * DAY),
                                                       selfcheck_due_on=timezone.localdate() + 60 * DAY)
    Venue.objects.filter(pk=venues["hotpot"].pk).update(selfcheck_due_on=P + 5 * DAY, risk_level="orange")
    SelfCheck.objects.create(venue=venues["grocer"], started_by=worker, status="submitted",
                             due_on=P + 10 * DAY, submitted_at=at(P + 8 * DAY))
    for venue, day in ((venues["inn"], P + 4 * DAY), (venues["hotpot"], Q + 4 * DAY)):
        patrol = Patrol.objects.create(venue=venue, submission_id=uuid.uuid4(), inspector=worker)
        Patrol.objects.filter(pk=patrol.pk).update(visited_at=at(day))

    def hazard(venue, severity, found, deadline, rectified=None, closed=None):
        made = Hazard.objects.create(venue=venue, source="patrol", severity=severity,
                                     description="灭火器过期", deadline=deadline)
        Hazard.objects.filter(pk=made.pk).update(
            found_at=at(found), rectified_at=rectified and at(rectified), closed_at=closed and at(closed),
            status="closed" if closed else "open")
        return made

    hazards = {
        "h1": hazard(venues["hotpot"], "general", P + 2 * DAY, P + 10 * DAY, P + 7 * DAY, P + 8 * DAY),
        "h2": hazard(venues["hotpot"], "major", P + 3 * DAY, P + 5 * DAY),
        "h3": hazard(venues["inn"], "general", P + DAY, period.end + 5 * DAY),
        "h4": hazard(venues["inn"], "general", Q + DAY, Q + 5 * DAY, Q + 9 * DAY, Q + 10 * DAY),
    }

    index = add_page(home, SafetyNoticeIndexPage(title="安全告知书", slug="safety-notices"))
    page = add_page(index, SafetyNoticePage(
        title="餐饮场所安全告知书", slug="safety-catering", kind=VenueKind.objects.get(slug="catering"),
        duties="<p>责任</p>", risks="<p>风险</p>", checks="<p>检查</p>", contacts="<p>119</p>"))
    version = NoticeVersion.objects.get(page=page, number=1)
    NoticeVersion.objects.filter(pk=version.pk).update(published_at=at(Q + 2 * DAY))
    acknowledged = Acknowledgement.objects.create(version=version, venue=venues["hotpot"])
    Acknowledgement.objects.filter(pk=acknowledged.pk).update(at=at(P + 3 * DAY))

    VillageCensus.objects.create(area=tree["qinggang"], expected=3, counted_on=Q)
    VillageCensus.objects.create(area=tree["mugen"], expected=2, counted_on=Q)
    return {**venues, **hazards}


@pytest.fixture
def world(tree, period, home):
    return build(tree, period, home)


def page_of(client, user, **params):
    client.force_login(user)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    return response, BeautifulSoup(response.content.decode(), "html.parser")


def card(soup, key):
    """(value, "top / bottom", previous value) of a summary card, as read on the page."""
    found = soup.select_one(f"#card-{key}")
    value = found.select_one("[data-value]").get_text(strip=True)
    top = found.select_one("[data-figure=top]")
    bottom = found.select_one("[data-figure=bottom]")
    source = f"{top.get_text(strip=True)} / {bottom.get_text(strip=True)}" if top and bottom else None
    previous = found.select_one("[data-previous]").get_text(strip=True)
    return value, source, previous


def table(soup):
    """{group label: {figure: count}} of the table by group, the total as "total"."""
    rows = {}
    for row in soup.select("#by-group tr[data-group]"):
        rows[row["data-group"]] = {link["data-figure"]: int(link.get_text()) for link in row.select("a")}
    return rows


# The figures ----------------------------------------------------------------------------------

def test_the_town_office_sees_the_whole_town(client, people, world, period):
    response, soup = page_of(client, people["town"], period=period.value)
    assert response.context["period"] == period
    assert card(soup, "coverage") == ("80.0%", "4 / 5", "60.0%")  # 3 registered before P
    assert card(soup, "selfchecks") == ("50.0%", "1 / 2", "—")
    assert card(soup, "patrols") == ("25.0%", "1 / 4", "33.3%")
    assert card(soup, "open")[0] == "2" and card(soup, "open")[2] == "0"
    assert card(soup, "overdue")[0] == "1"
    assert card(soup, "major")[0] == "1"
    assert card(soup, "rectification") == ("50.0%", "1 / 2", "0.0%")  # h4 was fixed late
    assert card(soup, "days")[0] == "6.0" and card(soup, "days")[2] == "9.0"
    assert card(soup, "notice") == ("50.0%", "1 / 2", "0.0%")
    rows = table(soup)
    assert set(rows) == {"青杠村", "木根村", "total"}  # by village for the town
    assert rows["青杠村"]["registered"] == 2 and rows["木根村"]["registered"] == 2
    assert rows["total"]["hazards_found"] == 3 and rows["total"]["hazards_closed"] == 1


def test_village_staff_see_their_village_alone_by_grid(client, people, world, period):
    response, soup = page_of(client, people["qg_staff"], period=period.value)
    assert response.context["by"] == "grid"
    assert card(soup, "coverage") == ("66.7%", "2 / 3", "33.3%")
    assert card(soup, "selfchecks") == ("50.0%", "1 / 2", "—")
    assert card(soup, "patrols") == ("0.0%", "0 / 2", "100.0%")
    assert card(soup, "open")[0] == "1" and card(soup, "overdue")[0] == "1"
    assert card(soup, "notice") == ("100.0%", "1 / 1", "0.0%")
    rows = table(soup)
    assert set(rows) == {"青杠村 青杠村第1网格", "青杠村 青杠村第2网格", "total"}
    assert rows["青杠村 青杠村第1网格"]["registered"] == 1 and rows["青杠村 青杠村第2网格"]["registered"] == 1
    html = response.content.decode()
    assert "木根" not in html  # neither 木根村's venues nor its name


def test_every_count_links_to_a_list_of_exactly_that_many_rows(client, people, world, period):
    for user, by in ((people["town"], "village"), (people["town"], "grid"), (people["qg_staff"], "kind")):
        _response, soup = page_of(client, user, period=period.value, by=by)
        links = soup.select("#by-group a[data-figure], #summary a[data-figure]")
        assert len(links) > 30
        for link in links:
            shown = int(link.get_text())
            listed = BeautifulSoup(client.get(link["href"]).content.decode(), "html.parser")
            assert int(listed.select_one("#list-count")["data-count"]) == shown, link["href"]
            assert len(listed.select("tr[data-row]")) == shown, link["href"]


def test_the_grid_table_has_a_row_for_venues_placed_in_a_village_itself(client, people, world, period):
    _response, soup = page_of(client, people["town"], period=period.value, by="grid")
    rows = {row["data-group"]: row for row in soup.select("#by-group tr[data-group]")}
    lodge_row = next(row for label, row in rows.items() if label == "木根村（未划网格）")
    link = lodge_row.select_one("a[data-figure=registered]")
    assert link.get_text() == "1" and "exact=1" in link["href"]
    listed = client.get(link["href"]).content.decode()
    assert "木根旅馆" in listed and "木根饭庄" not in listed


def test_the_list_shows_the_venues_and_hazards_behind_a_figure(client, people, world, period, tree):
    client.force_login(people["town"])
    response = client.get(LIST, {"figure": "hazards_overdue", "period": period.value})
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert [int(row["data-row"]) for row in soup.select("tr[data-row]")] == [world["h2"].pk]
    assert reverse("venues_hazard_detail", args=[world["h2"].pk]) in html
    response = client.get(LIST, {"figure": "registered", "period": period.value, "area": tree["qinggang"].pk})
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    names = [row.select_one("a").get_text() for row in soup.select("tr[data-row]")]
    assert names == ["青杠火锅店", "青杠副食店"]
    assert reverse("venues_venue_modeladmin_inspect", args=[world["hotpot"].pk]) in response.content.decode()
    assert "13812345678" not in response.content.decode()


def test_an_unknown_figure_or_liuqing_key_is_not_found(client, people, world, period):
    client.force_login(people["town"])
    assert client.get(LIST, {"figure": "sign_ins", "period": period.value}).status_code == 404
    assert client.get(LIST, {"period": period.value}).status_code == 404
    assert client.get("/admin/venues/dashboard/liuqing/clicks/").status_code == 404
    assert client.get(LIST, {"figure": "registered", "kind": "abc"}).status_code == 404


def test_the_liuqing_panel_links_to_lists_of_its_counts(client, people, world):
    _response, soup = page_of(client, people["town"])
    entries = soup.select("#liuqing a[data-figure]")
    assert len(entries) == 6
    known = soup.select_one("#liuqing-known a").get_text(strip=True)
    assert known == "4 / 5"  # four approved venues today, five in the census
    for link in entries:
        count = int(link.get_text().split("/")[0])
        listed = BeautifulSoup(client.get(link["href"]).content.decode(), "html.parser")
        assert int(listed.select_one("#list-count")["data-count"]) == count, link["href"]
        assert len(listed.select("tr[data-row]")) == count, link["href"]


# The period and the grouping ---------------------------------------------------------------------

def test_period_and_grouping_parameters(client, people, world, period):
    client.force_login(people["town"])
    today = timezone.localdate()
    current = Period.containing(MONTH, today)

    def shown(**params):
        response = client.get(DASHBOARD, params)
        assert response.status_code == 200
        return response.context["period"], response.context["by"]

    assert shown() == (current, "village")
    assert shown(period=period.value) == (period, "village")
    # Changing the type keeps the date: the quarter, then the year, holding the month.
    assert shown(type="quarter", period=period.value)[0] == Period.containing("quarter", period.start)
    assert shown(type="year", period=period.value)[0] == Period.containing("year", period.start)
    assert shown(period=Period.containing("quarter", period.start).value)[0].kind == "quarter"
    # Nonsense, or a period not yet begun: the current one, no error page.
    for value in ("2026-13", "x", "2026-Q5", f"{today.year + 1}-01", "1999", "<b>"):
        assert shown(period=value)[0] == current, value
    assert shown(type="week", period="nonsense")[0] == current
    assert shown(type="year", period="nonsense")[0] == Period.containing("year", today)
    assert shown(by="grid")[1] == "grid"
    assert shown(by="kind")[1] == "kind"
    assert shown(by="<script>")[1] == "village"


def test_a_quarter_adds_up_its_months(client, people, world, period):
    quarter = Period.containing("quarter", period.start)
    _response, soup = page_of(client, people["town"], type="quarter", period=quarter.value)
    total = table(soup)["total"]
    # Three hazards found in P, one in Q: the quarter holds Q too unless P begins it.
    q_in_quarter = period.previous().start >= quarter.start
    assert total["hazards_found"] == (4 if q_in_quarter else 3)
    assert total["registered"] == 4


def test_the_area_filter_narrows_to_a_village(client, people, world, period, tree):
    _response, soup = page_of(client, people["town"], period=period.value, area=tree["mugen"].pk)
    assert card(soup, "coverage") == ("100.0%", "2 / 2", "100.0%")
    rows = table(soup)
    in_village = gettext("%(village)s (not in a grid)") % {"village": "木根村"}
    assert set(rows) == {"木根村 木根村第1网格", in_village, "total"}
    assert rows["total"]["registered"] == 2
    assert "青杠火锅店" not in soup.get_text()
    client.force_login(people["qg_staff"])
    assert client.get(DASHBOARD, {"area": tree["mugen"].pk}).status_code == 404
    assert client.get(DASHBOARD, {"area": "1 OR 1=1"}).status_code == 404


# The charts ---------------------------------------------------------------------------------

SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def charts_of(html):
    found = SVG.findall(html)
    return [svg for svg in found if "pygal-chart" in svg]


def test_the_charts_are_inline_svg_that_fetch_nothing(client, people, world, period):
    response, _soup = page_of(client, people["town"], period=period.value)
    svgs = charts_of(response.content.decode())
    assert len(svgs) == 2  # the bars by village, the twelve-month trend
    for svg in svgs:
        assert "<script" not in svg
        assert not re.search(r"\b(?:href|src)\s*=", svg)
        assert "@import" not in svg and "url(" not in svg
        assert set(re.findall(r"https?://[^\s\"'<>)]*", svg)) <= {"http://www.w3.org/2000/svg"}
        assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
        assert "viewBox=" in svg and not re.search(r"<svg[^>]*\swidth=", svg)
    # Each chart is followed by a table of the same figures.
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    bars = soup.select("#chart-bars details table tbody tr")
    shown = {row.th.get_text(): [td.get_text() for td in row.select("td")] for row in bars}
    assert shown == {"青杠村": ["50.0%", "—"], "木根村": ["—", "—"]}  # self-checks on time, P and Q
    assert len(soup.select("#chart-trend details table tbody tr")) == 12


def test_names_are_escaped_in_the_charts(client, people, world, period, tree):
    Area.objects.filter(pk=tree["qinggang"].pk).update(name="<script>alert(1)</script>村")
    VenueKind.objects.filter(slug="catering").update(name="<script>alert(2)</script>")
    for by in ("village", "kind"):
        response, _soup = page_of(client, people["town"], period=period.value, by=by)
        html = response.content.decode()
        assert "<script>alert" not in html
        # The chart keeps a long name's end ("…cript>村", "…script>"), escaped.
        assert any("cript&gt;" in svg for svg in charts_of(html)), by


# The exports -----------------------------------------------------------------------------------

def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def test_the_dashboard_exports_its_summary_and_table(client, people, world, period):
    client.force_login(people["town"])
    response = client.get(DASHBOARD, {"period": period.value, "format": "xlsx"})
    book = workbook(response)
    summary, groups = book.worksheets
    rows = list(groups.values)
    # What the sheet covers comes first: the area, the grouping, the period.
    assert rows[0][:2] == (gettext("area"), gettext("all within my areas"))
    assert rows[1][1] == "村（社区）" and rows[2][1] == str(period)
    rows = rows[4:]
    assert rows[0][0] == "村（社区）"  # the grouping's heading, in Chinese
    assert rows[0][1] == str(gettext("venues registered"))
    totals = dict(zip(rows[0], rows[1], strict=True))
    assert rows[1][0] == str(gettext("Total"))
    assert totals[str(gettext("venues registered"))] == 4
    assert totals[str(gettext("overdue hazards"))] == 1
    assert totals[gettext("%(rate)s (%%)") % {"rate": gettext("registration coverage")}] == 80.0
    assert {row[0] for row in rows[2:]} == {"青杠村", "木根村"}
    lines = list(summary.values)
    assert lines[4][1:3] == (gettext("%(period)s, rate (%%)") % {"period": period},
                             gettext("%(period)s, rate (%%)") % {"period": period.previous()})
    cards = {row[0]: row[1:] for row in lines[5:]}
    # A rate and a count never share a column: rate, previous rate, count, out of.
    assert cards[str(gettext("registration coverage"))] == (80.0, 60.0, 4, 5, None, None)
    assert cards[str(gettext("overdue hazards"))] == (None, None, 1, None, 0, None)
    assert AuditEntry.objects.filter(action="dashboard.export").count() == 1


def test_the_list_exports_with_the_mobile_masked(client, people, world, period):
    client.force_login(people["town"])
    response = client.get(LIST, {"figure": "registered", "period": period.value, "format": "xlsx"})
    rows = list(workbook(response).active.values)
    assert rows[0] == ("名称", "所在村（社区）或网格", "主要类型", "风险等级", "下次自查日期", "经营者",
                       "经营者手机号码")
    assert len(rows) == 1 + 4
    cells = [str(cell) for row in rows for cell in row]
    assert "138****5678" in cells and "13812345678" not in cells
    assert not any(cell.startswith("=") for cell in cells)
    hazards = list(workbook(client.get(LIST, {"figure": "hazards_open", "period": period.value,
                                               "format": "xlsx"})).active.values)
    assert hazards[0][0] == "场所" and len(hazards) == 1 + 2


# The number of queries as venues grow ------------------------------------------------------------

def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_query_count_stays_the_same_as_venues_grow(client, people, world, period, tree):
    client.force_login(people["town"])
    pages = [(DASHBOARD, {"period": period.value}), (DASHBOARD, {"period": period.value, "by": "grid"}),
             (DASHBOARD, {"period": period.value, "by": "kind", "area": tree["qinggang"].pk}),
             (LIST, {"figure": "registered", "period": period.value}),
             (LIST, {"figure": "hazards_found", "period": period.value})]
    queries(client, *pages[0])  # the session and the menu, read once
    before = [queries(client, url, params) for url, params in pages]
    for n in range(17):
        grid = tree[("qinggang-1", "qinggang-2", "mugen-1", "mugen-2")[n % 4]]
        venue = make_venue(grid, ("catering", "shopping")[n % 2], status=VenueStatus.APPROVED,
                           name=f"新店{n}")
        Hazard.objects.create(venue=venue, source="patrol", severity="general", description="通道堵塞",
                              deadline=period.start + 9 * DAY)
        Venue.objects.filter(pk=venue.pk).update(created_at=at(period.start - 30 * DAY))
        Hazard.objects.filter(venue=venue).update(found_at=at(period.start + 2 * DAY))
    assert Venue.objects.count() == 22
    assert [queries(client, url, params) for url, params in pages] == before


def trend_rows(client, user, period):
    _response, soup = page_of(client, user, period=period.value)
    return {row.th.get_text(): [td.get_text() for td in row.select("td")]
            for row in soup.select("#chart-trend details table tbody tr")}


def test_the_trend_reads_closed_months_once_until_a_census_count_changes(client, people, world, period,
                                                                         tree, settings):
    """The twelve-month trend keeps closed months in the cache (venues.figures.series): a second
    load costs fewer queries, and saving a census count shows the new coverage at once."""
    settings.FIGURES_CACHE_SECONDS = 600
    town = people["town"]
    page_of(client, town, period=period.value)  # the session and the menu, read once
    figures.CLOSED.bump()
    first = queries(client, DASHBOARD, {"period": period.value})
    again = queries(client, DASHBOARD, {"period": period.value})
    assert again <= first - 10  # eleven closed months from the cache
    before = trend_rows(client, town, period)
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    client.post(reverse("venues_census_count_edit", args=[tree["qinggang"].pk]),
                {"expected": 6, "counted_on": period.start.isoformat(), "note": ""})
    after = trend_rows(client, town, period)
    assert before != after
    assert VillageCensus.objects.get(area=tree["qinggang"]).expected == 6


# Review fixes -----------------------------------------------------------------------------------

def links_of(soup, selector="#by-group tfoot a"):
    return {link["data-figure"]: link["href"] for link in soup.select(selector)}


def test_a_lead_office_lists_a_venue_of_another_main_kind_it_leads_as_a_further_kind(client, world, tree,
                                                                                     period):
    world["grocer"].other_kinds.set([VenueKind.objects.get(slug="catering")])
    lead = make_member(LEAD_OFFICE, tree["town"], kinds=["catering"])
    _response, soup = page_of(client, lead, period=period.value, by="kind")
    shopping = VenueKind.objects.get(slug="shopping").name
    row = soup.select_one(f'#by-group tr[data-group="{shopping}"]')
    link = row.select_one('a[data-figure="registered"]')
    assert link.get_text() == "1"
    listed = client.get(link["href"])
    assert listed.status_code == 200 and "青杠副食店" in listed.content.decode()


def test_the_current_months_overdue_count_is_the_apps_one_rule(client, people, world, tree):
    today = figures.local_today()
    # Reported fixed, awaiting the re-check: not overdue. An open hazard at a closed venue: not chased.
    Hazard.objects.filter(pk=world["h2"].pk).update(status="rectified", rectified_at=at(today - 2 * DAY))
    late = Hazard.objects.create(venue=world["grocer"], source="patrol", severity="general",
                                 description="通道堵塞", deadline=today - DAY)
    lodge = Hazard.objects.create(venue=world["lodge"], source="patrol", severity="general",
                                  description="通道堵塞", deadline=today - DAY)
    Venue.objects.filter(pk=world["lodge"].pk).update(status=VenueStatus.CLOSED)
    for user, place in ((people["town"], tree["town"]), (people["qg_staff"], tree["qinggang"])):
        _response, soup = page_of(client, user)
        shown = int(card(soup, "overdue")[0])
        expected = Hazard.objects.filter(Hazard.overdue_q(today), venue__area__path__startswith=place.path)
        assert late in expected and lodge not in expected and world["h2"] not in expected
        assert shown == expected.count()


def test_figures_do_not_depend_on_the_persons_time_zone(client, world, tree, period):
    from wagtail.users.models import UserProfile

    # 05:00 on the 1st in Beijing is still the last day of the month before in UTC.
    early = Hazard.objects.create(venue=world["inn"], source="patrol", severity="general",
                                  description="通道堵塞", deadline=period.start + 20 * DAY)
    Hazard.objects.filter(pk=early.pk).update(found_at=at(period.start, hour=5))
    seen = []
    for zone in ("UTC", "Asia/Shanghai"):
        user = make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True))
        profile = UserProfile.get_for_user(user)
        profile.current_time_zone = zone
        profile.save()
        _response, soup = page_of(client, user, period=period.value)
        found = table(soup)["total"]["hazards_found"]
        listed = client.get(links_of(soup)["hazards_found"])
        seen.append((found, int(BeautifulSoup(listed.content.decode(), "html.parser")
                                .select_one("#list-count")["data-count"])))
    assert seen == [(4, 4), (4, 4)]  # h1, h2, h3 and the early one


def test_a_period_of_year_zero_shows_the_current_one(client, people, world):
    for value in ("0000-01", "0000", "0000-Q1"):
        page_of(client, people["town"], period=value)
        assert client.get(LIST, {"figure": "registered", "period": value}).status_code == 200


def test_grouping_by_village_within_a_grid_groups_by_grid_and_keeps_the_total(client, people, world, tree,
                                                                             period):
    _response, soup = page_of(client, people["town"], period=period.value, by="village",
                              area=tree["qinggang-1"].pk)
    assert soup.select_one("#dashboard-by option[selected]")["value"] == "grid"
    rows = table(soup)
    assert set(rows) == {"青杠村 青杠村第1网格", "total"} and rows["total"]["registered"] == 1
    _response, soup = page_of(client, people["town"], period=period.value, area=tree["mugen-2"].pk)
    assert table(soup) == {"total": dict.fromkeys(table(soup)["total"], 0)}
    assert soup.select_one('#by-group tr[data-group="total"]')


def test_the_list_export_stops_at_its_cap_and_says_how_many_were_left_out(client, people, world, period,
                                                                          monkeypatch):
    from venues import dashboard_views

    monkeypatch.setattr(dashboard_views, "EXPORT_CAP", 3)
    client.force_login(people["town"])
    rows = list(workbook(client.get(LIST, {"figure": "registered", "period": period.value,
                                           "format": "xlsx"})).active.values)
    assert len(rows) == 1 + 3 + 1
    note = gettext("Only the first %(cap)s rows are exported; %(left)s more were left out. Narrow the list "
                   "to export them.") % {"cap": 3, "left": 1}
    assert rows[-1][0] == note
    # Every exported row still names its place.
    assert all(row[1] for row in rows[1:4])


def test_the_list_leads_back_to_the_dashboard_as_it_was_left(client, people, world, tree, period):
    _response, soup = page_of(client, people["town"], period=period.value, by="grid",
                              area=tree["qinggang"].pk, chart="notice_rate")
    listed = client.get(links_of(soup)["registered"])
    back = BeautifulSoup(listed.content.decode(), "html.parser").find(
        "a", string=gettext("Back to the dashboard"))["href"]
    params = dict(re.findall(r"[?&]([^=&]+)=([^&]*)", back))
    assert params == {"period": period.value, "type": "month", "by": "grid", "chart": "notice_rate",
                      "area": str(tree["qinggang"].pk)}


def test_a_grids_list_names_its_village(client, people, world, tree, period):
    client.force_login(people["town"])
    response = client.get(LIST, {"figure": "registered", "period": period.value,
                                 "area": tree["qinggang-1"].pk})
    what = BeautifulSoup(response.content.decode(), "html.parser").select_one(".dashboard-list__what")
    assert what.get_text(strip=True).startswith("青杠村 青杠村第1网格")


def test_without_a_census_count_coverage_is_left_out(client, people, world, period):
    _response, soup = page_of(client, people["qg_grid"], period=period.value)
    assert not soup.select("#card-coverage")
    coverage = str(figures.RATE_LABELS["coverage"])
    assert not any(coverage in th.get_text() for th in soup.select("#by-group th, #chart-trend th"))
    assert "coverage" not in [option["value"] for option in soup.select("#dashboard-chart option")]
    known = soup.select_one("#liuqing-known")
    assert known.select_one("a").get_text(strip=True) == "1" and known.select_one("[data-note]")
    # Village staff, with their census count, still see it.
    _response, soup = page_of(client, people["qg_staff"], period=period.value)
    assert soup.select("#card-coverage")


def test_rates_say_they_are_rates_with_their_counts_in_brackets(client, people, world, period):
    _response, soup = page_of(client, people["town"], period=period.value)
    found = soup.select_one("#card-selfchecks")
    assert found.select_one(".dashboard-card__label").get_text() == gettext("self-checks on time rate")
    assert found.select_one(".dashboard-card__from").get_text(strip=True) == "（1/2）"
    assert [option.get_text() for option in soup.select("#dashboard-chart option")][:1] == [
        gettext("self-checks on time rate")]


def test_an_area_enclosing_ones_own_is_ones_whole_scope(client, people, world, tree, period):
    _response, soup = page_of(client, people["qg_staff"], period=period.value, area=tree["town"].pk)
    intro = soup.select_one(".dashboard-page > p").get_text()
    assert tree["town"].name not in intro
    assert table(soup)["total"]["registered"] == 2


def test_the_yearly_table_says_a_venue_late_once_counts_late(client, people, world, period):
    note = gettext("Self-checks: a venue counts as late if it was late at least once in the period. "
                   "Hazards count each hazard.")
    _response, soup = page_of(client, people["town"], period=period.value, type="year")
    assert soup.select_one("#table-note").get_text() == note
    _response, soup = page_of(client, people["town"], period=period.value)
    assert soup.select_one("#table-note").get_text() != note


def test_village_staffs_bars_name_grids_by_their_own_names(client, people, world, period):
    response, _soup = page_of(client, people["qg_staff"], period=period.value, by="grid")
    bars = charts_of(response.content.decode())[0]
    assert "青杠村第1网格" in bars and "青杠村 青杠村" not in bars


def test_the_group_table_shows_each_rates_previous_period_beside_it(client, people, world, period):
    _response, soup = page_of(client, people["town"], period=period.value)
    total = soup.select_one('#by-group tr[data-group="total"]')
    before = [small.get_text() for small in total.select("[data-previous-rate]")]
    assert pgettext("dashboard", "previous %(rate)s") % {"rate": "60.0%"} in before  # coverage: 3 of 5
    response = client.get(DASHBOARD, {"period": period.value, "format": "xlsx"})
    rows = list(workbook(response).worksheets[1].values)[4:]
    totals = dict(zip(rows[0], rows[1], strict=True))
    heading = gettext("%(rate)s, %(period)s (%%)") % {"rate": gettext("registration coverage"),
                                                      "period": period.previous()}
    assert totals[heading] == 60.0
