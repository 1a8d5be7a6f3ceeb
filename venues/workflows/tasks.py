"""督办: the town emergency office gives a task ("check every restaurant that uses gas for a
working alarm by 30 June") to villages or communities, offices or named staff, optionally with
a list of venues; each assignee acknowledges it, reports per venue and closes their part; the
town office closes the whole task. Nothing else changes a task's or an assignment's state.

The rules, each in one place:

- Who may give tasks: staff with ``dispatch_task`` (the town emergency office), choosing
  villages, offices with staff in their scope and people who work on tasks (``work_task``, with
  areas, all within their scope); ``dispatch`` checks the choices again. The task keeps the
  area it was given within (``Task.area``: the giver's area; for a superuser the assignees'
  common area, or none: the whole register).
- Which tasks a person follows (``followed_tasks``): a superuser every task; staff with
  ``view_task`` or ``dispatch_task`` (the town office, leaders) the tasks whose area lies within
  one of their areas, and those they gave. A person reads (``tasks_for``) those and the tasks
  they are an assignee of; only following a task lets the town office manage it
  (``may_manage``). Leaders read and change nothing.
- Who is an assignee (``assignments_for``, the one place; only staff with ``work_task``): of a
  village or community, the staff whose areas lie within its subtree (its village staff and its
  grid workers); of an office, its staff working within the task's area; of a person, that
  person.
- Which venues an assignee reports on (``part_venues``, ``venues_to_report``): the task's list,
  for a village only the venues within it, for an office only the kinds it leads (the town
  office: every kind), for a person what that person may see; and of those only what the acting
  person may see (venues.access), so a grid worker reports on their own grid's venues of the
  village's part. A task given without a list of venues is reported on in the summary alone;
  no venues are added to it afterwards.
- The steps: acknowledge (assigned → acknowledged); report on a venue (the latest report per
  venue and assignment counts; reporting on a part not yet acknowledged acknowledges it);
  close one's part with a summary (→ done), once every venue of the part has a report; the
  town office reopens a part that is done, with a reason (→ acknowledged, and the task open
  again), and closes the whole task once every part is done. A task never closes itself. The
  town office may also cancel an open task (with a reason), withdraw a part (with a reason; to
  reassign, add the new assignee first), add assignees and move the due date.
- Overdue: a part not done whose task is due before today and open (neither closed nor
  cancelled); a task is overdue when it is due before today, open, and some part is not done
  (``overdue_q``). A part done after the due date is "done late" (``done_late_q``).
- Nobody is sent a message: the message box and the text-message templates are the owners'
  (venues.notify, venues.sms); staff find their tasks on the task list and in their to-do list
  (``todo_counts``).

Every step locks its row (``select_for_update``), writes a TaskEvent (the task's history, kept
as long as the task; every report on a venue is one) and an AuditEntry in the same transaction,
and is safe to send twice."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from venues.access import areas_for, scope_roots, staff_for, venues_for
from venues.models import (
    Area,
    AssignmentStatus,
    AuditEntry,
    Office,
    ProgressStatus,
    StaffProfile,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskProgress,
    Venue,
)
from venues.models import TaskEventAction as E

A = AssignmentStatus


class TaskError(Exception):
    """A step that cannot be taken now, with the reason for the person."""


# --- Who sees what --------------------------------------------------------------------------

def follows_tasks(user):
    """The town office and leaders: they follow the tasks given within their areas."""
    return user.is_active and (user.has_perm("venues.view_task") or user.has_perm("venues.dispatch_task"))


def may_work(user):
    """Staff who work on tasks given to them (never leaders or auditors)."""
    return user.is_authenticated and user.is_active and user.has_perm("venues.work_task")


def followed_tasks(user):
    """The tasks ``user`` follows by scope: a superuser every task; the town office and leaders
    those whose scope area lies within one of their areas (a task given for the whole register
    to those working at a root area), and those they gave."""
    tasks = Task.objects.all()
    if not user.is_authenticated or not user.is_active:
        return tasks.none()
    if user.is_superuser:
        return tasks
    if not follows_tasks(user):
        return tasks.none()
    roots = scope_roots(user)
    mine = Q(created_by=user)
    for root in roots:
        mine |= Q(area__path__startswith=root.path)
    if any(root.is_root() for root in roots):
        mine |= Q(area__isnull=True)
    return tasks.filter(mine)


def _enclosing_paths(profile):
    """The paths of the person's areas and of every area above them."""
    steps = Area.steplen
    return {area.path[:end] for area in profile.areas.all()
            for end in range(steps, len(area.path) + 1, steps)}


