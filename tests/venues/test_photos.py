"""Venue photos: re-encoded by us without metadata, kept out of public media, shown only to
those who may see the venue; anything that is not a plain photo is refused and not stored."""

import io
import os

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

import pytest
from PIL import Image

from tests.factories import UserFactory, make_staff, make_venue
from venues import photos
from venues.models import VenuePhoto

pytestmark = pytest.mark.django_db


def jpeg(size=(3000, 2000), exif_gps=True):
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0)}  # GPS position
        exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile("门头.jpg", out.getvalue(), content_type="image/jpeg")


def stored_files():
    return [name for _root, _dirs, files in os.walk(settings.PRIVATE_MEDIA_ROOT) for name in files]


@pytest.fixture
def staff(tree, client):
    user = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "add_venue"))
    client.force_login(user)
    return user


@pytest.fixture
def venue(tree):
    return make_venue(tree["qinggang-1"], name="青杠副食店")


def add(client, venue, upload, kind="storefront"):
    return client.post(f"/admin/venues/venue/{venue.pk}/photos/", {"kind": kind, "file": upload}, follow=True)


def test_a_photo_is_reencoded_small_and_without_metadata(client, staff, venue):
    response = add(client, venue, jpeg())
    assert "照片已添加" in response.content.decode()
    photo = VenuePhoto.objects.get(venue=venue)
    assert (photo.width, photo.height) == (1600, 1067)
    assert not photo.file.name.endswith("门头.jpg") and photo.file.name.startswith(f"venues/{venue.pk}/")
    assert str(settings.PRIVATE_MEDIA_ROOT) in photo.file.path
    assert not str(photo.file.path).startswith(str(settings.MEDIA_ROOT))
    with Image.open(photo.file.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()


NOT_A_PHOTO = "不是可以识别的照片"


@pytest.mark.parametrize("name, content, message", [
    ("shell.jpg", b"<?php system($_GET['c']); ?>", NOT_A_PHOTO),
    ("image.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", NOT_A_PHOTO),
    ("empty.jpg", b"", "所提交的是空文件"),
    ("truncated.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, NOT_A_PHOTO),
    ("doc.png", b"%PDF-1.4 not an image", photos.A_DOCUMENT),
])
def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(client, staff, venue, name, content, message):
    response = add(client, venue, SimpleUploadedFile(name, content, content_type="image/jpeg"))
    assert escape(str(message)) in response.content.decode()
    assert not VenuePhoto.objects.exists() and stored_files() == []


def test_a_decompression_bomb_is_refused(client, staff, venue):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # tiny file, 144 megapixels once decoded
    response = add(client, venue, SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png"))
    assert escape(photos.TOO_MANY_PIXELS % {"millions": 50}) in response.content.decode()
    assert stored_files() == []


def test_photos_are_shown_only_to_those_who_may_see_the_venue(client, tree, staff, venue):
    add(client, venue, jpeg(size=(400, 300)))
    photo = VenuePhoto.objects.get()
    url = f"/owner/photos/{photo.pk}/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert url in client.get(f"/admin/venues/venue/inspect/{venue.pk}/").content.decode()
    for outsider in (make_staff(tree["mugen"]), UserFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_staff_outside_the_venues_area_cannot_add_photos(client, tree, venue):
    client.force_login(make_staff(tree["mugen"], permissions=("access_admin", "view_venue", "add_venue")))
    assert add(client, venue, jpeg(size=(400, 300))).status_code == 404
    assert stored_files() == []
