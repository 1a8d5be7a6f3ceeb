from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableAudit(Exception):
    """The application never changes or deletes audit entries."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableAudit("audit entries cannot be changed")

    def delete(self):
        raise ImmutableAudit("audit entries are removed only by the purge_audit command")

    def purge_before(self, moment):
        """Remove entries older than ``moment`` (the retention command's only way)."""
        return models.QuerySet.delete(self.filter(at__lt=moment))


class AuditOutcome(models.TextChoices):
    OK = "ok", _("succeeded")
    FAILED = "failed", _("failed")
    REFUSED = "refused", _("refused")


class AuditEntry(models.Model):
    """Who did what to which record, when, from where, with what outcome. Written through
    venues.audit (or by workflow modules, whose entries take the request in context);
    never edited or deleted by the application."""

    wagtail_reference_index_ignore = True

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=50, db_index=True)
    object_type = models.CharField(_("record type"), max_length=50)
    object_id = models.CharField(_("record"), max_length=50)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AuditOutcome.choices,
                               default=AuditOutcome.OK)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        permissions = [("export_auditentry", _("Can export the audit log"))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._request = request

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableAudit("audit entries cannot be changed")
        from venues.audit import areas_of, client_address, current_request, role_of

        request = self._request or current_request()
        actor = self.actor if self.actor_id else None
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = self.actor = user
        self.role = self.role or role_of(actor)
        self.area = self.area or areas_of(actor)
        self.address = self.address or client_address(request)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableAudit("audit entries are removed only by the purge_audit command")
