"""The integrity level's effect (venues.schedule, venues.workflows.patrols): the self-check interval
at A, B, C and D with and without the risk level's shorter interval, due dates moving when the
level changes, and the patrol worklist putting the worse level first."""

import datetime
import uuid
from types import SimpleNamespace

from django.utils import timezone

import pytest

from tests.factories import UserFactory, approve, make_member, make_staff, make_venue
from venues import schedule
from venues.models import IntegritySettings, Refusal, SafetyRules, Venue
from venues.roles import GRID_WORKER
from venues.schedule import add_months, interval_months
from venues.workflows import patrols

pytestmark = pytest.mark.django_db

RULES = SimpleNamespace(red_interval_months=1, orange_interval_months=2)  # SafetyRules' fields
NO_RISK_RULES = SimpleNamespace(red_interval_months=None, orange_interval_months=None)
LEVELS = SimpleNamespace(a_interval_months=6, c_interval_months=2, d_interval_months=1)


@pytest.mark.parametrize("kind_months, risk, level, expected", [
    # A: the longer A interval is used; the kind's own when longer; a high risk still shortens it.
    (3, "blue", "A", 6),
    (12, "blue", "A", 12),
    (3, "orange", "A", 2),
    (3, "red", "A", 1),
    # B: the kind's interval, shortened by the risk level only.
    (3, "blue", "B", 3),
    (3, "orange", "B", 2),
    # C and D: their interval where shorter.
    (3, "blue", "C", 2),
    (1, "blue", "C", 1),
    (3, "orange", "C", 2),
    (3, "yellow", "D", 1),
    (3, "red", "D", 1),
    (12, "blue", "D", 1),
    # No level (not approved): as before levels existed.
    (3, "blue", "", 3),
])
def test_the_interval_by_integrity_and_risk_level(kind_months, risk, level, expected):
    assert interval_months(kind_months, risk, RULES, level, LEVELS) == expected


def test_empty_settings_change_nothing():
    empty = SimpleNamespace(a_interval_months=None, c_interval_months=None, d_interval_months=None)
    for level in "ABCD":
        assert interval_months(3, "blue", NO_RISK_RULES, level, empty) == 3


def test_the_default_settings_check_a_venues_every_two_months_and_d_venues_monthly():
    defaults = IntegritySettings()
    assert interval_months(1, "blue", NO_RISK_RULES, "A", defaults) == 2
    assert interval_months(3, "blue", NO_RISK_RULES, "D", defaults) == 1


@pytest.fixture
def owner():
    return UserFactory(username="13900000041", mobile="13900000041")


@pytest.fixture
def staff(tree):
    return make_staff(tree["qinggang"])


def refuse(venue, staff, times=1):
    for _ in range(times):
        Refusal.objects.create(venue=venue, occurred_on=timezone.localdate(), note="拒绝进入",
                               recorded_by=staff, submission_id=uuid.uuid4())
    schedule.refresh_venue(venue)


def test_due_dates_move_when_the_level_changes(tree, owner, staff):
    approved = timezone.now() - datetime.timedelta(days=10)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner), at=approved)  # monthly kind
    start = timezone.localdate(approved)
    assert shop.integrity_level == "A"
    assert shop.selfcheck_due_on == add_months(start, 2)  # A: every 2 months (the default)
    refuse(shop, staff)  # the seeded rule: one refusal → C (no C interval by default: the kind's)
    assert shop.integrity_level == "C"
    assert shop.selfcheck_due_on == add_months(start, 1)
    IntegritySettings.objects.create(c_interval_months=1, a_interval_months=4)
    schedule.refresh_venue(shop)
    assert shop.selfcheck_due_on == add_months(start, 1)
    Refusal.objects.filter(venue=shop).delete()
    schedule.refresh_venue(shop)  # back to A, with the town's new A interval
    assert (shop.integrity_level, shop.selfcheck_due_on) == ("A", add_months(start, 4))


def test_a_red_risk_still_shortens_the_a_interval(tree, owner):
    from venues.workflows import hazards

    rules = SafetyRules.current()
    rules.red_interval_months = 1
    rules.save()
    IntegritySettings.objects.create(a_interval_months=4)
    approved = timezone.now() - datetime.timedelta(days=5)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner), at=approved)
    start = timezone.localdate(approved)
    assert shop.selfcheck_due_on == add_months(start, 4)
    hazards.record(shop, owner, source="selfcheck", severity="major", description="安全出口上锁")
    schedule.refresh_venue(shop)
    assert (shop.risk_level, shop.integrity_level) == ("red", "A")
    assert shop.selfcheck_due_on == add_months(start, 1)


