"""Every registration transition: from which states, by whom, and what it records."""

from django.core.exceptions import PermissionDenied

import pytest

from tests.factories import UserFactory, make_staff, make_venue
from venues.models import AuditEntry, VenueStatus
from venues.workflows.registration import (
    TRANSITIONS,
    InvalidTransition,
    ReasonRequired,
    available_actions,
    perform,
)

pytestmark = pytest.mark.django_db
S = VenueStatus


@pytest.fixture
def owner():
    return UserFactory(username="owner")


@pytest.fixture
def reviewer(tree):
    return make_staff(tree["qinggang"], username="qg-staff")


def venue_in(tree, status, owner=None):
    return make_venue(tree["qinggang-1"], status=status, owner=owner)


EXPECTED = {
    # action: (from, to, needs reason)
    "submit": ({S.DRAFT}, S.SUBMITTED, False),
    "resubmit": ({S.RETURNED}, S.RESUBMITTED, False),
    "approve": ({S.SUBMITTED, S.RESUBMITTED}, S.APPROVED, False),
    "return": ({S.SUBMITTED, S.RESUBMITTED}, S.RETURNED, True),
    "reject": ({S.SUBMITTED, S.RESUBMITTED}, S.REJECTED, True),
    "close": ({S.APPROVED}, S.CLOSED, True),
    "reopen": ({S.CLOSED}, S.APPROVED, False),
}


def actor_for(action, owner, reviewer):
    return owner if TRANSITIONS[action].by == "owner" else reviewer


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("status", list(S))
def test_each_action_applies_from_its_states_only(tree, owner, reviewer, action, status):
    sources, target, needs_reason = EXPECTED[action]
    venue = venue_in(tree, status, owner)
    actor = actor_for(action, owner, reviewer)
    if status in sources:
        changed = perform(venue, action, actor, reason="资料不全" if needs_reason else "")
        assert changed.status == target
    else:
        with pytest.raises(InvalidTransition):
            perform(venue, action, actor, reason="理由")
        venue.refresh_from_db()
        assert venue.status == status


def test_a_change_leaves_history_and_an_audit_entry(tree, owner, reviewer):
    venue = venue_in(tree, S.SUBMITTED, owner)
    perform(venue, "return", reviewer, reason="营业执照照片不清晰")

    change = venue.history.get()
    assert (change.actor, change.from_status, change.to_status, change.reason) == (
        reviewer, S.SUBMITTED, S.RETURNED, "营业执照照片不清晰"
    )
    entry = AuditEntry.objects.get(object_type="venue", object_id=str(venue.pk))
    assert entry.actor == reviewer and entry.action == "venue.return"
    assert entry.detail == {"from": "submitted", "to": "returned", "reason": "营业执照照片不清晰"}


@pytest.mark.parametrize("action", ["return", "reject", "close"])
def test_returning_rejecting_and_closing_need_a_reason(tree, owner, reviewer, action):
    status = S.APPROVED if action == "close" else S.SUBMITTED
    venue = venue_in(tree, status, owner)
    with pytest.raises(ReasonRequired):
        perform(venue, action, reviewer, reason="   ")
    venue.refresh_from_db()
    assert venue.status == status and not venue.history.exists()


def test_only_the_owner_submits(tree, owner, reviewer):
    venue = venue_in(tree, S.DRAFT, owner)
    for other in (reviewer, UserFactory()):
        with pytest.raises(PermissionDenied):
            perform(venue, "submit", other)
    assert perform(venue, "submit", owner).status == S.SUBMITTED


def test_owners_cannot_approve_their_own_venue(tree, owner):
    venue = venue_in(tree, S.SUBMITTED, owner)
    with pytest.raises(PermissionDenied):
        perform(venue, "approve", owner)


def test_staff_of_another_village_cannot_review(tree, owner):
    venue = venue_in(tree, S.SUBMITTED, owner)
    other = make_staff(tree["mugen"])
    assert available_actions(other, venue) == []
    with pytest.raises(PermissionDenied):
        perform(venue, "approve", other)


def test_staff_without_the_review_permission_cannot_review(tree, owner):
    """A leader sees the venue but changes nothing."""
    venue = venue_in(tree, S.SUBMITTED, owner)
    leader = make_staff(tree["town"], permissions=())
    with pytest.raises(PermissionDenied):
        perform(venue, "approve", leader)


def test_available_actions_follow_state_and_role(tree, owner, reviewer):
    venue = venue_in(tree, S.SUBMITTED, owner)
    assert available_actions(reviewer, venue) == ["approve", "return", "reject"]
    assert available_actions(owner, venue) == []
    venue = venue_in(tree, S.RETURNED, owner)
    assert available_actions(owner, venue) == ["resubmit"]


def test_a_second_approval_of_the_same_venue_fails_cleanly(tree, owner, reviewer):
    """Two reviewers, or one double click, acting on the same submission."""
    venue = venue_in(tree, S.SUBMITTED, owner)
    stale_copy = type(venue).objects.get(pk=venue.pk)
    perform(venue, "approve", reviewer)
    with pytest.raises(InvalidTransition) as raised:
        perform(stale_copy, "reject", reviewer, reason="重复")
    assert "已批准" in str(raised.value) or "approved" in str(raised.value)
    assert stale_copy.history.count() == 1
