"""报告: an owner reports about a venue they hold; the venue's village staff accept the report
and act on it — apply the change it reports to the register (through
venues.workflows.registration, with the venue's history), book a visit, or answer — and the
owner reads each step in their message box. One place for each step; each locks the report,
checks who may act and writes the report's history."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import notify
from ..access import holds_venue, is_staff_member, of_venues_for, scope_q
from ..models import (
    CHANGES_VENUE,
    OwnerReport,
    ReportAction,
    ReportEvent,
    ReportKind,
    ReportStatus,
    VenueStatus,
)
from . import registration

# The venue states a report of each kind makes sense in.
ALLOWED_STATES = {
    ReportKind.OPERATOR: {VenueStatus.APPROVED, VenueStatus.CLOSED},
    ReportKind.BUSINESS: {VenueStatus.APPROVED, VenueStatus.CLOSED},
    ReportKind.CLOSING: {VenueStatus.APPROVED},
    ReportKind.REOPENING: {VenueStatus.CLOSED},
    ReportKind.WORKS: {VenueStatus.APPROVED},
    ReportKind.GUIDANCE: {VenueStatus.APPROVED, VenueStatus.SUBMITTED, VenueStatus.RESUBMITTED,
                          VenueStatus.RETURNED, VenueStatus.DRAFT},
}


class ReportError(Exception):
    """A step that cannot be taken now, with the reason for the person."""


def may_file(user, venue, kind):
    return holds_venue(user, venue) and venue.status in ALLOWED_STATES[kind]


def reports_for(user):
    """The reports a person may see: staff who handle reports, within their scope; holders,
    those of their venues."""
    reports = OwnerReport.objects.all()
    if not user.is_authenticated:
        return reports.none()
    if is_staff_member(user):
        return of_venues_for(user, reports) if user.has_perm("venues.handle_ownerreport") else reports.none()
    # Holders see their venues' reports; whoever filed one keeps seeing it (and its answer) when
    # they no longer hold the venue, after a change of operator.
    return reports.filter(Q(reporter=user) | scope_q(user, "venue__"))


def file(user, venue, kind, data, submission_id):
    """File a report (``data``: the form's cleaned fields for its kind); the same form sent
    twice files it once."""
    existing = OwnerReport.objects.filter(submission_id=submission_id, reporter=user).first()
    if existing is not None:
        return existing
    if not may_file(user, venue, kind):
        raise PermissionDenied
    try:
        with transaction.atomic():
            report = OwnerReport.objects.create(venue=venue, reporter=user, kind=kind,
                                                submission_id=submission_id, **data)
            ReportEvent.objects.create(report=report, actor=user, action=ReportAction.FILED)
    except IntegrityError:
        existing = OwnerReport.objects.filter(submission_id=submission_id, reporter=user).first()
        if existing is None:
            raise
        return existing
    return report


def may_handle(user, report):
    return user.has_perm("venues.handle_ownerreport") and reports_for(user).filter(pk=report.pk).exists()


def _locked(report, user, states):
    locked = (OwnerReport.objects.select_for_update(of=("self",)).select_related("venue", "new_kind")
              .get(pk=report.pk))
    if not may_handle(user, locked):
        raise PermissionDenied
    if locked.status not in states:
        raise ReportError(_("This report is now “%(status)s”; please reload the page.")
                          % {"status": locked.get_status_display()})
    return locked


def _tell(report, user, subject, body, **sms):
    """Tell the venue's holders, and the person who filed the report if they no longer hold it."""
    holders = {holder.pk: holder for holder in report.venue.holders()}
    if report.reporter_id and report.reporter.is_active:
        holders.setdefault(report.reporter_id, report.reporter)
    return [notify.message_user(holder, subject, body, venue=report.venue, report=report, **sms)
            for holder in holders.values() if holder.pk != user.pk]


def _subject(report):
    return _("Your report: %(kind)s, %(venue)s") % {"kind": report.get_kind_display(),
                                                     "venue": report.venue.name}


def accept(report, user, note=""):
    """The staff took the report in hand."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(report, user, {ReportStatus.SUBMITTED})
        locked.status = ReportStatus.ACCEPTED
        locked.save(update_fields=["status"])
        ReportEvent.objects.create(report=locked, actor=user, action=ReportAction.ACCEPTED, note=note)
        body = _("The staff of your village have received your report and are dealing with it.")
        _tell(locked, user, _subject(locked), f"{body} {note}".strip())
    return locked


def book_visit(report, user, day, note=""):
    """Book an on-site visit (a request for guidance, works to look at before they start)."""
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(report, user, {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})
        last = locked.events.filter(action=ReportAction.VISIT).last()
        if locked.visit_on == day and last is not None and last.note == f"{day:%Y-%m-%d} {note}".strip():
            return locked  # the same visit booked again: a double click or a resent form
        locked.status, locked.visit_on = ReportStatus.ACCEPTED, day
        locked.save(update_fields=["status", "visit_on"])
        ReportEvent.objects.create(report=locked, actor=user, action=ReportAction.VISIT,
                                   note=f"{day:%Y-%m-%d} {note}".strip())
        params = {"venue": locked.venue.name, "date": f"{day:%Y-%m-%d}"}
        body = _("Staff will come to %(venue)s on %(date)s.") % params
        _tell(locked, user, _subject(locked), f"{body} {note}".strip(),
              sms_template="report_visit", sms_params=params)
    return locked


def changes_register(report):
    """Whether answering ``report`` can update the register: a change of operator, closing or
    reopening, or a change of business that names a kind."""
    if report.kind == ReportKind.BUSINESS:
        return report.new_kind_id is not None
    return report.kind in CHANGES_VENUE


def _apply(report, user):
    """The change the report states, made to the register through its workflow (which tells
    the owner nothing itself: the answer does)."""
    if not changes_register(report):
        raise ReportError(_("This report changes nothing in the register."))
    venue, reason = report.venue, _("Reported by the owner: %(kind)s.") % {"kind": report.get_kind_display()}
    if report.kind == ReportKind.CLOSING:
        day = f" {report.starts_on:%Y-%m-%d}" if report.starts_on else ""
        registration.perform(venue, "close", user, reason=f"{reason}{day} {report.details}".strip(),
                             tell=False)
    elif report.kind == ReportKind.REOPENING:
        registration.perform(venue, "reopen", user, reason=reason, tell=False)
    elif report.kind == ReportKind.OPERATOR:
        registration.change_details(venue, user, {"operator_name": report.new_operator_name,
                                                  "operator_mobile": report.new_operator_mobile}, reason)
    elif report.replaces_kind:
        registration.change_details(venue, user, {"kind": report.new_kind},
                                    f"{reason} {report.details}".strip())
    else:
        registration.change_details(venue, user, {}, f"{reason} {report.details}".strip(),
                                    add_kind=report.new_kind)


def answer(report, user, text, apply_change=False):
    """Close the report with an answer the owner reads; with ``apply_change``, first make the
    change it reports to the register."""
    text = (text or "").strip()
    if not text and not apply_change:
        raise ReportError(_("Please write the answer to the owner."))
    with transaction.atomic():
        locked = _locked(report, user, {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED})
        if apply_change:
            try:
                _apply(locked, user)
            except registration.InvalidTransition as error:
                raise ReportError(str(error)) from error
            ReportEvent.objects.create(report=locked, actor=user, action=ReportAction.APPLIED)
        locked.status, locked.answer = ReportStatus.DONE, text
        locked.save(update_fields=["status", "answer"])
        ReportEvent.objects.create(report=locked, actor=user, action=ReportAction.ANSWERED, note=text)
        body = _("The register has been updated as you reported.") if apply_change else ""
        _tell(locked, user, _subject(locked), f"{body} {text}".strip(),
              sms_template="report_answered", sms_params={"venue": locked.venue.name})
    return locked
