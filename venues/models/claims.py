import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# People type the code from paper on a phone: no look-alike characters.
CLAIM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CLAIM_LENGTH = 10


def new_claim_code():
    return "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_LENGTH))


def normalize_claim_code(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_claim_code(code):
    """Only a keyed hash is stored: the code itself is printed once and never kept."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalize_claim_code(code).encode(), hashlib.sha256).hexdigest()


class ClaimCode(models.Model):
    """A one-time code printed for the owner of a venue staff recorded, with which the
    owner takes the record over (venues.workflows.claims)."""

    wagtail_reference_index_ignore = True

    venue = models.ForeignKey("venues.Venue", on_delete=models.CASCADE, related_name="claim_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")

    def __str__(self):
        return f"{self.venue} ({self.created_at:%Y-%m-%d})"
