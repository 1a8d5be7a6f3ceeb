"""A self-check: started (one draft per venue), answered group by group, submitted once,
then accepted or returned by staff. Failed items become hazards on submitting
(venues.workflows.hazards). Nothing else changes SelfCheck.status.

Who may do what:
- the venue's owner and operators fill in and submit their own venue's self-check;
- staff with ``assist_selfcheck`` fill one in with an owner who has no phone (协助自查), within
  their scope; the owner confirms it on the staff member's screen, and the record says so;
- staff with ``review_selfcheck`` accept or return submitted self-checks within their scope."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from venues import notify, photos, schedule
from venues.access import can_see_venue, holds_venue
from venues.checklists import checklist_for
from venues.models import (
    Answer,
    AuditEntry,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardSource,
    HazardStatus,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    Severity,
    Venue,
    VenueStatus,
)

from . import hazards
from .registration import InvalidTransition, ReasonRequired

S = SelfCheckStatus
GAS_GROUP = "gas"  # answers in this checklist group say whether the venue uses gas

__all__ = ["InvalidTransition", "ReasonRequired"]


# --- Who may -------------------------------------------------------------------------------

def may_fill(user, venue):
    """Whether ``user`` may fill in a self-check of ``venue`` (their own, or assisting)."""
    if venue.status != VenueStatus.APPROVED:
        return False
    return holds_venue(user, venue) or may_assist(user, venue)


def may_assist(user, venue):
    return (venue.status == VenueStatus.APPROVED and user.has_perm("venues.assist_selfcheck")
            and can_see_venue(user, venue))


def may_review(user, check):
    return (check.status == S.SUBMITTED and user.has_perm("venues.review_selfcheck")
            and can_see_venue(user, check.venue))


def _require_fill(user, check):
    if check.status != S.DRAFT:
        raise InvalidTransition(_("This self-check has already been submitted."))
    if not may_fill(user, check.venue):
        raise PermissionDenied
    if check.assisted_by_id and check.assisted_by_id != user.pk and not holds_venue(user, check.venue):
        raise PermissionDenied  # another staff member's assisted draft


def may_continue(user, check):
    """Whether ``user`` may go on filling in ``check`` (a draft of theirs to fill)."""
    try:
        _require_fill(user, check)
    except (InvalidTransition, PermissionDenied):
        return False
    return True


# --- Filling in ----------------------------------------------------------------------------

def draft_of(venue):
    return SelfCheck.objects.filter(venue=venue, status=S.DRAFT).first()


def start(venue, user, assisted=False):
    """The venue's self-check being filled in, started now if there is none. Any number of
    identical requests at once find the same draft (a unique constraint on drafts)."""
    if not (may_assist(user, venue) if assisted else holds_venue(user, venue) and may_fill(user, venue)):
        raise PermissionDenied
    existing = draft_of(venue)
    if existing is not None:
        return _assisting(existing, user) if assisted else existing
    versions, items = checklist_for(venue, user)
    try:
        with transaction.atomic():
            check = SelfCheck.objects.create(
                venue=venue, items=items, due_on=venue.selfcheck_due_on, started_by=user,
                assisted_by=user if assisted else None,
            )
            check.versions.set(versions)
    except IntegrityError:
        existing = draft_of(venue)
        if existing is None:
            raise
        return existing
    return check


def _assisting(check, user):
    """A draft the owner began on their own phone, which a member of staff now goes on with
    beside them: from now on it is an assisted self-check, confirmed by the owner's name."""
    with transaction.atomic():
        locked = _locked_draft(check, user)
        if locked.assisted_by_id is None:
            locked.assisted_by = user
            locked.save(update_fields=["assisted_by", "updated_at"])
            AuditEntry.objects.create(actor=user, action="selfcheck.assist", object_type="venue",
                                      object_id=str(locked.venue_id), detail={"selfcheck": locked.pk})
    return locked


def _locked_draft(check, user):
    """The draft, locked for this transaction, after checking ``user`` may fill it in: a
    change sent just as the self-check is submitted waits for the submission, then is refused
    (InvalidTransition) instead of changing a submitted record."""
    locked = SelfCheck.objects.select_for_update().select_related("venue").get(pk=check.pk)
    _require_fill(user, locked)
    return locked


def save_answers(check, user, answers, step=None):
    """Store ``answers`` ({code: {"answer", "note", "interim_measure"}}) of a draft, and the
    number of groups completed. Codes the self-check does not ask, and answers that are none of
    Answer's, are ignored."""
    with transaction.atomic():
        locked = _locked_draft(check, user)
        asked = {item["code"] for item in locked.items}
        for code, values in answers.items():
            if code not in asked or values.get("answer") not in Answer.values:
                continue
            SelfCheckAnswer.objects.update_or_create(
                selfcheck=locked, code=code,
                defaults={"answer": values["answer"], "note": (values.get("note") or "").strip(),
                          "interim_measure": (values.get("interim_measure") or "").strip()},
            )
        if step is not None and step > locked.step:
            locked.step = step
        locked.save(update_fields=["step", "updated_at"])
    check.step = locked.step


