"""Refusals to cooperate and the serious-case procedure (proposal with evidence → notice to the
owner → objection period → a leader's decision → publication of the fact where the rules say so →
repair after a time of good conduct); the only place their states change.

Each step checks who may take it and when (ValidationError for the wrong time or state, with a
message for the person; PermissionDenied for someone who may not), writes its dates, an audit
entry and the owner's message, and recomputes the venue's levels (venues.schedule.refresh_venue)
where the level can move. Days are local days (Asia/Shanghai). The owner's objection may be
changed or added to until the objection date (the last version is kept, with its time)."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from venues import audit, integrity, schedule
from venues import photos as venue_photos
from venues.access import holds_venue, venues_for
from venues.figures import local_today, local_zone
from venues.models import (
    OPEN_CASE,
    CaseEvidence,
    CaseStatus,
    Hazard,
    IntegritySettings,
    Refusal,
    SeriousCase,
    VenueStatus,
)
from venues.notify import _tell_holders

MAX_PHOTOS = 10


def _date(value):
    return f"{value:%Y-%m-%d}"


def _local_day(moment):
    return timezone.localtime(moment, local_zone()).date() if moment else None


def _in_scope(user, venue):
    return venues_for(user).filter(pk=venue.pk).exists()


def _audit(actor, action, case_or_refusal, **detail):
    audit.record(audit.current_request(), action, case_or_refusal, actor=actor, **detail)


# --- Who may -------------------------------------------------------------------------------

def may_record_refusal(user, venue):
    return (venue.status == VenueStatus.APPROVED and user.has_perm("venues.add_refusal")
            and _in_scope(user, venue))


def may_propose(user, venue):
    return (venue.status == VenueStatus.APPROVED and user.has_perm("venues.add_seriouscase")
            and _in_scope(user, venue))


def may_notify(user, case):
    return (case.status == CaseStatus.PROPOSED and user.has_perm("venues.change_seriouscase")
            and _in_scope(user, case.venue))


def may_withdraw(user, case):
    return (case.status in OPEN_CASE and user.has_perm("venues.change_seriouscase")
            and _in_scope(user, case.venue))


def may_decide(user, case, today=None):
    """A leader (decide_seriouscase) with the venue in scope, once the objection period is over."""
    return (case.status == CaseStatus.NOTIFIED and user.has_perm("venues.decide_seriouscase")
            and _in_scope(user, case.venue) and objection_over(case, today))


def may_object(user, case, today=None):
    """The venue's owner or operator, while the case is notified and the objection date not passed."""
    return (case.status == CaseStatus.NOTIFIED and holds_venue(user, case.venue)
            and not objection_over(case, today))


def objection_over(case, today=None):
    today = today or local_today()
    return case.objection_until is not None and today > case.objection_until


def cases_for(user):
    """The serious cases ``user`` may read: those of the venues in their scope, with view_seriouscase."""
    if not user.has_perm("venues.view_seriouscase"):
        return SeriousCase.objects.none()
    return SeriousCase.objects.filter(venue__in=venues_for(user).values("pk"))


def owner_cases(user, venue):
    """The cases of ``venue`` its holder ``user`` has been told of: notified and later (a case
    withdrawn before notice, or only proposed, is not shown)."""
    if not holds_venue(user, venue):
        return SeriousCase.objects.none()
    return SeriousCase.objects.filter(venue=venue, notified_at__isnull=False).exclude(
        status=CaseStatus.PROPOSED)


# --- Refusals --------------------------------------------------------------------------------

def refusal_earliest(venue, today=None):
    """The earliest date a refusal of ``venue`` may be recorded for: not before the venue was
    registered, nor before the integrity window (IntegritySettings.window_months) ending today."""
    today = today or local_today()
    start = integrity.window_start(today, IntegritySettings.current().window_months)
    created = _local_day(venue.created_at)
    return max(start, created) if created else start


