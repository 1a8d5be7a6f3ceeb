"""The supervision figures (venues.figures) over a small hand-built register, with every figure
computed by hand for November 2026 and October 2026, read on 5 December 2026.

The register (青杠村 with grids 1 and 2, 木根村 with grids 1 and 2):

- v1 青杠村第1网格, catering, approved 10 Oct; owner account; risk level yellow.
- v2 青杠村 itself (no grid), shopping with catering as a further kind, approved 15 Nov.
- v3 木根村第1网格, catering, approved 1 Sep, closed 20 Nov.
- v4 木根村第1网格, shopping, submitted, never approved.
- v5 青杠村第2网格, catering, approved without a recorded change; an operator account.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.factories import (
    UserFactory,
    add_page,
    approve,
    make_area_tree,
    make_office,
    make_staff,
    make_venue,
)
from venues import figures
from venues.figures import BY_GRID, BY_KIND, BY_VILLAGE, MONTH, QUARTER, YEAR, Period
from venues.models import (
    Acknowledgement,
    Hazard,
    NoticeVersion,
    Patrol,
    SelfCheck,
    Venue,
    VenueKind,
    VenueStatusChange,
    VillageCensus,
)

LOCAL = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2026, 12, 5)
NOV = Period(MONTH, datetime.date(2026, 11, 1))
OCT = Period(MONTH, datetime.date(2026, 10, 1))


def at(*args):
    return datetime.datetime(*args, tzinfo=LOCAL)


def zero(**counts):
    return {**dict.fromkeys(figures.FIGURES, 0), **counts}


@pytest.fixture
def tree(db):
    from venues.models import Area

    # Read back: adding a sibling that sorts first moves the paths of those made before it.
    return {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}


@pytest.fixture
def register(tree, home):
    from notices.models import SafetyNoticeIndexPage, SafetyNoticePage

    catering = VenueKind.objects.get(slug="catering")
    worker = UserFactory()
    owner, operator = UserFactory(), UserFactory()
    v1 = approve(make_venue(tree["qinggang-1"], "catering", name="v1", owner=owner), at=at(2026, 10, 10, 9))
    v2 = approve(make_venue(tree["qinggang"], "shopping", name="v2"), at=at(2026, 11, 15, 9))
    v2.other_kinds.set([catering])
    v3 = approve(make_venue(tree["mugen-1"], "catering", name="v3"), at=at(2026, 9, 1, 9))
    Venue.objects.filter(pk=v3.pk).update(status="closed")
    closing = VenueStatusChange.objects.create(venue=v3, from_status="approved", to_status="closed")
    VenueStatusChange.objects.filter(pk=closing.pk).update(at=at(2026, 11, 20, 9))
    v4 = make_venue(tree["mugen-1"], "shopping", name="v4", status="submitted")
    v5 = make_venue(tree["qinggang-2"], "catering", name="v5", status="approved")
    v5.operators.set([operator])
    Venue.objects.update(created_at=at(2026, 9, 1), risk_level="")
    Venue.objects.filter(pk=v1.pk).update(risk_level="yellow")
    for venue, due in [(v1, datetime.date(2027, 2, 9)), (v2, datetime.date(2026, 11, 25)),
                       (v3, datetime.date(2027, 1, 5)), (v5, datetime.date(2026, 12, 20))]:
        Venue.objects.filter(pk=venue.pk).update(selfcheck_due_on=due)

    def selfcheck(venue, status, due_on, submitted_at):
        SelfCheck.objects.create(venue=venue, started_by=worker, status=status, due_on=due_on,
                                 submitted_at=submitted_at)

    selfcheck(v1, "accepted", datetime.date(2026, 11, 10), at(2026, 11, 9, 10))
    # Half an hour after the due day ended, local time (still the 20th in UTC): late.
    selfcheck(v5, "submitted", datetime.date(2026, 11, 20), at(2026, 11, 21, 0, 30))
    selfcheck(v1, "returned", datetime.date(2026, 10, 10), at(2026, 10, 11, 10))  # never counts
    selfcheck(v3, "accepted", datetime.date(2026, 10, 5), at(2026, 10, 5, 23, 59))

    def patrol(venue, visited_at):
        made = Patrol.objects.create(venue=venue, submission_id=uuid.uuid4(), inspector=worker)
        Patrol.objects.filter(pk=made.pk).update(visited_at=visited_at)

    patrol(v1, at(2026, 11, 30, 23, 59))
    patrol(v5, at(2026, 12, 1, 0, 0))
    patrol(v3, at(2026, 10, 15, 10))
    patrol(v4, at(2026, 11, 5, 10))  # not registered: never counted

    def hazard(venue, severity, found, deadline, rectified=None, closed=None):
        made = Hazard.objects.create(venue=venue, source="patrol", severity=severity, description="隐患",
                                     deadline=deadline)
        Hazard.objects.filter(pk=made.pk).update(
            found_at=found, rectified_at=rectified, closed_at=closed,
            status="closed" if closed else "rectified" if rectified else "open")
        return made

    hazards = {
        "h1": hazard(v1, "general", at(2026, 11, 3, 10), datetime.date(2026, 11, 10),
                     rectified=at(2026, 11, 9, 12), closed=at(2026, 11, 30, 23, 59)),
        "h2": hazard(v5, "major", at(2026, 11, 5, 8), datetime.date(2026, 11, 20),
                     rectified=at(2026, 11, 22, 12), closed=at(2026, 12, 1, 0, 0)),
        "h3": hazard(v3, "general", at(2026, 10, 20, 10), datetime.date(2026, 10, 25)),
        "h4": hazard(v2, "major", at(2026, 11, 10, 10), datetime.date(2026, 12, 15)),
        "h5": hazard(v1, "major", at(2026, 10, 1, 0, 0), datetime.date(2026, 10, 31),
                     rectified=at(2026, 10, 30, 10), closed=at(2026, 10, 31, 23, 59, 59)),
        # Fixed half an hour after its deadline day ended, local time (still the 12th in UTC).
        "h6": hazard(v5, "general", at(2026, 11, 1, 9), datetime.date(2026, 11, 12),
                     rectified=at(2026, 11, 13, 0, 30), closed=at(2026, 11, 14, 9)),
    }

    index = add_page(home, SafetyNoticeIndexPage(title="安全告知书", slug="safety-notices"))
    page = add_page(index, SafetyNoticePage(
        title="餐饮场所安全告知书", slug="safety-catering", kind=catering, duties="<p>责任</p>",
        risks="<p>风险</p>", checks="<p>检查</p>", contacts="<p>119</p>"))
    first = NoticeVersion.objects.get(page=page, number=1)
    NoticeVersion.objects.filter(pk=first.pk).update(published_at=at(2026, 10, 1, 9))
    second = NoticeVersion.objects.create(page=page, number=2, title=page.title)
    NoticeVersion.objects.filter(pk=second.pk).update(published_at=at(2026, 12, 2, 9))  # after November

    def acknowledge(version, venue, when):
        made = Acknowledgement.objects.create(version=version, venue=venue)
        Acknowledgement.objects.filter(pk=made.pk).update(at=when)

    acknowledge(first, v1, at(2026, 11, 12, 9))
    acknowledge(first, v3, at(2026, 10, 10, 9))
    acknowledge(first, v5, at(2026, 12, 1, 0, 0))  # after November ended
    acknowledge(second, v5, at(2026, 12, 3, 9))

    VillageCensus.objects.create(area=tree["qinggang"], expected=4, counted_on=datetime.date(2026, 9, 1))
    VillageCensus.objects.create(area=tree["mugen"], expected=5, counted_on=datetime.date(2026, 9, 1))
    return {"v1": v1, "v2": v2, "v3": v3, "v4": v4, "v5": v5, **hazards}


@pytest.fixture
def town_admin(db):
    return UserFactory(is_superuser=True)


# Hand-computed expectations ------------------------------------------------------------------

NOV_QINGGANG = zero(
    registered=3, selfchecks_due=3, selfchecks_late=2, selfchecks_on_time=1, patrolled=1,
    notice_concerned=3, notice_acknowledged=1,
    hazards_found=4, hazards_open=2, hazards_major_open=2, hazards_due=3,
    hazards_fixed_in_time=1, major_due=1, hazards_closed=2)
# h2 (due 20 Nov) was reported fixed on the 22nd and closed on 1 Dec: awaiting the re-check at the
# end of November, so not overdue. v3 closed on 20 Nov: its old open hazard h3 drops out.
NOV_MUGEN = zero()
NOV_TOTAL = {figure: NOV_QINGGANG[figure] + NOV_MUGEN[figure] for figure in figures.FIGURES}
OCT_QINGGANG = zero(
    registered=2, notice_concerned=2, hazards_found=1, hazards_due=1, hazards_fixed_in_time=1,
    major_due=1, major_fixed_in_time=1, hazards_closed=1)
OCT_MUGEN = zero(
    registered=1, selfchecks_due=1, selfchecks_on_time=1, patrolled=1, notice_concerned=1,
    notice_acknowledged=1, hazards_found=1, hazards_open=1, hazards_overdue=1, hazards_due=1)
OCT_TOTAL = {figure: OCT_QINGGANG[figure] + OCT_MUGEN[figure] for figure in figures.FIGURES}


def assert_members_match(user, period, total, rows, total_area=None, **narrowing):
    """Every count shown equals the length of the drill-down list behind it."""
    for figure in figures.FIGURES:
        listed = figures.members(figure, user, period, area=total_area, today=TODAY, **narrowing)
        assert listed.count() == total.counts[figure], figure
        for row in rows:
            listed = figures.members(figure, user, period, area=row.area, exact=row.exact, kind=row.kind,
                                     today=TODAY, **narrowing)
            assert listed.count() == row.counts[figure], (row.label, figure)


def test_november_by_village(register, town_admin, tree):
    total, rows = figures.table(town_admin, NOV, BY_VILLAGE, today=TODAY)
    assert total.counts == NOV_TOTAL
    assert total.expected == 9
    assert total.rate("coverage") == 33.3
    assert total.rate("selfchecks_on_time_rate") == 33.3
    assert total.rate("patrol_coverage") == 33.3
    assert total.rate("notice_rate") == 33.3
    assert total.rate("rectification_rate") == 33.3
    assert total.rate("major_rectification_rate") == 0.0
    # h1: found 3 Nov 10:00, closed 30 Nov 23:59 — 27 days 13 h 59 min; h6: 13 days.
    assert total.days_to_close == 20.3
    assert {row.area: (row.counts, row.expected) for row in rows} == {
        tree["qinggang"]: (NOV_QINGGANG, 4), tree["mugen"]: (NOV_MUGEN, 5)}
    assert len(rows) == 2
    assert {row.label: row.rate("coverage") for row in rows} == {"青杠村": 75.0, "木根村": 0.0}
    assert_members_match(town_admin, NOV, total, rows)


def test_october_the_previous_month(register, town_admin, tree):
    assert NOV.previous() == OCT
    total, rows = figures.table(town_admin, NOV.previous(), BY_VILLAGE, today=TODAY)
    assert total.counts == OCT_TOTAL
    # h5: found 1 Oct 00:00, closed 31 Oct 23:59:59.
    assert total.days_to_close == 31.0
    assert total.rate("rectification_rate") == 50.0
    assert total.rate("major_rectification_rate") == 100.0
    assert {row.area: row.counts for row in rows} == {
        tree["qinggang"]: OCT_QINGGANG, tree["mugen"]: OCT_MUGEN}
    assert len(rows) == 2
    assert_members_match(town_admin, OCT, total, rows)


def test_boundaries_at_local_midnight(register, town_admin):
    """A hazard closed at 23:59 on the last day counts in November; one closed at 00:00 on
    1 December does not, and stays open at November's end."""
    closed = figures.members("hazards_closed", town_admin, NOV, today=TODAY)
    assert set(closed) == {register["h1"], register["h6"]}
    # Fixed at 00:30 local time the day after its deadline: not in time.
    assert set(figures.members("hazards_fixed_in_time", town_admin, NOV, today=TODAY)) == {register["h1"]}
    assert register["h2"] in set(figures.members("hazards_open", town_admin, NOV, today=TODAY))
    assert set(figures.members("hazards_closed", town_admin, Period(MONTH, datetime.date(2026, 12, 1)),
                               today=TODAY)) == {register["h2"]}
    # Found at 00:00 on 1 October: October's, not September's.
    found = figures.members("hazards_found", town_admin, OCT, today=TODAY)
    assert set(found) == {register["h3"], register["h5"]}
    assert not figures.members("hazards_found", town_admin, Period(MONTH, datetime.date(2026, 9, 1)),
                               today=TODAY).exists()
    # The patrol at 23:59 on 30 November counts; the one at 00:00 on 1 December does not.
    assert set(figures.members("patrolled", town_admin, NOV, today=TODAY)) == {register["v1"]}
    # Submitted at 00:30 on the 21st, local time, for a self-check due on the 20th: late.
    late = figures.members("selfchecks_late", town_admin, NOV, today=TODAY)
    assert set(late) == {register["v2"], register["v5"]}


