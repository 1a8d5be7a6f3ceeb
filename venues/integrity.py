"""诚信: a venue's integrity level (A/B/C/D) from the town office's rules (venues.models.IntegrityRule)
over the venue's record in the window (IntegritySettings.window_months back from today, both days
counted): the worst level any active rule gives, with the reasons of every rule that applies; A when
none does; D while a serious case decided against it stands (venues.models.SeriousCase, status
UPHELD). Venues not approved have no level. Kept on the venue (``integrity_level``,
``integrity_reasons``) by ``refresh``, which venues.schedule calls before it recomputes due dates
(the level changes the interval). The one place for the rule.

What the rules count, per venue, days read in local time (Asia/Shanghai):

- ``selfchecks_late``: counted self-checks (submitted or accepted) whose due date
  (``SelfCheck.due_on``) is in the window and that were submitted after it, plus one when the
  venue's current due date is in the window and has passed (a self-check not done) — the reading
  of venues.figures "selfchecks_late".
- ``hazards_late``: hazards whose deadline is in the window and before today and that were not
  fixed by it (reported fixed — or closed, when never reported — after the deadline, or not yet;
  a hazard open again after staff rejected its fix counts as not fixed).
- ``major_hazards``: major hazards found in the window.
- ``repeated_item``: the most hazards found in the window for one checklist item.
- ``refusals``: refusals to cooperate (venues.models.Refusal) in the window."""

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .figures import local_today, local_zone  # noqa: F401 (days are counted in the town's zone)
from .models import (
    CaseStatus,
    Hazard,
    HazardStatus,
    IntegrityFactor,
    IntegrityLevel,
    IntegrityRule,
    IntegritySettings,
    Refusal,
    SelfCheck,
    SelfCheckStatus,
    SeriousCase,
    Severity,
    Venue,
    VenueStatus,
)

ORDER = list(IntegrityLevel.values)  # best first
FACTORS = list(IntegrityFactor.values)
ATTR = "integrity_"  # the annotations' prefix (``refusals`` is a relation of the venue)
COUNTED = (SelfCheckStatus.SUBMITTED, SelfCheckStatus.ACCEPTED)


def window_start(today, months=None):
    """The first day of the window ending ``today``."""
    from .schedule import add_months

    if months is None:
        months = IntegritySettings.current().window_months
    return add_months(today, -months)


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


def not_fixed_q():
    """Hazards (aliased with ``fixed_on``) not fixed by their deadline: open again (a fix staff
    rejected keeps its old ``rectified_at``, so an open hazard is never counted as fixed), never
    fixed, or fixed after the deadline."""
    return (Q(status=HazardStatus.OPEN) | Q(fixed_on__isnull=True)
            | Q(fixed_on__gt=F("deadline")))


