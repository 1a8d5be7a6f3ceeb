"""An owner's self-check at /services/self-check/: the venues and what is due, the checklist
group by group (a draft kept at every POST, even one with errors, so nothing typed is lost;
photos stored as they arrive), submitted once however often it is sent, failed items becoming
hazards the owner reports fixed with photos after. Owners see only their own venues' checks,
hazards and history; staff are sent to the back office. The owner's home and the public venue
card show what is due, open and overdue."""

import datetime
import re

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

import pytest

from home import selfcheck
from home.roles import EDITORS
from tests.factories import (
    UserFactory,
    approve,
    fill_selfcheck,
    make_area_tree,
    make_selfcheck_page,
    make_staff,
    make_venue,
    photo_upload,
)
from venues.models import (
    Answer,
    AuditEntry,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardStatus,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    Severity,
)
from venues.workflows import hazards, selfchecks

pytestmark = pytest.mark.django_db

BASE = "/services/self-check/"
FIRE = "extinguishers_present"  # group 1 of a shop: general, a photo needed when it fails
EXITS_LOCKED = "exits_unlocked"  # group 2: a major item


@pytest.fixture
def tree(db):
    return make_area_tree()


@pytest.fixture
def page(home):
    return make_selfcheck_page(home)


@pytest.fixture
def owner():
    return UserFactory(username="13900001111", mobile="13900001111")


@pytest.fixture
def venue(tree, owner):
    return approve(make_venue(tree["qinggang-1"], kind="shopping", owner=owner, name="青杠自查副食店"))


@pytest.fixture
def owner_client(client, owner, page, venue):
    client.force_login(owner)
    return client


def start(client, venue):
    return client.post(f"{BASE}start/{venue.pk}/")


def group_url(check, number):
    return f"{BASE}{check.pk}/{number}/"


def answers(check, number, fail=None, skip=(), photos=None, **extra):
    """The POST of group ``number``: "yes" to every item but those in ``fail`` ({code:
    note}, answered "no" with the note, and an interim measure for a major item) and those
    in ``skip`` (not answered)."""
    fail, photos = fail or {}, photos or {}
    _name, items = check.groups()[number - 1]
    data = {}
    for item in items:
        code = item["code"]
        if code in skip:
            continue
        if code in fail:
            data[f"{code}-answer"] = Answer.NO
            data[f"{code}-note"] = fail[code]
            if item["severity"] == Severity.MAJOR:
                data[f"{code}-interim"] = "已安排专人值守"
        else:
            data[f"{code}-answer"] = Answer.YES
        if code in photos:
            data[f"{code}-photo"] = photos[code]
    data.update(extra)
    return data


def html_of(response):
    return response.content.decode()


def fill_in(client, check, fail=None, photos=None):
    """Every group through the views, as an owner does it; ends on the summary."""
    fail, photos = fail or {}, photos or {}
    total = len(check.groups())
    for number in range(1, total + 1):
        response = client.post(group_url(check, number), answers(check, number, fail, photos=photos))
        following = group_url(check, number + 1) if number < total else f"{BASE}{check.pk}/submit/"
        assert response.status_code == 302, html_of(response)[:3000]
        assert response["Location"] == following


# --- The list of venues and starting -------------------------------------------------------------

