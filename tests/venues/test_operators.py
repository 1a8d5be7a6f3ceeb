"""Operators carry the record of the venues they run (venues.operators.history): matched by ID
number (its hash), by mobile, by account; with their serious cases; shown to staff who read
serious cases on the venue page, never to owners or the public; links only within scope; mobiles
masked; constant queries."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from tests.factories import UserFactory, make_member, make_venue
from venues import operators
from venues.models import Venue, VenueStatus
from venues.roles import AUDITOR, LEADER, VILLAGE_STAFF
from venues.workflows import cases

pytestmark = pytest.mark.django_db

ID_NUMBER = "500101199001011234"


@pytest.fixture(autouse=True)
def no_second_factor(monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)


@pytest.fixture
def world(tree):
    owner = UserFactory(username="op-owner", mobile="13900000041")
    new = make_venue(tree["qinggang-1"], "catering", status="submitted", name="新开火锅店", owner=owner,
                     uses_gas=True, operator_name="王秀英", operator_mobile="13812345678",
                     operator_id_number=ID_NUMBER)
    by_id = make_venue(tree["mugen-1"], "catering", status=VenueStatus.CLOSED, name="旧火锅店", uses_gas=True,
                       operator_name="王秀英", operator_mobile="13700000001", operator_id_number=ID_NUMBER)
    by_mobile = make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name="王家超市",
                           operator_name="王秀英", operator_mobile="13812345678")
    by_account = make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name="副食店",
                            owner=owner, operator_name="李四", operator_mobile="13700000002")
    stranger = make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name="无关店",
                          operator_name="赵六", operator_mobile="13700000003")
    staff = make_member(VILLAGE_STAFF, tree["qinggang"])
    Venue.objects.filter(pk=by_id.pk).update(status=VenueStatus.APPROVED)
    by_id.refresh_from_db()
    mg_staff = make_member(VILLAGE_STAFF, tree["mugen"])
    case = cases.propose(mg_staff, by_id, "拒绝检查", submission_id=uuid.uuid4())
    Venue.objects.filter(pk=by_id.pk).update(status=VenueStatus.CLOSED)
    return {"owner": owner, "new": new, "by_id": by_id, "by_mobile": by_mobile, "by_account": by_account,
            "stranger": stranger, "staff": staff, "case": case, "leader": make_member(LEADER, tree["town"])}


def section(page):
    """The operator-history panel of the staff venue page (the page lists duplicates elsewhere)."""
    start = page.index('id="operator-history"')
    return page[start:page.index("</section>", start)]


def names(found):
    return {row.venue.name for row in found.rows}


def test_the_history_matches_by_id_number_mobile_and_account(world):
    found = operators.history(world["staff"], world["new"])
    assert names(found) == {"旧火锅店", "王家超市", "副食店"}
    why = {row.venue.name: row.why for row in found.rows}
    assert "id" in why["旧火锅店"] and "mobile" in why["王家超市"] and "account" in why["副食店"]
    old = next(row for row in found.rows if row.venue.name == "旧火锅店")
    assert [case.pk for case in old.cases] == [world["case"].pk]
    assert old.venue.status == VenueStatus.CLOSED  # any status


def test_a_case_whose_operator_snapshot_matches_is_shown_though_the_venue_changed_hands(world, tree):
    Venue.objects.filter(pk=world["by_id"].pk).update(operator_id_hash="", operator_mobile="13700000009")
    found = operators.history(world["staff"], world["new"])
    assert "旧火锅店" not in names(found)
    assert [case.pk for case in found.cases] == [world["case"].pk]


def test_links_only_within_scope_and_mobiles_masked(client, world):
    client.force_login(world["staff"])
    page = client.get(reverse("venues_venue_modeladmin_inspect", args=[world["new"].pk])).content.decode()
    assert 'id="operator-history"' in page
    html = section(page)
    assert "旧火锅店" in html and "王家超市" in html
    # 旧火锅店 is in 木根村, outside the village staff's scope: named, not linked; its case neither.
    assert reverse("venues_venue_modeladmin_inspect", args=[world["by_id"].pk]) not in html
    assert reverse("venues_case", args=[world["case"].pk]) not in html
    assert reverse("venues_venue_modeladmin_inspect", args=[world["by_mobile"].pk]) in html
    assert "138****5678" in html and "13812345678" not in html
    assert "无关店" not in html


def test_the_leader_of_the_town_gets_the_links(client, world):
    client.force_login(world["leader"])
    html = section(client.get(reverse("venues_venue_modeladmin_inspect", args=[world["new"].pk]))
                   .content.decode())
    assert reverse("venues_case", args=[world["case"].pk]) in html


def test_not_for_those_who_do_not_read_serious_cases_nor_owners_nor_the_public(client, world, tree, home):
    auditor = make_member(AUDITOR, tree["town"])
    assert operators.history(auditor, world["new"]) is None
    assert operators.history(world["owner"], world["new"]) is None
    client.force_login(world["owner"])
    for url in (reverse("owner:home"), f"/v/{world['by_account'].public_code}/"):
        html = client.get(url).content.decode()
        assert "旧火锅店" not in html and "operator-history" not in html
    client.logout()
    html = client.get(f"/v/{world['by_mobile'].public_code}/").content.decode()
    assert "旧火锅店" not in html and "新开火锅店" not in html


def test_constant_queries(world, tree):
    def count():
        with CaptureQueriesContext(connection) as queries:
            operators.history(world["staff"], world["new"])
        return len(queries)

    count()  # the person's permissions and areas are read once, then kept on the user
    before = count()
    for n in range(5):
        venue = make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name=f"王家分店{n}",
                           operator_name="王秀英", operator_mobile="13812345678")
        cases.propose(world["staff"], venue, "拒绝检查", submission_id=uuid.uuid4())
    assert count() == before
