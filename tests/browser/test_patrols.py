"""A grid worker patrols on a 360 px phone with a weak signal: the worklist, the form filled in
with a photo from the camera, a reload that loses nothing, a submission without connection
(kept on the phone and sent when the signal returns), the same stored form sent again (still
one record), and a session that ended while the form was being filled in (sign in, the form
comes back with its contents, one record). Zero axe findings on the worklist and the form,
nothing wider than the screen, nothing from another origin."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, wait_until
from tests.browser.test_public import assert_fits_the_screen, assert_only_our_origin
from tests.browser.test_selfcheck_browser import jpeg_file
from tests.factories import PASSWORD, approve, make_area_tree, make_home, make_member, make_venue
from venues.models import Hazard, HazardSource, Patrol
from venues.roles import GRID_WORKER

GENERAL = "extinguishers_present"  # a general item of every kind, a photo needed when not in order


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def world(transactional_db, django_db_serialized_rollback):
    make_home()
    tree = make_area_tree()
    worker = make_member(GRID_WORKER, tree["qinggang-1"], username="grid-worker")
    shop = approve(make_venue(tree["qinggang-1"], name="青杠手机巡查副食店", credit_code=""))
    other = approve(make_venue(tree["qinggang-1"], name="青杠巡查第二店", credit_code=""))
    return {"worker": worker, "shop": shop, "other": other}


def sign_in(page, username):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/admin/")


def check(page, live_server):
    assert axe_violations(page) == [], page.url
    assert_fits_the_screen(page)
    assert_only_our_origin(page, live_server)


def fill_in(page, fail=GENERAL, note="灭火器压力不足"):
    """Every item in order but ``fail``, which is not, with a note and a photo."""
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.locator(f"input[name='{fail}-answer'][value=no]").check()
    page.locator(f"#id_{fail}-note").fill(note)
    page.locator("#id_remarks").fill("店内整体整洁")


def draft_key(user, venue):
    return f"patrol-draft:{user.pk}:{venue.pk}"


def draft_of(page, venue, user):
    return page.evaluate(f"window.localStorage.getItem('{draft_key(user, venue)}')")


def kept_keys(page):
    return page.evaluate("Object.keys(window.localStorage).filter((key) => key.startsWith('patrol-draft:'))")


def kept_photos(page):
    """The number of photos kept in the phone's IndexedDB (after pending writes settle)."""
    page.wait_for_timeout(500)
    return page.evaluate("""() => new Promise((resolve) => {
        const opened = indexedDB.open("patrol-photos", 1);
        opened.onupgradeneeded = () => opened.result.createObjectStore("photos");
        opened.onsuccess = () => {
            const counted = opened.result.transaction("photos").objectStore("photos").count();
            counted.onsuccess = () => { opened.result.close(); resolve(counted.result); };
        };
    })""")


def test_a_patrol_offline_reloaded_and_sent_twice_makes_one_record(phone, live_server, world):
    shop = world["shop"]
    sign_in(phone, "grid-worker")

    # The worklist: one card per venue, saying why; the census entry for an unregistered venue.
    phone.goto("/admin/venues/patrols/")
    expect(phone.locator(f"#patrol-venue-{shop.pk}")).to_contain_text(_("Never patrolled"))
    expect(phone.locator("#patrol-census")).to_be_visible()
    check(phone, live_server)
    phone.locator(f"#patrol-venue-{shop.pk} h2 a").click()

    # The form: filled in, with a photo from the camera (made smaller and kept by the phone).
    expect(phone.locator("h1")).to_contain_text(shop.name)
    check(phone, live_server)
    fill_in(phone)
    phone.locator(f"#id_{GENERAL}-photo").set_input_files(jpeg_file())
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(1)
    submission_id = phone.locator("input[name=submission_id]").input_value()
    assert len(submission_id) == 36

    # A reload loses nothing: answers, note, remarks, the photo and the form's id.
    phone.reload()
    expect(phone.locator("#patrol-restored")).to_have_text(
        _("The answers kept on this phone have been filled in again."))
    expect(phone.locator(f"#id_{GENERAL}-note")).to_have_value("灭火器压力不足")
    expect(phone.locator("#id_remarks")).to_have_value("店内整体整洁")
    assert phone.locator(f"input[name='{GENERAL}-answer'][value=no]").is_checked()
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(1)
    assert phone.locator("input[name=submission_id]").input_value() == submission_id
    check(phone, live_server)

    # No signal: the form is kept and the person is told so; nothing reaches the server.
    phone.context.set_offline(True)
    phone.locator("#patrol-submit").click()
    expect(phone.locator("#patrol-status")).to_contain_text(_(
        "No connection: the patrol record is kept on this phone and will be sent when the signal returns. "
        "You can also press “Send now”."))
    expect(phone.locator("#patrol-retry")).to_be_visible()
    assert not Patrol.objects.exists()
    stored_form = draft_of(phone, shop, world["worker"])

    # The signal returns: the form goes by itself, and the record's page clears the draft.
    phone.context.set_offline(False)
    phone.wait_for_url("**/admin/venues/patrols/*/")
    patrol = Patrol.objects.get()
    assert str(patrol.submission_id) == submission_id
    hazard = Hazard.objects.get(venue=shop)
    assert (hazard.source, hazard.patrol, hazard.photos.count()) == (HazardSource.PATROL, patrol, 1)
    assert draft_of(phone, shop, world["worker"]) is None
    expect(phone.locator(".messages .success")).to_be_visible()
    phone.wait_for_timeout(1000)  # Wagtail's message slides in: measured once it is in place
    check(phone, live_server)

    # The stored form left on the phone (its reply lost) does not come back into a later visit:
    # its id is among those recorded, so the phone drops it and says so; a new form, a new id.
    phone.goto(f"/admin/venues/patrols/venue/{shop.pk}/")
    key = draft_key(world["worker"], shop)
    phone.evaluate(f"window.localStorage.setItem('{key}', {stored_form!r})")
    phone.reload()
    expect(phone.locator("#patrol-dropped")).to_be_visible()
    assert phone.locator("input[name=submission_id]").input_value() != submission_id
    expect(phone.locator(f"#id_{GENERAL}-note")).to_have_value("")
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(0)
    assert Patrol.objects.count() == 1 and Hazard.objects.count() == 1


