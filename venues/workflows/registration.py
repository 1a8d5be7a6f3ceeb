"""The registration of a venue: draft → submitted → approved, or returned with reasons →
resubmitted, or rejected with reasons; approved → closed when it stops trading → approved
again when it reopens. Nothing else assigns Venue.status (or reissues its public code).

Each transition checks who may make it, locks the venue row so two people (or a double
click) cannot both act on the same state, writes a history row and an audit entry."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from venues import acknowledgements, notify, schedule
from venues.access import area_in_scope, can_see_venue, holds_venue, venues_for
from venues.models import AuditEntry, Venue, VenueStatus, VenueStatusChange
from venues.models.venues import new_public_code

S = VenueStatus
OWNER, REVIEWER = "owner", "reviewer"


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    by: str
    needs_reason: bool = False


TRANSITIONS = {
    "submit": Transition(frozenset({S.DRAFT}), S.SUBMITTED, OWNER),
    "resubmit": Transition(frozenset({S.RETURNED}), S.RESUBMITTED, OWNER),
    "approve": Transition(frozenset({S.SUBMITTED, S.RESUBMITTED}), S.APPROVED, REVIEWER),
    "return": Transition(frozenset({S.SUBMITTED, S.RESUBMITTED}), S.RETURNED, REVIEWER, True),
    "reject": Transition(frozenset({S.SUBMITTED, S.RESUBMITTED}), S.REJECTED, REVIEWER, True),
    "close": Transition(frozenset({S.APPROVED}), S.CLOSED, REVIEWER, True),
    "reopen": Transition(frozenset({S.CLOSED}), S.APPROVED, REVIEWER),
}


class InvalidTransition(Exception):
    """The venue is not in a state this action applies to (perhaps someone else acted)."""


class ReasonRequired(ValueError):
    pass


def may(user, venue, action):
    """Whether ``user`` may take ``action`` on ``venue`` in its current state."""
    transition = TRANSITIONS[action]
    if venue.status not in transition.sources:
        return False
    if transition.by == OWNER:
        return holds_venue(user, venue)
    return user.has_perm("venues.review_venue") and can_see_venue(user, venue)


def available_actions(user, venue):
    return [action for action in TRANSITIONS if may(user, venue, action)]


# The parts of a registration a reviewer may point at when returning it; the owner's form
# shows each note beside the fields concerned.
NOTE_FIELDS = {
    "name": _("venue name"),
    "address": _("address and village or grid"),
    "kind": _("kind and scale"),
    "licence": _("licence and credit code"),
    "operator": _("operator and contact"),
    "photos": _("photos"),
}


def clean_field_notes(field_notes):
    """Notes on known fields only, stripped, empty ones dropped."""
    notes = {}
    for key, note in (field_notes or {}).items():
        note = str(note or "").strip()
        if key in NOTE_FIELDS and note:
            notes[key] = note[:500]
    return notes


def perform(venue, action, user, reason="", field_notes=None, tell=True):
    """Take ``action`` on ``venue`` as ``user``; returns the venue in its new state.
    ``field_notes`` ({NOTE_FIELDS key: text}) point a return at the fields concerned. With
    ``tell`` off the caller tells the owner itself (an owner's report answered)."""
    transition = TRANSITIONS[action]
    reason = (reason or "").strip()
    field_notes = clean_field_notes(field_notes)
    if transition.needs_reason and not reason:
        raise ReasonRequired(_("Please give a reason."))
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if locked.status not in transition.sources:
            raise InvalidTransition(
                _("This registration is now “%(status)s”; please reload the page.")
                % {"status": locked.get_status_display()}
            )
        if not may(user, locked, action):
            raise PermissionDenied
        from_status = locked.status
        locked.status = transition.target
        locked.save(update_fields=["status", "updated_at"])
        VenueStatusChange.objects.create(
            venue=locked, actor=user, from_status=from_status, to_status=locked.status,
            reason=reason, field_notes=field_notes,
        )
        AuditEntry.objects.create(
            actor=user, action=f"venue.{action}", object_type="venue", object_id=str(locked.pk),
            detail={"from": from_status, "to": locked.status, "reason": reason},
        )
        if tell:
            notify.venue_status_changed(locked, user, reason, reopened=action == "reopen")
        schedule.refresh_venue(locked)  # approval starts the self-check schedule; closing ends it
        if locked.status == S.APPROVED:  # the notices it must acknowledge from now on
            acknowledgements.ask_for_venue(locked)
    return locked


# Where staff record a venue themselves (代为登记), the reason its history shows.
RECORD_SOURCES = {
    "census": _("Recorded by staff (census entry)."),
    "import": _("Imported from a census spreadsheet."),
}


def may_record(user, area):
    """Whether ``user`` may record venues in ``area`` themselves."""
    return user.has_perm("venues.add_venue") and area_in_scope(user, area)


def record(venue, user, source="census", other_kinds=()):
    """Save a new venue recorded by staff: approved at once when they may review it,
    otherwise submitted for the reviewers of its area. ``venue`` is validated and unsaved.
    Raises PermissionDenied (and saves nothing) when it lies outside their scope. A venue
    whose submission_id was already recorded is returned as it is (a double click)."""
    if venue.pk is not None:
        raise ValueError("record() saves new venues only")
    if not may_record(user, venue.area):
        raise PermissionDenied
    if venue.submission_id is not None:
        existing = venues_for(user).filter(submission_id=venue.submission_id).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            venue.status = S.DRAFT
            venue.save()
            venue.other_kinds.set(other_kinds)
            if not can_see_venue(user, venue):  # a lead office recording a kind it does not lead
                raise PermissionDenied
            target = S.APPROVED if user.has_perm("venues.review_venue") else S.SUBMITTED
            venue.status = target
            venue.save(update_fields=["status", "updated_at"])
            VenueStatusChange.objects.create(
                venue=venue, actor=user, from_status=S.DRAFT, to_status=target,
                reason=str(RECORD_SOURCES[source]),
            )
            AuditEntry.objects.create(
                actor=user, action=f"venue.record.{source}", object_type="venue",
                object_id=str(venue.pk), detail={"to": target},
            )
            schedule.refresh_venue(venue)
            if target == S.APPROVED:
                acknowledgements.ask_for_venue(venue)
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request saved it.
        existing = Venue.objects.filter(submission_id=venue.submission_id).first()
        if venue.submission_id is None or existing is None:
            raise
        venue.pk = None
        return existing
    return venue


def may_move(user, venue):
    return user.has_perm("venues.move_venue") and can_see_venue(user, venue)


def move(venue, area, user, reason):
    """Move a venue to another village or grid (a grid split, a wrong village), audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Please give a reason."))
    with transaction.atomic():
        locked = Venue.objects.select_for_update().select_related("area").get(pk=venue.pk)
        if not (may_move(user, locked) and area_in_scope(user, area)):
            raise PermissionDenied
        old = locked.area
        locked.area = area
        locked.save(update_fields=["area", "updated_at"])
        AuditEntry.objects.create(
            actor=user, action="venue.move", object_type="venue", object_id=str(locked.pk),
            detail={"from": old.full_name, "to": area.full_name, "reason": reason},
        )
        acknowledgements.ask_for_venue(locked)  # notices for its new village
    return locked


def may_reissue_code(user, venue):
    return user.has_perm("venues.review_venue") and can_see_venue(user, venue)


def reissue_public_code(venue, user):
    """Revoke the venue's public code (a lost or misused door card) and issue a new one;
    the old code's public card answers 404 from now on."""
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if not may_reissue_code(user, locked):
            raise PermissionDenied
        old = locked.public_code
        locked.public_code = new_public_code()
        while Venue.objects.filter(public_code=locked.public_code).exists():
            locked.public_code = new_public_code()
        locked.save(update_fields=["public_code", "updated_at"])
        AuditEntry.objects.create(
            actor=user, action="venue.reissue_code", object_type="venue",
            object_id=str(locked.pk), detail={"revoked": old},
        )
    return locked


# What an owner's report may change in the register (venues.workflows.reports).
CHANGEABLE = {"operator_name", "operator_mobile", "kind"}


def change_details(venue, user, changes, reason, add_kind=None):
    """Change the register's details of an approved or closed venue on the evidence of an
    owner's report (``changes``: {field: new value} within CHANGEABLE; ``add_kind``: a further
    kind), with a history row that says what changed and an audit entry. The operator accounts
    follow the operator's mobile number, and the previous operator's ID card number goes with
    them. The holders are then asked for the notices the venue now concerns."""
    if not set(changes) <= CHANGEABLE:
        raise ValueError(sorted(set(changes) - CHANGEABLE))
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if not (user.has_perm("venues.review_venue") and can_see_venue(user, locked)):
            raise PermissionDenied
        shown = [name for name in ("kind", "operator_name") if name in changes]  # never the numbers
        before = {name: locked.display(name) for name in shown}
        for name, value in changes.items():
            setattr(locked, name, value)
        fields = {*changes, "updated_at"}
        if "operator_mobile" in changes:
            locked.operator_id_number = ""
            fields.add("operator_id_number")
        locked.save(update_fields=fields)
        if "operator_mobile" in changes:
            locked.operators.set(operator_accounts(locked))
        locked.other_kinds.remove(locked.kind)  # the main kind is never a further kind too
        if add_kind is not None and add_kind != locked.kind:
            locked.other_kinds.add(add_kind)
        what = [f"{Venue._meta.get_field(name).verbose_name}：{before[name]} → {locked.display(name)}"
                for name in shown]
        if add_kind is not None:
            what.append(f"{Venue._meta.get_field('other_kinds').verbose_name}：+{add_kind.name}")
        VenueStatusChange.objects.create(venue=locked, actor=user, from_status=locked.status,
                                         to_status=locked.status, reason=" ".join([reason, *what]).strip())
        AuditEntry.objects.create(
            actor=user, action="venue.change", object_type="venue", object_id=str(locked.pk),
            detail={"fields": sorted([*changes, *(["other_kinds"] if add_kind else [])]), "reason": reason},
        )
        schedule.refresh_venue(locked)  # a new kind may change the risk level and the due date
        acknowledgements.ask_for_venue(locked)
    return locked


def operator_accounts(venue):
    """The active accounts, other than the owner's, whose mobile number is the venue's operator's:
    they operate the venue."""
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(mobile=venue.operator_mobile, is_active=True)
            .exclude(pk=venue.owner_id))
