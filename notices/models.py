from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from home import page_cache
from home.blocks import RICH_TEXT_FEATURES, BodyBlock
from home.pagination import paginate
from home.search import SegmentedSearchMixin, html_text, stream_text
from venues.models import AreaLevel

NOTICES_PER_PAGE = 10


class ListingPage(SegmentedSearchMixin, Page):
    """A section of the site that lists its child pages, filtered by venue kind."""

    # Served to anonymous visitors from the page cache (home.page_cache), one entry per
    # page number and filter.
    anonymous_cache = True
    anonymous_cache_params = {"page": r"[1-9][0-9]{0,3}", "kind": r"[a-z0-9_-]{1,50}", "year": r"[0-9]{4}"}

    intro = models.TextField(_("introduction"), blank=True, max_length=400)

    content_panels = [*Page.content_panels, "intro"]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields
    parent_page_types = ["home.HomePage"]

    class Meta:
        abstract = True

    def search_text_parts(self):
        return [*super().search_text_parts(), self.intro]

    def get_context(self, request, *args, **kwargs):
        """Adds every kind and the kind chosen in ?kind= (empty when unknown)."""
        from venues.models import VenueKind

        context = super().get_context(request, *args, **kwargs)
        kinds = list(VenueKind.objects.all())
        kind = request.GET.get("kind", "")
        known = kind in {k.slug for k in kinds}
        if kind and not known:
            page_cache.refuse(request)
        context.update(kinds=kinds, selected_kind=kind if known else "")
        return context


