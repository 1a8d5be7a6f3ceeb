"""`make run` loads the demo: every role can sign in, and the register holds venues in every
status across several villages and grids."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from home.demo import DEMO_ACCOUNTS
from venues.access import venues_for
from venues.models import Venue, VenueStatus
from venues.roles import STAFF_ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = io.StringIO()
    call_command("setup_demo", "--force", stdout=out)
    return out.getvalue()


def test_every_demo_account_signs_in_and_is_printed(client, demo):
    for username, password, *_ in DEMO_ACCOUNTS:
        assert client.login(username=username, password=password), username
        assert f"{username:<10} {password}" in demo
    roles = set(get_user_model().objects.values_list("groups__name", flat=True))
    assert set(STAFF_ROLES) <= roles


def test_the_register_holds_every_status_in_several_villages_and_grids(demo):
    assert set(Venue.objects.values_list("status", flat=True)) == set(VenueStatus.values)
    assert Venue.objects.values("area__path").distinct().count() >= 4


def test_each_demo_staff_member_sees_their_own_scope(demo):
    users = get_user_model().objects
    town, village, grid, office = (users.get(username=name) for name in ("town", "qinggang", "grid", "food"))
    everything = Venue.objects.count()
    assert venues_for(town).count() == everything
    assert 0 < venues_for(grid).count() < venues_for(village).count() < everything
    assert set(venues_for(office).values_list("kind__slug", flat=True)) <= {"shopping", "catering"}
    assert venues_for(office).exists()


def test_running_it_again_changes_nothing(demo):
    before = Venue.objects.count(), get_user_model().objects.count()
    call_command("setup_demo", "--force", stdout=io.StringIO())
    assert (Venue.objects.count(), get_user_model().objects.count()) == before


def test_a_demo_made_before_the_privacy_page_gets_one_and_only_once(client, demo):
    from home.models import PrivacyPage, SiteSettings

    PrivacyPage.objects.get().delete()
    assert SiteSettings.objects.get().privacy_page is None
    call_command("setup_demo", "--force", stdout=io.StringIO())
    call_command("setup_demo", "--force", stdout=io.StringIO())
    page = SiteSettings.objects.get().privacy_page
    assert PrivacyPage.objects.count() == 1 and page.live
    assert "保存多久" in client.get(page.url).content.decode()
