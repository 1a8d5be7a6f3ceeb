"""When a venue's next self-check is due (venues.schedule): one interval after approval, then
one interval after the last self-check that was accepted or awaits review; the shortest
interval of its kinds, or the town's shorter one at red or orange risk; overdue from dates."""

import datetime

from django.utils import timezone

import pytest

from tests.factories import UserFactory, approve, fill_selfcheck, make_staff, make_venue
from venues import schedule
from venues.models import RiskLevel, SafetyRules, SelfCheck, Venue, VenueKind, VenueStatus
from venues.schedule import add_months
from venues.workflows import hazards, selfchecks

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def kinds_own_interval_at_integrity_a():
    """These tests were written before integrity levels (issue 12): the town keeps each kind's own
    interval at level A (tests/venues/test_integrity_schedule.py covers the levels' effect)."""
    from venues.models import IntegritySettings

    IntegritySettings.objects.create(a_interval_months=None)


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 1, 15), 1, D(2026, 2, 15)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # the last day of a shorter month
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # a leap year
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),  # across the new year
    (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 5, 20), 12, D(2027, 5, 20)),
    (D(2026, 5, 20), 25, D(2028, 6, 20)),
    (D(2026, 5, 20), 0, D(2026, 5, 20)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def moment(day, hour=10):
    """A time of ``day`` in the town's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def owner():
    return UserFactory(username="13900000001", mobile="13900000001")


@pytest.fixture
def reviewer(tree):
    return make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "review_selfcheck"))


@pytest.fixture
def venue(tree, owner):
    """A small shop: monthly self-checks, no risk rule that shortens them."""
    return make_venue(tree["qinggang-1"], kind="shopping", owner=owner, name="青杠副食店")


def submitted(venue, owner, on, fail=()):
    """A self-check of ``venue`` submitted on the date ``on``."""
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=fail)
    check = selfchecks.submit(check, owner)
    SelfCheck.objects.filter(pk=check.pk).update(submitted_at=moment(on))
    schedule.refresh_venue(venue)
    return check


def test_a_venue_not_yet_approved_has_no_due_date(venue):
    schedule.refresh_venue(venue)
    assert venue.selfcheck_due_on is None


def test_the_first_self_check_is_due_one_interval_after_approval(venue):
    approve(venue, at=moment(D(2026, 1, 31)))
    assert venue.selfcheck_due_on == D(2026, 2, 28)


def test_the_date_is_the_towns_date_not_utcs(venue):
    # 07:00 in Chongqing is still the day before in UTC.
    approve(venue, at=moment(D(2026, 3, 10), hour=7))
    assert venue.selfcheck_due_on == D(2026, 4, 10)


def test_the_kinds_interval_counts(venue):
    VenueKind.objects.filter(slug="shopping").update(selfcheck_interval_months=3)
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.selfcheck_due_on == D(2026, 4, 10)


def test_the_next_is_due_one_interval_after_a_self_check_awaiting_review(venue, owner):
    approve(venue, at=moment(D(2026, 1, 10)))
    submitted(venue, owner, D(2026, 2, 3))
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 3, 3)


def test_the_next_is_due_one_interval_after_the_last_accepted(venue, owner, reviewer):
    approve(venue, at=moment(D(2026, 1, 10)))
    first = submitted(venue, owner, D(2026, 2, 3))
    selfchecks.accept(first, reviewer)
    second = submitted(venue, owner, D(2026, 3, 1))
    selfchecks.accept(second, reviewer)
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 4, 1)


def test_a_returned_self_check_does_not_count(venue, owner, reviewer):
    approve(venue, at=moment(D(2026, 1, 10)))
    accepted = submitted(venue, owner, D(2026, 2, 3))
    selfchecks.accept(accepted, reviewer)
    careless = submitted(venue, owner, D(2026, 3, 1))
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 4, 1)
    selfchecks.return_(careless, reviewer, "每一项都选了“是”，请认真检查。")
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 3, 3)  # due again as after the accepted one


def test_a_draft_does_not_count(venue, owner):
    approve(venue, at=moment(D(2026, 1, 10)))
    fill_selfcheck(selfchecks.start(venue, owner), owner)
    schedule.refresh_venue(venue)
    assert venue.selfcheck_due_on == D(2026, 2, 10)


def test_a_venue_of_several_kinds_takes_the_shortest_interval(venue):
    VenueKind.objects.filter(slug="shopping").update(selfcheck_interval_months=6)
    VenueKind.objects.filter(slug="catering").update(selfcheck_interval_months=2)
    VenueKind.objects.filter(slug="leisure").update(selfcheck_interval_months=3)
    venue.other_kinds.set(VenueKind.objects.filter(slug__in=["catering", "leisure"]))
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.selfcheck_due_on == D(2026, 3, 10)


def set_rules(**values):
    rules = SafetyRules.current()
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()
    return rules


def test_a_red_venue_checks_itself_as_often_as_the_town_says(venue, owner):
    VenueKind.objects.filter(slug="shopping").update(selfcheck_interval_months=3)
    set_rules(red_interval_months=1)
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.selfcheck_due_on == D(2026, 4, 10)  # blue: the kind's interval
    hazards.record(venue, owner, source="selfcheck", severity="major", description="安全出口上锁",
                   interim_measure="营业时有人守门")
    schedule.refresh_venue(venue)
    assert venue.risk_level == RiskLevel.RED
    assert venue.selfcheck_due_on == D(2026, 2, 10)


def test_an_orange_venue_checks_itself_as_often_as_the_town_says(tree, owner):
    VenueKind.objects.filter(slug="lodging").update(selfcheck_interval_months=3)
    set_rules(orange_interval_months=2, red_interval_months=1)
    inn = approve(make_venue(tree["qinggang-1"], kind="lodging", owner=owner, name="青杠客栈", beds=8),
                  at=moment(D(2026, 1, 10)))
    assert inn.risk_level == RiskLevel.ORANGE
    assert inn.selfcheck_due_on == D(2026, 3, 10)


def test_the_towns_interval_never_lengthens_the_kinds(venue, owner):
    set_rules(red_interval_months=6)
    hazards.record(venue, owner, source="selfcheck", severity="major", description="安全出口上锁")
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.risk_level == RiskLevel.RED
    assert venue.selfcheck_due_on == D(2026, 2, 10)


def test_overdue_and_due_soon_are_derived_from_the_date(venue):
    approve(venue, at=moment(D(2026, 1, 10)))  # due 10 February
    due = D(2026, 2, 10)
    assert schedule.state(venue, today=D(2026, 2, 1), remind_days=3) == schedule.SelfCheckState(
        due, overdue=False, due_soon=False, days=9)
    assert schedule.state(venue, today=D(2026, 2, 7), remind_days=3).due_soon
    assert schedule.state(venue, today=due, remind_days=3).due_soon
    late = schedule.state(venue, today=D(2026, 2, 11), remind_days=3)
    assert late.overdue and not late.due_soon and late.days == -1
    overdue = Venue.objects.filter(schedule.overdue_q(today=D(2026, 2, 11)))
    assert list(overdue) == [venue]
    assert not Venue.objects.filter(schedule.overdue_q(today=due)).exists()


def test_the_reminder_window_comes_from_the_safety_rules(venue):
    approve(venue, at=moment(D(2026, 1, 10)))
    set_rules(remind_days_before=7)
    assert schedule.state(venue, today=D(2026, 2, 3)).due_soon
    assert not schedule.state(venue, today=D(2026, 2, 2)).due_soon


def test_a_closed_venue_is_not_due(venue, owner):
    approve(venue, at=moment(D(2026, 1, 10)))
    Venue.objects.filter(pk=venue.pk).update(status=VenueStatus.CLOSED)
    schedule.refresh_venue(venue)
    assert venue.selfcheck_due_on is None and venue.risk_level == ""
    assert not Venue.objects.filter(schedule.overdue_q(today=D(2027, 1, 1))).exists()


def test_editing_a_kinds_interval_moves_due_dates_in_the_background(
    venue, django_capture_on_commit_callbacks
):
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.selfcheck_due_on == D(2026, 2, 10)
    kind = VenueKind.objects.get(slug="shopping")
    kind.selfcheck_interval_months = 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kind.save()
    assert callbacks  # the refresh runs as a task once the change is committed
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 3, 10)


def test_editing_the_safety_rules_moves_due_dates_in_the_background(
    venue, owner, django_capture_on_commit_callbacks
):
    hazards.record(venue, owner, source="selfcheck", severity="major", description="安全出口上锁")
    VenueKind.objects.filter(slug="shopping").update(selfcheck_interval_months=3)
    approve(venue, at=moment(D(2026, 1, 10)))
    assert venue.selfcheck_due_on == D(2026, 4, 10)
    with django_capture_on_commit_callbacks(execute=True):
        set_rules(red_interval_months=1)
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == D(2026, 2, 10)


def test_submitting_an_overdue_self_check_clears_the_overdue_risk_at_once(venue, owner):
    """The level reads the due date and the due date moves on submitting: both are current
    straight after, not only after the next daily job."""
    approve(venue, at=timezone.now() - datetime.timedelta(days=70))
    assert venue.selfcheck_due_on < timezone.localdate()
    assert any("自查逾期" in reason for reason in venue.risk_reasons)
    check = fill_selfcheck(selfchecks.start(venue, owner), owner)
    selfchecks.submit(check, owner)
    venue.refresh_from_db()
    assert venue.selfcheck_due_on > timezone.localdate()
    assert not any("自查逾期" in reason for reason in venue.risk_reasons)


def test_a_reopened_venue_counts_from_its_new_approval(venue, owner):
    approve(venue, at=moment(D(2025, 1, 10)))
    submitted(venue, owner, on=D(2025, 3, 1))
    approve(venue, at=moment(D(2026, 11, 20)))  # closed for a year, then reopened
    assert venue.selfcheck_due_on == D(2026, 12, 20)


def test_no_first_self_check_falls_due_before_the_towns_start(venue):
    set_rules(selfchecks_start_on=D(2026, 11, 1))
    approve(venue, at=moment(D(2024, 5, 3)))  # registered long before the service began
    assert venue.selfcheck_due_on == D(2026, 12, 1)


def test_an_interval_below_one_month_is_refused():
    from django.core.exceptions import ValidationError

    kind = VenueKind.objects.get(slug="shopping")
    kind.selfcheck_interval_months = 0
    with pytest.raises(ValidationError) as refused:
        kind.full_clean()
    assert "selfcheck_interval_months" in refused.value.message_dict
