from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A town office (办室). The plan names a lead office for most kinds; a kind it names
    none for is led by the town emergency office. Staff of a lead office see only the kinds
    it leads; the town emergency office sees every kind."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    kinds = models.ManyToManyField(
        "venues.VenueKind", blank=True, related_name="lead_offices", verbose_name=_("kinds led"),
    )
    is_town_office = models.BooleanField(
        _("town emergency office"), default=False,
        help_text=_("Its staff see every kind, and it leads every kind no other office leads."),
    )

    class Meta:
        ordering = ["-is_town_office", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    """Where a member of staff works: the areas whose subtrees they see and their office
    (whose kinds limit what a lead office's staff see). Village staff and grid workers
    belong to no office and see every kind in their areas."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
        verbose_name=_("user"),
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
        verbose_name=_("office"),
        help_text=_("Leave empty for village or community staff and grid workers."),
    )
    areas = models.ManyToManyField("venues.Area", verbose_name=_("areas"), related_name="+")
    single_session = models.BooleanField(
        _("one sign-in at a time"), default=False,
        help_text=_("Signing in again ends the account's other session."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    def kinds_led(self):
        """The kinds this person is limited to, or None for every kind."""
        if self.office is None or self.office.is_town_office:
            return None
        return list(self.office.kinds.all())