def assignments_for(user):
    """The parts of tasks ``user`` is an assignee of (see the module's docstring)."""
    rows = TaskAssignment.objects.all()
    if not may_work(user):
        return rows.none()
    mine = Q(person=user)
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        enclosing = _enclosing_paths(profile)
        if profile.office_id:
            # An office's part belongs to its members working within the task's scope area.
            mine |= Q(office_id=profile.office_id) & (Q(task__area__isnull=True)
                                                      | Q(task__area__path__in=enclosing))
        # A village's part belongs to whoever works in it or below it: the village's path is a
        # prefix of (or equal to) one of the person's areas' paths.
        if enclosing:
            mine |= Q(area__path__in=enclosing)
    return rows.filter(mine)


def assignee_name(assignment):
    """The village, office or person a part is given to, as staff read it."""
    if assignment.area_id:
        return assignment.area.name
    if assignment.office_id:
        return assignment.office.name
    return assignment.person.get_full_name() or assignment.person.get_username()


def tasks_for(user):
    """The tasks ``user`` may read: those they follow and those they are an assignee of."""
    if user.is_authenticated and user.is_superuser:
        return Task.objects.all()
    return Task.objects.filter(Q(pk__in=followed_tasks(user).values("pk"))
                               | Q(pk__in=assignments_for(user).values("task_id")))


def may_dispatch(user):
    return user.is_active and user.has_perm("venues.dispatch_task")


def may_manage(user, task):
    """Close or cancel the task, reopen or withdraw a part, add assignees, move the due date:
    the town office, for the tasks it follows by scope (never by being an assignee)."""
    return may_dispatch(user) and followed_tasks(user).filter(pk=task.pk).exists()


def part_venues(assignment):
    """The venues of the task's list that belong to this part (whoever acts)."""
    venues = assignment.task.venues.all()
    if assignment.area_id:
        return venues.filter(area__path__startswith=assignment.area.path)
    if assignment.office_id:
        if assignment.office.is_town_office:
            return venues
        kinds = assignment.office.kinds.all()
        led = Venue.objects.filter(kind__in=kinds).order_by().values("pk").union(
            Venue.objects.filter(other_kinds__in=kinds).order_by().values("pk"))
        return venues.filter(pk__in=led)
    return venues_for(assignment.person, venues)


def venues_to_report(assignment, user):
    """The venues of the part that ``user`` reports on: those of them they may see."""
    return venues_for(user, part_venues(assignment))


# --- What a dispatcher may choose -------------------------------------------------------------

def villages_for(user):
    from venues.models import AreaLevel

    return areas_for(user).filter(level=AreaLevel.VILLAGE)


def offices_for(user):
    """The offices with staff working within ``user``'s areas (every office for a superuser)."""
    if user.is_superuser:
        return Office.objects.all()
    members = StaffProfile.objects.filter(areas__in=areas_for(user)).values("office_id")
    return Office.objects.filter(pk__in=members)


def people_for(user):
    """Active staff who work on tasks, with areas, all within ``user``'s areas."""
    from django.contrib.auth.models import Permission

    work = Permission.objects.filter(content_type__app_label="venues", codename="work_task")
    staff = staff_for(user).filter(is_active=True, is_superuser=False)
    with_work = staff.filter(Q(groups__permissions__in=work) | Q(user_permissions__in=work)).values("pk")
    with_areas = staff.filter(staff_profile__areas__isnull=False).values("pk")
    return staff.filter(pk__in=with_work).filter(pk__in=with_areas)


def _common_area(paths):
    """The deepest area enclosing every path (None: no common area)."""
    if not paths:
        return None
    prefix = min(paths)
    for path in paths:
        while not path.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix[:len(prefix) - len(prefix) % Area.steplen]
    return Area.objects.filter(path=prefix).first() if prefix else None


