"""Self-checks (自查), the hazards they find, and the hazard loop: found → deadline →
rectified by the owner → verified by staff (closed 销号, or rejected and open again).

A self-check keeps the merged checklist it asked (``items``, a copy of the versions'
snapshots), so editing the templates never changes a past record. State changes go only
through venues.workflows.selfchecks and venues.workflows.hazards."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .checklists import RiskLevel, Severity
from .kinds import RefreshesSchedules, refresh_schedules_later
from .venues import private_storage


class SelfCheckStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("self-check status", "being filled in")
    SUBMITTED = "submitted", pgettext_lazy("self-check status", "submitted, awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("self-check status", "accepted")
    RETURNED = "returned", pgettext_lazy("self-check status", "returned")


class Answer(models.TextChoices):
    YES = "yes", pgettext_lazy("self-check answer", "in order")
    NO = "no", pgettext_lazy("self-check answer", "not in order")
    NOT_APPLICABLE = "na", pgettext_lazy("self-check answer", "does not apply")


class SelfCheck(models.Model):
    """One self-check of one venue. At most one is being filled in per venue at a time (the
    constraint below), so a double click or fifty identical requests find the same draft."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="selfchecks",
                              verbose_name=_("venue"))
    status = models.CharField(_("status"), max_length=12, choices=SelfCheckStatus.choices,
                              default=SelfCheckStatus.DRAFT, editable=False, db_index=True)
    versions = models.ManyToManyField("venues.ChecklistVersion", related_name="+",
                                      verbose_name=_("checklist versions"))
    # The merged checklist as it was asked (venues.checklists.merge of the versions).
    items = models.JSONField(_("items"), default=list, editable=False)
    due_on = models.DateField(_("was due on"), null=True, blank=True, editable=False)
    step = models.PositiveSmallIntegerField(_("groups completed"), default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("submitted by"))
    # 协助自查: a grid worker filled it in with the owner, who confirmed it on the worker's screen.
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("assisted by"))
    confirmed_by_name = models.CharField(_("confirmed by (owner's name)"), max_length=50, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("reviewed by"))
    review_reason = models.TextField(_("reason for returning"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        constraints = [
            models.UniqueConstraint(fields=["venue"], condition=Q(status="draft"),
                                    name="one_selfcheck_draft_per_venue"),
        ]
        indexes = [
            models.Index(fields=["venue", "status", "submitted_at"]),
            # The self-checks waiting for staff: few among millions (to-do list, review list).
            models.Index(fields=["venue"], condition=Q(status="submitted"), name="selfcheck_awaiting_review"),
            # The staff list's orders, read from either end: by status, and all of them.
            models.Index(fields=["status", "submitted_at", "id"], name="selfcheck_status_order"),
            models.Index(fields=["submitted_at", "id"], name="selfcheck_order"),
        ]
        permissions = [
            ("review_selfcheck", _("Can accept or return self-checks")),
            ("assist_selfcheck", _("Can fill in a self-check with an owner")),
        ]

    def __str__(self):
        return f"{self.venue}: {self.created_at:%Y-%m-%d}"

    @property
    def assisted(self):
        return self.assisted_by_id is not None

    def groups(self):
        """The items by group, in order: [(group name, [item, ...]), ...]."""
        groups = {}
        for item in self.items:
            groups.setdefault(item["group"], []).append(item)
        return list(groups.items())

    def item(self, code):
        return next((item for item in self.items if item["code"] == code), None)


class SelfCheckAnswer(models.Model):
    wagtail_reference_index_ignore = True

    selfcheck = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(_("item"), max_length=40)
    answer = models.CharField(_("answer"), max_length=3, choices=Answer.choices)
    note = models.TextField(_("what is wrong"), blank=True)
    interim_measure = models.TextField(
        _("interim measure"), blank=True,
        help_text=_("For a major hazard: what keeps people safe until it is fixed."),
    )

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["selfcheck", "code"], name="one_answer_per_item")]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.code}: {self.answer}"


class HazardSource(models.TextChoices):
    SELFCHECK = "selfcheck", pgettext_lazy("hazard source", "self-check")
    PATROL = "patrol", pgettext_lazy("hazard source", "patrol")
    PUBLIC = "public", pgettext_lazy("hazard source", "public report")


class HazardStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("hazard status", "to be fixed")
    RECTIFIED = "rectified", pgettext_lazy("hazard status", "fixed, awaiting re-check")
    CLOSED = "closed", pgettext_lazy("hazard status", "closed")