def test_by_grid(register, town_admin, tree):
    total, rows = figures.table(town_admin, NOV, BY_GRID, today=TODAY)
    assert total.counts == NOV_TOTAL
    shown = {(row.area, row.exact): (row.counts["registered"], row.counts["hazards_open"]) for row in rows}
    assert shown == {(tree["qinggang"], True): (1, 1), (tree["qinggang-1"], False): (1, 0),
                     (tree["qinggang-2"], False): (1, 1)}
    assert len(rows) == 3  # 木根村第1网格: v3 closed, so its hazard dropped out with it
    labels = {row.area.pk: row.label for row in rows}
    assert "青杠村" in labels[tree["qinggang"].pk] and labels[tree["qinggang"].pk] != "青杠村"
    assert labels[tree["qinggang-1"].pk] == "青杠村 青杠村第1网格"
    # Grouped as the tree reads: the village's own row before its grids.
    order = [row.area for row in rows]
    assert order.index(tree["qinggang"]) < order.index(tree["qinggang-1"])
    assert all(row.expected is None for row in rows)
    # The village's own row lists exactly the venues placed in it, not those of its grids.
    assert set(figures.members("registered", town_admin, NOV, area=tree["qinggang"], exact=True,
                               today=TODAY)) == {register["v2"]}
    assert_members_match(town_admin, NOV, total, rows)


