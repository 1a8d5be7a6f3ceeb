"""The back office's side of 督办 (venues.workflows.tasks, whose docstring states the rules): the
task list, giving a task, a task's page with the acting person's own part, reporting on one
venue (a page of its own, for a phone), and the steps posted from the task's page. Every task,
part and venue is looked up through the workflow's scoping functions: 404 outside them."""

import uuid
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from home.pagination import paginate

from .access import is_staff_member, venues_for
from .models import Area, AssignmentStatus, ProgressStatus, Task, TaskAssignment, TaskEvent, TaskProgress
from .task_forms import (
    AddAssigneesForm,
    CancelForm,
    DispatchForm,
    DoneForm,
    DueForm,
    ProgressForm,
    ReopenForm,
    WithdrawForm,
)
from .workflows import tasks

A = AssignmentStatus
PREVIEW_NAMES = 20
HISTORY_SHOWN = 50


def _count(queryset, key):
    """A count per task as a subquery (joins would multiply each other's rows)."""
    counted = queryset.order_by().values(key).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _listed_tasks(user):
    reported = (TaskProgress.objects.filter(assignment__task=OuterRef("pk")).order_by()
                .values("assignment__task").annotate(n=Count("venue", distinct=True)).values("n")[:1])
    return tasks.tasks_for(user).select_related("created_by").annotate(
        venue_total=_count(Task.venues.through.objects.filter(task=OuterRef("pk")), "task"),
        venue_reported=Coalesce(Subquery(reported, output_field=IntegerField()), Value(0)),
        part_total=_count(TaskAssignment.objects.filter(task=OuterRef("pk")), "task"),
        part_done=_count(TaskAssignment.objects.filter(task=OuterRef("pk"), status=A.DONE), "task"),
    )


def _part_late(part, task, today):
    return (part.status != A.DONE and task.closed_at is None and task.cancelled_at is None
            and task.due_on < today)


def _done_late(part, task):
    return (part.status == A.DONE and part.done_at is not None
            and timezone.localdate(part.done_at) > task.due_on)


def task_index(request):
    user = request.user
    follows = tasks.follows_tasks(user)
    if not (follows or is_staff_member(user)):
        raise PermissionDenied
    today = timezone.localdate()
    show = "all" if request.GET.get("show") == "all" else "open"
    overdue = request.GET.get("overdue") == "yes"
    done_late = request.GET.get("late") == "yes"

    parts = tasks.assignments_for(user).select_related("task", "area", "office", "person")
    if show == "open":
        parts = parts.exclude(status=A.DONE).filter(tasks.open_q("task__"))
    if overdue:
        parts = parts.filter(tasks.part_overdue_q(today))
    if done_late:
        parts = parts.filter(tasks.done_late_q())
    # The person's own overdue parts first, then those not done, each by due date.
    parts = parts.annotate(rank=Case(When(tasks.part_overdue_q(today), then=Value(0)),
                                     When(~Q(status=A.DONE), then=Value(1)), default=Value(2),
                                     output_field=IntegerField())).order_by("rank", "task__due_on", "pk")

    page = None
    if follows:
        items = _listed_tasks(user)
        if show == "open":
            items = items.filter(tasks.open_q())
        if overdue:
            items = items.filter(tasks.overdue_q(today))
        if done_late:
            late_parts = TaskAssignment.objects.filter(tasks.done_late_q()).values("task_id")
            items = items.filter(pk__in=late_parts)
        items = items.annotate(late=Case(When(tasks.overdue_q(today), then=Value(0)), default=Value(1),
                                         output_field=IntegerField())).order_by("late", "due_on", "pk")
        page = paginate(request, items, 50)
        parts = list(parts[:20])
    else:
        parts = paginate(request, parts, 50)
    for part in parts:
        part.label = tasks.assignee_name(part)
        part.late = _part_late(part, part.task, today)
        part.done_late = _done_late(part, part.task)
    return render(request, "venues/admin/task_index.html", {
        "page": page, "parts": parts, "follows": follows, "show": show, "overdue": overdue,
        "done_late": done_late,
        "may_dispatch": tasks.may_dispatch(user), "today": today,
    })


