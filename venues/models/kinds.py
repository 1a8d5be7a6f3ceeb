from django.db import models
from django.utils.translation import gettext_lazy as _


class VenueKind(models.Model):
    """One of the nine kinds of small venue. Names, criteria and offices are data the town
    edits, because the lists differ between places; the slug is stable for code and URLs."""

    slug = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    criteria = models.TextField(
        _("criteria"), blank=True,
        help_text=_("Which venues of this kind count as small places, in plain words."),
    )
    lead_offices = models.CharField(
        _("lead offices"), max_length=200, blank=True,
        help_text=_("The offices that lead supervision of this kind."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("venue kind")
        verbose_name_plural = _("venue kinds")

    def __str__(self):
        return self.name
