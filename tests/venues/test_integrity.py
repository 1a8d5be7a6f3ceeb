"""The integrity level (venues.integrity): what the rules count over the window, each factor at,
below and above its threshold, the window's edges, the worst level winning with every reason
listed, a serious case upheld → D, and no level for a venue that is not approved."""

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.db.models import F as F_
from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest

from tests.factories import UserFactory, approve, make_staff, make_venue
from venues import integrity, schedule
from venues.models import (
    CaseStatus,
    Hazard,
    IntegrityFactor,
    IntegrityLevel,
    IntegrityRule,
    IntegritySettings,
    Refusal,
    SelfCheck,
    SeriousCase,
    Venue,
)
from venues.schedule import add_months
from venues.workflows import hazards

pytestmark = pytest.mark.django_db

F = IntegrityFactor
TODAY = datetime.date(2026, 11, 29)
START = add_months(TODAY, -12)  # the default window: 12 months, both ends counted


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def owner():
    return UserFactory(username="13900000031", mobile="13900000031")


@pytest.fixture
def staff(tree):
    return make_staff(tree["qinggang"])


@pytest.fixture
def venue(tree, owner):
    shop = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="诚信副食店"))
    # Nothing due in the window unless a test says so.
    Venue.objects.filter(pk=shop.pk).update(selfcheck_due_on=TODAY + datetime.timedelta(days=20))
    return shop


def facts(venue, today=TODAY):
    return integrity.facts_for(venue, today)


def late_selfcheck(venue, owner, due_on, submitted_on, status="accepted"):
    return SelfCheck.objects.create(venue=venue, started_by=owner, status=status, due_on=due_on,
                                    submitted_at=moment(submitted_on))


def hazard(venue, owner, found_on=TODAY, deadline=None, rectified_on=None, severity="general", item_code=""):
    made = hazards.record(venue, owner, source="selfcheck", severity=severity, description="测试隐患",
                          item_code=item_code)
    Hazard.objects.filter(pk=made.pk).update(
        found_at=moment(found_on), deadline=deadline or found_on + datetime.timedelta(days=30),
        rectified_at=moment(rectified_on) if rectified_on else None,
        status="rectified" if rectified_on else "open")
    return made


def refusal(venue, staff, on):
    import uuid

    return Refusal.objects.create(venue=venue, occurred_on=on, note="拒绝进入", recorded_by=staff,
                                  submission_id=uuid.uuid4())


def rule(factor, threshold, level, reason="理由"):
    return SimpleNamespace(factor=factor, threshold=threshold, level=level, reason=reason)


# --- The facts -----------------------------------------------------------------------------

def test_a_clean_record_counts_nothing(venue):
    assert facts(venue) == dict.fromkeys(F.values, 0)


def test_self_checks_submitted_after_their_due_date_count_as_late(venue, owner):
    late_selfcheck(venue, owner, due_on=TODAY - datetime.timedelta(days=40),
                   submitted_on=TODAY - datetime.timedelta(days=39))
    late_selfcheck(venue, owner, due_on=TODAY - datetime.timedelta(days=10),
                   submitted_on=TODAY - datetime.timedelta(days=10))  # on the day: on time
    late_selfcheck(venue, owner, due_on=TODAY - datetime.timedelta(days=70),
                   submitted_on=TODAY - datetime.timedelta(days=60), status="returned")  # not counted
    assert facts(venue)[F.SELFCHECKS_LATE] == 1


def test_a_self_check_late_in_the_evening_local_time_is_late(venue, owner):
    # 23:30 in Shanghai on the due date is 15:30 UTC: on time; 00:30 the next day is late.
    due = TODAY - datetime.timedelta(days=20)
    evening = timezone.make_aware(datetime.datetime.combine(due, datetime.time(23, 30)))
    SelfCheck.objects.create(venue=venue, started_by=owner, status="submitted", due_on=due,
                             submitted_at=evening)
    assert facts(venue)[F.SELFCHECKS_LATE] == 0
    SelfCheck.objects.create(venue=venue, started_by=owner, status="submitted", due_on=due,
                             submitted_at=timezone.make_aware(datetime.datetime.combine(
                                 due + datetime.timedelta(days=1), datetime.time(0, 30))))
    assert facts(venue)[F.SELFCHECKS_LATE] == 1


def test_the_current_due_date_passed_counts_as_one_late(venue):
    Venue.objects.filter(pk=venue.pk).update(selfcheck_due_on=TODAY - datetime.timedelta(days=1))
    assert facts(venue)[F.SELFCHECKS_LATE] == 1
    Venue.objects.filter(pk=venue.pk).update(selfcheck_due_on=TODAY)  # due today: not yet late
    assert facts(venue)[F.SELFCHECKS_LATE] == 0


