"""Every form of the project, bound to whatever a browser or a script could send (missing
fields, unknown ones, several values, NUL bytes, any text, huge strings, any file): is_valid()
answers without raising, and an invalid form names its own fields or the whole form."""

from django.contrib.auth.forms import PasswordChangeForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from home.registration_forms import (
    DeclareForm,
    LicenceStepForm,
    PeopleStepForm,
    PhotoUploadForm,
    StartForm,
    VenueStepForm,
)
from tests.factories import PASSWORD, make_venue
from venues import census_import
from venues.correction_views import AnswerForm
from venues.forms import (
    AreaForm,
    CensusForm,
    MoveVenueForm,
    OwnerHelpForm,
    PhotoForm,
    SetPasswordForm,
    StaffForm,
)
from venues.import_views import MappingForm, UploadForm
from venues.models import ImportBatch, Venue
from venues.otp_views import CodeForm
from venues.owner_forms import (
    ChangeMobileForm,
    ClaimForm,
    CodeMixin,
    CorrectionForm,
    LoginForm,
    MobileOnlyForm,
    ResetForm,
    SignUpForm,
    SignUpStartForm,
)

from .conftest import OWNER_MOBILE
from .strategies import as_lists, check_form, plausible, query_dict, submissions, text, upload_names
from .submissions import (
    CREDIT_CODE,
    ID_NUMBER,
    NEW_PASSWORD,
    STAFF_PASSWORD,
    SUBMISSION_ID,
    census_record,
    staff_account,
    venue_step,
)

pytestmark = pytest.mark.django_db


def fresh(venue):
    return Venue.objects.get(pk=venue.pk)


# Each form as the project builds it: (data, files, world) → form.
FORMS = {
    "SignUpStartForm": lambda d, f, w: SignUpStartForm(d),
    "SignUpForm": lambda d, f, w: SignUpForm(d),
    "LoginForm": lambda d, f, w: LoginForm(d, request=None),
    "MobileOnlyForm": lambda d, f, w: MobileOnlyForm(d),
    "ResetForm": lambda d, f, w: ResetForm(d, user=w["owner"]),
    "ChangeMobileForm": lambda d, f, w: ChangeMobileForm(d, user=w["owner"]),
    "ClaimForm": lambda d, f, w: ClaimForm(d),
    "CorrectionForm": lambda d, f, w: CorrectionForm(d, venues=[w["venue"]]),
    "AnswerForm": lambda d, f, w: AnswerForm(d),
    "CodeMixin": lambda d, f, w: CodeMixin(d),
    "PasswordChangeForm": lambda d, f, w: PasswordChangeForm(w["owner"], d),
    "CodeForm": lambda d, f, w: CodeForm(d),
    "StaffForm new": lambda d, f, w: StaffForm(d, manager=w["town"]),
    "StaffForm edit": lambda d, f, w: StaffForm(d, manager=w["town"], staff_user=w["colleague"]),
    "SetPasswordForm": lambda d, f, w: SetPasswordForm(d, staff_user=w["colleague"]),
    "AreaForm new": lambda d, f, w: AreaForm(d, parent=w["tree"]["qinggang"]),
    "AreaForm edit": lambda d, f, w: AreaForm(d, instance=w["tree"]["qinggang"]),
    "MoveVenueForm": lambda d, f, w: MoveVenueForm(d, user=w["town"], venue=w["venue"]),
    "CensusForm": lambda d, f, w: CensusForm(d, user=w["town"]),
    "PhotoForm": lambda d, f, w: PhotoForm(d, f),
    "OwnerHelpForm": lambda d, f, w: OwnerHelpForm(d, owner=w["owner"]),
    "UploadForm": lambda d, f, w: UploadForm(d, f),
    "MappingForm": lambda d, f, w: MappingForm(d, batch=w["batch"]),
    "StartForm": lambda d, f, w: StartForm(d, instance=Venue()),
    "VenueStepForm": lambda d, f, w: VenueStepForm(d, instance=fresh(w["venue"])),
    "LicenceStepForm": lambda d, f, w: LicenceStepForm(d, instance=fresh(w["venue"])),
    "PeopleStepForm licensed": lambda d, f, w: PeopleStepForm(d, instance=fresh(w["venue"])),
    "PeopleStepForm unlicensed": lambda d, f, w: PeopleStepForm(d, instance=w["unlicensed"]),
    "PhotoUploadForm": lambda d, f, w: PhotoUploadForm(d, f),
    "DeclareForm": lambda d, f, w: DeclareForm(d),
}

