"""企业安全分析报告: the figures of each venue's monthly and yearly safety analysis report, and of
the town's report over a person's scope. The one place that reads the records for them; the
pages and the PDF (venues.analysis_views, venues.pdf) only show what these functions return.

Periods are venues.figures.Period (a month, quarter or year, Beijing time) and their boundaries
are the same as the dashboards': a hazard is "open at the period's end" when it was found before
the end and not closed (verified by staff) before the end, "fixed in the period" when it was
closed in the period. Each report is read in a constant number of queries."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.utils.translation import gettext as _

from . import figures
from .figures import BY_KIND, BY_VILLAGE, MONTH, QUARTER, YEAR, Period, local_today, local_zone

# How far back a failure of the same item makes it "recurring" (besides twice in the period).
RECURRING_MONTHS = 12
TOP_ITEMS = 5
TOP_GROUPS = 5


def _months_before(day, months):
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _local(moment):
    return moment.astimezone(local_zone()) if moment is not None else None


def _local_date(moment):
    return _local(moment).date() if moment is not None else None


# --- One venue ------------------------------------------------------------------------------

@dataclass
class SelfCheckLine:
    due_on: datetime.date | None
    submitted_on: datetime.date | None
    on_time: bool | None  # None: not done (missed)
    status: str


@dataclass
class PatrolLine:
    visited_on: datetime.date
    failed: list  # the questions of the items found not in order


@dataclass
class HazardLine:
    item: str
    severity: str
    severity_label: str
    found_on: datetime.date
    deadline: datetime.date
    status_label: str
    closed_on: datetime.date | None


@dataclass
class Recurring:
    item: str
    times_in_period: int
    also_before: bool  # also failed in the RECURRING_MONTHS before the period


@dataclass
class VenueReport:
    venue: object
    period: Period
    today: datetime.date
    selfchecks: list
    patrols: list
    found: list
    fixed: list
    open_at_end: list
    recurring: list
    advice: list  # [(item, advice text, severity)]
    counts: dict = field(default_factory=dict)

    @property
    def risk_level(self):
        return self.venue.get_risk_level_display() if self.venue.risk_level else ""

    @property
    def risk_reasons(self):
        return [str(reason) for reason in (self.venue.risk_reasons or [])]

    @property
    def integrity_level(self):
        return self.venue.get_integrity_level_display() if self.venue.integrity_level else ""

    @property
    def integrity_reasons(self):
        return [_reason_text(reason) for reason in (self.venue.integrity_reasons or [])]

    @property
    def summary(self):
        c = self.counts
        if self.period.kind == MONTH:
            opening = _("This month")
        elif self.period.kind == QUARTER:
            opening = _("This quarter")
        else:
            opening = _("This year")
        selfchecks = _("%(opening)s: %(done)s self-checks completed (%(on_time)s on time, %(late)s late), "
                       "%(missed)s missed") % {"opening": opening, "done": c["selfchecks_done"],
                                               "on_time": c["selfchecks_on_time"],
                                               "late": c["selfchecks_late"], "missed": c["selfchecks_missed"]}
        patrols = _("%(patrols)s patrols") % {"patrols": c["patrols"]}
        hazards = _("%(found)s hazards found, %(fixed)s closed (verified), %(open)s not yet closed at "
                    "the end") % {"found": c["found"], "fixed": c["fixed"], "open": c["open_at_end"]}
        if c["awaiting_at_end"]:
            # The owner's reported fixes awaiting the re-check are not "not fixed".
            hazards += " " + _("(%(awaiting)s of them fixed, awaiting the re-check)") % {
                "awaiting": c["awaiting_at_end"]}
        text = _("%(selfchecks)s; %(patrols)s; %(hazards)s.") % {
            "selfchecks": selfchecks, "patrols": patrols, "hazards": hazards}
        if c["recurring"]:
            text += " " + _("%(count)s items failed more than once: see the advice below.") % {
                "count": c["recurring"]}
        return text


def _reason_text(reason):
    if isinstance(reason, dict):
        return str(reason.get("text") or reason.get("reason") or "；".join(str(v) for v in reason.values()))
    return str(reason)


def approved_on(venue):
    """The day ``venue`` was first approved (its first recorded approval, else its creation)."""
    from .models import VenueStatus, VenueStatusChange

    change = (VenueStatusChange.objects.filter(venue=venue, to_status=VenueStatus.APPROVED)
              .order_by("at", "pk").first())
    moment = change.at if change is not None else venue.created_at
    return _local_date(moment) if moment else local_today()


def default_period(today=None, first_day=None):
    """The last complete month; the current month when the venue was approved after it."""
    today = today or local_today()
    current = Period.containing(MONTH, today)
    if first_day is not None and first_day >= current.start:
        return current
    return current.previous()


def offered_periods(first_day, today=None):
    """[(value, label)]: the months since ``first_day`` (approval), newest first, then the years."""
    today = today or local_today()
    first_day = min(first_day, today)
    years = [Period(YEAR, datetime.date(year, 1, 1)) for year in range(today.year, first_day.year - 1, -1)]
    months, month = [], Period.containing(MONTH, today)
    while month.end > first_day and len(months) < 120:
        months.append(month)
        month = month.previous()
    return [(period.value, str(period)) for period in months + years]


def chosen_period(value, first_day, today=None):
    """The period ``value`` names when it is one of those offered (``offered_periods``: a month
    since approval or a year), else the default: so the selector always shows the period read."""
    today = today or local_today()
    parsed = Period.parse(value or "", today=today)
    if parsed is not None and parsed.value in dict(offered_periods(first_day, today=today)):
        return parsed
    return default_period(today=today, first_day=first_day)


def venue_report(venue, period, today=None):
    """The report of ``venue`` for ``period`` (a VenueReport), in a constant number of queries.
    Each line is read by the figures' rules (venues.figures.record_conditions): a self-check
    counts when the dashboards count it, and a hazard is closed, awaiting the re-check or open at
    the period's end as they read it."""
    from .models import ChecklistItem, Hazard, HazardStatus, Patrol, SelfCheck, Venue

    today = today or local_today()
    start, end = period.start_at(), period.end_at()
    rules = figures.record_conditions(period, today=today)

    def flag(condition):
        return ExpressionWrapper(condition, output_field=BooleanField())

    # Self-checks: those the figures count (submitted or accepted, due in the period), and the
    # current due date when it falls in the period and has passed (missed).
    selfchecks = []
    for check in (SelfCheck.objects.filter(rules["selfcheck_counted"], venue=venue)
                  .annotate(late=flag(rules["selfcheck_late"])).order_by("due_on", "submitted_at", "pk")):
        selfchecks.append(SelfCheckLine(check.due_on, _local_date(check.submitted_at), not check.late,
                                        check.get_status_display()))
    missed = int(Venue.objects.filter(rules["selfcheck_missed"], pk=venue.pk).exists())
    if missed:
        selfchecks.append(SelfCheckLine(venue.selfcheck_due_on, None, None, _("not done")))

    # Patrols, with the items found not in order (no inspector names: the owner reads this).
    patrols = []
    for patrol in (Patrol.objects.filter(venue=venue, visited_at__gte=start, visited_at__lt=end)
                   .order_by("visited_at", "pk").prefetch_related("answers")):
        failed = []
        for answer in sorted(patrol.answers.all(), key=lambda a: a.pk):
            if answer.answer == "no":
                item = patrol.item(answer.code) or {}
                failed.append(item.get("question") or answer.code)
        patrols.append(PatrolLine(_local_date(patrol.visited_at), failed))

    # Hazards: every one that could count (found in the period or the 12 months before it, or
    # still open at the period's start), read once with the figures' states at the period's end.
    window = Period(MONTH, _months_before(period.start, RECURRING_MONTHS)).start_at()
    hazards = list(Hazard.objects.filter(venue=venue, found_at__lt=end).filter(
        Q(found_at__gte=window) | Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .annotate(**{name: flag(rules[name])
                     for name in ("hazards_found", "hazards_open", "hazards_closed", "awaiting")})
        .order_by("found_at", "pk"))

    def line(hazard):
        if not hazard.hazards_open:
            status = HazardStatus.CLOSED.label
        elif hazard.awaiting:
            status = HazardStatus.RECTIFIED.label
        else:
            status = HazardStatus.OPEN.label
        return HazardLine(hazard.item_question or hazard.description[:60], hazard.severity,
                          hazard.get_severity_display(), _local_date(hazard.found_at), hazard.deadline,
                          str(status), None if hazard.hazards_open else _local_date(hazard.closed_at))

    in_period = [h for h in hazards if h.hazards_found]
    before = [h for h in hazards if h.found_at < start and h.found_at >= window]
    found = [line(h) for h in in_period]
    fixed = [line(h) for h in hazards if h.hazards_closed]
    open_at_end = [line(h) for h in hazards if h.hazards_open]
    awaiting = sum(1 for h in hazards if h.hazards_open and h.awaiting)

    # Recurring items: the same item failing twice in the period, or in it and in the year before.
    times = Counter(h.item_code for h in in_period if h.item_code)
    earlier = {h.item_code for h in before if h.item_code}
    questions = {}
    for hazard in hazards:
        if hazard.item_code:
            questions.setdefault(hazard.item_code, hazard.item_question or hazard.item_code)
    recurring = [Recurring(questions[code], count, code in earlier)
                 for code, count in times.items() if count >= 2 or code in earlier]

    # Advice: each item that failed in the period, its checklist guidance, major first.
    codes = list(dict.fromkeys(h.item_code for h in in_period if h.item_code))
    items = {item.code: item for item in ChecklistItem.objects.filter(code__in=codes)} if codes else {}
    worst = {}
    for hazard in in_period:
        if hazard.item_code:
            worst[hazard.item_code] = "major" if "major" in (worst.get(hazard.item_code), hazard.severity) \
                else hazard.severity
    advice = []
    for code in sorted(codes, key=lambda code: (worst[code] != "major", codes.index(code))):
        item = items.get(code)
        question = (item.question if item else "") or questions[code]
        text = (item.guidance.strip() if item and item.guidance.strip() else "") or question
        advice.append((question, text, worst[code]))

    on_time = sum(1 for check in selfchecks if check.on_time)
    counts = {
        "selfchecks_due": len(selfchecks),
        "selfchecks_done": len(selfchecks) - missed,
        "selfchecks_on_time": on_time,
        "selfchecks_late": len(selfchecks) - missed - on_time,
        "selfchecks_missed": missed,
        "patrols": len(patrols),
        "patrol_items_failed": sum(len(p.failed) for p in patrols),
        "found": len(found),
        "found_major": sum(1 for h in found if h.severity == "major"),
        "fixed": len(fixed),
        "open_at_end": len(open_at_end),
        "awaiting_at_end": awaiting,
        "recurring": len(recurring),
    }
    return VenueReport(venue, period, today, selfchecks, patrols, found, fixed, open_at_end, recurring,
                       advice, counts)


# --- The town -------------------------------------------------------------------------------

@dataclass
class TownReport:
    period: Period
    today: datetime.date
    total: object  # figures.Row over the scope
    common_items: list  # [(kind name, [(item, count)])]
    villages: list  # [figures.Row] most open hazards first
    kinds: list
    trend: list  # [(period, Row, self-checks on time rate or None)]
    levels: list  # [(village name, {level: count}, total)]
    level_totals: dict
    level_choices: list  # [(level, label)]
    cases_upheld: int
    cases_dismissed: int

    @property
    def level_rows(self):
        """[(village name, [count per level of ``level_choices``], total)] and the total row."""
        rows = [(name, [counts.get(level, 0) for level, _label in self.level_choices], total)
                for name, counts, total in self.levels]
        if rows:
            totals = [self.level_totals.get(level, 0) for level, _label in self.level_choices]
            rows.append((_("total"), totals, sum(self.level_totals.values())))
        return rows

    @property
    def summary(self):
        c = self.total.counts
        rate = self.total.rate("selfchecks_on_time_rate")
        text = _("In %(period)s, %(registered)s venues were registered; %(patrolled)s were patrolled. "
                 "%(found)s hazards were found and %(closed)s closed; %(open)s were not yet closed at the "
                 "end, %(overdue)s of them overdue.") % {
            "period": self.period, "registered": c["registered"], "patrolled": c["patrolled"],
            "found": c["hazards_found"], "closed": c["hazards_closed"], "open": c["hazards_open"],
            "overdue": c["hazards_overdue"]}
        if rate is not None:
            text += " " + _("%(rate)s%% of the self-checks due were done on time.") % {"rate": rate}
        if self.common_items:
            kind, items = max(self.common_items, key=lambda entry: entry[1][0][1])
            text += " " + _("The item failed most often: %(item)s (%(kind)s, %(count)s times).") % {
                "item": items[0][0], "kind": kind, "count": items[0][1]}
        if self.villages and self.villages[0].counts["hazards_open"]:
            text += " " + _("Most hazards not yet closed: %(village)s (%(count)s).") % {
                "village": self.villages[0].label, "count": self.villages[0].counts["hazards_open"]}
        return text


def trend_periods(period):
    """The periods of the trend ending with ``period``: 4 quarters, 12 months or 4 years."""
    count = {MONTH: 12, QUARTER: 4, YEAR: 4}[period.kind]
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    return periods


def town_report(user, period=None, today=None, area=None):
    """The town's report over ``user``'s scope (None: the whole register) for ``period`` (the
    current quarter by default), narrowed to ``area``'s subtree if given (an area the caller
    checked is within the scope), in a constant number of queries."""
    from .access import scope_q
    from .models import Area, CaseStatus, IntegrityLevel, SeriousCase, Venue, VenueStatus

    today = today or local_today()
    period = period or Period.containing(QUARTER, today)

    total, villages = figures.table(user, period, by=BY_VILLAGE, today=today, area=area)
    _total, kinds = figures.table(user, period, by=BY_KIND, today=today, area=area)

    def rank(row):
        return -row.counts["hazards_open"], -row.counts["hazards_overdue"], str(row.label)

    villages = sorted((row for row in villages if row.counts["hazards_open"]), key=rank)[:TOP_GROUPS]
    kinds = sorted((row for row in kinds if row.counts["hazards_open"]), key=rank)[:TOP_GROUPS]

    # The most common failed items by kind: hazards found in the period, by main kind and item.
    found = figures.members("hazards_found", user, period, today=today, area=area)
    by_kind = defaultdict(list)
    rows = (found.exclude(item_code="").order_by().values("venue__kind__name", "item_code")
            .annotate(times=Count("pk"), question=Max("item_question")))
    for row in rows:
        by_kind[row["venue__kind__name"]].append((row["question"] or row["item_code"], row["times"]))
    common_items = [(kind, sorted(items, key=lambda item: (-item[1], item[0]))[:TOP_ITEMS])
                    for kind, items in sorted(by_kind.items())]

    trend_list = trend_periods(period)
    trend = [(each, row, row.rate("selfchecks_on_time_rate"))
             for each, row in zip(trend_list, figures.series(user, trend_list, today=today, area=area),
                                  strict=True)]

    # Integrity levels of the venues approved now, by village.
    scope = Q() if user is None else scope_q(user)
    if scope is not None and area is not None:
        scope &= Q(area__path__startswith=area.path)
    level_rows = [] if scope is None else list(
        Venue.objects.filter(scope, status=VenueStatus.APPROVED).order_by()
        .values("area_id", "integrity_level").annotate(n=Count("pk")))
    areas = list(Area.objects.filter(pk__in={row["area_id"] for row in level_rows}))
    village_of = Area.villages_of(areas) if areas else {}
    grouped = defaultdict(Counter)
    for row in level_rows:
        village = village_of[row["area_id"]]
        grouped[village.path, village.name][row["integrity_level"] or ""] += row["n"]
    level_totals = Counter()
    levels = []
    for (_path, name), counter in sorted(grouped.items()):
        levels.append((name, dict(counter), sum(counter.values())))
        level_totals.update(counter)
    level_choices = [*IntegrityLevel.choices, ("", _("not yet levelled"))]

    cases = SeriousCase.objects.none() if scope is None else SeriousCase.objects.filter(
        decided_at__gte=period.start_at(), decided_at__lt=period.end_at())
    if scope is not None and (user is not None or area is not None):
        cases = cases.filter(venue__in=Venue.objects.filter(scope).values("pk"))
    decided = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    upheld = decided.get(CaseStatus.UPHELD, 0) + decided.get(CaseStatus.REPAIRED, 0)
    dismissed = decided.get(CaseStatus.DISMISSED, 0)
    return TownReport(period, today, total, common_items, villages, kinds, trend, levels,
                      dict(level_totals), level_choices, upheld, dismissed)


def town_periods(today=None):
    """[(value, label)] the town report offers: the last 8 quarters and the last 3 years."""
    today = today or local_today()
    offered, quarter = [], Period.containing(QUARTER, today)
    for _step in range(8):
        offered.append(quarter)
        quarter = quarter.previous()
    offered += [Period(YEAR, datetime.date(today.year - n, 1, 1)) for n in range(3)]
    return [(period.value, str(period)) for period in offered]