def test_by_kind(register, town_admin):
    total, rows = figures.table(town_admin, NOV, BY_KIND, today=TODAY)
    catering, shopping = VenueKind.objects.get(slug="catering"), VenueKind.objects.get(slug="shopping")
    assert [row.kind for row in rows] == [shopping, catering] if shopping.sort_order < catering.sort_order \
        else [catering, shopping]
    by_kind = {row.kind.slug: row for row in rows}
    assert by_kind["catering"].counts == zero(
        registered=2, selfchecks_due=2, selfchecks_late=1, selfchecks_on_time=1, patrolled=1,
        notice_concerned=2, notice_acknowledged=1, hazards_found=3, hazards_open=1,
        hazards_major_open=1, hazards_due=3, hazards_fixed_in_time=1, major_due=1, hazards_closed=2)
    assert by_kind["shopping"].counts == zero(
        registered=1, selfchecks_due=1, selfchecks_late=1, notice_concerned=1, hazards_found=1,
        hazards_open=1, hazards_major_open=1)
    assert by_kind["catering"].days_to_close == 20.3 and by_kind["shopping"].days_to_close is None
    assert all(row.expected is None for row in rows)
    assert_members_match(town_admin, NOV, total, rows)


def test_village_staff_see_only_their_village(register, tree):
    qinggang = make_staff(tree["qinggang"])
    total, rows = figures.table(qinggang, NOV, BY_VILLAGE, today=TODAY)
    assert total.counts == NOV_QINGGANG and total.expected == 4
    assert [row.area for row in rows] == [tree["qinggang"]]
    for by in (BY_GRID, BY_KIND):
        _total, rows = figures.table(qinggang, NOV, by, today=TODAY)
        assert all(row.area is None or row.area.path.startswith(tree["qinggang"].path) for row in rows)
        assert sum(row.counts["hazards_open"] for row in rows) == 2
    # Asking for the other village's rows gives nothing.
    assert not figures.members("hazards_open", qinggang, NOV, area=tree["mugen"], today=TODAY).exists()
    assert figures.totals(qinggang, NOV, area=tree["mugen"], today=TODAY).counts == zero()

    mugen = make_staff(tree["mugen"])
    total, rows = figures.table(mugen, NOV, BY_VILLAGE, today=TODAY)
    assert total.counts == NOV_MUGEN and total.expected == 5
    assert [row.area for row in rows] == [tree["mugen"]]
    assert_members_match(mugen, NOV, total, rows)

    # A grid worker's scope holds no whole village: no census count.
    grid_worker = make_staff(tree["qinggang-1"])
    total, _rows = figures.table(grid_worker, NOV, BY_GRID, today=TODAY)
    assert total.counts["registered"] == 1 and total.expected is None


