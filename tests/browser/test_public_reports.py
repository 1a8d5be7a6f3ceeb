"""群众举报 on a 360 px phone: from a venue's public card to the report form, a wrong answer to
the question refused beside its field with what was typed kept, the report sent with a photo,
the lookup code shown and looked up. Zero axe findings on each public page, nothing wider than
the screen, nothing from another origin; the form in large-text mode too."""

import re

from django.utils import translation

import pytest
from playwright.sync_api import expect

from home.models import HazardReportPage, SiteSettings
from tests.browser.conftest import axe_violations
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.factories import add_page, approve, make_area_tree, make_home, make_venue
from venues.models import PublicReport, PublicReportStatus


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    home = make_home()
    tree = make_area_tree()
    venue = approve(make_venue(tree["qinggang-1"], kind="catering", name="青杠农家饭庄", seats=60))
    page = add_page(home, HazardReportPage(
        title="隐患举报", slug="report", intro="<p>发现九小场所的安全隐患，请告诉我们。</p>",
        privacy_note="<p>联系方式只有处理举报的工作人员能看到，不会告诉被举报的场所。</p>",
        done_text="<p>村（社区）工作人员一般在3个工作日内核实。</p>"))
    SiteSettings.objects.update_or_create(site=home.get_site(), defaults={"report_page": page})
    return {"venue": venue, "page": page, "tree": tree}


def the_answer(phone):
    numbers = [int(n) for n in re.findall(r"\d+", phone.locator("#challenge-question").inner_text())]
    assert len(numbers) == 2
    return sum(numbers)


@pytest.fixture
def photo_file(tmp_path):
    from PIL import Image

    path = tmp_path / "exit.jpg"
    Image.new("RGB", (640, 480), "orange").save(path, "JPEG")
    return path


def test_reporting_a_hazard_from_the_venue_card_on_a_phone(phone, live_server, world, photo_file):
    venue, page = world["venue"], world["page"]
    phone.goto(f"/v/{venue.public_code}/")
    check(phone, live_server)
    phone.locator("#report-hazard-here").click()
    phone.wait_for_url(f"**{page.url}?venue={venue.public_code}")
    expect(phone.locator("#report-venue")).to_contain_text(venue.name)
    check(phone, live_server)

    # A wrong answer: refused beside the field, everything typed kept, a new question asked.
    phone.locator("#id_address").fill("后门")
    phone.locator("#id_description").fill("后门安全出口被纸箱堵住了，晚上人很多。")
    phone.locator("#id_contact_name").fill("李女士")
    phone.locator("#id_contact_phone").fill("137 1111 2222")
    phone.locator("#id_answer").fill(str(the_answer(phone) + 1))
    phone.locator("#public-report-form button[type=submit]").click()
    phone.wait_for_load_state()
    error = phone.locator("#id_answer-error")
    expect(error).to_be_visible()
    expect(phone.locator("#id_answer")).to_have_attribute("aria-describedby", "id_answer-error")
    expect(phone.locator("#id_answer")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#id_description")).to_have_value("后门安全出口被纸箱堵住了，晚上人很多。")
    expect(phone.locator("#id_address")).to_have_value("后门")
    expect(phone.locator("#id_contact_name")).to_have_value("李女士")
    expect(phone.locator("#id_answer")).to_have_value("")
    assert not PublicReport.objects.exists()
    check(phone, live_server)

    # The right answer, with a photo: sent; the lookup code shown in large letters.
    phone.locator("#id_photos").set_input_files(str(photo_file))
    phone.locator("#id_answer").fill(str(the_answer(phone)))
    phone.locator("#public-report-form button[type=submit]").click()
    phone.wait_for_url(f"**{page.url}done/")
    report = PublicReport.objects.get()
    assert (report.venue, report.area) == (venue, world["tree"]["qinggang"])
    assert report.contact_phone == "13711112222"
    assert report.photos.count() == 1
    expect(phone.locator("#lookup-code")).to_have_text(report.code)
    check(phone, live_server)
    phone.reload()
    expect(phone.locator("#lookup-code")).to_have_text(report.code)

    # Its progress, one tap away; and through the lookup form, typed in lower case.
    phone.get_by_role("button", name=translation.gettext("See the progress now")).click()
    phone.wait_for_url(f"**{page.url}lookup/")
    expect(phone.locator("#report-status")).to_have_attribute("data-status", PublicReportStatus.RECEIVED)
    check(phone, live_server)
    phone.goto(f"{page.url}lookup/")
    check(phone, live_server)
    phone.locator("#id_code").fill(report.code.lower())
    phone.locator("form.reg-form button[type=submit]").click()
    phone.wait_for_url(f"**{page.url}lookup/")
    expect(phone.locator("#report-status")).to_have_attribute("data-status", PublicReportStatus.RECEIVED)
    assert "李女士" not in phone.content()

    # An unknown code: refused beside the field.
    phone.locator("#id_code").fill("ABCD2345")
    phone.locator("form.reg-form button[type=submit]").click()
    phone.wait_for_load_state()
    expect(phone.locator("#id_code-error")).to_be_visible()
    check(phone, live_server)


def test_reporting_with_a_village_in_large_text(phone, live_server, world):
    page = world["page"]
    phone.goto(page.url)
    phone.locator("#text-size-toggle").click()
    expect(phone.locator("html")).to_have_class(re.compile("large-text"))
    check(phone, live_server)
    # Nothing chosen: the village and the place are asked for beside their fields.
    phone.locator("#id_description").fill("村口小卖部门口私拉电线给电动车充电。")
    phone.locator("#id_answer").fill(str(the_answer(phone)))
    phone.locator("#public-report-form button[type=submit]").click()
    phone.wait_for_load_state()
    expect(phone.locator("#id_village-error")).to_be_visible()
    expect(phone.locator("#id_address-error")).to_be_visible()
    expect(phone.locator("#id_description")).to_have_value("村口小卖部门口私拉电线给电动车充电。")
    check(phone, live_server)
    phone.locator("#id_village").select_option(str(world["tree"]["qinggang"].pk))
    phone.locator("#id_address").fill("青杠村村口")
    phone.locator("#id_answer").fill(str(the_answer(phone)))
    phone.locator("#public-report-form button[type=submit]").click()
    phone.wait_for_url(f"**{page.url}done/")
    report = PublicReport.objects.get()
    assert (report.area, report.venue) == (world["tree"]["qinggang"], None)
    expect(phone.locator("#lookup-code")).to_have_text(report.code)
    check(phone, live_server)
