from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import MultiFieldPanel


class KindRule(models.TextChoices):
    """Which facts decide whether a venue of a kind is one of the nine small places."""

    FLOOR_AREA = "floor_area", _("floor area")
    SEATS = "seats", _("rated seats")
    BEDS = "beds", _("beds")
    ENTERTAINMENT = "entertainment", _("floors occupied and floor area")
    MEDICAL = "medical", _("type of medical venue and beds")
    EDUCATION = "education", _("type of school and beds or people")
    PRODUCTION = "production", _("staff or dormitory")


class VenueKind(models.Model):
    """One of the nine kinds of small venue. Names, criteria, offices and thresholds are data
    the town edits, because the lists differ between places; the slug is stable for code and
    URLs. Every limit is inclusive: the plan's 以下 includes the number itself."""

    slug = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    criteria = models.TextField(
        _("criteria"), blank=True,
        help_text=_("Which venues of this kind count as small places, in plain words."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    rule = models.CharField(
        _("deciding facts"), max_length=20, choices=KindRule.choices, default=KindRule.FLOOR_AREA
    )
    max_floor_area = models.DecimalField(
        _("largest floor area (m²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    max_seats = models.PositiveIntegerField(_("most rated seats"), null=True, blank=True)
    max_beds = models.PositiveIntegerField(
        _("most beds"), null=True, blank=True,
        help_text=_("For schools: boarding schools and kindergartens."),
    )
    max_floor = models.PositiveSmallIntegerField(
        _("highest floor above ground"), null=True, blank=True
    )
    max_people = models.PositiveIntegerField(
        _("most people (non-boarding schools)"), null=True, blank=True
    )
    max_nursery_people = models.PositiveIntegerField(
        _("most people (non-boarding kindergartens and nurseries)"), null=True, blank=True
    )
    max_staff = models.PositiveIntegerField(_("most staff"), null=True, blank=True)
    max_dorm = models.PositiveIntegerField(
        _("most people in a staff dormitory"), null=True, blank=True
    )
    selfcheck_interval_months = models.PositiveSmallIntegerField(
        _("self-check every … months"), default=1, validators=[MinValueValidator(1)],
        help_text=_("How often venues of this kind check themselves; 1 is monthly."),
    )

    panels = [
        MultiFieldPanel(["name", "slug", "criteria", "sort_order", "selfcheck_interval_months"],
                        heading=_("Kind")),
        MultiFieldPanel(
            ["rule", "max_floor_area", "max_seats", "max_beds", "max_floor", "max_people",
             "max_nursery_people", "max_staff", "max_dorm"],
            heading=_("Which venues count (every limit includes the number itself)"),
        ),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("venue kind")
        verbose_name_plural = _("venue kinds")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.reclassify_venues()
        refresh_schedules_later()

    def clean(self):
        from venues.rules.classification import REQUIRED_LIMITS

        missing = {
            name: ValidationError(_("This kind's rule needs this limit."))
            for name in REQUIRED_LIMITS.get(self.rule, [])
            if getattr(self, name) is None
        }
        if missing:
            raise ValidationError(missing)

    def reclassify_venues(self, batch_size=500):
        """Apply changed limits to every venue of this kind, in batches."""
        venues = self.venues.select_related("kind").order_by("pk")
        batch = []
        for venue in venues.iterator(chunk_size=batch_size):
            venue.kind = self
            venue.classify()
            batch.append(venue)
            if len(batch) == batch_size:
                type(venue).objects.bulk_update(batch, ["outside_nine", "classification_reasons"])
                batch = []
        if batch:
            type(batch[0]).objects.bulk_update(batch, ["outside_nine", "classification_reasons"])

    def lead_office_names(self):
        """The offices that lead this kind; the town emergency office where none does."""
        from venues.models import Office

        offices = list(self.lead_offices.all()) or list(Office.objects.filter(is_town_office=True))
        return "、".join(office.name for office in offices)

    def as_rule(self):
        """The kind as plain values for the classification rules (venues.rules)."""
        from venues.rules.classification import KindLimits

        return KindLimits(
            slug=self.slug, name=self.name, rule=self.rule,
            max_floor_area=self.max_floor_area, max_seats=self.max_seats,
            max_beds=self.max_beds, max_floor=self.max_floor, max_people=self.max_people,
            max_nursery_people=self.max_nursery_people, max_staff=self.max_staff,
            max_dorm=self.max_dorm,
        )


class RefreshesSchedules:
    """For rules and settings that due dates and levels read: saving or deleting one recomputes
    them all in the background once the change commits."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_schedules_later()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        refresh_schedules_later()
        return result


def refresh_schedules_later():
    """After a change to what due dates and risk levels read (a kind's interval, the risk
    rules, the safety rules): recompute them all in the background once the change commits."""
    from functools import partial

    from django.db import transaction

    from venues.tasks import refresh_schedules

    transaction.on_commit(partial(refresh_schedules.enqueue))
