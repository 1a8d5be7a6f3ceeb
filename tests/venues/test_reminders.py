"""Owners are reminded before a self-check is due, when it is overdue and when a hazard is
past its deadline: in the message box and by text message, each once per due date however
often the daily job runs (venues.reminders, ``manage.py daily_jobs``)."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

import pytest

from tests.factories import UserFactory, approve, fill_selfcheck, make_staff, make_venue, photo_upload
from venues.models import Hazard, Message, Reminder, SafetyRules, SmsStatus, VenueStatus
from venues.reminders import send_reminders
from venues.workflows import hazards, selfchecks

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def kinds_own_interval_at_integrity_a():
    """These tests were written before integrity levels (issue 12): the town keeps each kind's own
    interval at level A (tests/venues/test_integrity_schedule.py covers the levels' effect)."""
    from venues.models import IntegritySettings

    IntegritySettings.objects.create(a_interval_months=None)


@pytest.fixture
def owner():
    return UserFactory(username="13900000001", mobile="13900000001")


@pytest.fixture
def operator():
    return UserFactory(username="13900000002", mobile="13900000002")


@pytest.fixture
def venue(tree, owner):
    return approve(make_venue(tree["qinggang-1"], owner=owner, name="青杠副食店"))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The reminders of ``today``, with their text messages sent as after a commit."""
    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(today=today)
    return run


def test_a_self_check_due_soon_is_reminded_once_in_the_message_box_and_by_text(
    venue, owner, run, sms_outbox
):
    due = venue.selfcheck_due_on
    assert run(due - 4 * DAY) == 0  # not yet: three days before by default
    assert run(due - 3 * DAY) == 1
    message = Message.objects.get(recipient=owner)
    assert message.venue == venue and message.read_at is None
    assert "青杠副食店" in message.subject and f"{due:%Y-%m-%d}" in message.subject
    assert message.sms_status == SmsStatus.SENT
    assert [(sms["mobile"], sms["template"]) for sms in sms_outbox] == [("13900000001", "selfcheck_due")]
    assert sms_outbox[0]["params"] == {"venue": "青杠副食店", "date": f"{due:%Y-%m-%d}"}
    assert f"{due:%Y-%m-%d}" in sms_outbox[0]["text"]
    # However often the job runs before the due date, nothing more is sent.
    for today in (due - 3 * DAY, due - 2 * DAY, due - DAY, due):
        assert run(today) == 0
    assert Message.objects.count() == 1 and len(sms_outbox) == 1


def test_an_overdue_self_check_is_reminded_once(venue, owner, run, sms_outbox):
    due = venue.selfcheck_due_on
    run(due - DAY)
    assert run(due + DAY) == 1  # overdue: a reminder of its own
    assert run(due + 2 * DAY) == 0
    assert run(due + 30 * DAY) == 0
    assert [sms["template"] for sms in sms_outbox] == ["selfcheck_due", "selfcheck_overdue"]
    overdue = Message.objects.filter(recipient=owner).first()  # the newest
    assert "青杠副食店" in overdue.subject and f"{due:%Y-%m-%d}" in overdue.body


def test_a_new_due_date_brings_a_new_reminder(tree, owner, run, sms_outbox):
    venue = approve(make_venue(tree["qinggang-1"], owner=owner), at=timezone.now() - 25 * DAY)
    first_due = venue.selfcheck_due_on
    assert run(first_due - DAY) == 1
    check = fill_selfcheck(selfchecks.start(venue, owner), owner)
    selfchecks.submit(check, owner)
    venue.refresh_from_db()
    assert venue.selfcheck_due_on > first_due
    assert run(venue.selfcheck_due_on - DAY) == 1
    assert run(venue.selfcheck_due_on - DAY) == 0
    assert sorted(Reminder.objects.values_list("due_on", flat=True)) == [first_due, venue.selfcheck_due_on]


def test_every_holder_is_reminded(venue, owner, operator, run, sms_outbox):
    venue.operators.add(operator)
    assert run(venue.selfcheck_due_on) == 1
    assert set(Message.objects.values_list("recipient__username", flat=True)) == {"13900000001",
                                                                                  "13900000002"}
    assert sorted(sms["mobile"] for sms in sms_outbox) == ["13900000001", "13900000002"]


def test_a_venue_without_an_account_is_reminded_once_it_has_one(tree, run, sms_outbox):
    venue = approve(make_venue(tree["qinggang-1"], owner=None))
    assert run(venue.selfcheck_due_on) == 0
    assert not Message.objects.exists() and sms_outbox == []
    venue.owner = UserFactory()
    venue.save(update_fields=["owner"])
    assert run(venue.selfcheck_due_on) == 1
    assert Message.objects.filter(recipient=venue.owner).count() == 1


@pytest.mark.parametrize("status", [VenueStatus.SUBMITTED, VenueStatus.CLOSED, VenueStatus.RETURNED])
def test_venues_not_approved_are_not_reminded(venue, run, status):
    due = venue.selfcheck_due_on
    type(venue).objects.filter(pk=venue.pk).update(status=status)
    assert run(due + DAY) == 0
    assert not Message.objects.exists()


def test_the_reminder_window_is_the_towns_setting(venue, run):
    rules = SafetyRules.current()
    rules.remind_days_before = 7
    rules.save()
    assert run(venue.selfcheck_due_on - 8 * DAY) == 0
    assert run(venue.selfcheck_due_on - 7 * DAY) == 1


@pytest.fixture
def hazard(venue, owner):
    return hazards.record(venue, owner, source="selfcheck", severity="general",
                          description="灭火器压力不足", item_question="灭火器是否完好有效？")


def test_an_overdue_hazard_is_reminded_once_per_deadline(venue, owner, hazard, run, sms_outbox, tree,
                                                         django_capture_on_commit_callbacks):
    today = hazard.deadline + DAY
    Reminder.objects.create(venue=venue, kind="overdue", due_on=venue.selfcheck_due_on)  # not this test's
    assert run(hazard.deadline) == 0  # due today is not overdue
    assert run(today) == 1
    assert run(today + DAY) == 0
    message = Message.objects.get(recipient=owner)
    assert "青杠副食店" in message.subject and "灭火器是否完好有效？" in message.body
    assert [(sms["template"], sms["params"]["date"]) for sms in sms_outbox] == [
        ("hazard_overdue", f"{hazard.deadline:%Y-%m-%d}")]

    # Fixed, but not accepted on re-check: open again with a new deadline, reminded again once.
    hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.rectify(hazard, owner, "已更换灭火器")
    assert run(today + 2 * DAY) == 0  # reported fixed: not overdue
    checker = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "verify_hazard"))
    new_deadline = timezone.localdate() + 5 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        hazards.verify(hazard, checker, accepted=False, reason="压力表仍在红区", new_deadline=new_deadline)
    assert run(new_deadline) == 0
    assert run(new_deadline + DAY) == 1
    assert run(new_deadline + 2 * DAY) == 0


def test_a_closed_hazard_is_not_reminded(hazard, run):
    Hazard.objects.filter(pk=hazard.pk).update(status="closed")
    assert run(hazard.deadline + 10 * DAY) == 0


def test_daily_jobs_end_to_end(tree, owner, sms_outbox, django_capture_on_commit_callbacks):
    """The job recomputes due dates and levels, then sends what is due, and sends nothing twice."""
    soon = approve(make_venue(tree["qinggang-1"], owner=owner, name="快到期副食店"),
                   at=timezone.now() - datetime.timedelta(days=29))
    late = approve(make_venue(tree["qinggang-2"], owner=owner, name="已逾期副食店"),
                   at=timezone.now() - datetime.timedelta(days=45))
    type(late).objects.filter(pk=late.pk).update(selfcheck_due_on=None, risk_level="")  # stale
    found = hazards.record(soon, owner, source="selfcheck", severity="general", description="通道堆物")
    Hazard.objects.filter(pk=found.pk).update(deadline=timezone.localdate() - 2 * DAY)

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("daily_jobs", stdout=out)
    assert "reminders sent: 3" in out.getvalue()
    late.refresh_from_db()
    assert late.selfcheck_due_on < timezone.localdate() and late.risk_level == "yellow"
    assert sorted(sms["template"] for sms in sms_outbox) == ["hazard_overdue", "selfcheck_due",
                                                             "selfcheck_overdue"]
    assert Message.objects.filter(recipient=owner).count() == 3

    for _run in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("daily_jobs", stdout=out)
    assert out.getvalue().count("reminders sent: 0") == 3
    assert len(sms_outbox) == 3 and Message.objects.count() == 3
