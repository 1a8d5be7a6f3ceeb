"""群众举报: a hazard reported by anyone, with or without an account. The reporter follows it
with a lookup code; the area's staff turn it into a hazard on a venue or close it with a
reason the reporter sees (venues.workflows.public_reports). Who reported is never shown to
the venue: only staff who handle the report see the contact, and the hazard made from it
says only that it came from a public report."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.crypto import EncryptedCharField

from .venues import private_storage


class PublicReportStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("public report", "received, being looked into")
    HAZARD = "hazard", pgettext_lazy("public report", "confirmed, being fixed")
    FIXED = "fixed", pgettext_lazy("public report", "fixed")
    CLOSED = "closed", pgettext_lazy("public report", "closed")


class PublicReport(models.Model):
    wagtail_reference_index_ignore = True

    code = models.CharField(_("lookup code"), max_length=12, unique=True, editable=False)
    submission_id = models.UUIDField(unique=True, editable=False)
    venue = models.ForeignKey("venues.Venue", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="public_reports", verbose_name=_("venue"))
    area = models.ForeignKey("venues.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("village or community"))
    address = models.CharField(_("where"), max_length=200, blank=True)
    description = models.TextField(_("what is wrong"), max_length=2000)
    contact_name = EncryptedCharField(_("name"), max_length=500, blank=True)
    contact_phone = EncryptedCharField(_("phone"), max_length=500, blank=True)
    # A keyed hash of the sender's address, for the rate limit; never the address itself.
    sender = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=PublicReportStatus.choices,
                              default=PublicReportStatus.RECEIVED, db_index=True)
    reason = models.TextField(_("reason given to the reporter"), blank=True)
    hazard = models.ForeignKey("venues.Hazard", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="public_reports", verbose_name=_("hazard"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("handle_publicreport", "Can handle public hazard reports")]
        verbose_name = _("public hazard report")
        verbose_name_plural = _("public hazard reports")

    def __str__(self):
        return self.code


def report_photo_path(photo, filename):
    return f"public-reports/{photo.report_id}/{filename}"


class PublicReportPhoto(models.Model):
    """A photo sent with a report, re-encoded by venues.photos, in private storage; shown
    only to staff who may handle the report."""

    wagtail_reference_index_ignore = True

    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to=report_photo_path, max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self):
        return f"{self.report_id}: {self.pk}"
