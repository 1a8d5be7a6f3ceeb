"""督办: tasks the town emergency office gives to villages, offices or named staff ("check every
restaurant that uses gas for a working alarm by 30 June"), optionally with a list of venues.
Each assignee acknowledges, reports progress per venue and closes their part
(venues.workflows.tasks)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Task(models.Model):
    wagtail_reference_index_ignore = True

    title = models.CharField(_("task"), max_length=100)
    description = models.TextField(_("what to do"), max_length=4000)
    due_on = models.DateField(_("due by"), db_index=True)
    venues = models.ManyToManyField("venues.Venue", blank=True, related_name="tasks",
                                    verbose_name=_("venues"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("given by"))
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    submission_id = models.UUIDField(unique=True, editable=False)
    closed_at = models.DateTimeField(pgettext_lazy("task", "closed"), null=True, blank=True)
    # The scope the task was given in: the dispatcher's area (for a superuser the common area of
    # the assignees, or null: the whole register). Who follows the task is decided by it.
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("given within"))
    cancelled_at = models.DateTimeField(pgettext_lazy("task", "cancelled"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, max_length=500)

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("dispatch_task", "Can give and follow tasks (督办)"),
                       ("work_task", "Can work on tasks given to them")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", pgettext_lazy("task", "not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("task", "in hand")
    DONE = "done", pgettext_lazy("task", "done")


class TaskAssignment(models.Model):
    """One assignee of a task: a village (its staff), an office (its staff) or a person."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("village or community"))
    office = models.ForeignKey("venues.Office", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("office"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    summary = models.TextField(_("summary"), blank=True, max_length=4000)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(area__isnull=False, office__isnull=True, person__isnull=True)
                           | models.Q(area__isnull=True, office__isnull=False, person__isnull=True)
                           | models.Q(area__isnull=True, office__isnull=True, person__isnull=False)),
                name="assignment_has_one_assignee"),
            models.UniqueConstraint(fields=["task", "area"], name="one_assignment_per_area"),
            models.UniqueConstraint(fields=["task", "office"], name="one_assignment_per_office"),
            models.UniqueConstraint(fields=["task", "person"], name="one_assignment_per_person"),
        ]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")

    def __str__(self):
        return str(self.area or self.office or self.person)


class ProgressStatus(models.TextChoices):
    DONE = "done", pgettext_lazy("task progress", "done")
    PROBLEM = "problem", pgettext_lazy("task progress", "done, problem found")
    NOT_POSSIBLE = "not_possible", pgettext_lazy("task progress", "could not be done")


class TaskProgress(models.Model):
    """What an assignee reports for one venue of the task (the latest report counts)."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="progress")
    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("venue"))
    status = models.CharField(_("result"), max_length=12, choices=ProgressStatus.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("reported"), auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "venue"], name="one_progress_per_venue")]
        verbose_name = _("task progress")
        verbose_name_plural = _("task progress")

    def __str__(self):
        return f"{self.venue_id}: {self.status}"


class TaskEventAction(models.TextChoices):
    DISPATCH = "dispatch", pgettext_lazy("task event", "given")
    ACKNOWLEDGE = "acknowledge", pgettext_lazy("task event", "acknowledged")
    PROGRESS = "progress", pgettext_lazy("task event", "reported on a venue")
    DONE = "done", pgettext_lazy("task event", "part done")
    REOPEN = "reopen", pgettext_lazy("task event", "part reopened")
    CLOSE = "close", pgettext_lazy("task event", "task closed")
    CANCEL = "cancel", pgettext_lazy("task event", "task cancelled")
    WITHDRAW = "withdraw", pgettext_lazy("task event", "part withdrawn")
    ADD = "add", pgettext_lazy("task event", "assignee added")
    DUE = "due", pgettext_lazy("task event", "due date changed")


class TaskEvent(models.Model):
    """One step in a task's history, written with the change itself and kept as long as the task
    (audit entries are purged after the retention period)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(TaskAssignment, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="events")
    part = models.CharField(_("assignee"), max_length=200, blank=True)
    venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("venue"))
    action = models.CharField(_("step"), max_length=12, choices=TaskEventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    result = models.CharField(_("result"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("task event")
        verbose_name_plural = _("task events")

    def __str__(self):
        return f"{self.task_id}: {self.action}"
