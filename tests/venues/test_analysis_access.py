"""The access matrix of the safety analysis reports (venues.analysis_views): every URL, for
anonymous visitors, an owner, the venue's owner, an editor and each staff role, in and out of
the venue's area. The world: 青杠副食店 (a shop in 青杠村's first grid, held by ``holder``) and
木根饭店 (a restaurant in 木根村)."""

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import pytest

from home.roles import EDITORS
from tests.factories import UserFactory, make_area_tree, make_member, make_venue
from venues.models import Area, Office, VenueStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
STAFF = ("qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", "owner", "holder", "editor", *STAFF]

# The staff pages of the shop: staff whose scope holds it; 木根村's staff and the catering
# office do not see it (not found); owners and anonymous visitors are sent to sign in.
STAFF_SHOP = {"anonymous": LOGIN, "owner": LOGIN, "holder": LOGIN, "editor": FORBIDDEN,
              **dict.fromkeys(STAFF, OK), "mg_staff": NOT_FOUND, "lead_catering": NOT_FOUND}
# The town report: everyone with view_dashboard, over their own scope.
TOWN = {"anonymous": LOGIN, "owner": LOGIN, "holder": LOGIN, "editor": FORBIDDEN, **dict.fromkeys(STAFF, OK)}
# The owner's pages: the venue's holder only; another owner: not found; staff and editors are
# shown the page that sends them to the back office (no report).
OWNER_SHOP = {"anonymous": LOGIN, "owner": NOT_FOUND, "holder": OK, "editor": "staff here",
              **dict.fromkeys(STAFF, "staff here")}

EXPECTED = {
    "venues_venue_report": STAFF_SHOP,
    "venues_venue_report_pdf": STAFF_SHOP,
    "venues_town_report": TOWN,
    "venues_town_report_pdf": TOWN,
    "owner:venue_report": OWNER_SHOP,
    "owner:venue_report_pdf": OWNER_SHOP,
}


@pytest.fixture
def people(db):
    tree = {key: Area.objects.get(pk=area.pk) for key, area in make_area_tree().items()}
    return tree, {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(mobile="13900000031"),
        "holder": UserFactory(mobile="13900000032"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": make_member(GRID_WORKER, tree["qinggang-1"]),
        "leader": make_member(LEADER, tree["town"]),
        "town": make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True)),
        "lead_catering": make_member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def shop(people):
    tree, users = people
    make_venue(tree["mugen-1"], "catering", status=VenueStatus.APPROVED, name="木根饭店")
    return make_venue(tree["qinggang-1"], "shopping", status=VenueStatus.APPROVED, name="青杠副食店",
                      owner=users["holder"])


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        return FORBIDDEN if location.rstrip("/").endswith("/admin") else OK
    html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
    owner_site = response.request["PATH_INFO"].startswith("/owner/")
    if html and owner_site and "青杠副食店" not in response.content.decode():
        return "staff here"
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, response.status_code)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, monkeypatch, people, shop, name, role):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)
    _tree, users = people
    if users[role].is_authenticated:
        client.force_login(users[role])
    url = reverse(name) if "town" in name else reverse(name, kwargs={"venue_id": shop.pk})
    response = client.get(url, {"period": "2026-10"})
    assert outcome(response) == EXPECTED[name][role], f"{role} {name}"
