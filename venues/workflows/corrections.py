"""Requests to correct personal data (PIPL art. 46): an owner files one about their account or
a venue they hold; a member of staff who reviews that venue corrects the record through the
usual pages and answers, or explains why it stays; the owner reads the answer in the message
box. One place for each step."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..access import corrections_for, holds_venue
from ..models import CorrectionRequest, CorrectionStatus
from ..notify import message_user

# More open requests than this at once are surely a mistake (or a flood).
MAX_OPEN = 5


class CorrectionError(Exception):
    """A request that cannot be filed or answered, with the reason for the person."""


def file(user, venue, what, submission_id):
    """File a request; the same form sent twice files it once."""
    if venue is not None and not holds_venue(user, venue):
        raise PermissionDenied
    existing = CorrectionRequest.objects.filter(submission_id=submission_id, requester=user).first()
    if existing is not None:
        return existing
    if CorrectionRequest.objects.filter(requester=user, status=CorrectionStatus.OPEN).count() >= MAX_OPEN:
        raise CorrectionError(_("You already have %(count)s requests waiting; please wait for "
                                "their answers first.") % {"count": MAX_OPEN})
    try:
        with transaction.atomic():
            request = CorrectionRequest.objects.create(
                requester=user, venue=venue, what=what.strip(), submission_id=submission_id,
            )
            audit.record(audit.current_request(), "correction.request", request, actor=user,
                         venue=venue.pk if venue else None)
    except IntegrityError:
        existing = CorrectionRequest.objects.filter(submission_id=submission_id, requester=user).first()
        if existing is None:
            raise
        return existing
    return request


def answer(request, user, status, text):
    """Close a request as corrected or not, with a note the owner reads."""
    if status not in (CorrectionStatus.CORRECTED, CorrectionStatus.DECLINED):
        raise ValueError(status)
    text = (text or "").strip()
    if status == CorrectionStatus.DECLINED and not text:
        raise CorrectionError(_("Please say why the data stays as it is."))
    with transaction.atomic():
        locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
        if not corrections_for(user).filter(pk=locked.pk).exists():
            raise PermissionDenied
        if not locked.is_open:
            raise CorrectionError(_("This request has already been answered."))
        locked.status, locked.answer = status, text
        locked.handled_by, locked.handled_at = user, timezone.now()
        locked.save(update_fields=["status", "answer", "handled_by", "handled_at"])
        audit.record(audit.current_request(), "correction.answer", locked, to=status)
        body = (_("We have corrected your data as you asked.") if status == CorrectionStatus.CORRECTED
                else _("We have not changed your data."))
        if text:
            body = f"{body} {text}"
        message_user(
            locked.requester, _("Your correction request: %(status)s") % {
                "status": locked.get_status_display()},
            body, venue=locked.venue,
        )
    return locked
