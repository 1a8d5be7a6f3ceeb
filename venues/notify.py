"""What the system tells people. Messages go to the owner's message box and, where a text
template is given, out by SMS from a background task once the transaction commits (a rolled
back change sends nothing)."""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Message, SmsStatus, VenueStatus
from .sms import short_param
from .tasks import send_message_sms


def message_user(user, subject, body, venue=None, sms_template="", sms_params=None, notice_version=None,
                 report=None):
    """Put a message in ``user``'s message box, and text it if a template is given."""
    texted = bool(sms_template and user.mobile)
    message = Message.objects.create(
        recipient=user, venue=venue, subject=subject[:100], body=body, notice_version=notice_version,
        report=report,
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


def venue_status_changed(venue, actor, reason="", reopened=False):
    """Tell the venue's owner and operators about a decision staff made (their own
    submissions need no message). Venues without an account holder have nobody to tell."""
    holders = venue.holders()
    status = venue.get_status_display()
    if reopened:
        body = _("Your venue is recorded as open again. Self-checks are due again from now on.")
    else:
        body = STATUS_BODIES.get(venue.status, lambda: _("Your venue is now: {status}."))()
    return [
        message_user(
            holder, _("%(venue)s: %(status)s") % {"venue": venue.name, "status": status},
            body.format(reason=reason, status=status), venue=venue,
            sms_template="venue_status", sms_params={"venue": venue.name, "status": status},
        )
        for holder in holders if holder.pk != actor.pk
    ]


def _tell_holders(venue, actor, subject, body, sms_template="", sms_params=None, report=None):
    return [message_user(holder, subject, body, venue=venue, sms_template=sms_template,
                         sms_params=sms_params, report=report)
            for holder in venue.holders() if actor is None or holder.pk != actor.pk]


def selfcheck_reviewed(check, actor):
    """Tell the owner their self-check was accepted, or returned and why."""
    venue = check.venue
    submitted_on = f"{timezone.localdate(check.submitted_at):%Y-%m-%d}"  # the owner's date, not UTC's
    if check.status == "accepted":
        subject = _("%(venue)s: self-check accepted") % {"venue": venue.name}
        body = _("Your self-check of %(date)s has been accepted. Thank you.")
        return _tell_holders(venue, actor, subject, body % {"date": submitted_on})
    subject = _("%(venue)s: self-check returned") % {"venue": venue.name}
    body = _("Your self-check of %(date)s was returned: %(reason)s Please check your venue again "
             "and submit a new self-check. Hazards it found stay open until they are fixed.")
    return _tell_holders(venue, actor, subject, body % {"date": submitted_on,
                                                         "reason": check.review_reason},
                         sms_template="selfcheck_returned", sms_params={"venue": venue.name})


def hazard_verified(hazard, actor, accepted, reason=""):
    venue = hazard.venue
    what = hazard.item_question or hazard.description[:40]
    if accepted:
        subject = _("%(venue)s: hazard closed") % {"venue": venue.name}
        body = _("The fix of “%(what)s” was checked and the hazard is closed.") % {"what": what}
        return _tell_holders(venue, actor, subject, body)
    subject = _("%(venue)s: hazard not yet fixed") % {"venue": venue.name}
    body = _("The fix of “%(what)s” was checked and is not accepted: %(reason)s Please fix it by "
             "%(deadline)s and report it again.") % {"what": what, "reason": reason,
                                                     "deadline": f"{hazard.deadline:%Y-%m-%d}"}
    return _tell_holders(venue, actor, subject, body,
                         sms_template="hazard_rejected", sms_params={"venue": venue.name})


def selfcheck_reminder(venue, due_on, overdue):
    """Remind the venue's holders of a self-check due soon or overdue."""
    params = {"venue": venue.name, "date": f"{due_on:%Y-%m-%d}"}
    if overdue:
        subject = _("%(venue)s: self-check overdue") % params
        body = _("The self-check of %(venue)s was due on %(date)s. Please do it as soon as you can: "
                 "it takes about ten minutes on your phone.") % params
        template = "selfcheck_overdue"
    else:
        subject = _("%(venue)s: self-check due on %(date)s") % params
        body = _("The next self-check of %(venue)s is due on %(date)s. It takes about ten minutes "
                 "on your phone.") % params
        template = "selfcheck_due"
    return _tell_holders(venue, None, subject, body, sms_template=template, sms_params=params)


def hazard_overdue(hazard):
    venue = hazard.venue
    params = {"venue": venue.name, "what": hazard.item_question or hazard.description[:40],
              "date": f"{hazard.deadline:%Y-%m-%d}"}
    subject = _("%(venue)s: hazard overdue") % params
    body = _("“%(what)s” at %(venue)s was to be fixed by %(date)s. Please fix it now and report it "
             "fixed with a photo; overdue hazards are shown to the village staff and the town "
             "office.") % params
    return _tell_holders(venue, None, subject, body, sms_template="hazard_overdue", sms_params=params)


def notice_to_acknowledge(user, version, venues, reminder=False, changed=False):
    """Ask ``user`` to read a notice and confirm it for ``venues`` (venues.acknowledgements)."""
    names = "、".join(venue.name for venue in venues)
    title = version.title if version.number == 1 else _("%(title)s (version %(number)s)") % {
        "title": version.title, "number": version.number}
    params = {"title": title, "venues": names}
    if reminder:
        subject = _("Reminder: please read and confirm “%(title)s”") % params
    else:
        subject = _("Please read and confirm “%(title)s”") % params
    body = _("The town asks you to read “%(title)s” and confirm that you have read it. It concerns: "
             "%(venues)s. Read it below, then press “I have read it”.") % params
    if changed:
        body = _("The notice has changed since you last confirmed it.") + " " + body
    return message_user(user, subject, body, venue=venues[0] if len(venues) == 1 else None,
                        sms_template="notice_acknowledge", sms_params={"title": short_param(version.title)},
                        notice_version=version)
