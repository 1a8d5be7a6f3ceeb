"""The supervision figures: the one place that defines each figure the dashboards, the 六清
panel, the scorecards and their drill-down lists show, so a figure and the list behind it can
never disagree. Each figure is a set of rows — venues or hazards — within a person's scope
(venues.access.scope_q) for a period; the dashboard shows how many, the drill-down list shows
which (``members``), and both filter by the same condition.

Figures over venues (counted per venue):

- ``registered``: venues approved at the end of the period (their last status change before
  the end is to "approved"; a venue with no recorded change counts with its current status
  if it was created before the end).
- ``selfchecks_due``: registered venues with a self-check due in the period — a submitted or
  accepted self-check whose due date (``SelfCheck.due_on``) is in the period, or a current due
  date (``Venue.selfcheck_due_on``) in the period that has passed (before today).
- ``selfchecks_late``: of those, the ones with a due date in the period missed: a counted
  self-check submitted after its due date, or a current due date in the period already passed.
- ``selfchecks_on_time``: ``selfchecks_due`` less ``selfchecks_late``.
- ``patrolled``: registered venues with a patrol in the period.
- ``notice_concerned``: registered venues that the 安全告知书 (safety notice) current at the end
  of the period concerns (the latest version of each kind's notice published before the end).
- ``notice_acknowledged``: of those, the ones that acknowledged every such version concerning
  them before the end.

Figures over hazards (counted per hazard, of venues in the scope):

- ``hazards_found``: found in the period.
- ``hazards_open``: found before the end and not closed before the end (open, or reported
  fixed and awaiting the re-check).
- ``hazards_overdue``: open at the end with their deadline before the day the period is read
  at (its last day, or today in the current period).
- ``hazards_major_open``: open at the end and major.
- ``hazards_due``: whose deadline is in the period and has passed (before today).
- ``hazards_fixed_in_time``: of those, the ones closed (verified by staff) before the end and
  fixed (the owner's report of the fix, or the closing when there was none) on or before their
  deadline.
- ``major_due`` / ``major_fixed_in_time``: the same two for major hazards.
- ``hazards_closed``: closed in the period; ``days_to_close`` is their mean number of days
  from found to closed.

Rates are one figure over another (``RATES``); a rate with nothing to measure is None, shown
as "—". Coverage is ``registered`` over the census's expected count (venues.VillageCensus),
known only for villages with a count and never for a lead office's kinds.

Groups: by village (the village or community a venue's area lies in), by grid (a venue placed
in a village itself, not a grid, is grouped under its village), or by main kind. Each period
is read in a constant number of queries, whatever the number of venues."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MONTH, QUARTER, YEAR = "month", "quarter", "year"

VENUE_FIGURES = ["registered", "selfchecks_due", "selfchecks_late", "selfchecks_on_time", "patrolled",
                 "notice_concerned", "notice_acknowledged"]
HAZARD_FIGURES = ["hazards_found", "hazards_open", "hazards_overdue", "hazards_major_open",
                  "hazards_due", "hazards_fixed_in_time", "major_due", "major_fixed_in_time",
                  "hazards_closed"]
FIGURES = VENUE_FIGURES + HAZARD_FIGURES

LABELS = {
    "registered": gettext_lazy("venues registered"),
    "selfchecks_due": gettext_lazy("self-checks due"),
    "selfchecks_late": gettext_lazy("self-checks late or missed"),
    "selfchecks_on_time": gettext_lazy("self-checks on time"),
    "patrolled": gettext_lazy("venues patrolled"),
    "notice_concerned": gettext_lazy("venues the safety notice concerns"),
    "notice_acknowledged": gettext_lazy("safety notice acknowledged"),
    "hazards_found": gettext_lazy("hazards found"),
    "hazards_open": gettext_lazy("hazards not yet closed"),
    "hazards_overdue": gettext_lazy("overdue hazards"),
    "hazards_major_open": gettext_lazy("major hazards not yet closed"),
    "hazards_due": gettext_lazy("hazards due to be fixed"),
    "hazards_fixed_in_time": gettext_lazy("fixed in time and verified"),
    "major_due": gettext_lazy("major hazards due to be fixed"),
    "major_fixed_in_time": gettext_lazy("major hazards fixed in time and verified"),
    "hazards_closed": gettext_lazy("hazards closed"),
}

# Rates: (numerator, denominator); "expected" is the census count.
RATES = {
    "coverage": ("registered", "expected"),
    "selfchecks_on_time_rate": ("selfchecks_on_time", "selfchecks_due"),
    "patrol_coverage": ("patrolled", "registered"),
    "notice_rate": ("notice_acknowledged", "notice_concerned"),
    "rectification_rate": ("hazards_fixed_in_time", "hazards_due"),
    "major_rectification_rate": ("major_fixed_in_time", "major_due"),
}
RATE_LABELS = {
    "coverage": gettext_lazy("registration coverage"),
    "selfchecks_on_time_rate": gettext_lazy("self-checks on time"),
    "patrol_coverage": gettext_lazy("patrol coverage"),
    "notice_rate": gettext_lazy("safety notice acknowledged"),
    "rectification_rate": gettext_lazy("hazards fixed in time"),
    "major_rectification_rate": gettext_lazy("major hazards fixed in time"),
}

BY_VILLAGE, BY_GRID, BY_KIND = "village", "grid", "kind"


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year, local time (Asia/Shanghai)."""

    kind: str
    start: datetime.date  # its first day

    @property
    def end(self):
        """The first day after it."""
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        index = self.start.month - 1 + months
        return datetime.date(self.start.year + index // 12, index % 12 + 1, 1)

    @property
    def last_day(self):
        return self.end - datetime.timedelta(days=1)

    def previous(self):
        months = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        index = self.start.month - 1 - months
        return Period(self.kind, datetime.date(self.start.year + index // 12, index % 12 + 1, 1))

    def read_on(self, today=None):
        """The day the period's states (open, overdue) are read at: its last day, or today
        while it runs."""
        today = today or timezone.localdate()
        return min(self.last_day, today)

    def start_at(self):
        return _midnight(self.start)

    def end_at(self):
        return _midnight(self.end)

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.start <= today < self.end

    @property
    def value(self):
        """As written in the address: 2026-11, 2026-Q4, 2026."""
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self):
        if self.kind == MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"year": self.start.year,
                                                  "quarter": (self.start.month - 1) // 3 + 1}
        return _("year %(year)s") % {"year": self.start.year}

    @classmethod
    def containing(cls, kind, day):
        if kind == MONTH:
            return cls(MONTH, day.replace(day=1))
        if kind == QUARTER:
            return cls(QUARTER, datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        return cls(YEAR, datetime.date(day.year, 1, 1))

    @classmethod
    def parse(cls, value, today=None):
        """The period ``value`` names (2026-11, 2026-Q4, 2026), or None if it names none or one
        that has not begun."""
        today = today or timezone.localdate()
        value = (value or "").strip().upper()
        period = None
        if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                period = cls(MONTH, datetime.date(year, month, 1))
        elif match := re.fullmatch(r"(\d{4})-Q([1-4])", value):
            period = cls(QUARTER, datetime.date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1))
        elif re.fullmatch(r"\d{4}", value):
            period = cls(YEAR, datetime.date(int(value), 1, 1))
        if period is None or period.start > today or period.start.year < 2000:
            return None
        return period

    def months(self):
        """The months it is made of, first to last."""
        months, month = [], Period(MONTH, self.start)
        while month.start < self.end:
            months.append(month)
            month = Period(MONTH, month.end)
        return months


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def days_in(period):
    return calendar.monthrange(period.start.year, period.start.month)[1]


# --- The API the dashboards and scorecards use (implemented below) ------------------------------

@dataclass
class Row:
    """One group's figures: ``key`` (an Area or VenueKind pk, or None for the total),
    ``label``, ``area``/``kind`` (the object, for links), ``counts`` {figure: int},
    ``expected`` (census count, or None), ``days_to_close`` (mean, or None)."""

    key: object
    label: str
    counts: dict
    expected: int | None = None
    days_to_close: float | None = None
    area: object = None
    kind: object = None

    def rate(self, name):
        """A rate in percent (rounded to one decimal place), or None."""
        numerator, denominator = RATES[name]
        bottom = self.expected if denominator == "expected" else self.counts.get(denominator)
        if not bottom:
            return None
        return round(100 * self.counts.get(numerator, 0) / bottom, 1)


def table(user, period, by=BY_VILLAGE, today=None):
    """(total Row, [Row per group]) over ``user``'s scope for ``period``, grouped ``by``
    village, grid or kind; groups with nothing to count are left out. A constant number of
    queries."""
    raise NotImplementedError


def totals(user, period, today=None):
    """The total Row alone (for trends and the scorecards), in a constant number of queries."""
    raise NotImplementedError


def members(figure, user, period, area=None, exact=False, kind=None, today=None):
    """The rows behind ``figure`` (a queryset of Venue for VENUE_FIGURES, of Hazard for
    HAZARD_FIGURES) within ``user``'s scope for ``period``, narrowed to ``area``'s subtree (or,
    with ``exact``, to venues placed in ``area`` itself: the grid table's row for venues placed
    in a village, not a grid) and to ``kind`` (a VenueKind, the main kind).
    ``members(...).count()`` equals the figure the dashboard shows for that group."""
    raise NotImplementedError


def liuqing(user, today=None):
    """The 六清 panel for ``user``'s scope today: [(key, label, count, out of, figure name for
    the drill-down list (``liuqing_members``), explanation)]."""
    raise NotImplementedError


def liuqing_members(key, user, today=None):
    raise NotImplementedError
