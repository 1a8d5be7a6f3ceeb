"""考核激励 (venues.scorecards): the formula against hand-computed numbers, ranks and the red
flag, the monthly freeze, who reads which card (page and export), the weights form, and the
month page's queries as venues grow.

The world, in September 2026 read on 15 October 2026 (a closed month):

- 青杠村, census count 4: two approved restaurants; a general hazard found 1 Sept, due 10 Sept,
  fixed 7 Sept and closed 8 Sept (in time); a hazard found 20 Sept, due 20 Oct, still open
  (not overdue). No self-check due. Rates: coverage 2/4 = 50, self-checks —, not overdue 1/1 =
  100, rectified 1/1 = 100, major — → score (50 + 100 + 100) / 3 = 83.3 with equal weights.
- 木根村, no census count: one approved shop; a major hazard found 1 Sept, due 5 Sept, fixed
  10 Sept (late) and closed 11 Sept; a general hazard found 2 Sept, due 20 Sept, still open
  (overdue). Rates: coverage —, self-checks —, not overdue 0/1 = 0, rectified 0/2 = 0 (both
  were due in September), major 0/1 = 0 → score 0.0.
- 测试餐饮办 leads catering: the two restaurants of 青杠村: not overdue 100, rectified 100 →
  100.0."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

import pytest
from openpyxl import load_workbook

from tests.factories import approve, make_member, make_office, make_venue
from venues import figures, scorecards
from venues.models import (
    Area,
    AreaLevel,
    AuditEntry,
    Hazard,
    HazardStatus,
    Office,
    Scorecard,
    ScoreWeights,
    Venue,
    VillageCensus,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

SEPT = figures.Period(figures.MONTH, datetime.date(2026, 9, 1))
TODAY = datetime.date(2026, 10, 15)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def hazard(venue, found, deadline, severity="general", rectified=None, closed=None):
    made = Hazard.objects.create(venue=venue, source="patrol", severity=severity, description="隐患",
                                 deadline=deadline)
    status = HazardStatus.CLOSED if closed else HazardStatus.OPEN
    Hazard.objects.filter(pk=made.pk).update(found_at=at(found), status=status,
                                             rectified_at=at(rectified) if rectified else None,
                                             closed_at=at(closed) if closed else None)
    return made


def approved(area, kind, name):
    venue = make_venue(Area.objects.get(pk=area.pk), kind, name=name)
    approve(venue, at=at(datetime.date(2026, 8, 1)))
    # No self-check due in September: that rate has nothing to measure.
    Venue.objects.filter(pk=venue.pk).update(selfcheck_due_on=datetime.date(2027, 6, 1),
                                             created_at=at(datetime.date(2026, 7, 30)))
    return venue


@pytest.fixture
def world(tree):
    catering = make_office("catering", name="测试餐饮办")
    qg1 = approved(tree["qinggang-1"], "catering", "青杠火锅店")
    approved(tree["qinggang-2"], "catering", "青杠面馆")
    mg = approved(tree["mugen-1"], "shopping", "木根超市")
    VillageCensus.objects.create(area=tree["qinggang"], expected=4, counted_on=datetime.date(2026, 6, 1))
    hazard(qg1, datetime.date(2026, 9, 1), datetime.date(2026, 9, 10), rectified=datetime.date(2026, 9, 7),
           closed=datetime.date(2026, 9, 8))
    hazard(qg1, datetime.date(2026, 9, 20), datetime.date(2026, 10, 20))
    hazard(mg, datetime.date(2026, 9, 1), datetime.date(2026, 9, 5), severity="major",
           rectified=datetime.date(2026, 9, 10), closed=datetime.date(2026, 9, 11))
    hazard(mg, datetime.date(2026, 9, 2), datetime.date(2026, 9, 20))
    return {"catering": catering, "tree": tree}


def cards_by_name(cards):
    return {card.name: card for card in cards}


# The formula ----------------------------------------------------------------------------------

def test_score_is_the_weighted_mean_of_the_rates_that_measure_something():
    weights = {"coverage": 40, "selfchecks_on_time": 20, "hazards_not_overdue": 20,
               "rectified_in_time": 10, "major_in_time": 10}
    measured = {"coverage": [3, 4], "selfchecks_on_time": [1, 2], "hazards_not_overdue": [0, 0],
                "rectified_in_time": [2, 2], "major_in_time": [0, None]}
    # No hazard open: none is overdue, a full 100. 75·40 + 50·20 + 100·20 + 100·10 = 7000 over
    # 40 + 20 + 20 + 10 = 90 → 77.8; the empty major rate and its weight are left out.
    assert scorecards.score(measured, weights) == Decimal("77.8")
    nothing = {**dict.fromkeys(scorecards.MEASURES, [0, 0]), "hazards_not_overdue": [0, None]}
    assert scorecards.score(nothing, weights) is None
    # A rate that measures something but weighs 0 does not count either.
    assert scorecards.score({**nothing, "coverage": [1, 2]}, {**weights, "coverage": 0}) is None


def test_equal_scores_share_a_rank_and_the_red_flag():
    scores = [("甲", "90.0"), ("乙", "95.5"), ("丙", "95.5"), ("丁", None), ("戊", "80.0")]
    cards = [SimpleNamespace(name=name, score=score and Decimal(score)) for name, score in scores]
    scorecards.rank(cards)
    assert [(card.name, card.rank, card.red_flag) for card in cards] == [
        ("甲", 3, False), ("乙", 1, True), ("丙", 1, True), ("丁", None, False), ("戊", 4, False)]


def test_the_months_cards_against_hand_computed_numbers(world):
    cards = cards_by_name(scorecards.compute(SEPT, today=TODAY))
    qg, mg, office = cards["青杠村"], cards["木根村"], cards["测试餐饮办"]
    assert qg.figures == {"coverage": [2, 4], "selfchecks_on_time": [0, 0], "hazards_not_overdue": [1, 1],
                          "rectified_in_time": [1, 1], "major_in_time": [0, 0]}
    assert qg.score == Decimal("83.3") and qg.rank == 1 and qg.red_flag
    assert mg.figures == {"coverage": [1, None], "selfchecks_on_time": [0, 0],
                          "hazards_not_overdue": [0, 1], "rectified_in_time": [0, 2], "major_in_time": [0, 1]}
    assert mg.score == Decimal("0.0") and mg.rank == 2 and not mg.red_flag
    assert office.figures["coverage"] == [2, None]
    assert office.score == Decimal("100.0") and office.rank == 1 and office.red_flag
    assert scorecards.rates(qg) == {"coverage": Decimal("50.0"), "selfchecks_on_time": None,
                                    "hazards_not_overdue": Decimal("100.0"),
                                    "rectified_in_time": Decimal("100.0"), "major_in_time": None}


def test_new_weights_renormalise_over_the_rates_that_count(world):
    ScoreWeights.objects.update_or_create(pk=ScoreWeights.current().pk, defaults={
        "coverage": 40, "selfchecks_on_time": 20, "hazards_not_overdue": 20, "rectified_in_time": 20,
        "major_in_time": 0})
    qg = cards_by_name(scorecards.compute(SEPT, today=TODAY))["青杠村"]
    # (40·50 + 20·100 + 20·100) / (40 + 20 + 20) = 75.0
    assert qg.score == Decimal("75.0")


def test_villages_with_equal_scores_both_win_the_flag(world):
    VillageCensus.objects.filter(area=world["tree"]["qinggang"]).delete()
    ScoreWeights.objects.update_or_create(pk=ScoreWeights.current().pk, defaults={
        "coverage": 20, "selfchecks_on_time": 20, "hazards_not_overdue": 0, "rectified_in_time": 0,
        "major_in_time": 0})
    # Now only the coverage counts and neither village has a census count: no score, no flag.
    cards = cards_by_name(scorecards.compute(SEPT, today=TODAY))
    assert cards["青杠村"].score is None and cards["青杠村"].rank is None and not cards["青杠村"].red_flag
    VillageCensus.objects.create(area=world["tree"]["qinggang"], expected=2, counted_on=TODAY)
    VillageCensus.objects.create(area=world["tree"]["mugen"], expected=1, counted_on=TODAY)
    cards = cards_by_name(scorecards.compute(SEPT, today=TODAY))
    assert (cards["青杠村"].score, cards["木根村"].score) == (Decimal("100.0"), Decimal("100.0"))
    assert cards["青杠村"].rank == cards["木根村"].rank == 1
    assert cards["青杠村"].red_flag and cards["木根村"].red_flag


# The freeze -----------------------------------------------------------------------------------

def test_a_closed_month_is_frozen_once_and_never_rewritten(world):
    assert scorecards.freeze(SEPT, today=TODAY) is True
    stored = cards_by_name(Scorecard.objects.filter(month=SEPT.start))
    assert stored["青杠村"].score == Decimal("83.3") and stored["青杠村"].red_flag
    assert stored["青杠村"].weights == dict.fromkeys(scorecards.MEASURES, 20)
    count = Scorecard.objects.count()
    # Later the weights change and a hazard is reopened: the published month stays as it was.
    ScoreWeights.objects.update_or_create(pk=ScoreWeights.current().pk, defaults={"coverage": 100})
    Hazard.objects.filter(status=HazardStatus.CLOSED).update(status=HazardStatus.OPEN, closed_at=None)
    assert scorecards.freeze(SEPT, today=TODAY) is False
    assert Scorecard.objects.count() == count
    again = cards_by_name(Scorecard.objects.filter(month=SEPT.start))
    assert again["青杠村"].score == Decimal("83.3") and again["青杠村"].weights["coverage"] == 20
    # …while the computed (live) figures do change.
    assert cards_by_name(scorecards.compute(SEPT, today=TODAY))["青杠村"].score != Decimal("83.3")


def test_only_a_closed_month_can_be_frozen(world):
    with pytest.raises(ValueError):
        scorecards.freeze(figures.Period(figures.MONTH, datetime.date(2026, 10, 1)), today=TODAY)
    assert not Scorecard.objects.exists()
    # The day after it ends, it can.
    assert scorecards.freeze(figures.Period(figures.MONTH, datetime.date(2026, 10, 1)),
                             today=datetime.date(2026, 11, 1))


def test_freeze_closed_months_publishes_back_to_the_first_month_with_data(world):
    assert scorecards.freeze_closed_months(today=TODAY) == 3  # July (venues created), Aug, Sept
    assert sorted({card.month for card in Scorecard.objects.all()}) == [
        datetime.date(2026, 7, 1), datetime.date(2026, 8, 1), datetime.date(2026, 9, 1)]
    assert scorecards.freeze_closed_months(today=TODAY) == 0


def test_the_daily_jobs_publish_the_month_just_closed(world):
    out = io.StringIO()
    call_command("daily_jobs", stdout=out)
    last_month = figures.Period(figures.MONTH, timezone.localdate().replace(day=1)).previous()
    assert Scorecard.objects.filter(month=last_month.start).exists()
    assert "scorecard months published" in out.getvalue()
    call_command("daily_jobs", stdout=io.StringIO())
    assert Scorecard.objects.filter(month=last_month.start, area__name="青杠村").count() == 1


# Who reads which card -------------------------------------------------------------------------

@pytest.fixture
def people(world):
    tree = world["tree"]
    return {
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "catering": make_member(LEAD_OFFICE, tree["town"], office=world["catering"]),
        "town": make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True)),
        "leader": make_member(LEADER, tree["town"]),
        "grid": make_member(GRID_WORKER, tree["qinggang-1"]),
    }


def test_scorecards_for_by_role(people):
    scorecards.freeze(SEPT, today=TODAY)
    every = set(Scorecard.objects.values_list("name", flat=True))
    assert {"青杠村", "木根村", "测试餐饮办"} <= every

    def names(role):
        return set(scorecards.scorecards_for(people[role]).values_list("name", flat=True))

    assert names("qg_staff") == {"青杠村"}
    assert names("mg_staff") == {"木根村"}
    assert names("catering") == {"测试餐饮办"}
    assert names("town") == names("leader") == every
    assert names("grid") == set()
    # The same rule for the running month's live cards.
    live = scorecards.compute(SEPT, today=TODAY)
    assert {card.name for card in scorecards.visible(people["qg_staff"], live)} == {"青杠村"}
    assert {card.name for card in scorecards.visible(people["catering"], live)} == {"测试餐饮办"}


def month_url(month="2026-09", **extra):
    query = "&".join(f"{key}={value}" for key, value in {"month": month, **extra}.items())
    return reverse("venues_scorecard_month") + "?" + query


def test_village_staff_never_see_another_villages_card_on_the_page_or_in_the_export(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["qg_staff"])
    html = client.get(month_url()).content.decode()
    assert "青杠村" in html and "83.3" in html and "2 / 4" in html
    assert "木根村" not in html and "测试餐饮办" not in html
    book = load_workbook(io.BytesIO(client.get(month_url(export="xlsx")).content))
    cells = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "青杠村" in cells and "木根村" not in cells and "测试餐饮办" not in cells
    assert AuditEntry.objects.filter(action="scorecard.export").count() == 1


def test_the_lead_office_sees_only_its_own_card(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["catering"])
    html = client.get(month_url()).content.decode()
    assert "测试餐饮办" in html and "100.0" in html
    assert "青杠村" not in html and "木根村" not in html


def test_the_town_office_page_shows_formula_weights_ranks_and_the_flag_in_words(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["town"])
    html = client.get(month_url()).content.decode()
    assert escape(str(scorecards.FORMULA)) in html  # the formula in words (加权平均 once translated)
    assert "获流动红旗" in html  # the red flag as text, not colour alone
    assert html.index("青杠村") < html.index("木根村")  # by rank
    assert "本月尚未结束" not in html
    # The running month is a live preview, said so.
    current = timezone.localdate().strftime("%Y-%m")
    assert "本月尚未结束，数据为实时预览，不计入考核" in client.get(month_url(current)).content.decode()
    # A month neither published nor running does not exist.
    assert client.get(month_url("2026-08")).status_code == 404


def test_the_export_opens_with_chinese_headers(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["town"])
    response = client.get(month_url(export="xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["村（社区）", "牵头办室"]
    header, *rows = list(book["村（社区）"].iter_rows(values_only=True))
    coverage = str(scorecards.LABELS["coverage"])  # 登记覆盖率 once the translations are merged
    assert header[:4] == ("名次", "名称", f"{coverage}（%）", f"{coverage}：达标数")
    assert header[-3:] == ("得分", "流动红旗", "镇（街道）")
    first = dict(zip(header, rows[0], strict=True))
    assert first["名称"] == "青杠村" and first["得分"] == 83.3 and first["流动红旗"] == "流动红旗"
    assert first["镇（街道）"] == "双河镇"
    # An office has no coverage: "—" in all three columns, as on screen (not its venue count).
    header, *rows = list(book["牵头办室"].iter_rows(values_only=True))
    office = dict(zip(header, rows[0], strict=True))
    assert office["名称"] == "测试餐饮办"
    assert [office[name] for name in header[2:5]] == ["—", "—", "—"]
    assert response["Content-Disposition"] == 'attachment; filename="scorecards-2026-09.xlsx"'


def test_the_red_flag_history_names_every_winner_but_shows_only_readable_scores(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["mg_staff"])
    html = client.get(reverse("venues_scorecard_flags")).content.decode()
    # The winners are announced to all; their scores are on cards 木根村's staff may not read.
    assert "青杠村" in html and "测试餐饮办" in html
    assert "83.3" not in html and "100.0" not in html
    assert "木根村" not in html  # not a winner
    client.force_login(people["qg_staff"])
    html = client.get(reverse("venues_scorecard_flags")).content.decode()
    assert "青杠村</span>（83.3）" in html and "100.0" not in html
    client.force_login(people["town"])
    html = client.get(reverse("venues_scorecard_flags")).content.decode()
    assert "青杠村</span>（83.3）" in html and "测试餐饮办</span>（100.0）" in html
    assert "🚩" not in html and '<svg viewBox="0 0 16 16" aria-hidden="true"' in html


# The weights form -----------------------------------------------------------------------------

def test_the_weights_form_says_what_is_wrong_in_chinese(client, people):
    client.force_login(people["town"])
    url = reverse("venues_scorecard_weights")
    response = client.post(url, dict.fromkeys(scorecards.MEASURES, 0))
    assert "至少要有一项权重大于 0。" in response.content.decode()
    response = client.post(url, {**dict.fromkeys(scorecards.MEASURES, 20), "coverage": 101})
    assert "请输入 0 到 100 之间的权重。" in response.content.decode()
    response = client.post(url, {**dict.fromkeys(scorecards.MEASURES, 20), "coverage": "abc"})
    assert "请输入 0 到 100 之间的整数。" in response.content.decode()
    assert ScoreWeights.current().as_dict() == dict.fromkeys(scorecards.MEASURES, 20)
    response = client.post(url, {**dict.fromkeys(scorecards.MEASURES, 20), "coverage": 50})
    # Back on the running month, which the new weights score (not a published month's old ones).
    current = scorecards.current_month()
    assert response.status_code == 302 and response["Location"] == month_url(current.value)
    html = client.get(response["Location"]).content.decode()
    assert "本月尚未结束" in html
    assert f"<th scope=\"row\">{scorecards.LABELS['coverage']}</th><td>50</td>" in html
    weights = ScoreWeights.current()
    assert weights.coverage == 50 and weights.updated_by == people["town"]
    entry = AuditEntry.objects.get(action="scoreweights.change")
    assert entry.detail["before"]["coverage"] == 20 and entry.detail["after"]["coverage"] == 50
    assert "已公布月份仍按当时的权重计分" in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["qg_staff", "catering", "leader", "grid"])
def test_only_the_town_office_changes_the_weights(client, people, role):
    client.force_login(people[role])
    response = client.post(reverse("venues_scorecard_weights"), dict.fromkeys(scorecards.MEASURES, 50))
    assert response.status_code in (302, 403) and "weights" not in response.get("Location", "weights")
    assert ScoreWeights.current().coverage == 20


# Queries --------------------------------------------------------------------------------------

def test_the_month_page_keeps_a_constant_number_of_queries(client, people):
    client.force_login(people["town"])
    current = timezone.localdate().strftime("%Y-%m")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(month_url(current)).status_code == 200
            assert client.get(month_url()).status_code == 200
        return len(context)

    scorecards.freeze(SEPT, today=TODAY)
    queries()  # the first request warms caches (the session, the weights row)
    few = queries()
    area = Area.objects.get(pk=people["qg_staff"].staff_profile.areas.get().pk)
    for n in range(17):
        approved(area, "catering", f"新店{n}")
    assert Venue.objects.count() == 20
    assert queries() == few


# Rates capped at 100, an empty "not overdue" rate, the flag above 0 ---------------------------

def test_a_rate_counts_at_most_100_and_the_score_fits_its_field(client, world, people):
    assert scorecards.score({**dict.fromkeys(scorecards.MEASURES, [0, None]), "coverage": [100000, 1]},
                            dict.fromkeys(scorecards.MEASURES, 20)) == Decimal("100.0")
    # 青杠村 has 2 approved venues against a census count of 1: coverage 200 % counts as 100.
    VillageCensus.objects.filter(area=world["tree"]["qinggang"]).update(expected=1)
    assert scorecards.freeze(SEPT, today=TODAY)
    qg = Scorecard.objects.get(month=SEPT.start, name="青杠村")
    assert qg.figures["coverage"] == [2, 1] and qg.score == Decimal("100.0")  # (100 + 100 + 100) / 3
    client.force_login(people["qg_staff"])
    html = client.get(month_url()).content.decode()
    assert "<td>100.0%<br><small>2 / 1</small></td>" in html  # the capped rate, the real counts beside


def test_no_open_hazard_is_a_full_mark_but_only_where_there_are_venues():
    weights = dict.fromkeys(scorecards.MEASURES, 20)
    quiet = SimpleNamespace(counts={"registered": 3}, expected=None)
    assert scorecards.measured(quiet)["hazards_not_overdue"] == [0, 0]
    assert scorecards.score(scorecards.measured(quiet), weights) == Decimal("100.0")
    # No venue at all: nothing to measure, no score (and no flag) for an empty village.
    empty = SimpleNamespace(counts={}, expected=None)
    assert scorecards.score(scorecards.measured(empty), weights) is None


def test_a_flag_needs_a_score_above_zero():
    cards = [SimpleNamespace(name=name, score=Decimal("0.0")) for name in ("甲", "乙")]
    scorecards.rank(cards)
    assert [(card.rank, card.red_flag) for card in cards] == [(1, False), (1, False)]


# Several towns --------------------------------------------------------------------------------

@pytest.fixture
def second_town(world):
    """三江镇 with 石桥村: one approved venue, nothing open — 100.0, above 青杠村's 83.3."""
    town = Area.add_root(name="三江镇", level=AreaLevel.TOWN)
    village = Area.objects.get(pk=town.pk).add_child(name="石桥村", level=AreaLevel.VILLAGE)
    grid = Area.objects.get(pk=village.pk).add_child(name="石桥村第1网格", level=AreaLevel.GRID)
    approved(grid, "shopping", "石桥小卖部")
    return {"town": Area.objects.get(pk=town.pk), "village": Area.objects.get(pk=village.pk)}