def record_refusal(staff, venue, occurred_on, note, submission_id, today=None):
    """Record that ``venue`` refused to cooperate on ``occurred_on``. The same ``submission_id``
    sent again returns the refusal it recorded."""
    done = Refusal.objects.filter(submission_id=submission_id).first()
    if done is not None:
        if done.venue_id != venue.pk or done.recorded_by_id != staff.pk:
            raise PermissionDenied
        return done
    if not may_record_refusal(staff, venue):
        raise PermissionDenied
    today = today or local_today()
    note = (note or "").strip()
    errors = {}
    if occurred_on is None:
        errors["occurred_on"] = [_("Please give the date.")]
    elif occurred_on > today:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    elif occurred_on < (earliest := refusal_earliest(venue, today)):
        errors["occurred_on"] = [_("The date cannot be before %(date)s (the venue's registration or the "
                                   "start of the integrity window).") % {"date": _date(earliest)}]
    if not note:
        errors["note"] = [_("Please say what happened.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            refusal = Refusal.objects.create(venue=venue, occurred_on=occurred_on, note=note[:2000],
                                             recorded_by=staff, submission_id=submission_id)
            _audit(staff, "refusal.record", refusal, venue=venue.pk, occurred_on=_date(occurred_on))
            params = {"venue": venue.name, "date": _date(occurred_on)}
            _tell_holders(venue, staff, _("%(venue)s: refusal to cooperate recorded") % params,
                          _("The town recorded that %(venue)s refused to cooperate on %(date)s: %(note)s "
                            "Refusals count towards the venue's integrity level.")
                          % {**params, "note": note})
    except IntegrityError:
        done = Refusal.objects.filter(submission_id=submission_id).first()
        if done is None:
            raise
        return done
    schedule.refresh_venue(venue)
    return refusal


# --- The serious-case procedure --------------------------------------------------------------

def propose(staff, venue, facts, hazards=(), refusals=(), photos=(), submission_id=None):
    """Propose a serious case against ``venue``: the facts and grounds, the venue's hazards and
    refusals cited and photos. One open case per venue. The operator is copied from the venue.
    The same ``submission_id`` sent again returns the case it made (a new one when none is given)."""
    submission_id = submission_id or uuid.uuid4()
    done = SeriousCase.objects.filter(submission_id=submission_id).first()
    if done is not None:
        if done.venue_id != venue.pk or done.proposed_by_id != staff.pk:
            raise PermissionDenied
        return done
    if not may_propose(staff, venue):
        raise PermissionDenied
    facts = (facts or "").strip()
    errors = {}
    if not facts:
        errors["facts"] = [_("Please set out the facts and grounds.")]
    photos = [photo for photo in photos or () if photo]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("Please add at most %(count)d photos.") % {"count": MAX_PHOTOS}]
    if SeriousCase.objects.filter(venue=venue, status__in=OPEN_CASE).exists():
        errors["__all__"] = [_("This venue already has an open serious case; decide or withdraw it first.")]
    if errors:
        raise ValidationError(errors)
    hazard_ids = [getattr(h, "pk", h) for h in hazards or ()]
    refusal_ids = [getattr(r, "pk", r) for r in refusals or ()]
    cited_hazards = list(Hazard.objects.filter(venue=venue, pk__in=hazard_ids))
    cited_refusals = list(Refusal.objects.filter(venue=venue, pk__in=refusal_ids))
    try:
        encoded = [venue_photos.reencode(photo) for photo in photos]
    except ValidationError as error:
        raise ValidationError({"photos": error.messages}) from None
    stored = []
    try:
        with transaction.atomic():
            case = SeriousCase.objects.create(
                venue=venue, operator_name=venue.operator_name, operator_id_hash=venue.operator_id_hash,
                operator_mobile=venue.operator_mobile, facts=facts[:5000], proposed_by=staff,
                submission_id=submission_id)
            case.hazards.set(cited_hazards)
            case.refusals.set(cited_refusals)
            for content, (width, height) in encoded:
                evidence = CaseEvidence(case=case, width=width, height=height, uploaded_by=staff)
                evidence.file.save(content.name, content, save=False)
                stored.append(evidence)
                evidence.save()
            _audit(staff, "case.propose", case, venue=venue.pk, hazards=[h.pk for h in cited_hazards],
                   refusals=[r.pk for r in cited_refusals], photos=len(stored))
    except IntegrityError:
        for evidence in stored:
            evidence.file.delete(save=False)
        done = SeriousCase.objects.filter(submission_id=submission_id).first()
        if done is not None:
            return done
        raise ValidationError(
            {"__all__": [_("This venue already has an open serious case; decide or withdraw it first.")]}
        ) from None
    except Exception:
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    return case


