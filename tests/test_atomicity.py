"""A failure half-way through a submission (a full disk, a dropped connection) leaves nothing
half-written: no venue, photo, status change or audit entry of that submission, no photo
file without its record and no record without its file; and sending it again then works.

The failure is injected by making one internal write raise after the earlier ones were
written; the database is real. The test runs inside a transaction of its own, so the code's
transactions become savepoints: a write outside them would stay visible here and fail the
test, as it would stay in production. Work left for after the commit (deleting a removed
photo's file) runs where the test says so."""

from contextlib import contextmanager
from unittest import mock

from django.db import DatabaseError
from django.urls import reverse

import pytest

from tests.factories import UserFactory, make_area_tree, make_member, make_registration_page, make_staff
from tests.threads import (
    CENSUS,
    REGISTER,
    census_data,
    census_sheet,
    complete_draft,
    jpeg,
    signed_in,
    stored_files,
)
from venues.models import (
    AuditEntry,
    ImportBatch,
    ImportStatus,
    Venue,
    VenuePhoto,
    VenueStatus,
    VenueStatusChange,
)
from venues.roles import VILLAGE_STAFF

pytestmark = pytest.mark.django_db


@contextmanager
def fails(model, nth=1, **fields):
    """Saving the ``nth`` ``model`` row whose fields equal ``fields`` raises DatabaseError,
    after everything before it in the same request was written."""
    original = model.save
    matching = []

    def save(self, *args, **kwargs):
        if all(getattr(self, name) == value for name, value in fields.items()):
            matching.append(self)
            if len(matching) == nth:
                raise DatabaseError("injected failure")
        return original(self, *args, **kwargs)

    with mock.patch.object(model, "save", save):
        yield
    assert len(matching) >= nth, "the failure was never reached"


@contextmanager
def notification_fails():
    """The last step of a status change, telling the people concerned, raises."""
    with mock.patch("venues.notify.venue_status_changed", side_effect=DatabaseError("injected failure")):
        yield


@pytest.fixture
def tree():
    return make_area_tree()


@pytest.fixture
def page(home):
    return make_registration_page(home)


@pytest.fixture
def owner():
    return UserFactory(username="13900001111", mobile="13900001111")


def step_url(venue, step):
    return f"{REGISTER}{venue.pk}/{step}/"


# The owner's photos -----------------------------------------------------------------------

PHOTO_FAILURES = {
    "the photo's record": lambda: fails(VenuePhoto),
    "its audit entry": lambda: fails(AuditEntry, action="venue.photo"),
}


@pytest.mark.parametrize("failing", PHOTO_FAILURES.values(), ids=PHOTO_FAILURES.keys())
def test_a_photo_whose_record_fails_leaves_no_file(tree, page, owner, failing):
    venue = complete_draft(tree, owner)
    before = stored_files()
    client = signed_in(owner)
    upload = {"action": "upload", "kind": "other"}
    with failing(), pytest.raises(DatabaseError):
        client.post(step_url(venue, "photos"), {**upload, "file": jpeg()})
    assert venue.photos.filter(kind="other").count() == 0
    assert AuditEntry.objects.filter(action="venue.photo").count() == 2  # the draft's own two
    assert stored_files() == before  # the re-encoded file written first is gone again
    # Trying again works.
    assert client.post(step_url(venue, "photos"), {**upload, "file": jpeg()}).status_code == 302
    photo = venue.photos.get(kind="other")
    assert stored_files() == sorted([*before, photo.file.path])


def test_a_removal_that_fails_keeps_the_photo_and_its_file(
    tree, page, owner, django_capture_on_commit_callbacks
):
    venue = complete_draft(tree, owner)
    photo = venue.photos.get(kind="storefront")
    client = signed_in(owner)
    with (fails(AuditEntry, action="venue.photo_removed"), pytest.raises(DatabaseError),
          django_capture_on_commit_callbacks(execute=True)):
        client.post(step_url(venue, "photos"), {"remove": photo.pk})
    assert VenuePhoto.objects.filter(pk=photo.pk).exists() and photo.file.path in stored_files()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url(venue, "photos"), {"remove": photo.pk})
    assert not VenuePhoto.objects.filter(pk=photo.pk).exists() and photo.file.path not in stored_files()


# The owner's steps and the final submission -------------------------------------------------

def test_a_step_whose_audit_entry_fails_keeps_the_draft_as_it_was(tree, page, owner):
    venue = complete_draft(tree, owner)
    client = signed_in(owner)
    people = {"operator_name": "王五", "operator_mobile": "13900005555", "contact_name": "",
              "contact_mobile": ""}
    with fails(AuditEntry, action="venue.edit"), pytest.raises(DatabaseError):
        client.post(step_url(venue, "people"), people)
    venue.refresh_from_db()
    assert (venue.operator_name, venue.operator_mobile) == ("张三", "13800000000")
    assert client.post(step_url(venue, "people"), people).status_code == 302
    venue.refresh_from_db()
    assert (venue.operator_name, venue.operator_mobile) == ("王五", "13900005555")


