"""Photos of venues (storefronts, licences): personal data, so every upload is decoded as an
image, re-encoded by us (long side at most 1600 px, no metadata, GPS included), named by us
and kept in private storage, served only through venues.views.venue_photo after the same
access check as the venue itself. Anything that is not a plain photo is refused, with a
message saying why, before anything is stored."""

import io
import re
import uuid
import warnings
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from PIL import Image, ImageOps
from pillow_heif import register_heif_opener

register_heif_opener()  # iPhones take HEIC photos

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; more is a decompression bomb or more than we handle
MIN_SIDE = 100  # a smaller picture cannot show a storefront or a licence
LONG_SIDE = 1600
# The formats phones save photos in, and the only decoders an upload reaches (a JPEG holding
# several pictures, as some phones save, opens as MPO). GIF is left out on purpose: phones do
# not save photos as GIF, and an animated one is not a photo. TIFF, BMP, ICO, PSD, SVG… too.
DECODERS = ("JPEG", "PNG", "WEBP", "HEIF")
# The first bytes of documents (PDF; Word, Excel or WPS files, old and new), which people may
# send instead of a photo of a paper licence.
DOCUMENT_STARTS = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04")
# Signs of a photo that is also something else (a polyglot): a web page, a script for a
# browser or for the server. A sign counts only when text follows it, so the random bytes of
# compressed pixels (or of the video a motion photo carries after its picture) practically
# never look like one; XMP metadata (<?xpacket, <x:xmpmeta, <rdf:RDF) carries no sign.
CODE_SIGNS = re.compile(
    rb"(?:<(?:script|\?php|html|svg|iframe|!doctype\s+html|%)|javascript:)[\t\n\r\x20-\x7e]{16}",
    re.IGNORECASE,
)

TOO_LARGE = _("The photo is larger than 15 MB. Please choose a smaller photo.")
NOT_A_PHOTO = _("This file is not a photo we can read. Please take a photo (JPEG, PNG or HEIC) "
                "and upload it again.")
A_DOCUMENT = _("This is a document (such as a PDF, Word or Excel file), not a photo. Please take "
               "a photo of the paper with your phone and upload the photo.")
HIDDEN_CONTENT = _("This file holds something besides a photo (such as a web page, a script or a "
                   "compressed archive), so it cannot be accepted. Please upload the photo straight "
                   "from your phone's camera or album.")
TOO_MANY_PIXELS = _("The photo has too many pixels to handle (more than %(millions)d million). Please "
                    "choose a smaller copy, or take the photo with the camera's usual settings.")
TOO_SMALL = _("The photo is too small to be seen clearly: it needs at least %(pixels)d pixels on each "
              "side. Please upload the original photo.")


def reencode(upload):
    """The photo as new JPEG bytes (and its size) or ValidationError; nothing of the original
    file (metadata, trailing data, embedded scripts) survives."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    if data.startswith(DOCUMENT_STARTS) or b"%PDF-" in data[:1024]:
        raise ValidationError(A_DOCUMENT, code="document")
    image = _decode(data)
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), image.size


def _decode(data):
    """The first picture in ``data``, upright, as plain RGB pixels; ValidationError for
    anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:
                # Only the header has been read: refuse before decoding any pixels.
                if image.width * image.height > MAX_PIXELS:
                    raise _too_many_pixels()
                if min(image.size) < MIN_SIDE:
                    raise ValidationError(TOO_SMALL, code="too_small", params={"pixels": MIN_SIDE})
                if CODE_SIGNS.search(data) or zipfile.is_zipfile(io.BytesIO(data)):
                    raise ValidationError(HIDDEN_CONTENT, code="hidden_content")
                image.verify()  # a PNG's checksums, which decoding alone does not check
            with Image.open(io.BytesIO(data), formats=DECODERS) as image:  # verify() used up the first
                image.draft(None, (LONG_SIDE, LONG_SIDE))  # a large JPEG is decoded at a smaller scale
                image.load()
                return _pixels_only(ImageOps.exif_transpose(image))
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except Exception as error:  # Pillow and its plugins raise many kinds of error for a damaged file
        raise ValidationError(NOT_A_PHOTO, code="not_a_photo") from error


def _too_many_pixels():
    return ValidationError(TOO_MANY_PIXELS, code="too_many_pixels",
                           params={"millions": MAX_PIXELS // 1_000_000})


def _pixels_only(image):
    """The pixels copied onto a new RGB image, white where the picture is transparent: a new
    image carries none of the file's metadata (EXIF with GPS, XMP, ICC profile, comments)."""
    if image.mode.startswith("I"):  # 16-bit grey: scaled down to 8 bits rather than clipped to white
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    clean = Image.new("RGB", image.size, "white")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        clean.paste(image, mask=image.getchannel("A"))
    else:
        clean.paste(image.convert("RGB"))
    return clean


def _holder_may_change(user, venue):
    """Owners and operators change the photos of their own registration while it is a draft
    or returned to them; once submitted it is for staff to look at."""
    from .access import holds_venue
    from .models import VenueStatus

    return venue.status in (VenueStatus.DRAFT, VenueStatus.RETURNED) and holds_venue(user, venue)


def may_add_photo(user, venue):
    from .access import can_see_venue

    if _holder_may_change(user, venue):
        return True
    return user.has_perm("venues.add_venue") and can_see_venue(user, venue)


def may_remove_photo(user, photo):
    return _holder_may_change(user, photo.venue)


def remove_photo(photo, user):
    """Delete a photo of a draft or returned registration, at its holder's request: the
    record and the file (personal data is not kept without a purpose)."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from .models import AuditEntry

    if not may_remove_photo(user, photo):
        raise PermissionDenied
    venue_id, kind, pk = photo.venue_id, photo.kind, photo.pk
    with transaction.atomic():
        photo.delete()
        AuditEntry.objects.create(actor=user, action="venue.photo_removed", object_type="venue",
                                  object_id=str(venue_id), detail={"photo": pk, "kind": kind})
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: photo.file.delete(save=False))


def add_photo(venue, upload, kind, user):
    """Store a checked, re-encoded photo of ``venue``; raises ValidationError (storing
    nothing) for anything that is not a plain photo."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from .models import AuditEntry, VenuePhoto

    if not may_add_photo(user, venue):
        raise PermissionDenied
    content, (width, height) = reencode(upload)
    photo = VenuePhoto(venue=venue, kind=kind, width=width, height=height, uploaded_by=user)
    photo.file.save(content.name, content, save=False)
    try:
        with transaction.atomic():
            photo.save()
            AuditEntry.objects.create(actor=user, action="venue.photo", object_type="venue",
                                      object_id=str(venue.pk), detail={"photo": photo.pk, "kind": kind})
    except Exception:
        photo.file.delete(save=False)  # no orphan file when the record could not be saved
        raise
    return photo