class NoticeIndexPage(ListingPage):
    """通知公告: the list of notices, filtered by year and by venue kind."""

    subpage_types = ["notices.NoticePage"]

    class Meta:
        verbose_name = _("notice index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        notices = NoticePage.objects.latest_public().child_of(self)
        years = [d.year for d in notices.dates("date", "year", order="DESC")]
        year = request.GET.get("year", "")
        if year.isdecimal() and int(year) in years:
            notices = notices.filter(date__year=int(year))
        else:
            if year:
                page_cache.refuse(request)
            year = ""
        if context["selected_kind"]:
            # A notice that names no kind concerns every kind.
            notices = notices.filter(
                models.Q(kinds__slug=context["selected_kind"]) | models.Q(kinds__isnull=True)
            ).distinct()
        context.update(
            notices=paginate(request, notices.prefetch_related("kinds"), NOTICES_PER_PAGE),
            years=years,
            selected_year=year,
        )
        return context


class NoticePageManager(PageManager):
    def latest_public(self):
        """Live notices the public may read, newest first."""
        return self.get_queryset().live().public().order_by("-date", "-first_published_at")


class NoticePage(SegmentedSearchMixin, Page):
    """One notice, with its document number, issuing office, targets and attachments."""

    # Served to anonymous visitors from the page cache (home.page_cache).
    anonymous_cache = True

    date = models.DateField(_("date of issue"), default=timezone.localdate)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issuing_office = models.CharField(_("issuing office"), max_length=100)
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    kinds = ParentalManyToManyField(
        "venues.VenueKind", verbose_name=_("venue kinds"), blank=True,
        help_text=_("Leave empty when the notice concerns every kind."),
    )
    areas = ParentalManyToManyField(
        "venues.Area", verbose_name=_("areas"), blank=True,
        limit_choices_to={"level__lte": AreaLevel.VILLAGE},
        help_text=_("Leave empty when the notice concerns the whole town."),
    )
    requires_acknowledgement = models.BooleanField(
        _("owners must acknowledge"), default=False,
        help_text=_("Owners of the targeted venues are asked to confirm they have read it."),
    )

    objects = NoticePageManager()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            ["date", "document_number", "issuing_office"], heading=_("Issue details")
        ),
        "summary",
        "body",
        InlinePanel("attachments", label=_("Attachments")),
        MultiFieldPanel(
            [
                FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
                FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
                "requires_acknowledgement",
            ],
            heading=_("Who it concerns"),
        ),
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields + [
        index.FilterField("date"),
    ]
    parent_page_types = ["notices.NoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def search_text_parts(self):
        return [
            *super().search_text_parts(), self.document_number, self.issuing_office,
            self.summary, stream_text(self.body),
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = self.attachments.select_related("document")
        return context

    # Acknowledgement by owners (venues.acknowledgements).
    def asks_acknowledgement(self):
        return self.requires_acknowledgement and self.alias_of_id is None

    def starts_new_version(self):
        return False

    def audience(self):
        return [kind.pk for kind in self.kinds.all()], list(self.areas.all())


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(
        _("link text"), max_length=120, blank=True,
        help_text=_("Leave empty to use the document's title."),
    )

    panels = ["document", "title"]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def link_text(self):
        return self.title or self.document.title


@register_snippet
class TrainingTopic(models.Model):
    """A heading under which training material is grouped, such as 用电安全."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = ["name", "sort_order"]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")

    def __str__(self):
        return self.name


class TrainingIndexPage(ListingPage):
    """培训资料: training material grouped by topic, filtered by venue kind."""

    subpage_types = ["notices.TrainingPage"]

    class Meta:
        verbose_name = _("training index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = (
            TrainingPage.objects.child_of(self).live().public()
            .select_related("topic").prefetch_related("kinds")
            .order_by("topic__sort_order", "topic__name", "path")
        )
        if context["selected_kind"]:
            # Material for every kind (no kind chosen) is useful to everyone.
            items = items.filter(
                models.Q(kinds__slug=context["selected_kind"]) | models.Q(kinds__isnull=True)
            )
        groups = {}
        for item in items.distinct():
            groups.setdefault(item.topic, []).append(item)
        context["groups"] = list(groups.items())
        return context


class TrainingPage(SegmentedSearchMixin, Page):
    """One piece of training: text, pictures, documents and optionally a captioned video."""

    # Served to anonymous visitors from the page cache (home.page_cache).
    anonymous_cache = True

    topic = models.ForeignKey(
        TrainingTopic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="pages"
    )
    kinds = ParentalManyToManyField(
        "venues.VenueKind", verbose_name=_("venue kinds"), blank=True,
        help_text=_("Leave empty when it is useful for every kind."),
    )
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    video = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("video"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("An MP4 or WebM file."),
    )
    captions = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("captions"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("A WebVTT (.vtt) file with Chinese captions for the video."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        "topic",
        FieldPanel("kinds", widget=forms.CheckboxSelectMultiple),
        "summary",
        MultiFieldPanel(["video", "captions"], heading=_("Video")),
        "body",
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields
    parent_page_types = ["notices.TrainingIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("training page")

    def search_text_parts(self):
        return [*super().search_text_parts(), self.summary, stream_text(self.body)]

    def clean(self):
        super().clean()
        errors = {}
        if self.video and self.video.file_extension.lower() not in ("mp4", "webm"):
            errors["video"] = _("The video must be an MP4 or WebM file.")
        if self.captions and self.captions.file_extension.lower() != "vtt":
            errors["captions"] = _("Captions must be a WebVTT (.vtt) file.")
        if self.captions and not self.video:
            errors["captions"] = _("Captions need a video.")
        if errors:
            raise ValidationError(errors)


class SafetyNoticeIndexPage(ListingPage):
    """安全告知书: the safety notice of each venue kind."""

    subpage_types = ["notices.SafetyNoticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("safety notice index")

    def get_context(self, request, *args, **kwargs):
        from venues.acknowledgements import current_versions

        context = super().get_context(request, *args, **kwargs)
        notices = list(SafetyNoticePage.objects.child_of(self).live().public()
                       .select_related("kind").order_by("kind__sort_order", "path"))
        versions = current_versions([notice.pk for notice in notices])
        for notice in notices:
            notice.current_version = versions.get(notice.pk)
        if context["selected_kind"]:
            notices = [notice for notice in notices if notice.kind.slug == context["selected_kind"]]
        context["safety_notices"] = notices
        return context


class SafetyNoticeForm(WagtailAdminPageForm):
    """"New version" is a choice made for one publication: each edit starts without it, unless
    a draft that chose it waits to be published (not a revision that was published already, as
    after unpublishing)."""

    def __init__(self, *args, **kwargs):
        from venues.models import NoticeVersion

        super().__init__(*args, **kwargs)
        page = self.instance
        waiting = (page.pk and page.has_unpublished_changes and page.latest_revision_id
                   and not NoticeVersion.objects.filter(revision_id=page.latest_revision_id).exists())
        if not self.is_bound and not waiting:
            self.initial["new_version"] = False


class SafetyNoticePage(SegmentedSearchMixin, Page):
    """A venue kind's 安全告知书: the owner's duties, the kind's main risks, what to check and whom
    to call. Owners acknowledge it when they register; a publication marked "new version" asks
    every owner of the kind to acknowledge it again (venues.acknowledgements)."""

    anonymous_cache = True

    kind = models.ForeignKey(
        "venues.VenueKind", verbose_name=_("venue kind"), on_delete=models.PROTECT, related_name="+",
    )
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    duties = RichTextField(_("the owner's duties"), features=RICH_TEXT_FEATURES)
    risks = RichTextField(_("main risks"), features=RICH_TEXT_FEATURES)
    checks = RichTextField(_("what to check"), features=RICH_TEXT_FEATURES)
    contacts = RichTextField(_("whom to call"), features=RICH_TEXT_FEATURES)
    new_version = models.BooleanField(
        _("this publication is a new version"), default=False,
        help_text=_("Tick only when the duties or risks changed: every owner of this kind is then "
                    "asked to acknowledge the notice again. Corrections of wording need no tick."),
    )

    base_form_class = SafetyNoticeForm
    content_panels = [
        *Page.content_panels, "kind", "summary", "duties", "risks", "checks", "contacts",
        MultiFieldPanel(["new_version"], heading=_("Version")),
    ]
    search_fields = Page.search_fields + SegmentedSearchMixin.segment_search_fields
    parent_page_types = ["notices.SafetyNoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("safety notice")
        verbose_name_plural = _("safety notices")

    def search_text_parts(self):
        return [*super().search_text_parts(), self.summary, *map(html_text, (
            self.duties, self.risks, self.checks, self.contacts))]

    # Acknowledgement by owners (venues.acknowledgements): every owner of the kind, for the kind's
    # first notice (a copy or an alias of it asks nobody).
    def asks_acknowledgement(self):
        return self.alias_of_id is None and not SafetyNoticePage.objects.filter(
            kind_id=self.kind_id, pk__lt=self.pk).exists()

    def starts_new_version(self):
        return self.new_version

    def audience(self):
        return [self.kind_id], []

    def clean(self):
        super().clean()
        others = SafetyNoticePage.objects.filter(kind_id=self.kind_id).exclude(pk=self.pk)
        if self.kind_id and others.exists():
            raise ValidationError({"kind": _("This kind has a safety notice already; edit that one.")})

    def get_context(self, request, *args, **kwargs):
        from venues.acknowledgements import current_versions

        context = super().get_context(request, *args, **kwargs)
        context["current_version"] = current_versions([self.pk]).get(self.pk)
        return context
