"""The self-check and the hazard loop as owners and staff live them (venues.workflows.selfchecks
and .hazards): one draft per venue, answered and checked for completeness, submitted once,
its failed items becoming hazards with deadlines by severity; reviewed by staff in scope; each
hazard fixed by the owner and re-checked until it is closed. Editing the checklist afterwards
never changes a self-check already started or submitted."""

import datetime
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

import pytest

from tests.factories import (
    UserFactory,
    approve,
    fill_selfcheck,
    make_member,
    make_staff,
    make_venue,
    photo_upload,
)
from venues.models import (
    Answer,
    AuditEntry,
    ChecklistItem,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardSource,
    HazardStatus,
    Message,
    SafetyRules,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    Severity,
    Venue,
    VenueStatus,
)
from venues.roles import GRID_WORKER, VILLAGE_STAFF
from venues.workflows import hazards, selfchecks
from venues.workflows.registration import InvalidTransition, ReasonRequired

pytestmark = pytest.mark.django_db

S = SelfCheckStatus
GENERAL, MAJOR = "exits_clear", "exits_unlocked"  # a general and a major item every kind asks
NA_ALLOWED, NA_REFUSED = "window_grilles", "extinguishers_present"
NO_PHOTO_NEEDED = "staff_trained"


@pytest.fixture
def owner():
    return UserFactory(username="13900000001", mobile="13900000001")


@pytest.fixture
def venue(tree, owner):
    return approve(make_venue(tree["qinggang-1"], kind="shopping", owner=owner, name="青杠副食店"),
                   at=timezone.now() - datetime.timedelta(days=20))


@pytest.fixture
def reviewer(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")


@pytest.fixture
def draft(venue, owner):
    return selfchecks.start(venue, owner)


def submitted(venue, owner, fail=(GENERAL, MAJOR)):
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=fail)
    return selfchecks.submit(check, owner)


def answer(code, value, note="", interim=""):
    return {code: {"answer": value, "note": note, "interim_measure": interim}}


# Filling in --------------------------------------------------------------------------------

def test_a_venue_has_one_draft_at_a_time(venue, owner, draft):
    assert draft.status == S.DRAFT and draft.started_by == owner and not draft.assisted
    assert selfchecks.start(venue, owner) == draft
    assert draft.due_on == venue.selfcheck_due_on
    fill_selfcheck(draft, owner)
    selfchecks.submit(draft, owner)
    following = selfchecks.start(venue, owner)
    assert following != draft and following.status == S.DRAFT
    assert SelfCheck.objects.filter(venue=venue, status=S.DRAFT).count() == 1


def test_the_draft_asks_the_merged_checklist_once(tree, owner):
    venue = make_venue(tree["qinggang-1"], kind="shopping", owner=owner)
    venue.other_kinds.add(*type(venue.kind).objects.filter(slug="catering"))
    approve(venue)
    check = selfchecks.start(venue, owner)
    codes = [item["code"] for item in check.items]
    assert len(codes) == len(set(codes))
    assert {"extinguishers_present", "flue_cleaned"} <= set(codes)  # common and catering's own
    assert check.versions.count() == 2


def test_answers_are_kept_as_the_owner_goes_and_resumed(draft, owner):
    selfchecks.save_answers(draft, owner, answer(GENERAL, Answer.NO, " 通道堆了纸箱 "), step=2)
    selfchecks.save_answers(draft, owner, answer(NA_ALLOWED, Answer.NOT_APPLICABLE), step=1)
    draft.refresh_from_db()
    assert draft.step == 2  # going back a group does not lose the progress
    stored = {a.code: (a.answer, a.note) for a in draft.answers.all()}
    assert stored == {GENERAL: (Answer.NO, "通道堆了纸箱"), NA_ALLOWED: (Answer.NOT_APPLICABLE, "")}
    selfchecks.save_answers(draft, owner, answer(GENERAL, Answer.YES))
    assert draft.answers.get(code=GENERAL).answer == Answer.YES  # changed, not added


