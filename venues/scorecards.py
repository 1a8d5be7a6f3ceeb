"""考核激励: the monthly scorecards of villages/communities and lead offices — the one place for
their rule (FORMULA), who may read which card, and the monthly freeze.

Each village and each lead office is scored on its own venues by outcomes only (no sign-ins,
clicks, time online or numbers of patrols): five rates in percent, from venues.figures —

- ``coverage``: venues registered against the village's census count (none for an office);
- ``selfchecks_on_time``: self-checks due in the month done on time;
- ``hazards_not_overdue``: hazards open at the month's end that are within their deadline
  (with none open, none is overdue: 100);
- ``rectified_in_time``: hazards due in the month fixed in time and verified;
- ``major_in_time``: the same for major hazards.

Every rate is capped at 100 (coverage exceeds it when more venues are registered than the census
counted). The score is the weighted mean of the rates that have something to measure (a rate
with nothing to measure is left out, and its weight with it), rounded to one decimal place, so
never above 100; equal scores share a rank. The first of each town's villages and the first of
the lead offices (all of those tied first, with a score above 0) win the month's 流动红旗.
A closed month is frozen once (``freeze``): the stored Scorecard rows keep the figures, the
weights then and the score, so later edits of the weights or of the data never rewrite a
published month. The running month is only ever computed live,
as a preview."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import figures
from .models import Area, AreaLevel, Hazard, Office, Scorecard, ScoreWeights, Venue, VenueStatusChange

VILLAGE, OFFICE = "village", "office"
MEASURES = ScoreWeights.FIELDS
# The rates' own names (column headers say "rate"), not the dashboard's figure labels.
LABELS = {
    "coverage": _("registration coverage rate"),
    "selfchecks_on_time": _("on-time self-check rate"),
    "hazards_not_overdue": _("share of open hazards not overdue"),
    "rectified_in_time": _("rate of hazards fixed in time and verified"),
    "major_in_time": _("rate of major hazards fixed in time and verified"),
}
FORMULA = _(
    "Each village or community and each lead office is scored on its own venues by five outcome "
    "rates for the month, in percent: registration coverage (venues registered against the census "
    "count; villages only), self-checks done on time, open hazards within their deadline at the "
    "month's end (with no hazard open, none is overdue: 100), hazards fixed in time and verified, and "
    "major hazards fixed in time and verified. Each rate counts at most 100. "
    "The score is the weighted mean of the rates: the sum of weight × rate over the sum of the weights. "
    "Any other rate with nothing to measure that month is left out, and its weight with it. The best "
    "score among each town's villages and the best among the lead offices win the month's red flag, "
    "if it is above 0; equal scores share a rank. Sign-ins, clicks, time online and numbers of "
    "patrols never count."
)
CAP = 100
# A rate whose "nothing to measure" is a full mark: with no hazard open, none is overdue.
FULL_WHEN_EMPTY = {"hazards_not_overdue"}
MAX_BACK = 12  # months freeze_closed_months looks back at most


def month_of(value):
    """A figures.Period for a month given as a Period or as any day in it."""
    if isinstance(value, figures.Period):
        return value
    return figures.Period(figures.MONTH, value.replace(day=1))


def measured(row, office=False):
    """{measure: [count, out of]} from a figures Row; "out of" is None when there is nothing
    to measure (no census count, or an office's coverage)."""
    counts = row.counts
    open_hazards = counts.get("hazards_open", 0)
    # Without a venue there is nothing whose hazards could be overdue: not a full mark either.
    watched = open_hazards if counts.get("registered", 0) or open_hazards else None
    return {
        "coverage": [counts.get("registered", 0), None if office else row.expected],
        "selfchecks_on_time": [counts.get("selfchecks_on_time", 0), counts.get("selfchecks_due", 0)],
        "hazards_not_overdue": [open_hazards - counts.get("hazards_overdue", 0), watched],
        "rectified_in_time": [counts.get("hazards_fixed_in_time", 0), counts.get("hazards_due", 0)],
        "major_in_time": [counts.get("major_fixed_in_time", 0), counts.get("major_due", 0)],
    }


def rate(name, pair):
    """Measure ``name``'s [count, out of] pair in percent (unrounded), capped at CAP; None with
    nothing to measure, or CAP for a measure in FULL_WHEN_EMPTY."""
    count, out_of = pair
    if not out_of:
        return CAP if name in FULL_WHEN_EMPTY and out_of == 0 else None
    return min(100 * count / out_of, CAP)


def rates(card):
    """A card's rates, rounded to one decimal place for display: {measure: percent or None}."""
    return {name: _one_place(rate(name, card.figures[name])) for name in MEASURES if name in card.figures}


def score(figures_, weights):
    """The weighted mean of the rates that have something to measure, to one decimal place
    (a Decimal), or None when none has (or all those that have weigh nothing)."""
    total = weight_sum = 0
    for name in MEASURES:
        value, weight = rate(name, figures_[name]), weights.get(name, 0)
        if value is None:
            continue
        total += weight * value
        weight_sum += weight
    if not weight_sum:
        return None
    return _one_place(total / weight_sum)


def _one_place(value):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rank(cards):
    """Set rank (1 = best, equal scores share a rank, "1224") and the red flag (every card
    ranked first, if its score is above 0) on cards of one group; a card without a score has
    neither."""
    scored = sorted((card for card in cards if card.score is not None), key=lambda card: -card.score)
    for card in cards:
        card.rank, card.red_flag = None, False
    for position, card in enumerate(scored, start=1):
        ahead = scored[position - 2] if position > 1 else None
        card.rank = ahead.rank if ahead is not None and ahead.score == card.score else position
        card.red_flag = card.rank == 1 and card.score > 0


def towns():
    """Every town (or street), by path: villages are ranked within their town."""
    return list(Area.objects.filter(level=AreaLevel.TOWN).order_by("path"))


def town_of(area, towns_):
    """The town among ``towns_`` that ``area`` lies in, or None (a village under no town)."""
    return next((town for town in towns_ if area.path.startswith(town.path)), None)


def compute(month, today=None):
    """The month's cards as unsaved Scorecard rows: every village/community, then every lead
    office; villages are ranked within their town, the lead offices all together."""
    period = month_of(month)
    weights = ScoreWeights.current().as_dict()
    all_towns = towns()
    by_town, offices = {}, []
    # Every village's figures from one reading of the register, grouped by village (the same
    # counts as figures.totals(None, period, area=village), in a few queries for all of them).
    _total, rows = figures.table(None, period, by=figures.BY_VILLAGE, today=today)
    rows = {row.area.pk: row for row in rows if row.area is not None and not row.exact}
    census = figures.census_counts(None)
    for area in Area.objects.filter(level=AreaLevel.VILLAGE).order_by("path"):
        row = rows.get(area.pk) or figures.Row(area.pk, area.name, dict.fromkeys(figures.FIGURES, 0),
                                               expected=census.get(area.pk), area=area)
        town = town_of(area, all_towns)
        by_town.setdefault(town.pk if town else None, []).append(
            _card(period, measured(row), weights, area=area, name=area.name))
    for office in Office.objects.filter(is_town_office=False).order_by("name"):
        row = figures.totals(None, period, today=today, office=office)
        offices.append(_card(period, measured(row, office=True), weights, office=office, name=office.name))
    villages = []
    for cards in by_town.values():
        rank(cards)
        villages += cards
    rank(offices)
    return villages + offices


def _card(period, figures_, weights, **subject):
    return Scorecard(month=period.start, figures=figures_, weights=dict(weights),
                     score=score(figures_, weights), **subject)


def is_closed(month, today=None):
    return month_of(month).end <= (today or timezone.localdate())


def is_frozen(month):
    return Scorecard.objects.filter(month=month_of(month).start).exists()


def freeze(month, today=None):
    """Store a closed month's cards once; returns whether this call stored them. A month
    already frozen is left as it is (never recomputed), and two runs at once store it once:
    the unique constraints make the later one fail as a whole, and its cards are dropped."""
    period = month_of(month)
    if not is_closed(period, today):
        raise ValueError(f"{period.value} has not ended yet")
    if is_frozen(period):
        return False
    cards = compute(period, today=today)
    if not cards:
        return False
    try:
        with transaction.atomic():
            Scorecard.objects.bulk_create(cards)
    except IntegrityError:
        return False
    return True


def first_day_with_data():
    """The earliest day anything a scorecard counts was recorded, or None."""
    days = [
        Venue.objects.aggregate(day=Min("created_at"))["day"],
        VenueStatusChange.objects.aggregate(day=Min("at"))["day"],
        Hazard.objects.aggregate(day=Min("found_at"))["day"],
    ]
    days = [timezone.localdate(day) for day in days if day is not None]
    return min(days) if days else None


def freeze_closed_months(today=None):
    """Freeze the last closed month, and the earlier ones not yet frozen back to the first
    month with data (at most MAX_BACK months); returns how many months were frozen. Called
    daily (daily_jobs), so a month is published the day after it ends."""
    today = today or timezone.localdate()
    first = first_day_with_data()
    if first is None:
        return 0
    month = figures.Period(figures.MONTH, today.replace(day=1)).previous()
    months = []
    while len(months) < MAX_BACK and month.end > first:
        months.append(month)
        month = month.previous()
    return sum(freeze(month, today=today) for month in reversed(months))


# --- Who reads which card ------------------------------------------------------------------------

ALL, NONE = "all", "none"


def _reach(user):
    """ALL (superusers), NONE, ("office", office id), ("areas", [paths of the person's
    subtrees]) for village staff, or ("wide", [paths]) for those working over a town or wider
    (the town office, leaders), who also read the lead offices' cards. Staff without areas
    read nothing."""
    if not user.is_authenticated or not user.is_active:
        return NONE
    if user.is_superuser:
        return ALL
    profile = getattr(user, "staff_profile", None)
    if profile is None or not user.has_perm("venues.view_scorecard"):
        return NONE
    if profile.office is not None and not profile.office.is_town_office:
        return ("office", profile.office_id)
    areas = list(profile.areas.all())
    if not areas:
        return NONE
    paths = [area.path for area in areas]
    return ("wide" if any(area.level <= AreaLevel.TOWN for area in areas) else "areas", paths)


def groups_for(user):
    """The groups of cards (VILLAGE, OFFICE) that can concern ``user``: the page leaves out the
    others rather than show them empty."""
    reach = _reach(user)
    if reach == ALL or reach[0] == "wide":
        return {VILLAGE, OFFICE}
    if reach == NONE:
        return set()
    return {OFFICE} if reach[0] == "office" else {VILLAGE}


def scorecards_for(user, queryset=None):
    """The stored cards ``user`` may read: the town office and leaders all; village staff
    their villages' cards; a lead office's staff their own office's card; others none."""
    queryset = Scorecard.objects.all() if queryset is None else queryset
    reach = _reach(user)
    if reach == ALL:
        return queryset
    if reach == NONE:
        return queryset.none()
    kind, value = reach
    if kind == "office":
        return queryset.filter(office_id=value)
    within = Q(pk__in=[])  # value is never empty (_reach); this keeps an empty OR from meaning "all"
    for path in value:
        within |= Q(area__path__startswith=path)
    if kind == "wide":
        return queryset.filter(within | Q(office__isnull=False))
    return queryset.filter(within, area__isnull=False)


def visible(user, cards):
    """The live (unsaved) cards ``user`` may read, by the same rule as ``scorecards_for``."""
    reach = _reach(user)
    if reach == ALL:
        return list(cards)
    if reach == NONE:
        return []
    kind, value = reach
    if kind == "office":
        return [card for card in cards if card.office_id == value]
    return [card for card in cards
            if (card.area_id is not None and any(card.area.path.startswith(path) for path in value))
            or (kind == "wide" and card.office_id is not None)]


def group_of(card):
    return OFFICE if card.office_id is not None else VILLAGE


def published_months():
    """The frozen months, newest first."""
    return list(Scorecard.objects.order_by("-month").values_list("month", flat=True).distinct())


def current_month(today=None):
    today = today or timezone.localdate()
    return figures.Period(figures.MONTH, today.replace(day=1))
