"""Reminders to owners, sent by the daily job (``manage.py daily_jobs``, run by the scheduler
that ``make run`` starts, and by cron or a systemd timer in production):

- a self-check due within SafetyRules.remind_days_before days;
- a self-check overdue;
- a hazard past its deadline and not yet reported fixed.

Each goes once per due date (a Reminder row under a unique constraint is written in the same
transaction as the message), however often the job runs; a new due date is a new reminder."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notify
from .models import Hazard, Reminder, ReminderKind, SafetyRules, Venue, VenueStatus


def _once(venue, kind, due_on, send, hazard=None):
    """Call ``send`` unless this reminder was sent already; True when it was sent now."""
    if Reminder.objects.filter(venue=venue, kind=kind, due_on=due_on, hazard=hazard).exists():
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(venue=venue, kind=kind, due_on=due_on, hazard=hazard)
            send()
    except IntegrityError:  # another run sent it a moment ago
        return False
    return True


def send_reminders(today=None):
    """Send what is due today; returns how many reminders went out."""
    today = today or timezone.localdate()
    soon = today + timezone.timedelta(days=SafetyRules.current().remind_days_before)
    venues = (Venue.objects.filter(status=VenueStatus.APPROVED, selfcheck_due_on__lte=soon)
              .prefetch_related("operators").select_related("owner"))
    sent = 0
    for venue in venues.iterator(chunk_size=500):
        overdue = venue.selfcheck_due_on < today
        kind = ReminderKind.SELFCHECK_OVERDUE if overdue else ReminderKind.SELFCHECK_DUE
        sent += _once(venue, kind, venue.selfcheck_due_on,
                      lambda venue=venue, overdue=overdue: notify.selfcheck_reminder(
                          venue, venue.selfcheck_due_on, overdue))
    hazards = (Hazard.objects.filter(Hazard.overdue_q(today), venue__status=VenueStatus.APPROVED)
               .select_related("venue__owner").prefetch_related("venue__operators"))
    for hazard in hazards.iterator(chunk_size=500):
        sent += _once(hazard.venue, ReminderKind.HAZARD_OVERDUE, hazard.deadline,
                      lambda hazard=hazard: notify.hazard_overdue(hazard), hazard=hazard)
    return sent