def test_lead_office_staff_see_only_their_kinds(register, tree):
    office_staff = make_staff(tree["town"], kinds=("catering",))
    total, rows = figures.table(office_staff, NOV, BY_KIND, today=TODAY)
    # v1, v5 and v2 (catering as its further kind); v3 closed.
    assert total.counts["registered"] == 3
    assert total.expected is None and total.rate("coverage") is None
    village_total, village_rows = figures.table(office_staff, NOV, BY_VILLAGE, today=TODAY)
    assert all(row.expected is None for row in village_rows)
    shopping_staff = make_staff(tree["town"], kinds=("shopping",))
    assert set(figures.members("registered", shopping_staff, NOV, today=TODAY)) == {register["v2"]}
    assert set(figures.members("hazards_open", shopping_staff, NOV, today=TODAY)) == {register["h4"]}
    lodging = make_staff(tree["town"], kinds=("lodging",))
    assert figures.totals(lodging, NOV, today=TODAY).counts == zero()
    assert_members_match(office_staff, NOV, total, rows)


def test_office_narrows_the_whole_register(register, tree):
    catering = make_office("catering", name="食药监测试办")
    total = figures.totals(None, NOV, office=catering, today=TODAY)
    assert total.counts["registered"] == 3 and total.counts["hazards_open"] == 2  # h2, h4
    assert total.expected is None
    shopping = make_office("shopping", name="经发测试办")
    total = figures.totals(None, NOV, office=shopping, today=TODAY)
    assert total.counts["registered"] == 1 and total.counts["hazards_open"] == 1
    assert figures.members("registered", None, NOV, office=shopping, today=TODAY).get() == register["v2"]
    town = make_office(name="应急测试办", town=True)
    assert figures.totals(None, NOV, office=town, today=TODAY).counts == NOV_TOTAL