def test_the_owner_sees_each_approved_venue_with_its_due_date_and_a_start_button(owner_client, venue, tree,
                                                                                 owner):
    make_venue(tree["qinggang-2"], owner=owner, name="还在登记的店")
    response = owner_client.get(BASE)
    html = html_of(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "青杠自查副食店" in html and "还在登记的店" not in html
    assert f"{venue.selfcheck_due_on:%Y-%m-%d}" in html
    assert f'action="{BASE}start/{venue.pk}/"' in html
    assert _("Start a self-check") in html
    assert _("Venues whose registration is not approved yet appear here once it is.") in html


def test_starting_twice_finds_the_same_draft_and_opens_its_first_group(owner_client, venue):
    first, second = start(owner_client, venue), start(owner_client, venue)
    check = SelfCheck.objects.get(venue=venue)
    assert first["Location"] == second["Location"] == group_url(check, 1)
    assert check.status == SelfCheckStatus.DRAFT and check.started_by.mobile == "13900001111"


def test_a_get_of_start_changes_nothing(owner_client, venue):
    response = owner_client.get(f"{BASE}start/{venue.pk}/")
    assert response.status_code == 302 and response["Location"] == BASE
    assert not SelfCheck.objects.exists()


def test_a_venue_not_approved_cannot_start(owner_client, tree, owner):
    draft = make_venue(tree["qinggang-2"], owner=owner, name="草稿店")
    response = start(owner_client, draft)
    assert response["Location"] == BASE
    assert not SelfCheck.objects.exists()


# --- Filling in --------------------------------------------------------------------------------------

def test_a_whole_self_check_with_a_failed_item_becomes_a_hazard(owner_client, venue, owner):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    page = owner_client.get(group_url(check, 1))
    html = html_of(page)
    assert '<progress class="sc-progress" max="8" value="1"' in html
    assert "<fieldset" in html and "<legend" in html and _("What good looks like") in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    fill_in(owner_client, check, fail={FIRE: "灭火器过期了"}, photos={FIRE: photo_upload()})
    summary = owner_client.get(f"{BASE}{check.pk}/submit/")
    assert "灭火器过期了" in html_of(summary) and "本人承诺自查结果真实" in html_of(summary)
    # The declaration must be ticked.
    refused = owner_client.post(f"{BASE}{check.pk}/submit/", {})
    assert refused.status_code == 200 and 'id="id_declare-error"' in html_of(refused)
    assert SelfCheck.objects.get().status == SelfCheckStatus.DRAFT
    response = owner_client.post(f"{BASE}{check.pk}/submit/", {"declare": "on"})
    assert response["Location"] == f"{BASE}{check.pk}/"
    done = owner_client.get(response["Location"])
    hazard = Hazard.objects.get()
    assert hazard.item_code == FIRE and hazard.description == "灭火器过期了"
    assert hazard.photos.filter(stage=EvidenceStage.BEFORE).count() == 1
    html = html_of(done)
    assert f"{hazard.deadline:%Y-%m-%d}" in html and f"{BASE}hazard/{hazard.pk}/" in html
    assert "工作人员会查看您的自查结果" in html  # what happens next, from the page
    assert SelfCheck.objects.get().status == SelfCheckStatus.SUBMITTED


def test_the_draft_is_kept_and_the_owner_continues_where_they_stopped(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    data = answers(check, 1, {FIRE: "只有一具灭火器"}, action="later", photos={FIRE: photo_upload()})
    response = owner_client.post(group_url(check, 1), data)
    assert response["Location"] == BASE
    check.refresh_from_db()
    assert check.step == 1
    for address in (BASE, "/owner/"):
        html = html_of(owner_client.get(address))
        assert _("Continue the self-check") in html and f'href="{group_url(check, 2)}"' in html
    # Going back to the first group shows what was answered.
    html = html_of(owner_client.get(group_url(check, 1)))
    assert f'value="no" class="form-check-input" id="id_{FIRE}-answer_1" required checked' in html
    assert "只有一具灭火器" in html
    assert f"/owner/evidence/{EvidencePhoto.objects.get().pk}/" in html
    # Starting again opens the same draft where it stopped.
    assert start(owner_client, venue)["Location"] == group_url(check, 2)


def test_answers_and_typed_notes_are_kept_when_a_field_has_an_error(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    data = answers(check, 1, {FIRE: "灭火器被货物挡住了"}, skip=["extinguisher_condition"])
    response = owner_client.post(group_url(check, 1), data)
    html = html_of(response)
    assert response.status_code == 200
    # The errors beside their fields, tied to them for a screen reader.
    assert re.search(r'<fieldset class="sc-answer reg-has-error" aria-describedby="id_extinguisher_condition'
                     r'-answer-error">', html)
    assert f'id="id_extinguisher_condition-answer-error">{escape(_("Please answer this item."))}' in html
    assert f'id="id_{FIRE}-photo-error">{escape(_("Please add a photo of what is not in order."))}' in html
    assert f'aria-describedby="id_{FIRE}-photo-error"' in html
    # What was typed is on the page again, and stored.
    assert "灭火器被货物挡住了" in html
    stored = SelfCheckAnswer.objects.get(selfcheck=check, code=FIRE)
    assert (stored.answer, stored.note) == (Answer.NO, "灭火器被货物挡住了")
    check.refresh_from_db()
    assert check.step == 0  # the group is not complete


def test_a_failed_item_without_a_note_is_refused_beside_the_field(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    data = answers(check, 1, {FIRE: ""}, photos={FIRE: photo_upload()})
    response = owner_client.post(group_url(check, 1), data)
    html = html_of(response)
    assert response.status_code == 200
    assert f'id="id_{FIRE}-note-error">{escape(_("Please say what is not in order."))}' in html
    assert re.search(rf'<textarea[^>]*aria-invalid="true"[^>]*aria-describedby="id_{FIRE}-note-error"', html)
    # The photo arrived with the refused form and is kept.
    assert EvidencePhoto.objects.filter(answer__selfcheck=check, answer__code=FIRE).count() == 1


def test_a_failed_major_item_needs_an_interim_measure(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    owner_client.post(group_url(check, 1), answers(check, 1))
    data = answers(check, 2, {EXITS_LOCKED: "后门上了锁"}, photos={EXITS_LOCKED: photo_upload()})
    data[f"{EXITS_LOCKED}-interim"] = ""
    html = html_of(owner_client.post(group_url(check, 2), data))
    assert f'id="id_{EXITS_LOCKED}-interim-error"' in html
    assert _("major item") in html


def test_not_a_photo_is_refused_beside_the_field_and_nothing_else_is_lost(owner_client, venue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    start(owner_client, venue)
    check = SelfCheck.objects.get()
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    data = answers(check, 1, {FIRE: "过期"}, photos={FIRE: fake})
    html = html_of(owner_client.post(group_url(check, 1), data))
    assert f'id="id_{FIRE}-photo-error"' in html and "PDF" in html
    assert not EvidencePhoto.objects.exists()
    assert SelfCheckAnswer.objects.get(code=FIRE).note == "过期"


def test_a_photo_is_removed_and_the_answers_sent_with_it_are_kept(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    owner_client.post(group_url(check, 1), answers(check, 1, {FIRE: "过期"}, photos={FIRE: photo_upload()}))
    photo = EvidencePhoto.objects.get()
    data = answers(check, 1, {FIRE: "过期了两年"}, action="remove")
    response = owner_client.post(f"{BASE}{check.pk}/photo/{photo.pk}/remove/", data)
    assert response["Location"] == f"{group_url(check, 1)}#item-{FIRE}"
    assert not EvidencePhoto.objects.exists()
    assert SelfCheckAnswer.objects.get(code=FIRE).note == "过期了两年"
    # A GET removes nothing.
    owner_client.post(group_url(check, 1), answers(check, 1, {FIRE: "过期"}, photos={FIRE: photo_upload()}))
    photo = EvidencePhoto.objects.get()
    owner_client.get(f"{BASE}{check.pk}/photo/{photo.pk}/remove/")
    assert EvidencePhoto.objects.filter(pk=photo.pk).exists()


def sc_item(html, code):
    """The opening tag of an item's block on a group page."""
    return re.search(rf'<div class="[^"]*" id="item-{code}">', html).group(0)


def test_the_questions_for_a_failure_are_shown_only_when_needed(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    # Unanswered: left to the stylesheet, which shows them once "not in order" is ticked.
    html = html_of(owner_client.get(group_url(check, 1)))
    assert "sc-item-failed" not in html
    css = (settings.BASE_DIR / "static/css/site.css").read_text()
    hidden = (r'\.sc-item:not\(\.sc-item-failed\):not\(:has\(\.sc-answer input\[value="no"\]:checked\)\) '
              r'\.sc-failed \{ display: none; \}')
    assert re.search(r'@supports selector\(:has\(\*\)\) \{\s*' + hidden, css)
    # Refused for a missing note, or answered "not in order": always shown.
    data = answers(check, 1, {FIRE: ""})
    html = html_of(owner_client.post(group_url(check, 1), data))
    assert "sc-item-failed" in sc_item(html, FIRE)
    assert "sc-item-failed" not in sc_item(html, "extinguisher_condition")
    owner_client.post(group_url(check, 1), answers(check, 1, {FIRE: "过期"}, action="later"))
    assert "sc-item-failed" in sc_item(html_of(owner_client.get(group_url(check, 1))), FIRE)


def test_the_owner_discards_a_draft_and_starts_again_after_being_asked(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    owner_client.post(group_url(check, 1), answers(check, 1, {FIRE: "过期"}, photos={FIRE: photo_upload()},
                                                   action="later"))
    discard = f"{BASE}{check.pk}/discard/"
    # Offered, small, on the group page and on the list of venues (and the owner's home).
    for address in (group_url(check, 1), BASE, "/owner/"):
        assert f'href="{discard}"' in html_of(owner_client.get(address)), address
    # The link only asks; keeping the answers is the first button.
    html = html_of(owner_client.get(discard))
    main = html[html.index("<main"):]
    assert main.index(f'href="{group_url(check, 2)}"') < main.index(_("Delete the answers and start again"))
    assert SelfCheck.objects.filter(pk=check.pk).exists() and EvidencePhoto.objects.exists()
    response = owner_client.post(discard)
    fresh = SelfCheck.objects.get(venue=venue)
    assert fresh.pk != check.pk and fresh.status == SelfCheckStatus.DRAFT and fresh.step == 0
    assert response["Location"] == group_url(fresh, 1)
    assert not SelfCheckAnswer.objects.exists() and not EvidencePhoto.objects.exists()
    assert AuditEntry.objects.filter(action="selfcheck.discard").count() == 1
    # A submitted self-check is not discarded: its page is shown instead.
    fill_selfcheck(fresh, venue.owner)
    selfchecks.submit(fresh, venue.owner)
    response = owner_client.post(f"{BASE}{fresh.pk}/discard/")
    assert response["Location"] == f"{BASE}{fresh.pk}/"
    assert SelfCheck.objects.get(pk=fresh.pk).status == SelfCheckStatus.SUBMITTED


def test_a_draft_discarded_by_staff_meanwhile_leads_back_to_the_list(owner_client, venue, tree):
    from tests.factories import make_member
    from venues.roles import VILLAGE_STAFF

    start(owner_client, venue)
    check = SelfCheck.objects.get()
    selfchecks.discard(check, make_member(VILLAGE_STAFF, tree["qinggang"]))
    response = owner_client.get(group_url(check, 1))
    assert response.status_code == 404
    assert _("Start a self-check") in html_of(owner_client.get(BASE))


def test_previous_and_going_to_another_group_save_what_was_typed(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    owner_client.post(group_url(check, 1), answers(check, 1))
    data = answers(check, 2, skip=["exits_clear"], action="previous")
    response = owner_client.post(group_url(check, 2), data)
    assert response["Location"] == group_url(check, 1)
    response = owner_client.post(group_url(check, 2), answers(check, 2, action="goto:5"))
    assert response["Location"] == group_url(check, 5)
    assert SelfCheckAnswer.objects.filter(selfcheck=check).count() == 2 + 4


def test_the_summary_lists_what_is_missing_with_links_to_the_groups(owner_client, venue):
    start(owner_client, venue)
    check = SelfCheck.objects.get()
    owner_client.post(group_url(check, 1), answers(check, 1))
    response = owner_client.post(f"{BASE}{check.pk}/submit/", {"declare": "on"})
    html = html_of(response)
    assert response.status_code == 200 and 'role="alert"' in html
    assert f'href="{group_url(check, 2)}#item-exits_clear"' in html
    assert str(selfchecks.NEEDS_ANSWER) in html
    assert SelfCheck.objects.get().status == SelfCheckStatus.DRAFT


def test_submitting_twice_makes_one_submission_and_one_set_of_hazards(owner_client, venue, owner):
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=[FIRE, EXITS_LOCKED])
    first = owner_client.post(f"{BASE}{check.pk}/submit/", {"declare": "on"})
    second = owner_client.post(f"{BASE}{check.pk}/submit/", {"declare": "on"})
    assert first["Location"] == second["Location"] == f"{BASE}{check.pk}/"
    assert SelfCheck.objects.filter(status=SelfCheckStatus.SUBMITTED).count() == 1
    assert Hazard.objects.count() == 2
    assert AuditEntry.objects.filter(action="selfcheck.submit").count() == 1
    # The submitted self-check can no longer be changed.
    response = owner_client.post(group_url(check, 1), answers(check, 1))
    assert response["Location"] == f"{BASE}{check.pk}/"
    assert not SelfCheckAnswer.objects.filter(selfcheck=check, code=FIRE, answer=Answer.YES).exists()


def test_a_returned_self_check_says_why_and_offers_a_new_one(owner_client, venue, owner, tree):
    check = selfchecks.submit(fill_selfcheck(selfchecks.start(venue, owner), owner), owner)
    reviewer = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "review_selfcheck"))
    selfchecks.return_(check, reviewer, "照片与现场不符，请重新检查。")
    html = html_of(owner_client.get(f"{BASE}{check.pk}/"))
    assert "照片与现场不符，请重新检查。" in html
    assert f'action="{BASE}start/{venue.pk}/"' in html


# --- Hazards --------------------------------------------------------------------------------------

@pytest.fixture
def hazard(venue, owner):
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=[FIRE])
    selfchecks.submit(check, owner)
    return Hazard.objects.get()


def test_the_owner_sees_the_hazard_with_its_photos_deadline_and_history(owner_client, hazard):
    html = html_of(owner_client.get(f"{BASE}hazard/{hazard.pk}/"))
    assert hazard.item_question in html and hazard.description in html
    assert f"{hazard.deadline:%Y-%m-%d}" in html
    before = hazard.photos.get()
    assert f"/owner/evidence/{before.pk}/" in html
    assert _("Report it fixed") in html and "整改后拍照上传" in html


def test_reporting_a_fix_needs_a_note_and_a_photo_after(owner_client, hazard):
    address = f"{BASE}hazard/{hazard.pk}/"
    response = owner_client.post(address, {"action": "rectify", "note": ""})
    html = html_of(response)
    assert response.status_code == 200
    assert 'id="id_note-error"' in html and 'id="id_photo-error"' in html
    assert 'aria-describedby="id_note-error"' in html
    # The photo is stored as it arrives; the note typed is kept when it is still refused.
    data = {"action": "photo", "photo": photo_upload(), "note": "已购新灭火器"}
    response = owner_client.post(address, data)
    assert hazard.photos.filter(stage=EvidenceStage.AFTER).count() == 1
    assert "已购新灭火器" in html_of(response)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.OPEN
    response = owner_client.post(address, {"action": "rectify", "note": "已购新灭火器"})
    assert response["Location"] == address
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED and hazard.rectification_note == "已购新灭火器"
    html = html_of(owner_client.get(address))
    assert 'name="action" value="rectify"' not in html and "已购新灭火器" in html


def photo_label(html):
    """The label of the hazard page's photo field."""
    return re.search(r'<label class="form-label" for="id_photo">(.*?)</label>', html).group(1)


def test_a_photo_after_is_marked_needed_until_one_is_taken_since_the_last_rejection(owner_client, hazard,
                                                                                   owner, tree):
    address = f"{BASE}hazard/{hazard.pk}/"
    required, optional = pgettext("form field", "(required)"), pgettext("form field", "(optional)")
    assert required in photo_label(html_of(owner_client.get(address)))
    first = hazards.add_after_photo(hazard, photo_upload(), owner)
    label = photo_label(html_of(owner_client.get(address)))
    assert optional in label and _("Add another photo") in label
    hazards.rectify(hazard, owner, "已更换")
    reviewer = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "verify_hazard"))
    hazards.verify(hazard, reviewer, False, reason="照片看不清")
    # Not fixed: the photo of that fix stays as evidence, apart and without a remove button, and a
    # new photo is needed again.
    html = html_of(owner_client.get(address))
    assert required in photo_label(html)
    rejected = html[html.index('id="rejected-title"'):html.index('id="rectify-title"')]
    assert f"/owner/evidence/{first.pk}/" in rejected
    assert f'name="remove" value="{first.pk}"' not in html
    response = owner_client.post(address, {"remove": str(first.pk), "note": ""}, follow=True)
    assert response.status_code == 200 and EvidencePhoto.objects.filter(pk=first.pk).exists()
    second = hazards.add_after_photo(hazard, photo_upload(color="green"), owner)
    html = html_of(owner_client.get(address))
    assert optional in photo_label(html) and f'name="remove" value="{second.pk}"' in html


def test_an_after_photo_is_removed_while_the_hazard_is_open(owner_client, hazard, owner):
    photo = hazards.add_after_photo(hazard, photo_upload(), owner)
    owner_client.post(f"{BASE}hazard/{hazard.pk}/", {"remove": str(photo.pk), "note": ""})
    assert not hazard.photos.filter(stage=EvidenceStage.AFTER).exists()
    assert hazard.photos.filter(stage=EvidenceStage.BEFORE).count() == 1


def test_the_history_lists_self_checks_and_hazards_newest_first_with_the_risk_level(owner_client, hazard,
                                                                                     venue):
    venue.refresh_from_db()
    html = html_of(owner_client.get(f"{BASE}venue/{venue.pk}/history/"))
    assert str(SelfCheckStatus.SUBMITTED.label) in html
    assert f"{BASE}hazard/{hazard.pk}/" in html and f"{BASE}{hazard.selfcheck_id}/" in html
    assert venue.get_risk_level_display() in html
    for reason in venue.risk_reasons:
        assert escape(reason) in html


# --- Who may see what ---------------------------------------------------------------------------------

def owner_urls(check, hazard, venue):
    photo = EvidencePhoto.objects.filter(venue=venue).first()
    return [
        ("get", f"{BASE}{check.pk}/"), ("get", group_url(check, 1)), ("get", f"{BASE}{check.pk}/submit/"),
        ("post", f"{BASE}{check.pk}/photo/{photo.pk}/remove/"), ("get", f"{BASE}hazard/{hazard.pk}/"),
        ("post", f"{BASE}hazard/{hazard.pk}/"), ("get", f"{BASE}venue/{venue.pk}/history/"),
        ("post", f"{BASE}start/{venue.pk}/"), ("get", f"/owner/evidence/{photo.pk}/"),
        ("get", f"{BASE}{check.pk}/discard/"), ("post", f"{BASE}{check.pk}/discard/"),
    ]


@pytest.fixture
def world(page, venue, owner, hazard):
    """A submitted self-check with a hazard, and a draft with a photo."""
    draft = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=[FIRE])
    return draft, hazard


def test_another_owner_finds_nothing(client, world, venue):
    draft, found = world
    client.force_login(UserFactory(mobile="13900002222"))
    for method, address in owner_urls(draft, found, venue):
        response = getattr(client, method)(address)
        assert response.status_code == 404, address
    assert EvidencePhoto.objects.filter(venue=venue).count() == 2


def test_the_owner_reaches_every_page(client, world, venue, owner):
    draft, found = world
    client.force_login(owner)
    for method, address in owner_urls(draft, found, venue):
        if method == "get":
            response = client.get(address)
            assert response.status_code in (200, 302), address


def pages(check, hazard, venue):
    return [BASE, group_url(check, 1), f"{BASE}hazard/{hazard.pk}/", f"{BASE}venue/{venue.pk}/history/",
            f"{BASE}{check.pk}/discard/"]


@pytest.mark.parametrize("who", ["staff", "editor", "superuser"])
def test_staff_are_sent_to_the_back_office(client, world, venue, tree, who):
    draft, found = world
    user = {"staff": lambda: make_staff(tree["qinggang"]), "editor": lambda: UserFactory(groups=[EDITORS]),
            "superuser": lambda: UserFactory(is_superuser=True)}[who]()
    client.force_login(user)
    for address in pages(draft, found, venue):
        response = client.get(address)
        assert response.status_code == 403, address
        assert "/admin/" in html_of(response)
    assert start(client, venue).status_code == 403


def test_visitors_are_asked_to_sign_in(client, world, venue):
    draft, found = world
    for address in pages(draft, found, venue):
        response = client.get(address)
        assert response.status_code == 302 and "/login/" in response["Location"], address


def test_an_operator_does_the_self_check_of_the_venue_they_operate(client, page, venue):
    operator = UserFactory(mobile="13900003333")
    venue.operators.add(operator)
    client.force_login(operator)
    assert start(client, venue).status_code == 302
    assert SelfCheck.objects.get().started_by == operator


# --- Where it shows ------------------------------------------------------------------------------------

def test_the_owners_home_shows_what_is_overdue_and_open_with_one_tap_into_each(owner_client, hazard, venue):
    due = timezone.localdate() - datetime.timedelta(days=1)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    type(venue).objects.filter(pk=venue.pk).update(selfcheck_due_on=due)
    html = html_of(owner_client.get("/owner/"))
    assert escape(_("Self-check overdue: it was due by %(date)s.") % {"date": f"{due:%Y-%m-%d}"}) in html
    deadline = f"{timezone.localdate() - datetime.timedelta(days=2):%Y-%m-%d}"
    assert escape(_("Overdue: it was to be fixed by %(date)s.") % {"date": deadline}) in html
    assert f'href="{BASE}hazard/{hazard.pk}/"' in html
    assert f'href="{BASE}venue/{venue.pk}/history/"' in html
    assert f'action="{BASE}start/{venue.pk}/"' in html
    submitted = f"{timezone.localdate(hazard.selfcheck.submitted_at):%Y-%m-%d}"
    assert escape(_("The self-check of %(date)s is awaiting review.") % {"date": submitted}) in html


def card_queries(client, venue):
    client.get(f"/v/{venue.public_code}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/v/{venue.public_code}/")
    return len(queries)


def test_the_public_card_shows_the_last_accepted_date_and_whether_a_hazard_is_overdue(client, venue, owner,
                                                                                      tree, page):
    before = card_queries(client, venue)
    check = selfchecks.submit(fill_selfcheck(selfchecks.start(venue, owner), owner, fail=[FIRE]), owner)
    reviewer = make_staff(tree["qinggang"], permissions=("access_admin", "view_venue", "review_selfcheck"))
    selfchecks.accept(check, reviewer)
    Hazard.objects.update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    html = html_of(client.get(f"/v/{venue.public_code}/"))
    check.refresh_from_db()
    assert f"{timezone.localdate(check.submitted_at):%Y-%m-%d}" in html
    last, overdue = card_facts(html)[-2:]
    assert last == (_("Last accepted self-check"), f"{timezone.localdate(check.submitted_at):%Y-%m-%d}")
    assert overdue == (_("Any hazard overdue"), pgettext("hazard overdue", "yes"))
    # No details of the hazard on a public page.
    hazard = Hazard.objects.get()
    assert hazard.description not in html and hazard.item_question not in html
    # Both facts come with the venue itself: no query more than for a venue without them.
    assert card_queries(client, venue) == before


def card_facts(html):
    return re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd></div>", html)


def test_the_public_card_says_none_yet_and_no(client, venue):
    last, overdue = card_facts(html_of(client.get(f"/v/{venue.public_code}/")))[-2:]
    assert last == (_("Last accepted self-check"), pgettext("self-check", "none yet"))
    assert overdue == (_("Any hazard overdue"), pgettext("hazard overdue", "no"))


# --- Free text is shown as text ---------------------------------------------------------------------------

def test_notes_are_shown_as_text_on_every_owner_page(owner_client, venue, owner):
    payload = "<script>alert('xss')</script>"
    check = selfchecks.start(venue, owner)
    fill_selfcheck(check, owner, fail=[FIRE])
    selfchecks.save_answers(check, owner, {FIRE: {"answer": Answer.NO, "note": payload,
                                                  "interim_measure": payload}})
    addresses = [group_url(check, 1), f"{BASE}{check.pk}/submit/"]
    selfchecks.submit(check, owner)
    found = Hazard.objects.get()
    addresses += [f"{BASE}{check.pk}/", f"{BASE}hazard/{found.pk}/", f"{BASE}venue/{venue.pk}/history/",
                  "/owner/"]
    for address in addresses:
        html = html_of(owner_client.get(address))
        assert payload not in html, address
    assert escape(payload) in html_of(owner_client.get(f"{BASE}hazard/{found.pk}/"))


# --- Helpers for other pages, and the editors' preview -------------------------------------------------

def test_addresses_for_other_pages(page, venue, hazard):
    assert selfcheck.index_url() == BASE
    assert selfcheck.start_url(venue) == f"{BASE}start/{venue.pk}/"
    assert selfcheck.hazard_url(hazard) == f"{BASE}hazard/{hazard.pk}/"
    assert selfcheck.history_url(venue) == f"{BASE}venue/{venue.pk}/history/"
    assert selfcheck.status_url(hazard.selfcheck) == f"{BASE}{hazard.selfcheck_id}/"
    page.unpublish()
    assert selfcheck.index_url() is None and selfcheck.hazard_url(hazard) is None


def test_editors_preview_every_text_of_the_self_check(rf, page):
    request = rf.get(BASE)
    request.user = UserFactory(is_superuser=True)
    request.is_preview = True
    response = page.serve_preview(request, "")
    response.render()
    html = html_of(response)
    for text in ["每月对照清单自查一次", "边走边查", "本人承诺自查结果真实", "工作人员会查看您的自查结果",
                 "整改后拍照上传"]:
        assert text in html


def test_the_demo_texts_fill_every_text_of_the_page(home):
    from home.models import SelfCheckPage

    fields = {"intro", "guidance", "declaration", "done_text", "rectify_guidance"}
    assert fields <= set(selfcheck.DEMO_TEXTS)
    page = SelfCheckPage(**selfcheck.DEMO_TEXTS)
    home.add_child(instance=page)
    assert all(getattr(page, name) for name in fields)
