"""The demo's past months (home.demo_history): census counts for the demo villages, records
spread over several months, and published scorecards with a red flag on a fresh demo; a second
run changes nothing."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest

from venues import figures
from venues.models import Hazard, HazardStatus, Scorecard, SelfCheck, VillageCensus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("setup_demo", "--force", stdout=io.StringIO())


def test_the_demo_has_published_months_with_a_red_flag(client, demo):
    last = figures.Period(figures.MONTH, timezone.localdate().replace(day=1)).previous()
    months = sorted(set(Scorecard.objects.values_list("month", flat=True)))
    assert len(months) >= 4 and months[-1] == last.start
    for month in months:
        assert Scorecard.objects.filter(month=month, area__isnull=False, red_flag=True).exists(), month
    assert VillageCensus.objects.count() == 3
    # The months differ: records spread over them, some late, some overdue, some major.
    assert len({tuple(Scorecard.objects.filter(month=month, area__isnull=False)
                      .order_by("name").values_list("score", flat=True)) for month in months}) > 1
    assert Hazard.objects.filter(severity="major", status=HazardStatus.CLOSED).exists()
    assert Hazard.objects.filter(severity="major", status=HazardStatus.OPEN,
                                 deadline__lt=timezone.localdate()).exists()
    assert SelfCheck.objects.filter(submitted_at__isnull=False).count() >= 10
    # The town office sees them, the red flag in words.
    client.force_login(get_user_model().objects.get(username="town"))
    html = client.get(reverse("venues_scorecard_month")).content.decode()
    assert "流动红旗" in html


def test_running_it_again_changes_nothing(demo):
    before = (Scorecard.objects.count(), VillageCensus.objects.count(), SelfCheck.objects.count(),
              Hazard.objects.count())
    call_command("setup_demo", "--force", stdout=io.StringIO())
    assert (Scorecard.objects.count(), VillageCensus.objects.count(), SelfCheck.objects.count(),
            Hazard.objects.count()) == before
