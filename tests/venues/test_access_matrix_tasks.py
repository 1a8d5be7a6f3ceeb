"""The access matrix of 督办 (tasks): every task URL, for anonymous visitors, an owner, an editor
and each staff role in and out of the task's village, against an outcome declared per URL
pattern; and that those refused change nothing.

The world: a task given by the town office to 青杠村 with a list of two restaurants, one in
青杠村's first grid and one in 木根村; ``qg_grid`` works in that first grid, ``lead_catering`` is
a lead office leading catering (not an assignee), ``mg_staff`` works in 木根村."""

import uuid
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

import pytest

from home.roles import EDITORS
from tests.factories import UserFactory, make_member, make_venue
from tests.venues.test_access_matrix import our_patterns
from venues.models import Area, AuditEntry, Office, Task, TaskAssignment, TaskEvent, TaskProgress, VenueStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import tasks

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
STAFF = ("qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", "owner", "editor", *STAFF]


def back_office(**staff):
    """Anonymous visitors and owners are sent to Wagtail's sign-in; the rest as given."""
    return {"anonymous": LOGIN, "owner": LOGIN, **staff}


# The 青杠村 part's own steps: its assignees (the village's staff and its grid worker) act; for
# everyone else the part does not exist.
ASSIGNEES_ONLY = back_office(editor=NOT_FOUND, qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, leader=NOT_FOUND,
                             town=NOT_FOUND, lead_catering=NOT_FOUND, superuser=NOT_FOUND)
# The town office's steps (dispatch_task): refused to everyone else, even those who read the task.
TOWN_ONLY = back_office(editor=FORBIDDEN, qg_staff=FORBIDDEN, mg_staff=FORBIDDEN, qg_grid=FORBIDDEN,
                        leader=FORBIDDEN, town=OK, lead_catering=FORBIDDEN, superuser=OK)

# pattern name → (method, expected outcome per role)
EXPECTED = {
    # The list: every member of staff (their own parts; the town office and leaders all tasks);
    # an editor has no tasks.
    "venues_task_index": ("get", back_office(editor=FORBIDDEN, **dict.fromkeys(STAFF, OK))),
    "venues_task_new": ("get", TOWN_ONLY),
    # The task: those who follow tasks and its assignees; nobody else learns it exists.
    "venues_task_detail": ("get", back_office(editor=NOT_FOUND, qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK,
                                              leader=OK, town=OK, lead_catering=NOT_FOUND, superuser=OK)),
    "venues_task_close": ("post", TOWN_ONLY),
    "venues_task_acknowledge": ("post", ASSIGNEES_ONLY),
    "venues_task_progress": ("get", ASSIGNEES_ONLY),
    "venues_task_done": ("post", ASSIGNEES_ONLY),
    "venues_task_reopen": ("post", TOWN_ONLY),
    # The town office's changes to a task it follows: cancel, move the due date, add assignees,
    # withdraw a part (empty forms here: nothing changes).
    "venues_task_cancel": ("post", TOWN_ONLY),
    "venues_task_due": ("post", TOWN_ONLY),
    "venues_task_add": ("post", TOWN_ONLY),
    "venues_task_withdraw": ("post", TOWN_ONLY),
}


def test_every_task_pattern_has_a_declared_outcome():
    assert set(EXPECTED) <= our_patterns()
    assert {name for name in our_patterns() if name.startswith("venues_task_")} == set(EXPECTED)


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


QG_RESTAURANT, MG_RESTAURANT = "青杠火锅店", "木根饭庄"


@pytest.fixture
def world(tree, people):
    qg = make_venue(Area.objects.get(pk=tree["qinggang-1"].pk), "catering", status=VenueStatus.APPROVED,
                    name=QG_RESTAURANT, owner=people["owner"], uses_gas=True)
    mg = make_venue(Area.objects.get(pk=tree["mugen-1"].pk), "catering", status=VenueStatus.APPROVED,
                    name=MG_RESTAURANT, uses_gas=True)
    from venues.models import Venue

    task = tasks.dispatch(people["town"], title="检查燃气报警器", description="逐家检查",
                          due_on=timezone.localdate() + timedelta(days=7), submission_id=uuid.uuid4(),
                          areas=[Area.objects.get(pk=tree["qinggang"].pk)], venues=Venue.objects.all())
    return {"task": task, "part": task.assignments.get(), "qg": qg, "mg": mg}


