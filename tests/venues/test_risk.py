"""A venue's risk level (venues.risk) from the town office's rules, as seeded by the data
migration: the highest level any active rule gives, with the reason of every rule that
applies; blue when none does; none at all for a venue that is not approved."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext

import pytest

from tests.factories import UserFactory, approve, make_venue, photo_upload
from venues import risk, schedule
from venues.models import Hazard, HazardStatus, RiskFactor, RiskLevel, RiskRule, Venue, VenueKind
from venues.workflows import hazards

pytestmark = pytest.mark.django_db

# The reasons of the seeded rules (venues/migrations/0021_seed_risk_rules.py).
MAJOR = "有尚未销号的重大隐患"
OVERDUE = "有逾期未整改的隐患"
THREE_OPEN = "尚未销号的隐患达到3项"
PAST_YEAR = "近12个月发现隐患达到5项"
SERIOUS_KIND = "住宿、娱乐或易燃易爆场所，火灾后果严重"
SLEEP = "有人员在场所内住宿"
BUSY_KIND = "人员较密集或使用明火的场所类型"
GAS = "使用燃气"
LARGE = "建筑面积达到200平方米"
SELFCHECK_LATE = "自查逾期未完成"


@pytest.fixture(autouse=True)
def kinds_own_interval_at_integrity_a():
    """These tests were written before integrity levels (issue 12): the town keeps each kind's own
    interval at level A (tests/venues/test_integrity_schedule.py covers the levels' effect)."""
    from venues.models import IntegritySettings

    IntegritySettings.objects.create(a_interval_months=None)


@pytest.fixture
def owner():
    return UserFactory()


def venue_with(tree, owner, kind="shopping", approved_days_ago=0, **facts):
    """An approved venue with these facts, its level assessed."""
    facts.setdefault("floor_area", 80)
    venue = make_venue(tree["qinggang-1"], kind=kind, owner=owner, **facts)
    return approve(venue, at=timezone.now() - datetime.timedelta(days=approved_days_ago))


def hazard(venue, owner, severity="general", **fields):
    return hazards.record(venue, owner, source="selfcheck", severity=severity, description="测试隐患",
                          **fields)


def reasons(venue):
    """The rules' reasons, without the level each one names."""
    return {reason.split("：", 1)[1] for reason in venue.risk_reasons}


def test_a_small_shop_with_nothing_found_is_blue_and_says_why(tree, owner):
    venue = venue_with(tree, owner)
    assert venue.risk_level == RiskLevel.BLUE
    assert venue.risk_reasons == [gettext("No risk rule applies.")]
    assert "风险规则" in venue.risk_reasons[0]  # shown in Chinese


@pytest.mark.parametrize("kind, facts, level, reason", [
    ("lodging", {"beds": 0}, RiskLevel.ORANGE, SERIOUS_KIND),
    ("entertainment", {}, RiskLevel.ORANGE, SERIOUS_KIND),
    ("hazardous", {}, RiskLevel.ORANGE, SERIOUS_KIND),
    ("catering", {"seats": 20}, RiskLevel.YELLOW, BUSY_KIND),
    ("medical", {}, RiskLevel.YELLOW, BUSY_KIND),
    ("shopping", {"dorm_people": 2}, RiskLevel.YELLOW, SLEEP),
    ("shopping", {"uses_gas": True}, RiskLevel.YELLOW, GAS),
    ("shopping", {"floor_area": 200}, RiskLevel.YELLOW, LARGE),  # "at least" includes the number
])
def test_each_fact_of_the_venue(tree, owner, kind, facts, level, reason):
    venue = venue_with(tree, owner, kind=kind, **facts)
    assert venue.risk_level == level
    assert reasons(venue) == {reason}


def test_just_under_a_threshold_is_not_enough(tree, owner):
    venue = venue_with(tree, owner, floor_area=199.5)
    assert venue.risk_level == RiskLevel.BLUE


def test_beds_at_least(tree, owner):
    RiskRule.objects.create(factor=RiskFactor.BEDS, threshold=10, level=RiskLevel.RED, reason="床位达到10张")
    RiskRule.objects.filter(factor=RiskFactor.PEOPLE_SLEEP).update(active=False)
    nine = venue_with(tree, owner, kind="shopping", beds=9)
    ten = venue_with(tree, owner, kind="shopping", beds=10, name="十床旅店")
    assert nine.risk_level == RiskLevel.BLUE
    assert (ten.risk_level, reasons(ten)) == (RiskLevel.RED, {"床位达到10张"})


def test_an_open_major_hazard_is_red(tree, owner):
    venue = venue_with(tree, owner)
    hazard(venue, owner, severity="major", interim_measure="专人看守")
    schedule.refresh_venue(venue)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.RED, {MAJOR})


def test_a_major_hazard_reported_fixed_still_counts_until_it_is_closed(tree, owner):
    venue = venue_with(tree, owner)
    found = hazard(venue, owner, severity="major")
    Hazard.objects.filter(pk=found.pk).update(status=HazardStatus.RECTIFIED)
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.RED
    Hazard.objects.filter(pk=found.pk).update(status=HazardStatus.CLOSED)
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.BLUE


