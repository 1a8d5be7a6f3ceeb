"""诚信: each venue's integrity level (A best, D worst) from transparent rules the town office
edits, the owner's reply and request for a re-check, refusals to cooperate, and the serious-case
procedure (proposal with evidence → notice → objection period → a leader's decision →
publication of the fact where the rules say so → repair after a time of good conduct).

The level is computed in venues.integrity (the one place for the rule) and kept on the venue
(``integrity_level``, ``integrity_reasons``) like the risk level; states change only in
venues.workflows.integrity."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from .checklists import IntegrityLevel
from .kinds import RefreshesSchedules, refresh_schedules_later
from .venues import private_storage


class IntegrityFactor(models.TextChoices):
    """What a rule counts over the venue's record in the rules' window (IntegritySettings)."""

    SELFCHECKS_LATE = "selfchecks_late", _("self-checks late or missed at least")
    HAZARDS_LATE = "hazards_late", _("hazards not fixed by their deadline at least")
    MAJOR_HAZARDS = "major_hazards", _("major hazards found at least")
    REPEATED_ITEM = "repeated_item", _("the same checklist item failed at least … times")
    REFUSALS = "refusals", _("refusals to cooperate at least")


class IntegrityRule(RefreshesSchedules, models.Model):
    """One transparent rule: when the venue's record in the window reaches ``threshold`` of
    ``factor``, its level is at most ``level`` (so at least as bad), for the ``reason`` shown to
    staff and owner. The level is the worst any active rule gives; A when none applies. A
    serious case decided against the venue sets D until it is repaired."""

    factor = models.CharField(_("when"), max_length=20, choices=IntegrityFactor.choices)
    threshold = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    level = models.CharField(_("level at most"), max_length=1, choices=IntegrityLevel.choices)
    reason = models.CharField(_("reason shown"), max_length=100)
    active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("integrity rule")
        verbose_name_plural = _("integrity rules")

    def __str__(self):
        return self.reason

    def clean(self):
        super().clean()
        if self.level == IntegrityLevel.A:
            raise ValidationError({"level": _("A is the level when no rule applies; choose B, C or D.")})


@register_setting(icon="success")
class IntegritySettings(BaseGenericSetting):
    """The town office's settings for integrity levels: the window the rules count over, how
    the level changes the self-check interval, and the serious-case procedure's periods."""

    window_months = models.PositiveSmallIntegerField(
        _("rules count the past … months"), default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    a_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months at level A"), null=True, blank=True, default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Used when longer than the kind's own interval; a higher risk level still shortens it. "
                    "Empty: the kind's own interval."))
    c_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months at level C"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Used when shorter than the interval otherwise due. Empty: no change."))
    d_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months at level D"), null=True, blank=True, default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Used when shorter than the interval otherwise due. Empty: no change."))
    objection_days = models.PositiveSmallIntegerField(
        _("days the owner has to object to a serious-case notice"), default=7,
        validators=[MinValueValidator(1)])
    repair_months = models.PositiveSmallIntegerField(
        _("months of good conduct before a decided serious case is repaired"), default=12,
        validators=[MinValueValidator(1)])
    publish_decisions = models.BooleanField(
        _("publish the fact of an upheld serious-case decision on the public venue card"), default=True,
        help_text=_("Only the fact and its date are shown, never the reasons or any person's name; "
                    "it is removed when the case is repaired."))
    recheck_days = models.PositiveSmallIntegerField(
        _("days within which staff answer a request for a re-check"), default=15,
        validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("integrity settings")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_schedules_later()

    @classmethod
    def current(cls):
        """The settings in force, read without writing: the defaults until the town saves its own."""
        return cls.objects.first() or cls()


class Refusal(models.Model):
    """Staff record that a venue refused to cooperate (entry refused, a patrol or re-check
    obstructed, a required record withheld). Counted by the REFUSALS integrity rule."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="refusals",
                              verbose_name=_("venue"))
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("what happened"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # Made when the form is shown: a resent form records one refusal.
    submission_id = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("refusal to cooperate")
        verbose_name_plural = _("refusals to cooperate")

    def __str__(self):
        return f"{self.venue_id}: {self.occurred_on}"


class ReplyStatus(models.TextChoices):
    REPLIED = "replied", pgettext_lazy("integrity reply", "reply kept")
    REQUESTED = "requested", pgettext_lazy("integrity reply", "re-check requested")
    SCHEDULED = "scheduled", pgettext_lazy("integrity reply", "re-check scheduled")
    ANSWERED = "answered", pgettext_lazy("integrity reply", "re-check answered")


OPEN_RECHECK = (ReplyStatus.REQUESTED, ReplyStatus.SCHEDULED)


class IntegrityReply(models.Model):
    """The owner's reply to the level shown (kept beside it), with or without a request for a
    re-check, which staff schedule and answer. The level and reasons the owner replied to are
    kept as they were."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="integrity_replies",
                              verbose_name=_("venue"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("by"))
    text = models.TextField(_("reply"), max_length=2000)
    level = models.CharField(_("level replied to"), max_length=1, choices=IntegrityLevel.choices)
    reasons = models.JSONField(_("reasons replied to"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=ReplyStatus.choices, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    submission_id = models.UUIDField(unique=True, editable=False)
    recheck_on = models.DateField(_("re-check on"), null=True, blank=True)
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", verbose_name=_("scheduled by"))
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    level_after = models.CharField(_("level after the re-check"), max_length=1, blank=True,
                                   choices=IntegrityLevel.choices)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("integrity reply")
        verbose_name_plural = _("integrity replies")
        constraints = [
            # One re-check open per venue at a time: a second request while one is open is refused.
            models.UniqueConstraint(fields=["venue"], condition=Q(status__in=["requested", "scheduled"]),
                                    name="one_open_recheck_per_venue"),
        ]
        permissions = [("answer_integrityreply", _("Can schedule and answer integrity re-checks"))]

    def __str__(self):
        return f"{self.venue_id}: {self.get_status_display()}"


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("serious case", "proposed")
    NOTIFIED = "notified", pgettext_lazy("serious case", "owner notified")
    UPHELD = "upheld", pgettext_lazy("serious case", "decided: upheld")
    DISMISSED = "dismissed", pgettext_lazy("serious case", "decided: dismissed")
    WITHDRAWN = "withdrawn", pgettext_lazy("serious case", "withdrawn")
    REPAIRED = "repaired", pgettext_lazy("serious case", "repaired")


OPEN_CASE = (CaseStatus.PROPOSED, CaseStatus.NOTIFIED)


class SeriousCase(models.Model):
    """A serious case of untrustworthiness (严重失信) and its procedure, each step dated:
    proposed by staff with evidence → the owner notified, with ``objection_until`` → the owner's
    objection, if any → a leader's decision (upheld or dismissed) → while upheld, the venue's
    level is D and, where IntegritySettings.publish_decisions, the fact of the decision (never
    the reasons or names) is on the public card → repaired after ``repair_on`` with good conduct.
    The operator is kept as at the proposal, so the case follows the person across venues."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="serious_cases",
                              verbose_name=_("venue"))
    operator_name = models.CharField(_("operator"), max_length=50)
    operator_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    operator_mobile = models.CharField(_("operator's mobile"), max_length=11, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices,
                              default=CaseStatus.PROPOSED, editable=False, db_index=True)
    facts = models.TextField(_("facts and grounds"), max_length=5000)
    hazards = models.ManyToManyField("venues.Hazard", blank=True, related_name="+",
                                     verbose_name=_("hazards cited"))
    refusals = models.ManyToManyField(Refusal, blank=True, related_name="+", verbose_name=_("refusals cited"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    submission_id = models.UUIDField(unique=True, editable=False)
    notified_at = models.DateTimeField(_("owner notified"), null=True, blank=True)
    notified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("notified by"))
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    objection = models.TextField(_("owner's objection"), blank=True, max_length=5000)
    objected_at = models.DateTimeField(_("objection made"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision and its grounds"), blank=True, max_length=5000)
    published = models.BooleanField(_("fact published on the public card"), default=False, editable=False)
    repair_on = models.DateField(_("may be repaired from"), null=True, blank=True)
    repaired_at = models.DateTimeField(_("repaired"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    closed_note = models.TextField(_("note"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("serious case")
        verbose_name_plural = _("serious cases")
        constraints = [
            models.UniqueConstraint(fields=["venue"], condition=Q(status__in=["proposed", "notified"]),
                                    name="one_open_serious_case_per_venue"),
        ]
        permissions = [("decide_seriouscase", _("Can decide serious integrity cases"))]

    def __str__(self):
        return f"{self.venue_id}: {self.get_status_display()}"


def case_evidence_path(instance, filename):
    import uuid

    return f"cases/{instance.case.venue_id}/{uuid.uuid4().hex}.jpg"


class CaseEvidence(models.Model):
    """A photo attached to a serious-case proposal (re-encoded by venues.photos, private storage,
    served only to staff who may read the case)."""

    wagtail_reference_index_ignore = True

    case = models.ForeignKey(SeriousCase, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to=case_evidence_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("case evidence photo")
        verbose_name_plural = _("case evidence photos")

    def __str__(self):
        return f"{self.case_id}: {self.pk}"
