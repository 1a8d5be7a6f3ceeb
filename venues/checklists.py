"""The checklist a venue answers: for each of its kinds the current version (a snapshot made
the first time the items are used after a change), merged so that an item common to several
kinds is asked once. The one place that decides what a self-check asks."""

from django.db import IntegrityError, transaction

from .models import ChecklistGroup, ChecklistItem, ChecklistVersion, VenueKind


def _items_now(kind):
    items = (ChecklistItem.objects.filter(kinds=kind, active=True).select_related("group")
             .order_by("group__sort_order", "sort_order", "pk"))
    return [item.snapshot() for item in items]


def current_version(kind, user=None):
    """The kind's checklist as it reads now, as a version that will never change."""
    items = _items_now(kind)
    latest = ChecklistVersion.objects.filter(kind=kind).order_by("-number").first()
    if latest is not None and latest.items == items:
        return latest
    try:
        with transaction.atomic():
            VenueKind.objects.select_for_update().filter(pk=kind.pk).first()  # one writer per kind
            latest = ChecklistVersion.objects.filter(kind=kind).order_by("-number").first()
            if latest is not None and latest.items == items:
                return latest
            return ChecklistVersion.objects.create(
                kind=kind, number=latest.number + 1 if latest else 1, items=items, created_by=user,
            )
    except IntegrityError:  # another request made the same version a moment ago
        return ChecklistVersion.objects.filter(kind=kind).order_by("-number").first()


def merge(versions):
    """The items of several versions, each code once, in the order of groups and items."""
    merged = {}
    for version in versions:
        for item in version.items:
            merged.setdefault(item["code"], item)
    return sorted(merged.values(), key=lambda i: (i["group_order"], i["group"], i["order"], i["code"]))


def checklist_for(venue, user=None):
    """(versions, items): what a self-check of ``venue`` records and asks."""
    versions = [current_version(kind, user) for kind in venue.all_kinds]
    return versions, merge(versions)


def load_seed(group_model=ChecklistGroup, item_model=ChecklistItem, kind_model=VenueKind):
    """Create the seed groups and items (venues.checklist_seed) that do not exist yet, by code:
    what the town has edited is kept. Models are passed in by the data migration."""
    from .checklist_seed import GROUPS, ITEMS

    groups = {}
    for order, (code, name) in enumerate(GROUPS, start=1):
        groups[code], _created = group_model.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order})
    kinds = {kind.slug: kind for kind in kind_model.objects.all()}
    for order, seed in enumerate(ITEMS, start=1):
        if item_model.objects.filter(code=seed["code"]).exists():
            continue
        item = item_model.objects.create(
            code=seed["code"], group=groups[seed["group"]], question=seed["question"],
            guidance=seed["guidance"], basis=seed["basis"],
            allow_not_applicable=seed["allow_not_applicable"],
            photo_required_on_fail=seed["photo_required_on_fail"], severity=seed["severity"],
            sort_order=order,
        )
        item.kinds.set([kinds[slug] for slug in seed["kinds"] if slug in kinds])