def test_the_system_reads_one_village(register, tree):
    """The scorecards read each village's figures over the whole register."""
    village = figures.totals(None, NOV, area=tree["qinggang"], today=TODAY)
    assert village.counts == NOV_QINGGANG and village.expected == 4
    assert figures.totals(None, NOV, today=TODAY).expected == 9
    shopping = VenueKind.objects.get(slug="shopping")
    assert figures.totals(None, NOV, kind=shopping, today=TODAY).expected is None


def test_current_period_reads_today(register, town_admin):
    """In the running month, "overdue" and "due" are read today, not at the month's end, by the
    app's one rule (Hazard.overdue_q)."""
    december = Period(MONTH, datetime.date(2026, 12, 1))
    total = figures.totals(town_admin, december, today=TODAY)
    # Open at 5 Dec: h4 (due 15 Dec), not yet overdue; h3 (due 25 Oct) is at v3, closed: not chased.
    assert total.counts["hazards_open"] == 1 and total.counts["hazards_overdue"] == 0
    assert total.counts["hazards_due"] == 0  # h4's deadline has not passed
    later = figures.totals(town_admin, december, today=datetime.date(2026, 12, 16))
    assert later.counts["hazards_overdue"] == 1 and later.counts["hazards_due"] == 1
    for today in (TODAY, datetime.date(2026, 12, 16)):
        assert (figures.totals(town_admin, december, today=today).counts["hazards_overdue"]
                == Hazard.objects.filter(Hazard.overdue_q(today)).count())


def test_a_quarter_adds_its_months(register, town_admin):
    quarter = figures.totals(town_admin, Period(QUARTER, datetime.date(2026, 10, 1)), today=TODAY)
    # h3 (found in October) drops out: its venue v3 closed in November, before the quarter's end.
    assert quarter.counts["hazards_found"] == NOV_TOTAL["hazards_found"] + OCT_TOTAL["hazards_found"] - 1 == 5
    # h5 in October, h1 and h6 in November, h2 at 00:00 on 1 December: all in the fourth quarter.
    assert quarter.counts["hazards_closed"] == 4
    assert quarter.counts["registered"] == 3  # read at the quarter's end: now (v3 closed in November)