def _count(queryset):
    counted = (queryset.filter(venue=OuterRef("pk")).order_by().values("venue")
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_integrity_facts(venues, today=None, months=None):
    """``venues`` annotated with the counts the rules read (``integrity_<factor>`` for each
    IntegrityFactor; ``facts_of`` reads them)
    and ``upheld_at`` (the decision of a serious case upheld against it, if any), in one query."""
    today = today or local_today()
    start = window_start(today, months)
    found_from, found_to = _midnight(start), _midnight(today + datetime.timedelta(days=1))
    zone = local_zone()
    late_checks = (SelfCheck.objects.filter(status__in=COUNTED, due_on__gte=start, due_on__lte=today)
                   .alias(submitted_on=TruncDate("submitted_at", tzinfo=zone))
                   .filter(submitted_on__gt=F("due_on")))
    late_hazards = (Hazard.objects.filter(deadline__gte=start, deadline__lt=today)
                    .alias(fixed_on=TruncDate(Coalesce("rectified_at", "closed_at"), tzinfo=zone))
                    .filter(not_fixed_q()))
    found = Hazard.objects.filter(found_at__gte=found_from, found_at__lt=found_to)
    repeated = (found.filter(venue=OuterRef("pk")).exclude(item_code="").order_by()
                .values("item_code").annotate(n=Count("pk")).order_by("-n").values("n")[:1])
    upheld = (SeriousCase.objects.filter(venue=OuterRef("pk"), status=CaseStatus.UPHELD)
              .order_by("-decided_at", "-pk").values("decided_at")[:1])
    missed = Case(When(selfcheck_due_on__gte=start, selfcheck_due_on__lt=today, then=Value(1)),
                  default=Value(0), output_field=IntegerField())
    counts = {
        IntegrityFactor.SELFCHECKS_LATE: _count(late_checks) + missed,
        IntegrityFactor.HAZARDS_LATE: _count(late_hazards),
        IntegrityFactor.MAJOR_HAZARDS: _count(found.filter(severity=Severity.MAJOR)),
        IntegrityFactor.REPEATED_ITEM: Coalesce(Subquery(repeated, output_field=IntegerField()), Value(0)),
        IntegrityFactor.REFUSALS: _count(Refusal.objects.filter(occurred_on__gte=start,
                                                                occurred_on__lte=today)),
    }
    return venues.annotate(**{ATTR + factor: count for factor, count in counts.items()},
                           upheld_at=Subquery(upheld))


def facts_of(venue):
    """{factor: count} of a venue annotated by ``with_integrity_facts``."""
    return {factor: getattr(venue, ATTR + factor) for factor in FACTORS}


def facts_for(venue, today=None):
    """{factor: count} of one venue, read now (for pages that explain the level)."""
    annotated = with_integrity_facts(Venue.objects.filter(pk=venue.pk), today).get()
    return facts_of(annotated)


def assess(facts, rules, upheld_case=None):
    """(level, reasons) for a venue's ``facts`` ({factor: count}) under ``rules`` (from
    ``active_rules``): the worst level any rule gives, with the reason of every rule that applies;
    D with the decision's date when ``upheld_case`` (a serious case upheld against the venue, or
    its decision's date or time) is given. Reasons are text in the site's language."""
    level, reasons = IntegrityLevel.A, []
    with translation.override(settings.LANGUAGE_CODE):
        if upheld_case is not None:
            decided = getattr(upheld_case, "decided_at", upheld_case)
            if isinstance(decided, datetime.datetime):
                decided = timezone.localtime(decided, local_zone()).date()
            level = IntegrityLevel.D
            reasons.append(_("%(level)s：a serious case was decided against the venue on %(date)s")
                           % {"level": IntegrityLevel.D.label,
                              "date": formats.date_format(decided, "Y-m-d") if decided else "—"})
        for rule in rules:
            if facts.get(rule.factor, 0) >= max(rule.threshold or 0, 1):
                reasons.append(f"{IntegrityLevel(rule.level).label}：{rule.reason}")
                if ORDER.index(rule.level) > ORDER.index(level):
                    level = IntegrityLevel(rule.level)
        return str(level), reasons or [_("No integrity rule applies.")]


def active_rules():
    return list(IntegrityRule.objects.filter(active=True).exclude(level=IntegrityLevel.A))


def refresh(venues, today=None):
    """Recompute the integrity level of ``venues`` (a queryset); venues not approved have none.
    Returns how many changed."""
    today = today or local_today()
    rules = active_rules()
    months = IntegritySettings.current().window_months
    changed = []
    for venue in with_integrity_facts(venues.order_by("pk"), today, months).iterator(chunk_size=1000):
        if venue.status == VenueStatus.APPROVED:
            level, reasons = assess(facts_of(venue), rules, venue.upheld_at)
        else:
            level, reasons = "", []
        if (level, reasons) != (venue.integrity_level, venue.integrity_reasons):
            venue.integrity_level, venue.integrity_reasons = level, reasons
            changed.append(venue)
    Venue.objects.bulk_update(changed, ["integrity_level", "integrity_reasons"], batch_size=1000)
    return len(changed)


def integrity_rank(prefix=""):
    """The integrity level as a number for ordering, higher for worse (D highest); 0 when none."""
    return Case(*[When(**{f"{prefix}integrity_level": level}, then=Value(rank))
                  for rank, level in enumerate(ORDER, start=1)],
                default=Value(0), output_field=IntegerField())


def level_explanations(settings_=None, kind_months=None):
    """[(level, label, what it means and changes)] for pages that explain the levels."""
    settings_ = settings_ or IntegritySettings.current()
    a_months, c_months, d_months = (settings_.a_interval_months, settings_.c_interval_months,
                                    settings_.d_interval_months)
    # No number for A: the venue's kind may ask for a longer interval and its risk level for a
    # shorter one; the page shows the venue's own interval beside each level.
    a_text = (_("No rule applies: the record is good. Self-checks are due least often (the town's "
                "interval for A, or the venue's kind's when longer; a high risk level can shorten it).")
              if a_months else _("No rule applies: the record is good. Self-checks are due as the venue's "
                                 "kind asks."))
    c_text = (_("A warning: self-checks are due every %(months)s months (or more often if the kind or the "
                "risk level asks), and patrols visit sooner.") % {"months": c_months}
              if c_months else _("A warning: patrols visit sooner."))
    d_text = (_("Seriously untrustworthy: self-checks are due every %(months)s months (or more often if the "
                "kind or the risk level asks), and patrols visit first.") % {"months": d_months}
              if d_months else _("Seriously untrustworthy: patrols visit first."))
    b_text = _("Basically trustworthy: self-checks are due as the venue's kind and risk level ask; patrols "
               "visit somewhat sooner than at A.")
    texts = {"A": a_text, "B": b_text, "C": c_text, "D": d_text}
    return [(level, label, texts[level]) for level, label in IntegrityLevel.choices]


# --- Late records, with the day each was (last) bad: issue 12 part B -------------------------
# The one reading of "a self-check done late" and "a hazard not fixed by its deadline", shared by
# the serious cases' repair (venues.workflows.cases.last_bad_event). Each returns a queryset over
# all venues (filter by ``venue`` as needed) with the alias ``bad_on``: the local day the record
# was last bad (promote it with ``.annotate(day=F("bad_on"))`` to read it).

def late_selfchecks():
    """Counted self-checks (submitted or accepted) submitted after their due date; ``bad_on`` is
    the local day of the submission."""
    return (SelfCheck.objects.filter(status__in=COUNTED)
            .alias(bad_on=TruncDate("submitted_at", tzinfo=local_zone()))
            .filter(bad_on__gt=F("due_on")))


def late_hazards(today=None):
    """Hazards whose deadline is before ``today`` and that were not fixed by it: reported fixed
    (``rectified_at``) — or closed, when never reported — after the deadline, or not yet (open
    again after a rejected fix counts as not yet). ``bad_on`` is the local day of the fix, or
    ``today`` while still not fixed."""
    from django.db.models import DateField

    today = today or local_today()
    fixed_on = TruncDate(Coalesce("rectified_at", "closed_at"), tzinfo=local_zone())
    return (Hazard.objects.filter(deadline__lt=today)
            .alias(fixed_on=fixed_on)
            .filter(not_fixed_q())
            .alias(bad_on=Case(When(status=HazardStatus.OPEN, then=Value(today, output_field=DateField())),
                               default=Coalesce(F("fixed_on"), Value(today, output_field=DateField())),
                               output_field=DateField())))
