from django.db import models
from django.utils.translation import gettext_lazy as _


class CodePurpose(models.TextChoices):
    SIGN_UP = "sign_up", _("sign up")
    RESET_PASSWORD = "reset_password", _("reset the password")
    CHANGE_MOBILE = "change_mobile", _("change the mobile number")


class VerificationCode(models.Model):
    """A 6-digit code sent by text message (venues.workflows.codes): stored hashed, valid
    for 10 minutes, 5 tries, used once."""

    wagtail_reference_index_ignore = True

    mobile = models.CharField(_("mobile number"), max_length=11, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    sent_from = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")

    def __str__(self):
        return f"{self.mobile} {self.purpose} {self.sent_at:%Y-%m-%d %H:%M}"
