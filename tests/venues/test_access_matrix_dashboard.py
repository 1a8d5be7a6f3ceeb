"""The access matrix of the dashboard (监管概览) and its drill-down lists: every URL, for anonymous
visitors, an owner, an editor and each staff role in and out of the area asked for, against an
outcome declared per URL pattern; then what each of them sees: village staff of 青杠村 never see
木根村's figures or rows, and 木根村's id in the address is not found for them.

The world: a restaurant in 青杠村's first grid, a shop in its second, a restaurant in 木根村 with
an open hazard; ``lead_catering`` leads catering for the whole town."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from home.roles import EDITORS
from tests.factories import UserFactory, make_member, make_venue
from tests.venues.test_access_matrix import our_patterns
from venues.figures import MONTH, Period
from venues.models import Area, Hazard, Office, VenueKind, VenueStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
STAFF = ("qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", "owner", "editor", *STAFF]


def back_office(**staff):
    """Anonymous visitors and owners are sent to Wagtail's sign-in; the rest as given."""
    return {"anonymous": LOGIN, "owner": LOGIN, **staff}


# Everyone with view_dashboard, over their own scope; editors have none.
EVERY_STAFF = back_office(editor=FORBIDDEN, **dict.fromkeys(STAFF, OK))
# The same page asked for 青杠村: not found for 木根村's staff, whose scope it is outside.
QINGGANG = back_office(editor=FORBIDDEN, **{**dict.fromkeys(STAFF, OK), "mg_staff": NOT_FOUND})

# pattern name → (method, expected outcome per role), asked for 青杠村 where an area is asked.
EXPECTED = {
    "venues_dashboard": ("get", QINGGANG),
    "venues_dashboard_list": ("get", QINGGANG),
    "venues_dashboard_liuqing": ("get", EVERY_STAFF),
}


def test_every_dashboard_pattern_has_a_declared_outcome():
    assert set(EXPECTED) <= our_patterns()
    assert {name for name in our_patterns() if name.startswith("venues_dashboard")} == set(EXPECTED)


