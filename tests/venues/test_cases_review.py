"""诚信, serious cases, review fixes: what delays a repair (a hazard fixed late counts on the day
of the fix, a self-check done late on the day it was submitted, a hazard due before the decision
but fixed after it), repair on the repair date exactly, a second click on a step that already
happened, one repair date on both case pages, the withdrawal's date, the refusal's earliest date
and a missing evidence file."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from tests.factories import photo_upload
from tests.venues.test_cases import (  # noqa: F401  (world: the fixture)
    decided_back,
    notified,
    past_objection,
    proposed,
    world,
)
from venues import integrity
from venues.models import (
    CaseStatus,
    Hazard,
    HazardSource,
    IntegritySettings,
    Refusal,
    SelfCheck,
    SelfCheckStatus,
    SeriousCase,
    Severity,
    Venue,
)
from venues.schedule import add_months
from venues.workflows import cases

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def no_second_factor(monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)


def at_noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=integrity.local_zone())


def hazard(people, deadline, rectified_on=None):
    return Hazard.objects.create(
        venue=people["venue"], source=HazardSource.PATROL, severity=Severity.GENERAL, description="过期",
        deadline=deadline, status="closed" if rectified_on else "open",
        rectified_at=at_noon(rectified_on) if rectified_on else None,
        closed_at=at_noon(rectified_on) if rectified_on else None)


def decided_on(case):
    return timezone.localtime(case.decided_at).date()


# --- What delays the repair ------------------------------------------------------------------

def test_a_hazard_fixed_late_after_the_decision_counts_on_the_day_of_the_fix(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    today = timezone.localdate()
    deadline, fixed = today - 100 * DAY, today - 40 * DAY
    hazard(world, deadline, fixed)
    assert cases.last_bad_event(world["venue"], decided_on(case), today) == fixed
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD and case.repair_on == add_months(fixed, 6)


def test_a_hazard_due_before_the_decision_but_fixed_after_it_delays_the_repair(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    today = timezone.localdate()
    fixed = today - 150 * DAY  # about five months ago, after the decision
    hazard(world, decided_on(case) - 30 * DAY, fixed)
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD and case.repair_on == add_months(fixed, 6)


def test_a_hazard_due_before_the_decision_and_still_open_delays_the_repair(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    today = timezone.localdate()
    hazard(world, decided_on(case) - 30 * DAY)
    assert cases.last_bad_event(world["venue"], decided_on(case), today) == today
    assert cases.repair_due() == 0


def test_a_hazard_fixed_in_time_does_not_delay_the_repair(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    decided_back(world, 7)
    today = timezone.localdate()
    hazard(world, today - 40 * DAY, today - 41 * DAY)
    assert cases.repair_due() == 1


def test_a_selfcheck_submitted_late_counts_on_the_day_it_was_submitted(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    today = timezone.localdate()
    due, submitted = today - 120 * DAY, today - 50 * DAY
    SelfCheck.objects.create(venue=world["venue"], started_by=world["owner"], status=SelfCheckStatus.ACCEPTED,
                             due_on=due, submitted_at=at_noon(submitted))
    assert cases.last_bad_event(world["venue"], decided_on(case), today) == submitted
    assert cases.repair_due() == 0
    case.refresh_from_db()
    assert case.repair_on == add_months(submitted, 6)


def test_a_late_selfcheck_returned_to_the_owner_is_not_counted_as_in_the_integrity_rules(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    decided_back(world, 7)
    today = timezone.localdate()
    SelfCheck.objects.create(venue=world["venue"], started_by=world["owner"], status=SelfCheckStatus.RETURNED,
                             due_on=today - 120 * DAY, submitted_at=at_noon(today - 50 * DAY))
    assert cases.repair_due() == 1


def test_repair_exactly_on_the_repair_date(world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 7)
    due = add_months(decided_on(case), 6)
    assert cases.repair_from(case, due) == due
    assert cases.repair_due(due - DAY) == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD
    assert cases.repair_due(due) == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.REPAIRED and case.repair_on == due


# --- Steps and pages ---------------------------------------------------------------------------

def test_a_proposal_without_a_submission_id_makes_a_case(world):  # noqa: F811
    case = cases.propose(world["staff"], world["venue"], "拒绝检查")
    assert case.pk and case.submission_id


def test_a_second_click_on_a_step_already_taken_shows_the_case(client, world):  # noqa: F811
    case = proposed(world)
    url = reverse("venues_case", args=[case.pk])
    client.force_login(world["staff"])
    for _ in range(2):
        response = client.post(url, {"action": "notify"})
        assert response.status_code == 302 and response["Location"] == url
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED
    for _ in range(2):
        response = client.post(url, {"action": "withdraw", "note": "撤回"})
        assert response.status_code == 302 and response["Location"] == url
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    client.force_login(world["leader"])
    response = client.post(url, {"action": "decide", "decision": "upheld", "note": "成立"}, follow=True)
    assert response.status_code == 200 and list(response.context["messages"])
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN


def test_a_second_decision_shows_the_case(client, world):  # noqa: F811
    case = past_objection(notified(world))
    url = reverse("venues_case", args=[case.pk])
    client.force_login(world["leader"])
    for decision in ("upheld", "dismissed"):
        response = client.post(url, {"action": "decide", "decision": decision, "note": "成立"})
        assert response.status_code == 302 and response["Location"] == url
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD


def test_those_without_the_permission_still_get_403(client, world):  # noqa: F811
    case = proposed(world)
    client.force_login(world["grid"])
    response = client.post(reverse("venues_case", args=[case.pk]), {"action": "notify"})
    # Wagtail answers PermissionDenied with a redirect to the dashboard
    assert response.status_code == 403 or response["Location"].rstrip("/").endswith("/admin")
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED


def test_the_owner_page_shows_the_repair_date_moved_by_a_new_refusal(client, world):  # noqa: F811
    IntegritySettings.objects.create(repair_months=6)
    case = decided_back(world, 3)
    refused_on = timezone.localdate() - 10 * DAY
    cases.record_refusal(world["staff"], world["venue"], refused_on, "再次拒绝检查", uuid.uuid4())
    moved = add_months(refused_on, 6)
    client.force_login(world["owner"])
    html = client.get(reverse("owner:serious_case", args=[world["venue"].pk, case.pk])).content.decode()
    assert f'id="case-repair-on">{moved:%Y-%m-%d}<' in html
    client.force_login(world["leader"])
    html = client.get(reverse("venues_case", args=[case.pk])).content.decode()
    assert f'id="case-repair-on">{moved:%Y-%m-%d}<' in html


def test_the_withdrawal_date_is_kept_and_shown_to_staff_and_to_the_notified_owner(client, world):  # noqa: F811
    case = cases.withdraw(world["staff"], notified(world), "证据不足")
    assert case.withdrawn_at is not None
    day = f"{timezone.localtime(case.withdrawn_at):%Y-%m-%d}"
    client.force_login(world["staff"])
    html = client.get(reverse("venues_case", args=[case.pk])).content.decode()
    assert f'id="case-withdrawn">{day}<' in html
    client.force_login(world["owner"])
    html = client.get(reverse("owner:serious_case", args=[world["venue"].pk, case.pk])).content.decode()
    assert f'id="case-withdrawn">{day}<' in html
    hidden = cases.withdraw(world["staff"], proposed(world), "尚未告知")
    response = client.get(reverse("owner:serious_case", args=[world["venue"].pk, hidden.pk]))
    assert response.status_code == 404


def test_a_refusal_before_the_registration_or_the_window_is_refused_beside_the_field(world):  # noqa: F811
    IntegritySettings.objects.create(window_months=6)
    today = timezone.localdate()
    too_early = add_months(today, -6) - DAY  # the world's venue was registered a year ago
    with pytest.raises(ValidationError) as error:
        cases.record_refusal(world["staff"], world["venue"], too_early, "拒绝", uuid.uuid4())
    assert "occurred_on" in error.value.message_dict
    cases.record_refusal(world["staff"], world["venue"], add_months(today, -6), "拒绝", uuid.uuid4())
    Venue.objects.filter(pk=world["venue"].pk).update(created_at=timezone.now() - 5 * DAY)
    world["venue"].refresh_from_db()
    with pytest.raises(ValidationError) as error:
        cases.record_refusal(world["staff"], world["venue"], today - 6 * DAY, "拒绝", uuid.uuid4())
    assert "occurred_on" in error.value.message_dict
    assert Refusal.objects.count() == 1


def test_the_refusal_page_keeps_the_early_date_with_a_message_beside_it(client, world):  # noqa: F811
    client.force_login(world["staff"])
    early = timezone.localdate() - 5000 * DAY
    response = client.post(reverse("venues_refusal_add", args=[world["venue"].pk]),
                           {"occurred_on": f"{early:%Y-%m-%d}", "note": "拒绝进入",
                            "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200 and not Refusal.objects.exists()
    assert response.context["form"].errors["occurred_on"]
    assert f"{early:%Y-%m-%d}" in response.content.decode()


def test_a_missing_evidence_file_is_not_found(client, world):  # noqa: F811
    case = proposed(world, photos=[photo_upload()])
    photo = case.evidence.get()
    photo.file.storage.delete(photo.file.name)
    client.force_login(world["staff"])
    assert client.get(reverse("venues_case_photo", args=[photo.pk])).status_code == 404
    assert SeriousCase.objects.filter(pk=case.pk).exists()
