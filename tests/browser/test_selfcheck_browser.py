"""An owner does a whole self-check on a 360 px phone: one item not in order, explained with a
note and a photo from the camera, a mistake shown beside its field, the summary and the
declaration, the hazard it became, a fix reported with a photo after, and the venue's
history. Zero axe findings on every owner page, nothing wider than the screen, nothing from
another origin."""

import io

from django.utils import translation
from django.utils.translation import gettext as _

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, wait_until
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.browser.test_registration import sign_in
from tests.factories import UserFactory, approve, make_area_tree, make_home, make_selfcheck_page, make_venue
from venues.models import EvidenceStage, Hazard, HazardStatus, SelfCheck, SelfCheckStatus

FIRE = "extinguishers_present"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    home = make_home()
    page = make_selfcheck_page(home)
    tree = make_area_tree()
    owner = UserFactory(username="13900007777", mobile="13900007777")
    venue = approve(make_venue(tree["qinggang-1"], kind="shopping", owner=owner, name="青杠手机自查小卖部"))
    return {"page": page, "owner": owner, "venue": venue}


def jpeg_file(name="photo.jpg", colour="orange"):
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def answer_all_in_order(page):
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()


def test_a_whole_self_check_on_a_phone(phone, live_server, world):
    owner, venue = world["owner"], world["venue"]
    sign_in(phone, live_server, owner)

    # The owner's home says what is due and leads to the self-check.
    phone.goto("/owner/")
    expect(phone.locator("main")).to_contain_text(_("Last accepted self-check:"))
    check(phone, live_server)
    phone.goto("/services/self-check/")
    expect(phone.locator("h1")).to_have_text("场所安全自查")
    expect(phone.locator("main")).to_contain_text("青杠手机自查小卖部")
    check(phone, live_server)
    phone.get_by_role("button", name=_("Start a self-check")).click()

    # Group 1: one item not in order; first without its note, refused beside the field.
    expect(phone.locator("#sc-progress-label")).to_be_visible()
    assert phone.locator("progress.sc-progress").get_attribute("value") == "1"
    check(phone, live_server)
    note = phone.locator(f"#id_{FIRE}-note")
    expect(note).to_be_hidden()  # asked only for an item not in order: not while unanswered
    # Starting again is offered, small, and asks first; keeping the answers is the big button.
    phone.get_by_role("link", name=_("Discard these answers and start again")).click()
    expect(phone.get_by_role("button", name=_("Delete the answers and start again"))).to_be_visible()
    check(phone, live_server)
    phone.get_by_role("link", name=_("Keep my answers and continue")).click()
    expect(phone.locator("progress.sc-progress")).to_have_attribute("value", "1")
    answer_all_in_order(phone)
    expect(note).to_be_hidden()
    phone.locator(f"#id_{FIRE}-answer_1").check()
    expect(note).to_be_visible()
    phone.locator(f"#id_{FIRE}-answer_0").check()
    expect(note).to_be_hidden()
    phone.locator(f"#id_{FIRE}-answer_1").check()
    phone.locator(f"#id_{FIRE}-photo").set_input_files(jpeg_file())
    phone.get_by_role("button", name=_("Save and next")).click()
    expect(phone.locator(f"#id_{FIRE}-note-error")).to_be_visible()
    assert note.get_attribute("aria-describedby") == f"id_{FIRE}-note-error"
    # The photo arrived with the refused form and is kept; the answer too.
    expect(phone.locator(f"#item-{FIRE} img.reg-photo")).to_have_count(1)
    expect(phone.locator(f"#id_{FIRE}-answer_1")).to_be_checked()
    check(phone, live_server)
    note.fill("灭火器压力不足，已过检验期")
    phone.get_by_role("button", name=_("Save and next")).click()

    # Every other group: in order.
    selfcheck = SelfCheck.objects.get(venue=venue)
    total = len(selfcheck.groups())
    for number in range(2, total + 1):
        expect(phone.locator("progress.sc-progress")).to_have_attribute("value", str(number))
        if number == 2:
            check(phone, live_server)
        answer_all_in_order(phone)
        label = _("Save and next") if number < total else _("Save and check the answers")
        phone.get_by_role("button", name=label, exact=True).click()

    # The summary and the declaration.
    expect(phone.locator("h1")).to_have_text(_("Check and submit"))
    expect(phone.locator("main")).to_contain_text("灭火器压力不足，已过检验期")
    check(phone, live_server)
    phone.get_by_label(_("I confirm these answers describe my venue as it is today.")).check()
    phone.get_by_role("button", name=_("Submit the self-check")).click()

    # Submitted: the hazard it became, with its deadline.
    expect(phone.locator("#status-title")).to_contain_text(str(SelfCheckStatus.SUBMITTED.label))
    hazard = Hazard.objects.get(venue=venue)
    expect(phone.locator("main")).to_contain_text(f"{hazard.deadline:%Y-%m-%d}")
    check(phone, live_server)
    assert SelfCheck.objects.get().status == SelfCheckStatus.SUBMITTED
    phone.get_by_role("link", name=hazard.item_question).click()

    # The hazard: the photo before; a fix reported with a photo after.
    expect(phone.locator("main")).to_contain_text("灭火器压力不足，已过检验期")
    expect(phone.locator("img.reg-photo")).to_have_count(1)
    check(phone, live_server)
    phone.locator("#id_photo").set_input_files(jpeg_file("after.jpg", "green"))
    phone.get_by_role("button", name=_("Upload this photo")).click()
    expect(phone.locator("img.reg-photo")).to_have_count(2)
    assert hazard.photos.filter(stage=EvidenceStage.AFTER).count() == 1
    phone.locator("#id_note").fill("已更换两具新灭火器")
    phone.get_by_role("button", name=_("Report it fixed")).click()
    expect(phone.locator("main")).to_contain_text("已更换两具新灭火器")
    # Both photos, before and after, are served to their owner.
    expect(phone.locator("img.reg-photo")).to_have_count(2)
    wait_until(phone, "[...document.querySelectorAll('img.reg-photo')].every(i => i.complete)")
    assert phone.evaluate("[...document.querySelectorAll('img.reg-photo')].map(i => i.naturalWidth)") == [
        1200, 1200]
    check(phone, live_server)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED

    # The venue's history.
    phone.get_by_role("link", name=_("History of self-checks and hazards")).first.click()
    expect(phone.locator("main")).to_contain_text(hazard.item_question)
    check(phone, live_server)
