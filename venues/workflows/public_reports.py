"""群众举报: anyone reports a hazard (from a venue's public card, or naming a village and an
address); the village's staff turn the report into a hazard on a venue (venues.workflows.hazards)
or close it with a reason the reporter reads. The reporter follows it with a lookup code and has
no account; who they are is never shown to the venue (the hazard says only that it came from a
public report, and the venue's holders are told nothing of the report).

A flood is kept out by a per-address limit counted in the database (so it holds across
processes) over a keyed hash of the address, never the address itself; the page adds a simple
challenge (venues.public_report_views). Every step locks the report, checks who may act and
writes an audit entry."""

import datetime
import ipaddress
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notify
from ..access import public_reports_for, venues_for
from ..crypto import keyed_hash
from ..models import (
    Area,
    AreaLevel,
    AuditEntry,
    HazardSource,
    HazardStatus,
    PublicReport,
    PublicReportPhoto,
    PublicReportStatus,
    Venue,
    VenueStatus,
)
from . import hazards
from .registration import InvalidTransition, ReasonRequired

R = PublicReportStatus

# Lookup codes: 8 characters without 0/O and 1/I, which people misread; 32^8 ≈ 10^12 codes.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Reports accepted from one address: a household or a shop's Wi-Fi may send several, a flood not.
PER_HOUR = 5
PER_DAY = 20
MAX_PHOTOS = 3


class RateLimited(Exception):
    """Too many reports from this address; the message says when to try again."""


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def tidy_code(text):
    """A code as typed (lower case, spaces or dashes in it) as it is stored."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


UNKNOWN_SENDER = "unknown"


def network_of(address):
    """What the limits count for a client address: an IPv4 address itself, an IPv6 address by
    its /64 (one household or phone is given a whole /64), and every request without a
    readable address together under one fixed bucket, so none goes unlimited."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN_SENDER
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def sender_of(address):
    """The keyed hash of the client's network (network_of) that the rate limit counts."""
    return keyed_hash(f"public-report:{network_of(address)}")


def _serialise(sender):
    """Within the caller's transaction, one filing per sender at a time, so parallel requests
    cannot all pass the count before any has inserted. PostgreSQL: a transaction-level advisory
    lock on the sender; SQLite serialises all writes anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"public-report:{sender}"])


def reporting_villages():
    """The villages and communities a report may name."""
    return Area.objects.filter(level=AreaLevel.VILLAGE).order_by("path")


def reportable_venue(public_code):
    """The venue of a public card (approved venues only, as the card), or None."""
    code = tidy_code(public_code)
    if not code:
        return None
    return Venue.objects.select_related("area").filter(public_code=code, status=VenueStatus.APPROVED).first()


def village_of(venue):
    area = Area.objects.get(pk=venue.area_id)  # read afresh: a tree's paths move as areas are added
    return Area.villages_of([area])[area.pk]


def check_rate(sender, now=None):
    """Raise RateLimited when ``sender`` has sent as many reports as allowed."""
    now = now or timezone.now()
    sent = PublicReport.objects.filter(sender=sender)
    for window, limit in ((datetime.timedelta(hours=1), PER_HOUR), (datetime.timedelta(days=1), PER_DAY)):
        if sent.filter(created_at__gt=now - window).count() >= limit:
            raise RateLimited(_("Too many reports have been sent from your network recently. Please try "
                                "again later, or call the town's contact phone."))


def already_filed(submission_id):
    """The report a form with this ``submission_id`` filed, if any (a resent form)."""
    try:
        key = uuid.UUID(str(submission_id))
    except ValueError:
        return None
    return PublicReport.objects.filter(submission_id=key).first()


def file(*, submission_id, description, venue=None, village=None, address="", contact_name="",
         contact_phone="", photos=(), client_address=None):
    """File a report; ``photos`` are (ContentFile, (width, height)) from venues.photos.reencode.
    The same form sent again (same ``submission_id``) returns the report filed the first time."""
    existing = PublicReport.objects.filter(submission_id=submission_id).first()
    if existing is not None:
        return existing
    if venue is not None:
        village = village_of(venue)
    if village is None or village.level != AreaLevel.VILLAGE:
        raise ValidationError({"village": _("Please choose the village or community.")})
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Please send at most %(n)d photos.") % {"n": MAX_PHOTOS}})
    sender = sender_of(client_address)
    saved = []
    try:
        with transaction.atomic():
            _serialise(sender)
            check_rate(sender)
            code = new_code()
            while PublicReport.objects.filter(code=code).exists():
                code = new_code()
            report = PublicReport.objects.create(
                code=code, submission_id=submission_id, venue=venue, area=village, address=address.strip(),
                description=description.strip(), contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(), sender=sender,
            )
            for content, (width, height) in photos:
                photo = PublicReportPhoto(report=report, width=width, height=height)
                photo.file.save(content.name, content, save=False)
                saved.append(photo.file)
                photo.save()
            # No audit entry: it would keep the sender's address (or account), which the report
            # must not be linked to; the report's row is its own record.
    except IntegrityError:
        for stored in saved:
            stored.delete(save=False)
        existing = PublicReport.objects.filter(submission_id=submission_id).first()
        if existing is None:
            raise
        return existing
    except Exception:
        for stored in saved:
            stored.delete(save=False)
        raise
    return report


def find(code):
    """The report with this lookup code, or None."""
    code = tidy_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return PublicReport.objects.select_related("hazard").filter(code=code).first()


@dataclass(frozen=True)
class Progress:
    """What the reporter reads on lookup: no staff names, no venue data beyond the report."""

    status: str  # a PublicReportStatus value
    status_label: str
    reported_on: datetime.date
    handled_on: datetime.date | None
    reason: str
    hazard_status: str  # the hazard's status as shown to the public, or ""


def progress(report):
    status = report.status
    hazard = report.hazard
    hazard_status = ""
    if status in (R.HAZARD, R.FIXED) and hazard is not None:
        # Fixed once the hazard is closed (销号), derived here so nothing else must remember it.
        if hazard.status == HazardStatus.CLOSED:
            status = R.FIXED
        hazard_status = str(hazard.get_status_display())
    handled = report.handled_at
    return Progress(
        status=status, status_label=str(R(status).label), reported_on=timezone.localdate(report.created_at),
        handled_on=timezone.localdate(handled) if handled else None,
        reason=report.reason if status == R.CLOSED else "", hazard_status=hazard_status,
    )


# --- Staff handle it ------------------------------------------------------------------------

def may_handle(user, report):
    return public_reports_for(user).filter(pk=report.pk).exists()


def venues_to_choose(user, report):
    """The venues a report may become a hazard at: approved, in the report's village and in the
    person's scope."""
    return (venues_for(user).filter(area__path__startswith=report.area.path, status=VenueStatus.APPROVED)
            .order_by("name", "pk"))