def _locked(case):
    return SeriousCase.objects.select_for_update().select_related("venue").get(pk=case.pk)


def notify(staff, case, today=None):
    """Give the owner notice of a proposed case: the objection period runs to today +
    IntegritySettings.objection_days."""
    if not may_notify(staff, case):
        raise PermissionDenied
    today = today or local_today()
    days = IntegritySettings.current().objection_days
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.PROPOSED:
            raise ValidationError(_("The owner has already been notified of this case."))
        case.status = CaseStatus.NOTIFIED
        case.notified_at, case.notified_by = timezone.now(), staff
        case.objection_until = today + datetime.timedelta(days=days)
        case.save(update_fields=["status", "notified_at", "notified_by", "objection_until"])
        _audit(staff, "case.notify", case, venue=case.venue_id, objection_until=_date(case.objection_until))
        venue = case.venue
        params = {"venue": venue.name, "date": _date(case.objection_until), "facts": case.facts}
        _tell_holders(venue, staff, _("%(venue)s: notice of a serious integrity case") % params,
                      _("The town proposes to find that the operator of %(venue)s is seriously "
                        "untrustworthy (integrity level D). The facts and grounds: %(facts)s You may "
                        "object, in writing on this site, until %(date)s; a decision is made after that "
                        "date.") % params,
                      sms_template="venue_status",
                      sms_params={"venue": venue.name, "status": _("notice of a serious integrity case")})
    return case


def object_to(owner, case, text, today=None):
    """The owner's objection (replaces an earlier one; allowed until the objection date)."""
    if not holds_venue(owner, case.venue):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Please write your objection.")]})
    with transaction.atomic():
        case = _locked(case)
        if not may_object(owner, case, today):
            raise ValidationError(_("The period for objections has ended."))
        first = not case.objection
        case.objection, case.objected_at = text[:5000], timezone.now()
        case.save(update_fields=["objection", "objected_at"])
        _audit(owner, "case.object", case, venue=case.venue_id, first=first)
    return case


# ``object`` is the procedure's name for the step; ``object_to`` avoids shadowing the builtin.
object = object_to  # noqa: A001


def decide(leader, case, upheld, note, today=None):
    """A leader's decision, after the objection period: UPHELD (repair from the decision date +
    repair_months; published where the settings say) or DISMISSED."""
    if not (leader.has_perm("venues.decide_seriouscase") and _in_scope(leader, case.venue)):
        raise PermissionDenied
    today = today or local_today()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Please give the decision's grounds.")]})
    settings_ = IntegritySettings.current()
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.NOTIFIED:
            raise ValidationError(_("Only a case the owner has been notified of can be decided."))
        if not objection_over(case, today):
            raise ValidationError(_("The owner may object until %(date)s; decide after that date.")
                                  % {"date": _date(case.objection_until)})
        case.decided_at, case.decided_by, case.decision_note = timezone.now(), leader, note[:5000]
        venue = case.venue
        params = {"venue": venue.name, "date": _date(today), "note": note}
        if upheld:
            case.status = CaseStatus.UPHELD
            case.repair_on = schedule.add_months(today, settings_.repair_months)
            case.published = settings_.publish_decisions
            subject = _("%(venue)s: serious integrity case upheld") % params
            body = _("On %(date)s the town found that the operator of %(venue)s is seriously untrustworthy "
                     "(integrity level D): %(note)s The level may be repaired from %(repair)s after good "
                     "conduct.") % {**params, "repair": _date(case.repair_on)}
        else:
            case.status = CaseStatus.DISMISSED
            subject = _("%(venue)s: serious integrity case dismissed") % params
            body = _("On %(date)s the town decided not to uphold the serious integrity case against "
                     "%(venue)s: %(note)s") % params
        case.save(update_fields=["status", "decided_at", "decided_by", "decision_note", "repair_on",
                                 "published"])
        _audit(leader, "case.decide", case, venue=venue.pk, upheld=bool(upheld), published=case.published)
        _tell_holders(venue, leader, subject, body, sms_template="venue_status",
                      sms_params={"venue": venue.name, "status": str(case.get_status_display())})
    schedule.refresh_venue(venue)
    return case