def task_new(request):
    user = request.user
    if not tasks.may_dispatch(user):
        raise PermissionDenied
    preview = None
    if request.method == "POST":
        form = DispatchForm(request.POST, user=user)
        valid = form.is_valid()
        filters_valid = not any(name in form.errors for name in ("kind", "village", "uses_gas", "risk_level"))
        wants_preview = request.POST.get("action") == "preview"
        with_venues = bool(request.POST.get("with_venues"))
        changed = form.signature() != request.POST.get("previewed")
        if with_venues and filters_valid and (wants_preview or changed):
            venues = form.venues()
            preview = {"count": venues.count(),
                       "names": list(venues.select_related("area")
                                     .order_by("area__path", "name")[:PREVIEW_NAMES])}
            data = request.POST.copy()
            data["previewed"] = form.signature()
            form = DispatchForm(data, user=user)
            form.is_valid()
            if not wants_preview:
                form.add_error("with_venues", _("The venue filters have changed: please check the venues "
                                                "listed below, then give the task."))
        elif valid and not wants_preview:
            data = form.cleaned_data
            try:
                task = tasks.dispatch(
                    user, title=data["title"], description=data["description"], due_on=data["due_on"],
                    areas=data["areas"], offices=data["offices"], people=data["people"],
                    venues=form.venues() if data["with_venues"] else None,
                    submission_id=data["submission_id"])
            except tasks.TaskError as error:
                if isinstance(error, tasks.ResentDifferently):
                    data = request.POST.copy()
                    data["submission_id"] = str(uuid.uuid4())
                    form = DispatchForm(data, user=user)
                    form.is_valid()
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The task has been given. Assignees find it in their task list."))
                return redirect("venues_task_detail", task_id=task.pk)
    else:
        form = DispatchForm(user=user)
    if preview:
        places = Area.places([venue.area for venue in preview["names"]])
        for venue in preview["names"]:
            venue.where = places[venue.area_id]
    return render(request, "venues/admin/task_new.html", {"form": form, "preview": preview})


def _parts_of(task, user):
    return list(tasks.assignments_for(user).filter(task=task).select_related("area", "office", "person"))


def _venues_per_part(task, parts):
    """The venue ids of each part, in one query however many parts (a union of the parts' lists)."""
    if not parts or not task.venues.exists():
        return {part.pk: set() for part in parts}
    queries = [tasks.part_venues(part).order_by().annotate(part=Value(part.pk, output_field=IntegerField()))
               .values_list("part", "pk") for part in parts]
    rows = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    found = defaultdict(set)
    for part_pk, venue_pk in rows:
        found[part_pk].add(venue_pk)
    return {part.pk: found[part.pk] for part in parts}


