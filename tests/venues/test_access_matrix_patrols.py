"""The access matrix of 巡查: every patrol URL, for anonymous visitors, the venue's owner,
another owner, an editor and each staff role in and out of the venue's area (a grid worker of
the next grid too), against an outcome declared per URL pattern; then who may record a patrol
by posting the form, and where the door card's QR code leads each of them.

The world: an approved 青杠村 first-grid shop held by ``owner``, patrolled once by ``qg_grid``."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import pytest

from home.roles import EDITORS
from tests.factories import UserFactory, approve, make_member, make_venue
from tests.venues.test_access_matrix import our_patterns
from tests.venues.test_patrols import answers_for, post_data
from venues.models import Patrol
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import patrols

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"

OWNERS = ("owner", "other_owner")
BACK_OFFICE = ("editor", "qg_staff", "mg_staff", "qg_grid", "qg_grid_2", "leader", "town", "lead_catering",
               "superuser")
ROLES = ["anonymous", *OWNERS, *BACK_OFFICE]
# Those who may patrol the shop: the right to patrol, and the shop in their scope.
PATROLLERS = {"qg_staff", "qg_grid", "town", "superuser"}


def back_office(**staff):
    """Anonymous visitors and owners are sent to Wagtail's sign-in; an editor (no staff
    profile, no patrol rights) is refused; staff as given."""
    return {"anonymous": LOGIN, **dict.fromkeys(OWNERS, LOGIN), "editor": FORBIDDEN, **staff}


# pattern name → (method, expected outcome per role)
EXPECTED = {
    # Patrolling needs add_patrol (grid workers, village staff, the town office); each sees
    # their own scope's venues (木根村's staff their own list, without the shop).
    "venues_patrol_worklist": ("get", back_office(
        qg_staff=OK, mg_staff=OK, qg_grid=OK, qg_grid_2=OK, leader=FORBIDDEN, town=OK,
        lead_catering=FORBIDDEN, superuser=OK)),
    "venues_patrol_form": ("get", back_office(
        qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, qg_grid_2=NOT_FOUND, leader=FORBIDDEN, town=OK,
        lead_catering=FORBIDDEN, superuser=OK)),
    # Reading patrols needs view_patrol (lead offices and leaders too), within scope.
    "venues_patrol_index": ("get", back_office(**dict.fromkeys(BACK_OFFICE[1:], OK))),
    "venues_patrol_detail": ("get", back_office(
        editor=NOT_FOUND, qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, qg_grid_2=NOT_FOUND, leader=OK,
        town=OK, lead_catering=NOT_FOUND, superuser=OK)),
}


def test_every_patrol_pattern_has_a_declared_outcome():
    assert set(EXPECTED) <= our_patterns()
    assert set(EXPECTED) == {name for name in our_patterns() if name.startswith("venues_patrol_")}


@pytest.fixture
def people(tree):
    member = make_member
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "other_owner": UserFactory(username="other-owner", mobile="13900000022"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": member(GRID_WORKER, tree["qinggang-1"]),
        "qg_grid_2": member(GRID_WORKER, tree["qinggang-2"]),
        "leader": member(LEADER, tree["town"]),
        "town": member(TOWN_OFFICE, tree["town"]),
        "lead_catering": member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def world(tree, people):
    shop = approve(make_venue(tree["qinggang-1"], "shopping", name="青杠便民副食店", owner=people["owner"]))
    patrol = patrols.record(shop, people["qg_grid"], uuid.uuid4(), answers_for(shop))
    return {"shop": shop, "patrol": patrol}


def url_for(name, world):
    kwargs = {
        "venues_patrol_form": {"venue_id": world["shop"].pk},
        "venues_patrol_detail": {"patrol_id": world["patrol"].pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        return FORBIDDEN if location.rstrip("/").endswith("/admin") else OK
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, response.status_code)


def sign_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    method, expected = EXPECTED[name]
    response = getattr(client, method)(url_for(name, world))
    assert outcome(response) == expected[role], f"{role} {method.upper()} {name}"
    assert Patrol.objects.count() == 1  # looking records nothing


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_may_patrol_the_shop_record_a_patrol(client, people, world, role):
    sign_in(client, people[role])
    shop = world["shop"]
    response = client.post(reverse("venues_patrol_form", args=[shop.pk]), post_data(shop, uuid.uuid4()))
    assert outcome(response) == EXPECTED["venues_patrol_form"][1][role], role
    recorded = Patrol.objects.exclude(pk=world["patrol"].pk)
    if role in PATROLLERS:
        patrol = recorded.get()
        assert (patrol.venue, patrol.inspector) == (shop, people[role])
        assert response["Location"] == reverse("venues_patrol_detail", args=[patrol.pk])
    else:
        assert not recorded.exists(), role


@pytest.mark.parametrize("role", ROLES)
def test_the_door_card_leads_those_who_may_patrol_to_the_form(client, people, world, role):
    sign_in(client, people[role])
    shop = world["shop"]
    response = client.get(reverse("venue_card", args=[shop.public_code]))
    if role in PATROLLERS:
        assert response.status_code == 302
        assert response["Location"] == reverse("venues_patrol_form", args=[shop.pk])
    else:
        assert response.status_code == 200, role
        assert shop.name in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_worklist_shows_the_shop_only_to_those_who_may_patrol_it(client, people, world, role):
    sign_in(client, people[role])
    response = client.get(reverse("venues_patrol_worklist"))
    if outcome(response) != OK:
        assert role not in PATROLLERS
        return
    if response.context["villages"] is not None:  # a town-wide scope chooses a village first
        assert "青杠便民副食店" not in response.content.decode()
        village = world["shop"].area.get_parent()
        response = client.get(reverse("venues_patrol_worklist"), {"village": village.pk})
    assert ("青杠便民副食店" in response.content.decode()) == (role in PATROLLERS), role


@pytest.mark.parametrize("role", ROLES)
def test_the_patrol_records_show_the_shop_only_to_those_who_see_it(client, people, world, role):
    sign_in(client, people[role])
    response = client.get(reverse("venues_patrol_index"))
    if outcome(response) != OK:
        return
    sees = role in PATROLLERS | {"leader"}
    assert ("青杠便民副食店" in response.content.decode()) == sees, role
