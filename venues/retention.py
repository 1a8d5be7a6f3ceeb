"""How long each kind of record keeps personal data, and the one function per rule that
applies it. `manage.py apply_retention` runs them all (nightly, from cron); the privacy notice
tells owners the same periods, and docs/privacy.md lists them.

Venues are never deleted once submitted: their people's data is removed and the venue stays,
anonymous (kind, area, size, status, dates, history of statuses), so the statistics of
coverage and outcomes stay true. Periods are in days and may be changed in settings
(RETENTION_DAYS) by the town's archive rules."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .models import (
    AuditEntry,
    CaseEvidence,
    ClaimCode,
    CorrectionRequest,
    CorrectionStatus,
    EvidencePhoto,
    Hazard,
    HazardEvent,
    ImportBatch,
    ImportStatus,
    IntegrityReply,
    PublicReport,
    PublicReportPhoto,
    PublicReportStatus,
    Refusal,
    SelfCheck,
    SelfCheckAnswer,
    SeriousCase,
    Venue,
    VenuePhoto,
    VenueStatus,
    VenueStatusChange,
    VerificationCode,
)

DEFAULT_DAYS = {
    # A closed venue: its people's data, three years after closing (archive rules).
    "closed_venue": 3 * 365,
    # A registration that was not accepted: one year after the decision (time to object).
    "rejected_venue": 365,
    # A draft nobody touched for a year was never submitted: deleted with its photos.
    "stale_draft": 365,
    # The rows of an uploaded census sheet, once imported or abandoned.
    "import_rows": 30,
    # SMS codes (hashed) are needed only for their limits within the day.
    "verification_codes": 30,
    # Claim codes, after they expired, were used or were revoked.
    "claim_codes": 90,
    # Answered correction requests.
    "corrections": 3 * 365,
    # Owner accounts that hold no venue and did not sign in for two years.
    "idle_owner_accounts": 2 * 365,
    # 群众举报: the keyed hash of the sender's address serves only the limit of a day.
    "public_report_sender": 1,
    # 群众举报: the reporter's contact and photos, once the report is handled (closed, or the
    # hazard made of it closed): time to call back about the outcome or an objection.
    "public_report_contact": 90,
}
# The audit log is kept at least six months (等保; 网络安全法 art. 21): settings.AUDIT_RETENTION_DAYS.
AUDIT_MINIMUM_DAYS = 184


class RetentionError(Exception):
    pass


def days(rule):
    if rule == "audit":
        return settings.AUDIT_RETENTION_DAYS
    return {**DEFAULT_DAYS, **getattr(settings, "RETENTION_DAYS", {})}[rule]


def cutoff(rule, now=None):
    return (now or timezone.now()) - timedelta(days=days(rule))


# What may identify a person in a venue's record (a sole trader's shop name, credit code and
# address identify them too): cleared, never the venue's kind, area, size or dates. The name
# becomes a neutral label.
PERSONAL_FIELDS = [
    "operator_name", "operator_mobile", "operator_id_number", "operator_id_hash", "contact_name",
    "contact_mobile", "credit_code", "no_code_reason", "address",
]


def _holds_personal_data():
    """Venues with anything of a person left (also one reopened and filled in again)."""
    held = (Q(owner__isnull=False) | Q(operators__isnull=False) | Q(photos__isnull=False)
            | Q(evidence__isnull=False))
    for name in PERSONAL_FIELDS:
        if name != "operator_id_number":  # encrypted: its hash says whether it is there
            held |= ~Q(**{name: ""})
    return Venue.objects.filter(held).values("pk")


def _decided_before(status, moment):
    """Venues whose latest change to ``status`` happened before ``moment`` and which still
    hold personal data."""
    last = (VenueStatusChange.objects.filter(venue=OuterRef("pk"), to_status=status)
            .values("venue").annotate(latest=Max("at")).values("latest"))
    return Venue.objects.filter(status=status, pk__in=_holds_personal_data()).annotate(
        decided=last[:1]).filter(decided__lt=moment)


def _delete_photos(photos):
    """Rows first; each file once its row is gone for good."""
    files = [photo.file for photo in photos]
    photos.delete()
    for stored in files:
        transaction.on_commit(lambda stored=stored: stored.delete(save=False))


def remove_personal_data(venue, now=None):
    """The venue stays, anonymous: people, photos, codes, accounts' links and the free text of
    its history (which may name people) go."""
    with transaction.atomic():
        for name in PERSONAL_FIELDS:
            setattr(venue, name, "")
        venue.name = pgettext("anonymous venue", "Venue no. %(number)s") % {"number": venue.pk}
        venue.owner = None
        venue.personal_data_removed_at = now or timezone.now()
        venue.save(update_fields=[*PERSONAL_FIELDS, "name", "owner", "personal_data_removed_at",
                                  "updated_at"])
        venue.operators.clear()
        _delete_photos(VenuePhoto.objects.filter(venue=venue))
        _delete_photos(EvidencePhoto.objects.filter(venue=venue))
        ClaimCode.objects.filter(venue=venue).delete()
        VenueStatusChange.objects.filter(venue=venue).update(reason="", field_notes={})
        # Self-checks and hazards stay for the statistics, without the words people wrote.
        SelfCheck.objects.filter(venue=venue).update(confirmed_by_name="", review_reason="")
        SelfCheckAnswer.objects.filter(selfcheck__venue=venue).update(note="", interim_measure="")
        Hazard.objects.filter(venue=venue).update(description=F("item_question"), interim_measure="",
                                                  rectification_note="")
        HazardEvent.objects.filter(hazard__venue=venue).update(note="")
        # Integrity records likewise: the levels, steps and dates stay; who the operator was, the
        # words people wrote and the evidence photos go (so the operator's history no longer
        # finds them either).
        _delete_photos(CaseEvidence.objects.filter(case__venue=venue))
        SeriousCase.objects.filter(venue=venue).update(
            operator_name="", operator_mobile="", operator_id_hash="", facts="", objection="",
            decision_note="", closed_note="")
        IntegrityReply.objects.filter(venue=venue).update(text="", answer="")
        Refusal.objects.filter(venue=venue).update(note="")


def _each(queryset):
    """The rows one by one, from a list of keys taken first (the loop changes the table)."""
    for pk in list(queryset.values_list("pk", flat=True)):
        row = queryset.model.objects.filter(pk=pk).first()
        if row is not None:
            yield row


def _anonymise_venues(queryset, now):
    count = 0
    for venue in _each(queryset):
        remove_personal_data(venue, now)
        count += 1
    return count


def closed_venues(now):
    return _anonymise_venues(_decided_before(VenueStatus.CLOSED, cutoff("closed_venue", now)), now)


def rejected_venues(now):
    return _anonymise_venues(_decided_before(VenueStatus.REJECTED, cutoff("rejected_venue", now)), now)


def stale_drafts(now):
    drafts = Venue.objects.filter(status=VenueStatus.DRAFT, updated_at__lt=cutoff("stale_draft", now))
    count = 0
    for venue in _each(drafts):
        with transaction.atomic():
            _delete_photos(VenuePhoto.objects.filter(venue=venue))
            venue.delete()
        count += 1
    return count


def import_rows(now):
    """Sheets never imported are deleted; imported ones keep their result, not their rows."""
    old = ImportBatch.objects.filter(created_at__lt=cutoff("import_rows", now))
    abandoned = old.filter(status=ImportStatus.UPLOADED).delete()[0]
    return abandoned + old.filter(status=ImportStatus.IMPORTED).exclude(rows=[]).update(rows=[], headers=[])


def verification_codes(now):
    return VerificationCode.objects.filter(sent_at__lt=cutoff("verification_codes", now)).delete()[0]


def claim_codes(now):
    before = cutoff("claim_codes", now)
    return ClaimCode.objects.filter(
        Q(expires_at__lt=before) | Q(used_at__lt=before) | Q(revoked_at__lt=before)).delete()[0]


def corrections(now):
    return CorrectionRequest.objects.exclude(status=CorrectionStatus.OPEN).filter(
        handled_at__lt=cutoff("corrections", now)).delete()[0]


def public_report_senders(now):
    return PublicReport.objects.filter(created_at__lt=cutoff("public_report_sender", now)).exclude(
        sender="").update(sender="")


def public_report_contacts(now):
    """The contact and photos of reports handled before the period: closed ones from their
    closing, those made a hazard from the hazard's closing (销号). The report itself stays,
    for its lookup and the statistics."""
    before = cutoff("public_report_contact", now)
    handled = PublicReport.objects.filter(
        Q(status=PublicReportStatus.CLOSED, handled_at__lt=before) | Q(hazard__closed_at__lt=before))
    held = handled.filter(~Q(contact_name="") | ~Q(contact_phone="")
                          | Exists(PublicReportPhoto.objects.filter(report=OuterRef("pk"))))
    count = 0
    for report in _each(held):
        with transaction.atomic():
            PublicReport.objects.filter(pk=report.pk).update(contact_name="", contact_phone="")
            _delete_photos(PublicReportPhoto.objects.filter(report=report))
        count += 1
    return count


REMOVED_PREFIX = "removed-"


def idle_owner_accounts(now):
    """Owners' accounts with no venue and no sign-in for the period: their data goes; the
    account row stays, disabled and nameless, where history still points at it."""
    before = cutoff("idle_owner_accounts", now)
    users = get_user_model().objects.filter(
        is_staff=False, is_superuser=False, staff_profile__isnull=True, date_joined__lt=before,
    ).filter(Q(last_login__lt=before) | Q(last_login__isnull=True)).exclude(
        username__startswith=REMOVED_PREFIX).exclude(
        Exists(Venue.objects.filter(owner=OuterRef("pk")))).exclude(
        Exists(Venue.objects.filter(operators=OuterRef("pk")))).exclude(groups__isnull=False)
    count = 0
    for user in _each(users):
        with transaction.atomic():
            user.messages.all().delete()
            user.correction_requests.all().delete()
            user.password_history.all().delete()
            user.username = f"{REMOVED_PREFIX}{user.pk}"
            user.mobile, user.full_name, user.first_name, user.last_name, user.email = None, "", "", "", ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
        count += 1
    return count


def purge_audit(now, keep_days=None):
    """Remove audit entries older than the period, and say so in the audit itself."""
    keep_days = days("audit") if keep_days is None else keep_days
    if keep_days < AUDIT_MINIMUM_DAYS:
        raise RetentionError(f"Audit entries are kept at least {AUDIT_MINIMUM_DAYS} days; "
                             f"{keep_days} is too few.")
    before = now - timedelta(days=keep_days)
    removed, _by_model = AuditEntry.objects.purge_before(before)
    AuditEntry.objects.create(action="audit.purge", object_type="auditentry", object_id="",
                              detail={"before": before.isoformat(), "removed": removed, "days": keep_days})
    return removed


def audit(now):
    return purge_audit(now)


def sessions(now):
    return Session.objects.filter(expire_date__lt=now).delete()[0]


@dataclass
class Rule:
    key: str
    label: str
    apply: object


RULES = [
    Rule("closed_venue", _("people's data of venues closed"), closed_venues),
    Rule("rejected_venue", _("people's data of registrations not accepted"), rejected_venues),
    Rule("stale_draft", _("drafts untouched"), stale_drafts),
    Rule("import_rows", _("rows of uploaded census sheets"), import_rows),
    Rule("verification_codes", _("text message codes"), verification_codes),
    Rule("claim_codes", _("claim codes expired, used or revoked"), claim_codes),
    Rule("corrections", _("answered correction requests"), corrections),
    Rule("idle_owner_accounts", _("owner accounts without venues, not used"), idle_owner_accounts),
    Rule("public_report_sender", _("address hashes of public reports"), public_report_senders),
    Rule("public_report_contact", _("contacts and photos of handled public reports"), public_report_contacts),
    Rule("audit", _("audit log entries"), audit),
]


def apply_all(now=None):
    """Apply every rule; returns {rule key: records affected}. Expired sessions go too."""
    now = now or timezone.now()
    done = {rule.key: rule.apply(now) for rule in RULES}
    sessions(now)
    return done