def withdraw(staff, case, note):
    """Withdraw a case before its decision (the owner is told if they had been notified)."""
    if not may_withdraw(staff, case):
        raise PermissionDenied
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Please say why the case is withdrawn.")]})
    with transaction.atomic():
        case = _locked(case)
        if case.status not in OPEN_CASE:
            raise ValidationError(_("Only a case not yet decided can be withdrawn."))
        notified = case.status == CaseStatus.NOTIFIED
        case.status, case.closed_note, case.withdrawn_at = CaseStatus.WITHDRAWN, note[:2000], timezone.now()
        case.save(update_fields=["status", "closed_note", "withdrawn_at"])
        _audit(staff, "case.withdraw", case, venue=case.venue_id)
        if notified:
            params = {"venue": case.venue.name, "note": note}
            _tell_holders(case.venue, staff, _("%(venue)s: serious integrity case withdrawn") % params,
                          _("The town has withdrawn the serious integrity case against %(venue)s: %(note)s")
                          % params)
    return case


# --- Repair ----------------------------------------------------------------------------------

def last_bad_event(venue, since, today):
    """The latest day from ``since`` to ``today`` on which the venue's conduct was bad: a refusal;
    a hazard not fixed by its deadline (the day it was fixed late, today while still open); a
    self-check done late (the day it was submitted; today while one is overdue). None when there
    was none. What counts as late is venues.integrity's reading (late_hazards, late_selfchecks)."""
    days = []
    refused = Refusal.objects.filter(venue=venue, occurred_on__gte=since, occurred_on__lte=today)
    days.append(refused.order_by("-occurred_on").values_list("occurred_on", flat=True).first())
    for late in (integrity.late_hazards(today), integrity.late_selfchecks()):
        days.append(late.filter(venue=venue, bad_on__gte=since).annotate(day=F("bad_on"))
                    .order_by("-day").values_list("day", flat=True).first())
    if venue.selfcheck_due_on is not None and venue.selfcheck_due_on < today:
        days.append(today)  # a self-check overdue now
    if Hazard.objects.filter(venue=venue).filter(Hazard.overdue_q(today)).exists():
        days.append(today)  # a hazard overdue now
    days = [day for day in days if day is not None]
    return min(max(days), today) if days else None


def repair_from(case, today=None):
    """The day from which ``case`` (UPHELD) may be repaired: repair_months of good conduct after
    the later of the decision and the venue's last bad event since."""
    today = today or local_today()
    decided = _local_day(case.decided_at) or today
    bad = last_bad_event(case.venue, decided, today)
    start = max(decided, bad) if bad else decided
    return schedule.add_months(start, IntegritySettings.current().repair_months)


def repair_due(today=None):
    """For the daily job: upheld cases whose venue has had the time of good conduct become
    REPAIRED (no longer published); the others get their repair date moved after a bad event.
    Returns how many were repaired."""
    today = today or local_today()
    repaired = 0
    for case in SeriousCase.objects.filter(status=CaseStatus.UPHELD).select_related("venue"):
        due = repair_from(case, today)
        with transaction.atomic():
            locked = _locked(case)
            if locked.status != CaseStatus.UPHELD:
                continue
            if due <= today:
                locked.status, locked.published = CaseStatus.REPAIRED, False
                locked.repaired_at, locked.repair_on = timezone.now(), due
                locked.save(update_fields=["status", "published", "repaired_at", "repair_on"])
                _audit(None, "case.repair", locked, venue=locked.venue_id)
                venue = locked.venue
                params = {"venue": venue.name, "date": _date(today)}
                _tell_holders(venue, None, _("%(venue)s: integrity level repaired") % params,
                              _("After a time of good conduct, the serious integrity case against %(venue)s "
                                "is repaired as of %(date)s; it is no longer shown on the public card.")
                              % params)
                repaired += 1
            elif locked.repair_on != due:
                locked.repair_on = due
                locked.save(update_fields=["repair_on"])
                continue
            else:
                continue
        schedule.refresh_venue(venue)
    return repaired
