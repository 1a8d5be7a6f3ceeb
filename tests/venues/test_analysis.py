"""企业安全分析报告 (venues.analysis, venues.analysis_views, venues.pdf) over a small hand-checked
data set, read for October 2026 (today 15 November 2026 unless a page reads the real today).

The register (青杠村 grid 1 and 木根村 grid 1):

- v1 青杠副食店 (shopping), owner ``owner``, approved 1 June 2026; risk yellow, integrity B.
  Self-checks due in October: 5 Oct (submitted 4 Oct: on time), 20 Oct (submitted 22 Oct: late);
  one returned (never counts), one due in September (another period).
  A patrol on 15 Oct: extinguisher not in order, exits in order.
  Hazards: h1 extinguisher, general, found 4 Oct, closed 10 Oct (found and fixed);
  h2 extinguisher, general, found 22 Oct, open (found, open at the end: twice in October);
  h3 wiring, major, found 15 Oct, open, fix by 20 Dec (found, open; wiring failed in March too);
  h4 wiring, found 10 Mar, closed 20 Mar (the 12 months before);
  h5 exits, found 20 Sep, closed 2 Oct (fixed in October, not found in it);
  h6 gas, found Sep 2025, closed then (more than 12 months before: not recurring).
- v2 木根饭店 (catering), owner ``other``, approved 1 June 2026; integrity A.
  h7 extinguisher, general, found 8 Oct, fix by 15 Oct, open (overdue); h8 gas, found 9 Oct,
  closed 12 Oct. A serious case upheld on 20 Oct; one dismissed on 1 Sep (another quarter).
"""

import datetime
import io
import uuid
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest
from pypdf import PdfReader

from home.roles import EDITORS
from tests.factories import UserFactory, approve, make_area_tree, make_member, make_venue
from venues import analysis
from venues.figures import MONTH, QUARTER, YEAR, Period
from venues.models import (
    Area,
    ChecklistGroup,
    ChecklistItem,
    Hazard,
    HazardEvent,
    HazardStatus,
    Patrol,
    PatrolAnswer,
    SelfCheck,
    SeriousCase,
    Venue,
    VenueStatus,
)
from venues.roles import LEADER, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 11, 15)
OCT = Period(MONTH, datetime.date(2026, 10, 1))
Q4 = Period(QUARTER, datetime.date(2026, 10, 1))
Y2026 = Period(YEAR, datetime.date(2026, 1, 1))

EXTINGUISHER, WIRING, EXITS, GAS = "t12c-extinguisher", "t12c-wiring", "t12c-exits", "t12c-gas"
QUESTIONS = {EXTINGUISHER: "灭火器压力是否正常", WIRING: "电线是否老化乱拉", EXITS: "安全出口是否畅通",
             GAS: "燃气管是否完好"}
GUIDANCE = {EXTINGUISHER: "每月查看灭火器压力表指针在绿区", WIRING: "", EXITS: "出口不堆放杂物",
            GAS: "燃气管三年一换"}
SHOP, RESTAURANT = "青杠副食店", "木根饭店"


def at(*args):
    return datetime.datetime(*args, tzinfo=LOCAL)


@pytest.fixture
def areas(db):
    made = make_area_tree()
    return {key: Area.objects.get(pk=area.pk) for key, area in made.items()}


def hazard(venue, code, severity, found, deadline, closed=None, rectified=None, source="selfcheck"):
    made = Hazard.objects.create(venue=venue, source=source, severity=severity, description="隐患",
                                 item_code=code, item_question=QUESTIONS[code], deadline=deadline)
    Hazard.objects.filter(pk=made.pk).update(
        found_at=found, closed_at=closed, rectified_at=rectified or closed,
        status="closed" if closed else "rectified" if rectified else "open")
    return made


@pytest.fixture
def world(areas):
    return build_world(areas)


