"""The demo's integrity records (home.demo_integrity): every demo venue has its level, the demo
owner has a venue that is not A with its reasons, a re-check scheduled on one venue and an
answered one on another; a second run makes nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

import pytest

from home.demo_integrity import build_demo_integrity
from venues.models import IntegrityReply, Message, ReplyStatus, Venue, VenueStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("setup_demo", "--force", stdout=io.StringIO())


def test_the_demo_shows_levels_replies_and_rechecks(demo):
    owner = get_user_model().objects.get(username="13800000001")
    approved = Venue.objects.filter(status=VenueStatus.APPROVED)
    assert approved.exists()
    assert not approved.filter(integrity_level="").exists()  # every approved venue has a level
    assert not Venue.objects.exclude(status=VenueStatus.APPROVED).exclude(integrity_level="").exists()
    worse = Venue.objects.filter(owner=owner, status=VenueStatus.APPROVED).exclude(integrity_level="A")
    assert worse.exists()
    assert all(venue.integrity_reasons for venue in worse)
    replies = IntegrityReply.objects.filter(author=owner)
    scheduled = replies.get(status=ReplyStatus.SCHEDULED)
    answered = replies.get(status=ReplyStatus.ANSWERED)
    assert scheduled.venue != answered.venue
    assert scheduled.recheck_on is not None and answered.level_after
    assert Message.objects.filter(recipient=owner, venue=answered.venue).exists()
    count = IntegrityReply.objects.count()
    assert build_demo_integrity() is False
    assert IntegrityReply.objects.count() == count


def test_the_owner_reads_the_level_of_the_demo_venue(client, demo):
    from django.urls import reverse

    owner = get_user_model().objects.get(username="13800000001")
    venue = (Venue.objects.filter(owner=owner, status=VenueStatus.APPROVED).exclude(integrity_level="A")
             .first())
    client.force_login(owner)
    page = client.get(reverse("owner:integrity", args=[venue.pk])).content.decode()
    assert venue.integrity_reasons[0] in page