def test_nobody_sees_nothing(register):
    stranger = UserFactory()
    total, rows = figures.table(stranger, NOV, today=TODAY)
    assert total.counts == zero() and rows == [] and total.expected is None
    assert not figures.members("registered", stranger, NOV, today=TODAY).exists()
    panel = figures.liuqing(stranger, today=TODAY)
    assert [(item.count, item.out_of) for item in panel] == [(0, None), *[(0, 0)] * 5]
    assert not figures.liuqing_members("known", stranger, today=TODAY).exists()


def test_no_safety_notice_yet(tree, town_admin):
    """Before any safety notice is published, no venue is concerned and the rate is unknown."""
    approve(make_venue(tree["qinggang-1"], "catering"), at=at(2026, 10, 10, 9))
    total, rows = figures.table(town_admin, NOV, today=TODAY)
    assert total.counts["registered"] == 1 and total.counts["notice_concerned"] == 0
    assert total.rate("notice_rate") is None and total.expected is None and total.rate("coverage") is None
    assert not figures.members("notice_acknowledged", town_admin, NOV, today=TODAY).exists()
    assert [(row.area, row.counts["registered"]) for row in rows] == [(tree["qinggang"], 1)]
    # A village the census counted stays in the table with nothing registered: 0 % coverage.
    VillageCensus.objects.create(area=tree["mugen"], expected=5, counted_on=datetime.date(2026, 9, 1))
    total, rows = figures.table(town_admin, NOV, today=TODAY)
    assert total.expected == 5
    assert {row.area: (row.counts["registered"], row.rate("coverage")) for row in rows} == {
        tree["qinggang"]: (1, None), tree["mugen"]: (0, 0.0)}


def test_a_venue_placed_in_the_town_itself(register, town_admin, tree):
    v6 = approve(make_venue(tree["town"], "shopping", name="v6"), at=at(2026, 10, 1, 9))
    for by in (BY_VILLAGE, BY_GRID):
        total, rows = figures.table(town_admin, NOV, by, today=TODAY)
        assert total.counts["registered"] == 4
        town_row = next(row for row in rows if row.area == tree["town"])
        assert town_row.exact and town_row.counts["registered"] == 1 and town_row.expected is None
        assert set(figures.members("registered", town_admin, NOV, area=tree["town"], exact=True,
                                   today=TODAY)) == {v6}
        assert_members_match(town_admin, NOV, total, rows)
    _total, rows = figures.table(town_admin, NOV, BY_VILLAGE, today=TODAY)
    assert {row.area: row.counts["registered"] for row in rows if not row.exact} == {
        tree["qinggang"]: 3, tree["mugen"]: 0}


def test_a_table_narrowed_to_one_village(register, town_admin, tree):
    qinggang = tree["qinggang"]
    total, rows = figures.table(town_admin, NOV, BY_GRID, today=TODAY, area=qinggang)
    assert total.counts == NOV_QINGGANG and total.expected == 4
    assert {row.area for row in rows} == {qinggang, tree["qinggang-1"], tree["qinggang-2"]}
    assert_members_match(town_admin, NOV, total, rows, total_area=qinggang)
    total, rows = figures.table(town_admin, NOV, BY_KIND, today=TODAY, area=qinggang)
    assert {row.kind.slug: row.counts["registered"] for row in rows} == {"catering": 2, "shopping": 1}
    for row in rows:
        for figure in figures.FIGURES:
            listed = figures.members(figure, town_admin, NOV, area=qinggang, kind=row.kind, today=TODAY)
            assert listed.count() == row.counts[figure], (row.label, figure)


# 六清 ----------------------------------------------------------------------------------------

