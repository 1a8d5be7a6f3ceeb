"""督办 (venues.workflows.tasks, venues.task_views): giving a task with its checks and a double
submit; who is an assignee; acknowledging, reporting per venue, closing a part, reopening and
closing the task; overdue tasks for the town office and leaders; what village staff never see;
the list's query count as tasks grow."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest

from tests.factories import make_member, make_venue
from venues.models import (
    Area,
    AssignmentStatus,
    AuditEntry,
    Office,
    Task,
    TaskAssignment,
    TaskProgress,
    VenueStatus,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import tasks

pytestmark = pytest.mark.django_db

A = AssignmentStatus
DAY = datetime.timedelta(days=1)


@pytest.fixture
def tree(tree):
    """The areas as stored: adding 木根村 after 青杠村 moved 青杠村's path (ordered by name)."""
    return {key: Area.objects.get(pk=area.pk) for key, area in tree.items()}


def refused(response):
    """Wagtail answers a refusal with 403, or by sending the person back to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


@pytest.fixture
def people(tree):
    town_office = Office.objects.get(is_town_office=True)
    return {
        "town": make_member(TOWN_OFFICE, tree["town"], office=town_office),
        "leader": make_member(LEADER, tree["town"]),
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "qg_grid": make_member(GRID_WORKER, tree["qinggang-1"]),
        "qg_grid2": make_member(GRID_WORKER, tree["qinggang-2"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "food": make_member(LEAD_OFFICE, tree["town"], office=Office.objects.get(name="食药监办")),
    }


@pytest.fixture
def venues(tree):
    def restaurant(area, name, gas=True):
        return make_venue(tree[area], "catering", status=VenueStatus.APPROVED, name=name, uses_gas=gas)
    return {
        "qg1": restaurant("qinggang-1", "青杠火锅店"),
        "qg2": restaurant("qinggang-2", "青杠面馆"),
        "qg_nogas": restaurant("qinggang-1", "青杠凉菜店", gas=False),
        "mg1": restaurant("mugen-1", "木根饭庄"),
        "shop": make_venue(tree["qinggang-1"], "shopping", status=VenueStatus.APPROVED, name="青杠副食店"),
    }


def give(staff, tree, venues=None, due_in=7, **assignees):
    assignees = assignees or {"areas": [tree["qinggang"]]}
    return tasks.dispatch(staff["town"], title="检查燃气报警器", description="逐家检查报警器", venues=venues,
                          due_on=timezone.localdate() + due_in * DAY, submission_id=uuid.uuid4(), **assignees)


def gas_venues():
    from venues.models import Venue

    return Venue.objects.filter(kind__slug="catering", uses_gas=True)


def overdue(task, days=2):
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - days * DAY)


def part(task, **assignee):
    return TaskAssignment.objects.get(task=task, **assignee)


# Giving a task ---------------------------------------------------------------------------------

def form_data(tree, **changes):
    data = {"title": "检查燃气报警器", "description": "逐家检查报警器是否正常",
            "due_on": f"{timezone.localdate() + 7 * DAY}", "areas": [tree["qinggang"].pk],
            "with_venues": "on", "kind": "", "village": "", "uses_gas": "yes", "risk_level": "",
            "submission_id": str(uuid.uuid4()), "action": "save"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_dispatch_keeps_everything_on_an_error(client, people, tree, venues):
    client.force_login(people["town"])
    url = reverse("venues_task_new")
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(tree, areas=None, due_on=f"{timezone.localdate() - DAY}",
                                          with_venues=None))
    assert response.status_code == 200
    form = response.context["form"]
    with translation.override("zh-hans"):
        assert form.errors["areas"] == [gettext("Please choose at least one village, office or person.")]
        assert form.errors["due_on"] == [gettext("The due date cannot be in the past.")]
    html = response.content.decode()
    assert "逐家检查报警器是否正常" in html and "检查燃气报警器" in html
    assert not Task.objects.exists()


def test_dispatch_previews_the_venues_then_a_double_submit_gives_one_task(client, people, tree, venues):
    client.force_login(people["town"])
    url = reverse("venues_task_new")
    data = form_data(tree, kind=str(venues["qg1"].kind_id), action="preview")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["preview"]["count"] == 3  # the restaurants using gas, in both villages
    previewed = response.context["form"]["previewed"].value()
    assert previewed
    assert not Task.objects.exists()

    # Saved without the preview of these filters: shown again, nothing given.
    response = client.post(url, {**data, "action": "save", "village": str(tree["qinggang"].pk),
                                 "previewed": previewed})
    assert response.status_code == 200
    assert response.context["preview"]["count"] == 2
    assert "with_venues" in response.context["form"].errors
    assert not Task.objects.exists()

    final = {**data, "action": "save", "village": str(tree["qinggang"].pk),
             "previewed": response.context["form"]["previewed"].value()}
    first = client.post(url, final)
    second = client.post(url, final)
    task = Task.objects.get()
    assert first["Location"] == second["Location"] == reverse("venues_task_detail", args=[task.pk])
    assert set(task.venues.all()) == {venues["qg1"], venues["qg2"]}
    assert [a.area for a in task.assignments.all()] == [tree["qinggang"]]
    assert task.created_by == people["town"]
    assert AuditEntry.objects.filter(action="task.dispatch", object_id=str(task.pk)).count() == 1


def test_a_task_without_venues_needs_no_preview(client, people, tree, venues):
    client.force_login(people["town"])
    food = Office.objects.get(name="食药监办")
    response = client.post(reverse("venues_task_new"), form_data(
        tree, areas=None, with_venues=None, offices=[food.pk], people=[people["qg_grid"].pk]))
    task = Task.objects.get()
    assert response["Location"] == reverse("venues_task_detail", args=[task.pk])
    assert not task.venues.exists()
    assert {(a.office, a.person) for a in task.assignments.all()} == {(food, None), (None, people["qg_grid"])}


def test_only_the_town_office_gives_tasks_and_only_within_its_scope(client, people, tree, venues):
    for role in ("leader", "qg_staff", "qg_grid", "food"):
        client.force_login(people[role])
        assert refused(client.get(reverse("venues_task_new"))), role
        client.post(reverse("venues_task_new"), form_data(tree))
    assert not Task.objects.exists()
    # 木根村's staff member as the town office of 木根村 alone cannot choose 青杠村.
    mg_office = make_member(TOWN_OFFICE, tree["mugen"])
    client.force_login(mg_office)
    response = client.post(reverse("venues_task_new"), form_data(tree, with_venues=None))
    assert "areas" in response.context["form"].errors
    assert not Task.objects.exists()


# Who is an assignee ------------------------------------------------------------------------------

def test_who_is_an_assignee(people, tree, venues):
    food = Office.objects.get(name="食药监办")
    task = give(people, tree, areas=[tree["qinggang"]], offices=[food], people=[people["mg_staff"]])
    qg, office = part(task, area=tree["qinggang"]), part(task, office=food)
    person = part(task, person=people["mg_staff"])
    expected = {
        "qg_staff": {qg}, "qg_grid": {qg}, "qg_grid2": {qg}, "mg_staff": {person}, "food": {office},
        "town": set(), "leader": set(),
    }
    for role, parts in expected.items():
        assert set(tasks.assignments_for(people[role])) == parts, role


def test_the_venues_of_a_part(people, tree, venues):
    food = Office.objects.get(name="食药监办")
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]], offices=[food])
    qg = part(task, area=tree["qinggang"])
    assert set(tasks.part_venues(qg)) == {venues["qg1"], venues["qg2"]}
    assert set(tasks.venues_to_report(qg, people["qg_grid"])) == {venues["qg1"]}
    assert set(tasks.venues_to_report(qg, people["qg_staff"])) == {venues["qg1"], venues["qg2"]}
    assert set(tasks.part_venues(part(task, office=food))) == {venues["qg1"], venues["qg2"], venues["mg1"]}


# The steps ---------------------------------------------------------------------------------------

def test_acknowledge_report_finish_and_close(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues().filter(area__path__startswith=tree["qinggang"].path))
    qg = part(task, area=tree["qinggang"])
    detail = reverse("venues_task_detail", args=[task.pk])

    client.force_login(people["qg_staff"])
    response = client.post(reverse("venues_task_acknowledge", args=[qg.pk]))
    assert response["Location"] == detail
    client.post(reverse("venues_task_acknowledge", args=[qg.pk]))
    qg.refresh_from_db()
    assert (qg.status, qg.acknowledged_by) == (A.ACKNOWLEDGED, people["qg_staff"])
    assert AuditEntry.objects.filter(action="task.acknowledge").count() == 1

    # The grid worker reports on their grid's restaurant: a problem needs a note.
    client.force_login(people["qg_grid"])
    url = reverse("venues_task_progress", args=[qg.pk, venues["qg1"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "problem", "note": ""})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = client.post(url, {"status": "problem", "note": "报警器不响"})
    assert response["Location"] == f"{detail}#venue-{venues['qg1'].pk}"
    client.post(url, {"status": "done", "note": "已更换，正常"})
    progress = TaskProgress.objects.get()
    assert (progress.venue, progress.status, progress.note, progress.by) == (
        venues["qg1"], "done", "已更换，正常", people["qg_grid"])
    assert AuditEntry.objects.filter(action="task.progress").count() == 2

    # Closing the part waits for the other grid's restaurant.
    client.force_login(people["qg_staff"])
    done_url = reverse("venues_task_done", args=[qg.pk])
    response = client.post(done_url, {f"done-{qg.pk}-summary": "已全部检查"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = gettext("%(count)s venues of your part have no report yet. Please report on each "
                           "of them first.") % {"count": 1}
        assert expected in response.content.decode()
    qg.refresh_from_db()
    assert qg.status == A.ACKNOWLEDGED
    client.post(reverse("venues_task_progress", args=[qg.pk, venues["qg2"].pk]), {"status": "done"})
    response = client.post(done_url, {f"done-{qg.pk}-summary": ""})
    assert response.status_code == 200 and f"done-{qg.pk}-summary" in response.content.decode()
    assert client.post(done_url, {f"done-{qg.pk}-summary": "已全部检查"})["Location"] == detail
    assert client.post(done_url, {f"done-{qg.pk}-summary": "已全部检查"})["Location"] == detail
    qg.refresh_from_db()
    assert (qg.status, qg.summary, qg.done_by) == (A.DONE, "已全部检查", people["qg_staff"])
    # Nothing more is reported on a part that is done.
    client.post(reverse("venues_task_progress", args=[qg.pk, venues["qg2"].pk]), {"status": "problem",
                                                                                  "note": "再看看"})
    assert TaskProgress.objects.get(venue=venues["qg2"]).status == "done"

    # The town office reopens it with a reason, then closes the task once it is done again.
    client.force_login(people["town"])
    reopen = reverse("venues_task_reopen", args=[qg.pk])
    assert client.post(reopen, {f"reopen-{qg.pk}-reason": ""}).status_code == 200
    assert client.post(reopen, {f"reopen-{qg.pk}-reason": "面馆的照片看不清"})["Location"] == detail
    qg.refresh_from_db()
    assert qg.status == A.ACKNOWLEDGED
    assert "面馆的照片看不清" in client.get(detail).content.decode()
    client.post(reverse("venues_task_close", args=[task.pk]))
    task.refresh_from_db()
    assert task.closed_at is None  # a part is not done
    client.force_login(people["qg_staff"])
    client.post(done_url, {f"done-{qg.pk}-summary": "补充了照片"})
    client.force_login(people["town"])
    assert client.post(reverse("venues_task_close", args=[task.pk]))["Location"] == detail
    client.post(reverse("venues_task_close", args=[task.pk]))
    task.refresh_from_db()
    assert task.closed_at is not None
    assert AuditEntry.objects.filter(action="task.close").count() == 1


def test_an_assignee_cannot_report_outside_their_part(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
    qg, mg = part(task, area=tree["qinggang"]), part(task, area=tree["mugen"])
    client.force_login(people["qg_grid"])
    cases = [
        (qg, venues["qg2"]),  # another grid of the same village
        (qg, venues["mg1"]),  # another village's venue through one's own part
        (mg, venues["mg1"]),  # another village's part
        (qg, venues["qg_nogas"]),  # not in the task's list
    ]
    for assignment, venue in cases:
        url = reverse("venues_task_progress", args=[assignment.pk, venue.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"status": "done"}).status_code == 404
    for name in ("venues_task_acknowledge", "venues_task_done"):
        assert client.post(reverse(name, args=[mg.pk]), {f"done-{mg.pk}-summary": "完成"}).status_code == 404
    assert not TaskProgress.objects.exists()
    assert set(TaskAssignment.objects.values_list("status", flat=True)) == {A.ASSIGNED}


def test_leaders_read_everything_and_change_nothing(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
    qg = part(task, area=tree["qinggang"])
    tasks.report(qg, people["qg_grid"], venues["qg1"], "problem", "报警器不响")
    client.force_login(people["leader"])
    detail = client.get(reverse("venues_task_detail", args=[task.pk]))
    html = detail.content.decode()
    assert all(venues[key].name in html for key in ("qg1", "qg2", "mg1"))
    assert "报警器不响" in html
    assert 'id="task-close"' not in html and "/reopen/" not in html and "/venues/tasks/parts/" not in html
    assert refused(client.post(reverse("venues_task_close", args=[task.pk])))
    assert refused(client.post(reverse("venues_task_reopen", args=[qg.pk]), {f"reopen-{qg.pk}-reason": "x"}))
    assert client.post(reverse("venues_task_acknowledge", args=[qg.pk])).status_code == 404
    assert client.post(reverse("venues_task_done", args=[qg.pk])).status_code == 404
    assert client.post(reverse("venues_task_progress", args=[qg.pk, venues["qg1"].pk]),
                       {"status": "done"}).status_code == 404
    assert refused(client.get(reverse("venues_task_new")))
    # The list does not ask a leader to acknowledge tasks or list "tasks given to you".
    index = client.get(reverse("venues_task_index")).content.decode()
    assert task.title in index and 'id="my-parts"' not in index
    client.force_login(people["qg_staff"])
    assert 'id="my-parts"' in client.get(reverse("venues_task_index")).content.decode()
    client.force_login(people["leader"])
    assert TaskProgress.objects.get().status == "problem"
    qg.refresh_from_db()
    assert qg.status == A.ACKNOWLEDGED


def test_village_staff_never_see_another_villages_venues_or_progress(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
    tasks.report(part(task, area=tree["mugen"]), people["mg_staff"], venues["mg1"], "problem", "木根软管老化")
    only_qg = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"]])
    client.force_login(people["qg_staff"])
    html = client.get(reverse("venues_task_detail", args=[task.pk])).content.decode()
    assert venues["qg1"].name in html and venues["qg2"].name in html
    assert venues["mg1"].name not in html and "木根软管老化" not in html and "木根村" not in html
    client.force_login(people["qg_grid"])
    html = client.get(reverse("venues_task_detail", args=[task.pk])).content.decode()
    assert venues["qg1"].name in html and venues["qg2"].name not in html
    client.force_login(people["mg_staff"])
    assert client.get(reverse("venues_task_detail", args=[only_qg.pk])).status_code == 404
    listed = client.get(reverse("venues_task_index"), {"show": "all"})
    assert [p.task for p in listed.context["parts"]] == [task]


# Overdue ----------------------------------------------------------------------------------------

def test_overdue_tasks_for_the_town_office_and_leaders(client, people, tree, venues):
    late = give(people, tree, areas=[tree["qinggang"], tree["mugen"]])
    overdue(late)
    on_time = give(people, tree, areas=[tree["mugen"]])
    late_done = give(people, tree, areas=[tree["qinggang"]])
    tasks.finish(part(late_done, area=tree["qinggang"]), people["qg_staff"], "完成")
    tasks.close(late_done, people["town"])
    overdue(late_done)
    for role in ("town", "leader"):
        client.force_login(people[role])
        listed = client.get(reverse("venues_task_index"), {"overdue": "yes"})
        assert list(listed.context["page"]) == [late], role
        assert 'class="overdue-flag"' in listed.content.decode()
        everything = client.get(reverse("venues_task_index"), {"show": "all"})
        assert [t.pk for t in everything.context["page"]] == [late.pk, late_done.pk, on_time.pk], role
        row = everything.context["page"][0]
        assert (row.part_done, row.part_total) == (0, 2)

    # Assignees see their own overdue parts first; 青杠村's staff not 木根村's task.
    client.force_login(people["mg_staff"])
    parts = client.get(reverse("venues_task_index")).context["parts"]
    assert [p.task for p in parts] == [late, on_time]
    assert parts[0].late and not parts[1].late
    client.force_login(people["qg_staff"])
    parts = client.get(reverse("venues_task_index"), {"overdue": "yes"}).context["parts"]
    assert [p.task for p in parts] == [late]
    assert tasks.todo_counts(people["qg_staff"]) == {"tasks_mine": 1, "tasks_mine_overdue": 1}
    assert tasks.todo_counts(people["town"]) == {"tasks_mine": 0, "tasks_mine_overdue": 0, "tasks_overdue": 1}


def test_the_list_counts_venues_and_assignees(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
    qg = part(task, area=tree["qinggang"])
    tasks.report(qg, people["qg_grid"], venues["qg1"], "done")
    tasks.report(qg, people["qg_grid2"], venues["qg2"], "done")
    tasks.finish(qg, people["qg_staff"], "完成")
    client.force_login(people["town"])
    response = client.get(reverse("venues_task_index"))
    [row] = response.context["page"]
    assert (row.venue_reported, row.venue_total, row.part_done, row.part_total) == (2, 3, 1, 2)
    with translation.override("zh-hans"):
        assert gettext("%(done)s of %(total)s") % {"done": 1, "total": 2} in response.content.decode()


def test_the_menu_shows_to_followers_and_assignees(client, people, tree):
    give(people, tree, areas=[tree["qinggang"]])
    url = reverse("venues_task_index")
    shown_to = {"town": True, "leader": True, "qg_grid": True, "mg_staff": False, "food": False}
    for role, shown in shown_to.items():
        client.force_login(people[role])
        assert (url in client.get("/admin/").content.decode()) == shown, role


def test_the_task_list_takes_the_same_queries_as_tasks_grow(client, people, tree, venues):
    def grow(count):
        for _n in range(count):
            task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
            tasks.report(part(task, area=tree["qinggang"]), people["qg_grid"], venues["qg1"], "done")

    def queries(user, params):
        client.force_login(user)
        client.get(reverse("venues_task_index"), params)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("venues_task_index"), params).status_code == 200
        return len(captured)

    grow(2)
    few = {(role, str(params)): queries(people[role], params) for role in ("town", "leader", "qg_grid")
           for params in ({}, {"overdue": "yes", "show": "all"})}
    grow(5)
    assert {(role, str(params)): queries(people[role], params) for role in ("town", "leader", "qg_grid")
            for params in ({}, {"overdue": "yes", "show": "all"})} == few


# Review fixes: scope, roles, changes, history, overdue, query count -------------------------------

def test_an_assignee_holding_dispatch_task_does_not_manage_the_task(client, people, tree, venues):
    # A town-office member working for 木根村 only is named on a task the town gives.
    mg_office = make_member(TOWN_OFFICE, tree["mugen"])
    task = give(people, tree, people=[mg_office])
    mine = part(task, person=mg_office)
    assert tasks.tasks_for(mg_office).filter(pk=task.pk).exists()  # reads it as an assignee
    assert not tasks.may_manage(mg_office, task)
    assert not tasks.followed_tasks(mg_office).filter(pk=task.pk).exists()
    client.force_login(mg_office)
    response = client.get(reverse("venues_task_detail", args=[task.pk]))
    assert response.status_code == 200 and not response.context["follows"]
    assert not response.context["may_manage"] and "cancel_form" not in response.context
    tasks.finish(mine, mg_office, "完成")
    for name, args in (("venues_task_close", [task.pk]), ("venues_task_reopen", [mine.pk]),
                       ("venues_task_cancel", [task.pk]), ("venues_task_due", [task.pk])):
        assert client.post(reverse(name, args=args), {"reason": "x", "cancel-reason": "x"}).status_code == 404
    task.refresh_from_db()
    assert task.closed_at is None and task.cancelled_at is None
    assert part(task, person=mg_office).status == A.DONE


def test_followers_come_from_the_tasks_scope_not_the_givers_current_areas(people, tree):
    mg_office = make_member(TOWN_OFFICE, tree["mugen"])
    mg_leader = make_member(LEADER, tree["mugen"])
    qg_office = make_member(TOWN_OFFICE, tree["qinggang"])
    task = tasks.dispatch(mg_office, title="检查", description="逐家检查", due_on=timezone.localdate() + DAY,
                          areas=[tree["mugen"]], submission_id=uuid.uuid4())
    assert task.area == tree["mugen"]
    # The giver moves to 青杠村: 木根村's leader still follows the task, 青杠村's office does not.
    mg_office.staff_profile.areas.set([tree["qinggang"]])
    assert tasks.followed_tasks(mg_leader).filter(pk=task.pk).exists()
    assert tasks.followed_tasks(people["leader"]).filter(pk=task.pk).exists()  # the town's leader
    assert not tasks.followed_tasks(qg_office).filter(pk=task.pk).exists()
    assert not tasks.tasks_for(qg_office).filter(pk=task.pk).exists()


def test_leaders_auditors_and_staff_without_areas_are_never_assignees(client, people, tree, venues):
    from venues.roles import AUDITOR

    town_office = Office.objects.get(is_town_office=True)
    office_leader = make_member(LEADER, tree["town"], office=town_office)
    auditor = make_member(AUDITOR, tree["town"])
    nowhere = make_member(GRID_WORKER)
    choices = set(tasks.people_for(people["town"]))
    assert people["qg_grid"] in choices and people["food"] in choices
    assert not choices & {people["leader"], office_leader, auditor, nowhere}
    client.force_login(people["town"])
    response = client.post(reverse("venues_task_new"), form_data(tree, areas=None, with_venues=None,
                                                                 people=[people["leader"].pk]))
    assert "people" in response.context["form"].errors
    with pytest.raises(PermissionDenied):
        give(people, tree, areas=[], people=[people["leader"]])
    # A leader working in the town office is not an assignee of the office's part.
    task = give(people, tree, areas=[], offices=[town_office])
    assert not tasks.assignments_for(office_leader).exists()
    assert set(tasks.assignments_for(people["town"])) == {part(task, office=town_office)}
    # A named person reports on the venues they may see: a grid worker on their grid's.
    named = give(people, tree, venues=gas_venues(), areas=[tree["mugen"]], people=[people["qg_grid"]])
    assert set(tasks.part_venues(part(named, person=people["qg_grid"]))) == {venues["qg1"]}


def test_offices_and_office_parts_follow_the_scope(people, tree):
    food = Office.objects.get(name="食药监办")
    mg_office = make_member(TOWN_OFFICE, tree["mugen"])
    assert not tasks.offices_for(mg_office).filter(pk=food.pk).exists()
    food_mg = make_member(LEAD_OFFICE, tree["mugen"], office=food)
    food_qg = make_member(LEAD_OFFICE, tree["qinggang"], office=food)
    assert set(tasks.offices_for(mg_office)) == {food}
    task = tasks.dispatch(mg_office, title="检查", description="逐家检查", due_on=timezone.localdate() + DAY,
                          offices=[food], submission_id=uuid.uuid4())
    food_part = part(task, office=food)
    assert set(tasks.assignments_for(food_mg)) == {food_part}
    assert not tasks.assignments_for(food_qg).exists()
    assert not tasks.assignments_for(people["food"]).exists()  # works for the whole town


def test_dispatch_checks_the_scope_itself(people, tree):
    mg_office = make_member(TOWN_OFFICE, tree["mugen"])
    food = Office.objects.get(name="食药监办")
    for assignees in ({"areas": [tree["qinggang"]]}, {"offices": [food]}, {"people": [people["qg_grid"]]}):
        with pytest.raises(PermissionDenied):
            tasks.dispatch(mg_office, title="检查", description="逐家检查", due_on=timezone.localdate() + DAY,
                           submission_id=uuid.uuid4(), **assignees)
    assert not Task.objects.exists()


def test_a_venue_list_no_assignee_covers_is_refused(client, people, tree, venues):
    client.force_login(people["town"])
    data = form_data(tree, action="preview")
    previewed = client.post(reverse("venues_task_new"), data).context["form"]["previewed"].value()
    response = client.post(reverse("venues_task_new"), {**data, "action": "save", "previewed": previewed})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert response.context["form"].errors["with_venues"] == [gettext(
            "%(count)s of the listed venues belong to no assignee's part, so nobody could report "
            "on them. Please add an assignee for them or narrow the filters.") % {"count": 1}]
    assert not Task.objects.exists()
    covered = {**data, "action": "save", "previewed": previewed,
               "areas": [tree["qinggang"].pk, tree["mugen"].pk]}
    assert client.post(reverse("venues_task_new"), covered).status_code == 302


def test_the_same_form_sent_with_other_content_is_refused(client, people, tree, venues):
    client.force_login(people["town"])
    data = form_data(tree, with_venues=None)
    client.post(reverse("venues_task_new"), data)
    response = client.post(reverse("venues_task_new"), {**data, "title": "另一项任务"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert response.context["form"]["submission_id"].value() != data["submission_id"]
    assert list(Task.objects.values_list("title", flat=True)) == ["检查燃气报警器"]


def test_the_town_office_cancels_withdraws_adds_and_moves_the_due_date(client, people, tree, venues):
    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"], tree["mugen"]])
    qg, mg = part(task, area=tree["qinggang"]), part(task, area=tree["mugen"])
    client.force_login(people["town"])
    detail = reverse("venues_task_detail", args=[task.pk])
    # Reassign 木根村's part to a named member of its staff: add, then withdraw.
    assert client.post(reverse("venues_task_add", args=[task.pk]),
                       {"add-people": [people["mg_staff"].pk]})["Location"] == detail
    assert client.post(reverse("venues_task_withdraw", args=[mg.pk]),
                       {f"withdraw-{mg.pk}-reason": "改由专人负责"})["Location"] == detail
    assert {str(p) for p in task.assignments.all()} == {"青杠村", str(people["mg_staff"])}
    response = client.post(reverse("venues_task_due", args=[task.pk]),
                           {"due-due_on": "", "due-reason": ""})
    assert response.status_code == 200 and "due_on" in response.context["due_form"].errors
    new_due = timezone.localdate() + 20 * DAY
    client.post(reverse("venues_task_due", args=[task.pk]),
                {"due-due_on": f"{new_due}", "due-reason": "汛期顺延"})
    task.refresh_from_db()
    assert task.due_on == new_due
    overdue(task)
    assert tasks.todo_counts(people["town"])["tasks_overdue"] == 1
    client.post(reverse("venues_task_cancel", args=[task.pk]), {"cancel-reason": "上级通知取消"})
    task.refresh_from_db()
    assert task.cancelled_at is not None and task.cancel_reason == "上级通知取消"
    assert tasks.todo_counts(people["town"])["tasks_overdue"] == 0
    assert tasks.todo_counts(people["qg_staff"]) == {"tasks_mine": 0, "tasks_mine_overdue": 0}
    with pytest.raises(tasks.TaskError):
        tasks.report(qg, people["qg_grid"], venues["qg1"], "done")
    actions = list(task.events.values_list("action", "part", "note"))
    assert actions[:4] == [("cancel", "", "上级通知取消"), ("due", "", "汛期顺延"),
                           ("withdraw", "木根村", "改由专人负责"),
                           ("add", people["mg_staff"].get_full_name(), "")]
    audited = set(AuditEntry.objects.filter(object_id=str(task.pk)).values_list("action", flat=True))
    assert {"task.cancel", "task.due", "task.withdraw", "task.add"} <= audited


def test_overdue_means_some_part_not_done_and_parts_done_late_are_shown(client, people, tree, venues):
    task = give(people, tree, areas=[tree["qinggang"]])
    tasks.finish(part(task, area=tree["qinggang"]), people["qg_staff"], "完成")
    overdue(task)  # due two days ago; the part was done today: late, and the task is not overdue
    assert not Task.objects.filter(tasks.overdue_q()).exists()
    client.force_login(people["town"])
    assert list(client.get(reverse("venues_task_index"), {"overdue": "yes"}).context["page"]) == []
    assert list(client.get(reverse("venues_task_index"), {"late": "yes"}).context["page"]) == [task]
    on_time = give(people, tree, areas=[tree["mugen"]])
    tasks.finish(part(on_time, area=tree["mugen"]), people["mg_staff"], "完成")
    listed = client.get(reverse("venues_task_index"), {"late": "yes", "show": "all"})
    assert list(listed.context["page"]) == [task]
    response = client.get(reverse("venues_task_detail", args=[task.pk]))
    assert f'id="done-late-{part(task, area=tree["qinggang"]).pk}"' in response.content.decode()
    assert not response.context["late"]


def test_the_history_is_kept_after_the_audit_is_purged(client, people, tree, venues):
    from venues import retention

    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"]])
    qg = part(task, area=tree["qinggang"])
    tasks.report(qg, people["qg_grid"], venues["qg1"], "problem", "报警器不响")
    tasks.report(qg, people["qg_grid"], venues["qg1"], "done", "已更换")
    retention.purge_audit(timezone.now() + datetime.timedelta(days=400))
    assert not AuditEntry.objects.filter(action__startswith="task.").exists()
    client.force_login(people["town"])
    response = client.get(reverse("venues_task_detail", args=[task.pk]))
    events = response.context["events"]
    assert [e.action for e in events] == ["progress", "progress", "acknowledge", "dispatch"]
    assert [e.note for e in events[:2]] == ["已更换", "报警器不响"]  # every report, newest first
    assert "报警器不响" in response.content.decode()


def test_the_task_page_takes_the_same_queries_as_parts_and_venues_grow(client, people, tree, venues):
    from tests.factories import make_venue as venue

    task = give(people, tree, venues=gas_venues(), areas=[tree["qinggang"]], people=[people["qg_grid"]])

    def queries(user):
        client.force_login(user)
        client.get(reverse("venues_task_detail", args=[task.pk]))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("venues_task_detail", args=[task.pk])).status_code == 200
        return len(captured)

    few = {role: queries(people[role]) for role in ("town", "leader", "qg_grid")}
    for n in range(4):
        task.venues.add(venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, name=f"饭店{n}"))
    client.force_login(people["town"])
    client.post(reverse("venues_task_add", args=[task.pk]),
                {"add-areas": [tree["mugen"].pk],
                 "add-people": [people["qg_grid2"].pk, people["mg_staff"].pk]})
    assert task.assignments.count() == 5
    tasks.report(part(task, area=tree["qinggang"]), people["qg_grid"], venues["qg1"], "done")
    assert {role: queries(people[role]) for role in ("town", "leader", "qg_grid")} == few
