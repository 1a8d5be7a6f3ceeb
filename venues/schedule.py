"""When a venue's next self-check is due: the one place for the rule.

- The interval starts from the shortest of its kinds' intervals (months). At integrity level A
  (venues.integrity) the town's A interval (IntegritySettings.a_interval_months) is used where it
  is longer; then the town's interval for the risk level (venues.models.SafetyRules: red,
  orange) where set and shorter; then the interval for integrity level C or D
  (IntegritySettings.c_interval_months, d_interval_months) where set and shorter. So a good
  record checks less often, never less often than a high risk level asks, and a bad record
  more often.
- The first self-check is due one interval after approval; each next one one interval after
  the last self-check that was accepted or is awaiting review (a returned one does not count,
  so returning a careless self-check brings the earlier due date back).
- A shorter interval never makes the self-check due sooner than the reminder window: when the
  interval got shorter than the one the stored due date was computed with (a worse risk or
  integrity level; ``Venue.selfcheck_interval_months`` keeps those months) and the new due date
  is earlier than the stored one, which has not passed, the due date becomes the later of the
  new one and the earlier of the stored one and today + SafetyRules.remind_days_before (local
  days, Asia/Shanghai). So
  a venue whose level gets worse is never overdue at once (nor counted late by the integrity
  rule for it): it gets at least the reminder's days, and never more than it had. While held so,
  the stored months stay the longer ones, so the hold lasts until the next self-check is done
  (or the interval changes again). When the interval did not get shorter, or the venue was
  overdue already, the new due date is used as it is (a returned self-check brings the earlier
  due date back).
- "Overdue" is never stored: a venue is overdue when its due date is before today.

The due date is kept on the venue (``selfcheck_due_on``) so lists can filter and sort on it;
``refresh`` recomputes it (with the risk and integrity levels, which change the interval) whenever
something it reads changes, and the daily job recomputes all of them."""

import calendar
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from .models import (
    IntegrityLevel,
    IntegritySettings,
    RiskLevel,
    SafetyRules,
    SelfCheckStatus,
    Venue,
    VenueStatus,
    VenueStatusChange,
)

COUNTED = (SelfCheckStatus.SUBMITTED, SelfCheckStatus.ACCEPTED)
CHUNK = 500  # venues recomputed per transaction