def test_liuqing(register, town_admin, tree):
    panel = figures.liuqing(town_admin, today=TODAY)
    assert [(item.key, item.count, item.out_of) for item in panel] == [
        ("known", 3, 9), ("located", 2, 3), ("risk_levelled", 1, 3), ("under_control", 1, 1),
        ("responsibility", 2, 3), ("checked", 2, 3)]
    for item in panel:
        assert figures.liuqing_members(item.key, town_admin, today=TODAY).count() == item.count
        assert item.label and item.explanation
    checked = figures.liuqing_members("checked", town_admin, today=TODAY)
    assert set(checked) == {register["v1"], register["v5"]}
    assert set(figures.liuqing_members("under_control", town_admin, today=TODAY)) == {register["h4"]}

    mugen = make_staff(tree["mugen"])
    assert [(item.count, item.out_of) for item in figures.liuqing(mugen, today=TODAY)] == [
        (0, 5), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)]  # v3 closed: its open hazard is not chased
    office_staff = make_staff(tree["town"], kinds=("catering",))
    assert figures.liuqing(office_staff, today=TODAY)[0].out_of is None
    with pytest.raises(KeyError):
        figures.liuqing_members("nonsense", town_admin, today=TODAY)


# Queries -------------------------------------------------------------------------------------

def grow(tree, n):
    worker = UserFactory()
    for i in range(n):
        area = tree[["qinggang-1", "mugen-2", "qinggang"][i % 3]]
        venue = make_venue(area, ["catering", "shopping"][i % 2], name=f"增{i}", status="approved")
        SelfCheck.objects.create(venue=venue, started_by=worker, status="accepted",
                                 due_on=datetime.date(2026, 11, 3), submitted_at=at(2026, 11, 2, 9))
        Patrol.objects.create(venue=venue, submission_id=uuid.uuid4(), inspector=worker)
        Hazard.objects.create(venue=venue, source="patrol", severity="major", description="隐患",
                              deadline=datetime.date(2026, 11, 30))


def count_queries(action):
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


@pytest.mark.parametrize("by", [BY_VILLAGE, BY_GRID, BY_KIND])
def test_queries_do_not_grow_with_the_register(register, tree, by):
    staff = make_staff(tree["town"])
    office_staff = make_staff(tree["town"], kinds=("catering",))
    november = Period(MONTH, datetime.date(2026, 11, 1))

    def read():
        figures.table(staff, november, by, today=TODAY)
        figures.table(office_staff, november, by, today=TODAY)
        figures.totals(None, november, today=TODAY, area=tree["qinggang"])
        figures.liuqing(staff, today=TODAY)

    grow(tree, 3)
    read()  # once, so that what is cached on the user objects is
    few = count_queries(read)
    grow(tree, 27)
    assert count_queries(read) == few
    assert figures.totals(staff, november, today=TODAY).counts["registered"] == 33


# Periods -------------------------------------------------------------------------------------

def test_period_parse():
    today = datetime.date(2026, 11, 29)
    assert Period.parse("2026-11", today) == NOV
    assert Period.parse(" 2026-q4 ", today) == Period(QUARTER, datetime.date(2026, 10, 1))
    assert Period.parse("2026", today) == Period(YEAR, datetime.date(2026, 1, 1))
    for bad in ["", None, "2026-13", "2026-00", "2026-Q5", "26-11", "2026-12", "2027", "1999", "2026-11-01",
                "<script>"]:
        assert Period.parse(bad, today) is None, bad


def test_period_previous_months_and_labels():
    assert Period(MONTH, datetime.date(2026, 1, 1)).previous() == Period(MONTH, datetime.date(2025, 12, 1))
    winter = Period(QUARTER, datetime.date(2026, 1, 1))
    assert winter.previous() == Period(QUARTER, datetime.date(2025, 10, 1))
    assert Period(YEAR, datetime.date(2026, 1, 1)).previous() == Period(YEAR, datetime.date(2025, 1, 1))
    quarter = Period(QUARTER, datetime.date(2026, 10, 1))
    assert [month.value for month in quarter.months()] == ["2026-10", "2026-11", "2026-12"]
    assert len(Period(YEAR, datetime.date(2026, 1, 1)).months()) == 12
    assert quarter.end == datetime.date(2027, 1, 1) and quarter.last_day == datetime.date(2026, 12, 31)
    assert [NOV.value, quarter.value, Period(YEAR, datetime.date(2026, 1, 1)).value] == ["2026-11", "2026-Q4",
                                                                                          "2026"]
    assert str(NOV) and "2026" in str(quarter) and "2026" in str(Period(YEAR, datetime.date(2026, 1, 1)))
    assert NOV.start_at() == at(2026, 11, 1) and NOV.end_at() == at(2026, 12, 1)
    assert NOV.read_on(TODAY) == datetime.date(2026, 11, 30)
    assert Period(MONTH, datetime.date(2026, 12, 1)).read_on(TODAY) == TODAY
    assert Period(MONTH, datetime.date(2026, 12, 1)).is_current(TODAY) and not NOV.is_current(TODAY)
    summer = Period.containing(QUARTER, datetime.date(2026, 8, 31))
    assert summer == Period(QUARTER, datetime.date(2026, 7, 1))