def scope_area(user, areas=(), people=(), offices=()):
    """The area a task is given within: the dispatcher's (common) area; for a superuser the
    common area of the assignees, or None (the whole register) when an office is among them."""
    if user.is_superuser:
        if offices:
            return None
        paths = [area.path for area in areas]
        paths += [a.path for person in people for a in person.staff_profile.areas.all()]
        return _common_area(paths)
    return _common_area([root.path for root in scope_roots(user)])


def overdue_q(today=None):
    """Tasks due before today, open (neither closed nor cancelled), with some part not done."""
    today = today or timezone.localdate()
    not_done = TaskAssignment.objects.exclude(status=A.DONE).values("task_id")
    return Q(due_on__lt=today, closed_at__isnull=True, cancelled_at__isnull=True, pk__in=not_done)


def open_q(prefix=""):
    return Q(**{f"{prefix}closed_at__isnull": True, f"{prefix}cancelled_at__isnull": True})


def part_overdue_q(today=None):
    """Parts not done whose open task is due before today."""
    today = today or timezone.localdate()
    return Q(task__due_on__lt=today) & open_q("task__") & ~Q(status=A.DONE)


def done_late_q():
    """Parts done after the due date."""
    return Q(status=A.DONE, done_at__date__gt=F("task__due_on"))


def todo_counts(user, today=None):
    """What the staff to-do list counts for tasks: the person's own parts not yet done, and of
    them those overdue; for those who follow tasks, the overdue tasks they follow."""
    today = today or timezone.localdate()
    open_parts = assignments_for(user).exclude(status=A.DONE).filter(open_q("task__"))
    counts = {"tasks_mine": open_parts.count(),
              "tasks_mine_overdue": open_parts.filter(task__due_on__lt=today).count()}
    if follows_tasks(user):
        counts["tasks_overdue"] = followed_tasks(user).filter(overdue_q(today)).count()
    return counts


def _record(user, action, task, assignment=None, venue=None, result="", note="", **detail):
    """A step in the task's history (kept with the task) and in the audit log."""
    TaskEvent.objects.create(task=task, assignment=assignment, venue=venue, action=action, actor=user,
                             part=assignee_name(assignment) if assignment is not None else "",
                             result=result, note=note)
    if assignment is not None:
        detail["assignment"] = assignment.pk
    if venue is not None:
        detail["venue"] = venue.pk
    if result:
        detail["result"] = result
    AuditEntry.objects.create(actor=user, action=f"task.{action}", object_type="task",
                              object_id=str(task.pk), detail=detail)


def _check_choices(user, areas, offices, people):
    """Every assignee must lie within ``user``'s scope (the form offers only those)."""
    if (any(not villages_for(user).filter(pk=area.pk).exists() for area in areas)
            or any(not offices_for(user).filter(pk=office.pk).exists() for office in offices)
            or any(not people_for(user).filter(pk=person.pk).exists() for person in people)):
        raise PermissionDenied


def _add_parts(user, task, areas, offices, people, action=None):
    parts = TaskAssignment.objects.bulk_create(
        [TaskAssignment(task=task, area=area) for area in areas]
        + [TaskAssignment(task=task, office=office) for office in offices]
        + [TaskAssignment(task=task, person=person) for person in people])
    if action is not None:
        for part in parts:
            _record(user, action, task, part)


# --- Giving a task ----------------------------------------------------------------------------

def dispatch(user, *, title, description, due_on, areas=(), offices=(), people=(), venues=None,
             submission_id):
    """Give a task. ``venues`` (a queryset or None) is the list to report on, limited here to
    what ``user`` may see; every assignee must lie within ``user``'s scope. The same form sent
    twice gives the task once; the same id with other content is refused."""
    existing = Task.objects.filter(submission_id=submission_id, created_by=user).first()
    if existing is not None:
        return _same_or_refuse(existing, title, description, due_on)
    if not may_dispatch(user):
        raise PermissionDenied
    if not (areas or offices or people):
        raise TaskError(_("Please choose at least one village, office or person."))
    if due_on < timezone.localdate():
        raise TaskError(_("The due date cannot be in the past."))
    areas, offices, people = list(areas), list(offices), list(people)
    _check_choices(user, areas, offices, people)
    try:
        with transaction.atomic():
            task = Task.objects.create(title=title, description=description, due_on=due_on, created_by=user,
                                       submission_id=submission_id,
                                       area=scope_area(user, areas, people, offices))
            _add_parts(user, task, areas, offices, people)
            if venues is not None:
                task.venues.set(venues_for(user, venues).values_list("pk", flat=True))
            _record(user, E.DISPATCH, task, assignees=task.assignments.count(), venues=task.venues.count())
    except IntegrityError:
        existing = Task.objects.filter(submission_id=submission_id, created_by=user).first()
        if existing is None:
            raise
        return _same_or_refuse(existing, title, description, due_on)
    return task


