"""The owner's reply and request for a re-check, and staff scheduling and answering it
(venues.workflows.integrity): the level and reasons kept as shown, a resend finding the same
reply, a second open re-check refused, dates in the past refused, staff out of the area refused,
the answer recomputing the level, and the messages and audit entries."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from tests.factories import UserFactory, approve, make_member, make_venue
from venues.models import AuditEntry, IntegrityReply, Message, Refusal, ReplyStatus, Venue
from venues.roles import GRID_WORKER, VILLAGE_STAFF
from venues.workflows import integrity as workflow
from venues.workflows.registration import InvalidTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="13900000051", mobile="13900000051")


@pytest.fixture
def shop(tree, owner):
    return approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="诚信便利店"))


@pytest.fixture
def qg_staff(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"])


@pytest.fixture
def mg_staff(tree):
    return make_member(VILLAGE_STAFF, tree["mugen"])


def make_c(shop, staff):
    Refusal.objects.create(venue=shop, occurred_on=timezone.localdate(), note="拒绝进入", recorded_by=staff,
                           submission_id=uuid.uuid4())
    from venues import schedule

    schedule.refresh_venue(shop)
    assert shop.integrity_level == "C"


def test_the_owner_replies_and_the_level_and_reasons_are_kept_as_shown(shop, owner, qg_staff):
    make_c(shop, qg_staff)
    made = workflow.reply(owner, shop, "  我们没有拒绝检查，当天店里无人。 ", False, uuid.uuid4())
    assert (made.status, made.level) == (ReplyStatus.REPLIED, "C")
    assert made.text == "我们没有拒绝检查，当天店里无人。"
    assert made.reasons == shop.integrity_reasons
    Refusal.objects.all().delete()
    from venues import schedule

    schedule.refresh_venue(shop)
    made.refresh_from_db()
    assert (made.level, shop.integrity_level) == ("C", "A")  # the reply keeps what it answered
    assert AuditEntry.objects.filter(action="integrity.replied", object_id=str(shop.pk)).count() == 1


def test_a_resent_form_finds_the_same_reply(shop, owner):
    form_id = uuid.uuid4()
    first = workflow.reply(owner, shop, "请复核", True, form_id)
    again = workflow.reply(owner, shop, "请复核", True, form_id)
    assert first.pk == again.pk
    assert IntegrityReply.objects.count() == 1


def test_a_second_open_recheck_is_refused_with_a_message(shop, owner):
    workflow.reply(owner, shop, "请复核", True, uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        workflow.reply(owner, shop, "再次请复核", True, uuid.uuid4())
    assert "recheck" in refused.value.message_dict
    # A reply without a re-check is still kept.
    assert workflow.reply(owner, shop, "补充说明", False, uuid.uuid4()).status == ReplyStatus.REPLIED


def test_an_empty_reply_is_refused(shop, owner):
    with pytest.raises(ValidationError) as refused:
        workflow.reply(owner, shop, "   ", False, uuid.uuid4())
    assert "text" in refused.value.message_dict


def test_only_the_owner_or_an_operator_of_an_approved_venue_replies(tree, shop, owner, qg_staff):
    with pytest.raises(PermissionDenied):
        workflow.reply(UserFactory(), shop, "不是我的店", False, uuid.uuid4())
    with pytest.raises(PermissionDenied):
        workflow.reply(qg_staff, shop, "工作人员", False, uuid.uuid4())
    operator = UserFactory()
    shop.operators.add(operator)
    assert workflow.reply(operator, shop, "经营者回复", False, uuid.uuid4()).author == operator
    draft = make_venue(tree["qinggang-1"], "shopping", owner=owner)
    with pytest.raises(PermissionDenied):
        workflow.reply(owner, draft, "未审核", False, uuid.uuid4())


def test_another_persons_form_id_is_refused(shop, owner):
    form_id = uuid.uuid4()
    workflow.reply(owner, shop, "请复核", False, form_id)
    operator = UserFactory()
    shop.operators.add(operator)
    with pytest.raises(PermissionDenied):
        workflow.reply(operator, shop, "请复核", False, form_id)


def test_staff_schedule_the_recheck_and_the_owner_is_told_the_date(shop, owner, qg_staff):
    request = workflow.reply(owner, shop, "请复核", True, uuid.uuid4())
    on = timezone.localdate() + datetime.timedelta(days=3)
    scheduled = workflow.schedule_recheck(qg_staff, request, on)
    assert scheduled.status == ReplyStatus.SCHEDULED
    assert (scheduled.recheck_on, scheduled.scheduled_by) == (on, qg_staff)
    told = Message.objects.get(recipient=owner)
    assert on.strftime("%Y-%m-%d") in told.subject + told.body
    assert AuditEntry.objects.filter(action="integrity.scheduled", actor=qg_staff).exists()


def test_a_date_in_the_past_is_refused(shop, owner, qg_staff):
    request = workflow.reply(owner, shop, "请复核", True, uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        workflow.schedule_recheck(qg_staff, request, timezone.localdate() - datetime.timedelta(days=1))
    assert "recheck_on" in refused.value.message_dict
    request.refresh_from_db()
    assert request.status == ReplyStatus.REQUESTED


def test_staff_out_of_the_area_or_without_the_right_are_refused(tree, shop, owner, mg_staff):
    request = workflow.reply(owner, shop, "请复核", True, uuid.uuid4())
    grid = make_member(GRID_WORKER, tree["qinggang-1"])  # reads replies, does not answer them
    for person in (mg_staff, grid):
        with pytest.raises(PermissionDenied):
            workflow.schedule_recheck(person, request, timezone.localdate())
        with pytest.raises(PermissionDenied):
            workflow.answer_recheck(person, request, "答复")
    assert workflow.may_read_replies(grid, shop) and not workflow.may_read_replies(mg_staff, shop)


def test_the_answer_recomputes_the_level_and_tells_the_owner(shop, owner, qg_staff):
    make_c(shop, qg_staff)
    request = workflow.reply(owner, shop, "拒绝记录有误", True, uuid.uuid4())
    Refusal.objects.all().delete()  # staff find the record was wrong
    Venue.objects.filter(pk=shop.pk).update(integrity_level="C")  # as stored before the re-check
    answered = workflow.answer_recheck(qg_staff, request, "经核实，记录有误，已删除。")
    assert (answered.status, answered.level, answered.level_after) == (ReplyStatus.ANSWERED, "C", "A")
    assert answered.answered_by == qg_staff and answered.answered_at is not None
    shop.refresh_from_db()
    assert shop.integrity_level == "A"
    told = Message.objects.filter(recipient=owner).latest("pk")
    assert "经核实，记录有误，已删除。" in told.body
    entry = AuditEntry.objects.get(action="integrity.answered")
    assert entry.detail["level_after"] == "A"
    # Answered: no longer open; a new request may be made, and the old one cannot be answered again.
    with pytest.raises(InvalidTransition):
        workflow.answer_recheck(qg_staff, answered, "再答")
    assert workflow.reply(owner, shop, "再次请复核", True, uuid.uuid4()).status == ReplyStatus.REQUESTED


def test_an_empty_answer_is_refused(shop, owner, qg_staff):
    request = workflow.reply(owner, shop, "请复核", True, uuid.uuid4())
    with pytest.raises(ValidationError) as refused:
        workflow.answer_recheck(qg_staff, request, " ")
    assert "answer" in refused.value.message_dict
