"""The same self-check sent many times at the same moment (a double tap, a phone on a bad
connection that resends, someone replaying the request): fifty starts find one draft, fifty
submissions of that draft submit it once and turn its failed items into hazards once; through
the workflow and through the owner's pages. Run on SQLite (a file, writers queued) and on
PostgreSQL (DATABASE_URL; row locks and the unique constraints on drafts and on hazards per
item), like tests/test_concurrency.py."""

from django.contrib.auth import get_user_model

import pytest

from home.selfcheck import resume_url, start_url, status_url, submit_url
from tests.factories import (
    UserFactory,
    approve,
    fill_selfcheck,
    make_area_tree,
    make_selfcheck_page,
    make_venue,
)
from tests.threads import THREADS, post, run_together, same_browser, signed_in
from venues.models import (
    AuditEntry,
    ChecklistVersion,
    EvidencePhoto,
    Hazard,
    HazardEvent,
    SelfCheck,
    SelfCheckStatus,
    Venue,
)
from venues.workflows import selfchecks

# Threads need committed data and connections of their own: no transaction around the test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 3
FAILED = ["exits_clear", "exits_unlocked", "extinguishers_present"]


@pytest.fixture
def tree():
    return make_area_tree()


def shop(tree, n):
    """An approved shop of its own owner, for round ``n``."""
    mobile = f"139{n:08d}"
    owner = UserFactory(username=mobile, mobile=mobile)
    venue = approve(make_venue(tree["qinggang-1"], owner=owner, name=f"并发自查副食店{n}"))
    return venue, owner


def fresh(model, pk):
    """Each thread loads its own objects, as each request would."""
    return lambda: model.objects.get(pk=pk)


def start_in_a_thread(venue, owner):
    venue_of, owner_of = fresh(Venue, venue.pk), fresh(get_user_model(), owner.pk)
    return lambda: selfchecks.start(venue_of(), owner_of()).pk


def submit_in_a_thread(check, owner):
    check_of, owner_of = fresh(SelfCheck, check.pk), fresh(get_user_model(), owner.pk)
    return lambda: selfchecks.submit(check_of(), owner_of()).pk


def test_fifty_starts_at_once_find_one_draft(tree):
    for round_ in range(ROUNDS):
        venue, owner = shop(tree, round_)
        results = run_together([start_in_a_thread(venue, owner) for _n in range(THREADS)])
        check = SelfCheck.objects.get(venue=venue)
        assert set(results) == {check.pk} and check.status == SelfCheckStatus.DRAFT
        assert check.versions.count() == 1
    # The shop's checklist was snapshotted once, however many asked for it at once.
    assert ChecklistVersion.objects.filter(kind__slug="shopping").count() == 1


def test_fifty_submissions_at_once_submit_once_and_find_each_hazard_once(tree):
    for round_ in range(ROUNDS):
        venue, owner = shop(tree, round_)
        check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=FAILED)
        results = run_together([submit_in_a_thread(check, owner) for _n in range(THREADS)])
        assert set(results) == {check.pk}
        check.refresh_from_db()
        assert check.status == SelfCheckStatus.SUBMITTED
        assert SelfCheck.objects.filter(venue=venue).count() == 1
        found = Hazard.objects.filter(venue=venue)
        assert sorted(found.values_list("item_code", flat=True)) == sorted(FAILED)
        assert HazardEvent.objects.filter(hazard__venue=venue).count() == len(FAILED)
        assert EvidencePhoto.objects.filter(venue=venue, hazard__isnull=False).count() == len(FAILED)
        assert AuditEntry.objects.filter(action="selfcheck.submit", object_id=str(venue.pk)).count() == 1
        venue.refresh_from_db()
        assert venue.risk_level == "red"  # an open major hazard, assessed once the submission committed


def test_fifty_starts_and_submissions_mixed_leave_one_submitted_check_and_at_most_one_draft(tree):
    """Some requests start (or find) the draft while others submit it: whatever the order,
    the venue ends with the one submitted self-check and, at most, one fresh draft."""
    venue, owner = shop(tree, 99)
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=FAILED[:1])
    calls = [submit_in_a_thread(check, owner) if n % 2 else start_in_a_thread(venue, owner)
             for n in range(THREADS)]
    run_together(calls)
    statuses = sorted(SelfCheck.objects.filter(venue=venue).values_list("status", flat=True))
    assert statuses in (["submitted"], ["draft", "submitted"])
    assert Hazard.objects.filter(venue=venue).count() == 1


# The owner's pages (home.selfcheck): one phone pressing the same button again and again --

@pytest.fixture
def page(home):
    return make_selfcheck_page(home)


def test_the_start_button_pressed_50_times_at_once_opens_one_draft(tree, page):
    for round_ in range(ROUNDS):
        venue, owner = shop(tree, round_)
        clients = same_browser(signed_in(owner), THREADS)
        responses = run_together([post(client, start_url(venue, page), {}) for client in clients])
        check = SelfCheck.objects.get(venue=venue)
        assert check.status == SelfCheckStatus.DRAFT
        # Every press leads to the first group of that one draft.
        assert {(r.status_code, r["Location"]) for r in responses} == {(302, resume_url(check, page))}


def test_the_submit_button_pressed_50_times_at_once_submits_once(tree, page):
    for round_ in range(ROUNDS):
        venue, owner = shop(tree, round_)
        check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=FAILED)
        clients = same_browser(signed_in(owner), THREADS)
        url = submit_url(check, page)
        responses = run_together([post(client, url, {"declare": "on"}) for client in clients])
        check.refresh_from_db()
        assert check.status == SelfCheckStatus.SUBMITTED
        # Every press ends on the status page of the one submitted self-check.
        assert {(r.status_code, r["Location"]) for r in responses} == {(302, status_url(check, page))}
        assert Hazard.objects.filter(venue=venue).count() == len(FAILED)
        assert AuditEntry.objects.filter(action="selfcheck.submit", object_id=str(venue.pk)).count() == 1
