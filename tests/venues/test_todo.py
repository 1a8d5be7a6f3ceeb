"""The staff dashboard lists what waits for the person, within their own scope."""


import pytest

from tests.factories import make_member, make_venue
from venues.models import VenueStatus
from venues.roles import GRID_WORKER, VILLAGE_STAFF

pytestmark = pytest.mark.django_db


member = make_member


def test_reviewers_see_the_registrations_waiting_in_their_village(client, tree):
    make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-2"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-2"], status=VenueStatus.RESUBMITTED)
    make_venue(tree["mugen-1"], status=VenueStatus.SUBMITTED)
    make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    html = client.get("/admin/").content.decode()
    assert "待办" in html
    assert '?status=submitted">新提交待审核的登记</a>：<strong>2</strong>' in html
    assert '?status=resubmitted">重新提交待审核的登记</a>：<strong>1</strong>' in html


def test_nothing_waiting_says_so(client, tree):
    make_venue(tree["mugen-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(VILLAGE_STAFF, tree["qinggang"]))
    assert "暂无待办事项" in client.get("/admin/").content.decode()


def test_grid_workers_have_no_review_to_do(client, tree):
    make_venue(tree["qinggang-1"], status=VenueStatus.SUBMITTED)
    client.force_login(member(GRID_WORKER, tree["qinggang-1"]))
    assert "待审核" not in client.get("/admin/").content.decode()
