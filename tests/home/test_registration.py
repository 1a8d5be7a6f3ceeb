"""An owner registers a venue online at /services/register/: a draft saved at every step,
photos stored at once, errors beside the fields with nothing lost, a declaration, submitted
once however often the button is pressed; returned registrations show the reviewer's notes
beside the fields and are submitted again. Owners only ever see their own drafts."""

import io
import os
import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

import pytest
from PIL import Image

from home import registration
from home.models import RegistrationPage, SiteSettings, StandardPage
from tests.factories import UserFactory, make_area_tree, make_registration_page, make_staff, make_venue
from venues.models import AuditEntry, Venue, VenuePhoto, VenueStatus, VenueStatusChange
from venues.validators import credit_code_check_char, id_number_check_char
from venues.workflows.registration import perform

pytestmark = pytest.mark.django_db

BASE = "/services/register/"
CREDIT_BODY = "92500156MA6ABCDE1"
CREDIT_CODE = CREDIT_BODY + credit_code_check_char(CREDIT_BODY)
ID_BODY = "50023219800101123"
ID_NUMBER = ID_BODY + id_number_check_char(ID_BODY)


@pytest.fixture
def tree(db):
    return make_area_tree()


@pytest.fixture
def page(home):
    return make_registration_page(home)


@pytest.fixture
def owner():
    return UserFactory(username="13900001111", mobile="13900001111")


@pytest.fixture
def owner_client(client, owner, page, tree):
    client.force_login(owner)
    return client