def test_after_the_session_ends_signing_in_brings_the_form_back(phone, live_server, world):
    shop = world["other"]
    sign_in(phone, "grid-worker")
    phone.goto(f"/admin/venues/patrols/venue/{shop.pk}/")
    fill_in(phone, note="安全出口被货物堵塞")
    phone.locator(f"#id_{GENERAL}-photo").set_input_files(jpeg_file(colour="red"))
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(1)
    submission_id = phone.locator("input[name=submission_id]").input_value()

    # The session ends while the form is being filled in (the idle timeout).
    phone.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    phone.locator("#patrol-submit").click()
    phone.wait_for_url("**/admin/login/**")
    assert not Patrol.objects.exists()
    phone.locator("#id_username").fill("grid-worker")
    phone.locator("#id_password").fill(PASSWORD)
    phone.locator("#id_password").press("Enter")

    # Back on the form, with its contents.
    phone.wait_for_url(f"**/admin/venues/patrols/venue/{shop.pk}/")
    expect(phone.locator(f"#id_{GENERAL}-note")).to_have_value("安全出口被货物堵塞")
    assert phone.locator(f"input[name='{GENERAL}-answer'][value=no]").is_checked()
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(1)
    assert phone.locator("input[name=submission_id]").input_value() == submission_id
    check(phone, live_server)
    phone.locator("#patrol-submit").click()
    phone.wait_for_url("**/admin/venues/patrols/*/")
    patrol = Patrol.objects.get()
    assert str(patrol.submission_id) == submission_id
    assert Hazard.objects.get(venue=shop).photos.count() == 1
    wait_until(phone, f"window.localStorage.getItem('{draft_key(world['worker'], shop)}') === null")


def test_a_second_person_on_the_same_phone_does_not_see_the_first_ones_form(phone, live_server, world):
    shop = world["shop"]
    colleague = make_member(GRID_WORKER, world["shop"].area, username="grid-worker-2")
    sign_in(phone, "grid-worker")
    phone.goto(f"/admin/venues/patrols/venue/{shop.pk}/")
    fill_in(phone, note="甲的笔记：电线私拉乱接")
    phone.locator(f"#id_{GENERAL}-photo").set_input_files(jpeg_file())
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(1)
    wait_until(phone, f"window.localStorage.getItem('{draft_key(world['worker'], shop)}') !== null")
    assert kept_photos(phone) == 1

    # The session ends without signing out; the colleague signs in on the same phone.
    phone.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    sign_in(phone, "grid-worker-2")
    phone.goto(f"/admin/venues/patrols/venue/{shop.pk}/")
    expect(phone.locator(f"#id_{GENERAL}-note")).to_have_value("")
    expect(phone.locator("#id_remarks")).to_have_value("")
    expect(phone.locator(f"[data-patrol-thumbs='{GENERAL}'] img")).to_have_count(0)
    expect(phone.locator("#patrol-restored")).to_be_hidden()
    assert kept_keys(phone) == [draft_key(colleague, shop)]  # the first person's copy is gone

    # Signing out with answers not sent: warned, and when confirmed every copy is removed.
    phone.locator("#id_remarks").fill("乙的备注")
    kept = f"(window.localStorage.getItem('{draft_key(colleague, shop)}') || '')"
    wait_until(phone, f"{kept}.includes('乙的备注')")
    assert kept_photos(phone) == 0  # the first person's photo went with their copy

    # The phone's storage full: a warning stays on the page (the form still goes while it is open).
    phone.evaluate("""() => {
        Storage.prototype.setItem = () => { throw new DOMException("full", "QuotaExceededError"); };
    }""")
    phone.locator("#id_remarks").fill("乙的备注，存不下")
    expect(phone.locator("#patrol-storage")).to_be_visible()
    expect(phone.locator("#patrol-storage")).to_have_attribute("role", "alert")

    dialogs = []
    phone.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    phone.evaluate("document.querySelector(\"form[action$='/logout/']\").requestSubmit()")
    phone.wait_for_url("**/admin/login/**")
    warning = _("A patrol form kept on this phone has not been sent yet. "
                "Signing out removes it from this phone. Sign out anyway?")
    assert dialogs == [warning]
    assert kept_keys(phone) == [] and kept_photos(phone) == 0
    assert not Patrol.objects.exists()