def url_for(name, world):
    part, task = world["part"].pk, world["task"].pk
    kwargs = {
        "venues_task_detail": {"task_id": task}, "venues_task_close": {"task_id": task},
        "venues_task_cancel": {"task_id": task}, "venues_task_due": {"task_id": task},
        "venues_task_add": {"task_id": task}, "venues_task_withdraw": {"assignment_id": part},
        "venues_task_acknowledge": {"assignment_id": part}, "venues_task_done": {"assignment_id": part},
        "venues_task_reopen": {"assignment_id": part},
        "venues_task_progress": {"assignment_id": part, "venue_id": world["qg"].pk},
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


def state():
    return (list(Task.objects.values_list("pk", "closed_at", "cancelled_at", "due_on")),
            TaskEvent.objects.count(),
            list(TaskAssignment.objects.values_list("pk", "status", "summary")),
            list(TaskProgress.objects.values_list("pk", "status")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    method, expected = EXPECTED[name]
    before = state()
    audited = AuditEntry.objects.filter(action__startswith="task.").count()
    response = getattr(client, method)(url_for(name, world))
    assert outcome(response) == expected[role], f"{role} {method.upper()} {name}"
    changed = state() != before
    # Only an assignee's acknowledgement changes anything here (the other posts are empty forms,
    # and the task cannot be closed while a part is open).
    assert changed == (name == "venues_task_acknowledge" and expected[role] == OK), f"{role} {name}"
    if not changed:
        assert AuditEntry.objects.filter(action__startswith="task.").count() == audited


# What each person sees ----------------------------------------------------------------------------

SEES_QG = {"qg_staff", "qg_grid", "leader", "town", "superuser"}
SEES_MG = {"leader", "town", "superuser"}  # not 青杠村's assignees: 木根饭庄 is outside their part


@pytest.mark.parametrize("role", ROLES)
def test_the_task_page_shows_only_the_venues_in_reach(client, people, world, role):
    tasks.report(world["part"], people["qg_grid"], world["qg"], "problem", "报警器不响")
    sign_in(client, people[role])
    response = client.get(url_for("venues_task_detail", world))
    if outcome(response) != OK:
        return
    html = response.content.decode()
    assert (QG_RESTAURANT in html) == (role in SEES_QG), role
    assert (MG_RESTAURANT in html) == (role in SEES_MG), role
    assert "报警器不响" in html
    # Personal data never appears: the owner's mobile, the operator's mobile.
    assert "13900000011" not in html and "13800000000" not in html


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_the_task_to_those_who_read_it(client, people, world, role):
    sign_in(client, people[role])
    response = client.get(reverse("venues_task_index"))
    if outcome(response) != OK:
        return
    link = reverse("venues_task_detail", args=[world["task"].pk])
    assert (link in response.content.decode()) == (role in SEES_QG), role


@pytest.mark.parametrize("role", ROLES)
def test_only_the_parts_assignees_report_on_a_venue(client, people, world, role):
    sign_in(client, people[role])
    part = world["part"]
    for venue, allowed in ((world["qg"], {"qg_staff", "qg_grid"}), (world["mg"], set())):
        response = client.post(reverse("venues_task_progress", args=[part.pk, venue.pk]),
                               {"status": "done", "note": ""})
        reported = TaskProgress.objects.filter(assignment=part, venue=venue).exists()
        assert reported == (role in allowed), f"{role} {venue.name}"
        if role not in allowed:
            assert outcome(response) in (LOGIN, NOT_FOUND), f"{role} {venue.name}"
        TaskProgress.objects.all().delete()