def jpeg(name="门头.jpg", size=(800, 600), colour="navy"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def venue_data(tree, **overrides):
    data = {
        "name": "双河便民副食店", "kind": "shopping", "village": tree["qinggang"].pk,
        "grid": tree["qinggang-1"].pk, "address": "双河镇青杠村3组12号", "floors": "1",
        "floor_area": "85", "seats": "", "beds": "", "staff_count": "", "dorm_people": "",
        "people": "", "subtype": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def start(client, tree, submission_id=None, **overrides):
    data = venue_data(tree, **overrides)
    data["submission_id"] = str(submission_id or uuid.uuid4())
    return client.post(BASE + "new/", data)


def url(venue, step):
    return f"{BASE}{venue.pk}/{step}/"


LICENCES = {
    "licensed": ({"licence": "licensed", "credit_code": CREDIT_CODE.lower(), "no_code_reason": ""},
                 {"operator_name": "张三", "operator_mobile": "+86 139-0000-2222",
                  "contact_name": "", "contact_mobile": ""},
                 ["storefront", "licence"]),
    "unlicensed": ({"licence": "unlicensed", "credit_code": "", "no_code_reason": "正在办理营业执照"},
                   {"operator_name": "李四", "operator_mobile": "13900002222",
                    "operator_id_number": ID_NUMBER.lower(), "contact_name": "李小四",
                    "contact_mobile": "139 0000 3333"},
                   ["storefront"]),
    "temporary": ({"licence": "temporary", "credit_code": "", "no_code_reason": "临时板房，无法办理执照"},
                  {"operator_name": "王五", "operator_mobile": "13900004444",
                   "operator_id_number": ID_NUMBER, "contact_name": "", "contact_mobile": ""},
                  ["storefront"]),
}


def register(client, tree, situation="licensed", **venue_overrides):
    """Every step of a registration up to (not including) the declaration."""
    response = start(client, tree, **venue_overrides)
    assert response.status_code == 302, response.content.decode()[:2000]
    venue = Venue.objects.latest("pk")
    licence, people, photo_kinds = LICENCES[situation]
    response = client.post(url(venue, "licence"), licence)
    assert response.status_code == 302 and response["Location"] == url(venue, "people")
    response = client.post(url(venue, "people"), people)
    assert response.status_code == 302 and response["Location"] == url(venue, "photos")
    for kind in photo_kinds:
        response = client.post(url(venue, "photos"), {"action": "upload", "kind": kind, "file": jpeg()})
        assert response.status_code == 302
    response = client.post(url(venue, "photos"), {"action": "next"})
    assert response["Location"] == url(venue, "declare")
    venue.refresh_from_db()
    return venue


def declare(client, venue):
    return client.post(url(venue, "declare"), {"declaration": "on", "privacy": "on"})


def field_block(html, field_id):
    """The markup of one field's wrapper: its label, input, note and error."""
    start_at = html.index(f'for="{field_id}"')
    end = html.find('class="mb-3 reg-field', start_at)
    return html[start_at: end if end != -1 else start_at + 3000]


# --- Who may use the form --------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_sign_in(client, page, tree, owner):
    venue = make_venue(tree["qinggang-1"], owner=owner)
    for path in [BASE, BASE + "new/", url(venue, "venue"), url(venue, "done")]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/owner/login/?next=")
        assert response["Location"] == f"/owner/login/?next={path}"
    assert client.post(BASE + "new/", venue_data(tree)).status_code == 302
    assert Venue.objects.count() == 1


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_get_no_owner_form_but_a_way_to_the_back_office(client, page, tree, who):
    user = make_staff(tree["qinggang"]) if who == "staff" else UserFactory(is_superuser=True)
    client.force_login(user)
    for path in [BASE, BASE + "new/"]:
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 403
        assert 'name="name"' not in html and 'href="/admin/"' in html
    assert start(client, tree).status_code == 403
    assert not Venue.objects.exists()


def test_owners_never_see_or_change_another_owners_draft(owner_client, tree, owner):
    other = UserFactory()
    theirs = make_venue(tree["mugen-1"], owner=other, name="别人的草稿", draft_step=2)
    photo = VenuePhoto.objects.create(venue=theirs, kind="storefront", file="venues/x.jpg", width=1,
                                      height=1, uploaded_by=other)
    mine = make_venue(tree["qinggang-1"], owner=owner, name="我的草稿", draft_step=3)

    listing = owner_client.get(BASE).content.decode()
    assert "我的草稿" in listing and "别人的草稿" not in listing
    for step in ["venue", "licence", "people", "photos", "declare", "done"]:
        assert owner_client.get(url(theirs, step)).status_code == 404
    assert owner_client.post(url(theirs, "venue"), venue_data(tree, name="改名")).status_code == 404
    assert owner_client.post(url(theirs, "photos"), {"remove": photo.pk}).status_code == 404
    assert owner_client.post(url(mine, "photos"), {"remove": photo.pk}).status_code == 404
    assert declare(owner_client, theirs).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "别人的草稿" and theirs.status == VenueStatus.DRAFT
    assert VenuePhoto.objects.filter(pk=photo.pk).exists()


def test_an_operator_with_an_account_continues_the_owners_draft(client, page, tree, owner):
    operator = UserFactory()
    venue = make_venue(tree["qinggang-1"], owner=owner, draft_step=1)
    venue.operators.add(operator)
    client.force_login(operator)
    assert client.get(url(venue, "licence")).status_code == 200


# --- The whole registration ------------------------------------------------------------------

@pytest.mark.parametrize("situation", list(LICENCES))
def test_a_registration_of_each_licence_situation_through_every_step(owner_client, tree, owner, situation):
    venue = register(owner_client, tree, situation)
    assert venue.status == VenueStatus.DRAFT and venue.draft_step == 4

    summary = owner_client.get(url(venue, "declare")).content.decode()
    assert "双河便民副食店" in summary and "青杠村第1网格" in summary
    assert "本人承诺所填信息真实" in summary and "履行安全监管职责" in summary
    # Without JavaScript the server's classification is on the page: 85 m² ≤ 300 m².
    assert "85" in summary and "300" in summary

    response = declare(owner_client, venue)
    assert response.status_code == 302 and response["Location"] == url(venue, "done")
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUBMITTED
    assert venue.owner == owner and venue.declared_at is not None and venue.draft_step == 5
    assert venue.area == tree["qinggang-1"] and venue.kind.slug == "shopping"
    assert venue.outside_nine is False
    licence, people, photo_kinds = LICENCES[situation]
    assert venue.licence == situation
    assert sorted(venue.photos.values_list("kind", flat=True)) == sorted(photo_kinds)
    if situation == "licensed":
        assert venue.credit_code == CREDIT_CODE and venue.operator_id_number == ""
        assert venue.operator_mobile == "13900002222"
    else:
        assert venue.credit_code == "" and venue.no_code_reason == licence["no_code_reason"]
        assert venue.operator_id_number == ID_NUMBER
    change = venue.history.get()
    assert (change.actor, change.from_status, change.to_status) == (owner, "draft", "submitted")

    status = owner_client.get(url(venue, "done")).content.decode()
    assert str(VenueStatus.SUBMITTED.label) in status and "工作人员会尽快审核" in status


def test_each_step_shows_the_progress_and_its_guidance(owner_client, tree):
    html = owner_client.get(BASE + "new/").content.decode()
    assert _("Step %(n)s of %(total)s").replace("%(n)s", "1").replace("%(total)s", "5") in html
    assert 'aria-current="step"' in html and "填写场所基本情况" in html
    start(owner_client, tree)
    venue = Venue.objects.get()
    html = owner_client.get(url(venue, "licence")).content.decode()
    assert _("Step %(n)s of %(total)s").replace("%(n)s", "2").replace("%(total)s", "5") in html
    # Reached steps are links; the ones ahead are not.
    assert f'href="{url(venue, "venue")}"' in html and f'href="{url(venue, "people")}"' not in html


def test_the_form_labels_every_field_and_asks_phones_for_photos(owner_client, tree):
    html = owner_client.get(BASE + "new/").content.decode()
    for name in ["name", "kind", "village", "grid", "address", "floors", "floor_area", "seats", "beds",
                 "staff_count", "dorm_people", "people", "subtype"]:
        assert f'<label class="form-label" for="id_{name}">' in html, name
    # Without JavaScript every fact is shown, marked as depending on the kind.
    assert html.count(_("(if applicable)")) == 7
    assert 'data-classify-url="/owner/classify/"' in html and "js/classify-hint.js" in html
    assert "<script>" not in html and "style=" not in html
    start(owner_client, tree)
    venue = Venue.objects.get()
    owner_client.post(url(venue, "licence"), LICENCES["licensed"][0])
    owner_client.post(url(venue, "people"), LICENCES["licensed"][1])
    html = owner_client.get(url(venue, "photos")).content.decode()
    assert html.count('accept="image/*"') == 3  # storefront, licence, others
    assert 'enctype="multipart/form-data"' in html


def test_the_grid_is_optional_but_must_lie_in_the_village(owner_client, tree):
    response = start(owner_client, tree, grid=tree["mugen-1"].pk)
    assert response.status_code == 200 and not Venue.objects.exists()
    assert _("This grid is not in the village or community chosen.") in response.content.decode()
    start(owner_client, tree, grid="")
    assert Venue.objects.get().area == tree["qinggang"]


# --- Errors beside the fields, nothing lost ------------------------------------------------------

def test_invalid_input_is_explained_in_chinese_beside_the_field_and_kept(owner_client, tree):
    response = start(owner_client, tree, name="青杠小饭店", kind="catering", floor_area="",
                     address="青杠村5组", seats="")
    html = response.content.decode()
    assert response.status_code == 200 and not Venue.objects.exists()
    block = field_block(html, "id_seats")
    assert 'id="id_seats-error"' in block
    assert _("Please give %(fact)s.") % {"fact": _("rated seats")} in block and "请填写" in block
    assert 'aria-invalid="true"' in block and 'aria-describedby="id_seats-error' in block
    assert 'value="青杠小饭店"' in html and 'value="青杠村5组"' in html
    assert re.search(r'<option value="catering"[^>]*data-rule="seats"[^>]*selected', html) or re.search(
        r'<option value="catering"[^>]*selected[^>]*data-rule="seats"', html)
    assert re.search(rf'<option value="{tree["qinggang-1"].pk}"[^>]*selected', html)

    response = start(owner_client, tree, floors="一楼")
    block = field_block(response.content.decode(), "id_floors")
    assert "id_floors-error" in block and "楼层" in block


def test_a_wrong_credit_code_or_mobile_keeps_everything_typed(owner_client, tree):
    start(owner_client, tree)
    venue = Venue.objects.get()
    response = owner_client.post(url(venue, "licence"),
                                 {"licence": "licensed", "credit_code": "92500156MA6ABCDE"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码应为18位，您填写了16位。" in field_block(html, "id_credit_code")
    assert 'value="92500156MA6ABCDE"' in html and re.search(r'value="licensed"[^>]*checked', html)
    venue.refresh_from_db()
    assert venue.licence == "" and venue.draft_step == 1

    owner_client.post(url(venue, "licence"), {"licence": "unlicensed", "no_code_reason": ""})
    venue.refresh_from_db()
    assert venue.licence == ""  # the reason is needed when there is no code
    owner_client.post(url(venue, "licence"), LICENCES["unlicensed"][0])
    response = owner_client.post(url(venue, "people"), {
        "operator_name": "李四", "operator_mobile": "12345", "operator_id_number": "500232198001011234",
        "contact_name": "李小四", "contact_mobile": "",
    })
    html = response.content.decode()
    assert "请" in field_block(html, "id_operator_mobile") and "id_operator_mobile-error" in html
    assert "id_operator_id_number-error" in html and "id_contact_mobile-error" in html
    assert 'value="李四"' in html and 'value="12345"' in html and 'value="李小四"' in html
    venue.refresh_from_db()
    assert venue.operator_name == "" and venue.draft_step == 2


def test_a_licensed_venue_is_asked_no_id_number(owner_client, tree):
    start(owner_client, tree)
    venue = Venue.objects.get()
    owner_client.post(url(venue, "licence"), LICENCES["licensed"][0])
    assert 'name="operator_id_number"' not in owner_client.get(url(venue, "people")).content.decode()
    # A number given while it was unlicensed goes once it is licensed.
    Venue.objects.filter(pk=venue.pk).update(licence="unlicensed", operator_id_number=ID_NUMBER)
    owner_client.post(url(venue, "licence"), LICENCES["licensed"][0])
    venue.refresh_from_db()
    assert venue.operator_id_number == ""


# --- Drafts: leave and resume ------------------------------------------------------------------------

def test_the_owner_leaves_and_resumes_at_the_step_they_reached(owner_client, tree, page, owner):
    start(owner_client, tree)
    venue = Venue.objects.get()
    owner_client.post(url(venue, "licence"), LICENCES["licensed"][0])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.DRAFT and venue.draft_step == 2

    assert registration.step_url(venue) == url(venue, "people")
    listing = owner_client.get(BASE).content.decode()
    assert f'href="{url(venue, "people")}"' in listing and f'href="{BASE}new/"' in listing
    # A step not reached yet leads back to the one due.
    assert owner_client.get(url(venue, "declare"))["Location"] == url(venue, "people")
    # Earlier steps open with what was saved.
    html = owner_client.get(url(venue, "venue")).content.decode()
    assert 'value="双河便民副食店"' in html and 'value="85.00"' in html
    licence_page = owner_client.get(url(venue, "licence")).content.decode()
    assert re.search(r'value="licensed"[^>]*checked', licence_page)
    # Going back and saving an earlier step keeps how far the owner came.
    owner_client.post(url(venue, "venue"), venue_data(tree, name="双河副食店"))
    venue.refresh_from_db()
    assert venue.name == "双河副食店" and venue.draft_step == 2


def test_start_and_step_urls_for_the_owner_home(page, tree, owner):
    assert registration.start_url() == BASE + "new/"
    draft = make_venue(tree["qinggang-1"], owner=owner, draft_step=0)
    assert registration.step_url(draft) == url(draft, "venue")
    draft.draft_step = 4
    assert registration.step_url(draft) == url(draft, "declare")
    submitted = make_venue(tree["qinggang-1"], owner=owner, status="submitted", name="已提交")
    assert registration.step_url(submitted) == url(submitted, "done")


def test_without_a_registration_page_there_is_nowhere_to_link(home, tree, owner):
    assert registration.start_url() is None
    assert registration.step_url(make_venue(tree["qinggang-1"], owner=owner)) is None


# --- Photos --------------------------------------------------------------------------------------------

def test_photos_are_stored_at_once_required_and_removable(
    owner_client, tree, owner, django_capture_on_commit_callbacks
):
    start(owner_client, tree)
    venue = Venue.objects.get()
    owner_client.post(url(venue, "licence"), LICENCES["licensed"][0])
    owner_client.post(url(venue, "people"), LICENCES["licensed"][1])

    response = owner_client.post(url(venue, "photos"), {"action": "next"})
    html = response.content.decode()
    assert response.status_code == 200 and "photo-storefront-error" in html and "photo-licence-error" in html
    venue.refresh_from_db()
    assert venue.draft_step == 3

    owner_client.post(url(venue, "photos"), {"action": "upload", "kind": "storefront", "file": jpeg()})
    photo = VenuePhoto.objects.get(venue=venue)
    assert photo.kind == "storefront" and photo.uploaded_by == owner and photo.file.name.endswith(".jpg")
    assert (photo.width, photo.height) == (800, 600)
    html = owner_client.get(url(venue, "photos")).content.decode()
    assert f'src="/owner/photos/{photo.pk}/"' in html
    assert owner_client.get(f"/owner/photos/{photo.pk}/").status_code == 200

    # Something that is not a photo is refused beside its input, and nothing is stored.
    bad = SimpleUploadedFile("licence.jpg", b"not a picture", content_type="image/jpeg")
    response = owner_client.post(url(venue, "photos"), {"action": "upload", "kind": "licence", "file": bad})
    html = response.content.decode()
    assert 'id="photo-licence-error"' in html and "JPEG" in html
    assert VenuePhoto.objects.filter(venue=venue).count() == 1
    response = owner_client.post(url(venue, "photos"), {"action": "next"})
    assert "photo-licence-error" in response.content.decode()

    # HEIC and PNG from a phone are re-encoded as JPEG.
    png = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(png, "PNG")
    owner_client.post(url(venue, "photos"), {
        "action": "upload", "kind": "licence",
        "file": SimpleUploadedFile("licence.png", png.getvalue(), content_type="image/png")})
    assert owner_client.post(url(venue, "photos"), {"action": "next"})["Location"] == url(venue, "declare")

    path = photo.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url(venue, "photos"), {"remove": photo.pk})
    assert response.status_code == 302
    assert not VenuePhoto.objects.filter(pk=photo.pk).exists()
    assert not os.path.exists(path)
    assert AuditEntry.objects.filter(action="venue.photo_removed", object_id=str(venue.pk)).exists()
    # Without its storefront photo the registration cannot be submitted.
    response = declare(owner_client, venue)
    assert response.status_code == 200
    assert _("This photo is needed.") in response.content.decode()
    venue.refresh_from_db()
    assert venue.status == VenueStatus.DRAFT


def test_owners_add_and_remove_photos_only_while_a_draft_or_returned(tree, owner):
    from django.core.exceptions import PermissionDenied

    from venues import photos

    venue = make_venue(tree["qinggang-1"], owner=owner)
    photo = photos.add_photo(venue, jpeg(), "storefront", owner)
    for status in ["submitted", "resubmitted", "approved", "rejected", "closed"]:
        venue.status = status
        assert not photos.may_add_photo(owner, venue)
        assert not photos.may_remove_photo(owner, photo)
        with pytest.raises(PermissionDenied):
            photos.add_photo(venue, jpeg(), "storefront", owner)
    venue.status = "returned"
    venue.save()
    assert photos.may_add_photo(owner, venue)
    assert not photos.may_add_photo(UserFactory(), venue)
    photo.refresh_from_db()
    with pytest.raises(PermissionDenied):
        photos.remove_photo(photo, UserFactory())
    photos.remove_photo(photo, owner)
    assert not venue.photos.exists()


# --- Submitting once ---------------------------------------------------------------------------------

def test_a_double_start_creates_one_draft(owner_client, tree):
    submission = uuid.uuid4()
    first = start(owner_client, tree, submission_id=submission)
    second = start(owner_client, tree, submission_id=submission)
    venue = Venue.objects.get()
    assert first["Location"] == second["Location"] == url(venue, "licence")
    assert venue.submission_id == submission and venue.status == VenueStatus.DRAFT
    start(owner_client, tree)
    assert Venue.objects.count() == 2


def test_a_double_submit_or_a_resent_form_submits_once(owner_client, tree):
    venue = register(owner_client, tree)
    first = declare(owner_client, venue)
    second = declare(owner_client, venue)
    assert first["Location"] == second["Location"] == url(venue, "done")
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUBMITTED and venue.history.count() == 1
    assert Venue.objects.count() == 1


def test_a_submit_that_lost_the_race_shows_the_status(owner_client, tree, owner):
    """Two requests that both found the draft: the workflow refuses the second one."""
    venue = register(owner_client, tree)
    perform(venue, "submit", owner)  # the other request won
    Venue.objects.filter(pk=venue.pk).update(status=VenueStatus.DRAFT)  # as this one saw it
    original = perform

    def late(venue_, action, user, **kwargs):
        Venue.objects.filter(pk=venue_.pk).update(status=VenueStatus.SUBMITTED)
        return original(venue_, action, user, **kwargs)

    import venues.workflows.registration as workflow

    workflow_perform, workflow.perform = workflow.perform, late
    try:
        response = declare(owner_client, venue)
    finally:
        workflow.perform = workflow_perform
    assert response.status_code == 302 and response["Location"] == url(venue, "done")
    assert venue.history.count() == 1


def test_the_declaration_and_privacy_notice_must_be_confirmed(owner_client, tree):
    venue = register(owner_client, tree)
    response = owner_client.post(url(venue, "declare"), {"declaration": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_privacy-error"' in html
    assert 'id="id_declaration-error"' not in html and "checked" in html
    venue.refresh_from_db()
    assert venue.status == VenueStatus.DRAFT and venue.declared_at is None


def test_a_submitted_registration_is_read_only(owner_client, tree):
    venue = register(owner_client, tree)
    declare(owner_client, venue)
    for step in ["venue", "licence", "people", "photos", "declare"]:
        assert owner_client.get(url(venue, step))["Location"] == url(venue, "done")
    response = owner_client.post(url(venue, "venue"), venue_data(tree, name="改过的名字"))
    assert response["Location"] == url(venue, "done")
    photo = venue.photos.first()
    owner_client.post(url(venue, "photos"), {"remove": photo.pk})
    owner_client.post(url(venue, "photos"), {"action": "upload", "kind": "other", "file": jpeg()})
    venue.refresh_from_db()
    assert venue.name == "双河便民副食店" and venue.photos.count() == 2
    html = owner_client.get(url(venue, "done")).content.decode()
    assert 'type="file"' not in html and 'name="remove"' not in html


# --- Returned for changes --------------------------------------------------------------------------

def test_a_returned_registration_shows_the_notes_beside_the_fields_and_is_resubmitted(
    owner_client, client, tree, owner
):
    venue = register(owner_client, tree)
    declare(owner_client, venue)
    reviewer = make_staff(tree["qinggang"])
    perform(venue, "return", reviewer, reason="请核对名称并重拍门头照片。",
            field_notes={"name": "名称与招牌不一致", "photos": "门头照片太暗", "address": "请写门牌号",
                         "bogus": "x"})
    venue.refresh_from_db()
    assert venue.history.last().field_notes == {"name": "名称与招牌不一致", "photos": "门头照片太暗",
                                                "address": "请写门牌号"}

    assert registration.step_url(venue) == url(venue, "venue")
    html = owner_client.get(url(venue, "venue")).content.decode()
    assert "请核对名称并重拍门头照片。" in html
    name = field_block(html, "id_name")
    assert 'id="id_name-note"' in name and "名称与招牌不一致" in name
    assert 'aria-describedby="id_name-note' in name
    assert "门头照片太暗" in html and f'href="{url(venue, "photos")}"' in html
    address = field_block(html, "id_address")
    assert "名称与招牌不一致" not in address
    assert 'id="id_address-note"' in address and 'aria-describedby="id_address-note' in address

    owner_client.post(url(venue, "venue"), venue_data(tree, name="双河副食店"))
    photos_page = owner_client.get(url(venue, "photos")).content.decode()
    assert 'id="photos-note"' in photos_page and "门头照片太暗" in photos_page
    old = venue.photos.get(kind="storefront")
    owner_client.post(url(venue, "photos"), {"remove": old.pk})
    owner_client.post(url(venue, "photos"), {"action": "upload", "kind": "storefront",
                                              "file": jpeg(colour="yellow")})
    summary = owner_client.get(url(venue, "declare")).content.decode()
    assert "名称与招牌不一致" in summary and _("Submit again") in summary

    response = declare(owner_client, venue)
    assert response["Location"] == url(venue, "done")
    venue.refresh_from_db()
    assert venue.status == VenueStatus.RESUBMITTED and venue.name == "双河副食店"
    assert venue.history.last().actor == owner
    assert declare(owner_client, venue)["Location"] == url(venue, "done")
    assert venue.history.count() == 3


def test_reviewers_point_a_return_at_fields_in_the_back_office(client, tree, owner):
    venue = make_venue(tree["qinggang-1"], owner=owner, status="submitted")
    reviewer = make_staff(tree["qinggang"])
    client.force_login(reviewer)
    inspect = client.get(f"/admin/venues/venue/inspect/{venue.pk}/").content.decode()
    assert 'name="note_fields" value="photos"' in inspect and 'name="note_name"' in inspect
    client.post(f"/admin/venues/venue/{venue.pk}/review/", {
        "action": "return", "reason": "资料需要补充。", "note_fields": ["licence", "photos"],
        "note_photos": "缺少营业执照照片", "note_name": "", "note_address": "门牌号不全",
    })
    change = VenueStatusChange.objects.get(venue=venue)
    assert change.to_status == VenueStatus.RETURNED
    assert change.field_notes == {"address": "门牌号不全", "licence": _("Please check this."),
                                  "photos": "缺少营业执照照片"}
    inspect = client.get(f"/admin/venues/venue/inspect/{venue.pk}/").content.decode()
    assert "缺少营业执照照片" in inspect
    # Approving never carries notes.
    venue2 = make_venue(tree["qinggang-1"], owner=owner, status="submitted", name="另一家",
                        credit_code="")
    client.post(f"/admin/venues/venue/{venue2.pk}/review/", {"action": "approve", "note_name": "x"})
    assert VenueStatusChange.objects.get(venue=venue2).field_notes == {}


# --- The page in the CMS and the demo ------------------------------------------------------------------

def test_the_page_lives_under_an_owner_services_section(home):
    assert RegistrationPage in StandardPage.allowed_subpage_models()
    assert RegistrationPage.allowed_subpage_models() == []


def test_editors_edit_the_page_like_any_other(client, page):
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    for field in ["intro", "venue_guidance", "licence_guidance", "people_guidance", "photos_guidance",
                  "declare_guidance", "declaration", "done_text"]:
        assert f'name="{field}"' in html, field
    assert client.get(f"/admin/pages/add/home/registrationpage/{page.get_parent().pk}/").status_code == 200


def test_editors_preview_every_text_of_the_form(rf, page):
    request = rf.get(BASE)
    request.user = UserFactory(is_superuser=True)
    request.is_preview = True
    response = page.serve_preview(request, "")
    response.render()
    html = response.content.decode()
    for text in ["在线登记您的场所", "填写场所基本情况", "请拍门头照片", "本人承诺所填信息真实",
                 "履行安全监管职责", "工作人员会尽快审核"]:
        assert text in html


def test_the_demo_site_offers_the_registration(db):
    from home.demo import build_demo_site

    site = build_demo_site()
    page = RegistrationPage.objects.get()
    assert page.url == "/services/register/" and page.live
    assert page.get_parent().specific.title == "经营者服务"
    privacy = SiteSettings.for_site(site["home"].get_site()).privacy_page.specific
    for text in ["为什么收集", "保存多久", "谁能看到", "您的权利", "15天内"]:
        assert text in privacy.body
    entrances = [dict(entrance) for entrance in site["home"].entrances.raw_data]
    register = next(e for e in entrances if e["value"]["title"] == "登记我的场所")
    assert register["value"]["page"] == page.pk


def test_every_saved_step_is_audited_without_the_values(owner_client, tree, owner):
    from venues.models import AuditEntry

    venue = register(owner_client, tree, "unlicensed")
    edits = AuditEntry.objects.filter(action="venue.edit", object_id=str(venue.pk))
    assert {entry.detail["step"] for entry in edits} >= {"licence", "people"}
    people = edits.get(detail__step="people")
    assert (people.actor, people.role) == (owner, "owner")
    assert "operator_id_number" in people.detail["fields"]
    assert ID_NUMBER not in str(people.detail) and "13900002222" not in str(people.detail)