def build_world(areas):
    """The data set described at the top of this file."""
    group = ChecklistGroup.objects.create(code="t12c-group", name="测试分组")
    for code, question in QUESTIONS.items():
        ChecklistItem.objects.create(code=code, group=group, question=question, guidance=GUIDANCE[code],
                                     severity="major" if code == WIRING else "general")
    owner, other, worker = UserFactory(), UserFactory(), UserFactory()
    v1 = approve(make_venue(areas["qinggang-1"], "shopping", name=SHOP, owner=owner), at=at(2026, 6, 1, 9))
    v2 = approve(make_venue(areas["mugen-1"], "catering", name=RESTAURANT, owner=other), at=at(2026, 6, 1, 9))
    Venue.objects.update(created_at=at(2026, 5, 1))
    Venue.objects.filter(pk=v1.pk).update(
        selfcheck_due_on=datetime.date(2026, 12, 10), risk_level="yellow", risk_reasons=["黄：经营面积较大"],
        integrity_level="B", integrity_reasons=["自查逾期1次"])
    Venue.objects.filter(pk=v2.pk).update(selfcheck_due_on=datetime.date(2026, 12, 10), integrity_level="A")

    def selfcheck(status, due_on, submitted_at):
        SelfCheck.objects.create(venue=v1, started_by=owner, status=status, due_on=due_on,
                                 submitted_at=submitted_at)

    selfcheck("accepted", datetime.date(2026, 10, 5), at(2026, 10, 4, 10))
    selfcheck("submitted", datetime.date(2026, 10, 20), at(2026, 10, 22, 9))
    selfcheck("returned", datetime.date(2026, 10, 25), at(2026, 10, 25, 9))
    selfcheck("accepted", datetime.date(2026, 9, 5), at(2026, 9, 5, 9))

    patrol = Patrol.objects.create(venue=v1, submission_id=uuid.uuid4(), inspector=worker, items=[
        {"code": EXTINGUISHER, "question": QUESTIONS[EXTINGUISHER]},
        {"code": EXITS, "question": QUESTIONS[EXITS]}])
    Patrol.objects.filter(pk=patrol.pk).update(visited_at=at(2026, 10, 15, 10))
    PatrolAnswer.objects.create(patrol=patrol, code=EXTINGUISHER, answer="no", note="压力不足")
    PatrolAnswer.objects.create(patrol=patrol, code=EXITS, answer="yes")

    hazards = {
        "h1": hazard(v1, EXTINGUISHER, "general", at(2026, 10, 4, 10), datetime.date(2026, 10, 11),
                     closed=at(2026, 10, 10, 9)),
        "h2": hazard(v1, EXTINGUISHER, "general", at(2026, 10, 22, 9), datetime.date(2026, 10, 29)),
        "h3": hazard(v1, WIRING, "major", at(2026, 10, 15, 10), datetime.date(2026, 12, 20), source="patrol"),
        "h4": hazard(v1, WIRING, "general", at(2026, 3, 10, 9), datetime.date(2026, 3, 17),
                     closed=at(2026, 3, 20, 9)),
        "h5": hazard(v1, EXITS, "general", at(2026, 9, 20, 9), datetime.date(2026, 9, 27),
                     closed=at(2026, 10, 2, 9)),
        "h6": hazard(v1, GAS, "general", at(2025, 9, 1, 9), datetime.date(2025, 9, 8),
                     closed=at(2025, 9, 5, 9)),
        "h7": hazard(v2, EXTINGUISHER, "general", at(2026, 10, 8, 9), datetime.date(2026, 10, 15)),
        "h8": hazard(v2, GAS, "general", at(2026, 10, 9, 9), datetime.date(2026, 10, 16),
                     closed=at(2026, 10, 12, 9)),
    }
    for status, decided in [("upheld", at(2026, 10, 20, 9)), ("dismissed", at(2026, 9, 1, 9))]:
        SeriousCase.objects.create(venue=v2, operator_name="李四", facts="拒不整改", proposed_by=worker,
                                   submission_id=uuid.uuid4(), status=status, decided_at=decided)
    v1.refresh_from_db()
    v2.refresh_from_db()
    return {"v1": v1, "v2": v2, "owner": owner, "other": other, **hazards}


# --- The venue report -------------------------------------------------------------------------