def test_three_open_hazards_are_orange(tree, owner):
    venue = venue_with(tree, owner)
    for _n in range(2):
        hazard(venue, owner)
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.BLUE
    hazard(venue, owner)
    schedule.refresh_venue(venue)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.ORANGE, {THREE_OPEN})


def test_an_overdue_hazard_is_orange(tree, owner):
    venue = venue_with(tree, owner)
    found = hazard(venue, owner)
    Hazard.objects.filter(pk=found.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    schedule.refresh_venue(venue)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.ORANGE, {OVERDUE})


def test_reporting_an_overdue_hazard_fixed_lowers_the_level_at_once(tree, owner):
    venue = venue_with(tree, owner)
    found = hazard(venue, owner)
    Hazard.objects.filter(pk=found.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.ORANGE
    hazards.add_after_photo(found, photo_upload(), owner)
    hazards.rectify(found, owner, "已整改")
    venue.refresh_from_db()
    assert venue.risk_level == RiskLevel.BLUE  # awaiting re-check, no longer overdue


def test_five_hazards_in_the_past_year_are_orange_even_when_closed(tree, owner):
    venue = venue_with(tree, owner)
    found = [hazard(venue, owner) for _n in range(5)]
    Hazard.objects.filter(pk__in=[h.pk for h in found]).update(status=HazardStatus.CLOSED)
    schedule.refresh_venue(venue)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.ORANGE, {PAST_YEAR})
    # Older than a year, they no longer count.
    Hazard.objects.filter(pk=found[0].pk).update(found_at=timezone.now() - datetime.timedelta(days=366))
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.BLUE


def test_an_overdue_self_check_is_yellow(tree, owner):
    venue = venue_with(tree, owner, approved_days_ago=40)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.YELLOW, {SELFCHECK_LATE})


def test_the_highest_level_wins_and_every_reason_is_listed_in_the_rules_order(tree, owner):
    venue = venue_with(tree, owner, kind="catering", seats=30, uses_gas=True, floor_area=260)
    assert venue.risk_level == RiskLevel.YELLOW
    hazard(venue, owner, severity="major")
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.RED
    assert [reason.split("：", 1)[1] for reason in venue.risk_reasons] == [MAJOR, BUSY_KIND, GAS, LARGE]
    assert venue.risk_reasons[0].startswith("红")  # each reason names the level its rule gives


def test_a_venue_of_several_kinds_is_assessed_on_all_of_them(tree, owner):
    venue = make_venue(tree["qinggang-1"], kind="shopping", owner=owner, floor_area=80)
    venue.other_kinds.set(VenueKind.objects.filter(slug="lodging"))
    approve(venue)
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.ORANGE, {SERIOUS_KIND})


def test_editing_a_rule_changes_the_levels(tree, owner, django_capture_on_commit_callbacks):
    venue = venue_with(tree, owner, uses_gas=True)
    assert venue.risk_level == RiskLevel.YELLOW
    rule = RiskRule.objects.get(factor=RiskFactor.GAS)
    rule.level, rule.reason = RiskLevel.ORANGE, "使用瓶装液化气"
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()  # the venues are assessed again in the background
    venue.refresh_from_db()
    assert (venue.risk_level, reasons(venue)) == (RiskLevel.ORANGE, {"使用瓶装液化气"})


def test_deactivating_a_rule_changes_the_levels(tree, owner, django_capture_on_commit_callbacks):
    venue = venue_with(tree, owner, uses_gas=True)
    rule = RiskRule.objects.get(factor=RiskFactor.GAS)
    rule.active = False
    with django_capture_on_commit_callbacks(execute=True):
        rule.save()
    venue.refresh_from_db()
    assert venue.risk_level == RiskLevel.BLUE


def test_deleting_a_rule_changes_the_levels(tree, owner, django_capture_on_commit_callbacks):
    venue = venue_with(tree, owner, uses_gas=True)
    with django_capture_on_commit_callbacks(execute=True):
        RiskRule.objects.get(factor=RiskFactor.GAS).delete()
    venue.refresh_from_db()
    assert venue.risk_level == RiskLevel.BLUE


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "rejected", "closed"])
def test_venues_not_approved_have_no_level(tree, owner, status):
    venue = make_venue(tree["qinggang-1"], kind="lodging", owner=owner, status=status, uses_gas=True)
    hazard(venue, owner, severity="major")
    risk.refresh(Venue.objects.filter(pk=venue.pk))
    venue.refresh_from_db()
    assert (venue.risk_level, venue.risk_reasons) == ("", [])


def test_a_venue_that_closes_loses_its_level(tree, owner):
    venue = venue_with(tree, owner, uses_gas=True)
    Venue.objects.filter(pk=venue.pk).update(status="closed")
    schedule.refresh_venue(venue)
    assert (venue.risk_level, venue.risk_reasons) == ("", [])


def test_a_rule_says_when_its_number_is_missing_or_not_wanted():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as missing:
        RiskRule(factor=RiskFactor.FLOOR_AREA, level="yellow", reason="面积大").full_clean()
    assert "threshold" in missing.value.message_dict
    with pytest.raises(ValidationError):
        RiskRule(factor=RiskFactor.GAS, threshold=3, level="yellow", reason="燃气").full_clean()
    RiskRule(factor=RiskFactor.GAS, level="yellow", reason="燃气").full_clean()