def test_answers_to_items_not_asked_and_unknown_answers_are_ignored(draft, owner):
    selfchecks.save_answers(draft, owner, {
        "flue_cleaned": {"answer": Answer.YES},  # a restaurant's item; this is a shop
        "made_up": {"answer": Answer.NO, "note": "x"},
        GENERAL: {"answer": "maybe"},
        MAJOR: {"answer": ""},
    })
    assert not SelfCheckAnswer.objects.exists()


def test_what_stops_submitting(draft, owner):
    everything = selfchecks.problems(draft)
    assert set(everything) == {item["code"] for item in draft.items}
    assert everything[GENERAL] == [str(selfchecks.NEEDS_ANSWER)]

    fill_selfcheck(draft, owner, photo=False)
    assert selfchecks.problems(draft) == {}
    selfchecks.save_answers(draft, owner, {
        **answer(NA_REFUSED, Answer.NOT_APPLICABLE),
        **answer(NA_ALLOWED, Answer.NOT_APPLICABLE),
        **answer(GENERAL, Answer.NO),
        **answer(MAJOR, Answer.NO, "营业时后门上锁"),
        **answer(NO_PHOTO_NEEDED, Answer.NO, "新员工还没有培训"),
    })
    assert selfchecks.problems(draft) == {
        NA_REFUSED: [str(selfchecks.NA_NOT_ALLOWED)],
        GENERAL: [str(selfchecks.NEEDS_NOTE), str(selfchecks.NEEDS_PHOTO)],
        MAJOR: [str(selfchecks.NEEDS_PHOTO), str(selfchecks.NEEDS_INTERIM)],
    }
    with pytest.raises(ValidationError):
        selfchecks.submit(draft, owner)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and not Hazard.objects.exists()

    selfchecks.save_answers(draft, owner, {
        **answer(NA_REFUSED, Answer.YES),
        **answer(GENERAL, Answer.NO, "通道堆了纸箱"),
        **answer(MAJOR, Answer.NO, "营业时后门上锁", "营业时由专人守在后门"),
    })
    selfchecks.add_photo(draft, GENERAL, photo_upload(), owner)
    selfchecks.add_photo(draft, MAJOR, photo_upload(), owner)
    assert selfchecks.problems(draft) == {}


def test_a_photo_belongs_to_an_item_not_in_order(draft, owner):
    with pytest.raises(ValidationError):
        selfchecks.add_photo(draft, GENERAL, photo_upload(), owner)  # not answered yet
    selfchecks.save_answers(draft, owner, answer(GENERAL, Answer.YES))
    with pytest.raises(ValidationError):
        selfchecks.add_photo(draft, GENERAL, photo_upload(), owner)
    assert not EvidencePhoto.objects.exists()


def test_a_photo_can_be_removed_while_filling_in(draft, owner):
    selfchecks.save_answers(draft, owner, answer(GENERAL, Answer.NO, "通道堆物"))
    photo = selfchecks.add_photo(draft, GENERAL, photo_upload(), owner)
    selfchecks.remove_photo(photo, owner)
    assert selfchecks.problems(draft)[GENERAL] == [str(selfchecks.NEEDS_PHOTO)]


# Submitting --------------------------------------------------------------------------------

def test_submitting_turns_each_failed_item_into_a_hazard_with_its_deadline(venue, owner):
    today = timezone.localdate()
    check = submitted(venue, owner)
    assert check.status == S.SUBMITTED and check.submitted_by == owner and check.submitted_at
    found = {h.item_code: h for h in Hazard.objects.filter(venue=venue)}
    assert set(found) == {GENERAL, MAJOR}
    general, major = found[GENERAL], found[MAJOR]
    assert (general.severity, general.deadline) == (Severity.GENERAL, today + datetime.timedelta(days=7))
    assert (major.severity, major.deadline) == (Severity.MAJOR, today + datetime.timedelta(days=30))
    assert major.interim_measure == "已安排专人看守，限期整改"
    for hazard in found.values():
        assert hazard.status == HazardStatus.OPEN and hazard.source == HazardSource.SELFCHECK
        assert hazard.selfcheck == check and hazard.found_by == owner
        assert hazard.item_question == check.item(hazard.item_code)["question"]
        assert hazard.description.endswith("不符合")
        # The photo taken while filling in is the hazard's "before" photo.
        assert [p.stage for p in hazard.photos.all()] == [EvidenceStage.BEFORE]
        assert [e.action for e in hazard.events.all()] == [HazardAction.FOUND]
    assert AuditEntry.objects.filter(action="selfcheck.submit", object_id=str(venue.pk)).count() == 1


