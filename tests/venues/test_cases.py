"""诚信, serious cases: refusals to cooperate and each step of the serious-case procedure
(venues.workflows.cases): who may take it and when (permission, scope, state, date), the dates it
writes, the owner's messages, resends making one row, repair after good conduct, and the daily job."""

import datetime
import io
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

import pytest

from tests.factories import UserFactory, make_member, make_venue, photo_upload
from venues.models import (
    AuditEntry,
    CaseStatus,
    Hazard,
    HazardSource,
    IntegritySettings,
    Message,
    Refusal,
    SeriousCase,
    Severity,
    Venue,
    VenueStatus,
)
from venues.roles import GRID_WORKER, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.schedule import add_months
from venues.workflows import cases

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(tree):
    owner = UserFactory(username="case-owner", mobile="13900000021")
    venue = make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, owner=owner,
                       name="青杠火锅店", uses_gas=True, operator_mobile="13800000031")
    other = make_venue(tree["mugen-1"], "catering", status=VenueStatus.APPROVED, name="木根饭庄",
                       uses_gas=True, operator_mobile="13800000032")
    # Registered a year ago (refusals may not be dated before the registration).
    Venue.objects.filter(pk=venue.pk).update(created_at=timezone.now() - datetime.timedelta(days=365))
    venue.refresh_from_db()
    return {
        "owner": owner, "venue": venue, "other": other,
        "staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "grid": make_member(GRID_WORKER, tree["qinggang-1"]),
        "leader": make_member(LEADER, tree["town"]),
        "town": make_member(TOWN_OFFICE, tree["town"]),
    }


def proposed(world, **kwargs):
    return cases.propose(world["staff"], world["venue"], kwargs.pop("facts", "多次拒绝检查，燃气管道私接"),
                         submission_id=kwargs.pop("submission_id", uuid.uuid4()), **kwargs)


def notified(world):
    return cases.notify(world["staff"], proposed(world))


def past_objection(case):
    """The case as it is once its objection period is over (the date set back)."""
    SeriousCase.objects.filter(pk=case.pk).update(objection_until=timezone.localdate() - DAY)
    case.refresh_from_db()
    return case


# --- Refusals ------------------------------------------------------------------------------

def test_a_refusal_is_recorded_once_audited_and_told_to_the_owner(world):
    sid, today = uuid.uuid4(), timezone.localdate()
    first = cases.record_refusal(world["grid"], world["venue"], today - DAY, "拒绝巡查人员进入后厨", sid)
    again = cases.record_refusal(world["grid"], world["venue"], today - DAY, "拒绝巡查人员进入后厨", sid)
    assert first.pk == again.pk and Refusal.objects.count() == 1
    assert AuditEntry.objects.filter(action="refusal.record", object_id=str(first.pk)).count() == 1
    assert Message.objects.filter(recipient=world["owner"], venue=world["venue"]).count() == 1


def test_a_refusal_in_the_future_or_without_a_note_is_refused_beside_the_field(world):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        cases.record_refusal(world["staff"], world["venue"], today + DAY, "拒绝", uuid.uuid4())
    assert "occurred_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        cases.record_refusal(world["staff"], world["venue"], today, "  ", uuid.uuid4())
    assert "note" in error.value.message_dict
    assert not Refusal.objects.exists()


def test_a_refusal_needs_the_permission_the_scope_and_an_approved_venue(world, tree):
    today = timezone.localdate()
    for who in ("mg_staff", "leader"):  # out of scope; no add_refusal
        with pytest.raises(PermissionDenied):
            cases.record_refusal(world[who], world["venue"], today, "拒绝", uuid.uuid4())
    draft = make_venue(tree["qinggang-1"], name="未审核店")
    with pytest.raises(PermissionDenied):
        cases.record_refusal(world["staff"], draft, today, "拒绝", uuid.uuid4())
    assert not Refusal.objects.exists()


# --- Proposal ----------------------------------------------------------------------------------

