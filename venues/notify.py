"""What the system tells people. Messages go to the owner's message box and, where a text
template is given, out by SMS from a background task once the transaction commits (a rolled
back change sends nothing)."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Message, SmsStatus, VenueStatus
from .tasks import send_message_sms


def message_user(user, subject, body, venue=None, sms_template="", sms_params=None):
    """Put a message in ``user``'s message box, and text it if a template is given."""
    texted = bool(sms_template and user.mobile)
    message = Message.objects.create(
        recipient=user, venue=venue, subject=subject, body=body,
        sms_template=sms_template if texted else "", sms_params=sms_params or {},
        sms_status=SmsStatus.QUEUED if texted else SmsStatus.NONE,
    )
    if texted:
        transaction.on_commit(partial(send_message_sms.enqueue, message.pk))
    return message


# What the owner is told after a reviewer's decision; {reason} is the reviewer's text.
STATUS_BODIES = {
    VenueStatus.APPROVED: lambda: _("Your registration has been approved. Your door card with its "
                                    "QR code will be brought to you; please put it up by the door."),
    VenueStatus.RETURNED: lambda: _("Your registration needs changes before it can be approved: "
                                    "{reason} Please correct it and submit it again."),
    VenueStatus.REJECTED: lambda: _("Your registration was not accepted: {reason}"),
    VenueStatus.CLOSED: lambda: _("Your venue is now recorded as closed: {reason}"),
}


def venue_status_changed(venue, actor, reason=""):
    """Tell the venue's owner and operators about a decision staff made (their own
    submissions need no message). Venues without an account holder have nobody to tell."""
    holders = [*([venue.owner] if venue.owner_id else []), *venue.operators.all()]
    status = venue.get_status_display()
    body = STATUS_BODIES.get(venue.status, lambda: _("Your venue is now: {status}."))()
    return [
        message_user(
            holder, _("%(venue)s: %(status)s") % {"venue": venue.name, "status": status},
            body.format(reason=reason, status=status), venue=venue,
            sms_template="venue_status", sms_params={"venue": venue.name, "status": status},
        )
        for holder in holders if holder.pk != actor.pk
    ]