def add_months(day, months):
    """``day`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def interval_months(kind_months, risk_level, rules, integrity_level="", integrity_settings=None):
    """The interval for a venue whose kinds ask for ``kind_months`` (the shortest of them), at
    ``risk_level`` and ``integrity_level`` (``rules``: SafetyRules; ``integrity_settings``:
    IntegritySettings, read when not given)."""
    months = kind_months
    if integrity_level:
        integrity_settings = integrity_settings or IntegritySettings.current()
        a_months = integrity_settings.a_interval_months
        if integrity_level == IntegrityLevel.A and a_months and a_months > months:
            months = a_months
    by_level = {RiskLevel.RED: rules.red_interval_months, RiskLevel.ORANGE: rules.orange_interval_months}
    override = by_level.get(risk_level)
    if override:
        months = min(months, override)
    if integrity_level in (IntegrityLevel.C, IntegrityLevel.D):
        by_integrity = {IntegrityLevel.C: integrity_settings.c_interval_months,
                        IntegrityLevel.D: integrity_settings.d_interval_months}[integrity_level]
        if by_integrity:
            months = min(months, by_integrity)
    return months


def due_date(approved_at, last_done_at, months, start_on=None):
    """The due date: one interval after the latest of the approval, the last counted
    self-check (datetimes or None) and the day self-checks began in the town (``start_on``,
    so venues approved long before the service started are not all overdue on its first day;
    a reopened venue counts from its new approval)."""
    if approved_at is None:
        return None
    days = [timezone.localdate(moment) for moment in (approved_at, last_done_at) if moment]
    return add_months(max([*days, *([start_on] if start_on else [])]), months)


def kind_months(venue):
    """The shortest interval (months) of ``venue``'s kinds (1 when none is set); reads the
    ``other_months`` annotation of ``with_schedule_facts`` when there, else the other kinds."""
    other = getattr(venue, "other_months", None)
    if not hasattr(venue, "other_months"):
        other = min(filter(None, (kind.selfcheck_interval_months for kind in venue.other_kinds.all())),
                    default=None)
    return min(filter(None, [venue.kind.selfcheck_interval_months, other]), default=1)


def held_due_date(new_due, months, stored_due, stored_months, today, remind_days):
    """(due date, months it counts as computed with) under the rule that a shorter interval never
    makes the self-check due sooner than the reminder window (see the module's docstring)."""
    if (new_due is not None and stored_due is not None and stored_months and months < stored_months
            and new_due < stored_due and stored_due >= today):
        held = max(new_due, min(stored_due, today + datetime.timedelta(days=remind_days)))
        if held != new_due:
            return held, stored_months
    return new_due, months


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
    """Recompute the risk level, the integrity level and the due date of ``venues`` (a queryset;
    all by default). The levels read the due date (an overdue self-check) and the due date reads
    the levels (a shorter interval at red or orange, at integrity C or D; a longer one at A), so
    when due dates move the levels are assessed again: a self-check just submitted no longer
    counts as overdue."""
    from . import integrity, risk

    venues = Venue.objects.all() if venues is None else venues
    pks = list(venues.order_by("pk").values_list("pk", flat=True))
    rules = SafetyRules.current()
    integrity_settings = IntegritySettings.current()
    changed = 0
    for start in range(0, len(pks), CHUNK):
        # Each chunk read and written under its rows' locks, so a self-check submitted while
        # the daily job runs is never overwritten with what the job read before it.
        with transaction.atomic():
            chunk = Venue.objects.filter(pk__in=pks[start:start + CHUNK])
            list(chunk.select_for_update().values_list("pk", flat=True))
            risk.refresh(chunk)
            integrity.refresh(chunk)
            moved = _refresh_due_dates(chunk, rules, integrity_settings)
            if moved and (risk.refresh(chunk) + integrity.refresh(chunk)):
                _refresh_due_dates(chunk, rules, integrity_settings)
            changed += moved
    return changed


def _refresh_due_dates(venues, rules, integrity_settings=None):
    integrity_settings = integrity_settings or IntegritySettings.current()
    today = timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))
    changed = []
    for venue in with_schedule_facts(venues.order_by("pk")):
        due = months = None
        if venue.status == VenueStatus.APPROVED:
            months = interval_months(kind_months(venue), venue.risk_level, rules, venue.integrity_level,
                                     integrity_settings)
            due = due_date(venue.approved_at, venue.last_done_at, months, rules.selfchecks_start_on)
            due, months = held_due_date(due, months, venue.selfcheck_due_on,
                                        venue.selfcheck_interval_months, today, rules.remind_days_before)
        if (due, months) != (venue.selfcheck_due_on, venue.selfcheck_interval_months):
            moved = due != venue.selfcheck_due_on
            venue.selfcheck_due_on, venue.selfcheck_interval_months = due, months
            changed.append((venue, moved))
    Venue.objects.bulk_update([venue for venue, _moved in changed],
                              ["selfcheck_due_on", "selfcheck_interval_months"])
    changed = [venue for venue, moved in changed if moved]
    if changed:
        from .todo import GENERATION  # bulk updates send no signal: count overdue venues anew

        GENERATION.bump_now_and_on_commit()
    return len(changed)


def refresh_venue(venue):
    refresh(Venue.objects.filter(pk=venue.pk))
    venue.refresh_from_db(fields=["selfcheck_due_on", "selfcheck_interval_months", "risk_level",
                                  "risk_reasons", "integrity_level", "integrity_reasons"])


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
