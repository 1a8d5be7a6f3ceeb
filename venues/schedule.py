"""When a venue's next self-check is due: the one place for the rule.

- The interval is the shortest of its kinds' intervals (months), or the town's interval for
  its risk level where one is set (venues.models.SafetyRules) and shorter.
- The first self-check is due one interval after approval; each next one one interval after
  the last self-check that was accepted or is awaiting review (a returned one does not count,
  so returning a careless self-check brings the earlier due date back).
- "Overdue" is never stored: a venue is overdue when its due date is before today.

The due date is kept on the venue (``selfcheck_due_on``) so lists can filter and sort on it;
``refresh`` recomputes it (with the risk level, which can shorten the interval) whenever
something it reads changes, and the daily job recomputes all of them."""

import calendar
import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from .models import RiskLevel, SafetyRules, SelfCheckStatus, Venue, VenueStatus, VenueStatusChange

COUNTED = (SelfCheckStatus.SUBMITTED, SelfCheckStatus.ACCEPTED)
CHUNK = 500  # venues recomputed per transaction


def add_months(day, months):
    """``day`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def interval_months(kind_months, risk_level, rules):
    """The interval for a venue whose kinds ask for ``kind_months`` (the shortest of them)."""
    by_level = {RiskLevel.RED: rules.red_interval_months, RiskLevel.ORANGE: rules.orange_interval_months}
    override = by_level.get(risk_level)
    return min(kind_months, override) if override else kind_months


def due_date(approved_at, last_done_at, months, start_on=None):
    """The due date: one interval after the latest of the approval, the last counted
    self-check (datetimes or None) and the day self-checks began in the town (``start_on``,
    so venues approved long before the service started are not all overdue on its first day;
    a reopened venue counts from its new approval)."""
    if approved_at is None:
        return None
    days = [timezone.localdate(moment) for moment in (approved_at, last_done_at) if moment]
    return add_months(max([*days, *([start_on] if start_on else [])]), months)


def with_schedule_facts(venues):
    """``venues`` annotated with what the rule reads, in one query."""
    approved = (VenueStatusChange.objects.filter(venue=OuterRef("pk"), to_status=VenueStatus.APPROVED)
                .order_by("-at").values("at")[:1])
    return venues.annotate(
        approved_at=Subquery(approved),
        last_done_at=Max("selfchecks__submitted_at", filter=Q(selfchecks__status__in=COUNTED)),
        other_months=Min("other_kinds__selfcheck_interval_months"),
    ).select_related("kind")


def refresh(venues=None):
    """Recompute the risk level and due date of ``venues`` (a queryset; all by default). The
    level reads the due date (an overdue self-check) and the due date reads the level (a
    shorter interval at red or orange), so when due dates move the levels are assessed again:
    a self-check just submitted no longer counts as overdue."""
    from . import risk

    venues = Venue.objects.all() if venues is None else venues
    pks = list(venues.order_by("pk").values_list("pk", flat=True))
    rules = SafetyRules.current()
    changed = 0
    for start in range(0, len(pks), CHUNK):
        # Each chunk read and written under its rows' locks, so a self-check submitted while
        # the daily job runs is never overwritten with what the job read before it.
        with transaction.atomic():
            chunk = Venue.objects.filter(pk__in=pks[start:start + CHUNK])
            list(chunk.select_for_update().values_list("pk", flat=True))
            risk.refresh(chunk)
            moved = _refresh_due_dates(chunk, rules)
            if moved and risk.refresh(chunk):
                _refresh_due_dates(chunk, rules)
            changed += moved
    return changed



def _refresh_due_dates(venues, rules):
    changed = []
    for venue in with_schedule_facts(venues.order_by("pk")):
        due = None
        if venue.status == VenueStatus.APPROVED:
            intervals = [venue.kind.selfcheck_interval_months, venue.other_months]
            kind_months = min(filter(None, intervals), default=1)
            months = interval_months(kind_months, venue.risk_level, rules)
            due = due_date(venue.approved_at, venue.last_done_at, months, rules.selfchecks_start_on)
        if due != venue.selfcheck_due_on:
            venue.selfcheck_due_on = due
            changed.append(venue)
    Venue.objects.bulk_update(changed, ["selfcheck_due_on"])
    if changed:
        from .todo import GENERATION  # bulk updates send no signal: count overdue venues anew

        GENERATION.bump_now_and_on_commit()
    return len(changed)


def refresh_venue(venue):
    refresh(Venue.objects.filter(pk=venue.pk))
    venue.refresh_from_db(fields=["selfcheck_due_on", "risk_level", "risk_reasons"])


@dataclass(frozen=True)
class SelfCheckState:
    """What a venue's owner is asked to do about self-checks, for pages and reminders."""

    due_on: datetime.date | None
    overdue: bool
    due_soon: bool
    days: int | None  # days until due (negative when overdue)


def state(venue, today=None, remind_days=None):
    today = today or timezone.localdate()
    due = venue.selfcheck_due_on
    if due is None:
        return SelfCheckState(None, False, False, None)
    if remind_days is None:
        remind_days = SafetyRules.current().remind_days_before
    days = (due - today).days
    return SelfCheckState(due, days < 0, 0 <= days <= remind_days, days)


def overdue_q(today=None, prefix=""):
    """Approved venues whose self-check is overdue, as a filter."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}status": VenueStatus.APPROVED, f"{prefix}selfcheck_due_on__lt": today})


def due_soon_q(today=None, days=None):
    """Approved venues whose self-check falls due within the reminder window (SafetyRules)."""
    today = today or timezone.localdate()
    if days is None:
        days = SafetyRules.current().remind_days_before
    return Q(status=VenueStatus.APPROVED, selfcheck_due_on__gte=today,
             selfcheck_due_on__lte=today + datetime.timedelta(days=days))
