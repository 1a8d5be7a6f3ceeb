"""Owners' rights over their personal data (PIPL arts. 44–46): requests to correct what we
hold, handled by staff. The rules are in venues.workflows.corrections."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# What the privacy notice promises: an answer within this many days.
ANSWER_WITHIN_DAYS = 15


class CorrectionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("correction", "waiting for staff")
    CORRECTED = "corrected", pgettext_lazy("correction", "corrected")
    DECLINED = "declined", pgettext_lazy("correction", "not corrected")


class CorrectionRequest(models.Model):
    """An owner's request to correct or complete data we hold about them or their venue."""

    wagtail_reference_index_ignore = True

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="correction_requests",
        verbose_name=_("requested by"),
    )
    # Empty: about the account itself (name, mobile number).
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.CASCADE, null=True, blank=True,
        related_name="correction_requests", verbose_name=_("venue"),
    )
    what = models.TextField(_("what is wrong and what it should be"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN,
    )
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    submission_id = models.UUIDField(unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self):
        return str(_("Correction request %(number)s")) % {"number": self.pk}

    @property
    def answer_due(self):
        return self.created_at + timedelta(days=ANSWER_WITHIN_DAYS)

    @property
    def is_open(self):
        return self.status == CorrectionStatus.OPEN
