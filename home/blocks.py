"""StreamField blocks shared by every page type."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import TypedTableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("section heading")), ("h3", _("sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading_block.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/figure_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(
        label=_("link text"), required=False,
        help_text=_("Leave empty to use the document's title."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_block.html"


def table_block():
    return TypedTableBlock(
        [
            ("text", blocks.CharBlock(label=_("text"))),
            ("number", blocks.DecimalBlock(label=_("number"))),
            ("rich_text", blocks.RichTextBlock(label=_("rich text"), features=["bold", "link"])),
        ],
        label=_("Table"),
        icon="table",
        template="blocks/table_block.html",
    )


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        label=_("style"),
        choices=[("info", _("information")), ("warning", _("warning")), ("danger", _("danger"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "blocks/callout_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=RICH_TEXT_FEATURES, template="blocks/paragraph_block.html"
    )
    image = FigureBlock()
    document = DocumentBlock()
    table = table_block()
    callout = CalloutBlock()


class EntranceBlock(blocks.StructBlock):
    """A clear entrance on the home page: who it is for, what it does, where it leads."""

    audience = blocks.ChoiceBlock(
        label=_("for"),
        choices=[("owner", _("venue owners")), ("public", _("the public")), ("staff", _("staff"))],
    )
    title = blocks.CharBlock(label=_("title"), max_length=40)
    description = blocks.CharBlock(label=_("description"), max_length=120, required=False)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.CharBlock(
        label=_("web address"), required=False, max_length=200,
        help_text=_("Use instead of a page for a fixed address such as /admin/."),
    )

    class Meta:
        icon = "link"
        label = _("Entrance")
        template = "blocks/entrance_block.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or give an address, not both."))}
            )
        url = value.get("url") or ""
        if url and not url.startswith("/"):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Give an address on this site, starting with /."))}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["href"] = value["page"].url if value.get("page") else value.get("url")
        context["audience_label"] = dict(self.child_blocks["audience"].field.choices).get(
            value.get("audience"), ""
        )
        return context
