"""A venue's risk level (红/橙/黄/蓝) from the town office's rules (venues.models.RiskRule):
the highest level any active rule gives, with the reasons of every rule that applies, shown
to staff and to the owner. Blue when no rule applies. The one place for the rule; kept on
the venue (``risk_level``, ``risk_reasons``) by ``refresh``, which venues.schedule calls."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Hazard, HazardStatus, RiskFactor, RiskLevel, RiskRule, Severity, Venue, VenueStatus

ORDER = list(RiskLevel.values)  # lowest first


def with_risk_facts(venues, today):
    """``venues`` annotated with the counts the rules read, in one query."""
    open_q = Q(hazards__status=HazardStatus.OPEN)
    return venues.annotate(
        open_count=Count("hazards", filter=open_q | Q(hazards__status=HazardStatus.RECTIFIED), distinct=True),
        open_major=Count("hazards", filter=(open_q | Q(hazards__status=HazardStatus.RECTIFIED))
                         & Q(hazards__severity=Severity.MAJOR), distinct=True),
        overdue_count=Count("hazards", filter=Hazard.overdue_q(today, prefix="hazards__"), distinct=True),
        past_year=Count("hazards", distinct=True,
                        filter=Q(hazards__found_at__gte=timezone.now() - datetime.timedelta(days=365))),
    ).select_related("kind").prefetch_related("other_kinds")


def matches(rule, venue, kind_ids, today):
    """Whether ``venue`` (annotated by with_risk_facts) meets ``rule``."""
    at_least = rule.threshold or 0
    factor = rule.factor
    if factor == RiskFactor.KIND:
        return bool(kind_ids & rule.kind_ids)
    if factor == RiskFactor.FLOOR_AREA:
        return venue.floor_area is not None and venue.floor_area >= at_least
    if factor == RiskFactor.BEDS:
        return (venue.beds or 0) >= max(at_least, 1)
    if factor == RiskFactor.PEOPLE_SLEEP:
        return bool(venue.beds or venue.dorm_people)
    if factor == RiskFactor.GAS:
        return bool(venue.uses_gas)
    if factor == RiskFactor.SELFCHECK_OVERDUE:
        return venue.selfcheck_due_on is not None and venue.selfcheck_due_on < today
    counts = {RiskFactor.OPEN_HAZARDS: venue.open_count, RiskFactor.OPEN_MAJOR: venue.open_major,
              RiskFactor.OVERDUE_HAZARDS: venue.overdue_count, RiskFactor.HAZARDS_PAST_YEAR: venue.past_year}
    return counts[factor] >= max(at_least, 1)


def assess(venue, rules, today):
    """(level, reasons) for an annotated venue; ``rules`` from ``active_rules``. The reasons
    are stored as text in the site's language, whoever's request (or the daily job) made them."""
    kind_ids = {venue.kind_id, *(kind.pk for kind in venue.other_kinds.all())}
    level, reasons = RiskLevel.BLUE, []
    with translation.override(settings.LANGUAGE_CODE):
        for rule in rules:
            if matches(rule, venue, kind_ids, today):
                reasons.append(f"{rule.get_level_display()}：{rule.reason}")
                if ORDER.index(rule.level) > ORDER.index(level):
                    level = rule.level
        return level, reasons or [_("No risk rule applies.")]


def active_rules():
    rules = list(RiskRule.objects.filter(active=True).prefetch_related("kinds"))
    for rule in rules:
        rule.kind_ids = {kind.pk for kind in rule.kinds.all()}
    return rules


def refresh(venues, today=None):
    """Recompute the level of ``venues``; venues not approved have none."""
    today = today or timezone.localdate()
    rules = active_rules()
    changed = []
    for venue in with_risk_facts(venues.order_by("pk"), today).iterator(chunk_size=1000):
        level, reasons = assess(venue, rules, today) if venue.status == VenueStatus.APPROVED else ("", [])
        if (level, reasons) != (venue.risk_level, venue.risk_reasons):
            venue.risk_level, venue.risk_reasons = level, reasons
            changed.append(venue)
    Venue.objects.bulk_update(changed, ["risk_level", "risk_reasons"], batch_size=1000)
    return len(changed)