def test_edited_deadlines_apply_to_new_hazards(venue, owner):
    rules = SafetyRules.current()
    rules.general_days, rules.major_days = 3, 14
    rules.save()
    submitted(venue, owner)
    today = timezone.localdate()
    deadlines = dict(Hazard.objects.values_list("item_code", "deadline"))
    days = datetime.timedelta(days=1)
    assert deadlines == {GENERAL: today + 3 * days, MAJOR: today + 14 * days}


def test_a_self_check_with_nothing_wrong_finds_no_hazard(venue, owner):
    submitted(venue, owner, fail=())
    assert not Hazard.objects.exists()


def test_submitting_twice_changes_nothing(venue, owner):
    check = submitted(venue, owner)
    again = selfchecks.submit(check, owner)
    assert again.pk == check.pk and again.submitted_at == check.submitted_at
    assert Hazard.objects.count() == 2
    assert SelfCheck.objects.count() == 1
    assert AuditEntry.objects.filter(action="selfcheck.submit").count() == 1


def test_answers_cannot_change_once_submitted(venue, owner):
    check = submitted(venue, owner)
    with pytest.raises(InvalidTransition):
        selfchecks.save_answers(check, owner, answer(GENERAL, Answer.YES))
    assert check.answers.get(code=GENERAL).answer == Answer.NO


def test_the_gas_answers_say_whether_the_venue_uses_gas(venue, owner):
    check = selfchecks.start(venue, owner)
    fill_selfcheck(check, owner)
    gas = [item["code"] for item in check.items if item["group_code"] == "gas"]
    selfchecks.save_answers(check, owner, {code: {"answer": Answer.NOT_APPLICABLE} for code in gas})
    selfchecks.submit(check, owner)
    venue.refresh_from_db()
    assert venue.uses_gas is False
    submitted(venue, owner, fail=())  # answers "yes" to the gas items
    venue.refresh_from_db()
    assert venue.uses_gas is True


# Who may fill in ---------------------------------------------------------------------------

def test_only_the_venues_holders_fill_it_in(tree, venue, owner, draft):
    operator = UserFactory()
    venue.operators.add(operator)
    assert selfchecks.start(venue, operator) == draft
    selfchecks.save_answers(draft, operator, answer(GENERAL, Answer.YES))

    stranger = UserFactory()
    staff = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "review_selfcheck"))
    for person in (stranger, staff):
        with pytest.raises(PermissionDenied):
            selfchecks.start(venue, person)
        with pytest.raises(PermissionDenied):
            selfchecks.save_answers(draft, person, answer(GENERAL, Answer.NO, "x"))
        fill_selfcheck(draft, owner)
        with pytest.raises(PermissionDenied):
            selfchecks.submit(draft, person)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", "closed"])
def test_a_venue_not_approved_has_no_self_check(tree, owner, status):
    venue = make_venue(tree["qinggang-1"], owner=owner, status=status)
    with pytest.raises(PermissionDenied):
        selfchecks.start(venue, owner)


# Assisted self-check (协助自查) --------------------------------------------------------------

@pytest.fixture
def grid_worker(tree):
    return make_member(GRID_WORKER, tree["qinggang-1"], username="grid1")