class Hazard(models.Model):
    """A hazard found at a venue, followed until it is closed (销号). Overdue is derived: open
    with its deadline passed (``Hazard.overdue_q``)."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="hazards",
                              verbose_name=_("venue"))
    source = models.CharField(_("found by"), max_length=12, choices=HazardSource.choices)
    patrol = models.ForeignKey("venues.Patrol", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="hazards", verbose_name=_("patrol"))
    selfcheck = models.ForeignKey(SelfCheck, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="hazards", verbose_name=_("self-check"))
    item_code = models.SlugField(_("item"), max_length=40, blank=True)
    item_question = models.CharField(_("checklist question"), max_length=200, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, db_index=True)
    description = models.TextField(_("description"))
    interim_measure = models.TextField(_("interim measure"), blank=True)
    deadline = models.DateField(_("fix by"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=HazardStatus.choices,
                              default=HazardStatus.OPEN, editable=False, db_index=True)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 related_name="+", verbose_name=_("recorded by"))
    rectified_at = models.DateTimeField(_("fixed"), null=True, blank=True)
    rectification_note = models.TextField(_("what was done"), blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("hazard", "closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("closed by"))

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        constraints = [
            # One hazard per failed item of a self-check, however often the submission is sent.
            models.UniqueConstraint(fields=["selfcheck", "item_code"], condition=Q(selfcheck__isnull=False),
                                    name="one_hazard_per_selfcheck_item"),
        ]
        indexes = [
            models.Index(fields=["venue", "status", "deadline"]),
            # Hazards not yet closed, across a scope (to-do list, hazard list): most are closed.
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline"),
        ]
        permissions = [("verify_hazard", _("Can re-check and close hazards"))]

    def __str__(self):
        return f"{self.venue}: {self.item_question or self.description[:30]}"

    # The one rule for "overdue": open, its deadline passed, at a venue that is trading (the
    # hazards of a closed venue are not chased).
    @staticmethod
    def overdue_q(today, prefix=""):
        """Overdue hazards as a filter (``prefix`` for lookups from a related model, e.g.
        "hazards__" from Venue)."""
        return Q(**{f"{prefix}status": HazardStatus.OPEN, f"{prefix}deadline__lt": today,
                    f"{prefix}venue__status": "approved"})

    def is_overdue(self, today=None):
        from django.utils import timezone

        today = today or timezone.localdate()
        return (self.status == HazardStatus.OPEN and self.deadline < today
                and self.venue.status == "approved")


class HazardAction(models.TextChoices):
    FOUND = "found", pgettext_lazy("hazard action", "found")
    RECTIFIED = "rectified", pgettext_lazy("hazard action", "reported fixed")
    ACCEPTED = "accepted", pgettext_lazy("hazard action", "re-checked and closed")
    REJECTED = "rejected", pgettext_lazy("hazard action", "re-checked, not fixed")
    FOUND_AGAIN = "again", pgettext_lazy("hazard action", "found again")


class HazardEvent(models.Model):
    """The hazard's history: who did what, when, and why."""

    wagtail_reference_index_ignore = True

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=12, choices=HazardAction.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("hazard history")
        verbose_name_plural = _("hazard history")

    def __str__(self):
        return f"{self.hazard_id}: {self.action}"


class EvidenceStage(models.TextChoices):
    BEFORE = "before", pgettext_lazy("evidence photo", "before")
    AFTER = "after", pgettext_lazy("evidence photo", "after")


def evidence_path(photo, filename):
    return f"evidence/{photo.venue_id}/{filename}"


