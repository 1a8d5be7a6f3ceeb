from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """Where a member of staff works: the areas whose subtrees they see and, for a lead
    office, the kinds it leads (they then see only those kinds within their areas)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
        verbose_name=_("user"),
    )
    office = models.CharField(_("office"), max_length=100, blank=True)
    areas = models.ManyToManyField("venues.Area", verbose_name=_("areas"), related_name="+")
    kinds = models.ManyToManyField(
        "venues.VenueKind", verbose_name=_("kinds led"), blank=True, related_name="+",
        help_text=_("Leave empty to see every kind within the areas."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)