def test_the_monthly_venue_report_against_the_hand_checked_figures(world):
    report = analysis.venue_report(world["v1"], OCT, today=TODAY)
    assert report.counts == {
        "selfchecks_due": 2, "selfchecks_done": 2, "selfchecks_on_time": 1, "selfchecks_late": 1,
        "selfchecks_missed": 0, "patrols": 1, "patrol_items_failed": 1, "found": 3, "found_major": 1,
        "fixed": 2, "open_at_end": 2, "awaiting_at_end": 0, "recurring": 2,
    }
    assert [(s.due_on, s.submitted_on, s.on_time) for s in report.selfchecks] == [
        (datetime.date(2026, 10, 5), datetime.date(2026, 10, 4), True),
        (datetime.date(2026, 10, 20), datetime.date(2026, 10, 22), False)]
    assert [(p.visited_on, p.failed) for p in report.patrols] == [
        (datetime.date(2026, 10, 15), [QUESTIONS[EXTINGUISHER]])]
    assert [(h.item, h.severity, h.found_on, h.deadline) for h in report.found] == [
        (QUESTIONS[EXTINGUISHER], "general", datetime.date(2026, 10, 4), datetime.date(2026, 10, 11)),
        (QUESTIONS[WIRING], "major", datetime.date(2026, 10, 15), datetime.date(2026, 12, 20)),
        (QUESTIONS[EXTINGUISHER], "general", datetime.date(2026, 10, 22), datetime.date(2026, 10, 29))]
    assert [(h.item, h.closed_on) for h in report.fixed] == [
        (QUESTIONS[EXITS], datetime.date(2026, 10, 2)),
        (QUESTIONS[EXTINGUISHER], datetime.date(2026, 10, 10))]
    assert [h.item for h in report.open_at_end] == [QUESTIONS[WIRING], QUESTIONS[EXTINGUISHER]]
    assert {(r.item, r.times_in_period, r.also_before) for r in report.recurring} == {
        (QUESTIONS[EXTINGUISHER], 2, False), (QUESTIONS[WIRING], 1, True)}
    # Major first; the wiring item has no guidance: its question stands in.
    assert report.advice == [(QUESTIONS[WIRING], QUESTIONS[WIRING], "major"),
                             (QUESTIONS[EXTINGUISHER], GUIDANCE[EXTINGUISHER], "general")]
    assert report.risk_reasons == ["黄：经营面积较大"] and report.integrity_reasons == ["自查逾期1次"]
    assert report.venue.integrity_level == "B" and report.venue.risk_level == "yellow"
    for figure in ("2", "1", "3"):
        assert figure in report.summary


def test_a_missed_self_check_counts_as_due_and_not_done(world):
    Venue.objects.filter(pk=world["v1"].pk).update(selfcheck_due_on=datetime.date(2026, 10, 28))
    world["v1"].refresh_from_db()
    report = analysis.venue_report(world["v1"], OCT, today=TODAY)
    assert (report.counts["selfchecks_due"], report.counts["selfchecks_missed"]) == (3, 1)
    assert report.selfchecks[-1].on_time is None


def test_the_yearly_venue_report(world):
    report = analysis.venue_report(world["v1"], Y2026, today=TODAY)
    # Self-checks due in 2026: Sep 5, Oct 5 (on time), Oct 20 (late).
    assert (report.counts["selfchecks_done"], report.counts["selfchecks_on_time"]) == (3, 2)
    # Found in 2026: h4 (March), h5 (September), h1, h3, h2; fixed: h4, h5, h1; open: h3, h2.
    assert (report.counts["found"], report.counts["fixed"], report.counts["open_at_end"]) == (5, 3, 2)
    # Extinguisher twice, wiring twice (March and October) within the year; gas only in 2025
    # (more than 12 months before 2026 began? no: September 2025 is within them, but gas did not
    # fail in 2026, so it is not recurring).
    assert {(r.item, r.times_in_period, r.also_before) for r in report.recurring} == {
        (QUESTIONS[EXTINGUISHER], 2, False), (QUESTIONS[WIRING], 2, False)}
    assert [item for item, _text, _severity in report.advice] == [
        QUESTIONS[WIRING], QUESTIONS[EXITS], QUESTIONS[EXTINGUISHER]]


def test_a_period_without_records_reports_zeros(world):
    report = analysis.venue_report(world["v2"], Period(MONTH, datetime.date(2026, 8, 1)), today=TODAY)
    assert report.counts["found"] == report.counts["patrols"] == report.counts["selfchecks_due"] == 0
    assert report.advice == [] and report.recurring == []


