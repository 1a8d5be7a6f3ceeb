from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SmsStatus(models.TextChoices):
    NONE = "", pgettext_lazy("text message", "not sent by text")
    QUEUED = "queued", pgettext_lazy("text message", "queued")
    SENT = "sent", pgettext_lazy("text message", "sent")
    FAILED = "failed", pgettext_lazy("text message", "failed")


class Message(models.Model):
    """A message in an owner's message box; kept, read or unread. Some are also sent as a
    text message (sms_template and sms_params), by a background task (venues.tasks)."""

    wagtail_reference_index_ignore = True

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages",
        verbose_name=_("recipient"),
    )
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.CASCADE, null=True, blank=True, related_name="messages",
        verbose_name=_("venue"),
    )
    # A notice the owner is asked to acknowledge (venues.acknowledgements): the message box
    # shows it with a button to confirm.
    notice_version = models.ForeignKey(
        "venues.NoticeVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("notice version"),
    )
    # A report of the owner's this message answers (venues.workflows.reports).
    report = models.ForeignKey(
        "venues.OwnerReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner's report"),
    )
    subject = models.CharField(_("subject"), max_length=100)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    sms_template = models.CharField(_("text message template"), max_length=50, blank=True)
    sms_params = models.JSONField(_("text message parameters"), default=dict, blank=True)
    sms_status = models.CharField(
        _("text message"), max_length=10, choices=SmsStatus.choices, default=SmsStatus.NONE,
        blank=True,
    )
    sms_sent_at = models.DateTimeField(_("text message sent"), null=True, blank=True)
    sms_error = models.CharField(_("text message error"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.subject
