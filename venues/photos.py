"""Photos of venues (storefronts, licences): personal data, so every upload is decoded as an
image, re-encoded by us (long side at most 1600 px, no metadata, GPS included), named by us
and kept in private storage, served only through venues.views.venue_photo after the same
access check as the venue itself. Anything that is not a plain photo is refused."""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # iPhones take HEIC photos

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; a larger image is a decompression bomb
LONG_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}
TOO_LARGE = _("The photo is larger than 15 MB. Please choose a smaller photo.")
NOT_A_PHOTO = _("This file is not a photo we can read. Please take a photo (JPEG, PNG or HEIC) "
                "and upload it again.")


def reencode(upload):
    """The photo as new JPEG bytes (and its size) or ValidationError; nothing of the original
    file (metadata, trailing data, embedded scripts) survives."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS or image.width * image.height > MAX_PIXELS:
                    raise ValidationError(NOT_A_PHOTO, code="not_a_photo")
                image.load()
                image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError, EOFError) as error:
        raise ValidationError(NOT_A_PHOTO, code="not_a_photo") from error
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg"), image.size


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
