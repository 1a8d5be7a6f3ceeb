from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", pgettext_lazy("import status", "uploaded")
    IMPORTED = "imported", pgettext_lazy("import status", "imported")


class ImportBatch(models.Model):
    """One census spreadsheet being imported: its rows as read from the sheet (so no file
    is kept), the column mapping chosen, and what the import did. Once imported, it is
    never imported again (a second upload of the same sheet finds its rows as duplicates)."""

    wagtail_reference_index_ignore = True

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    headers = models.JSONField(_("column headings"), default=list)
    rows = models.JSONField(_("rows"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED,
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("census import")
        verbose_name_plural = _("census imports")

    def __str__(self):
        return self.file_name