def add_photo(check, code, upload, user):
    """A photo of a failed item; ValidationError (storing nothing) when it is not a photo."""
    _require_fill(user, check)  # before decoding anything
    content, (width, height) = photos.reencode(upload)
    photo = EvidencePhoto(venue=check.venue, stage=EvidenceStage.BEFORE, width=width, height=height,
                          uploaded_by=user)
    photo.file.save(content.name, content, save=False)
    try:
        with transaction.atomic():
            locked = _locked_draft(check, user)
            photo.answer = locked.answers.filter(code=code).first()
            if photo.answer is None or photo.answer.answer != Answer.NO:
                raise ValidationError(_("Answer “not in order” before adding a photo."))
            photo.save()
    except Exception:
        photo.file.delete(save=False)  # no orphan file when the record could not be saved
        raise
    return photo


def remove_photo(photo, user):
    with transaction.atomic():
        _locked_draft(photo.answer.selfcheck, user)
        photo.delete()
        transaction.on_commit(lambda: photo.file.delete(save=False))


def stored(check):
    """The answers stored so far and their photos: ({code: answer}, {code: [photo]})."""
    answers = {answer.code: answer for answer in check.answers.all()}
    found = {}
    for photo in EvidencePhoto.objects.filter(answer__selfcheck=check).select_related("answer"):
        found.setdefault(photo.answer.code, []).append(photo)
    return answers, found


def may_discard(user, check):
    """A draft may be thrown away by the venue's holders, by the member of staff assisting,
    and by reviewers of the venue (a colleague's abandoned assisted draft blocks no one)."""
    if check.status != S.DRAFT:
        return False
    if holds_venue(user, check.venue) or (check.assisted_by_id and check.assisted_by_id == user.pk):
        return True
    return user.has_perm("venues.review_selfcheck") and can_see_venue(user, check.venue)


def discard(check, user):
    """Delete a draft with its answers and photos, so the venue's self-check can start afresh."""
    with transaction.atomic():
        locked = SelfCheck.objects.select_for_update().select_related("venue").get(pk=check.pk)
        if locked.status != S.DRAFT:
            raise InvalidTransition(_("This self-check has already been submitted."))
        if not may_discard(user, locked):
            raise PermissionDenied
        files = [photo.file for photo in EvidencePhoto.objects.filter(answer__selfcheck=locked)]
        AuditEntry.objects.create(actor=user, action="selfcheck.discard", object_type="venue",
                                  object_id=str(locked.venue_id), detail={"selfcheck": locked.pk})
        locked.delete()
        for stored_file in files:
            transaction.on_commit(lambda stored_file=stored_file: stored_file.delete(save=False))


NEEDS_ANSWER = gettext_lazy("Please answer this item.")
NA_NOT_ALLOWED = gettext_lazy("This item applies to every venue of this kind; please answer yes or no.")
NEEDS_NOTE = gettext_lazy("Please say what is not in order.")
NEEDS_PHOTO = gettext_lazy("Please add a photo of what is not in order.")
NEEDS_INTERIM = gettext_lazy("This is a major hazard: please say what you do to keep people safe "
                             "until it is fixed.")


def problems(check, answers=None, photo_counts=None):
    """What stops ``check`` from being submitted: {code: [messages]} (empty when complete)."""
    if answers is None or photo_counts is None:
        answers, found_photos = stored(check)
        photo_counts = {code: len(items) for code, items in found_photos.items()}
    return answer_problems(check.items, answers, photo_counts)


def answer_problems(items, answers, photo_counts):
    """What is missing from the ``answers`` ({code: an object with ``answer``, ``note`` and
    ``interim_measure``}) to the checklist ``items``, with ``photo_counts`` ({code: number of
    photos}): {code: [messages]}. The one rule for self-checks and patrols alike."""
    found = {}
    for item in items:
        answer = answers.get(item["code"])
        errors = []
        if answer is None:
            errors.append(NEEDS_ANSWER)
        elif answer.answer == Answer.NOT_APPLICABLE and not item["allow_not_applicable"]:
            errors.append(NA_NOT_ALLOWED)
        elif answer.answer == Answer.NO:
            if not answer.note:
                errors.append(NEEDS_NOTE)
            if item["photo_required_on_fail"] and not photo_counts.get(item["code"]):
                errors.append(NEEDS_PHOTO)
            if item["severity"] == Severity.MAJOR and not answer.interim_measure:
                errors.append(NEEDS_INTERIM)
        if errors:
            found[item["code"]] = [str(error) for error in errors]
    return found