class ResentDifferently(TaskError):
    """The form was sent again under the same id with other content."""


def _same_or_refuse(existing, title, description, due_on):
    if (existing.title, existing.description, existing.due_on) != (title, description, due_on):
        raise ResentDifferently(_("This form was already sent with other content. Please check the task "
                                  "below and send it again to give a new task."))
    return existing


# --- An assignee's steps ------------------------------------------------------------------------

def _locked_part(assignment, user):
    """The part, locked, if ``user`` is its assignee and its task is open."""
    locked = (TaskAssignment.objects.select_for_update(of=("self",))
              .select_related("task", "area", "office", "person").filter(pk=assignment.pk).first())
    if locked is None:
        raise TaskError(_("This part has been withdrawn."))
    if not assignments_for(user).filter(pk=locked.pk).exists():
        raise PermissionDenied
    if locked.task.cancelled_at is not None:
        raise TaskError(_("This task has been cancelled."))
    if locked.task.closed_at is not None:
        raise TaskError(_("This task has been closed."))
    return locked


def _acknowledge(locked, user):
    locked.status, locked.acknowledged_at, locked.acknowledged_by = A.ACKNOWLEDGED, timezone.now(), user
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _record(user, E.ACKNOWLEDGE, locked.task, locked)


def acknowledge(assignment, user):
    """The assignee has read the task and takes it in hand (again: nothing changes)."""
    with transaction.atomic():
        locked = _locked_part(assignment, user)
        if locked.status == A.ASSIGNED:
            _acknowledge(locked, user)
    return locked


def report(assignment, user, venue, status, note=""):
    """What was found at ``venue``; a later report on the same venue replaces it."""
    if status not in ProgressStatus.values:
        raise TaskError(_("Please choose the result."))
    note = (note or "").strip()
    if status != ProgressStatus.DONE and not note:
        raise TaskError(_("Please say what the problem is, or why it could not be done."))
    with transaction.atomic():
        locked = _locked_part(assignment, user)
        if not venues_to_report(locked, user).filter(pk=venue.pk).exists():
            raise PermissionDenied
        if locked.status == A.DONE:
            raise TaskError(_("Your part of this task is done; the town office can reopen it."))
        if locked.status == A.ASSIGNED:
            _acknowledge(locked, user)
        progress, _created = TaskProgress.objects.update_or_create(
            assignment=locked, venue=venue, defaults={"status": status, "note": note, "by": user})
        _record(user, E.PROGRESS, locked.task, locked, venue=venue, result=status, note=note)
    return progress


def unreported(assignment):
    """The venues of the part with no report yet."""
    return part_venues(assignment).exclude(pk__in=assignment.progress.values("venue_id"))


def finish(assignment, user, summary):
    """Close one's part with a summary, once every venue of the part has a report."""
    summary = (summary or "").strip()
    if not summary:
        raise TaskError(_("Please write a short summary of what was done."))
    with transaction.atomic():
        locked = _locked_part(assignment, user)
        if locked.status == A.DONE:
            return locked  # sent twice
        missing = unreported(locked).count()
        if missing:
            raise TaskError(_("%(count)s venues of your part have no report yet. Please report on each "
                              "of them first.") % {"count": missing})
        locked.status, locked.done_at, locked.done_by, locked.summary = A.DONE, timezone.now(), user, summary
        if locked.acknowledged_at is None:
            locked.acknowledged_at, locked.acknowledged_by = locked.done_at, user
        locked.save(update_fields=["status", "done_at", "done_by", "summary", "acknowledged_at",
                                   "acknowledged_by"])
        _record(user, E.DONE, locked.task, locked, note=summary)
    return locked


# --- The town office's steps ----------------------------------------------------------------------

