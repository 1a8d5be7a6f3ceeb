"""The supervision figures: the one place that defines each figure the dashboards, the 六清
panel, the scorecards and their drill-down lists show, so a figure and the list behind it can
never disagree. Each figure is a set of rows — venues or hazards — within a person's scope
(venues.access.scope_q) for a period; the dashboard shows how many, the drill-down list shows
which (``members``), and both filter by the same condition.

Figures over venues (counted per venue):

- ``registered``: venues approved at the end of the period (their last status change before
  the end is to "approved"; a venue whose recorded changes all came later counts with the
  status the first of them left; a venue with no recorded change counts with its current
  status if it was created before the end).
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

Figures over hazards (counted per hazard, of the venues registered at the period's end, so a
closed venue's hazards drop out):

- ``hazards_found``: found in the period.
- ``hazards_open``: found before the end and not closed before the end (open, or reported
  fixed and awaiting the re-check).
- ``hazards_overdue``: the app's one rule (``Hazard.overdue_q``: open, not "fixed, awaiting
  re-check", deadline passed, venue approved) read on the first day after the period (today in
  the current period): not closed before the end, not awaiting the re-check at the end (reported
  fixed before the end with no re-check rejecting the fix between the report and the end), and
  its deadline before the end (``deadline < period.end``; ``< today`` in the current period) —
  so a hazard due on a closed period's last day and still open after it is overdue, and
  ``hazards_due`` counts it too.
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

六清 (``liuqing``), over the scope today: 底数清 approved venues out of the census count; 位置清
approved venues placed in a grid; 风险清 approved venues with a risk level; 隐患清 hazards not yet
closed at approved venues that are not overdue (``Hazard.overdue_q``), out of those not yet
closed at approved venues; 责任清 approved venues with an owner
or operator account; 检查清 approved venues whose self-check is not overdue
(venues.schedule.overdue_q).

Groups: by village (the village or community a venue's area lies in), by grid (a venue placed
in a village itself, not a grid, is grouped under its village), or by main kind. Each period
is read in a constant number of queries, whatever the number of venues.

Days and periods are always Beijing time (settings.TIME_ZONE), never the zone a person's admin
profile switches to, so everyone reads the same figures."""

import calendar
import datetime
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.generations import Generation

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
    "selfchecks_on_time_rate": gettext_lazy("self-checks on time rate"),
    "patrol_coverage": gettext_lazy("patrol coverage"),
    "notice_rate": gettext_lazy("safety notice acknowledgement rate"),
    "rectification_rate": gettext_lazy("hazards fixed in time"),
    "major_rectification_rate": gettext_lazy("major hazards fixed in time"),
}

BY_VILLAGE, BY_GRID, BY_KIND = "village", "grid", "kind"


def local_zone():
    """The zone days are counted in (the admin activates each person's own zone)."""
    return ZoneInfo(settings.TIME_ZONE)


def local_today():
    return timezone.localdate(timezone=local_zone())


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
        today = today or local_today()
        return min(self.last_day, today)

    def start_at(self):
        return _midnight(self.start)

    def end_at(self):
        return _midnight(self.end)

    def is_current(self, today=None):
        today = today or local_today()
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
        today = today or local_today()
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4]))?", (value or "").strip().upper())
        # Checked before a date is made: year 0 is no date at all.
        if match is None or int(match[1]) < 2000:
            return None
        year, month, quarter = int(match[1]), match[2], match[3]
        if month is not None:
            if not 1 <= int(month) <= 12:
                return None
            period = cls(MONTH, datetime.date(year, int(month), 1))
        elif quarter is not None:
            period = cls(QUARTER, datetime.date(year, (int(quarter) - 1) * 3 + 1, 1))
        else:
            period = cls(YEAR, datetime.date(year, 1, 1))
        return None if period.start > today else period

    def months(self):
        """The months it is made of, first to last."""
        months, month = [], Period(MONTH, self.start)
        while month.start < self.end:
            months.append(month)
            month = Period(MONTH, month.end)
        return months


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), local_zone())