class EvidencePhoto(models.Model):
    """A photo of a failed item (before) or of its fix (after), re-encoded by venues.photos
    and kept in private storage; served only to those who may see the venue."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="evidence")
    answer = models.ForeignKey(SelfCheckAnswer, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="photos")
    patrol_answer = models.ForeignKey("venues.PatrolAnswer", on_delete=models.CASCADE, null=True,
                                      blank=True, related_name="photos")
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="photos")
    stage = models.CharField(_("when"), max_length=6, choices=EvidenceStage.choices,
                             default=EvidenceStage.BEFORE)
    file = models.FileField(storage=private_storage, upload_to=evidence_path,
                            max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("by"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")

    def __str__(self):
        return f"{self.venue_id}: {self.get_stage_display()}"


class ReminderKind(models.TextChoices):
    SELFCHECK_DUE = "due", _("self-check due soon")
    SELFCHECK_OVERDUE = "overdue", _("self-check overdue")
    HAZARD_OVERDUE = "hazard", _("hazard overdue")


class Reminder(models.Model):
    """A reminder that was sent: one per venue, kind and due date (and hazard), so running
    the scheduler again sends nothing twice."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField()
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["venue", "kind", "due_on"], condition=Q(hazard__isnull=True),
                                    name="one_reminder_per_due_date"),
            models.UniqueConstraint(fields=["hazard", "kind", "due_on"], condition=Q(hazard__isnull=False),
                                    name="one_reminder_per_hazard_deadline"),
        ]

    def __str__(self):
        return f"{self.venue_id} {self.kind} {self.due_on}"


class RiskFactor(models.TextChoices):
    KIND = "kind", _("the venue is of one of these kinds")
    FLOOR_AREA = "floor_area", _("floor area at least (m²)")
    BEDS = "beds", _("beds at least")
    PEOPLE_SLEEP = "sleep", _("people sleep there (beds or a staff dormitory)")
    GAS = "gas", _("gas is used")
    OPEN_HAZARDS = "open", _("open hazards at least")
    OPEN_MAJOR = "open_major", _("open major hazards at least")
    OVERDUE_HAZARDS = "overdue", _("overdue hazards at least")
    SELFCHECK_OVERDUE = "selfcheck_overdue", _("the self-check is overdue")
    HAZARDS_PAST_YEAR = "past_year", _("hazards found in the past 12 months at least")


class RiskRule(RefreshesSchedules, models.Model):
    """One transparent rule: when the venue meets ``factor`` (with ``threshold`` where it
    takes a number), its risk level is at least ``level``, for the ``reason`` shown to staff
    and owner. The level is the highest any active rule gives; blue when none applies."""

    factor = models.CharField(_("when"), max_length=20, choices=RiskFactor.choices)
    threshold = models.PositiveIntegerField(_("number"), null=True, blank=True,
                                            help_text=_("For the factors that say “at least”."))
    kinds = models.ManyToManyField("venues.VenueKind", blank=True, related_name="+",
                                   verbose_name=_("kinds"), help_text=_("For the factor “kind”."))
    level = models.CharField(_("level at least"), max_length=10, choices=RiskLevel.choices)
    reason = models.CharField(_("reason shown"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")

    def __str__(self):
        return self.reason

    def clean(self):
        super().clean()
        counted = {RiskFactor.FLOOR_AREA, RiskFactor.BEDS, RiskFactor.OPEN_HAZARDS, RiskFactor.OPEN_MAJOR,
                   RiskFactor.OVERDUE_HAZARDS, RiskFactor.HAZARDS_PAST_YEAR}
        if self.factor in counted and not self.threshold:
            raise ValidationError({"threshold": _("This condition needs a number (1 or more).")})
        if self.factor not in counted and self.threshold is not None:
            raise ValidationError({"threshold": _("This condition takes no number; leave it empty.")})


@register_setting(icon="warning")
class SafetyRules(BaseGenericSetting):
    """The town office's settings for deadlines, reminders and self-check intervals."""

    general_days = models.PositiveSmallIntegerField(_("days to fix a general hazard"), default=7)
    major_days = models.PositiveSmallIntegerField(_("days to fix a major hazard"), default=30)
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind owners … days before a self-check is due"), default=3)
    red_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months at red risk"), null=True, blank=True,
        validators=[MinValueValidator(1)], help_text=_("Empty: the kind's own interval."))
    orange_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months at orange risk"), null=True, blank=True,
        validators=[MinValueValidator(1)], help_text=_("Empty: the kind's own interval."))
    selfchecks_start_on = models.DateField(
        _("self-checks began on"), null=True, blank=True,
        help_text=_("No venue's first self-check falls due earlier than one interval after this day "
                    "(set when the service started, so venues registered long before are not all "
                    "overdue at once)."))

    class Meta:
        verbose_name = _("safety rules")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_schedules_later()

    @classmethod
    def current(cls):
        """The rules in force, read without writing (Wagtail's load() would create the row on
        a GET): the defaults until the town office saves its own."""
        return cls.objects.first() or cls()

    def days_to_fix(self, severity):
        return self.major_days if severity == Severity.MAJOR else self.general_days
