"""Owners hear about staff decisions in their message box and by text message, sent by a
background task once the decision is committed."""

from django.db import transaction

import pytest

from tests.factories import UserFactory, make_staff, make_venue
from venues import sms
from venues.models import Message, SmsStatus, VenueStatus
from venues.tasks import send_message_sms
from venues.workflows.registration import perform

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return UserFactory(username="13900000001", mobile="13900000001")


@pytest.fixture
def reviewer(tree):
    return make_staff(tree["qinggang"])


def submitted(tree, owner):
    return make_venue(tree["qinggang-1"], owner=owner, name="青杠副食店", status=VenueStatus.SUBMITTED)


def test_an_approval_reaches_the_message_box_and_the_phone(
    tree, owner, reviewer, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        perform(submitted(tree, owner), "approve", reviewer)
    message = Message.objects.get(recipient=owner)
    assert "青杠副食店" in message.subject and "已批准" in message.subject
    assert message.read_at is None
    assert message.sms_status == SmsStatus.SENT
    assert sms_outbox == [{
        "mobile": "13900000001", "template": "venue_status",
        "params": {"venue": "青杠副食店", "status": "已批准"},
        "text": "【双河镇九小场所】您的场所“青杠副食店”当前状态：已批准。详情请查看消息中心。",
    }]


def test_a_return_tells_the_owner_what_to_change(tree, owner, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform(submitted(tree, owner), "return", reviewer, reason="请补充营业执照照片。")
    assert "请补充营业执照照片。" in Message.objects.get(recipient=owner).body


def test_nothing_is_sent_when_the_decision_is_rolled_back(
    tree, owner, reviewer, sms_outbox, django_capture_on_commit_callbacks
):
    venue = submitted(tree, owner)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        perform(venue, "approve", reviewer)
        raise RuntimeError("the request failed after the decision")
    assert not Message.objects.exists()
    assert sms_outbox == []


def test_the_owners_own_submission_sends_them_nothing(tree, owner, sms_outbox):
    venue = make_venue(tree["qinggang-1"], owner=owner)
    perform(venue, "submit", owner)
    assert not Message.objects.exists()


def test_an_owner_without_a_mobile_gets_the_message_only(tree, reviewer, sms_outbox,
                                                          django_capture_on_commit_callbacks):
    owner = UserFactory(username="nomobile", mobile=None)
    with django_capture_on_commit_callbacks(execute=True):
        perform(submitted(tree, owner), "approve", reviewer)
    assert Message.objects.get(recipient=owner).sms_status == SmsStatus.NONE
    assert sms_outbox == []


def test_a_rerun_task_does_not_text_twice(tree, owner, reviewer, sms_outbox,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform(submitted(tree, owner), "approve", reviewer)
    send_message_sms.call(Message.objects.get().pk)
    assert len(sms_outbox) == 1


def test_a_refused_text_is_recorded_as_failed(tree, owner, reviewer, settings,
                                              django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "tests.venues.test_messages.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        perform(submitted(tree, owner), "approve", reviewer)
    message = Message.objects.get()
    assert (message.sms_status, message.sms_error) == (SmsStatus.FAILED, "quota exceeded")


class RefusingBackend(sms.BaseBackend):
    def send(self, mobile, template_id, params, text):
        raise sms.SmsError("quota exceeded")


def test_the_provider_gets_its_own_template_id_and_short_parameters(settings, sms_outbox):
    settings.SMS_TEMPLATE_IDS = {"venue_status": "SMS_123456"}
    sms.send_sms("13900000001", "venue_status", {"venue": "青" * 30, "status": "已批准"})
    assert sms_outbox[0]["template"] == "SMS_123456"
    assert len(sms_outbox[0]["params"]["venue"]) == sms.PARAM_MAX_LENGTH


def test_the_console_backend_prints_the_message(settings, capsys):
    settings.SMS_BACKEND = "venues.sms.ConsoleBackend"
    sms.send_sms("13900000001", "verification_code", {"code": "123456"})
    printed = capsys.readouterr().out
    assert "139****0001" in printed and "123456" in printed and "verification_code" in printed
    assert "13900000001" not in printed


def test_an_operator_with_an_account_hears_too(tree, owner, reviewer, sms_outbox,
                                               django_capture_on_commit_callbacks):
    operator = UserFactory(username="13900000002", mobile="13900000002")
    venue = submitted(tree, owner)
    venue.operators.add(operator)
    with django_capture_on_commit_callbacks(execute=True):
        perform(venue, "approve", reviewer)
    assert set(Message.objects.values_list("recipient__mobile", flat=True)) == {"13900000001", "13900000002"}
    assert {sent["mobile"] for sent in sms_outbox} == {"13900000001", "13900000002"}
