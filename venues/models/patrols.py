"""巡查: a grid worker's visit to a venue, checked against the venue's merged checklist.
Failed items become hazards exactly as in self-checks (venues.workflows.patrols). A visit
records what was found, never where the worker was or how long they were online."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .selfchecks import Answer


class Patrol(models.Model):
    """One visit. ``submission_id`` is made by the phone when the form is first opened, so a
    form sent again (a weak signal, a double tap, a sign-in in between) records one visit."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="patrols",
                              verbose_name=_("venue"))
    submission_id = models.UUIDField(unique=True, editable=False)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("checked by"))
    # The checklist as it was asked (a snapshot, like SelfCheck.items).
    items = models.JSONField(_("items"), default=list, editable=False)
    note = models.TextField(_("overall remarks"), blank=True, max_length=2000)
    visited_at = models.DateTimeField(_("visited"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        indexes = [models.Index(fields=["venue", "-visited_at"], name="patrol_venue_latest")]

    def __str__(self):
        return f"{self.venue_id}: {self.visited_at:%Y-%m-%d}"

    def item(self, code):
        return next((item for item in self.items if item["code"] == code), None)


class PatrolAnswer(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="answers")
    code = models.SlugField(_("item"), max_length=40)
    answer = models.CharField(_("answer"), max_length=3, choices=Answer.choices)
    note = models.TextField(_("what is wrong"), blank=True)
    interim_measure = models.TextField(_("interim measure"), blank=True)
    hazard = models.ForeignKey("venues.Hazard", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["patrol", "code"], name="one_patrol_answer_per_item")]
        verbose_name = _("patrol answer")
        verbose_name_plural = _("patrol answers")

    def __str__(self):
        return f"{self.code}: {self.answer}"
