import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import RICH_TEXT_FEATURES, BodyBlock, EntranceBlock
from .search import SegmentedSearchMixin, html_text, stream_text


class HomePage(SegmentedSearchMixin, Page):
    """The front door: what the programme is, the latest notices and the entrances."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    entrances = StreamField(
        [("entrance", EntranceBlock())], verbose_name=_("entrances"), blank=True
    )
    body = StreamField(BodyBlock(), verbose_name=_("more content"), blank=True)

    content_panels = [*Page.content_panels, "intro", "entrances", "body"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def search_text_parts(self):
        return [*super().search_text_parts(), html_text(self.intro), stream_text(self.body)]

    def get_context(self, request, *args, **kwargs):
        from notices.models import NoticePage

        context = super().get_context(request, *args, **kwargs)
        context["latest_notices"] = NoticePage.objects.latest_public()[:5]
        return context


class StandardPage(SegmentedSearchMixin, Page):
    """General content such as the implementation plan: headings, text, images, documents,
    tables and callouts."""

    intro = models.TextField(_("summary"), blank=True, max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def search_text_parts(self):
        return [*super().search_text_parts(), self.intro, stream_text(self.body)]


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What the footer of every page shows; the law requires the filing numbers."""

    organiser = models.CharField(_("organiser"), max_length=100, blank=True)
    address = models.CharField(_("contact address"), max_length=200, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=60, blank=True)
    psb_number = models.CharField(_("public security filing number"), max_length=60, blank=True)
    site_code = models.CharField(_("website identifier"), max_length=40, blank=True)
    report_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("hazard report page"),
        help_text=_("Where the public card of a venue sends people who want to report a hazard."),
    )

    panels = [
        MultiFieldPanel(["organiser", "address", "phone"], heading=_("Contact")),
        MultiFieldPanel(["icp_number", "psb_number", "site_code"], heading=_("Filing")),
        "report_page",
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def phone_href(self):
        """The phone number as a tel: link, digits only (notes such as 示例 are dropped)."""
        digits = re.sub(r"\D", "", self.phone)
        return f"tel:{digits}" if digits else ""