def submit(check, user, confirmed_by_name=""):
    """Submit a complete draft once: a second submission (a double click, a resend, fifty at
    once) returns the self-check as the first left it. Failed items become hazards. An
    assisted self-check needs the owner's name, typed by the owner as confirmation."""
    confirmed_by_name = (confirmed_by_name or "").strip()
    with transaction.atomic():
        locked = SelfCheck.objects.select_for_update().select_related("venue").get(pk=check.pk)
        if locked.status != S.DRAFT:
            return locked  # already submitted by the same form
        _require_fill(user, locked)
        # The owner confirms on the staff member's screen; submitting it themselves confirms it.
        if locked.assisted_by_id and not confirmed_by_name and not holds_venue(user, locked.venue):
            raise ValidationError({"confirmed_by_name": _("The owner confirms by typing their name.")})
        if problems(locked):
            raise ValidationError(_("Some items still need an answer; please go back to them."))
        locked.status, locked.submitted_at, locked.submitted_by = S.SUBMITTED, timezone.now(), user
        locked.confirmed_by_name = confirmed_by_name
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "confirmed_by_name",
                                   "updated_at"])
        _record_hazards(locked, user)
        _record_gas_use(locked)
        AuditEntry.objects.create(
            actor=user, action="selfcheck.submit", object_type="venue", object_id=str(locked.venue_id),
            detail={"selfcheck": locked.pk, "assisted": locked.assisted},
        )
        schedule.refresh_venue(locked.venue)
    return locked


def _record_hazards(check, user):
    """A hazard for each failed item (or the item's unclosed hazard found again), holding the
    item's photos."""
    answers = list(check.answers.filter(answer=Answer.NO).prefetch_related("photos"))
    found = record_failed_items(check.venue, user, check.items, answers, HazardSource.SELFCHECK,
                                selfcheck=check)
    for answer in answers:
        answer.photos.update(hazard=found[answer.code])


def record_failed_items(venue, user, items, failed, source, selfcheck=None, patrol=None, again_note=None):
    """{code: hazard} for the ``failed`` answers (objects with ``code``, ``note`` and
    ``interim_measure``) to the checklist ``items``: a new hazard for each, except that an item
    that is still an unclosed hazard of the venue (found earlier and not closed) is added to
    that hazard's history instead, so one problem is one hazard however often it is reported.
    ``again_note`` turns an answer's note into the note of that history row.

    Runs inside the caller's transaction and locks the venue's row first, so that a self-check
    and a patrol reporting the same problem at once are recorded one after the other (the
    second finds the first's hazard again) whoever calls."""
    Venue.objects.select_for_update().filter(pk=venue.pk).values_list("pk", flat=True).first()
    by_code = {item["code"]: item for item in items}
    unclosed = {hazard.item_code: hazard for hazard in
                Hazard.objects.filter(venue=venue, item_code__in=[a.code for a in failed])
                .exclude(status=HazardStatus.CLOSED).order_by("found_at", "pk")}
    found = {}
    for answer in failed:
        item = by_code[answer.code]
        hazard = unclosed.get(answer.code)
        if hazard is not None:
            hazards.found_again(hazard, user, again_note(answer.note) if again_note else answer.note)
        else:
            hazard = hazards.record(
                venue, user, source=source, severity=item["severity"],
                description=answer.note, interim_measure=answer.interim_measure,
                item_code=item["code"], item_question=item["question"], selfcheck=selfcheck, patrol=patrol,
            )
        found[answer.code] = hazard
    return found


def _record_gas_use(check):
    gas = [answer for answer in check.answers.all()
           if (check.item(answer.code) or {}).get("group_code") == GAS_GROUP]
    if gas:
        check.venue.uses_gas = any(answer.answer != Answer.NOT_APPLICABLE for answer in gas)
        check.venue.save(update_fields=["uses_gas", "updated_at"])


# --- Review --------------------------------------------------------------------------------

def _review(check, user, status, reason=""):
    with transaction.atomic():
        locked = SelfCheck.objects.select_for_update().select_related("venue").get(pk=check.pk)
        if locked.status != S.SUBMITTED:
            raise InvalidTransition(_("This self-check is now “%(status)s”; please reload the page.")
                                    % {"status": locked.get_status_display()})
        if not may_review(user, locked):
            raise PermissionDenied
        locked.status, locked.reviewed_at, locked.reviewed_by = status, timezone.now(), user
        locked.review_reason = reason
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_reason", "updated_at"])
        AuditEntry.objects.create(
            actor=user, action=f"selfcheck.{status}", object_type="venue", object_id=str(locked.venue_id),
            detail={"selfcheck": locked.pk, "reason": reason},
        )
        schedule.refresh_venue(locked.venue)
        notify.selfcheck_reviewed(locked, user)
    return locked


def accept(check, user):
    return _review(check, user, S.ACCEPTED)


def return_(check, user, reason):
    """Return a careless self-check with a reason; the hazards it found stay open, and the
    venue is due again as if it had not been submitted."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Please give a reason."))
    return _review(check, user, S.RETURNED, reason)
