from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Everyone who signs in. Staff sign in with their username; owners will sign in with
    their mobile number, which is therefore unique whenever it is present."""

    mobile = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True  # noqa: DJ001
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def save(self, *args, **kwargs):
        # An empty string would collide with other empty strings under the unique constraint.
        if not self.mobile:
            self.mobile = None
        super().save(*args, **kwargs)
