"""巡查: grid workers, village staff and the town office visit the venues of their areas and
record what they found against the venue's merged checklist (venues.checklists). Failed
items become hazards exactly as in self-checks (venues.workflows.selfchecks.record_failed_items:
an item that is still an unclosed hazard of the venue is found again, not recorded twice).

A patrol is recorded in one go, from a form the phone keeps while it is filled in (the
connection may be weak): the phone makes the ``submission_id`` when the form is first opened,
so the same form sent again (a resend, a double tap, a sign-in in between) finds the record it
made instead of making a second one.

Photos: an item whose checklist entry asks for a photo when it is not in order
(``photo_required_on_fail``) needs one on patrol too. The hazard is re-checked later against
the photo before the fix, and the person on patrol has a camera in hand.

Nothing is recorded about the person beyond who recorded the visit and when: no place, no
route, no time online, no counts of activity (the central rule against 指尖上的形式主义)."""

import uuid
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from venues import checklists, schedule
from venues import photos as venue_photos
from venues.access import venues_for
from venues.integrity import integrity_rank
from venues.models import (
    Answer,
    AuditEntry,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardSource,
    HazardStatus,
    Patrol,
    PatrolAnswer,
    RiskLevel,
    Venue,
    VenueStatus,
)

from .selfchecks import answer_problems, record_failed_items

MAX_PHOTOS_PER_ITEM = 5


# --- Who may -------------------------------------------------------------------------------

def may_patrol(user, venue):
    """Whether ``user`` may record a patrol of ``venue``: the right to patrol, the venue in their
    scope and approved (a venue being registered is not yet supervised; a closed one no longer)."""
    return (venue.status == VenueStatus.APPROVED and user.has_perm("venues.add_patrol")
            and venues_for(user).filter(pk=venue.pk).exists())


def patrols_for(user):
    """The patrols ``user`` may read: those of the venues in their scope, with view_patrol."""
    if not user.has_perm("venues.view_patrol"):
        return Patrol.objects.none()
    return Patrol.objects.filter(venue__in=venues_for(user).values("pk"))


# --- The worklist --------------------------------------------------------------------------

