"""Self-check checklists. The town emergency office edits the items in the admin; each item
belongs to the kinds whose checklist includes it (items common to all kinds are one row, so a
venue of several kinds answers them once). What a self-check answered is an immutable
ChecklistVersion: a snapshot of a kind's items made when they are first used after a change
(venues.checklists), so editing an item never changes a past record."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    GENERAL = "general", pgettext_lazy("hazard severity", "general")
    MAJOR = "major", pgettext_lazy("hazard severity", "major")


class IntegrityLevel(models.TextChoices):
    """Best first: the order is used to find the worst level any rule gives."""

    A = "A", _("A (trustworthy)")
    B = "B", _("B (basically trustworthy)")
    C = "C", _("C (warning)")
    D = "D", _("D (seriously untrustworthy)")


class RiskLevel(models.TextChoices):
    # Ordered from lowest to highest: venues.risk compares by position.
    BLUE = "blue", pgettext_lazy("risk level", "blue (low)")
    YELLOW = "yellow", pgettext_lazy("risk level", "yellow (general)")
    ORANGE = "orange", pgettext_lazy("risk level", "orange (higher)")
    RED = "red", pgettext_lazy("risk level", "red (major)")


class ChecklistGroup(models.Model):
    """A heading that gathers items on the form (消防器材, 安全出口, 用电安全…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("checklist group")
        verbose_name_plural = _("checklist groups")

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    code = models.SlugField(
        _("code"), max_length=40, unique=True,
        help_text=_("Stays the same when the wording changes; past self-checks refer to it."),
    )
    group = models.ForeignKey(ChecklistGroup, on_delete=models.PROTECT, related_name="items",
                              verbose_name=_("group"))
    question = models.CharField(_("question"), max_length=200,
                                help_text=_("One question in plain words; 'yes' means it is in order."))
    guidance = models.TextField(_("what good looks like"), blank=True)
    picture = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("picture of what good looks like"),
    )
    basis = models.TextField(_("legal or standard basis"), blank=True)
    allow_not_applicable = models.BooleanField(_("may be answered 'does not apply'"), default=False)
    photo_required_on_fail = models.BooleanField(_("photo required when not in order"), default=True)
    severity = models.CharField(_("severity of a failure"), max_length=10, choices=Severity.choices,
                                default=Severity.GENERAL)
    kinds = models.ManyToManyField("venues.VenueKind", related_name="checklist_items",
                                   verbose_name=_("kinds whose checklist includes it"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True,
                                 help_text=_("Untick to take the item off future self-checks."))

    class Meta:
        ordering = ["group__sort_order", "sort_order", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self):
        return self.question

    def snapshot(self):
        """What a self-check keeps of the item, as it reads now."""
        return {
            "code": self.code, "group": self.group.name, "group_code": self.group.code,
            "group_order": self.group.sort_order,
            "question": self.question, "guidance": self.guidance,
            "picture": self.picture_id, "basis": self.basis,
            "allow_not_applicable": self.allow_not_applicable,
            "photo_required_on_fail": self.photo_required_on_fail, "severity": self.severity,
            "order": self.sort_order,
        }


class ChecklistVersion(models.Model):
    """A kind's checklist as it was when used: never changed once written."""

    wagtail_reference_index_ignore = True

    kind = models.ForeignKey("venues.VenueKind", on_delete=models.PROTECT, related_name="checklist_versions",
                             verbose_name=_("kind"))
    number = models.PositiveIntegerField(_("version"))
    items = models.JSONField(_("items"), default=list)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="one_number_per_kind")]
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")

    def __str__(self):
        return f"{self.kind} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a checklist version is never changed")
        super().save(*args, **kwargs)