def days_in(period):
    return calendar.monthrange(period.start.year, period.start.month)[1]


# --- The API the dashboards and scorecards use ---------------------------------------------------

@dataclass
class Row:
    """One group's figures: ``key`` (an Area or VenueKind pk, or None for the total),
    ``label``, ``area``/``kind`` (the object, for links), ``counts`` {figure: int},
    ``expected`` (census count, or None), ``days_to_close`` (mean, or None); ``exact`` is True
    for the grid table's row of the venues placed in a village itself (its drill-down lists
    pass ``exact=True`` to ``members``)."""

    key: object
    label: str
    counts: dict
    expected: int | None = None
    days_to_close: float | None = None
    area: object = None
    kind: object = None
    exact: bool = False

    def rate(self, name):
        """A rate in percent (rounded to one decimal place), or None."""
        numerator, denominator = RATES[name]
        bottom = self.expected if denominator == "expected" else self.counts.get(denominator)
        if not bottom:
            return None
        return round(100 * self.counts.get(numerator, 0) / bottom, 1)


class _Reading:
    """One reading of the figures: the scope (with its narrowing) and the period, and the
    conditions that define each figure over it. Read in a fixed number of queries (the
    scope's areas and office, the safety notices current at the period's end)."""

    def __init__(self, user, period, today=None, office=None, area=None, exact=False, kind=None,
                 shared=None):
        from .access import scope_q

        self.user, self.period, self.office = user, period, office
        self.today = today or local_today()
        self.start, self.end = period.start_at(), period.end_at()
        self.read_on = period.read_on(self.today)
        # Another reading of the same scope for another period (``series``) lends what does not
        # depend on the period: the scope, the census counts and the safety notices' history.
        self.shared = shared
        scope = shared.scope if shared is not None else Q() if user is None else scope_q(user)
        self.empty = shared.empty if shared is not None else scope is None
        self.scope = scope or Q()
        self.narrow = self._narrowing(office, area, exact, kind)
        # The census counts that fit the narrowing: those of the villages within ``area``;
        # none for a kind, or for the venues placed in a village itself.
        self.area, self.census_fits = area, kind is None and not exact

    # The venues ----------------------------------------------------------------------------

    @staticmethod
    def _narrowing(office, area, exact, kind):
        from .models import Venue

        narrow = Q()
        if area is not None:
            narrow &= Q(area=area) if exact else Q(area__path__startswith=area.path)
        if kind is not None:
            narrow &= Q(kind=kind)
        if office is not None and not office.is_town_office:
            # The rule venues.access applies to a lead office's staff: main or further kind.
            kinds = office.kinds.all()
            led = Venue.objects.filter(Q(kind__in=kinds) | Q(other_kinds__in=kinds))
            narrow &= Q(pk__in=led.values("pk"))
        return narrow

    @cached_property
    def notice_history(self):
        """({kind pk: its safety notice's page pk}, [(page pk, version pk, published at)] newest
        first): two queries, whatever the period."""
        if self.shared is not None:
            return self.shared.notice_history
        from notices.models import SafetyNoticePage

        from .models import NoticeVersion

        pages = {}
        # A kind's notice is its first page (a copy or an alias asks nobody: SafetyNoticePage).
        for page_id, kind_id in (SafetyNoticePage.objects.filter(alias_of__isnull=True)
                                 .order_by("pk").values_list("pk", "kind_id")):
            pages.setdefault(kind_id, page_id)
        versions = list(NoticeVersion.objects.filter(page_id__in=pages.values())
                        .order_by("page_id", "-number").values_list("page_id", "pk", "published_at"))
        return pages, versions

    @cached_property
    def notices(self):
        """{kind pk: pk of the version of the kind's safety notice current at the period's end}."""
        pages, versions = self.notice_history
        current = {}
        for page_id, version_id, published_at in versions:
            if published_at < self.end:
                current.setdefault(page_id, version_id)
        return {kind_id: current[page_id] for kind_id, page_id in pages.items() if page_id in current}

    def venues(self):
        """The venues registered at the period's end within the scope: every venue figure is
        a subset of them."""
        from .models import Venue, VenueStatus, VenueStatusChange

        if self.empty:
            return Venue.objects.none()
        # Its status at the end: set by its last change before the end; else, if it changed
        # only later, the status its first change left; else (never changed) its status now.
        changes = VenueStatusChange.objects.filter(venue=OuterRef("pk"))
        status_at_end = Coalesce(
            Subquery(changes.filter(at__lt=self.end).order_by("-at", "-pk").values("to_status")[:1]),
            Subquery(changes.order_by("at", "pk").values("from_status")[:1]),
            F("status"))
        return (Venue.objects.filter(self.scope, self.narrow, created_at__lt=self.end)
                .alias(status_at_end=status_at_end).filter(status_at_end=VenueStatus.APPROVED))

    def venue_q(self, figure):
        from .models import Acknowledgement, Patrol, SelfCheck, Venue

        start, end, today = self.period.start, self.period.end, self.today
        if figure == "registered":
            return Q()
        if figure in ("selfchecks_due", "selfchecks_late", "selfchecks_on_time"):
            counted = SelfCheck.objects.filter(venue=OuterRef("pk"), status__in=("submitted", "accepted"),
                                               due_on__gte=start, due_on__lt=end)
            # The current due date, in the period and passed: a self-check not done.
            missed = Q(selfcheck_due_on__gte=start, selfcheck_due_on__lt=min(end, today))
            due = Q(Exists(counted)) | missed
            late = Q(Exists(counted.alias(submitted_on=TruncDate("submitted_at", tzinfo=local_zone()))
                            .filter(submitted_on__gt=F("due_on")))) | missed
            return {"selfchecks_due": due, "selfchecks_late": late, "selfchecks_on_time": due & ~late}[figure]
        if figure == "patrolled":
            return Q(Exists(Patrol.objects.filter(venue=OuterRef("pk"), visited_at__gte=self.start,
                                                  visited_at__lt=self.end)))
        if figure in ("notice_concerned", "notice_acknowledged"):
            concerned, acknowledged = Q(pk__in=[]), Q()
            for kind_id, version_id in self.notices.items():
                has_kind = Q(kind_id=kind_id) | Q(pk__in=Venue.other_kinds.through.objects.filter(
                    venuekind_id=kind_id).values("venue_id"))
                concerned |= has_kind
                acknowledged &= ~has_kind | Q(Exists(Acknowledgement.objects.filter(
                    venue=OuterRef("pk"), version_id=version_id, at__lt=self.end)))
            return concerned if figure == "notice_concerned" else concerned & acknowledged
        raise KeyError(figure)

    # The hazards ---------------------------------------------------------------------------

    def hazards(self):
        from .models import Hazard

        if self.empty:
            return Hazard.objects.none()
        return Hazard.objects.filter(venue__in=self.venues().values("pk"))

    def hazard_q(self, figure):
        from .models import HazardAction, HazardEvent

        start, end = self.start, self.end
        opened = Q(found_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        # The state is read on the first day after the period (today while it runs): a deadline
        # before that day has passed, for "due" and "overdue" alike.
        passed = Q(deadline__lt=min(self.period.end, self.today))
        due = Q(deadline__gte=self.period.start) & passed
        # Reported fixed before the end and not sent back by a re-check before the end: awaiting
        # the re-check, so not overdue (Hazard.overdue_q reads the status the same way).
        rejected = HazardEvent.objects.filter(hazard=OuterRef("pk"), action=HazardAction.REJECTED,
                                              at__gt=OuterRef("rectified_at"), at__lt=end)
        awaiting = Q(rectified_at__lt=end) & ~Q(Exists(rejected))
        # Fixed on or before the deadline (the owner's report, or the closing when none), and
        # verified (closed) before the period's end.
        in_time = Q(closed_at__lt=end, fixed_on__lte=F("deadline"))
        major = Q(severity="major")
        return {
            "hazards_found": Q(found_at__gte=start, found_at__lt=end),
            "hazards_open": opened,
            "hazards_overdue": opened & ~awaiting & passed,
            "hazards_major_open": opened & major,
            "hazards_due": due,
            "hazards_fixed_in_time": due & in_time,
            "major_due": due & major,
            "major_fixed_in_time": due & in_time & major,
            "hazards_closed": Q(closed_at__gte=start, closed_at__lt=end),
        }[figure]

    def hazards_annotated(self):
        return self.hazards().alias(fixed_on=TruncDate(Coalesce("rectified_at", "closed_at"),
                                                       tzinfo=local_zone()))

    # Members and counts --------------------------------------------------------------------

    def members(self, figure):
        if figure in VENUE_FIGURES:
            return self.venues().filter(self.venue_q(figure))
        if figure in HAZARD_FIGURES:
            return self.hazards_annotated().filter(self.hazard_q(figure))
        raise KeyError(figure)

    def grouped(self):
        """{(area pk, kind pk): ({figure: count}, total duration to close)} in two queries."""
        groups = defaultdict(lambda: [dict.fromkeys(FIGURES, 0), datetime.timedelta()])
        if self.empty:
            return groups
        venue_counts = {figure: Count("pk", filter=self.venue_q(figure)) for figure in VENUE_FIGURES}
        for row in self.venues().order_by().values("area_id", "kind_id").annotate(**venue_counts):
            groups[row["area_id"], row["kind_id"]][0].update({f: row[f] for f in VENUE_FIGURES})
        hazard_counts = {figure: Count("pk", filter=self.hazard_q(figure)) for figure in HAZARD_FIGURES}
        took = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())
        rows = (self.hazards_annotated().order_by().values("venue__area_id", "venue__kind_id")
                .annotate(**hazard_counts, took=Sum(took, filter=self.hazard_q("hazards_closed"))))
        for row in rows:
            group = groups[row["venue__area_id"], row["venue__kind_id"]]
            group[0].update({f: row[f] for f in HAZARD_FIGURES})
            group[1] = _duration(row["took"])
        return groups

    @cached_property
    def census(self):
        """{village pk: census count} that fit the reading (none with an office or a kind)."""
        if self.empty or not self.census_fits or self.office is not None:
            return {}
        if self.shared is not None and self.shared.area == self.area and self.shared.census_fits:
            return self.shared.census
        return census_counts(self.user, self.area)

    def expected(self):
        return self.census