def reopen(assignment, user, reason):
    """Send a part that is done back to its assignee, with the reason (the task opens again)."""
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_("Please give the reason for reopening."))
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=assignment.task_id)
        if not may_manage(user, task):
            raise PermissionDenied
        if task.cancelled_at is not None:
            raise TaskError(_("This task has been cancelled."))
        locked = (TaskAssignment.objects.select_for_update(of=("self",))
                  .select_related("area", "office", "person").get(pk=assignment.pk))
        if locked.status != A.DONE:
            return locked  # sent twice, or not done yet: nothing to reopen
        locked.status, locked.done_at, locked.done_by = A.ACKNOWLEDGED, None, None
        locked.save(update_fields=["status", "done_at", "done_by"])
        if task.closed_at is not None:
            task.closed_at = None
            task.save(update_fields=["closed_at"])
        _record(user, E.REOPEN, task, locked, note=reason)
    return locked


def close(task, user):
    """Close the whole task, once every part is done."""
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if not may_manage(user, locked):
            raise PermissionDenied
        if locked.closed_at is not None:
            return locked  # sent twice
        if locked.cancelled_at is not None:
            raise TaskError(_("This task has been cancelled."))
        if locked.assignments.exclude(status=A.DONE).exists():
            raise TaskError(_("Every assignee must finish their part before the task is closed."))
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        _record(user, E.CLOSE, locked)
    return locked


def _locked_open_task(task, user):
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if not may_manage(user, locked):
        raise PermissionDenied
    if locked.cancelled_at is not None:
        raise TaskError(_("This task has been cancelled."))
    if locked.closed_at is not None:
        raise TaskError(_("This task has been closed."))
    return locked


def cancel(task, user, reason):
    """Cancel the whole task with the reason: nobody works on it any more and it is never overdue."""
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_("Please give the reason for cancelling."))
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if not may_manage(user, locked):
            raise PermissionDenied
        if locked.cancelled_at is not None:
            return locked  # sent twice
        if locked.closed_at is not None:
            raise TaskError(_("This task has been closed."))
        locked.cancelled_at, locked.cancel_reason = timezone.now(), reason
        locked.save(update_fields=["cancelled_at", "cancel_reason"])
        _record(user, E.CANCEL, locked, note=reason)
    return locked


def withdraw(assignment, user, reason):
    """Take a part back from its assignee, with the reason (its reports go with it; the history
    keeps them). To reassign, add the new assignee."""
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_("Please give the reason for withdrawing the part."))
    with transaction.atomic():
        locked_task = _locked_open_task(assignment.task, user)
        locked = (TaskAssignment.objects.select_for_update(of=("self",))
                  .select_related("area", "office", "person")
                  .filter(pk=assignment.pk, task=locked_task).first())
        if locked is None:
            return None  # sent twice
        if locked_task.assignments.count() == 1:
            raise TaskError(_("A task needs at least one assignee: add the new one first, "
                              "or cancel the task."))
        _record(user, E.WITHDRAW, locked_task, locked, note=reason)
        locked.delete()
    return locked_task


def add_assignees(task, user, areas=(), offices=(), people=()):
    """Give an open task to more villages, offices or people (those it has already are skipped)."""
    areas, offices, people = list(areas), list(offices), list(people)
    with transaction.atomic():
        locked = _locked_open_task(task, user)
        _check_choices(user, areas, offices, people)
        have = locked.assignments.all()
        areas = [a for a in areas if not have.filter(area=a).exists()]
        offices = [o for o in offices if not have.filter(office=o).exists()]
        people = [p for p in people if not have.filter(person=p).exists()]
        if not (areas or offices or people):
            raise TaskError(_("Please choose at least one village, office or person not yet given the task."))
        _add_parts(user, locked, areas, offices, people, action=E.ADD)
    return locked


def change_due(task, user, due_on, reason):
    """Move the due date, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise TaskError(_("Please give the reason for changing the due date."))
    if due_on < timezone.localdate():
        raise TaskError(_("The due date cannot be in the past."))
    with transaction.atomic():
        locked = _locked_open_task(task, user)
        if locked.due_on == due_on:
            return locked
        before = locked.due_on
        locked.due_on = due_on
        locked.save(update_fields=["due_on"])
        _record(user, E.DUE, locked, note=reason, before=before.isoformat(), after=due_on.isoformat())
    return locked
