"""督办: the town emergency office gives a task ("check every restaurant that uses gas for a
working alarm by 30 June") to villages or communities, offices or named staff, optionally with
a list of venues; each assignee acknowledges it, reports per venue and closes their part; the
town office closes the whole task. Nothing else changes a task's or an assignment's state.

The rules, each in one place:

- Who may give tasks: staff with ``dispatch_task`` (the town emergency office), choosing
  assignees and venues within their own scope (``dispatch``).
- Which tasks a person follows (``tasks_for``): a superuser every task; staff with
  ``view_task`` or ``dispatch_task`` (the town office, leaders) the tasks given by themselves or
  by staff working within their areas, and every task they are an assignee of; everyone else
  only the tasks they are an assignee of. Leaders read and change nothing.
- Who is an assignee (``assignments_for``, the one place): of a village or community, the staff
  whose areas lie within its subtree (its village staff and its grid workers); of an office, its
  staff; of a person, that person.
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
  again), and closes the whole task once every part is done. A task never closes itself.
- Overdue: a part not done whose task is due before today and not closed; a task is overdue
  when it is due before today and not closed (``overdue_q``).
- Nobody is sent a message: the message box and the text-message templates are the owners'
  (venues.notify, venues.sms); staff find their tasks on the task list and in their to-do list
  (``todo_counts``).

Every step locks its row (``select_for_update``), writes an AuditEntry on the task (the task's
page reads its history from them) and is safe to send twice."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from venues.access import areas_for, venues_for
from venues.models import (
    Area,
    AssignmentStatus,
    AuditEntry,
    ProgressStatus,
    Task,
    TaskAssignment,
    TaskProgress,
    Venue,
)

A = AssignmentStatus


class TaskError(Exception):
    """A step that cannot be taken now, with the reason for the person."""


# --- Who sees what --------------------------------------------------------------------------

def follows_tasks(user):
    """The town office and leaders: they follow every task given within their areas."""
    return user.is_active and (user.has_perm("venues.view_task") or user.has_perm("venues.dispatch_task"))


def assignments_for(user):
    """The parts of tasks ``user`` is an assignee of (see the module's docstring)."""
    rows = TaskAssignment.objects.all()
    if not user.is_authenticated or not user.is_active:
        return rows.none()
    mine = Q(person=user)
    profile = getattr(user, "staff_profile", None)
    if profile is not None:
        if profile.office_id:
            mine |= Q(office_id=profile.office_id)
        # A village's part belongs to whoever works in it or below it: the village's path is a
        # prefix of (or equal to) one of the person's areas' paths.
        steps = Area.steplen
        enclosing = {area.path[:end] for area in profile.areas.all()
                     for end in range(steps, len(area.path) + 1, steps)}
        if enclosing:
            mine |= Q(area__path__in=enclosing)
    return rows.filter(mine)


def assignee_name(assignment):
    """The village, office or person a part is given to, as staff read it."""
    if assignment.area_id:
        return assignment.area.name
    if assignment.office_id:
        return assignment.office.name
    return assignment.person.get_full_name()


def tasks_for(user):
    """The tasks ``user`` may read (see the module's docstring)."""
    tasks = Task.objects.all()
    if not user.is_authenticated or not user.is_active:
        return tasks.none()
    if user.is_superuser:
        return tasks
    mine = Q(pk__in=assignments_for(user).values("task_id"))
    if follows_tasks(user):
        givers = get_user_model().objects.filter(staff_profile__areas__in=areas_for(user)).values("pk")
        mine |= Q(created_by=user) | Q(created_by__in=givers)
    return tasks.filter(mine)


def may_dispatch(user):
    return user.is_active and user.has_perm("venues.dispatch_task")


def may_manage(user, task):
    """Close the task, reopen a part: the town office, for the tasks it follows."""
    return may_dispatch(user) and tasks_for(user).filter(pk=task.pk).exists()


def part_venues(assignment):
    """The venues of the task's list that belong to this part (whoever acts)."""
    venues = assignment.task.venues.all()
    if assignment.area_id:
        return venues.filter(area__path__startswith=assignment.area.path)
    if assignment.office_id:
        if assignment.office.is_town_office:
            return venues
        kinds = assignment.office.kinds.all()
        led = Venue.objects.filter(Q(kind__in=kinds) | Q(other_kinds__in=kinds)).values("pk")
        return venues.filter(pk__in=led)
    return venues_for(assignment.person, venues)


def venues_to_report(assignment, user):
    """The venues of the part that ``user`` reports on: those of them they may see."""
    return venues_for(user, part_venues(assignment))


def overdue_q(today=None, prefix=""):
    """Tasks (``prefix`` "task__" from assignments) due before today and not closed."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}due_on__lt": today, f"{prefix}closed_at__isnull": True})


def part_overdue_q(today=None):
    """Parts not done whose task is overdue."""
    return overdue_q(today, "task__") & ~Q(status=A.DONE)


def todo_counts(user, today=None):
    """What the staff to-do list counts for tasks: the person's own parts not yet done, and of
    them those overdue; for those who follow tasks, the overdue tasks they follow."""
    today = today or timezone.localdate()
    open_parts = assignments_for(user).exclude(status=A.DONE).filter(task__closed_at__isnull=True)
    counts = {"tasks_mine": open_parts.count(),
              "tasks_mine_overdue": open_parts.filter(task__due_on__lt=today).count()}
    if follows_tasks(user):
        counts["tasks_overdue"] = tasks_for(user).filter(overdue_q(today)).count()
    return counts


def _audit(user, action, task, **detail):
    AuditEntry.objects.create(actor=user, action=f"task.{action}", object_type="task",
                              object_id=str(task.pk), detail=detail)


# --- Giving a task ----------------------------------------------------------------------------

def dispatch(user, *, title, description, due_on, areas=(), offices=(), people=(), venues=None,
             submission_id):
    """Give a task. ``venues`` (a queryset or None) is the list to report on, limited here to
    what ``user`` may see; the assignees were chosen from ``user``'s scope by the form. The same
    form sent twice gives the task once."""
    existing = Task.objects.filter(submission_id=submission_id, created_by=user).first()
    if existing is not None:
        return existing
    if not may_dispatch(user):
        raise PermissionDenied
    if not (areas or offices or people):
        raise TaskError(_("Please choose at least one village, office or person."))
    if due_on < timezone.localdate():
        raise TaskError(_("The due date cannot be in the past."))
    try:
        with transaction.atomic():
            task = Task.objects.create(title=title, description=description, due_on=due_on, created_by=user,
                                       submission_id=submission_id)
            TaskAssignment.objects.bulk_create(
                [TaskAssignment(task=task, area=area) for area in areas]
                + [TaskAssignment(task=task, office=office) for office in offices]
                + [TaskAssignment(task=task, person=person) for person in people])
            if venues is not None:
                task.venues.set(venues_for(user, venues).values_list("pk", flat=True))
            _audit(user, "dispatch", task, assignees=task.assignments.count(), venues=task.venues.count())
    except IntegrityError:
        existing = Task.objects.filter(submission_id=submission_id, created_by=user).first()
        if existing is None:
            raise
        return existing
    return task


# --- An assignee's steps ------------------------------------------------------------------------

def _locked_part(assignment, user):
    """The part, locked, if ``user`` is its assignee and its task is open."""
    locked = (TaskAssignment.objects.select_for_update(of=("self",)).select_related("task", "area", "office")
              .get(pk=assignment.pk))
    if not assignments_for(user).filter(pk=locked.pk).exists():
        raise PermissionDenied
    if locked.task.closed_at is not None:
        raise TaskError(_("This task has been closed."))
    return locked


def _acknowledge(locked, user):
    locked.status, locked.acknowledged_at, locked.acknowledged_by = A.ACKNOWLEDGED, timezone.now(), user
    locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _audit(user, "acknowledge", locked.task, assignment=locked.pk)


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
        _audit(user, "progress", locked.task, assignment=locked.pk, venue=venue.pk, result=status)
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
        _audit(user, "done", locked.task, assignment=locked.pk)
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
        locked = TaskAssignment.objects.select_for_update().get(pk=assignment.pk)
        if locked.status != A.DONE:
            return locked  # sent twice, or not done yet: nothing to reopen
        locked.status, locked.done_at, locked.done_by = A.ACKNOWLEDGED, None, None
        locked.save(update_fields=["status", "done_at", "done_by"])
        if task.closed_at is not None:
            task.closed_at = None
            task.save(update_fields=["closed_at"])
        _audit(user, "reopen", task, assignment=locked.pk, reason=reason)
    return locked


def close(task, user):
    """Close the whole task, once every part is done."""
    with transaction.atomic():
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if not may_manage(user, locked):
            raise PermissionDenied
        if locked.closed_at is not None:
            return locked  # sent twice
        if locked.assignments.exclude(status=A.DONE).exists():
            raise TaskError(_("Every assignee must finish their part before the task is closed."))
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
        _audit(user, "close", locked)
    return locked
