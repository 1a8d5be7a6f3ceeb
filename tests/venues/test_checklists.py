"""Self-check checklists: seeded for every kind, edited by the town office in the admin,
versioned so that edits never change what a past self-check answered, merged for a venue of
several kinds."""

from django.urls import reverse

import pytest

from tests.factories import make_member, make_venue
from venues.checklists import checklist_for, current_version
from venues.models import ChecklistItem, ChecklistVersion, Severity, VenueKind
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db


def codes(items):
    return [item["code"] for item in items]


def test_every_kind_has_a_real_checklist_seeded():
    for kind in VenueKind.objects.all():
        items = current_version(kind).items
        assert len(items) >= 12, kind.slug
        assert all(item["question"] and item["basis"] for item in items), kind.slug
        assert kind.selfcheck_interval_months == 1
    catering = current_version(VenueKind.objects.get(slug="catering")).items
    gas_alarms = [i for i in catering if "报警" in i["question"] and i["severity"] == Severity.MAJOR]
    assert gas_alarms, "a gas alarm is a legal duty for restaurants"
    everywhere = set.intersection(*(set(codes(current_version(k).items)) for k in VenueKind.objects.all()))
    assert len(everywhere) >= 8  # extinguishers, exits, lighting, nobody sleeping, e-bikes, wiring…


def test_a_version_is_made_once_and_an_edit_makes_the_next_without_changing_the_last():
    kind = VenueKind.objects.get(slug="shopping")
    first = current_version(kind)
    assert current_version(kind).pk == first.pk and first.number == 1
    item = ChecklistItem.objects.filter(kinds=kind).first()
    old_question = item.question
    item.question = "灭火器是否放在显眼、好拿的位置？"
    item.save()
    second = current_version(kind)
    assert second.number == 2
    assert item.question in [i["question"] for i in second.items]
    first.refresh_from_db()
    assert old_question in [i["question"] for i in first.items]
    assert item.question not in [i["question"] for i in first.items]
    with pytest.raises(ValueError):
        first.save()


def test_an_item_taken_out_of_use_leaves_future_checklists_only():
    kind = VenueKind.objects.get(slug="lodging")
    first = current_version(kind)
    item = ChecklistItem.objects.filter(kinds=kind).first()
    item.active = False
    item.save()
    assert item.code not in codes(current_version(kind).items)
    assert item.code in codes(ChecklistVersion.objects.get(pk=first.pk).items)


def test_a_venue_of_several_kinds_answers_each_item_once(tree):
    venue = make_venue(tree["qinggang-1"], "shopping")
    venue.other_kinds.set(VenueKind.objects.filter(slug="catering"))
    versions, items = checklist_for(venue)
    assert {v.kind.slug for v in versions} == {"shopping", "catering"}
    assert len(codes(items)) == len(set(codes(items)))
    shopping = set(codes(current_version(VenueKind.objects.get(slug="shopping")).items))
    catering = set(codes(current_version(VenueKind.objects.get(slug="catering")).items))
    assert set(codes(items)) == shopping | catering
    # In the order of the groups, then of the items.
    groups = [item["group_order"] for item in items]
    assert groups == sorted(groups)


def test_the_town_office_edits_items_in_the_admin_and_village_staff_cannot(client, tree):
    item = ChecklistItem.objects.first()
    url = reverse("wagtailsnippets_venues_checklistitem:edit", args=[item.pk])
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    assert client.get(url).status_code in (302, 403)
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    page = client.get(url)
    assert page.status_code == 200 and item.question in page.content.decode()
    listing = client.get(reverse("wagtailsnippets_venues_checklistitem:list"))
    assert listing.status_code == 200