def test_a_grid_worker_fills_it_in_with_the_owner_who_confirms_by_name(venue, owner, grid_worker):
    check = selfchecks.start(venue, grid_worker, assisted=True)
    assert check.assisted and check.assisted_by == grid_worker
    fill_selfcheck(check, grid_worker, fail=[GENERAL])
    with pytest.raises(ValidationError) as refused:
        selfchecks.submit(check, grid_worker)
    assert "confirmed_by_name" in refused.value.message_dict
    done = selfchecks.submit(check, grid_worker, confirmed_by_name=" 王秀英 ")
    assert (done.status, done.submitted_by, done.confirmed_by_name) == (S.SUBMITTED, grid_worker, "王秀英")
    assert done.assisted
    hazard = Hazard.objects.get(selfcheck=done)
    assert hazard.found_by == grid_worker and hazard.photos.get().uploaded_by == grid_worker
    entry = AuditEntry.objects.get(action="selfcheck.submit")
    assert entry.actor == grid_worker and entry.detail["assisted"] is True


def test_a_venue_without_any_account_can_be_checked_with_a_grid_worker(tree, grid_worker):
    venue = approve(make_venue(tree["qinggang-1"], owner=None, operator_name="王秀英"))
    check = fill_selfcheck(selfchecks.start(venue, grid_worker, assisted=True), grid_worker)
    assert selfchecks.submit(check, grid_worker, confirmed_by_name="王秀英").status == S.SUBMITTED


def test_a_grid_worker_assists_only_in_their_own_grid(tree, venue, grid_worker):
    elsewhere = make_member(GRID_WORKER, tree["qinggang-2"])
    with pytest.raises(PermissionDenied):
        selfchecks.start(venue, elsewhere, assisted=True)
    with pytest.raises(PermissionDenied):
        selfchecks.start(venue, grid_worker)  # not assisting: only holders fill in their own


def test_another_staff_members_assisted_draft_is_theirs_to_finish(tree, venue, grid_worker):
    check = selfchecks.start(venue, grid_worker, assisted=True)
    colleague = make_member(GRID_WORKER, tree["qinggang-1"])
    with pytest.raises(PermissionDenied):
        selfchecks.save_answers(check, colleague, answer(GENERAL, Answer.YES))


def test_a_grid_worker_does_not_review_self_checks(venue, owner, grid_worker):
    check = submitted(venue, owner)
    assert not selfchecks.may_review(grid_worker, check)
    with pytest.raises(PermissionDenied):
        selfchecks.accept(check, grid_worker)


# Review ------------------------------------------------------------------------------------

def test_accepting_a_self_check_tells_the_owner(venue, owner, reviewer, django_capture_on_commit_callbacks):
    check = submitted(venue, owner, fail=())
    # Submitted at 07:00 in Chongqing, still the day before in UTC: the owner's date is shown.
    early = timezone.make_aware(datetime.datetime(2026, 3, 10, 7, 0))
    SelfCheck.objects.filter(pk=check.pk).update(submitted_at=early)
    with django_capture_on_commit_callbacks(execute=True):
        done = selfchecks.accept(check, reviewer)
    assert (done.status, done.reviewed_by) == (S.ACCEPTED, reviewer) and done.reviewed_at
    message = Message.objects.get(recipient=owner)
    assert "青杠副食店" in message.subject
    assert "2026-03-10" in message.body
    assert AuditEntry.objects.filter(action="selfcheck.accepted").count() == 1