def census_counts(user, area=None):
    """{village pk: census count} for the villages lying wholly within ``user``'s scope (None:
    the whole register) and within ``area``; none for a lead office's staff, since a census
    counts every kind."""
    from .access import scope_roots
    from .models import VillageCensus

    censuses = VillageCensus.objects.all()
    if user is not None and not user.is_superuser:
        profile = getattr(user, "staff_profile", None)
        if profile is None or profile.kinds_led() is not None:
            return {}
        within = Q(pk__in=[])
        for root in scope_roots(user):
            within |= Q(area__path__startswith=root.path)
        censuses = censuses.filter(within)
    if area is not None:
        censuses = censuses.filter(area__path__startswith=area.path)
    return dict(censuses.values_list("area_id", "expected"))


def _duration(value):
    """A summed duration as the database returns it (a timedelta, or microseconds)."""
    if value is None:
        return datetime.timedelta()
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=int(value))


def _reading(user, period, today=None, office=None, area=None, exact=False, kind=None):
    return _Reading(user, period, today=today, office=office, area=area, exact=exact, kind=kind)


def _row(key, label, groups, expected=None, **extra):
    counts = dict.fromkeys(FIGURES, 0)
    took = datetime.timedelta()
    for group_counts, group_took in groups:
        for figure, count in group_counts.items():
            counts[figure] += count
        took += group_took
    closed = counts["hazards_closed"]
    days = round(took.total_seconds() / 86400 / closed, 1) if closed else None
    return Row(key, label, counts, expected=expected, days_to_close=days, **extra)