def test_each_town_ranks_its_own_villages_and_awards_its_own_flag(second_town):
    cards = cards_by_name(scorecards.compute(SEPT, today=TODAY))
    shiqiao, qinggang = cards["石桥村"], cards["青杠村"]
    assert shiqiao.score == Decimal("100.0") and shiqiao.rank == 1 and shiqiao.red_flag
    assert qinggang.score == Decimal("83.3") and qinggang.rank == 1 and qinggang.red_flag
    assert cards["木根村"].rank == 2
    assert cards["测试餐饮办"].rank == 1  # the lead offices stay one ranking


def test_town_staff_read_their_own_towns_cards_and_the_offices(client, people, second_town):
    scorecards.freeze(SEPT, today=TODAY)
    sanjiang = make_member(TOWN_OFFICE, second_town["town"])

    def names(user):
        return set(scorecards.scorecards_for(user).values_list("name", flat=True))

    offices = set(Scorecard.objects.filter(office__isnull=False).values_list("name", flat=True))
    assert names(people["town"]) == {"青杠村", "木根村"} | offices
    assert names(people["leader"]) == {"青杠村", "木根村"} | offices
    assert names(sanjiang) == {"石桥村"} | offices
    superuser = get_user_model().objects.create_superuser("root", password="x")
    assert names(superuser) == set(Scorecard.objects.values_list("name", flat=True))
    # The page: one table per town, each town's flag in it.
    client.force_login(superuser)
    html = client.get(month_url()).content.decode()
    for town in ("双河镇", "三江镇"):
        assert gettext("Villages and communities of %(town)s") % {"town": town} in html
    client.force_login(sanjiang)
    html = client.get(month_url()).content.decode()
    assert "石桥村" in html and "青杠村" not in html and "测试餐饮办" in html


