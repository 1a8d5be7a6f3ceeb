"""The access matrix of public hazard reports (群众举报): every new back-office URL and every
route of the public report page, for anonymous visitors, the reported venue's holders, other
owners, an editor and each staff role in and out of the report's village, against an outcome
declared per URL; then who may act on a report, and that nobody but its handlers sees its
contact or photos.

The world: a 青杠村 shop held by ``owner`` (``operator`` named on it), reported by the public
with a contact and a photo; a 木根村 report naming only the village."""

import uuid

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

import pytest

from home.models import HazardReportPage
from home.roles import EDITORS
from tests.factories import UserFactory, add_page, approve, make_member, make_venue, photo_upload
from tests.venues.test_access_matrix import our_patterns
from venues import photos
from venues.models import Hazard, PublicReport, PublicReportStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import public_reports

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"

HOLDERS = ("owner", "operator")
OTHER_OWNERS = ("other_owner", "mg_owner")
OWNERS = (*HOLDERS, *OTHER_OWNERS)
BACK_OFFICE = ("editor", "qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", *OWNERS, *BACK_OFFICE]
REPORTER_NAME, REPORTER_PHONE = "热心群众李大姐", "13711112222"


def back_office(**staff):
    """Anonymous visitors and owners are sent to the sign-in; an editor is refused."""
    return {"anonymous": LOGIN, **dict.fromkeys(OWNERS, LOGIN), "editor": FORBIDDEN, **staff}


# handle_publicreport: 村（社区）工作人员 and 镇应急办, within their areas; grid workers, leaders and
# lead offices do not handle public reports.
HANDLERS = back_office(qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=FORBIDDEN, leader=FORBIDDEN, town=OK,
                       lead_catering=FORBIDDEN, superuser=OK)

# pattern name → (method, expected outcome per role)
EXPECTED = {
    # The list is open to every handler; 木根村's staff see it without 青杠村's report.
    "venues_public_report_index": ("get", {**HANDLERS, "mg_staff": OK}),
    "venues_public_report_detail": ("get", HANDLERS),
    "venues_public_report_photo": ("get", HANDLERS),
}
# The public page's routes: open to everyone (the done page sends those without a report of
# their own back to the form).
EVERYONE = dict.fromkeys(ROLES, OK)
PAGE_ROUTES = {"form": ("get", EVERYONE), "done": ("get", EVERYONE), "lookup": ("get", EVERYONE)}


def test_every_public_report_pattern_has_a_declared_outcome():
    ours = {name for name in our_patterns() if name.startswith("venues_public_report")}
    assert set(EXPECTED) == ours


def test_every_route_of_the_page_is_declared():
    # Wagtail's own index_route answers "" too; the page's "form" route takes it over.
    assert set(PAGE_ROUTES) == {route.name for route in HazardReportPage.get_subpage_urls()} - {"index_route"}


@pytest.fixture
def people(tree):
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "operator": UserFactory(username="shop-operator", mobile="13900000033"),
        "other_owner": UserFactory(username="other-owner", mobile="13900000022"),
        "mg_owner": UserFactory(username="mugen-owner", mobile="13900000044"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": make_member(GRID_WORKER, tree["qinggang-1"]),
        "leader": make_member(LEADER, tree["town"]),
        "town": make_member(TOWN_OFFICE, tree["town"]),
        "lead_catering": make_member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def world(tree, people, home):
    page = add_page(home, HazardReportPage(title="隐患举报", slug="report"))
    shop = approve(make_venue(tree["qinggang-1"], "shopping", name="青杠便民副食店", owner=people["owner"]))
    shop.operators.add(people["operator"])
    approve(make_venue(tree["mugen-1"], "shopping", name="木根杂货铺", owner=people["mg_owner"],
                       credit_code=""))
    report = public_reports.file(submission_id=uuid.uuid4(), description="后门被纸箱堵住", venue=shop,
                                 contact_name=REPORTER_NAME, contact_phone=REPORTER_PHONE,
                                 photos=[photos.reencode(photo_upload())])
    mg_report = public_reports.file(submission_id=uuid.uuid4(), description="木根村口有人私拉电线",
                                    village=tree["mugen"], address="木根村口")
    return {"page": page, "shop": shop, "report": report, "mg_report": mg_report}


def url_for(name, world):
    report = world["report"]
    kwargs = {
        "venues_public_report_detail": {"report_id": report.pk},
        "venues_public_report_photo": {"photo_id": report.photos.get().pk},
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
    assert outcome(response) == expected[role], f"{role} {name}"
    if outcome(response) == OK and name != "venues_public_report_photo":
        html = response.content.decode()
        assert (REPORTER_NAME in html) == (name == "venues_public_report_detail")


@pytest.mark.parametrize("route", sorted(PAGE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_the_public_page_is_open_to_everyone_and_shows_no_report(client, people, world, route, role):
    sign_in(client, people[role])
    page = world["page"]
    method, expected = PAGE_ROUTES[route]
    response = getattr(client, method)(page.url + page.reverse_subpage(route))
    assert outcome(response) == expected[role], f"{role} {route}"
    html = response.content.decode()
    for secret in (REPORTER_NAME, REPORTER_PHONE, world["report"].code, "后门被纸箱堵住"):
        assert secret not in html


# Who sees and handles each report ------------------------------------------------------------

SEES_QG = {"qg_staff", "town", "superuser"}
SEES_MG = {"mg_staff", "town", "superuser"}


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_details_show_only_the_reports_in_reach(client, people, world, role):
    sign_in(client, people[role])
    index = client.get(reverse("venues_public_report_index"))
    listed = {row.pk for row in index.context["rows"]} if outcome(index) == OK else set()
    assert (world["report"].pk in listed) == (role in SEES_QG)
    assert (world["mg_report"].pk in listed) == (role in SEES_MG)
    for report, sees in ((world["report"], SEES_QG), (world["mg_report"], SEES_MG)):
        response = client.get(reverse("venues_public_report_detail", args=[report.pk]))
        assert (outcome(response) == OK) == (role in sees), f"{role} {report.code}"


@pytest.mark.parametrize("step", ["hazard", "close", "reveal"])
@pytest.mark.parametrize("role", ROLES)
def test_only_handlers_in_scope_act_on_a_report(client, people, world, role, step):
    sign_in(client, people[role])
    report = world["report"]
    response = client.post(reverse("venues_public_report_detail", args=[report.pk]), {
        "step": step, "hazard-venue": world["shop"].pk, "hazard-severity": "general",
        "hazard-description": "后门通道堵塞", "close-reason": "已核实"})
    assert outcome(response) == HANDLERS[role], role
    report.refresh_from_db()
    if role in SEES_QG and step != "reveal":
        done = {"hazard": PublicReportStatus.HAZARD, "close": PublicReportStatus.CLOSED}
        assert report.status == done[step]
    else:
        assert report.status == PublicReportStatus.RECEIVED and not Hazard.objects.exists()
    assert (REPORTER_PHONE in response.content.decode()) == (role in SEES_QG and step == "reveal")


def test_the_photo_is_served_privately(client, people, world):
    client.force_login(people["qg_staff"])
    response = client.get(url_for("venues_public_report_photo", world))
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert PublicReport.objects.count() == 2