def _total(reading, groups):
    census = reading.expected()
    expected = sum(census.values()) if census else None
    return _row(None, _("total"), groups.values(), expected=expected)


def table(user, period, by=BY_VILLAGE, today=None, area=None):
    """(total Row, [Row per group]) over ``user``'s scope (None: the whole register) for
    ``period``, grouped ``by`` village, grid or kind, and narrowed to ``area``'s subtree if
    given (the total is then ``totals(..., area=area)``); groups with nothing to count are left
    out (a village with a census count stays, for its coverage). A constant number of queries.

    A row's ``area``, ``exact`` and ``kind`` are what ``members`` takes to list its rows (with
    ``area`` too for the rows by kind): venues placed in a village itself have an ``exact`` row
    in the grid table, and venues placed above any village (in a town itself) one in both."""
    from .models import Area, AreaLevel, VenueKind

    reading = _reading(user, period, today=today, area=area)
    groups = reading.grouped()
    total = _total(reading, groups)
    buckets = defaultdict(list)
    if by == BY_KIND:
        kinds = VenueKind.objects.filter(pk__in={kind_id for _area, kind_id in groups})
        for (_area, kind_id), group in groups.items():
            buckets[kind_id].append(group)
        rows = [_row(kind.pk, kind.name, buckets[kind.pk], kind=kind) for kind in kinds]
        return total, [row for row in rows if any(row.counts.values())]

    census = reading.expected()
    areas = list(Area.objects.filter(pk__in={*{area_id for area_id, _kind in groups}, *census}))
    villages = Area.villages_of(areas)
    for (area_id, _kind), group in groups.items():
        if by == BY_GRID and villages[area_id].pk != area_id:  # placed in a grid
            buckets[area_id, False].append(group)
        else:
            village = villages[area_id]
            # Its own venues only: in a grid table the village's grids have rows of their own,
            # and a town's subtree holds villages that have theirs.
            buckets[village.pk, by == BY_GRID or village.level < AreaLevel.VILLAGE].append(group)
    if by == BY_VILLAGE:
        for village_id in census:
            buckets.setdefault((village_id, False), [])  # counted in the census, nothing registered
    places = Area.places(areas)
    by_pk = {**{area.pk: area for area in areas}, **{village.pk: village for village in villages.values()}}
    rows = []
    for (area_id, exact), group in buckets.items():
        place = by_pk[area_id]
        if exact and by == BY_GRID and place.level == AreaLevel.VILLAGE:
            label = _("%(village)s (not in a grid)") % {"village": place.name}
        else:
            label = places.get(area_id, place.name) if by == BY_GRID else place.name
        expected = census.get(area_id) if by == BY_VILLAGE and not exact else None
        rows.append(_row(area_id, label, group, expected=expected, area=place, exact=exact))
    shown = [row for row in rows if any(row.counts.values()) or row.expected is not None]
    return total, sorted(shown, key=lambda row: (row.area.path, row.exact))