def _detail(request, task, bound=None, status=200):
    """The task's page; ``bound`` is (step, part pk, form) for a form sent back with errors."""
    user = request.user
    today = timezone.localdate()
    follows = tasks.followed_tasks(user).filter(pk=task.pk).exists()
    may_manage = follows and tasks.may_dispatch(user)
    is_open = task.closed_at is None and task.cancelled_at is None
    mine = _parts_of(task, user)
    mine_ids = {part.pk for part in mine}
    for part in mine:
        part.label = tasks.assignee_name(part)
        part.task = task

    # Everyone's parts to those who follow the task; only one's own to assignees.
    parts = (list(task.assignments
                  .select_related("area", "office", "person__staff_profile__office", "done_by")
                  .prefetch_related("person__staff_profile__areas", "office__kinds"))
             if follows else mine)
    for part in parts:
        part.task = task
    part_venue_ids = _venues_per_part(task, parts)
    reported = defaultdict(set)
    for part_pk, venue_pk in TaskProgress.objects.filter(assignment__in=[p.pk for p in parts]).values_list(
            "assignment_id", "venue_id"):
        reported[part_pk].add(venue_pk)
    for part in parts:
        part.label = tasks.assignee_name(part)
        part.is_mine = part.pk in mine_ids
        part.venue_total = len(part_venue_ids[part.pk])
        part.venue_reported = len(part_venue_ids[part.pk] & reported[part.pk])
        part.late = _part_late(part, task, today)
        part.done_late = _done_late(part, task)
        if part.is_mine and is_open and part.status != A.DONE:
            part.done_form = (bound[2] if bound and bound[:2] == ("done", part.pk)
                              else DoneForm(prefix=f"done-{part.pk}"))
        if may_manage and is_open and part.status == A.DONE:
            part.reopen_form = (bound[2] if bound and bound[:2] == ("reopen", part.pk)
                                else ReopenForm(prefix=f"reopen-{part.pk}"))
        if may_manage and is_open and len(parts) > 1:
            part.withdraw_form = (bound[2] if bound and bound[:2] == ("withdraw", part.pk)
                                  else WithdrawForm(prefix=f"withdraw-{part.pk}"))

    # The venues: all the task's (within the person's scope) to those who follow it, the
    # person's own parts' to assignees.
    if follows:
        venues = venues_for(user, task.venues.all())
    else:
        within = Q(pk__in=[])
        for part in mine:
            within |= Q(pk__in=tasks.venues_to_report(part, user).values("pk"))
        venues = task.venues.filter(within)
    page = paginate(request, venues.select_related("area", "kind").order_by("area__path", "name", "pk"), 50)
    shown = list(page)
    progress = TaskProgress.objects.filter(assignment__task=task, venue__in=shown)
    if not follows:
        progress = progress.filter(assignment__in=mine_ids)
    by_venue = {}
    for row in progress.select_related("assignment__area", "assignment__office", "assignment__person", "by"):
        row.assignment.label = tasks.assignee_name(row.assignment)
        by_venue.setdefault(row.venue_id, []).append(row)
    reportable = {part.pk: set(tasks.venues_to_report(part, user).filter(pk__in=[v.pk for v in shown])
                               .values_list("pk", flat=True))
                  for part in mine if is_open and part.status != A.DONE}
    places = Area.places([venue.area for venue in shown])
    for venue in shown:
        venue.where = places[venue.area_id]
        venue.reports = by_venue.get(venue.pk, [])
        venue.report_in = [part for part in mine if venue.pk in reportable.get(part.pk, ())]

    # The history, newest first: every step to those who follow the task, the steps of one's own
    # parts and of the whole task to assignees.
    history = TaskEvent.objects.filter(task=task)
    if not follows:
        history = history.filter(Q(assignment__isnull=True, part="") | Q(assignment__in=mine_ids))
    event_count = history.count()
    events = list(history.select_related("actor", "venue").order_by("-at", "-pk")[:HISTORY_SHOWN])
    for event in events:
        event.result_label = (ProgressStatus(event.result).label if event.result in ProgressStatus.values
                              else "")

    manage_forms = {}
    if may_manage and is_open:
        def bound_or(step, form_class, **kwargs):
            return bound[2] if bound and bound[:2] == (step, None) else form_class(prefix=step, **kwargs)

        manage_forms = {"cancel_form": bound_or("cancel", CancelForm),
                        "due_form": bound_or("due", DueForm, initial={"due_on": task.due_on}),
                        "add_form": bound_or("add", AddAssigneesForm, user=user)}
    return render(request, "venues/admin/task_detail.html", {
        "task": task, "parts": parts, "mine": mine, "follows": follows, "page": page,
        "may_manage": may_manage, "is_open": is_open,
        "may_close": may_manage and is_open and all(part.status == A.DONE for part in parts),
        "late": task.pk in set(tasks.tasks_for(user).filter(tasks.overdue_q(today), pk=task.pk)
                               .values_list("pk", flat=True)),
        "events": events, "event_count": event_count, "history_shown": HISTORY_SHOWN,
        "with_venues": task.venues.exists(), **manage_forms,
    }, status=status)


def _task(request, task_id):
    return get_object_or_404(tasks.tasks_for(request.user).select_related("created_by"), pk=task_id)


def task_detail(request, task_id):
    return _detail(request, _task(request, task_id))


def _part(request, assignment_id):
    return get_object_or_404(tasks.assignments_for(request.user).select_related("task", "area", "office"),
                             pk=assignment_id)


