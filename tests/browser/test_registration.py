"""An owner registers a venue on a 360 px phone: every step, a photo from the camera or the
album, the live classification hint, zero axe findings on every page and no request to any
other origin; a returned registration is corrected and submitted again."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

import pytest
from PIL import Image
from playwright.sync_api import expect

from home.registration import STEP_BY_SLUG
from tests.browser.conftest import axe_violations, wait_until
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import UserFactory, make_staff, make_venue
from venues import photos
from venues.models import Area, Venue, VenueStatus
from venues.validators import credit_code_check_char
from venues.workflows.registration import perform

BODY = "92500156MA6ABCDE1"
CREDIT_CODE = BODY + credit_code_check_char(BODY)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def owner(demo_site):
    return UserFactory(username="13900005555", mobile="13900005555")


def sign_in(page, live_server, user):
    """The owner's session, made by Django's test client and handed to the browser (the
    owner's sign-in page is tested on its own)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])


def jpeg_file(name="storefront.jpg", colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def check(page):
    assert_fits_the_screen(page)
    assert axe_violations(page) == []


def continue_button(page):
    return page.get_by_role("button", name=_("Save and continue"))


def step_heading(page, title):
    expect(page.locator("h1")).to_have_text(str(title))


def test_the_whole_registration_on_a_phone(phone, live_server, owner):
    sign_in(phone, live_server, owner)
    phone.goto("/services/register/")
    expect(phone.locator("h1")).to_have_text("场所在线登记")
    check(phone)
    phone.get_by_role("link", name=_("Register a new venue")).click()

    # 1. The venue, with the live hint while the facts are typed.
    step_heading(phone, STEP_BY_SLUG["venue"].title)
    expect(phone.locator(".reg-progress-count")).to_contain_text("1")
    check(phone)
    phone.get_by_label("场所名称").fill("青杠手机测试副食店")
    phone.get_by_label("主要类型").select_option("shopping")
    # Only the facts a shop needs stay visible.
    expect(phone.locator("#id_seats")).to_be_hidden()
    expect(phone.locator("#id_floor_area")).to_be_visible()
    phone.locator("#id_floor_area").fill("320")
    expect(phone.locator("#classify-hint")).to_contain_text("300")
    expect(phone.locator("#classify-hint")).to_contain_text("场所规模超出同类小场所的标准")
    phone.locator("#id_floor_area").fill("85")
    expect(phone.locator("#classify-hint")).to_contain_text("按您填写的情况，场所属于九小场所")
    village = Area.objects.get(name="青杠村（示例）")
    grid = village.get_children().first()
    phone.get_by_label("村（社区）").select_option(str(village.pk))
    # Only the chosen village's grids are offered.
    assert phone.locator("#id_grid option").count() == 1 + village.get_children().count()
    phone.locator("#id_grid").select_option(str(grid.pk))
    phone.get_by_label("地址").fill("双河镇青杠村2组8号")
    phone.get_by_label("所在楼层").fill("1")
    check(phone)
    continue_button(phone).click()

    # 2. The licence: a mistake first, explained beside the field, nothing lost.
    step_heading(phone, STEP_BY_SLUG["licence"].title)
    expect(phone.locator(".reg-progress-count")).to_contain_text("2")
    check(phone)
    phone.get_by_label("证照齐全").check()
    phone.locator("#id_credit_code").fill("92500156MA6ABCDE")
    continue_button(phone).click()
    expect(phone.locator("#id_credit_code-error")).to_contain_text("18")
    expect(phone.locator("#id_credit_code")).to_have_value("92500156MA6ABCDE")
    expect(phone.get_by_label("证照齐全")).to_be_checked()
    check(phone)
    phone.locator("#id_credit_code").fill(CREDIT_CODE.lower())
    continue_button(phone).click()

    # 3. The people.
    step_heading(phone, STEP_BY_SLUG["people"].title)
    check(phone)
    assert phone.locator("#id_operator_id_number").count() == 0
    phone.locator("#id_operator_name").fill("赵六")
    phone.locator("#id_operator_mobile").fill("139 0000 6666")
    continue_button(phone).click()

    # 4. Photos: stored as soon as they are uploaded.
    step_heading(phone, STEP_BY_SLUG["photos"].title)
    check(phone)
    assert phone.locator("#photo-storefront").get_attribute("accept") == "image/*"
    phone.locator("#photo-storefront").set_input_files(jpeg_file())
    phone.locator("#photo-storefront ~ button").click()
    expect(phone.locator("#photos-storefront ~ ul img")).to_have_count(1)
    venue = Venue.objects.get(name="青杠手机测试副食店")
    assert venue.photos.filter(kind="storefront").count() == 1
    phone.get_by_role("button", name=pgettext("registration", "Continue")).click()
    expect(phone.locator("#photo-licence-error")).to_be_visible()  # the licence photo is needed
    check(phone)
    phone.locator("#photo-licence").set_input_files(jpeg_file("licence.jpg", "white"))
    phone.locator("#photo-licence ~ button").click()
    expect(phone.locator("#photos-licence ~ ul img")).to_have_count(1)
    # The image is served to its owner.
    wait_until(phone, "[...document.querySelectorAll('.reg-photo')].every(i => i.complete)")
    widths = phone.evaluate("[...document.querySelectorAll('.reg-photo')].map(i => i.naturalWidth)")
    assert widths == [1200, 1200]
    check(phone)
    phone.get_by_role("button", name=pgettext("registration", "Continue")).click()

    # 5. Check, declare, submit.
    step_heading(phone, STEP_BY_SLUG["declare"].title)
    expect(phone.locator(".reg-progress-count")).to_contain_text("5")
    expect(phone.locator("main")).to_contain_text("青杠手机测试副食店")
    check(phone)
    submit = phone.get_by_role("button", name=_("Submit the registration"))
    submit.click()
    expect(phone.locator("#id_declaration-error")).to_be_visible()
    check(phone)
    # The kind's safety notice is shown on this step and confirmed with the declaration (告知).
    expect(phone.locator(".reg-safety-notice").first).to_contain_text("购物场所安全告知书")
    phone.get_by_label(_("I declare that what I have entered is true and complete.")).check()
    phone.get_by_label(_("I have read the privacy notice.")).check()
    phone.get_by_label(_("I have read the safety notice of my venue's kind and will keep to it.")).check()
    phone.get_by_role("button", name=_("Submit the registration")).click()

    expect(phone.locator("h1")).to_have_text("青杠手机测试副食店")
    expect(phone.locator("#status-title")).to_contain_text(str(VenueStatus.SUBMITTED.label))
    check(phone)
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUBMITTED and venue.credit_code == CREDIT_CODE
    assert venue.acknowledgements.get().version.title == "购物场所安全告知书"
    assert venue.operator_mobile == "13900006666" and venue.area == grid and venue.outside_nine is False
    # The submitted registration's steps now only show its status.
    phone.goto(f"/services/register/{venue.pk}/declare/")
    expect(phone.locator("#status-title")).to_contain_text(str(VenueStatus.SUBMITTED.label))
    assert phone.locator("input[type=checkbox], input[type=file]").count() == 0
    phone.goto("/services/register/")
    expect(phone.locator(".reg-venue-list")).to_contain_text("青杠手机测试副食店")
    check(phone)
    assert Venue.objects.filter(name="青杠手机测试副食店").count() == 1
    assert venue.history.count() == 1
    assert_only_our_origin(phone, live_server)


def test_a_returned_registration_is_corrected_and_resubmitted_on_a_phone(phone, live_server, owner):
    grid = Area.objects.get(name="青杠村（示例）").get_children().first()
    venue = make_venue(grid, owner=owner, name="青杠老名字小卖部", draft_step=5)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "grey").save(buffer, "JPEG")
    for kind in ("storefront", "licence"):
        photos.add_photo(venue, SimpleUploadedFile(f"{kind}.jpg", buffer.getvalue()), kind, owner)
    perform(venue, "submit", owner)
    reviewer = make_staff(grid.get_parent())
    perform(venue, "return", reviewer, reason="名称与营业执照不一致，请核对。",
            field_notes={"name": "请按营业执照填写名称"})

    sign_in(phone, live_server, owner)
    phone.goto("/services/register/")
    check(phone)
    phone.get_by_role("link", name="青杠老名字小卖部").click()
    expect(phone.locator(".reg-returned")).to_contain_text("名称与营业执照不一致，请核对。")
    expect(phone.locator("#id_name-note")).to_contain_text("请按营业执照填写名称")
    check(phone)
    phone.get_by_label("场所名称").fill("青杠新名字小卖部")
    continue_button(phone).click()
    check(phone)
    # Jump to the last step from the progress list: every step is open on a returned one.
    progress = phone.get_by_role("navigation", name=_("Registration steps"))
    progress.get_by_role("link", name=str(STEP_BY_SLUG["declare"].title)).click()
    expect(phone.locator("main")).to_contain_text("青杠新名字小卖部")
    check(phone)
    phone.get_by_label(_("I declare that what I have entered is true and complete.")).check()
    phone.get_by_label(_("I have read the privacy notice.")).check()
    phone.get_by_label(_("I have read the safety notice of my venue's kind and will keep to it.")).check()
    phone.get_by_role("button", name=_("Submit again")).click()
    expect(phone.locator("#status-title")).to_contain_text(str(VenueStatus.RESUBMITTED.label))
    check(phone)
    venue.refresh_from_db()
    assert venue.status == VenueStatus.RESUBMITTED and venue.name == "青杠新名字小卖部"
    assert_only_our_origin(phone, live_server)