def totals(user, period, today=None, office=None, area=None, exact=False, kind=None):
    """The total Row alone (for trends and the scorecards), in a constant number of queries;
    narrowed as ``members`` narrows. Its ``expected`` is the census count of the villages lying
    wholly within the scope (and ``area``), None with ``office``, ``kind`` or ``exact``."""
    reading = _reading(user, period, today=today, office=office, area=area, exact=exact, kind=kind)
    return _total(reading, reading.grouped())


# A closed month's figures change only when its records are edited afterwards (a record dated
# back, a census count): the trend keeps each closed period for at most FIGURES_CACHE_SECONDS, so
# its twelve months cost one reading, not twelve. ``CLOSED.bump()`` forgets them all.
CLOSED = Generation("figures:generation")


def series(user, periods, today=None, area=None):
    """The total Row of each of ``periods`` (a trend), sharing the reads that do not depend on
    the period (two queries a period and a few more, whatever the number of venues); closed
    periods come from the cache when they were read lately."""
    today = today or local_today()
    seconds = getattr(settings, "FIGURES_CACHE_SECONDS", 0)
    first = None

    def read(period):
        nonlocal first
        reading = _Reading(user, period, today=today, area=area, shared=first)
        first = first or reading
        return _total(reading, reading.grouped())

    rows = []
    for period in periods:
        if seconds and period.end <= today:
            key = f"figures:{_scope_key(user)}:{area.pk if area else ''}:{period.value}"
            rows.append(CLOSED.kept(key, lambda period=period: read(period), timeout=seconds))
        else:
            rows.append(read(period))
    return rows