# The export, the sections, the tables on a phone -------------------------------------------

def test_the_running_months_export_is_marked_a_preview(client, people):
    client.force_login(people["town"])
    current = scorecards.current_month()
    response = client.get(month_url(current.value, export="xlsx"))
    expected = f'attachment; filename="scorecards-{current.value}-preview.xlsx"'
    assert response["Content-Disposition"] == expected
    book = load_workbook(io.BytesIO(response.content))
    notice = gettext("Preview of %(month)s, which has not ended: not final, does not count towards "
                     "the assessment.") % {"month": current}
    for sheet in book:
        first, header = list(sheet.iter_rows(values_only=True))[:2]
        assert first[0] == notice and header[:2] == ("名次", "名称")


@pytest.mark.parametrize(("role", "villages", "offices"), [
    ("qg_staff", True, False), ("catering", False, True), ("town", True, True)])
def test_sections_that_cannot_apply_are_left_out(client, people, role, villages, offices):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people[role])
    html = client.get(month_url()).content.decode()
    assert ("<caption>村（社区） 2026年09月</caption>" in html) is villages
    assert ("<caption>牵头办室 2026年09月</caption>" in html) is offices
    book = load_workbook(io.BytesIO(client.get(month_url(export="xlsx")).content))
    assert book.sheetnames == ["村（社区）"] * villages + ["牵头办室"] * offices


