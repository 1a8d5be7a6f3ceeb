"""Every page that saves a form, sent whatever a browser or a script could send, as the
person who may use it: never a server error, and unless the answer is the redirect that
follows a save, nothing is stored (the records it would write are as they were before).

The examples of one test share its database transaction, so each compares the records just
before and just after its own request."""

import io
import itertools
import re
import uuid

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import event, example, given
from hypothesis import strategies as st
from PIL import Image

from tests.factories import PASSWORD, make_registration_page, make_staff, make_venue
from venues import census_import, otp, photos
from venues.models import (
    Area,
    AuditEntry,
    CodePurpose,
    CorrectionRequest,
    ImportBatch,
    Message,
    StaffProfile,
    Venue,
    VenuePhoto,
    VenueStatus,
    VenueStatusChange,
    VerificationCode,
)
from venues.owner_views import SESSION_MOBILE
from venues.workflows import claims, codes

from .conftest import OWNER_MOBILE
from .strategies import as_lists, counts, form_data, post, row, submissions, text, upload_names
from .submissions import (
    CREDIT_CODE,
    NEW_PASSWORD,
    STAFF_PASSWORD,
    SUBMISSION_ID,
    census_record,
    staff_account,
    venue_step,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
REGISTER = "/services/register/"


def sent(client, url, data, stored):
    """Post ``data``; no server error, and nothing stored unless the answer is a redirect."""
    before = stored()
    response = post(client, url, data)
    assert response.status_code < 500
    assert response.status_code not in (403, 404), "the page is there for this person"
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows the mix
    if response.status_code != 302:
        assert stored() == before
    return response


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (200, 150), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


# Files as people and scripts send them: anything at all, or now and then a real photo.
upload_content = st.one_of(st.binary(max_size=3000), st.just(b""), st.builds(jpeg))
uploads = st.builds(SimpleUploadedFile, upload_names, upload_content)


@pytest.fixture
def anonymous(client, owner):
    return client


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def town_client(client, town):
    client.force_login(town)
    return client


def pending(client, purpose, mobile):
    """The session state after a code was sent to ``mobile`` (as the first page leaves it)."""
    session = client.session
    session[SESSION_MOBILE] = {"mobile": mobile, "purpose": purpose}
    session.save()


def last_code(sms_outbox):
    return re.search(r"(\d{6})", sms_outbox[-1]["text"]).group(1)


# Each example gets a number of its own, so the limits on sending codes never get in the way.
fresh_mobiles = (f"1370000{n:04d}" for n in itertools.count())


# The owner site ---------------------------------------------------------------------------

@given(data=st.data())
def test_signing_up(anonymous, data):
    sending = submissions({"mobile", "resend"}, [OWNER_MOBILE], {"mobile": "139 0000 2222"})
    sent(anonymous, "/owner/signup/", data.draw(sending), lambda: counts(User, VerificationCode))


@given(data=st.data())
def test_confirming_a_sign_up(anonymous, sms_outbox, data):
    mobile = next(fresh_mobiles)
    codes.send_code(mobile, CodePurpose.SIGN_UP)
    pending(anonymous, CodePurpose.SIGN_UP, mobile)
    code = last_code(sms_outbox)
    valid = {"code": code, "full_name": "王大妈", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = sent(anonymous, "/owner/signup/confirm/", data.draw(submissions(valid, [code], valid)),
                    lambda: counts(User))
    if response.status_code == 302 and response["Location"] == reverse("owner:home"):
        assert User.objects.get(mobile=mobile).check_password(NEW_PASSWORD)


SIGN_IN = {"mobile": OWNER_MOBILE, "password": PASSWORD}


@given(sending=submissions({*SIGN_IN, "next"}, ["/owner/claim/", "//example.com/", "owner:home"], SIGN_IN))
# A "next" without a slash was taken for a URL name after signing in: a server error.
@example(sending={**as_lists(SIGN_IN), "next": ["0"]})
def test_signing_in(anonymous, sending):
    anonymous.logout()
    response = sent(anonymous, "/owner/login/", sending, lambda: counts(User))
    if response.status_code == 302:
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")
    else:
        assert "_auth_user_id" not in anonymous.session


@given(data=st.data())
def test_asking_for_a_reset_code(anonymous, data):
    sending = submissions({"mobile", "resend"}, [OWNER_MOBILE], {"mobile": OWNER_MOBILE})
    sent(anonymous, "/owner/reset/", data.draw(sending), lambda: counts(VerificationCode))


@given(data=st.data())
def test_resetting_the_password(anonymous, owner, sms_outbox, data):
    if not VerificationCode.objects.filter(mobile=OWNER_MOBILE).exists():
        codes.send_code(OWNER_MOBILE, CodePurpose.RESET_PASSWORD)
    pending(anonymous, CodePurpose.RESET_PASSWORD, OWNER_MOBILE)
    code = last_code(sms_outbox)
    valid = {"code": code, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    sent(anonymous, "/owner/reset/confirm/", data.draw(submissions(valid, [code], valid)),
         lambda: (row(owner)["password"], counts(AuditEntry)))


@given(data=st.data())
def test_claiming_a_venue(owner_client, tree, town, data):
    recorded = make_venue(tree["qinggang-2"], name="待认领小店", credit_code="", licence="unlicensed",
                          no_code_reason="未办证", status=VenueStatus.APPROVED)
    code = claims.issue(recorded, town)
    claiming = submissions({"code"}, [code, code.lower()], {"code": f"{code[:5]}-{code[5:]}"})
    sent(owner_client, "/owner/claim/", data.draw(claiming),
         lambda: list(Venue.objects.filter(owner__isnull=False).values_list("pk", "owner")))


@given(data=st.data())
def test_asking_for_a_correction(owner_client, venue, data):
    valid = {"subject": str(venue.pk), "what": "门牌号应为12号", "submission_id": SUBMISSION_ID}
    sent(owner_client, "/owner/data/correction/", data.draw(submissions(valid, ["account"], valid)),
         lambda: counts(CorrectionRequest, AuditEntry))


@given(data=st.data())
def test_changing_the_mobile_number(owner_client, owner, data):
    valid = {"mobile": next(fresh_mobiles), "password": PASSWORD}
    sent(owner_client, "/owner/account/mobile/", data.draw(submissions(valid, [OWNER_MOBILE], valid)),
         lambda: (counts(VerificationCode), row(owner)))


@given(data=st.data())
def test_confirming_a_new_mobile_number(owner_client, owner, sms_outbox, data):
    mobile = next(fresh_mobiles)
    codes.send_code(mobile, CodePurpose.CHANGE_MOBILE)
    pending(owner_client, CodePurpose.CHANGE_MOBILE, mobile)
    code = last_code(sms_outbox)
    sending = submissions({"code"}, [code], {"code": code})
    sent(owner_client, "/owner/account/mobile/confirm/", data.draw(sending),
         lambda: (row(owner), counts(AuditEntry)))


@given(data=st.data())
def test_changing_the_password(owner_client, owner, data):
    valid = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    sent(owner_client, "/owner/account/password/", data.draw(submissions(valid, [], valid)),
         lambda: (row(owner)["password"], counts(AuditEntry)))


# The online registration --------------------------------------------------------------------

@pytest.fixture
def registration(home, tree, owner_client):
    make_registration_page(home)
    return owner_client


@pytest.fixture
def draft(tree, owner):
    """A licensed shop's registration with every step filled in, so the declaration submits it."""
    venue = make_venue(tree["qinggang-1"], owner=owner, draft_step=5, name="草稿副食店")
    for kind in ("storefront", "licence"):
        photos.add_photo(venue, SimpleUploadedFile(f"{kind}.jpg", jpeg()), kind, owner)
    return venue


@given(data=st.data())
def test_starting_a_registration(registration, tree, data):
    valid = {**venue_step({"tree": tree}), "submission_id": SUBMISSION_ID}
    sent(registration, f"{REGISTER}new/", data.draw(submissions(valid, [], valid)), lambda: counts(Venue))


STEPS = {
    "venue": lambda tree: venue_step({"tree": tree}),
    "licence": lambda tree: {"licence": "licensed", "credit_code": CREDIT_CODE.lower(), "no_code_reason": ""},
    "people": lambda tree: {"operator_name": "张三", "operator_mobile": "139-0000-2222", "contact_name": "",
                            "contact_mobile": ""},
    "declare": lambda tree: {"declaration": "on", "privacy": "on"},
}


@pytest.mark.parametrize("step", STEPS)
@given(data=st.data())
def test_each_registration_step(registration, tree, draft, step, data):
    Venue.objects.filter(pk=draft.pk).update(status=VenueStatus.DRAFT)  # an earlier example submitted it
    valid = STEPS[step](tree)
    sent(registration, f"{REGISTER}{draft.pk}/{step}/", data.draw(submissions(valid, [], valid)),
         lambda: (row(draft), counts(AuditEntry, VenueStatusChange)))


@given(data=st.data())
def test_the_photos_step(registration, draft, data):
    fields = data.draw(form_data(["action", "kind", "remove"], ["upload", "next", "storefront", "licence"]))
    fields = {key: values[-1] for key, values in fields.items() if values}
    if data.draw(st.booleans()):
        fields["file"] = data.draw(uploads)
    before = counts(VenuePhoto)
    response = registration.post(f"{REGISTER}{draft.pk}/photos/", fields)
    assert response.status_code < 500
    if response.status_code != 302:
        assert counts(VenuePhoto) == before


# The back office ----------------------------------------------------------------------------

@given(data=st.data())
def test_adding_a_staff_account(town_client, tree, data):
    valid = staff_account({"tree": tree})
    sent(town_client, "/admin/venues/staff/add/", data.draw(submissions(valid, [], valid)),
         lambda: counts(User, StaffProfile, AuditEntry))


@given(data=st.data())
def test_editing_a_staff_account(town_client, tree, colleague, data):
    valid = {**staff_account({"tree": tree}), "username": "colleague", "is_active": "on"}
    sent(town_client, f"/admin/venues/staff/{colleague.pk}/", data.draw(submissions(valid, [], valid)),
         lambda: (row(colleague), row(colleague.staff_profile), list(colleague.groups.all()),
                  list(colleague.staff_profile.areas.all()), counts(AuditEntry)))


@given(data=st.data())
def test_setting_a_staff_password(town_client, colleague, data):
    valid = {"password1": STAFF_PASSWORD, "password2": STAFF_PASSWORD}
    url = f"/admin/venues/staff/{colleague.pk}/password/"
    sent(town_client, url, data.draw(submissions(valid, [], valid)),
         lambda: (row(colleague)["password"], counts(AuditEntry)))


@given(data=st.data())
def test_adding_an_area(town_client, tree, data):
    valid = {"name": "青杠村第3网格", "level": "50", "code": ""}
    url = f"/admin/venues/areas/{tree['qinggang'].pk}/add/"
    sent(town_client, url, data.draw(submissions(valid, [], valid)),
         lambda: counts(Area, AuditEntry))


@given(data=st.data())
def test_editing_an_area(town_client, tree, data):
    village = tree["qinggang"]
    valid = {"name": "青杠村", "level": "40", "code": "500156101"}
    sent(town_client, f"/admin/venues/areas/{village.pk}/", data.draw(submissions(valid, [], valid)),
         lambda: (row(village), counts(Area, AuditEntry)))


@given(data=st.data())
def test_moving_a_venue(town_client, tree, venue, data):
    valid = {"area": str(tree["mugen-1"].pk), "reason": "经营者搬到木根村"}
    sent(town_client, f"/admin/venues/venue/{venue.pk}/move/", data.draw(submissions(valid, [], valid)),
         lambda: (row(venue), counts(AuditEntry)))


@given(data=st.data())
def test_recording_a_venue(town_client, tree, data):
    valid = census_record({"tree": tree})
    sent(town_client, "/admin/venues/census/", data.draw(submissions(valid, [OWNER_MOBILE], valid)),
         lambda: counts(Venue, AuditEntry))


@given(data=st.data())
def test_helping_an_owner(town_client, owner, venue, data):
    valid = {"mobile": "13900002222", "password1": NEW_PASSWORD, "reason": "本人持身份证到村委会核对"}
    sent(town_client, f"/admin/venues/venue/{venue.pk}/owner-help/", data.draw(submissions(valid, [], valid)),
         lambda: (row(owner), counts(AuditEntry)))


@given(data=st.data())
def test_answering_a_correction_request(town_client, owner, venue, data):
    asked = CorrectionRequest.objects.create(requester=owner, venue=venue, what="门牌号应为12号",
                                             submission_id=uuid.uuid4())
    valid = {"status": "declined", "answer": "营业执照上的地址就是21号"}
    url = f"/admin/venues/corrections/{asked.pk}/"
    sent(town_client, url, data.draw(submissions(valid, ["corrected"], valid)),
         lambda: (row(asked), counts(Message, AuditEntry)))


@given(data=st.data())
def test_reviewing_a_registration(town_client, tree, data):
    submitted = make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED, name="待审小店", credit_code="",
                           licence="unlicensed", no_code_reason="未办证")
    names = {"action", "reason", "note_fields", "note_name", "note_address", "note_photos"}
    sending = submissions(names, ["approve", "return", "reject", "close", "reopen", "name", "photos"])
    before = counts(VenueStatusChange)
    response = post(town_client, f"/admin/venues/venue/{submitted.pk}/review/", data.draw(sending))
    assert response.status_code in (302, 404)
    if Venue.objects.get(pk=submitted.pk).status == VenueStatus.SUBMITTED:
        assert counts(VenueStatusChange) == before


@given(kind=st.one_of(st.sampled_from(["storefront", "licence", "other"]), text), file=uploads)
def test_adding_a_photo_in_the_back_office(town_client, venue, kind, file):
    before = counts(VenuePhoto)
    response = town_client.post(f"/admin/venues/venue/{venue.pk}/photos/", {"kind": kind, "file": file})
    assert response.status_code in (200, 302)
    if response.status_code != 302:
        assert counts(VenuePhoto) == before


@given(file=uploads)
def test_uploading_a_census_sheet(town_client, file):
    before = counts(ImportBatch)
    response = town_client.post("/admin/venues/import/", {"file": file})
    assert response.status_code == 200  # no file made of these is a sheet with rows
    assert counts(ImportBatch) == before


@given(data=st.data())
def test_mapping_the_columns_of_a_sheet(town_client, town, data):
    headers = [f.heading for f in census_import.FIELDS]
    batch = ImportBatch.objects.create(created_by=town, file_name="census.xlsx", headers=headers,
                                       rows=[{"row": 2, "cells": ["x"] * len(headers)}], mapping={})
    valid = {f.key: str(index) for index, f in enumerate(census_import.FIELDS)}
    columns = [str(index) for index in range(len(headers))]
    url = f"/admin/venues/import/{batch.pk}/"
    sent(town_client, url, data.draw(submissions(valid, columns, valid)),
         lambda: row(batch))


# The second factor ------------------------------------------------------------------------------

@pytest.fixture
def otp_staff(settings, client, tree):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    staff = make_staff(tree["town"], username="otp-staff")
    client.force_login(staff)
    return staff


@given(data=st.data())
def test_setting_up_an_authenticator_app(client, otp_staff, data):
    sending = data.draw(submissions({"code", "next"}, ["000000", "/admin/", "//example.com/"]))
    response = post(client, reverse("venues_otp_setup"), sending)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not TOTPDevice.objects.filter(user=otp_staff, confirmed=True).exists()
        assert not StaticDevice.objects.filter(user=otp_staff).exists()
    TOTPDevice.objects.filter(user=otp_staff).update(throttling_failure_count=0)


@given(data=st.data())
def test_verifying_a_session(client, otp_staff, data):
    backup = otp.new_backup_codes(otp_staff) if not StaticDevice.objects.exists() else []
    sending = data.draw(submissions({"code", "next"}, [*backup, "000000", "/admin/", "https://example.com/"]))
    response = post(client, reverse("venues_otp_verify"), sending)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert DEVICE_ID_SESSION_KEY not in client.session
    StaticDevice.objects.filter(user=otp_staff).update(throttling_failure_count=0)
