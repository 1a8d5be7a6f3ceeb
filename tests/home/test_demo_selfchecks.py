"""`make run` shows self-checks and hazards in every state: the demo owner sees what is due,
overdue, awaiting review, returned and half done; staff see hazards open, overdue, fixed and
awaiting re-check (with photos before and after), rejected and open again, and closed."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

import pytest

from home.demo_selfchecks import FIRST_VENUE, STORY_VENUES
from home.models import HomePage, SelfCheckPage, StandardPage
from tests.factories import add_page
from venues import schedule
from venues.access import venues_for
from venues.models import (
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardStatus,
    Message,
    SelfCheck,
    SelfCheckStatus,
    Severity,
    Venue,
)

pytestmark = pytest.mark.django_db

DEMO_VENUES = STORY_VENUES


def setup_demo():
    out = io.StringIO()
    call_command("setup_demo", "--force", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    return setup_demo()


def test_the_demo_says_it_made_the_self_checks_once(demo):
    assert "Demo self-checks and hazards built." in demo
    assert "Demo self-checks and hazards built." not in setup_demo()


def test_every_self_check_state_is_there_for_the_demo_owner(demo):
    owner = get_user_model().objects.get(username="13800000001")
    mine = venues_for(owner)
    today = timezone.localdate()
    states = {venue.name: schedule.state(venue, today) for venue in mine.filter(status="approved")}
    assert any(state.due_soon for state in states.values())
    assert any(state.overdue for state in states.values())
    statuses = set(SelfCheck.objects.filter(venue__in=mine).values_list("status", flat=True))
    assert statuses == set(SelfCheckStatus.values)
    returned = SelfCheck.objects.get(status=SelfCheckStatus.RETURNED)
    assert returned.review_reason and returned.venue.owner == owner
    draft = SelfCheck.objects.get(status=SelfCheckStatus.DRAFT)
    assert 0 < draft.answers.count() < len(draft.items) and draft.step > 0
    # Months of accepted self-checks at one venue.
    history = SelfCheck.objects.filter(venue__name=FIRST_VENUE, status=SelfCheckStatus.ACCEPTED)
    months = {check.submitted_at.strftime("%Y-%m") for check in history}
    assert len(months) >= 3


def test_an_assisted_self_check_by_the_grid_worker(demo):
    check = SelfCheck.objects.get(assisted_by__isnull=False)
    assert check.assisted_by.username == "grid" and check.confirmed_by_name
    assert check.venue.owner is None


def test_every_hazard_state_is_there(demo):
    today = timezone.localdate()
    assert set(Hazard.objects.values_list("status", flat=True)) == set(HazardStatus.values)
    assert Hazard.objects.filter(Hazard.overdue_q(today)).exists()
    assert Hazard.objects.filter(status=HazardStatus.OPEN, severity=Severity.MAJOR).exclude(
        interim_measure="").exists()
    awaiting = Hazard.objects.get(status=HazardStatus.RECTIFIED)
    stages = set(awaiting.photos.values_list("stage", flat=True))
    assert stages == {EvidenceStage.BEFORE, EvidenceStage.AFTER} and awaiting.rectification_note
    rejected = Hazard.objects.get(events__action=HazardAction.REJECTED)
    assert rejected.status == HazardStatus.OPEN and rejected.is_overdue(today)
    closed = Hazard.objects.get(status=HazardStatus.CLOSED, venue__name=FIRST_VENUE)
    assert closed.closed_by is not None
    for photo in EvidencePhoto.objects.all():
        assert photo.file.size > 0


def test_the_dates_tell_the_story(demo):
    """What happened in the past is dated then, not on the day the demo was built."""
    today = timezone.localdate()
    oldest = SelfCheck.objects.filter(venue__name=FIRST_VENUE).order_by("submitted_at").first()
    assert (today - timezone.localdate(oldest.submitted_at)).days >= 90
    for hazard in Hazard.objects.all():
        events = list(hazard.events.values_list("at", flat=True))
        assert events == sorted(events)
        assert hazard.found_at <= hazard.events.last().at
    for venue in Venue.objects.filter(name__in=DEMO_VENUES):
        assert venue.risk_level and venue.selfcheck_due_on


def test_running_it_again_adds_nothing(demo):
    def counts():
        return [model.objects.count() for model in (Venue, SelfCheck, Hazard, EvidencePhoto, Message,
                                                     SelfCheckPage)]
    before = counts()
    setup_demo()
    assert counts() == before


def test_an_older_demo_gains_the_self_check_page_and_its_data_once(client, demo):
    """A demo built before the self-check opened had a "coming soon" page at its address."""
    SelfCheckPage.objects.get().delete()
    Venue.objects.filter(name__in=DEMO_VENUES).delete()
    services = StandardPage.objects.get(slug="services")
    placeholder = add_page(services, StandardPage(title="场所安全自查", slug="self-check", intro="即将开通"))
    home = HomePage.objects.get()
    entrances = list(home.entrances.raw_data)
    entrances[1]["value"]["page"] = placeholder.pk
    home.entrances = entrances
    home.save_revision().publish()

    assert "Demo self-checks and hazards built." in setup_demo()
    setup_demo()
    page = SelfCheckPage.objects.get()
    assert page.live and page.url == "/services/self-check/"
    assert not StandardPage.objects.filter(pk=placeholder.pk).exists()
    entrance_pages = [entrance.value["page"] for entrance in HomePage.objects.get().entrances]
    assert page.page_ptr in entrance_pages
    assert Venue.objects.filter(name__in=DEMO_VENUES).count() == len(DEMO_VENUES)
    assert SelfCheck.objects.filter(status=SelfCheckStatus.RETURNED).count() == 1


def test_the_demo_owner_finds_the_self_checks(client, demo):
    client.login(username="13800000001", password="Demo-owner-2024")
    response = client.get("/services/self-check/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ["青杠五金店（示例）", "木根村卫生室（示例）", "青杠山居客栈（示例）"]:
        assert name in page