def test_period_parse_year_zero_is_no_period():
    for value in ("0000-01", "0000", "0000-Q1", "0001-13", "1999-12"):
        assert Period.parse(value, today=TODAY) is None, value


# Overdue: the app's one rule (Hazard.overdue_q), read at the period's end ----------------------

def test_a_fix_awaiting_the_recheck_is_not_overdue_unless_sent_back_before_the_end(register, town_admin):
    from venues.models import HazardEvent

    # h2 (due 20 Nov) was reported fixed on 22 Nov and closed on 1 Dec: awaiting at November's end.
    assert figures.totals(town_admin, NOV, today=TODAY).counts["hazards_overdue"] == 0
    rejected = HazardEvent.objects.create(hazard=register["h2"], action="rejected")
    HazardEvent.objects.filter(pk=rejected.pk).update(at=at(2026, 11, 25, 9))  # sent back in November
    assert set(figures.members("hazards_overdue", town_admin, NOV, today=TODAY)) == {register["h2"]}
    assert figures.totals(town_admin, NOV, today=TODAY).counts["hazards_overdue"] == 1
    HazardEvent.objects.filter(pk=rejected.pk).update(at=at(2026, 12, 1, 0, 0))  # after November ended
    assert figures.totals(town_admin, NOV, today=TODAY).counts["hazards_overdue"] == 0
    HazardEvent.objects.filter(pk=rejected.pk).update(at=at(2026, 11, 21, 9))  # before the fix was reported
    assert figures.totals(town_admin, NOV, today=TODAY).counts["hazards_overdue"] == 0


def test_a_hazard_due_on_the_last_day_and_still_open_is_overdue_and_due(register, town_admin):
    last_day = Hazard.objects.create(venue=register["v1"], source="patrol", severity="general",
                                     description="通道堵塞", deadline=datetime.date(2026, 11, 30))
    Hazard.objects.filter(pk=last_day.pk).update(found_at=at(2026, 11, 20, 9))
    total = figures.totals(town_admin, NOV, today=TODAY)
    assert total.counts["hazards_overdue"] == 1
    assert total.counts["hazards_due"] == NOV_TOTAL["hazards_due"] + 1
    assert set(figures.members("hazards_overdue", town_admin, NOV, today=TODAY)) == {last_day}
    # Read while November runs (on the 30th): due today, not yet passed.
    on_the_30th = datetime.date(2026, 11, 30)
    running = figures.totals(town_admin, NOV, today=on_the_30th).counts
    assert running["hazards_overdue"] == 0
    assert running["hazards_overdue"] == Hazard.objects.filter(Hazard.overdue_q(on_the_30th)).count()


def test_a_closed_venues_hazards_drop_out_of_every_hazard_figure(register, town_admin):
    # v3 closed on 20 Nov: h3 (found in October) counts in October, not in November.
    assert set(figures.members("hazards_open", town_admin, OCT, today=TODAY)) == {register["h3"]}
    for figure in figures.HAZARD_FIGURES:
        assert register["h3"] not in set(figures.members(figure, town_admin, NOV, today=TODAY)), figure


def test_liuqing_under_control_follows_the_one_rule(register, town_admin):
    # h4 (due 15 Dec) on 16 Dec: open and late, so overdue; reported fixed it awaits the re-check:
    # under control again, as Hazard.overdue_q reads it.
    later = datetime.date(2026, 12, 16)
    panel = {item.key: item for item in figures.liuqing(town_admin, today=later)}
    assert (panel["under_control"].count, panel["under_control"].out_of) == (0, 1)
    Hazard.objects.filter(pk=register["h4"].pk).update(status="rectified", rectified_at=at(2026, 12, 16, 9))
    panel = {item.key: item for item in figures.liuqing(town_admin, today=later)}
    assert (panel["under_control"].count, panel["under_control"].out_of) == (1, 1)