def test_the_window_edges_for_self_checks(venue, owner):
    late_selfcheck(venue, owner, due_on=START, submitted_on=START + datetime.timedelta(days=3))
    assert facts(venue)[F.SELFCHECKS_LATE] == 1  # the first day of the window counts
    SelfCheck.objects.all().delete()
    late_selfcheck(venue, owner, due_on=START - datetime.timedelta(days=1),
                   submitted_on=START + datetime.timedelta(days=3))
    assert facts(venue)[F.SELFCHECKS_LATE] == 0  # the day before it does not


def test_hazards_not_fixed_by_their_deadline(venue, owner):
    deadline = TODAY - datetime.timedelta(days=5)
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=20), deadline=deadline)  # not fixed
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=20), deadline=deadline,
           rectified_on=deadline + datetime.timedelta(days=1))  # fixed a day late
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=20), deadline=deadline,
           rectified_on=deadline)  # fixed on the deadline: in time
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=3), deadline=TODAY)  # not yet due
    assert facts(venue)[F.HAZARDS_LATE] == 2


def test_a_hazard_whose_fix_was_rejected_is_late_once_its_deadline_passes(venue, owner, staff):
    deadline = TODAY - datetime.timedelta(days=2)
    made = hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=20), deadline=deadline,
                  rectified_on=deadline - datetime.timedelta(days=3))  # reported fixed in time ...
    assert facts(venue)[F.HAZARDS_LATE] == 0
    # ... but staff rejected the fix: open again, the old rectified_at kept, the deadline now passed.
    Hazard.objects.filter(pk=made.pk).update(status="open")
    assert Hazard.objects.get(pk=made.pk).rectified_at is not None
    assert facts(venue)[F.HAZARDS_LATE] == 1
    late = integrity.late_hazards(TODAY).filter(venue=venue).annotate(day=F_("bad_on")).get()
    assert late.pk == made.pk and late.day == TODAY  # still bad today, not on the rejected fix's day


def test_the_window_edges_for_hazard_deadlines(venue, owner):
    hazard(venue, owner, found_on=START - datetime.timedelta(days=30), deadline=START)
    assert facts(venue)[F.HAZARDS_LATE] == 1
    Hazard.objects.update(deadline=START - datetime.timedelta(days=1))
    assert facts(venue)[F.HAZARDS_LATE] == 0


def test_major_hazards_found_in_the_window(venue, owner):
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=10), severity="major")
    hazard(venue, owner, found_on=START, severity="major")  # the window's first day
    hazard(venue, owner, found_on=START - datetime.timedelta(days=1), severity="major")  # before it
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=10), severity="general")
    assert facts(venue)[F.MAJOR_HAZARDS] == 2


def test_the_item_failed_most_often_counts(venue, owner):
    for days in (10, 40, 70):
        hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=days), item_code="exits")
    hazard(venue, owner, found_on=START - datetime.timedelta(days=2), item_code="exits")  # outside
    hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=10), item_code="wiring")
    for days in (10, 20, 30, 40):
        hazard(venue, owner, found_on=TODAY - datetime.timedelta(days=days))  # no item: not counted
    assert facts(venue)[F.REPEATED_ITEM] == 3


def test_refusals_in_the_window(venue, staff):
    refusal(venue, staff, TODAY)
    refusal(venue, staff, START)
    refusal(venue, staff, START - datetime.timedelta(days=1))
    assert facts(venue)[F.REFUSALS] == 2


def test_a_shorter_window_counts_less(venue, staff):
    refusal(venue, staff, TODAY - datetime.timedelta(days=100))
    IntegritySettings.objects.create(window_months=3)
    assert facts(venue)[F.REFUSALS] == 0


def test_the_facts_of_many_venues_in_one_query(tree, owner, staff, django_assert_num_queries):
    shops = [approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name=f"店{n}"))
             for n in range(4)]
    for shop in shops[:2]:
        refusal(shop, staff, TODAY)
    with django_assert_num_queries(1):
        rows = {shop.pk: integrity.facts_of(shop) for shop in integrity.with_integrity_facts(
            Venue.objects.filter(pk__in=[shop.pk for shop in shops]), TODAY, 12)}
    assert sorted(row[F.REFUSALS] for row in rows.values()) == [0, 0, 1, 1]


# --- The rule (pure) -----------------------------------------------------------------------

@pytest.mark.parametrize("factor", F.values)
@pytest.mark.parametrize("count, applies", [(1, False), (2, True), (3, True)])
def test_each_factor_below_at_and_above_its_threshold(factor, count, applies):
    counts = dict.fromkeys(F.values, 0) | {factor: count}
    level, reasons = integrity.assess(counts, [rule(factor, 2, "C", "原因")])
    assert level == ("C" if applies else "A")
    assert (reasons == [f"{IntegrityLevel.C.label}：原因"]) == applies


