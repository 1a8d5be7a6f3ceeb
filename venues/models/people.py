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
    # When the password was last set, for the staff password period (等保); and the one
    # session a staff account limited to a single sign-in may hold.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    current_session_key = models.CharField(max_length=40, blank=True, editable=False)

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


class PasswordHistory(models.Model):
    """Hashes of a staff member's earlier passwords, so a recent one is not used again."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
