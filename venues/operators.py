"""Operators carry the record of the venues they run: for a venue, the other venues of the whole
register (any status) run by the same person — the same operator ID number (by its keyed hash),
the same operator mobile, or the same owner or operator account — with their kind, village,
status, integrity level and serious cases (also cases whose operator, as copied at the proposal,
matches by ID hash or mobile). Shown only to staff who read serious cases, on the staff venue
page; never on public or owner pages. Mobiles are masked; links only to venues in the viewer's
scope. A constant number of queries."""

from types import SimpleNamespace

from django.db.models import Q

from .access import venues_for
from .masking import mask_mobile
from .models import Area, SeriousCase, Venue


def may_see(user):
    return user.is_authenticated and user.has_perm("venues.view_seriouscase")


def _match_q(venue, prefix=""):
    """Venues (or cases, with their own operator fields) run by the same person as ``venue``."""
    match = Q()
    if venue.operator_id_hash:
        match |= Q(**{f"{prefix}operator_id_hash": venue.operator_id_hash})
    if venue.operator_mobile:
        match |= Q(**{f"{prefix}operator_mobile": venue.operator_mobile})
    return match


def history(user, venue):
    """The other venues run by ``venue``'s operator, for ``user`` (None when they may not see it):
    a list of rows (venue, kind, village, status, level, why matched, cases, url or None, masked
    mobile), and ``cases``: serious cases elsewhere whose operator snapshot matches."""
    if not may_see(user):
        return None
    match = _match_q(venue)
    account_ids = [pk for pk in [venue.owner_id, *venue.operators.values_list("pk", flat=True)] if pk]
    if account_ids:
        match |= Q(owner__in=account_ids) | Q(operators__in=account_ids)
    if not match:
        return SimpleNamespace(rows=[], cases=[])
    others = list(Venue.objects.filter(match).exclude(pk=venue.pk).distinct()
                  .select_related("kind", "area").order_by("-created_at", "-pk")[:50])
    in_scope = set(venues_for(user).filter(pk__in=[v.pk for v in others]).values_list("pk", flat=True))
    case_match = _match_q(venue)
    cases_q = Q(venue__in=[v.pk for v in others])
    if case_match:
        cases_q |= case_match
    cases = list(SeriousCase.objects.filter(cases_q).exclude(venue=venue)
                 .select_related("venue").order_by("-proposed_at", "-pk")[:100])
    by_venue = {}
    for case in cases:
        by_venue.setdefault(case.venue_id, []).append(case)
    villages = Area.village_names([v.area for v in others]) if others else {}
    accounts = set(account_ids)
    rows = []
    for other in others:
        why = []
        if venue.operator_id_hash and other.operator_id_hash == venue.operator_id_hash:
            why.append("id")
        if venue.operator_mobile and other.operator_mobile == venue.operator_mobile:
            why.append("mobile")
        if not why or (accounts and other.owner_id in accounts):
            why.append("account")
        rows.append(SimpleNamespace(
            venue=other, village=villages.get(other.area_id, ""), why=why,
            cases=by_venue.get(other.pk, []), linked=other.pk in in_scope,
            mobile=mask_mobile(other.operator_mobile),
        ))
    listed = {v.pk for v in others}
    # Cases whose operator matches though the venue no longer does (its operator changed since).
    loose = [case for case in cases if case.venue_id not in listed]
    loose_scope = set(venues_for(user).filter(pk__in=[c.venue_id for c in loose])
                      .values_list("pk", flat=True))
    for case in loose:
        case.linked = case.venue_id in loose_scope
    return SimpleNamespace(rows=rows, cases=loose)