def _scope_key(user):
    """What a person's figures depend on: their areas and their office's kinds."""
    if user is None or user.is_superuser:
        return "all"
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return f"user{user.pk}"
    kinds = profile.kinds_led()
    scope = [sorted(area.path for area in profile.areas.all()),
             None if kinds is None else sorted(kind.pk for kind in kinds)]
    return hashlib.sha256(repr(scope).encode()).hexdigest()[:24]


def members(figure, user, period, area=None, exact=False, kind=None, today=None, office=None):
    """The rows behind ``figure`` (a queryset of Venue for VENUE_FIGURES, of Hazard for
    HAZARD_FIGURES) within ``user``'s scope for ``period``, narrowed to ``area``'s subtree (or,
    with ``exact``, to venues placed in ``area`` itself: the grid table's row for venues placed
    in a village, not a grid) and to ``kind`` (a VenueKind, the main kind).
    ``members(...).count()`` equals the figure the dashboard shows for that group.

    ``user`` None means the whole register (the system's monthly scorecards); ``office`` narrows
    to the venues an Office leads, by the rule venues.access applies to its staff."""
    reading = _reading(user, period, today=today, office=office, area=area, exact=exact, kind=kind)
    return reading.members(figure)


def record_conditions(period, today=None):
    """The figures' rules for ``period`` as conditions on single records, for a report that
    lists one venue's records line by line (venues.analysis) rather than counting them:

    - each of HAZARD_FIGURES: its condition on a Hazard, as ``members`` filters by it (the
      fixed-in-time ones need the ``fixed_on`` that ``members`` adds);
    - "awaiting": on a Hazard, not closed before the end and awaiting the re-check at the end
      (reported fixed before the end with no re-check rejecting the fix between the report and
      the end: what ``hazards_overdue`` leaves out);
    - "selfcheck_counted": on a SelfCheck, counted (submitted or accepted) with its due date in
      the period — what ``selfchecks_due`` counts a venue for; "selfcheck_late": of those, one
      submitted (Beijing day) after its due date;
    - "selfcheck_missed": on a Venue, its current due date in the period already passed."""
    from django.db.models.lookups import GreaterThan

    from .models import HazardAction, HazardEvent

    reading = _Reading(None, period, today=today)
    conditions = {figure: reading.hazard_q(figure) for figure in HAZARD_FIGURES}
    rejected = HazardEvent.objects.filter(hazard=OuterRef("pk"), action=HazardAction.REJECTED,
                                          at__gt=OuterRef("rectified_at"), at__lt=reading.end)
    awaiting = Q(rectified_at__lt=reading.end) & ~Q(Exists(rejected))
    start, end = period.start, period.end
    return {
        **conditions,
        "awaiting": conditions["hazards_open"] & awaiting,
        "selfcheck_counted": Q(status__in=("submitted", "accepted"), due_on__gte=start, due_on__lt=end),
        "selfcheck_late": Q(GreaterThan(TruncDate("submitted_at", tzinfo=local_zone()), F("due_on"))),
        "selfcheck_missed": Q(selfcheck_due_on__gte=start, selfcheck_due_on__lt=min(end, reading.today)),
    }


