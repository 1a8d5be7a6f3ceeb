import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from .blocks import RICH_TEXT_FEATURES, BodyBlock, EntranceBlock
from .search import SegmentedSearchMixin, html_text, stream_text


class HomePage(SegmentedSearchMixin, Page):
    """The front door: what the programme is, the latest notices and the entrances."""

    # Served to anonymous visitors from the page cache (home.page_cache).
    anonymous_cache = True

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

    # Served to anonymous visitors from the page cache (home.page_cache).
    anonymous_cache = True

    intro = models.TextField(_("summary"), blank=True, max_length=400)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, "intro", "body"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage", "home.RegistrationPage", "home.PrivacyPage", "home.SelfCheckPage",
                     "home.HazardReportPage"]

    class Meta:
        verbose_name = _("standard page")

    def search_text_parts(self):
        return [*super().search_text_parts(), self.intro, stream_text(self.body)]


class RegistrationPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """The online registration of a venue by its owner (home.registration): the
    communications office edits its texts here; what owners enter goes into the register."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    venue_guidance = RichTextField(
        _("guidance: the venue"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the step asking for the venue's name, kind, address and size."),
    )
    licence_guidance = RichTextField(
        _("guidance: the licence"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the step asking for the business licence and credit code."),
    )
    people_guidance = RichTextField(
        _("guidance: the people"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the step asking for the operator and a contact person."),
    )
    photos_guidance = RichTextField(
        _("guidance: the photos"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the step for the storefront and licence photos."),
    )
    declare_guidance = RichTextField(
        _("guidance: checking and submitting"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the summary the owner checks before submitting."),
    )
    declaration = RichTextField(
        _("declaration"), features=RICH_TEXT_FEATURES,
        help_text=_("What the owner declares when submitting; they tick a box to confirm it."),
    )
    done_text = RichTextField(
        _("after submitting"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("What happens next, shown with the status of a submitted registration."),
    )

    content_panels = [
        *Page.content_panels, "intro",
        MultiFieldPanel(
            ["venue_guidance", "licence_guidance", "people_guidance", "photos_guidance",
             "declare_guidance"],
            heading=_("Guidance for each step"),
        ),
        "declaration", "done_text",
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("venue registration page")

    def search_text_parts(self):
        return [*super().search_text_parts(), html_text(self.intro)]

    # The owner's pages: home.registration holds the views.
    @path("", name="index")
    def index_view(self, request):
        from . import registration

        return registration.index(self, request)

    @path("new/", name="start")
    def start_view(self, request):
        from . import registration

        return registration.start(self, request)

    @path("<int:venue_id>/<slug:step>/", name="step")
    def step_view(self, request, venue_id, step):
        from . import registration

        return registration.step(self, request, venue_id, step)

    def serve_preview(self, request, mode_name):
        """Editors preview every text of the form on one page."""
        from django.template.response import TemplateResponse

        from . import registration

        context = self.get_context(request)
        context.update(title=self.title, steps=registration.STEPS, hide_owner_nav=True)
        return TemplateResponse(request, "home/registration/preview.html", context)


class SelfCheckPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """The owner's periodic self-check (自查) of a venue (home.selfcheck): the communications
    office edits its texts here; the answers go into venues' self-check records."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True,
                          help_text=_("Shown above the owner's venues and what is due."))
    guidance = RichTextField(
        _("guidance while checking"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown at the top of each group of questions, for example how to check and "
                    "when to answer “does not apply”."),
    )
    declaration = RichTextField(
        _("declaration"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the button that submits the self-check."),
    )
    done_text = RichTextField(
        _("after submitting"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("What happens next, shown once a self-check is submitted."),
    )
    rectify_guidance = RichTextField(
        _("guidance: reporting a hazard fixed"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown above the form where the owner reports a hazard fixed with photos."),
    )

    content_panels = [*Page.content_panels, "intro", "guidance", "declaration", "done_text",
                      "rectify_guidance"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("self-check page")

    def search_text_parts(self):
        return [*super().search_text_parts(), html_text(self.intro)]

    # The owner's pages: home.selfcheck holds the views.
    @path("", name="index")
    def index_view(self, request):
        from . import selfcheck

        return selfcheck.index(self, request)

    @path("start/<int:venue_id>/", name="start")
    def start_view(self, request, venue_id):
        from . import selfcheck

        return selfcheck.start(self, request, venue_id)

    @path("<int:check_id>/", name="status")
    def status_view(self, request, check_id):
        from . import selfcheck

        return selfcheck.status(self, request, check_id)

    @path("<int:check_id>/<int:group>/", name="group")
    def group_view(self, request, check_id, group):
        from . import selfcheck

        return selfcheck.group(self, request, check_id, group)

    @path("<int:check_id>/submit/", name="submit")
    def submit_view(self, request, check_id):
        from . import selfcheck

        return selfcheck.submit(self, request, check_id)

    @path("<int:check_id>/photo/<int:photo_id>/remove/", name="remove_photo")
    def remove_photo_view(self, request, check_id, photo_id):
        from . import selfcheck

        return selfcheck.remove_photo(self, request, check_id, photo_id)

    @path("<int:check_id>/discard/", name="discard")
    def discard_view(self, request, check_id):
        from . import selfcheck

        return selfcheck.discard(self, request, check_id)

    @path("hazard/<int:hazard_id>/", name="hazard")
    def hazard_view(self, request, hazard_id):
        from . import selfcheck

        return selfcheck.hazard(self, request, hazard_id)

    @path("venue/<int:venue_id>/history/", name="history")
    def history_view(self, request, venue_id):
        from . import selfcheck

        return selfcheck.history(self, request, venue_id)

    def serve_preview(self, request, mode_name):
        """Editors preview every text of the self-check on one page."""
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        context.update(title=self.title, hide_owner_nav=True)
        return TemplateResponse(request, "home/selfcheck/preview.html", context)


class HazardReportPage(RoutablePageMixin, SegmentedSearchMixin, Page):
    """群众举报: anyone reports a hazard, without an account, and follows it with a lookup code
    (venues.public_report_views holds the views). The communications office edits the texts."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True,
                          help_text=_("Shown above the report form."))
    done_text = RichTextField(
        _("after submitting"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("What happens next, shown with the lookup code once a report is sent."),
    )
    privacy_note = RichTextField(
        _("privacy note"), features=RICH_TEXT_FEATURES, blank=True,
        help_text=_("Shown beside the optional contact fields: who sees them and what they are used for."),
    )

    content_panels = [*Page.content_panels, "intro", "privacy_note", "done_text"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("hazard report page")

    def search_text_parts(self):
        return [*super().search_text_parts(), html_text(self.intro)]

    @path("", name="form")
    def form_view(self, request):
        from venues import public_report_views

        return public_report_views.report_form(self, request)

    @path("done/", name="done")
    def done_view(self, request):
        from venues import public_report_views

        return public_report_views.report_done(self, request)

    @path("lookup/", name="lookup")
    def lookup_view(self, request):
        from venues import public_report_views

        return public_report_views.report_lookup(self, request)


class PrivacyPage(SegmentedSearchMixin, Page):
    """The privacy notice: what is collected and why, how long it is kept, who sees it and how
    people exercise their rights. Owners read it before they register (the registration
    shows it and asks them to confirm); the footer of every page links to it."""

    # Served to anonymous visitors from the page cache (home.page_cache).
    anonymous_cache = True

    intro = models.TextField(_("summary"), blank=True, max_length=400)
    body = RichTextField(_("notice"), features=["h2", "h3", *RICH_TEXT_FEATURES])
    last_updated = models.DateField(_("last updated"))

    content_panels = [*Page.content_panels, "intro", "last_updated", "body"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("privacy notice")

    def search_text_parts(self):
        return [*super().search_text_parts(), self.intro, html_text(self.body)]


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
    privacy_page = models.ForeignKey(
        "home.PrivacyPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("privacy notice"),
        help_text=_("Linked from the footer of every page and shown to owners before they register."),
    )

    panels = [
        MultiFieldPanel(["organiser", "address", "phone"], heading=_("Contact")),
        MultiFieldPanel(["icp_number", "psb_number", "site_code"], heading=_("Filing")),
        PageChooserPanel("report_page", "home.HazardReportPage"), "privacy_page",
    ]

    class Meta:
        verbose_name = _("site settings")

    def clean(self):
        super().clean()
        page = self.report_page
        if page is not None and not issubclass(page.specific_class or object, HazardReportPage):
            raise ValidationError({"report_page": _("Please choose a hazard report page.")})

    @property
    def live_report_page(self):
        """The hazard report page, when one of that type is chosen and published (else None)."""
        page = self.report_page
        if page is None or not page.live or not issubclass(page.specific_class or object, HazardReportPage):
            return None
        return page

    @property
    def live_privacy_page(self):
        """The privacy notice, when one is chosen and published."""
        page = self.privacy_page
        return page if page is not None and page.live else None

    @property
    def phone_href(self):
        """The phone number as a tel: link, digits only (notes such as 示例 are dropped)."""
        digits = re.sub(r"\D", "", self.phone)
        return f"tel:{digits}" if digits else ""