# A valid submission of each form (those without files), which the tests then change a little.
VALID = {
    "SignUpStartForm": lambda w: {"mobile": "139 0000 2222"},
    "SignUpForm": lambda w: {"code": "123456", "full_name": "王大妈", "password1": NEW_PASSWORD,
                             "password2": NEW_PASSWORD},
    "LoginForm": lambda w: {"mobile": OWNER_MOBILE, "password": PASSWORD},
    "MobileOnlyForm": lambda w: {"mobile": "+86 13900002222"},
    "ResetForm": lambda w: {"code": "123456", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    "ChangeMobileForm": lambda w: {"mobile": "13900002222", "password": PASSWORD},
    "ClaimForm": lambda w: {"code": "ABCDE-12345"},
    "CorrectionForm": lambda w: {"subject": str(w["venue"].pk), "what": "门牌号应为12号",
                                 "submission_id": SUBMISSION_ID},
    "AnswerForm": lambda w: {"status": "declined", "answer": "营业执照上的地址就是21号"},
    "CodeMixin": lambda w: {"code": "123456"},
    "PasswordChangeForm": lambda w: {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                     "new_password2": NEW_PASSWORD},
    "CodeForm": lambda w: {"code": "123 456"},
    "StaffForm new": lambda w: staff_account(w),
    "StaffForm edit": lambda w: {**staff_account(w), "username": "colleague", "is_active": "on"},
    "SetPasswordForm": lambda w: {"password1": STAFF_PASSWORD, "password2": STAFF_PASSWORD},
    "AreaForm new": lambda w: {"name": "青杠村第3网格", "level": "50", "code": ""},
    "AreaForm edit": lambda w: {"name": "青杠村", "level": "40", "code": "500156101"},
    "MoveVenueForm": lambda w: {"area": str(w["tree"]["mugen-1"].pk), "reason": "经营者搬到木根村"},
    "CensusForm": lambda w: census_record(w),
    "OwnerHelpForm": lambda w: {"mobile": "13900002222", "password1": NEW_PASSWORD,
                                "reason": "本人持身份证到村委会核对"},
    "MappingForm": lambda w: {f.key: str(i) for i, f in enumerate(census_import.FIELDS)},
    "StartForm": lambda w: {**venue_step(w), "submission_id": SUBMISSION_ID},
    "VenueStepForm": lambda w: venue_step(w),
    "LicenceStepForm": lambda w: {"licence": "licensed", "credit_code": CREDIT_CODE, "no_code_reason": ""},
    "PeopleStepForm licensed": lambda w: {"operator_name": "张三", "operator_mobile": "139-0000-2222",
                                          "contact_name": "", "contact_mobile": ""},
    "PeopleStepForm unlicensed": lambda w: {"operator_name": "张三", "operator_mobile": "13900002222",
                                            "operator_id_number": ID_NUMBER.lower()},
    "DeclareForm": lambda w: {"declaration": "on", "privacy": "on"},
}

files = st.dictionaries(
    st.sampled_from(["file", "other"]),
    st.builds(lambda name, content: [SimpleUploadedFile(name, content)], upload_names,
              st.binary(max_size=2000)),
    max_size=2,
)


@pytest.fixture
def world(tree, town, colleague, owner, venue):
    world = {"tree": tree, "town": town, "colleague": colleague, "owner": owner, "venue": venue}
    headers = [f.heading for f in census_import.FIELDS]
    world["batch"] = ImportBatch.objects.create(
        created_by=town, file_name="census.xlsx", headers=headers,
        rows=[{"row": 2, "cells": [""] * len(headers)}], mapping={})
    world["unlicensed"] = make_venue(tree["mugen-1"], name="无证小店", licence="unlicensed", credit_code="",
                                     no_code_reason="未办证", owner=owner)
    return world


@pytest.mark.parametrize("name", VALID)
def test_the_valid_submissions_are_valid(name, world):
    """So the changed ones below start from a form that saves."""
    form = FORMS[name](query_dict(as_lists(VALID[name](world))), None, world)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("name", FORMS)
@given(data=st.data())
def test_every_form_answers_whatever_is_sent(name, world, data):
    make = FORMS[name]
    blank = make(None, None, world)
    valid = VALID[name](world) if name in VALID else None
    sent = data.draw(submissions(blank.fields, plausible(blank), valid), label="data")
    uploads = data.draw(files, label="files")
    check_form(make(query_dict(sent), MultiValueDict(uploads), world))


@given(code=text)
def test_second_factor_codes_are_tidied_once_and_for_all(code):
    form = CodeForm({"code": code})
    if form.is_valid():
        tidied = form.cleaned_data["code"]
        again = CodeForm({"code": tidied})
        assert again.is_valid() and again.cleaned_data["code"] == tidied