SUBMIT_FAILURES = {
    "the status change": lambda: fails(VenueStatusChange),
    "its audit entry": lambda: fails(AuditEntry, action="venue.submit"),
    "the notification": notification_fails,
}


@pytest.mark.parametrize("failing", SUBMIT_FAILURES.values(), ids=SUBMIT_FAILURES.keys())
def test_a_submission_that_fails_half_way_leaves_the_draft_untouched(tree, page, owner, failing):
    venue = complete_draft(tree, owner)
    files = stored_files()
    client = signed_in(owner)
    declare = {"declaration": "on", "privacy": "on"}
    with failing(), pytest.raises(DatabaseError):
        client.post(step_url(venue, "declare"), declare)
    venue.refresh_from_db()
    assert (venue.status, venue.declared_at, venue.draft_step) == (VenueStatus.DRAFT, None, 4)
    assert not VenueStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(action="venue.submit").exists()
    assert venue.photos.count() == 2 and stored_files() == files
    # Declaring again submits it, once.
    assert client.post(step_url(venue, "declare"), declare)["Location"] == step_url(venue, "done")
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUBMITTED and venue.declared_at is not None
    assert VenueStatusChange.objects.get(venue=venue).to_status == VenueStatus.SUBMITTED


# Staff census entry (代为登记) -------------------------------------------------------------

CENSUS_FAILURES = {
    # The venue is saved first, then its status change, then the audit entry.
    "the status change": lambda: fails(VenueStatusChange),
    "its audit entry": lambda: fails(AuditEntry, action="venue.record.census"),
}


@pytest.mark.parametrize("failing", CENSUS_FAILURES.values(), ids=CENSUS_FAILURES.keys())
def test_a_census_entry_that_fails_half_way_records_nothing(tree, failing):
    staff = make_member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")
    client = signed_in(staff)
    data = census_data(tree)
    with failing(), pytest.raises(DatabaseError):
        client.post(CENSUS, data)
    assert not Venue.objects.exists()
    assert not VenueStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="venue.record").exists()
    # The same form sent again (same submission id) records it, once.
    response = client.post(CENSUS, data)
    venue = Venue.objects.get(submission_id=data["submission_id"])
    assert response["Location"] == reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
    assert venue.status == VenueStatus.APPROVED and venue.history.count() == 1


# Census spreadsheet import ------------------------------------------------------------------

IMPORT_FAILURES = {
    "row 3's venue": lambda: fails(Venue, nth=3, status=VenueStatus.DRAFT),
    "row 3's status change": lambda: fails(VenueStatusChange, nth=3),
    "row 3's audit entry": lambda: fails(AuditEntry, nth=3, action="venue.record.import"),
    "the import's own audit entry": lambda: fails(AuditEntry, action="venue.import"),
}


@pytest.mark.parametrize("failing", IMPORT_FAILURES.values(), ids=IMPORT_FAILURES.keys())
def test_an_import_failing_on_row_3_of_5_imports_nothing(tree, failing):
    staff = make_staff(tree["town"], permissions=("access_admin", "view_venue", "add_venue", "review_venue"))
    client = signed_in(staff)
    assert client.post(reverse("venues_import"), {"file": census_sheet(range(1, 6))}).status_code == 302
    batch = ImportBatch.objects.get()
    run = reverse("venues_import_run", kwargs={"batch_id": batch.pk})
    with failing(), pytest.raises(DatabaseError):
        client.post(run)
    assert not Venue.objects.exists() and not VenueStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(action__in=["venue.record.import", "venue.import"]).exists()
    batch.refresh_from_db()
    assert (batch.status, batch.imported_at, batch.result) == (ImportStatus.UPLOADED, None, {})
    # Importing again imports every row, once.
    assert client.post(run).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.result["imported"] == 5
    assert Venue.objects.count() == 5 and VenueStatusChange.objects.count() == 5


def test_a_password_reset_whose_audit_entry_fails_keeps_the_old_password_and_the_code(client, sms_outbox):
    import re

    owner = UserFactory(mobile="13900001234")
    owner.set_password("Old-Shuanghe-77")
    owner.save()
    client.post("/owner/reset/", {"mobile": "13900001234"})
    code = re.search(r"(\d{6})", sms_outbox[-1]["text"]).group(1)
    data = {"code": code, "password1": "New-Shuanghe-88", "password2": "New-Shuanghe-88"}
    with fails(AuditEntry, action="owner.reset_password"), pytest.raises(DatabaseError):
        client.post("/owner/reset/confirm/", data)
    owner.refresh_from_db()
    assert owner.check_password("Old-Shuanghe-77")
    # The code was not used up: sending again sets the password.
    assert client.post("/owner/reset/confirm/", data)["Location"] == "/owner/login/"
    owner.refresh_from_db()
    assert owner.check_password("New-Shuanghe-88")