def test_a_proposal_copies_the_operator_and_keeps_the_evidence_of_that_venue_only(world):
    venue = world["venue"]
    refusal = cases.record_refusal(world["staff"], venue, timezone.localdate(), "拒绝检查", uuid.uuid4())
    hazard = Hazard.objects.create(venue=venue, source=HazardSource.PATROL, severity=Severity.MAJOR,
                                   description="燃气管道私接", deadline=timezone.localdate())
    elsewhere = Hazard.objects.create(venue=world["other"], source=HazardSource.PATROL,
                                      severity=Severity.MAJOR, description="别家",
                                      deadline=timezone.localdate())
    told = Message.objects.filter(recipient=world["owner"]).count()  # of the refusal
    case = proposed(world, hazards=[hazard, elsewhere], refusals=[refusal], photos=[photo_upload()])
    assert case.status == CaseStatus.PROPOSED
    assert (case.operator_name, case.operator_mobile) == (venue.operator_name, "13800000031")
    assert list(case.hazards.all()) == [hazard]
    assert list(case.refusals.all()) == [refusal]
    evidence = case.evidence.get()
    assert evidence.file.name.startswith(f"cases/{venue.pk}/") and evidence.width == 320
    assert AuditEntry.objects.filter(action="case.propose", object_id=str(case.pk)).exists()
    # Nothing is told to the owner before the notice.
    assert Message.objects.filter(recipient=world["owner"]).count() == told


def test_a_resent_proposal_makes_one_case_and_a_second_open_case_is_refused(world):
    sid = uuid.uuid4()
    first = proposed(world, submission_id=sid)
    assert proposed(world, submission_id=sid).pk == first.pk
    with pytest.raises(ValidationError) as error:
        proposed(world)
    assert "__all__" in error.value.message_dict
    assert SeriousCase.objects.count() == 1


def test_a_proposal_needs_the_permission_and_the_scope(world):
    for who in ("grid", "leader", "mg_staff"):
        with pytest.raises(PermissionDenied):
            cases.propose(world[who], world["venue"], "事实", submission_id=uuid.uuid4())
    with pytest.raises(ValidationError):
        cases.propose(world["staff"], world["venue"], " ", submission_id=uuid.uuid4())
    assert not SeriousCase.objects.exists()


# --- Notice and objection ------------------------------------------------------------------------

def test_notice_sets_the_objection_date_from_the_settings_and_tells_the_owner(world):
    IntegritySettings.objects.create(objection_days=10)
    case = notified(world)
    assert case.status == CaseStatus.NOTIFIED and case.notified_at is not None
    assert case.objection_until == timezone.localdate() + 10 * DAY
    message = Message.objects.get(recipient=world["owner"])
    assert "多次拒绝检查" in message.body and f"{case.objection_until:%Y-%m-%d}" in message.body
    with pytest.raises(PermissionDenied):  # not twice
        cases.notify(world["staff"], case)


def test_notice_needs_change_permission_and_scope(world):
    case = proposed(world)
    for who in ("mg_staff", "leader", "grid"):
        with pytest.raises(PermissionDenied):
            cases.notify(world[who], case)
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED


def test_the_owner_objects_until_the_date_and_may_change_it_then_not_after(world):
    case = notified(world)
    with pytest.raises(PermissionDenied):
        cases.object_to(world["staff"], case, "不服")
    cases.object_to(world["owner"], case, "我们已经整改")
    cases.object_to(world["owner"], case, "我们已经整改，并补充材料")
    case.refresh_from_db()
    assert case.objection == "我们已经整改，并补充材料" and case.objected_at is not None
    # On the last day still; the day after, refused.
    assert cases.may_object(world["owner"], case, case.objection_until)
    with pytest.raises(ValidationError):
        cases.object_to(world["owner"], case, "晚了", today=case.objection_until + DAY)
    case.refresh_from_db()
    assert case.objection == "我们已经整改，并补充材料"


def test_a_proposed_case_cannot_be_objected_to(world):
    case = proposed(world)
    with pytest.raises(ValidationError):
        cases.object_to(world["owner"], case, "不服")


# --- Decision ----------------------------------------------------------------------------------

def test_a_decision_before_the_objection_date_has_passed_is_refused(world):
    case = notified(world)
    with pytest.raises(ValidationError):
        cases.decide(world["leader"], case, True, "事实清楚")
    with pytest.raises(ValidationError):
        cases.decide(world["leader"], case, True, "事实清楚", today=case.objection_until)
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED


def test_only_a_leader_decides(world):
    case = past_objection(notified(world))
    for who in ("staff", "town", "grid"):
        with pytest.raises(PermissionDenied):
            cases.decide(world[who], case, True, "事实清楚")


