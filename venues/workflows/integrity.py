"""诚信 state changes for the owner's reply and request for a re-check, and staff scheduling and
answering it; the only place they happen. Each checks who may, writes the row, an audit entry and
the messages. Refusals and serious cases: venues.workflows.cases.

A reply keeps the level and reasons the owner saw beside it (``IntegrityReply.level``,
``reasons``): REPLIED (kept, nothing asked) or REQUESTED (a re-check asked) → SCHEDULED (staff
set a date) → ANSWERED (staff answered, the level recomputed first and kept as ``level_after``).
One re-check is open per venue at a time (a unique constraint): a second request while one is
open is refused. The form's ``submission_id`` (made when it is shown) makes a resent form find
the reply it made."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from venues import integrity, notify, schedule
from venues.access import can_see_venue, holds_venue, venues_for
from venues.models import OPEN_RECHECK, AuditEntry, IntegrityReply, ReplyStatus, VenueStatus

from .registration import InvalidTransition

MAX_TEXT = 2000


# --- Who may -------------------------------------------------------------------------------

def may_reply(user, venue):
    """The venue's owner or an operator with an account, while the venue is approved."""
    return venue.status == VenueStatus.APPROVED and holds_venue(user, venue)


def may_read_replies(user, venue):
    """Staff with view_integrityreply and the venue in their scope."""
    return user.has_perm("venues.view_integrityreply") and can_see_venue(user, venue)


def may_answer(user, reply):
    """Staff with answer_integrityreply and the venue in their scope, while the re-check is open."""
    return (reply.status in OPEN_RECHECK and user.has_perm("venues.answer_integrityreply")
            and can_see_venue(user, reply.venue))


def replies_for(user):
    """The replies ``user`` may read as staff: those of the venues in their scope."""
    if not user.has_perm("venues.view_integrityreply"):
        return IntegrityReply.objects.none()
    return IntegrityReply.objects.filter(venue__in=venues_for(user).values("pk"))


def open_recheck(venue):
    return IntegrityReply.objects.filter(venue=venue, status__in=OPEN_RECHECK).first()


def _as_uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _day(value):
    return formats.date_format(value, "Y-m-d")


# --- The owner replies ---------------------------------------------------------------------