def test_the_worklist_puts_the_worse_integrity_level_first(tree, owner):
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    first_by_name = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="A店"))
    second_by_name = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="B店"))
    names = [venue.name for venue in patrols.worklist(worker)]
    assert names.index("A店") < names.index("B店")  # equal in everything: by name
    Venue.objects.filter(pk=second_by_name.pk).update(integrity_level="C")
    Venue.objects.filter(pk=first_by_name.pk).update(integrity_level="B")
    rows = list(patrols.worklist(worker))
    names = [venue.name for venue in rows]
    assert names.index("B店") < names.index("A店")
    assert {venue.name: venue.integrity_rank for venue in rows}["B店"] == 3


def test_the_worklist_shows_the_level(client, tree, owner, monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="A店"))
    Venue.objects.filter(pk=shop.pk).update(integrity_level="D")
    client.force_login(worker)
    from django.urls import reverse

    page = client.get(reverse("venues_patrol_worklist")).content.decode()
    card = page[page.index(f'id="patrol-venue-{shop.pk}"'):]
    card = card[:card.index("</ul>")]
    assert "patrol-flag" in card  # D is flagged
    assert str(Venue.objects.get(pk=shop.pk).get_integrity_level_display()) in card


# --- A worse level never makes the self-check due at once (review fix) ---------------------

def local_today():
    from venues import figures

    return figures.local_today()


def test_a_worse_level_never_backdates_the_due_date(tree, owner):
    from venues import integrity
    from venues.models import Hazard
    from venues.workflows import hazards

    approved = timezone.now() - datetime.timedelta(days=45)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner), at=approved)  # monthly kind
    start = timezone.localdate(approved)
    today = local_today()
    assert shop.integrity_level == "A" and shop.selfcheck_interval_months == 2
    assert shop.selfcheck_due_on == add_months(start, 2) > today  # due in about two weeks
    made = hazards.record(shop, owner, source="selfcheck", severity="general", description="灭火器过期")
    Hazard.objects.filter(pk=made.pk).update(deadline=today - datetime.timedelta(days=1))  # late: B
    schedule.refresh_venue(shop)
    assert shop.integrity_level == "B"
    assert add_months(start, 1) < today  # the kind's month alone would be already past ...
    remind = SafetyRules.current().remind_days_before
    assert shop.selfcheck_due_on == today + datetime.timedelta(days=remind)  # ... the reminder's days
    assert not schedule.state(shop, today).overdue
    assert integrity.facts_for(shop, today)["selfchecks_late"] == 0
    schedule.refresh_venue(shop)  # the daily job again: the date is held, not backdated later
    assert shop.selfcheck_due_on == today + datetime.timedelta(days=remind)
    assert shop.integrity_level == "B"


def test_a_worse_level_keeps_a_due_date_already_within_the_reminder_window(tree, owner):
    from venues.models import Hazard
    from venues.workflows import hazards

    approved = timezone.now() - datetime.timedelta(days=400)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner), at=approved)
    today = local_today()
    Venue.objects.filter(pk=shop.pk).update(selfcheck_due_on=today + datetime.timedelta(days=1),
                                            selfcheck_interval_months=2)  # as computed at A
    made = hazards.record(shop, owner, source="selfcheck", severity="general", description="灭火器过期")
    Hazard.objects.filter(pk=made.pk).update(deadline=today - datetime.timedelta(days=1))
    schedule.refresh_venue(shop)
    assert shop.integrity_level == "B"
    assert shop.selfcheck_due_on == today + datetime.timedelta(days=1)  # never later than it was


def test_a_returned_self_check_still_brings_the_earlier_due_date_back(tree, owner):
    from venues.models import SelfCheck

    approved = timezone.now() - datetime.timedelta(days=70)
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner), at=approved)
    start = timezone.localdate(approved)
    done = timezone.now() - datetime.timedelta(days=3)
    check = SelfCheck.objects.create(venue=shop, started_by=owner, status="submitted",
                                     due_on=add_months(start, 2), submitted_at=done)
    schedule.refresh_venue(shop)
    months = shop.selfcheck_interval_months  # B: it was overdue before the self-check came
    assert shop.selfcheck_due_on == add_months(timezone.localdate(done), months)
    SelfCheck.objects.filter(pk=check.pk).update(status="returned")
    schedule.refresh_venue(shop)
    # The earlier due date is back (one interval after approval): overdue again, not held off.
    assert shop.selfcheck_due_on in (add_months(start, 1), add_months(start, 2))
    assert shop.selfcheck_due_on < local_today() and schedule.state(shop, local_today()).overdue