def test_upheld_sets_the_dates_publishes_and_tells_the_owner(world):
    IntegritySettings.objects.create(repair_months=6, publish_decisions=True)
    case = past_objection(notified(world))
    case = cases.decide(world["leader"], case, True, "事实清楚，证据确凿")
    today = timezone.localdate()
    assert case.status == CaseStatus.UPHELD and case.published
    assert timezone.localtime(case.decided_at).date() == today
    assert case.repair_on == add_months(today, 6)
    told = Message.objects.filter(recipient=world["owner"], subject__contains=world["venue"].name)
    assert told.count() == 2  # the notice, the decision
    assert AuditEntry.objects.filter(action="case.decide", object_id=str(case.pk)).exists()
    # A new case may be opened now that this one is decided.
    assert proposed(world).status == CaseStatus.PROPOSED


def test_upheld_is_not_published_when_the_settings_say_not(world):
    IntegritySettings.objects.create(publish_decisions=False)
    case = cases.decide(world["leader"], past_objection(notified(world)), True, "事实清楚")
    assert case.status == CaseStatus.UPHELD and not case.published


def test_dismissed_closes_the_case_and_tells_the_owner(world):
    case = cases.decide(world["leader"], past_objection(notified(world)), False, "证据不足")
    assert case.status == CaseStatus.DISMISSED and not case.published and case.repair_on is None
    assert Message.objects.filter(recipient=world["owner"]).count() == 2


def test_a_decision_needs_its_grounds(world):
    case = past_objection(notified(world))
    with pytest.raises(ValidationError):
        cases.decide(world["leader"], case, True, "")


# --- Withdrawal ----------------------------------------------------------------------------------

def test_withdrawal_before_the_decision_only(world):
    case = proposed(world)
    cases.withdraw(world["staff"], case, "证据不足，撤回")
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and case.closed_note == "证据不足，撤回"
    assert not Message.objects.filter(recipient=world["owner"]).exists()  # never notified
    decided = cases.decide(world["leader"], past_objection(notified(world)), False, "证据不足")
    with pytest.raises(PermissionDenied):
        cases.withdraw(world["staff"], decided, "晚了")


def test_withdrawing_a_notified_case_tells_the_owner(world):
    case = notified(world)
    cases.withdraw(world["staff"], case, "已核实无误")
    assert Message.objects.filter(recipient=world["owner"]).count() == 2


# --- Repair ----------------------------------------------------------------------------------

def decided_back(world, months_ago):
    """An upheld case decided ``months_ago`` months ago."""
    case = cases.decide(world["leader"], past_objection(notified(world)), True, "事实清楚")
    at = timezone.now() - datetime.timedelta(days=31 * months_ago)
    SeriousCase.objects.filter(pk=case.pk).update(decided_at=at)
    case.refresh_from_db()
    return case


def test_repair_after_the_time_of_good_conduct(world):
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    assert cases.repair_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.REPAIRED and not case.published and case.repaired_at is not None
    # notice, decision, repair
    assert Message.objects.filter(recipient=world["owner"]).count() == 3


def test_no_repair_before_the_time(world):
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 3)
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD


def test_a_refusal_after_the_decision_moves_the_repair_date(world):
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    refused_on = timezone.localdate() - 60 * DAY
    Refusal.objects.create(venue=world["venue"], occurred_on=refused_on, note="再次拒绝",
                           recorded_by=world["staff"], submission_id=uuid.uuid4())
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD and case.published
    assert case.repair_on == add_months(refused_on, 6)


def test_a_hazard_that_became_overdue_delays_the_repair(world):
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    Hazard.objects.create(venue=world["venue"], source=HazardSource.PATROL, severity=Severity.GENERAL,
                          description="灭火器过期", deadline=timezone.localdate() - 30 * DAY)
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD and case.repair_on > timezone.localdate()


def test_the_daily_job_repairs_and_says_so(world):
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    out = io.StringIO()
    call_command("daily_jobs", stdout=out)
    assert "serious cases repaired: 1" in out.getvalue()
    case.refresh_from_db()
    assert case.status == CaseStatus.REPAIRED


def test_owner_cases_are_those_notified_of_their_venues(world):
    hidden = proposed(world)
    assert list(cases.owner_cases(world["owner"], world["venue"])) == []
    cases.withdraw(world["staff"], hidden, "撤回")
    shown = notified(world)
    assert list(cases.owner_cases(world["owner"], world["venue"])) == [shown]
    stranger = UserFactory()
    assert list(cases.owner_cases(stranger, world["venue"])) == []
