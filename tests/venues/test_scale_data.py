"""Generated data at scale (venues.scale_data, ``manage.py generate_data``): the numbers asked
for, every state of venues, self-checks and hazards, the same data for the same seed, and never
mixed into a register that holds real venues unless asked."""

import io

from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

import pytest

from notices.models import NoticePage
from tests.factories import make_venue
from venues import scale_data
from venues.checklists import checklist_for
from venues.models import (
    Answer,
    Area,
    AreaLevel,
    Hazard,
    HazardAction,
    HazardSource,
    HazardStatus,
    SelfCheck,
    SelfCheckStatus,
    User,
    Venue,
    VenueStatus,
    VenueStatusChange,
)
from venues.validators import validate_credit_code, validate_mobile

pytestmark = pytest.mark.django_db

MARKER = scale_data.MARKER


def generate(venues, **options):
    return scale_data.generate(venues, today=timezone.localdate(), **options)


def snapshot():
    """What two runs are compared on: the venues, their self-checks and hazards, without keys."""
    venues = list(Venue.objects.order_by("public_code").values_list(
        "public_code", "name", "status", "address", "operator_name", "operator_mobile", "created_at",
        "selfcheck_due_on", "risk_level"))
    checks = list(SelfCheck.objects.order_by("venue__public_code", "created_at").values_list(
        "venue__public_code", "status", "created_at", "submitted_at", "reviewed_at"))
    hazards = list(Hazard.objects.order_by("venue__public_code").values_list(
        "venue__public_code", "status", "item_code", "found_at", "deadline"))
    return venues, checks, hazards


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(notice_index):
    generate(40, seed=3)
    first = snapshot()
    generate(40, seed=3, flush_first=True)
    assert snapshot() == first
    generate(40, seed=4, flush_first=True)
    other = snapshot()
    assert [venue[1] for venue in other[0]] != [venue[1] for venue in first[0]]
    assert other[1] != first[1]


def test_the_numbers_asked_for_in_every_state(notice_index):
    summary = generate(50, seed=1, towns=2)
    today = timezone.localdate()
    venues = scale_data.generated_venues()
    connection.check_constraints()  # every key written refers to a row that exists

    assert venues.count() == summary.counts["venues"] == 50
    assert all(name.endswith(MARKER) for name in venues.values_list("name", flat=True))
    towns = Area.objects.filter(level=AreaLevel.TOWN)
    assert towns.count() == 2 and all(town.name.endswith(MARKER) for town in towns)
    assert Area.objects.filter(level=AreaLevel.VILLAGE).count() == 2 * scale_data.VILLAGES_PER_TOWN
    notices = NoticePage.objects.live().filter(title__endswith=MARKER).count()
    assert notices == summary.counts["notices"] == scale_data.MIN_NOTICES

    # Registration: every status, mostly approved, each approval in the history.
    assert set(venues.values_list("status", flat=True)) == set(VenueStatus.values)
    approved = venues.filter(status=VenueStatus.APPROVED)
    assert approved.count() > venues.count() * 0.7
    approvals = VenueStatusChange.objects.filter(venue__in=approved, to_status=VenueStatus.APPROVED)
    assert approvals.values("venue").distinct().count() == approved.count()
    # Due dates and risk levels were computed for every approved venue, and none for the others.
    assert not approved.filter(selfcheck_due_on=None).exists()
    assert not approved.filter(risk_level="").exists()
    assert not venues.exclude(status=VenueStatus.APPROVED).exclude(selfcheck_due_on=None).exists()

    # Self-checks in every status, asking what the app would ask the venue, fully answered.
    checks = SelfCheck.objects.filter(venue__in=venues)
    assert set(checks.values_list("status", flat=True)) == set(SelfCheckStatus.values)
    assert checks.count() > approved.count() * 3  # a year of them
    accepted = checks.filter(status=SelfCheckStatus.ACCEPTED).select_related("venue").first()
    assert accepted.items == checklist_for(accepted.venue)[1]
    assert accepted.answers.count() == len(accepted.items)
    assert checks.filter(status=SelfCheckStatus.RETURNED).exclude(review_reason="").exists()

    # Hazards in every state, each with its history; a self-check's hazard is its failed answer.
    hazards = Hazard.objects.filter(venue__in=venues)
    assert hazards.filter(Hazard.overdue_q(today)).exists()
    assert hazards.filter(status=HazardStatus.OPEN, deadline__gte=today).exists()
    assert hazards.filter(status=HazardStatus.RECTIFIED).exists()
    assert hazards.filter(status=HazardStatus.CLOSED).exists()
    for hazard in hazards:
        actions = list(hazard.events.values_list("action", flat=True))
        assert actions[0] == HazardAction.FOUND
        assert (HazardAction.ACCEPTED in actions) == (hazard.status == HazardStatus.CLOSED)
        if hazard.source == HazardSource.SELFCHECK:
            assert hazard.selfcheck.answers.get(code=hazard.item_code).answer == Answer.NO

    # Nothing happens today or later.
    assert not checks.filter(created_at__date__gte=today).exists()
    assert not hazards.filter(found_at__date__gte=today).exists()

    # Owners hold accounts with valid mobiles; licensed venues valid credit codes.
    for venue in venues.exclude(owner=None).select_related("owner")[:20]:
        assert venue.owner.username.startswith(scale_data.USER_PREFIX)
        validate_mobile(venue.owner.mobile)
    for code in venues.filter(licence="licensed").values_list("credit_code", flat=True):
        validate_credit_code(code)


def test_every_generated_account_shares_one_password_hash(notice_index):
    generate(20, password="Gen-data-2024")
    accounts = User.objects.filter(username__startswith=scale_data.USER_PREFIX)
    assert accounts.count() > 20 and accounts.values("password").distinct().count() == 1
    assert accounts.first().check_password("Gen-data-2024")


def test_without_a_password_no_generated_account_can_sign_in(notice_index):
    generate(10)
    assert not any(user.has_usable_password() for user in User.objects.filter(username__startswith="gen-"))


def test_a_register_that_holds_venues_is_left_alone_unless_asked(tree, notice_index):
    real = make_venue(tree["qinggang-1"], name="青杠副食店")
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_data", "--venues", "10")
    assert list(Venue.objects.all()) == [real]

    call_command("generate_data", "--venues", "10", "--append", stdout=io.StringIO())
    assert scale_data.generated_venues().count() == 10
    with pytest.raises(CommandError, match="--flush-generated"):
        call_command("generate_data", "--venues", "10", "--append")

    out = io.StringIO()
    call_command("generate_data", "--venues", "5", "--append", "--flush-generated", stdout=out)
    assert scale_data.generated_venues().count() == 5
    assert "venues approved" in out.getvalue() and "total" in out.getvalue()

    # --venues 0 only removes what was generated; the real venue and its area stay.
    call_command("generate_data", "--venues", "0", "--append", "--flush-generated", stdout=io.StringIO())
    assert list(Venue.objects.all()) == [real]
    assert not User.objects.filter(username__startswith=scale_data.USER_PREFIX).exists()
    assert not Area.objects.filter(name__endswith=MARKER).exists()
    assert Area.objects.filter(pk=tree["qinggang-1"].pk).exists()
    assert not NoticePage.objects.filter(title__endswith=MARKER).exists()