def _locked(report, user):
    locked = PublicReport.objects.select_for_update(of=("self",)).select_related("area").get(pk=report.pk)
    if not may_handle(user, locked):
        raise PermissionDenied
    return locked


def _not_open(locked):
    return InvalidTransition(_("This report is now “%(status)s”; please reload the page.")
                             % {"status": locked.get_status_display()})


def make_hazard(report, user, venue, *, severity, description, interim_measure="", deadline=None):
    """Record the reported problem as a hazard at ``venue`` (its holders are told to fix it,
    and never who reported it). Sent twice, the second finds it done and changes nothing."""
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Please describe the hazard for the venue.")})
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    with transaction.atomic():
        locked = _locked(report, user)
        if locked.status == R.HAZARD and locked.hazard is not None and locked.hazard.venue_id == venue.pk:
            return locked  # the same step sent again
        if locked.status != R.RECEIVED:
            raise _not_open(locked)
        if not venues_to_choose(user, locked).filter(pk=venue.pk).exists():
            raise PermissionDenied
        hazard = hazards.record(venue, user, source=HazardSource.PUBLIC, severity=severity,
                                description=description, interim_measure=(interim_measure or "").strip(),
                                deadline=deadline)
        # The report keeps the venue its reporter named; the hazard knows its own venue.
        locked.status, locked.hazard = R.HAZARD, hazard
        locked.handled_by, locked.handled_at = user, timezone.now()
        locked.save(update_fields=["status", "hazard", "handled_by", "handled_at"])
        AuditEntry.objects.create(actor=user, action="public_report.hazard", object_type="public_report",
                                  object_id=str(locked.pk), detail={"hazard": hazard.pk, "venue": venue.pk})
        # Told without quoting the description: words staff took over from the reporter must not
        # reach the venue by message (the owner reads the hazard itself when signed in).
        params = {"venue": venue.name, "date": f"{hazard.deadline:%Y-%m-%d}"}
        subject = _("%(venue)s: a hazard to fix") % params
        body = _("Staff recorded a hazard at %(venue)s. Please read it on the self-check page, fix it by "
                 "%(date)s and report it fixed there with a photo.") % params
        for holder in venue.holders():
            if holder.pk != user.pk:
                notify.message_user(holder, subject, body, venue=venue)
    return locked


def close(report, user, reason):
    """Close the report without a hazard, with a reason the reporter reads on lookup."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Please give the reason the reporter will read."))
    with transaction.atomic():
        locked = _locked(report, user)
        if locked.status == R.CLOSED and locked.reason == reason:
            return locked  # the same step sent again
        if locked.status != R.RECEIVED:
            raise _not_open(locked)
        locked.status, locked.reason = R.CLOSED, reason
        locked.handled_by, locked.handled_at = user, timezone.now()
        locked.save(update_fields=["status", "reason", "handled_by", "handled_at"])
        AuditEntry.objects.create(actor=user, action="public_report.closed", object_type="public_report",
                                  object_id=str(locked.pk), detail={"reason": reason})
    return locked


def reveal_contact(report, user):
    """A handler reads the reporter's full phone number (to call them back): audited."""
    if not may_handle(user, report):
        raise PermissionDenied
    AuditEntry.objects.create(actor=user, action="public_report.reveal", object_type="public_report",
                              object_id=str(report.pk))
    return report.contact_phone
