"""Reminders to owners, sent by the daily job (``manage.py daily_jobs``, run by the scheduler
that ``make run`` starts, and by cron or a systemd timer in production):

- a self-check due within SafetyRules.remind_days_before days;
- a self-check overdue;
- a hazard past its deadline and not yet reported fixed.

Each goes once per due date (a Reminder row under a unique constraint is written in the same
transaction as the message), however often the job runs; a new due date is a new reminder."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import notify, schedule
from .models import Hazard, Reminder, ReminderKind, Venue

logger = logging.getLogger(__name__)


def _once(venue, kind, due_on, send, hazard=None):
    """Call ``send`` unless this reminder was sent already; True when it was sent now. A
    failure is logged and leaves the reminder to the next run; the others still go."""
    if Reminder.objects.filter(venue=venue, kind=kind, due_on=due_on, hazard=hazard).exists():
        return False
    try:
        with transaction.atomic():
            Reminder.objects.create(venue=venue, kind=kind, due_on=due_on, hazard=hazard)
            send()
    except IntegrityError:  # another run sent it a moment ago
        return False
    except Exception:
        logger.exception("reminder %s for venue %s failed", kind, venue.pk)
        return False
    return True


def _reachable(queryset, prefix=""):
    """Only venues with someone to tell (an owner or an operator with an account): a venue
    that gains one later is reminded then."""
    operated = Venue.operators.through.objects.filter(venue=OuterRef(f"{prefix}pk"))
    return queryset.filter(Q(**{f"{prefix}owner__isnull": False}) | Exists(operated))


def send_reminders(today=None):
    """Send what is due today; returns how many reminders went out."""
    today = today or timezone.localdate()
    venues = (_reachable(Venue.objects.filter(schedule.due_soon_q(today) | schedule.overdue_q(today)))
              .prefetch_related("operators").select_related("owner"))
    sent = 0
    for venue in venues.iterator(chunk_size=500):
        overdue = venue.selfcheck_due_on < today
        kind = ReminderKind.SELFCHECK_OVERDUE if overdue else ReminderKind.SELFCHECK_DUE
        sent += _once(venue, kind, venue.selfcheck_due_on,
                      lambda venue=venue, overdue=overdue: notify.selfcheck_reminder(
                          venue, venue.selfcheck_due_on, overdue))
    hazards = (_reachable(Hazard.objects.filter(Hazard.overdue_q(today)), prefix="venue__")
               .select_related("venue__owner").prefetch_related("venue__operators"))
    for hazard in hazards.iterator(chunk_size=500):
        sent += _once(hazard.venue, ReminderKind.HAZARD_OVERDUE, hazard.deadline,
                      lambda hazard=hazard: notify.hazard_overdue(hazard), hazard=hazard)
    return sent