def task_progress(request, assignment_id, venue_id):
    """Report on one venue of the person's part (GET shows the form with the latest report)."""
    part = _part(request, assignment_id)
    venue = get_object_or_404(tasks.venues_to_report(part, request.user).select_related("area", "kind"),
                              pk=venue_id)
    latest = TaskProgress.objects.filter(assignment=part, venue=venue).first()
    initial = {"status": latest.status, "note": latest.note} if latest else {}
    form = ProgressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tasks.report(part, request.user, venue, form.cleaned_data["status"], form.cleaned_data["note"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Recorded: %(venue)s.") % {"venue": venue.name})
            return redirect(reverse("venues_task_detail", args=[part.task_id]) + f"#venue-{venue.pk}")
    return render(request, "venues/admin/task_progress.html", {
        "part": part, "task": part.task, "venue": venue, "form": form, "latest": latest,
        "where": Area.places([venue.area])[venue.area_id],
        "closed": (part.task.closed_at is not None or part.task.cancelled_at is not None
                   or part.status == A.DONE),
    })


def _back(part):
    return redirect("venues_task_detail", task_id=part.task_id)


@require_POST
def task_acknowledge(request, assignment_id):
    part = _part(request, assignment_id)
    try:
        tasks.acknowledge(part, request.user)
    except tasks.TaskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Acknowledged. Report on each venue as you go."))
    return _back(part)


@require_POST
def task_done(request, assignment_id):
    part = _part(request, assignment_id)
    form = DoneForm(request.POST, prefix=f"done-{part.pk}")
    if form.is_valid():
        try:
            tasks.finish(part, request.user, form.cleaned_data["summary"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your part of the task is done. Thank you."))
            return _back(part)
    return _detail(request, part.task, bound=("done", part.pk, form))


@require_POST
def task_reopen(request, assignment_id):
    if not tasks.may_dispatch(request.user):
        raise PermissionDenied
    part = get_object_or_404(TaskAssignment.objects.filter(task__in=tasks.followed_tasks(request.user))
                             .select_related("task"), pk=assignment_id)
    form = ReopenForm(request.POST, prefix=f"reopen-{part.pk}")
    if form.is_valid():
        try:
            tasks.reopen(part, request.user, form.cleaned_data["reason"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The part has been reopened."))
            return _back(part)
    return _detail(request, part.task, bound=("reopen", part.pk, form))


@require_POST
def task_close(request, task_id):
    task = _managed_task(request, task_id)
    try:
        tasks.close(task, request.user)
    except tasks.TaskError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The task is closed."))
    return redirect("venues_task_detail", task_id=task.pk)


def _managed_task(request, task_id):
    if not tasks.may_dispatch(request.user):
        raise PermissionDenied
    return get_object_or_404(tasks.followed_tasks(request.user).select_related("created_by"), pk=task_id)


@require_POST
def task_cancel(request, task_id):
    task = _managed_task(request, task_id)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            tasks.cancel(task, request.user, form.cleaned_data["reason"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The task has been cancelled."))
            return redirect("venues_task_detail", task_id=task.pk)
    return _detail(request, task, bound=("cancel", None, form))


@require_POST
def task_due(request, task_id):
    task = _managed_task(request, task_id)
    form = DueForm(request.POST, prefix="due")
    if form.is_valid():
        try:
            tasks.change_due(task, request.user, form.cleaned_data["due_on"], form.cleaned_data["reason"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The due date has been changed."))
            return redirect("venues_task_detail", task_id=task.pk)
    return _detail(request, task, bound=("due", None, form))


@require_POST
def task_add(request, task_id):
    task = _managed_task(request, task_id)
    form = AddAssigneesForm(request.POST, prefix="add", user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tasks.add_assignees(task, request.user, data["areas"], data["offices"], data["people"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The task has been given to the new assignees."))
            return redirect("venues_task_detail", task_id=task.pk)
    return _detail(request, task, bound=("add", None, form))


@require_POST
def task_withdraw(request, assignment_id):
    if not tasks.may_dispatch(request.user):
        raise PermissionDenied
    part = get_object_or_404(TaskAssignment.objects.filter(task__in=tasks.followed_tasks(request.user))
                             .select_related("task"), pk=assignment_id)
    form = WithdrawForm(request.POST, prefix=f"withdraw-{part.pk}")
    if form.is_valid():
        try:
            tasks.withdraw(part, request.user, form.cleaned_data["reason"])
        except tasks.TaskError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The part has been withdrawn."))
            return _back(part)
    return _detail(request, part.task, bound=("withdraw", part.pk, form))