def reply(owner, venue, text, recheck, submission_id):
    """The owner's reply to the level shown, kept with the level and reasons as they are now;
    with ``recheck`` a request for a re-check (refused while one is open). Sent again with the
    same ``submission_id``, finds the reply it made."""
    text = (text or "").strip()
    submission_id = _as_uuid(submission_id)
    if submission_id is None:
        raise ValidationError({"text": _("This form has expired; please send it again.")})
    earlier = IntegrityReply.objects.filter(submission_id=submission_id).first()
    if earlier is not None:
        if earlier.venue_id != venue.pk or earlier.author_id != owner.pk:
            raise PermissionDenied
        return earlier
    if not may_reply(owner, venue):
        raise PermissionDenied
    if not text:
        raise ValidationError({"text": _("Please write your reply.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("Please keep your reply within %(count)s characters.")
                                       % {"count": MAX_TEXT}})
    if recheck and open_recheck(venue) is not None:
        raise ValidationError({"recheck": _("A re-check of this venue is already open; you can ask for "
                                            "another once it is answered.")})
    status = ReplyStatus.REQUESTED if recheck else ReplyStatus.REPLIED
    try:
        with transaction.atomic():
            made = IntegrityReply.objects.create(
                venue=venue, author=owner, text=text, level=venue.integrity_level or "A",
                reasons=list(venue.integrity_reasons or []), status=status, submission_id=submission_id)
            AuditEntry.objects.create(actor=owner, action=f"integrity.{status}", object_type="venue",
                                      object_id=str(venue.pk), detail={"reply": made.pk,
                                                                       "level": made.level})
    except IntegrityError:
        earlier = IntegrityReply.objects.filter(submission_id=submission_id).first()
        if earlier is not None and earlier.venue_id == venue.pk and earlier.author_id == owner.pk:
            return earlier  # the same form, sent twice at once
        raise ValidationError({"recheck": _("A re-check of this venue is already open; you can ask for "
                                            "another once it is answered.")}) from None
    # No message path reaches the village staff (venues.notify tells holders only): the
    # request reaches staff through the re-check queue and the venue's page.
    return made


def _tell(venue, actor, subject, body):
    """A message to the venue's owner and operators (not to ``actor``)."""
    return [notify.message_user(holder, subject, body, venue=venue)
            for holder in venue.holders() if holder.pk != actor.pk]


# --- Staff schedule and answer the re-check -----------------------------------------------------

def _locked(reply_row):
    return IntegrityReply.objects.select_for_update().select_related("venue").get(pk=reply_row.pk)


def schedule_recheck(staff, reply_row, on_date):
    """Set the re-check's date (today or later, in the town's time zone); the owner is told the
    date. Setting it again moves it."""
    if on_date is None:
        raise ValidationError({"recheck_on": _("Please choose a date.")})
    if on_date < timezone.localdate(timezone=integrity.local_zone()):  # the town's today
        raise ValidationError({"recheck_on": _("The date cannot be in the past.")})
    with transaction.atomic():
        locked = _locked(reply_row)
        if locked.status not in OPEN_RECHECK:
            raise InvalidTransition(_("This re-check is now “%(status)s”; please reload the page.")
                                    % {"status": locked.get_status_display()})
        if not may_answer(staff, locked):
            raise PermissionDenied
        locked.status, locked.recheck_on, locked.scheduled_by = ReplyStatus.SCHEDULED, on_date, staff
        locked.save(update_fields=["status", "recheck_on", "scheduled_by"])
        AuditEntry.objects.create(actor=staff, action="integrity.scheduled", object_type="venue",
                                  object_id=str(locked.venue_id),
                                  detail={"reply": locked.pk, "on": on_date.isoformat()})
        venue = locked.venue
        _tell(
            venue, staff, _("%(venue)s: integrity re-check on %(date)s") % {"venue": venue.name,
                                                                             "date": _day(on_date)},
            _("Staff will re-check your venue's integrity level on %(date)s, as you asked.")
            % {"date": _day(on_date)})
    return locked


def answer_recheck(staff, reply_row, answer):
    """Answer the re-check: the venue's level is recomputed first and kept as ``level_after``;
    the owner is told the answer and the level."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Please write the answer.")})
    if len(answer) > MAX_TEXT:
        raise ValidationError({"answer": _("Please keep the answer within %(count)s characters.")
                                         % {"count": MAX_TEXT}})
    with transaction.atomic():
        locked = _locked(reply_row)
        if locked.status not in OPEN_RECHECK:
            raise InvalidTransition(_("This re-check is now “%(status)s”; please reload the page.")
                                    % {"status": locked.get_status_display()})
        if not may_answer(staff, locked):
            raise PermissionDenied
        venue = locked.venue
        schedule.refresh_venue(venue)
        locked.status, locked.answer, locked.answered_by = ReplyStatus.ANSWERED, answer, staff
        locked.answered_at, locked.level_after = timezone.now(), venue.integrity_level
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at", "level_after"])
        AuditEntry.objects.create(actor=staff, action="integrity.answered", object_type="venue",
                                  object_id=str(venue.pk),
                                  detail={"reply": locked.pk, "level_before": locked.level,
                                          "level_after": locked.level_after})
        level = venue.get_integrity_level_display() if venue.integrity_level else "—"
        _tell(
            venue, staff, _("%(venue)s: integrity re-check answered") % {"venue": venue.name},
            _("Your venue's integrity level after the re-check: %(level)s. The answer: %(answer)s")
            % {"level": level, "answer": answer})
    return locked