@pytest.fixture
def people(tree):
    fresh = {key: Area.objects.get(pk=area.pk) for key, area in tree.items()}
    member = make_member
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": member(VILLAGE_STAFF, fresh["qinggang"]),
        "mg_staff": member(VILLAGE_STAFF, fresh["mugen"]),
        "qg_grid": member(GRID_WORKER, fresh["qinggang-1"]),
        "leader": member(LEADER, fresh["town"]),
        "town": member(TOWN_OFFICE, fresh["town"], office=Office.objects.get(is_town_office=True)),
        "lead_catering": member(LEAD_OFFICE, fresh["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


QG_RESTAURANT, QG_SHOP, MG_RESTAURANT = "青杠火锅店", "青杠副食店", "木根饭庄"


@pytest.fixture
def world(tree, people):
    areas = {key: Area.objects.get(pk=area.pk) for key, area in tree.items()}
    qg = make_venue(areas["qinggang-1"], "catering", status=VenueStatus.APPROVED, name=QG_RESTAURANT,
                    owner=people["owner"])
    shop = make_venue(areas["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name=QG_SHOP)
    mg = make_venue(areas["mugen-1"], "catering", status=VenueStatus.APPROVED, name=MG_RESTAURANT)
    hazard = Hazard.objects.create(venue=mg, source="patrol", severity="major", description="燃气管老化",
                                   deadline=timezone.localdate())
    return {"areas": areas, "qg": qg, "shop": shop, "mg": mg, "hazard": hazard,
            "period": Period.containing(MONTH, timezone.localdate())}


def url_for(name, world, area="qinggang"):
    area_id = world["areas"][area].pk
    if name == "venues_dashboard":
        return f"{reverse(name)}?area={area_id}"
    if name == "venues_dashboard_list":
        return f"{reverse(name)}?figure=registered&period={world['period'].value}&area={area_id}"
    return reverse(name, args=["known"])


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
    assert outcome(response) == expected[role], f"{role} {name}"
    if name != "venues_dashboard_liuqing":
        # The spreadsheet of the same page answers the same.
        exported = client.get(url_for(name, world) + "&format=xlsx")
        assert outcome(exported) == expected[role], f"{role} {name} xlsx"


# What each person sees --------------------------------------------------------------------------

SEES = {
    "qg_staff": {QG_RESTAURANT, QG_SHOP}, "qg_grid": {QG_RESTAURANT}, "mg_staff": {MG_RESTAURANT},
    "leader": {QG_RESTAURANT, QG_SHOP, MG_RESTAURANT}, "town": {QG_RESTAURANT, QG_SHOP, MG_RESTAURANT},
    "superuser": {QG_RESTAURANT, QG_SHOP, MG_RESTAURANT}, "lead_catering": {QG_RESTAURANT, MG_RESTAURANT},
}


def listed(client, params):
    response = client.get(reverse("venues_dashboard_list"), params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return int(soup.select_one("#list-count")["data-count"]), soup.get_text()


@pytest.mark.parametrize("role", STAFF)
def test_each_person_sees_the_figures_and_rows_of_their_scope_only(client, people, world, role):
    sign_in(client, people[role])
    period = world["period"].value
    count, text = listed(client, {"figure": "registered", "period": period})
    seen = {name for name in (QG_RESTAURANT, QG_SHOP, MG_RESTAURANT) if name in text}
    assert (count, seen) == (len(SEES[role]), SEES[role]), role
    # The dashboard's total is the same count, and names nothing outside the scope.
    response = client.get(reverse("venues_dashboard"), {"period": period})
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    total = soup.select_one("#by-group tr[data-group=total] a[data-figure=registered]")
    assert int(total.get_text()) == len(SEES[role]), role
    hazards, _text = listed(client, {"figure": "hazards_open", "period": period})
    assert hazards == (1 if MG_RESTAURANT in SEES[role] else 0), role


def test_village_staff_never_see_another_villages_figures(client, people, world):
    client.force_login(people["qg_staff"])
    period = world["period"].value
    mugen = world["areas"]["mugen"]
    for by in ("village", "grid", "kind"):
        html = client.get(reverse("venues_dashboard"), {"period": period, "by": by}).content.decode()
        assert "木根" not in html, by
        assert ("青杠村" in html) == (by != "kind"), by
    for params in ({"area": mugen.pk}, {"area": world["areas"]["mugen-1"].pk},
                   {"area": mugen.pk, "format": "xlsx"}):
        assert client.get(reverse("venues_dashboard"), params).status_code == 404, params
    for figure in ("registered", "hazards_open", "hazards_major_open"):
        for area in ("mugen", "mugen-1"):
            response = client.get(reverse("venues_dashboard_list"),
                                  {"figure": figure, "period": period, "area": world["areas"][area].pk})
            assert response.status_code == 404, (figure, area)
        response = client.get(reverse("venues_dashboard_list"),
                              {"figure": figure, "period": period, "area": mugen.pk, "format": "xlsx"})
        assert response.status_code == 404
    # The town above one's own village narrows nothing: still 青杠村's rows only.
    town = world["areas"]["town"].pk
    count, text = listed(client, {"figure": "registered", "period": period, "area": town})
    assert count == 2 and MG_RESTAURANT not in text
    # The 六清 lists: the village's own rows.
    response = client.get(reverse("venues_dashboard_liuqing", args=["known"]))
    assert QG_RESTAURANT in response.content.decode() and MG_RESTAURANT not in response.content.decode()


def test_a_lead_office_asks_only_for_the_kinds_it_leads(client, people, world):
    client.force_login(people["lead_catering"])
    period = world["period"].value
    shopping, catering = VenueKind.objects.get(slug="shopping"), VenueKind.objects.get(slug="catering")
    # Any main kind may be asked for: the scope limits the rows (no shopping venue here has
    # catering as a further kind, so none is listed).
    count, text = listed(client, {"figure": "registered", "period": period, "kind": shopping.pk})
    assert count == 0 and QG_SHOP not in text
    count, text = listed(client, {"figure": "registered", "period": period, "kind": catering.pk})
    assert count == 2 and QG_SHOP not in text
    html = client.get(reverse("venues_dashboard"), {"period": period, "by": "kind"}).content.decode()
    rows = BeautifulSoup(html, "html.parser").select("#by-group tr[data-group]")
    groups = [row["data-group"] for row in rows]
    assert groups == [catering.name, "total"]


@pytest.mark.parametrize("role", ["editor", *STAFF])
def test_the_menu_offers_the_dashboard_to_those_who_may_see_it(client, people, role):
    sign_in(client, people[role])
    menu = client.get("/admin/").content.decode()
    assert (reverse("venues_dashboard") in menu) == (role != "editor"), role
