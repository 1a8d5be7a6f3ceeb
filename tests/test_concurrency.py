"""The same request sent many times at the same moment (a double click, a bad connection that
resends, someone hammering a form) and many different requests at once, on the real views
with a real database: SQLite (a file, writers queued by IMMEDIATE transactions) and
PostgreSQL (row locks and unique indexes). Each test repeats its burst a few times.

What a person would notice: one registration however often it was sent, every different
one kept, a submission recorded once, a claim code or a text-message code working once."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import pytest

from tests.factories import (
    UserFactory,
    make_area_tree,
    make_member,
    make_registration_page,
    make_staff,
    make_venue,
)
from tests.threads import (
    CENSUS,
    REGISTER,
    THREADS,
    census_data,
    census_sheet,
    complete_draft,
    post,
    run_together,
    same_browser,
    signed_in,
    start_data,
)
from venues.models import (
    AuditEntry,
    ClaimCode,
    CodePurpose,
    ImportBatch,
    ImportStatus,
    Venue,
    VenueStatus,
    VenueStatusChange,
    VerificationCode,
)
from venues.roles import VILLAGE_STAFF
from venues.workflows import claims, codes

# Threads need committed data and connections of their own: no transaction around the test.
# The seeded kinds and groups are restored for each test (serialized rollback).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 3
# One-time codes: enough people at once to beat any lock that was missing, fewer than the
# registrations' 50 because each refused attempt draws a whole page.
CODE_THREADS = 20


@pytest.fixture
def tree():
    return make_area_tree()


@pytest.fixture
def page(home):
    return make_registration_page(home)


def owner(n):
    mobile = f"139{n:08d}"
    return UserFactory(username=mobile, mobile=mobile)


def step_url(venue, step):
    return f"{REGISTER}{venue.pk}/{step}/"


def inspect_url(venue):
    return reverse("venues_venue_modeladmin_inspect", kwargs={"instance_pk": venue.pk})


# The owner's registration ---------------------------------------------------------------

def test_one_registration_form_sent_50_times_at_once_creates_one_draft(tree, page):
    for round_ in range(ROUNDS):
        person = owner(round_)
        data = start_data(tree, round_)
        clients = same_browser(signed_in(person), THREADS)
        responses = run_together([post(client, REGISTER + "new/", data) for client in clients])
        venue = Venue.objects.get(owner=person)
        assert str(venue.submission_id) == data["submission_id"]
        assert venue.status == VenueStatus.DRAFT and venue.name == data["name"]
        # Every sending leads the owner on to the next step of that one draft.
        assert {(r.status_code, r["Location"]) for r in responses} == {(302, step_url(venue, "licence"))}
    assert Venue.objects.count() == ROUNDS


def test_50_different_registrations_at_once_create_50_drafts(tree, page):
    for round_ in range(ROUNDS):
        people = [owner(100 * (round_ + 1) + n) for n in range(THREADS)]
        sent = [start_data(tree, 100 * round_ + n) for n in range(THREADS)]
        responses = run_together([post(signed_in(person), REGISTER + "new/", data)
                                  for person, data in zip(people, sent, strict=True)])
        for person, data, response in zip(people, sent, responses, strict=True):
            venue = Venue.objects.get(owner=person)
            assert (venue.name, str(venue.submission_id)) == (data["name"], data["submission_id"])
            assert response["Location"] == step_url(venue, "licence")
    assert Venue.objects.count() == ROUNDS * THREADS


def test_the_declaration_sent_50_times_at_once_submits_once(tree, page):
    for round_ in range(ROUNDS):
        person = owner(round_)
        venue = complete_draft(tree, person, round_)
        clients = same_browser(signed_in(person), THREADS)
        declare = {"declaration": "on", "privacy": "on"}
        responses = run_together([post(client, step_url(venue, "declare"), declare) for client in clients])
        venue.refresh_from_db()
        assert venue.status == VenueStatus.SUBMITTED and venue.declared_at is not None
        change = VenueStatusChange.objects.get(venue=venue)
        assert (change.from_status, change.to_status, change.actor) == ("draft", "submitted", person)
        assert AuditEntry.objects.filter(action="venue.submit", object_id=str(venue.pk)).count() == 1
        assert {(r.status_code, r["Location"]) for r in responses} == {(302, step_url(venue, "done"))}


# Staff census entry (代为登记) -------------------------------------------------------------

@pytest.fixture
def village_staff(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")


def test_one_census_entry_sent_50_times_at_once_records_one_venue(tree, village_staff):
    for round_ in range(ROUNDS):
        data = census_data(tree, round_)
        clients = same_browser(signed_in(village_staff), THREADS)
        responses = run_together([post(client, CENSUS, data) for client in clients])
        venue = Venue.objects.get(submission_id=data["submission_id"])
        assert venue.status == VenueStatus.APPROVED and venue.name == data["name"]
        assert VenueStatusChange.objects.filter(venue=venue).count() == 1
        assert AuditEntry.objects.filter(action="venue.record.census", object_id=str(venue.pk)).count() == 1
        # Each sending shows the one record, never a "this venue is already registered" error.
        assert {(r.status_code, r["Location"]) for r in responses} == {(302, inspect_url(venue))}
    assert Venue.objects.count() == ROUNDS


def test_50_different_census_entries_at_once_record_50_venues(tree, village_staff):
    for round_ in range(ROUNDS):
        sent = [census_data(tree, 100 * round_ + n) for n in range(THREADS)]
        responses = run_together([post(signed_in(village_staff), CENSUS, data) for data in sent])
        for data, response in zip(sent, responses, strict=True):
            venue = Venue.objects.get(submission_id=data["submission_id"])
            assert venue.name == data["name"] and response["Location"] == inspect_url(venue)
            assert VenueStatusChange.objects.filter(venue=venue).count() == 1
    assert Venue.objects.count() == ROUNDS * THREADS
    assert AuditEntry.objects.filter(action="venue.record.census").count() == ROUNDS * THREADS


def test_two_sheets_with_the_same_rows_imported_at_once_import_each_venue_once(tree):
    """Two people import sheets holding the same venues, each clicking twice, at one moment."""
    people = [make_staff(tree["town"], permissions=("access_admin", "view_venue", "add_venue",
                                                    "review_venue")) for _n in range(2)]
    for round_ in range(ROUNDS):
        numbers = range(10 * round_ + 1, 10 * round_ + 11)
        runs = []
        for person in people:
            client = signed_in(person)
            assert client.post(reverse("venues_import"), {"file": census_sheet(numbers)}).status_code == 302
            batch = ImportBatch.objects.filter(created_by=person).latest("pk")
            url = reverse("venues_import_run", kwargs={"batch_id": batch.pk})
            runs += [post(twin, url, {}) for twin in same_browser(client, 2)]
        responses = run_together(runs)
        assert {r.status_code for r in responses} == {302}
        assert Venue.objects.filter(name__startswith="导入副食店").count() == 10 * (round_ + 1)
        batches = ImportBatch.objects.filter(status=ImportStatus.IMPORTED).order_by("-pk")[:2]
        assert sorted((b.result["imported"], b.result["duplicates"]) for b in batches) == [(0, 10), (10, 0)]
    assert AuditEntry.objects.filter(action="venue.import").count() == 2 * ROUNDS
    assert VenueStatusChange.objects.count() == 10 * ROUNDS


# One-time codes ---------------------------------------------------------------------------

def test_a_claim_code_entered_by_20_owners_at_once_gives_the_venue_to_one(tree, village_staff):
    for round_ in range(ROUNDS):
        venue = make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED, name=f"待认领{round_}",
                           credit_code="")
        code = claims.issue(venue, village_staff)
        people = [owner(100 * (round_ + 1) + n) for n in range(CODE_THREADS)]
        responses = run_together([post(signed_in(person), "/owner/claim/", {"code": code})
                                  for person in people])
        venue.refresh_from_db()
        assert venue.owner in people
        winners = [r for r in responses if r.status_code == 302]
        assert len(winners) == 1 and winners[0]["Location"] == "/owner/"
        assert {r.status_code for r in responses} == {200, 302}  # the others see the form again
        assert ClaimCode.objects.get(venue=venue).used_by == venue.owner
        assert AuditEntry.objects.filter(action="venue.claim", object_id=str(venue.pk)).count() == 1


def reset_session(person, sms_outbox):
    """A client that asked for a password-reset code for ``person``; returns it and the code."""
    client = Client()
    response = client.post("/owner/reset/", {"mobile": person.mobile})
    assert response.status_code == 302
    return client, re.search(r"(\d{6})", sms_outbox[-1]["text"]).group(1)


def test_a_text_message_code_sent_20_times_at_once_is_accepted_once(tree, sms_outbox):
    for round_ in range(ROUNDS):
        person = owner(round_)
        first, code = reset_session(person, sms_outbox)
        password = f"Garden-gate-{round_}7"
        new_password = {"code": code, "password1": password, "password2": password}
        clients = same_browser(first, CODE_THREADS)
        responses = run_together([post(client, "/owner/reset/confirm/", new_password) for client in clients])
        accepted = [r for r in responses if r.status_code == 302 and r["Location"] == "/owner/login/"]
        assert len(accepted) == 1
        assert AuditEntry.objects.filter(action="owner.reset_password", actor=person).count() == 1
        assert VerificationCode.objects.get(mobile=person.mobile).used_at is not None
        assert get_user_model().objects.get(pk=person.pk).check_password(password)


def test_20_wrong_codes_at_once_count_one_by_one_and_lock_the_code(tree, sms_outbox):
    """Guesses sent in parallel are counted one by one: the limit of tries still holds."""
    for round_ in range(ROUNDS):
        person = owner(round_)
        first, code = reset_session(person, sms_outbox)
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        guess = {"code": wrong, "password1": "Garden-gate-77", "password2": "Garden-gate-77"}
        clients = same_browser(first, CODE_THREADS)
        responses = run_together([post(client, "/owner/reset/confirm/", guess) for client in clients])
        assert {r.status_code for r in responses} == {200}
        assert VerificationCode.objects.get(mobile=person.mobile).tries == codes.MAX_TRIES
        # The right code no longer helps: the code is used up.
        with pytest.raises(codes.CodeError):
            codes.check_code(person.mobile, CodePurpose.RESET_PASSWORD, code)
