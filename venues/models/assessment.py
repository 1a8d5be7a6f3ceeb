"""考核激励: what the dashboards and the monthly scorecards need besides the records they count —
the census's expected number of venues per village (the denominator of registration coverage),
the scorecard's weights (edited by the town office) and each closed month's scorecards, stored
when the month closes so that later edits of the weights or of the data never rewrite a published
month. The figures themselves are computed in venues.figures, the scorecards in
venues.scorecards. Only outcomes are counted: nothing here records sign-ins, clicks, time online
or numbers of patrols."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .areas import AreaLevel


class VillageCensus(models.Model):
    """How many small venues a village's or community's own census counted: registration
    coverage is the approved venues against this number. Village staff enter it for their
    villages, the town office for any."""

    wagtail_reference_index_ignore = True

    area = models.OneToOneField(
        "venues.Area", on_delete=models.CASCADE, related_name="census",
        limit_choices_to={"level": AreaLevel.VILLAGE}, verbose_name=_("village or community"),
    )
    expected = models.PositiveIntegerField(_("venues counted in the census"))
    counted_on = models.DateField(_("census date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("village census count")
        verbose_name_plural = _("village census counts")
        permissions = [("view_dashboard", _("Can see the supervision dashboards"))]

    def __str__(self):
        return f"{self.area}: {self.expected}"

    def clean(self):
        super().clean()
        if self.area_id and self.area.level != AreaLevel.VILLAGE:
            raise ValidationError({"area": _("Census counts are entered for a village or community.")})


def _weight(label):
    return models.PositiveSmallIntegerField(label, default=20, validators=[MaxValueValidator(100)])


class ScoreWeights(models.Model):
    """The scorecard's weights, one row (``current()``). The score of a village or office is
    the weighted mean of its outcome rates (venues.scorecards.FORMULA); a rate with nothing to
    measure in the month is left out and the others' weights count in its place."""

    wagtail_reference_index_ignore = True

    coverage = _weight(_("registration coverage"))
    selfchecks_on_time = _weight(_("self-checks done on time"))
    hazards_not_overdue = _weight(_("open hazards within their deadline"))
    rectified_in_time = _weight(_("hazards fixed in time and verified"))
    major_in_time = _weight(_("major hazards fixed in time and verified"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("changed by"),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    FIELDS = ["coverage", "selfchecks_on_time", "hazards_not_overdue", "rectified_in_time", "major_in_time"]

    class Meta:
        verbose_name = _("scorecard weights")
        verbose_name_plural = _("scorecard weights")

    def __str__(self):
        return str(self._meta.verbose_name)

    def clean(self):
        super().clean()
        if not any(getattr(self, name) for name in self.FIELDS):
            raise ValidationError(_("At least one weight must be more than zero."))

    @classmethod
    def current(cls):
        """The weights in use: the saved row, or the defaults (not saved, so reading a page
        writes nothing) until the town office first saves them, as row 1."""
        return cls.objects.order_by("pk").first() or cls(pk=1)

    def as_dict(self):
        return {name: getattr(self, name) for name in self.FIELDS}


class Scorecard(models.Model):
    """One village's or one lead office's scorecard for a closed month, as published: the
    figures it was computed from ({measure: [count, out of]}), the weights then, the score, its
    rank among its peers and whether it won the month's red flag (流动红旗). Written once by
    venues.scorecards.freeze and never recomputed."""

    wagtail_reference_index_ignore = True

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    area = models.ForeignKey(
        "venues.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="scorecards",
        verbose_name=_("village or community"),
    )
    office = models.ForeignKey(
        "venues.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="scorecards",
        verbose_name=_("lead office"),
    )
    # The name then, so the published month reads as it did when an area or office is renamed.
    name = models.CharField(_("name"), max_length=100)
    figures = models.JSONField(_("figures"), default=dict)
    weights = models.JSONField(_("weights"), default=dict)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    red_flag = models.BooleanField(_("red flag"), default=False)
    frozen_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "office", "rank", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(area__isnull=False, office__isnull=True)
                           | Q(area__isnull=True, office__isnull=False)),
                name="scorecard_area_or_office",
            ),
            models.UniqueConstraint(fields=["month", "area"], condition=Q(area__isnull=False),
                                    name="scorecard_month_area"),
            models.UniqueConstraint(fields=["month", "office"], condition=Q(office__isnull=False),
                                    name="scorecard_month_office"),
        ]
        indexes = [models.Index(fields=["red_flag", "-month"], name="scorecard_red_flags")]
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")

    def __str__(self):
        return f"{self.name} {self.month:%Y-%m}"