def _count_of(hazards):
    """The number of ``hazards`` (of the outer venue) as an annotation: a subquery, so the
    counts do not multiply each other as joins would."""
    counted = (hazards.filter(venue=OuterRef("pk")).order_by().values("venue")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def risk_rank():
    """The risk level as a number, higher for more risk (RiskLevel is ordered from low to high);
    0 when not yet assessed."""
    return Case(*[When(risk_level=level, then=Value(rank)) for rank, level in
                  enumerate(RiskLevel.values, start=1)], default=Value(0), output_field=IntegerField())


def worklist(user, today=None):
    """The approved venues in ``user``'s scope, those most in need of a visit first: a self-check
    overdue, then the most overdue hazards, then the most hazards not yet closed, then the
    higher risk level, then the worse integrity level (venues.integrity: D first), then the
    longest since the last patrol (never visited first), then by name. One query whatever the
    number of venues; each venue carries what put it there (``selfcheck_overdue``,
    ``hazards_overdue``, ``hazards_open``, ``risk_rank``, ``integrity_rank``, ``last_patrol_at``)."""

    today = today or timezone.localdate()
    last = Patrol.objects.filter(venue=OuterRef("pk")).order_by("-visited_at").values("visited_at")[:1]
    return (
        venues_for(user).filter(status=VenueStatus.APPROVED)
        .annotate(
            selfcheck_overdue=Case(When(schedule.overdue_q(today), then=Value(1)), default=Value(0),
                                   output_field=IntegerField()),
            hazards_overdue=_count_of(Hazard.objects.filter(Hazard.overdue_q(today))),
            hazards_open=_count_of(Hazard.objects.exclude(status=HazardStatus.CLOSED)),
            risk_rank=risk_rank(),
            integrity_rank=integrity_rank(),
            last_patrol_at=Subquery(last),
        )
        .order_by("-selfcheck_overdue", "-hazards_overdue", "-hazards_open", "-risk_rank", "-integrity_rank",
                  F("last_patrol_at").asc(nulls_first=True), "name", "pk")
    )


# --- Recording a patrol --------------------------------------------------------------------

def items_shown(venue):
    """The venue's merged checklist as it reads now, for the form: what ``record`` will ask
    (venues.checklists.checklist_for), read without making a checklist version, so that showing
    the form writes nothing."""
    return checklists.merge([SimpleNamespace(items=checklists._items_now(kind)) for kind in venue.all_kinds])


def _existing(submission_id, venue, user):
    """The patrol this form already recorded, if any. An id another person's or another venue's
    form made is refused rather than shown (ids are random: only a forged form or another
    person's copy left on a shared phone carries one; the form view gives such a form a fresh
    id before it gets here)."""
    done = Patrol.objects.filter(submission_id=submission_id).select_related("venue").first()
    if done is not None and (done.venue_id != venue.pk or done.inspector_id != user.pk):
        raise PermissionDenied
    return done


def earlier_use(submission_id):
    """The patrol recorded under ``submission_id`` by anyone, or None (None for no id)."""
    try:
        submission_id = uuid.UUID(str(submission_id))
    except ValueError:
        return None
    return Patrol.objects.filter(submission_id=submission_id).first()


def is_resend(patrol, venue, user, answers, note=""):
    """Whether a form sent with ``patrol``'s id is that patrol sent again: the same person, venue,
    answers ({code: {"answer", "note", "interim_measure"}}) and remarks. A form with other
    answers is a later visit filled into an old copy on the phone, not a resend."""
    if patrol.venue_id != venue.pk or patrol.inspector_id != user.pk:
        return False
    if (note or "").strip()[:2000] != patrol.note:
        return False
    given = {code: (a.answer, a.note, a.interim_measure)
             for code, a in _answers(patrol.items, answers).items()}
    stored = {a.code: (a.answer, a.note, a.interim_measure) for a in patrol.answers.all()}
    return given == stored


def recent_ids(venue, user, count=20):
    """The submission ids of ``user``'s latest patrols of ``venue``: the phone drops a kept copy
    of the form carrying one of them (it was sent, though the reply may have been lost)."""
    return [str(value) for value in Patrol.objects.filter(venue=venue, inspector=user)
            .order_by("-visited_at", "-pk").values_list("submission_id", flat=True)[:count]]


def already_recorded(submission_id, venue, user):
    """The patrol the form with ``submission_id`` recorded, if it was (None for no id)."""
    try:
        submission_id = uuid.UUID(str(submission_id))
    except ValueError:
        return None
    return _existing(submission_id, venue, user)


def _answers(items, answers):
    """The answers the form gave to the checklist ``items``, as unsaved PatrolAnswers by code:
    codes not asked and answers that are none of Answer's are left out."""
    found = {}
    for item in items:
        values = answers.get(item["code"]) or {}
        if values.get("answer") not in Answer.values:
            continue
        found[item["code"]] = PatrolAnswer(
            code=item["code"], answer=values["answer"],
            note=(values.get("note") or "").strip()[:500],
            interim_measure=(values.get("interim_measure") or "").strip()[:500],
        )
    return found


def _reencoded(uploads, answers):
    """The photos of failed items re-encoded ({code: [(content, (width, height))]}), or
    ValidationError by item; photos of items in order are not kept."""
    done, errors = {}, {}
    for code, files in uploads.items():
        answer = answers.get(code)
        if answer is None or answer.answer != Answer.NO or not files:
            continue
        if len(files) > MAX_PHOTOS_PER_ITEM:
            errors[code] = [_("Please add at most %(count)d photos to one item.")
                            % {"count": MAX_PHOTOS_PER_ITEM}]
            continue
        try:
            done[code] = [venue_photos.reencode(upload) for upload in files]
        except ValidationError as error:
            errors[code] = error.messages
    if errors:
        raise ValidationError(errors)
    return done


def record(venue, user, submission_id, answers, note="", photos=None):
    """Record a patrol of ``venue`` at once: ``answers`` {code: {"answer", "note",
    "interim_measure"}} to every item of its merged checklist, ``photos`` {code: [uploaded
    file]} of items not in order, ``note`` the overall remarks. ValidationError ({code:
    [messages]}) when answers are missing or incomplete, storing nothing. The same
    ``submission_id`` sent again returns the patrol it recorded, even when both arrive at once."""
    done = _existing(submission_id, venue, user)
    if done is not None:
        return done
    if not may_patrol(user, venue):
        raise PermissionDenied
    _versions, items = checklists.checklist_for(venue, user)
    given = _answers(items, answers)
    uploads = {code: list(files) for code, files in (photos or {}).items()}
    errors = answer_problems(items, given, {code: len(files) for code, files in uploads.items()})
    if errors:
        raise ValidationError(errors)
    reencoded = _reencoded(uploads, given)
    stored = _store_files(venue, user, reencoded)
    try:
        with transaction.atomic():
            # One patrol of a venue recorded at a time (record_failed_items locks the venue row
            # too, for self-checks and patrols alike; taken here first, the lock is held
            # before the patrol row is written).
            Venue.objects.select_for_update().filter(pk=venue.pk).values_list("pk", flat=True).first()
            patrol = Patrol.objects.create(venue=venue, submission_id=submission_id, inspector=user,
                                           items=items, note=(note or "").strip()[:2000])
            for answer in given.values():
                answer.patrol = patrol
            PatrolAnswer.objects.bulk_create(given.values())
            saved = {answer.code: answer for answer in PatrolAnswer.objects.filter(patrol=patrol)}
            failed = [answer for answer in saved.values() if answer.answer == Answer.NO]
            found = record_failed_items(
                venue, user, items, failed, HazardSource.PATROL, patrol=patrol,
                again_note=lambda text: _("Found again on patrol: %(note)s") % {"note": text},
            )
            for answer in failed:
                answer.hazard = found[answer.code]
            PatrolAnswer.objects.bulk_update(failed, ["hazard"])
            for code, files in stored.items():
                for photo in files:
                    photo.patrol_answer, photo.hazard = saved[code], found[code]
                    photo.save()
            AuditEntry.objects.create(
                actor=user, action="patrol.record", object_type="venue", object_id=str(venue.pk),
                detail={"patrol": patrol.pk, "hazards": sorted({h.pk for h in found.values()})},
            )
            if failed:
                schedule.refresh_venue(venue)  # new hazards may raise the risk level
    except IntegrityError:
        _delete_files(stored)
        done = _existing(submission_id, venue, user)  # the same form, recorded a moment ago
        if done is None:
            raise
        return done
    except Exception:
        _delete_files(stored)
        raise
    return patrol


def _store_files(venue, user, reencoded):
    """The re-encoded photos written to private storage as unsaved EvidencePhotos (the rows are
    saved with the patrol; their files are removed again if it is not recorded)."""
    stored = {}
    try:
        for code, pictures in reencoded.items():
            for content, (width, height) in pictures:
                photo = EvidencePhoto(venue=venue, stage=EvidenceStage.BEFORE, width=width, height=height,
                                      uploaded_by=user)
                photo.file.save(content.name, content, save=False)
                stored.setdefault(code, []).append(photo)
    except Exception:
        _delete_files(stored)
        raise
    return stored


def _delete_files(stored):
    for files in stored.values():
        for photo in files:
            photo.file.delete(save=False)


def summary(patrol):
    """What a patrol found, for its page: rows of (item, answer, photos) in checklist order."""
    answers = {answer.code: answer for answer in
               patrol.answers.select_related("hazard").prefetch_related("photos")}
    rows = []
    for item in patrol.items:
        answer = answers.get(item["code"])
        photos = list(answer.photos.all()) if answer else []
        rows.append(SimpleNamespace(item=item, answer=answer, photos=photos))
    return rows


