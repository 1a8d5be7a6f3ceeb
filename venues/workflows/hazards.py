"""The hazard loop: found (open, with a deadline by severity) → fixed by the owner (a note
and photos after) → re-checked by staff (复查): accepted and closed (销号), or rejected and
open again with a reason. Nothing else changes Hazard.status; every step is in its history.

Who may do what: the venue's owner and operators report their own hazards fixed; staff with
``verify_hazard`` re-check them within their scope (venues.access)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from venues import notify, photos, schedule
from venues.access import can_see_venue, holds_venue
from venues.models import (
    AuditEntry,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardStatus,
    SafetyRules,
)

from .registration import InvalidTransition, ReasonRequired

H = HazardStatus


def deadline_for(severity, found_on=None):
    """The default deadline of a hazard of ``severity`` found on ``found_on`` (today)."""
    found_on = found_on or timezone.localdate()
    return found_on + datetime.timedelta(days=SafetyRules.current().days_to_fix(severity))


def record(venue, user, *, source, severity, description, interim_measure="", item_code="",
           item_question="", selfcheck=None, patrol=None, deadline=None):
    """A new open hazard at ``venue`` (called by the workflows that find hazards, which
    check who may). Major hazards reach the town office's to-do list (venues.todo)."""
    hazard = Hazard.objects.create(
        venue=venue, source=source, selfcheck=selfcheck, patrol=patrol, item_code=item_code,
        item_question=item_question, severity=severity, description=description,
        interim_measure=interim_measure, deadline=deadline or deadline_for(severity), found_by=user,
    )
    HazardEvent.objects.create(hazard=hazard, actor=user, action=HazardAction.FOUND, note=description)
    return hazard


def found_again(hazard, user, note):
    """A later self-check found the same problem while its hazard is still open: noted in the
    hazard's history (its deadline stays)."""
    HazardEvent.objects.create(hazard=hazard, actor=user, action=HazardAction.FOUND_AGAIN, note=note)


# --- The owner fixes it --------------------------------------------------------------------

def may_rectify(user, hazard):
    return hazard.status == H.OPEN and holds_venue(user, hazard.venue)


def may_verify(user, hazard):
    return (hazard.status == H.RECTIFIED and user.has_perm("venues.verify_hazard")
            and can_see_venue(user, hazard.venue))


def add_after_photo(hazard, upload, user):
    """A photo of the fix, added before reporting it fixed."""
    if not may_rectify(user, hazard):
        raise PermissionDenied
    content, (width, height) = photos.reencode(upload)
    photo = EvidencePhoto(venue=hazard.venue, hazard=hazard, stage=EvidenceStage.AFTER,
                          width=width, height=height, uploaded_by=user)
    photo.file.save(content.name, content, save=False)
    try:
        photo.save()
    except Exception:
        photo.file.delete(save=False)
        raise
    return photo


def after_photos_since_rejection(hazard):
    """The photos of the fix taken since staff last rejected one (all of them if none was):
    a fix reported again needs a new photo, and the rejected ones stay as evidence."""
    rejected = (hazard.events.filter(action=HazardAction.REJECTED).order_by("-at", "-pk")
                .values_list("at", flat=True).first())
    photos_after = hazard.photos.filter(stage=EvidenceStage.AFTER)
    return photos_after.filter(uploaded_at__gt=rejected) if rejected else photos_after


def remove_after_photo(photo, user):
    """Remove a photo of the fix not yet reported; those of a rejected fix stay."""
    if photo.stage != EvidenceStage.AFTER or not may_rectify(user, photo.hazard):
        raise PermissionDenied
    if not after_photos_since_rejection(photo.hazard).filter(pk=photo.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: photo.file.delete(save=False))


def rectify(hazard, user, note):
    """The owner reports the hazard fixed, with a note and at least one photo after. Sent
    twice, the second finds it already reported and changes nothing."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().select_related("venue").get(pk=hazard.pk)
        resent = locked.status == H.RECTIFIED and locked.rectification_note == note
        if resent and holds_venue(user, locked.venue):
            return locked  # the same report, sent again
        if not may_rectify(user, locked):
            if locked.status != H.OPEN:
                raise InvalidTransition(_("This hazard is now “%(status)s”; please reload the page.")
                                        % {"status": locked.get_status_display()})
            raise PermissionDenied
        errors = {}
        if not note:
            errors["note"] = _("Please say what was done to fix it.")
        if not after_photos_since_rejection(locked).exists():
            errors["photo"] = _("Please add a photo showing it fixed.")
        if errors:
            raise ValidationError(errors)
        locked.status, locked.rectified_at, locked.rectification_note = H.RECTIFIED, timezone.now(), note
        locked.save(update_fields=["status", "rectified_at", "rectification_note"])
        HazardEvent.objects.create(hazard=locked, actor=user, action=HazardAction.RECTIFIED, note=note)
        AuditEntry.objects.create(actor=user, action="hazard.rectified", object_type="venue",
                                  object_id=str(locked.venue_id), detail={"hazard": locked.pk})
        schedule.refresh_venue(locked.venue)  # no longer overdue: the risk level may drop
    return locked


# --- Staff re-check it (复查) ---------------------------------------------------------------

def verify(hazard, user, accepted, reason="", new_deadline=None):
    """Accept the fix (closed, 销号) or reject it with a reason (open again, with a new
    deadline if given). The owner is told either way."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    if not accepted and not reason:
        raise ReasonRequired(_("Please give a reason."))
    if new_deadline is not None and new_deadline < today:
        raise ValidationError({"new_deadline": _("The new deadline cannot be in the past.")})
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().select_related("venue").get(pk=hazard.pk)
        if locked.status != H.RECTIFIED:
            raise InvalidTransition(_("This hazard is now “%(status)s”; please reload the page.")
                                    % {"status": locked.get_status_display()})
        if not may_verify(user, locked):
            raise PermissionDenied
        fields = ["status"]
        if accepted:
            locked.status, locked.closed_at, locked.closed_by = H.CLOSED, timezone.now(), user
            fields += ["closed_at", "closed_by"]
        else:
            locked.status = H.OPEN
            if new_deadline is None and locked.deadline < today:
                # Not "fix it by a date already past": the usual time for its severity, from today.
                new_deadline = deadline_for(locked.severity, today)
            if new_deadline:
                locked.deadline = new_deadline
                fields.append("deadline")
        locked.save(update_fields=fields)
        action = HazardAction.ACCEPTED if accepted else HazardAction.REJECTED
        HazardEvent.objects.create(hazard=locked, actor=user, action=action, note=reason)
        AuditEntry.objects.create(actor=user, action=f"hazard.{action}", object_type="venue",
                                  object_id=str(locked.venue_id),
                                  detail={"hazard": locked.pk, "reason": reason})
        schedule.refresh_venue(locked.venue)
        notify.hazard_verified(locked, user, accepted, reason)
    return locked
