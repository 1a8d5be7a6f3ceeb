"""告知: notices owners must acknowledge. A CMS page (a kind's 安全告知书, or a notice marked
"owners must acknowledge") gets a numbered version when it is first published, and again only
when a publication is marked "new version"; an owner acknowledges a version for each venue it
concerns. The rules are in venues.acknowledgements."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeVersion(models.Model):
    """One version of a notice that owners acknowledge: the page, its number (1, 2, …), when
    it was published and its title then."""

    wagtail_reference_index_ignore = True

    # Kept when the page is deleted: the record of who was told and who confirmed stays.
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("notice"),
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=255)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    # The publication that made it: publishing the same revision again never makes another.
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["page", "-number"]
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="notice_version_unique")]
        verbose_name = _("notice version")
        verbose_name_plural = _("notice versions")

    def __str__(self):
        return str(_("%(title)s (version %(number)s)")) % {"title": self.title, "number": self.number}


class Acknowledgement(models.Model):
    """An owner's confirmation that they have read a version of a notice, for one venue. One
    row per venue and version, so a double click or two holders at once never count twice."""

    wagtail_reference_index_ignore = True

    version = models.ForeignKey(
        NoticeVersion, on_delete=models.CASCADE, related_name="acknowledgements",
        verbose_name=_("notice version"),
    )
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.CASCADE, related_name="acknowledgements",
        verbose_name=_("venue"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("acknowledged by"),
    )
    at = models.DateTimeField(_("acknowledged"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["version", "venue"], name="acknowledgement_unique")]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")

    def __str__(self):
        return f"{self.venue}: {self.version}"
