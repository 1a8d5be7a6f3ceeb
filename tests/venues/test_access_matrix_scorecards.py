"""The access matrix of 考核激励: every scorecard and census-count URL, for anonymous visitors,
an owner, an editor and each staff role in and out of the village, against an outcome declared
per URL pattern; and that those refused change nothing.

The world: 青杠村 and 木根村 of 双河镇; a published month; ``qg_grid`` works in 青杠村's first
grid, ``lead_catering`` is a lead office leading catering, ``mg_staff`` works in 木根村. The
census-count edit page is 青杠村's."""

import datetime
import io

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from home.roles import EDITORS
from tests.factories import UserFactory, make_member
from tests.venues.test_access_matrix import our_patterns
from venues import figures, scorecards
from venues.models import Area, AuditEntry, Office, Scorecard, ScoreWeights, VillageCensus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
STAFF = ("qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", "owner", "editor", *STAFF]


def back_office(**staff):
    """Anonymous visitors and owners are sent to Wagtail's sign-in; the rest as given."""
    return {"anonymous": LOGIN, "owner": LOGIN, **staff}


# Those who hold view_scorecard: village staff, lead offices, leaders, the town office.
SCORECARD_READERS = back_office(editor=FORBIDDEN, qg_staff=OK, mg_staff=OK, qg_grid=FORBIDDEN, leader=OK,
                                town=OK, lead_catering=OK, superuser=OK)
TOWN_ONLY = back_office(editor=FORBIDDEN, qg_staff=FORBIDDEN, mg_staff=FORBIDDEN, qg_grid=FORBIDDEN,
                        leader=FORBIDDEN, town=OK, lead_catering=FORBIDDEN, superuser=OK)
CENSUS_READERS = back_office(editor=FORBIDDEN, qg_staff=OK, mg_staff=OK, qg_grid=FORBIDDEN, leader=FORBIDDEN,
                             town=OK, lead_catering=FORBIDDEN, superuser=OK)
# 青杠村's count: its staff and the town office; 木根村's staff do not learn it exists.
QG_CENSUS = back_office(editor=FORBIDDEN, qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=FORBIDDEN,
                        leader=FORBIDDEN, town=OK, lead_catering=FORBIDDEN, superuser=OK)

EXPECTED = {
    "venues_scorecard_month": SCORECARD_READERS,
    "venues_scorecard_flags": SCORECARD_READERS,
    "venues_scorecard_weights": TOWN_ONLY,
    "venues_census_counts": CENSUS_READERS,
    "venues_census_count_edit": QG_CENSUS,
}
NAMES = ("venues_scorecard_", "venues_census_count")


def test_every_scorecard_pattern_has_a_declared_outcome():
    assert {name for name in our_patterns() if name.startswith(NAMES)} == set(EXPECTED)


@pytest.fixture
def people(tree):
    fresh = {key: Area.objects.get(pk=area.pk) for key, area in tree.items()}
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": make_member(VILLAGE_STAFF, fresh["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, fresh["mugen"]),
        "qg_grid": make_member(GRID_WORKER, fresh["qinggang-1"]),
        "leader": make_member(LEADER, fresh["town"]),
        "town": make_member(TOWN_OFFICE, fresh["town"], office=Office.objects.get(is_town_office=True)),
        "lead_catering": make_member(LEAD_OFFICE, fresh["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def world(tree, people):
    month = figures.Period(figures.MONTH, datetime.date(2026, 9, 1))
    scorecards.freeze(month, today=datetime.date(2026, 10, 2))
    return {"qinggang": tree["qinggang"]}


def url_for(name, world):
    if name == "venues_census_count_edit":
        return reverse(name, kwargs={"area_id": world["qinggang"].pk})
    return reverse(name)


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


def state():
    return (ScoreWeights.current().as_dict(), list(VillageCensus.objects.values_list("area", "expected")),
            Scorecard.objects.count(), AuditEntry.objects.filter(action__startswith=("scoreweights")).count())


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    response = client.get(url_for(name, world))
    assert outcome(response) == EXPECTED[name][role], f"{role} GET {name}"


POSTS = {
    "venues_scorecard_weights": (TOWN_ONLY, dict.fromkeys(scorecards.MEASURES, 30)),
    "venues_census_count_edit": (QG_CENSUS, {"expected": 9, "counted_on": "2026-10-01", "note": ""}),
}


@pytest.mark.parametrize("name", sorted(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_those_refused_change_nothing(client, people, world, name, role):
    sign_in(client, people[role])
    expected, data = POSTS[name]
    before = state()
    response = client.post(url_for(name, world), data)
    if expected[role] == OK:
        assert response.status_code == 302 and state() != before, f"{role} POST {name}"
    else:
        assert outcome(response) == expected[role], f"{role} POST {name}"
        assert state() == before, f"{role} POST {name}"


@pytest.mark.parametrize("role", [VILLAGE_STAFF, TOWN_OFFICE, LEADER])
def test_staff_without_areas_read_no_scorecard(client, tree, world, role):
    """Holding view_scorecard but working nowhere yet: no card, on the page, in the export or
    behind a winner's name (an empty list of areas must not mean "everywhere")."""
    nowhere = make_member(role)
    assert Scorecard.objects.filter(area__isnull=False).exists()
    assert not scorecards.scorecards_for(nowhere).exists()
    assert scorecards.visible(nowhere, scorecards.compute(scorecards.current_month())) == []
    client.force_login(nowhere)
    html = client.get(reverse("venues_scorecard_month")).content.decode()
    assert "青杠村" not in html and "木根村" not in html
    book = load_workbook(io.BytesIO(client.get(reverse("venues_scorecard_month") + "?export=xlsx").content))
    assert [len(list(sheet.iter_rows())) for sheet in book] == [1]  # the header alone