def test_the_tables_scroll_in_labelled_regions_with_rate_headers_and_a_drawn_flag(client, people):
    scorecards.freeze(SEPT, today=TODAY)
    client.force_login(people["town"])
    html = client.get(month_url()).content.decode()
    hint = gettext("On a narrow screen, swipe the table sideways to see every column.")
    assert html.count(hint) == 2  # the villages' and the offices' tables
    assert ('role="region" aria-label="村（社区） 2026年09月" aria-describedby="villages-1-hint"' in html)
    assert ".scorecard-scroll th, .scorecard-scroll td { white-space: nowrap; }" in html
    for name in scorecards.MEASURES:
        assert f'<th scope="col">{scorecards.LABELS[name]}</th>' in html
    assert "🚩" not in html and '<svg viewBox="0 0 16 16" aria-hidden="true"' in html and "获流动红旗" in html


# Deleting an area -----------------------------------------------------------------------------

def test_a_village_with_published_scorecards_is_in_use_and_is_not_deleted(client, world, people):
    town = world["tree"]["town"]
    new = Area.objects.get(pk=town.pk).add_child(name="新村", level=AreaLevel.VILLAGE)
    scorecards.freeze(SEPT, today=TODAY)
    assert Scorecard.objects.filter(area=new).exists()
    client.force_login(people["town"])
    response = client.post(f"/admin/venues/areas/{new.pk}/delete/", follow=True)
    assert response.status_code == 200
    assert gettext("%(name)s has published scorecards, which are kept; it cannot be deleted.") % {
        "name": "新村"} in response.content.decode()
    assert Area.objects.filter(pk=new.pk).exists()
    assert not AuditEntry.objects.filter(action="area.delete").exists()
    # An area nothing uses goes, and the audit says so.
    spare = Area.objects.get(pk=town.pk).add_child(name="空村", level=AreaLevel.VILLAGE)
    client.post(f"/admin/venues/areas/{spare.pk}/delete/")
    assert not Area.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.get(action="area.delete").object_id == str(spare.pk)


def test_reading_the_weights_writes_nothing_until_the_town_office_saves_them(db):
    assert ScoreWeights.current().as_dict() == dict.fromkeys(scorecards.MEASURES, 20)
    assert not ScoreWeights.objects.exists()


def test_each_villages_card_has_the_figures_the_dashboard_gives_that_village(world):
    """The cards read every village at once; each must match the village read alone."""
    from venues.models import Area, AreaLevel

    cards = {card.area_id: card for card in scorecards.compute(SEPT, today=TODAY) if card.area_id}
    villages = Area.objects.filter(level=AreaLevel.VILLAGE)
    assert set(cards) == set(villages.values_list("pk", flat=True))
    for village in villages:
        alone = figures.totals(None, SEPT, today=TODAY, area=village)
        assert cards[village.pk].figures == scorecards.measured(alone), village.name
