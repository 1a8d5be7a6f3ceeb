"""The demo's refusals and serious cases (home.demo_cases): two refusals on one venue, a case at
each step (proposed, notified with an objection, upheld and published, repaired), the upheld one's
fact on its public card, the owner seeing only the notified ones; a second run makes nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from home.demo_cases import build_demo_cases
from home.demo_selfchecks import FIRST_VENUE
from venues import case_views
from venues.models import CaseStatus, Refusal, SeriousCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("setup_demo", "--force", stdout=io.StringIO())


def test_the_demo_has_a_case_at_each_step(client, demo):
    statuses = sorted(SeriousCase.objects.values_list("status", flat=True))
    assert statuses == sorted([CaseStatus.PROPOSED, CaseStatus.NOTIFIED, CaseStatus.UPHELD,
                               CaseStatus.REPAIRED])
    assert not SeriousCase.objects.filter(venue__name=FIRST_VENUE).exists()
    notified = SeriousCase.objects.get(status=CaseStatus.NOTIFIED)
    assert notified.objection and notified.objection_until >= timezone.localdate()
    assert Refusal.objects.filter(venue=notified.venue).count() == 2
    assert notified.refusals.count() == 2
    upheld = SeriousCase.objects.get(status=CaseStatus.UPHELD)
    assert upheld.published and upheld.decided_at.date() < timezone.localdate()
    assert not SeriousCase.objects.get(status=CaseStatus.REPAIRED).published
    html = client.get(f"/v/{upheld.venue.public_code}/").content.decode()
    assert 'id="integrity-fact"' in html
    repaired = SeriousCase.objects.get(status=CaseStatus.REPAIRED)
    assert 'id="integrity-fact"' not in client.get(f"/v/{repaired.venue.public_code}/").content.decode()
    # The owner sees the notified case, not the proposed one.
    owner = get_user_model().objects.get(username="13800000001")
    proposed = SeriousCase.objects.get(status=CaseStatus.PROPOSED)
    assert case_views.owner_context(owner, proposed.venue)["serious_cases"] == []
    assert case_views.owner_context(owner, notified.venue)["serious_cases"] == [notified]
    client.force_login(owner)
    page = client.get(reverse("owner:serious_case", args=[notified.venue_id, notified.pk]))
    assert page.status_code == 200 and notified.objection in page.content.decode()
    count = (SeriousCase.objects.count(), Refusal.objects.count())
    assert build_demo_cases() is False
    assert (SeriousCase.objects.count(), Refusal.objects.count()) == count