def test_the_venue_report_reads_a_constant_number_of_queries(world):
    def count():
        venue = Venue.objects.get(pk=world["v1"].pk)
        with CaptureQueriesContext(connection) as captured:
            analysis.venue_report(venue, Y2026, today=TODAY)
        return len(captured)

    before = count()
    for n in range(10):
        code = [EXTINGUISHER, WIRING, EXITS, GAS][n % 4]
        hazard(world["v1"], code, "general", at(2026, 7, n + 1, 9), datetime.date(2026, 7, 20))
        patrol = Patrol.objects.create(venue=world["v1"], submission_id=uuid.uuid4(),
                                       inspector=world["owner"])
        PatrolAnswer.objects.create(patrol=patrol, code=code, answer="no")
        Patrol.objects.filter(pk=patrol.pk).update(visited_at=at(2026, 7, n + 1, 9))
    assert count() == before


# --- The town report ------------------------------------------------------------------------

def test_the_town_report_against_the_hand_checked_figures(world):
    report = analysis.town_report(None, Q4, today=TODAY)
    assert [kind for kind, _items in report.common_items] == sorted([world["v1"].kind.name,
                                                                      world["v2"].kind.name])
    common = dict(report.common_items)
    assert common[world["v1"].kind.name] == [(QUESTIONS[EXTINGUISHER], 2), (QUESTIONS[WIRING], 1)]
    assert common[world["v2"].kind.name] == [(QUESTIONS[EXTINGUISHER], 1), (QUESTIONS[GAS], 1)]
    # Open at the end of the quarter: h2, h3 at 青杠村 (h2 overdue), h7 at 木根村 (overdue).
    def open_rows(rows):
        return [(row.label, row.counts["hazards_open"], row.counts["hazards_overdue"]) for row in rows]

    assert open_rows(report.villages) == [("青杠村", 2, 1), ("木根村", 1, 1)]
    assert open_rows(report.kinds) == [(world["v1"].kind.name, 2, 1), (world["v2"].kind.name, 1, 1)]
    assert (report.total.counts["hazards_found"], report.total.counts["hazards_closed"]) == (5, 3)
    assert [period.value for period, _row, _rate in report.trend] == [
        "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    # h5 (September) in Q3; h4 (March) not: the shop was approved in June.
    assert [row.counts["hazards_found"] for _period, row, _rate in report.trend] == [0, 0, 1, 5]
    # Counted per venue: the shop had a self-check due in Q4 and one of them late.
    assert report.trend[-1][2] == 0.0
    # By village, in the order of the area tree.
    assert sorted(report.levels) == [("木根村", {"A": 1}, 1), ("青杠村", {"B": 1}, 1)]
    assert report.level_rows[-1][0] and report.level_rows[-1][2] == 2
    assert (report.cases_upheld, report.cases_dismissed) == (1, 0)
    assert "5" in report.summary and QUESTIONS[EXTINGUISHER] in report.summary


def test_the_town_report_of_village_staff_covers_their_village_only(world, areas):
    staff = make_member(VILLAGE_STAFF, areas["qinggang"])
    report = analysis.town_report(staff, Q4, today=TODAY)
    assert [row.label for row in report.villages] == ["青杠村"]
    assert [kind for kind, _items in report.common_items] == [world["v1"].kind.name]
    assert report.levels == [("青杠村", {"B": 1}, 1)]
    assert (report.cases_upheld, report.cases_dismissed) == (0, 0)


# --- Pages, PDF and access ------------------------------------------------------------------

@pytest.fixture
def no_second_factor(monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)


def owner_url(venue, pdf=False):
    return reverse("owner:venue_report_pdf" if pdf else "owner:venue_report", kwargs={"venue_id": venue.pk})


def staff_url(venue, pdf=False):
    return reverse("venues_venue_report_pdf" if pdf else "venues_venue_report", kwargs={"venue_id": venue.pk})


def pdf_text(response):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_owner_reads_the_report_page(client, world):
    client.force_login(world["owner"])
    response = client.get(owner_url(world["v1"]), {"period": "2026-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert SHOP in html and GUIDANCE[EXTINGUISHER] in html and QUESTIONS[WIRING] in html
    assert response.context["report"].counts["found"] == 3
    assert 'data-figure="found">3<' in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    # The selector offers the months since approval and the years.
    values = [value for value, _label in response.context["choices"]]
    assert "2026-06" in values and "2026-05" not in values and "2026" in values
    # No inspector's name on the owner's page.
    assert Patrol.objects.get().inspector.full_name not in html


@pytest.fixture
def on_15_november(monkeypatch):
    """The pages read 15 November 2026 as today."""
    monkeypatch.setattr("venues.analysis_views.local_today", lambda: TODAY)


def selected_period(html):
    """The value of the option the period selector shows as chosen."""
    import re

    return re.findall(r'<option value="([^"]+)" selected>', html)


def test_a_bad_period_falls_back_to_the_last_complete_month(client, world, on_15_november):
    client.force_login(world["owner"])
    # Not a period, a future one, a quarter (not offered to owners), a year before the approval
    # (June 2026) and a month before it: October 2026, the last complete month, shown as chosen.
    for bad in ("2026-13", "nonsense", "2999-01", "0000", "2026-Q3", "2020", "2026-05"):
        response = client.get(owner_url(world["v1"]), {"period": bad})
        assert response.status_code == 200
        assert response.context["period"] == Period(MONTH, datetime.date(2026, 10, 1)), bad
        assert selected_period(response.content.decode()) == ["2026-10"], bad
        response = client.get(owner_url(world["v1"], pdf=True), {"period": bad})
        assert response.status_code == 200 and "-2026-10.pdf" in response["Content-Disposition"]
    # Offered periods are read as asked.
    response = client.get(owner_url(world["v1"]), {"period": "2026"})
    assert response.context["period"] == Y2026 and selected_period(response.content.decode()) == ["2026"]
    response = client.get(owner_url(world["v1"]), {"period": "2026-06"})
    assert response.context["period"].value == "2026-06"


def test_the_town_report_shows_the_period_it_reads_as_chosen(client, world, areas, no_second_factor,
                                                               on_15_november):
    client.force_login(make_member(LEADER, areas["town"]))
    for asked, read in [("2026-10", "2026-10"), ("2019", "2019"), ("2026-Q4", "2026-Q4"),
                        ("2026-Q9", "2026-Q4"), ("nonsense", "2026-Q4")]:
        response = client.get(reverse("venues_town_report"), {"period": asked})
        assert response.status_code == 200
        assert response.context["period"].value == read, asked
        assert selected_period(response.content.decode()) == [read], asked


def test_the_owner_downloads_the_pdf(client, world):
    client.force_login(world["owner"])
    response = client.get(owner_url(world["v1"], pdf=True), {"period": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="venue-' in disposition
    assert "filename*=UTF-8''" in disposition
    # The Chinese name is quoted whole (no "/" left unquoted).
    assert "filename*=UTF-8''%E9%9D%92" in disposition and "/" not in disposition.split("filename*=")[1]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    text = pdf_text(response)
    assert SHOP in text and "2026" in text and QUESTIONS[EXTINGUISHER] in text
    assert analysis_title() in text


def analysis_title():
    from django.utils.translation import gettext

    return gettext("Safety analysis report")


def test_other_owners_and_unapproved_venues_are_not_found(client, world, areas):
    client.force_login(world["other"])
    assert client.get(owner_url(world["v1"])).status_code == 404
    assert client.get(owner_url(world["v1"], pdf=True)).status_code == 404
    draft = make_venue(areas["qinggang-2"], "shopping", name="草稿店", owner=world["owner"])
    client.force_login(world["owner"])
    assert client.get(owner_url(draft)).status_code == 404
    assert client.get(owner_url(Venue(pk=99999))).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in (owner_url(world["v1"]), owner_url(world["v1"], pdf=True), staff_url(world["v1"]),
                reverse("venues_town_report")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_staff_read_venue_reports_in_their_scope_only(client, world, areas, no_second_factor):
    staff = make_member(VILLAGE_STAFF, areas["qinggang"])
    client.force_login(staff)
    response = client.get(staff_url(world["v1"]), {"period": "2026-10"})
    assert response.status_code == 200 and SHOP in response.content.decode()
    response = client.get(staff_url(world["v1"], pdf=True), {"period": "2026"})
    assert response.status_code == 200 and SHOP in pdf_text(response)
    assert client.get(staff_url(world["v2"])).status_code == 404
    assert client.get(staff_url(world["v2"], pdf=True)).status_code == 404


def test_editors_are_refused(client, world, no_second_factor):
    editor = UserFactory(groups=[EDITORS])
    client.force_login(editor)
    assert client.get(staff_url(world["v1"])).status_code in (302, 403)
    assert client.get(reverse("venues_town_report")).status_code in (302, 403)
    assert client.get(reverse("venues_town_report_pdf")).status_code in (302, 403)
    # The owner's site is not theirs.
    assert SHOP not in client.get(owner_url(world["v1"])).content.decode()


def test_the_town_report_page_and_pdf(client, world, areas, no_second_factor):
    leader = make_member(LEADER, areas["town"])
    client.force_login(leader)
    response = client.get(reverse("venues_town_report"), {"period": "2026-Q4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert QUESTIONS[EXTINGUISHER] in html and "青杠村" in html and "木根村" in html
    assert response.context["report"].total.counts["hazards_found"] == 5
    response = client.get(reverse("venues_town_report_pdf"), {"period": "2026-Q4"})
    assert response.status_code == 200
    text = pdf_text(response)
    assert "青杠村" in text and QUESTIONS[EXTINGUISHER] in text
    # Village staff of 木根村 asking for 青杠村: not found.
    client.force_login(make_member(VILLAGE_STAFF, areas["mugen"]))
    assert client.get(reverse("venues_town_report"), {"area": areas["qinggang"].pk}).status_code == 404
    # A bad period: the current quarter, not an error.
    assert client.get(reverse("venues_town_report"), {"period": "2026-Q9"}).status_code == 200


def test_the_town_report_reads_a_constant_number_of_queries(client, world, areas, no_second_factor):
    client.force_login(make_member(LEADER, areas["town"]))

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("venues_town_report"), {"period": "2026-Q4"}).status_code == 200
        return len(captured)

    count()
    before = count()
    for n in range(18):
        venue = make_venue(areas[("qinggang-1", "qinggang-2", "mugen-1", "mugen-2")[n % 4]],
                           ("catering", "shopping")[n % 2], status=VenueStatus.APPROVED, name=f"新店{n}")
        Venue.objects.filter(pk=venue.pk).update(created_at=at(2026, 5, 1), integrity_level="ABCD"[n % 4])
        hazard(venue, [EXTINGUISHER, WIRING, EXITS, GAS][n % 4], "general", at(2026, 10, 3, 9),
               datetime.date(2026, 10, 10))
    assert Venue.objects.count() == 20
    assert count() == before


# --- Review findings: the figures' rules, Beijing days, operators, WeChat ---------------------

def test_a_rejected_fix_shows_as_open_not_awaiting_the_re_check(world):
    """h2 reported fixed on 25 Oct and the fix rejected by the re-check on 27 Oct: open at the
    end of October (to be fixed), as the figures read it; h3 reported fixed on 28 Oct and not
    re-checked yet: awaiting the re-check, and the summary says so."""
    Hazard.objects.filter(pk=world["h2"].pk).update(rectified_at=at(2026, 10, 25, 9), status="open")
    event = HazardEvent.objects.create(hazard=world["h2"], action="rejected", note="仍未整改")
    HazardEvent.objects.filter(pk=event.pk).update(at=at(2026, 10, 27, 9))
    Hazard.objects.filter(pk=world["h3"].pk).update(rectified_at=at(2026, 10, 28, 9), status="rectified")
    report = analysis.venue_report(world["v1"], OCT, today=TODAY)
    status = {line.item: line.status_label for line in report.open_at_end}
    assert status == {QUESTIONS[EXTINGUISHER]: str(HazardStatus.OPEN.label),
                      QUESTIONS[WIRING]: str(HazardStatus.RECTIFIED.label)}
    assert report.counts["open_at_end"] == 2 and report.counts["awaiting_at_end"] == 1
    with translation.override("en"):
        assert "2 not yet closed at the end (1 of them fixed, awaiting the re-check)" in report.summary
    # A re-check that rejected the fix only after the end of October leaves h2 awaiting at its end.
    HazardEvent.objects.filter(pk=event.pk).update(at=at(2026, 11, 2, 9))
    report = analysis.venue_report(world["v1"], OCT, today=TODAY)
    assert report.counts["awaiting_at_end"] == 2


def test_beijing_days_decide_late_self_checks_and_the_month_a_hazard_is_found_in(world):
    """A self-check due 20 Oct submitted at 00:10 on 21 Oct Beijing time (16:10 UTC on 20 Oct)
    is late; a hazard found at 00:30 on 1 Oct Beijing time (16:30 UTC on 30 Sep) counts in
    October, not September."""
    utc = datetime.UTC
    SelfCheck.objects.filter(venue=world["v1"], due_on=datetime.date(2026, 10, 20)).update(
        submitted_at=datetime.datetime(2026, 10, 20, 16, 10, tzinfo=utc))
    SelfCheck.objects.filter(venue=world["v1"], due_on=datetime.date(2026, 10, 5)).update(
        submitted_at=datetime.datetime(2026, 10, 5, 15, 50, tzinfo=utc))  # 23:50 on the due day
    early = hazard(world["v1"], GAS, "general", datetime.datetime(2026, 9, 30, 16, 30, tzinfo=utc),
                   datetime.date(2026, 10, 8))
    report = analysis.venue_report(world["v1"], OCT, today=TODAY)
    assert [(s.due_on, s.submitted_on, s.on_time) for s in report.selfchecks] == [
        (datetime.date(2026, 10, 5), datetime.date(2026, 10, 5), True),
        (datetime.date(2026, 10, 20), datetime.date(2026, 10, 21), False)]
    assert (report.counts["selfchecks_on_time"], report.counts["selfchecks_late"]) == (1, 1)
    assert report.counts["found"] == 4
    assert report.found[0].item == QUESTIONS[GAS] and report.found[0].found_on == datetime.date(2026, 10, 1)
    september = analysis.venue_report(world["v1"], Period(MONTH, datetime.date(2026, 9, 1)), today=TODAY)
    assert early.pk and QUESTIONS[GAS] not in [line.item for line in september.found]


def test_the_closed_hazards_table_shows_the_day_each_was_closed(client, world):
    client.force_login(world["owner"])
    response = client.get(owner_url(world["v1"]), {"period": "2026-10"})
    html = response.content.decode()
    table = html[html.index('id="report-fixed-table"'):]
    table = table[:table.index("</table>")]
    assert "2026-10-02" in table and "2026-10-10" in table
    assert table.count('scope="col"') == 6  # item, severity, found, fix by, status, closed
    text = pdf_text(client.get(owner_url(world["v1"], pdf=True), {"period": "2026-10"}))
    assert "2026-10-02" in text and "2026-10-10" in text


def test_an_operator_of_the_venue_reads_its_report_and_pdf(client, world):
    operator = UserFactory()
    world["v1"].operators.add(operator)
    client.force_login(operator)
    response = client.get(owner_url(world["v1"]), {"period": "2026-10"})
    assert response.status_code == 200 and SHOP in response.content.decode()
    response = client.get(owner_url(world["v1"], pdf=True), {"period": "2026-10"})
    assert response.status_code == 200 and SHOP in pdf_text(response)
    # Not the other venue's.
    assert client.get(owner_url(world["v2"])).status_code == 404


WECHAT = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0 "
          "Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) WeChat/arm64 NetType/WIFI")


def test_in_wechat_the_page_says_how_to_print_instead_of_a_print_button(client, world):
    client.force_login(world["owner"])
    html = client.get(owner_url(world["v1"]), {"period": "2026-10"}, HTTP_USER_AGENT=WECHAT).content.decode()
    assert "report-print" not in html
    hint = html[html.index("report-wechat"):]
    hint = hint[:hint.index("</p>")]
    assert " hidden" not in hint.split(">")[0] and "在浏览器中打开" in hint
    assert 'id="report-pdf"' in html
    # Elsewhere: the print button (shown by our script), the WeChat line hidden.
    html = client.get(owner_url(world["v1"]), {"period": "2026-10"},
                      HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile").content.decode()
    assert "report-print" in html
    assert html[html.index("report-wechat"):].split(">")[0].endswith("hidden")


def test_the_venue_report_agrees_with_the_dashboard_figures(world):
    """The report reads each line by the figures' rules: its counts are the dashboard's for the
    venue (venues.figures.members narrowed to it)."""
    from venues import figures

    Hazard.objects.filter(pk=world["h2"].pk).update(rectified_at=at(2026, 10, 25, 9), status="rectified")
    for venue in (world["v1"], world["v2"]):
        for period in (OCT, Q4, Y2026):
            report = analysis.venue_report(venue, period, today=TODAY)

            def hazards(figure, venue=venue, period=period):
                return figures.members(figure, None, period, today=TODAY).filter(venue=venue).count()

            assert (report.counts["found"], report.counts["fixed"], report.counts["open_at_end"]) == (
                hazards("hazards_found"), hazards("hazards_closed"), hazards("hazards_open")), period
            late = figures.members("selfchecks_late", None, period, today=TODAY).filter(pk=venue.pk).exists()
            assert late == bool(report.counts["selfchecks_late"] + report.counts["selfchecks_missed"]), period