# --- 六清 ---------------------------------------------------------------------------------------

class LiuQing(NamedTuple):
    key: str
    label: str
    count: int
    out_of: int | None
    explanation: str


LIUQING = {
    "known": (gettext_lazy("Numbers known"),
              gettext_lazy("Approved venues, out of the number the census counted.")),
    "located": (gettext_lazy("Locations known"),
                gettext_lazy("Approved venues placed in a grid, out of all approved venues.")),
    "risk_levelled": (gettext_lazy("Risks known"),
                      gettext_lazy("Approved venues with a risk level, out of all approved venues.")),
    "under_control": (gettext_lazy("Hazards under control"),
                      gettext_lazy("Hazards not yet closed at approved venues that are not overdue, out "
                                   "of all hazards not yet closed at approved venues.")),
    "responsibility": (gettext_lazy("Responsibility known"),
                       gettext_lazy("Approved venues with an owner or operator account, out of all "
                                    "approved venues.")),
    "checked": (gettext_lazy("Checks up to date"),
                gettext_lazy("Approved venues whose self-check is not overdue, out of all approved "
                             "venues.")),
}


def _liuqing_sets(user, today):
    """{key: (rows counted, rows they are out of, or None for the census count)} over the scope
    today; None when the person may see no venue."""
    from .access import scope_q
    from .models import AreaLevel, Hazard, HazardStatus, Venue, VenueStatus
    from .schedule import overdue_q

    scope = scope_q(user) if user is not None else Q()
    if scope is None:
        return None
    approved = Venue.objects.filter(scope, status=VenueStatus.APPROVED)
    held = Q(owner__isnull=False) | Q(pk__in=Venue.operators.through.objects.values("venue_id"))
    # Of approved venues, by the app's one rule for overdue (a closed venue's hazards are not chased).
    not_closed = Hazard.objects.filter(venue__in=approved.values("pk")).exclude(status=HazardStatus.CLOSED)
    return {
        "known": (approved, None),
        "located": (approved.filter(area__level=AreaLevel.GRID), approved),
        "risk_levelled": (approved.exclude(risk_level=""), approved),
        "under_control": (not_closed.exclude(Hazard.overdue_q(today)), not_closed),
        "responsibility": (approved.filter(held), approved),
        "checked": (approved.exclude(overdue_q(today)), approved),
    }


def liuqing(user, today=None):
    """The 六清 panel for ``user``'s scope today: [LiuQing(key, label, count, out_of,
    explanation)]; ``liuqing_members(key, ...)`` gives the rows counted. ``out_of`` is None
    when unknown (no census count within the scope)."""
    sets = _liuqing_sets(user, today or local_today())
    counts = census_counts(user) if sets is not None else {}
    census = sum(counts.values()) if counts else None
    panel, counted_already = [], {}
    for key, (label, why) in LIUQING.items():
        if sets is None:
            panel.append(LiuQing(key, str(label), 0, None if key == "known" else 0, str(why)))
            continue
        counted, out_of = sets[key]
        if out_of is not None and id(out_of) not in counted_already:  # the approved venues, once
            counted_already[id(out_of)] = out_of.count()
        bottom = census if out_of is None else counted_already[id(out_of)]
        panel.append(LiuQing(key, str(label), counted.count(), bottom, str(why)))
    return panel


def liuqing_members(key, user, today=None):
    """The rows behind a 六清 figure (venues, or hazards for "under_control"); KeyError for an
    unknown key."""
    from .models import Hazard, Venue

    if key not in LIUQING:
        raise KeyError(key)
    sets = _liuqing_sets(user, today or local_today())
    if sets is None:
        return (Hazard if key == "under_control" else Venue).objects.none()
    return sets[key][0]
