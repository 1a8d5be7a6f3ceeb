from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

import segno


def public_card_url(venue):
    """The address on the door card: from configuration, never from the request."""
    return settings.PUBLIC_BASE_URL + reverse("venue_card", args=[venue.public_code])


def qr_svg(text, title):
    """An inline SVG QR code with an accessible name; drawn here, nothing fetched."""
    svg = segno.make(text, error="m").svg_inline(
        scale=5, title=title, svgclass="qr", lineclass=None, omitsize=True
    )
    svg = svg.replace("<svg ", '<svg role="img" ', 1)
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the title is escaped by segno)