def test_no_rule_applies_gives_a_with_a_reason():
    level, reasons = integrity.assess(dict.fromkeys(F.values, 0), [rule(F.REFUSALS, 1, "C")])
    assert level == "A"
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        assert reasons == [gettext("No integrity rule applies.")]


def test_the_worst_level_wins_and_every_reason_is_listed_in_the_rules_order():
    rules = [rule(F.SELFCHECKS_LATE, 1, "B", "一"), rule(F.REFUSALS, 3, "D", "二"),
             rule(F.HAZARDS_LATE, 1, "C", "三"), rule(F.MAJOR_HAZARDS, 5, "D", "四")]
    counts = dict.fromkeys(F.values, 0) | {F.SELFCHECKS_LATE: 2, F.REFUSALS: 3, F.HAZARDS_LATE: 1}
    level, reasons = integrity.assess(counts, rules)
    assert level == "D"
    assert [reason.split("：", 1)[1] for reason in reasons] == ["一", "二", "三"]
    assert reasons[0].startswith(str(IntegrityLevel.B.label))


def test_an_upheld_serious_case_sets_d_naming_the_decision_date():
    decided = timezone.make_aware(datetime.datetime(2026, 10, 31, 20, 0))  # 20:00 local
    level, reasons = integrity.assess(dict.fromkeys(F.values, 0), [rule(F.REFUSALS, 1, "B")],
                                      SimpleNamespace(decided_at=decided))
    assert level == "D"
    assert len(reasons) == 1 and "2026-10-31" in reasons[0]


# --- Kept on the venue ---------------------------------------------------------------------

def test_the_seeded_rules_give_b_for_one_late_self_check_with_its_reason(venue, owner):
    late_selfcheck(venue, owner, due_on=TODAY - datetime.timedelta(days=40),
                   submitted_on=TODAY - datetime.timedelta(days=30))
    integrity.refresh(Venue.objects.filter(pk=venue.pk), TODAY)
    venue.refresh_from_db()
    assert venue.integrity_level == "B"
    assert [reason.split("：", 1)[1] for reason in venue.integrity_reasons] == ["有自查未按时完成"]


def test_the_seeded_rules_give_d_for_three_refusals(venue, staff):
    for days in (1, 2, 3):
        refusal(venue, staff, TODAY - datetime.timedelta(days=days))
    integrity.refresh(Venue.objects.filter(pk=venue.pk), TODAY)
    venue.refresh_from_db()
    assert venue.integrity_level == "D"
    shown = {reason.split("：", 1)[1] for reason in venue.integrity_reasons}
    assert shown == {"拒不配合检查", "多次拒不配合检查"}


def test_an_inactive_rule_does_not_count(venue, staff):
    refusal(venue, staff, TODAY)
    IntegrityRule.objects.filter(factor=F.REFUSALS).update(active=False)
    integrity.refresh(Venue.objects.filter(pk=venue.pk), TODAY)
    venue.refresh_from_db()
    assert venue.integrity_level == "A"


def test_an_upheld_case_makes_the_venue_d_until_repaired(venue, owner, staff):
    import uuid

    case = SeriousCase.objects.create(venue=venue, operator_name="张三", facts="事实", proposed_by=staff,
                                      submission_id=uuid.uuid4(), status=CaseStatus.UPHELD,
                                      decided_at=moment(TODAY - datetime.timedelta(days=3)))
    schedule.refresh_venue(venue)
    assert venue.integrity_level == "D"
    assert (TODAY - datetime.timedelta(days=3)).isoformat() in venue.integrity_reasons[0]
    SeriousCase.objects.filter(pk=case.pk).update(status=CaseStatus.REPAIRED)
    schedule.refresh_venue(venue)
    assert venue.integrity_level == "A"


def test_a_venue_not_approved_has_no_level(tree, owner, staff):
    draft = make_venue(tree["qinggang-1"], "shopping", owner=owner)
    refusal(draft, staff, TODAY)
    schedule.refresh_venue(draft)
    assert (draft.integrity_level, draft.integrity_reasons) == ("", [])


def test_the_rank_orders_d_first(tree, owner):
    shops = {}
    for level in "BDAC":
        shops[level] = approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name=level))
        Venue.objects.filter(pk=shops[level].pk).update(integrity_level=level)
    ordered = (Venue.objects.filter(pk__in=[s.pk for s in shops.values()])
               .annotate(rank=integrity.integrity_rank()).order_by("-rank"))
    assert [shop.integrity_level for shop in ordered] == ["D", "C", "B", "A"]


def test_the_explanation_of_a_gives_no_number_the_venue_may_not_have():
    with translation.override("en"):
        texts = {level: text for level, _label, text in
                 integrity.level_explanations(IntegritySettings(a_interval_months=4))}
    assert "4" not in texts["A"]  # a kind asking for 6 months keeps 6: the page shows the venue's own