def test_returning_needs_a_reason_keeps_the_hazards_open_and_brings_the_due_date_back(
    venue, owner, reviewer, sms_outbox, django_capture_on_commit_callbacks
):
    due_before = venue.selfcheck_due_on
    check = submitted(venue, owner)
    venue.refresh_from_db()
    assert venue.selfcheck_due_on > due_before
    with pytest.raises(ReasonRequired):
        selfchecks.return_(check, reviewer, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        done = selfchecks.return_(check, reviewer, "照片看不清，请重新检查。")
    assert (done.status, done.review_reason) == (S.RETURNED, "照片看不清，请重新检查。")
    assert set(Hazard.objects.values_list("status", flat=True)) == {HazardStatus.OPEN}
    venue.refresh_from_db()
    assert venue.selfcheck_due_on == due_before
    message = Message.objects.get(recipient=owner)
    assert "照片看不清，请重新检查。" in message.body
    assert [sms["template"] for sms in sms_outbox] == ["selfcheck_returned"]
    # The owner can start again at once.
    assert selfchecks.start(venue, owner).status == S.DRAFT


def test_only_reviewers_in_scope_review_and_only_once(tree, venue, owner, reviewer):
    check = submitted(venue, owner)
    other_village = make_member(VILLAGE_STAFF, tree["mugen"])
    no_permission = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue"))
    for person in (other_village, no_permission, owner):
        assert not selfchecks.may_review(person, check)
        with pytest.raises(PermissionDenied):
            selfchecks.accept(check, person)
        with pytest.raises(PermissionDenied):
            selfchecks.return_(check, person, "不认真")
    selfchecks.accept(check, reviewer)
    with pytest.raises(InvalidTransition):
        selfchecks.return_(check, reviewer, "改主意了")
    check.refresh_from_db()
    assert check.status == S.ACCEPTED


def test_a_draft_cannot_be_reviewed(draft, reviewer):
    with pytest.raises(InvalidTransition):
        selfchecks.accept(draft, reviewer)


# The hazard loop ---------------------------------------------------------------------------

@pytest.fixture
def hazard(venue, owner):
    submitted(venue, owner, fail=[GENERAL])
    return Hazard.objects.get()


@pytest.fixture
def checker(tree):
    return make_member(GRID_WORKER, tree["qinggang-1"], username="checker")


def messages_to(owner):
    return list(Message.objects.filter(recipient=owner).order_by("pk").values_list("subject", "body"))


def test_the_hazard_loop_through_rejection_to_closure(
    venue, owner, hazard, checker, sms_outbox, django_capture_on_commit_callbacks
):
    # Fixing needs a note and a photo after.
    with pytest.raises(ValidationError) as refused:
        hazards.rectify(hazard, owner, "")
    assert set(refused.value.message_dict) == {"note", "photo"}
    hazards.add_after_photo(hazard, photo_upload(color="green"), owner)
    with pytest.raises(ValidationError) as refused:
        hazards.rectify(hazard, owner, " ")
    assert set(refused.value.message_dict) == {"note"}
    fixed = hazards.rectify(hazard, owner, "纸箱已搬走")
    assert (fixed.status, fixed.rectification_note) == (HazardStatus.RECTIFIED, "纸箱已搬走")
    assert hazards.rectify(hazard, owner, "纸箱已搬走").status == HazardStatus.RECTIFIED  # sent again
    stages = sorted(hazard.photos.values_list("stage", flat=True))
    assert stages == [EvidenceStage.AFTER, EvidenceStage.BEFORE]  # side by side for the re-check

    # Rejected: a reason is required; open again; the owner is told why and by when.
    with pytest.raises(ReasonRequired):
        hazards.verify(hazard, checker, accepted=False)
    new_deadline = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = hazards.verify(hazard, checker, accepted=False, reason="后门通道仍有杂物",
                                  new_deadline=new_deadline)
    assert (rejected.status, rejected.deadline) == (HazardStatus.OPEN, new_deadline)
    (subject, body), = messages_to(owner)
    assert "青杠副食店" in subject and "后门通道仍有杂物" in body and f"{new_deadline:%Y-%m-%d}" in body
    assert [sms["template"] for sms in sms_outbox] == ["hazard_rejected"]

    # Reported again, it needs a new photo; the rejected fix's photo stays as evidence.
    rejected_photo = hazard.photos.get(stage=EvidenceStage.AFTER)
    with pytest.raises(ValidationError) as refused:
        hazards.rectify(hazard, owner, "杂物全部清走")
    assert "photo" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        hazards.remove_after_photo(rejected_photo, owner)
    hazards.add_after_photo(hazard, photo_upload(color="blue"), owner)

    # Fixed again, accepted: closed (销号), and the owner is told.
    hazards.rectify(hazard, owner, "杂物全部清走")
    with django_capture_on_commit_callbacks(execute=True):
        closed = hazards.verify(hazard, checker, accepted=True)
    assert (closed.status, closed.closed_by) == (HazardStatus.CLOSED, checker) and closed.closed_at
    assert len(messages_to(owner)) == 2
    assert [(e.action, e.actor, e.note) for e in hazard.events.all()] == [
        (HazardAction.FOUND, owner, hazard.description),
        (HazardAction.RECTIFIED, owner, "纸箱已搬走"),
        (HazardAction.REJECTED, checker, "后门通道仍有杂物"),
        (HazardAction.RECTIFIED, owner, "杂物全部清走"),
        (HazardAction.ACCEPTED, checker, ""),
    ]
    # A closed hazard is closed: no more fixing or re-checking.
    assert not hazards.may_rectify(owner, closed) and not hazards.may_verify(checker, closed)
    with pytest.raises(InvalidTransition):
        hazards.verify(hazard, checker, accepted=False, reason="再看看")


def test_only_the_venues_holders_report_a_fix(hazard, owner, checker):
    stranger = UserFactory()
    for person in (stranger, checker):
        with pytest.raises(PermissionDenied):
            hazards.add_after_photo(hazard, photo_upload(), person)
        with pytest.raises(PermissionDenied):
            hazards.rectify(hazard, person, "已整改")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN


def test_only_checkers_in_scope_re_check_and_only_what_was_reported_fixed(tree, hazard, owner, checker):
    with pytest.raises(InvalidTransition):
        hazards.verify(hazard, checker, accepted=True)  # not reported fixed yet
    hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.rectify(hazard, owner, "已整改")
    elsewhere = make_member(GRID_WORKER, tree["mugen-1"])
    no_permission = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue"))
    for person in (elsewhere, no_permission, owner):
        with pytest.raises(PermissionDenied):
            hazards.verify(hazard, person, accepted=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED


def test_a_new_deadline_cannot_be_in_the_past(hazard, owner, checker):
    hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.rectify(hazard, owner, "已整改")
    with pytest.raises(ValidationError):
        hazards.verify(hazard, checker, accepted=False, reason="没有整改",
                       new_deadline=timezone.localdate() - datetime.timedelta(days=1))
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED


def test_an_after_photo_can_be_removed_before_reporting(hazard, owner):
    photo = hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.remove_after_photo(photo, owner)
    with pytest.raises(ValidationError):
        hazards.rectify(hazard, owner, "已整改")
    before = hazard.photos.get()
    with pytest.raises(PermissionDenied):
        hazards.remove_after_photo(before, owner)  # the photo of what was found stays


# Editing the checklist never changes past records -----------------------------------------

def snapshot(check):
    check.refresh_from_db()
    return {
        "items": check.items,
        "answers": sorted(check.answers.values_list("code", "answer", "note", "interim_measure")),
        "versions": sorted((v.pk, v.number, repr(v.items)) for v in check.versions.all()),
    }


def test_editing_or_retiring_an_item_does_not_change_self_checks_already_made(tree, venue, owner):
    past = submitted(venue, owner, fail=[GENERAL])
    started = fill_selfcheck(selfchecks.start(venue, owner), owner)
    before = {"past": snapshot(past), "started": snapshot(started)}
    old_question = past.item(GENERAL)["question"]

    item = ChecklistItem.objects.get(code=GENERAL)
    item.question = "疏散通道是否全程畅通、没有任何堆放？"
    item.severity = Severity.MAJOR
    item.save()
    retired = ChecklistItem.objects.get(code=NO_PHOTO_NEEDED)
    retired.active = False
    retired.save()

    assert {"past": snapshot(past), "started": snapshot(started)} == before
    assert past.item(GENERAL)["question"] == old_question
    assert Hazard.objects.get(selfcheck=past).item_question == old_question
    # The draft started before the edit is submitted as it was asked.
    assert selfchecks.problems(started) == {}
    done = selfchecks.submit(started, owner)
    assert done.item(NO_PHOTO_NEEDED) is not None and done.item(GENERAL)["question"] == old_question

    # A new self-check asks the new wording, without the retired item, from a new version.
    other = approve(make_venue(tree["qinggang-2"], kind="shopping", owner=owner, name="另一家副食店"))
    fresh = selfchecks.start(other, owner)
    assert fresh.item(GENERAL)["question"] == "疏散通道是否全程畅通、没有任何堆放？"
    assert fresh.item(GENERAL)["severity"] == Severity.MAJOR
    assert fresh.item(NO_PHOTO_NEEDED) is None
    old_version, = past.versions.all()
    new_version, = fresh.versions.all()
    assert new_version.kind == old_version.kind and new_version.number == old_version.number + 1


def test_a_checklist_version_is_never_changed(venue, owner):
    check = selfchecks.start(venue, owner)
    version = check.versions.get()
    version.items = []
    with pytest.raises(ValueError):
        version.save()


# Found by the review of the first version -----------------------------------------------------

def test_a_problem_still_open_is_one_hazard_however_often_it_is_found(venue, owner, reviewer):
    first = submitted(venue, owner, fail=(GENERAL,))
    selfchecks.return_(first, reviewer, "请认真检查")
    again = submitted(venue, owner, fail=(GENERAL,))
    (hazard,) = Hazard.objects.filter(venue=venue)
    assert hazard.selfcheck == first
    assert [event.action for event in hazard.events.all()] == [HazardAction.FOUND, HazardAction.FOUND_AGAIN]
    assert EvidencePhoto.objects.filter(answer__selfcheck=again, hazard=hazard).exists()


def test_a_fix_rejected_after_the_deadline_gets_the_usual_time_again(venue, owner, reviewer):
    submitted(venue, owner, fail=(GENERAL,))
    hazard = Hazard.objects.get(venue=venue)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.rectify(hazard, owner, "已清理")
    reopened = hazards.verify(hazard, reviewer, accepted=False, reason="仍有纸箱")
    days = SafetyRules.current().general_days
    assert reopened.deadline == timezone.localdate() + datetime.timedelta(days=days)
    assert not reopened.is_overdue()


def test_a_closed_venues_hazards_are_not_overdue(venue, owner):
    submitted(venue, owner, fail=(GENERAL,))
    Hazard.objects.filter(venue=venue).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    assert Hazard.objects.filter(Hazard.overdue_q(timezone.localdate())).count() == 1
    Venue.objects.filter(pk=venue.pk).update(status=VenueStatus.CLOSED)
    assert not Hazard.objects.filter(Hazard.overdue_q(timezone.localdate())).exists()
    assert not Hazard.objects.select_related("venue").get(venue=venue).is_overdue()


def test_answers_sent_after_the_submission_change_nothing(venue, owner, draft):
    stale = SelfCheck.objects.get(pk=draft.pk)  # read by a second tab before the submission
    fill_selfcheck(draft, owner)
    selfchecks.submit(draft, owner)
    with pytest.raises(InvalidTransition):
        selfchecks.save_answers(stale, owner, answer(GENERAL, Answer.NO, "晚到的修改"))
    assert SelfCheckAnswer.objects.get(selfcheck=draft, code=GENERAL).answer == Answer.YES


def test_a_draft_can_be_discarded_by_its_holder_or_a_reviewer_not_others(tree, venue, owner, draft,
                                                                          reviewer, private_media):
    fill_selfcheck(draft, owner, fail=(GENERAL,))
    photo = EvidencePhoto.objects.get(answer__selfcheck=draft)
    stranger = make_member(VILLAGE_STAFF, tree["mugen"])
    assert not selfchecks.may_discard(stranger, draft) and not selfchecks.may_discard(UserFactory(), draft)
    with pytest.raises(PermissionDenied):
        selfchecks.discard(draft, stranger)
    assert selfchecks.may_discard(reviewer, draft) and selfchecks.may_discard(owner, draft)
    path = photo.file.path
    with TestCase.captureOnCommitCallbacks(execute=True):
        selfchecks.discard(draft, owner)
    assert not SelfCheck.objects.filter(pk=draft.pk).exists() and not os.path.exists(path)
    assert AuditEntry.objects.filter(action="selfcheck.discard").exists()
    assert selfchecks.start(venue, owner).pk != draft.pk


def test_staff_going_on_with_an_owners_draft_is_audited(tree, venue, owner, draft):
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    assert selfchecks.start(venue, worker, assisted=True).assisted_by == worker
    assert AuditEntry.objects.filter(action="selfcheck.assist", actor=worker).exists()
