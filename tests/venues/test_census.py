"""代为登记: staff record venues themselves, with or without the owner's account, and print a
one-time claim code with which the owner later takes the record over."""

import datetime
import re
import uuid

from django.utils import timezone

import pytest

from tests.factories import UserFactory, make_member, make_venue
from venues.models import AuditEntry, ClaimCode, Venue, VenueStatus
from venues.roles import GRID_WORKER, LEADER, VILLAGE_STAFF
from venues.workflows import claims

pytestmark = pytest.mark.django_db
URL = "/admin/venues/census/"


member = make_member


def census(tree, **changes):
    data = {
        "submission_id": str(uuid.uuid4()), "name": "青杠小面馆", "kind": "2", "area": tree["qinggang-1"].pk,
        "address": "青杠村老街8号", "seats": "40", "licence": "unlicensed", "credit_code": "",
        "no_code_reason": "正在办理营业执照", "operator_name": "李四", "operator_mobile": "+86 139-0000-2222",
        "operator_id_number": "11010519491231002X", "owner_mobile": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def kind_ids():
    from venues.models import VenueKind

    return {kind.slug: kind.pk for kind in VenueKind.objects.all()}


@pytest.fixture
def village_staff(tree, client):
    user = member(VILLAGE_STAFF, tree["qinggang"], username="qgstaff")
    client.force_login(user)
    return user


def test_village_staff_record_a_venue_which_is_approved_at_once(client, tree, village_staff, kind_ids):
    response = client.post(URL, census(tree, kind=kind_ids["catering"]))
    venue = Venue.objects.get(name="青杠小面馆")
    assert response.status_code == 302 and response["Location"].endswith(f"/inspect/{venue.pk}/")
    assert venue.status == VenueStatus.APPROVED and venue.owner is None
    assert venue.operator_mobile == "13900002222"
    change = venue.history.get()
    assert (change.actor, change.from_status, change.to_status) == (village_staff, "draft", "approved")
    assert AuditEntry.objects.filter(action="venue.record.census", object_id=str(venue.pk)).exists()
    # Its detail page offers a claim code, since nobody owns it yet.
    assert f"/venue/{venue.pk}/claim-code/" in client.get(response["Location"]).content.decode()


def test_a_grid_workers_census_entry_waits_for_review(client, tree, kind_ids):
    client.force_login(member(GRID_WORKER, tree["qinggang-1"]))
    client.post(URL, census(tree, kind=kind_ids["catering"]))
    assert Venue.objects.get(name="青杠小面馆").status == VenueStatus.SUBMITTED


def test_leaders_record_nothing(client, tree, kind_ids):
    client.force_login(member(LEADER, tree["town"]))
    response = client.post(URL, census(tree, kind=kind_ids["catering"]))
    assert response.status_code in (302, 403) and "/inspect/" not in response.get("Location", "")
    assert not Venue.objects.exists()


def test_a_double_click_records_one_venue(client, tree, village_staff, kind_ids):
    data = census(tree, kind=kind_ids["catering"])
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Venue.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_mistakes_are_explained_next_to_the_field_and_nothing_typed_is_lost(
    client, tree, village_staff, kind_ids
):
    response = client.post(URL, census(tree, kind=kind_ids["catering"], operator_mobile="1390000",
                                       operator_id_number="110105194912310021", no_code_reason=""))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"operator_mobile", "operator_id_number", "no_code_reason"}
    html = response.content.decode()
    assert 'value="青杠小面馆"' in html and 'value="青杠村老街8号"' in html
    assert not Venue.objects.exists()


def test_an_area_outside_ones_scope_cannot_be_chosen(client, tree, village_staff, kind_ids):
    response = client.post(URL, census(tree, kind=kind_ids["catering"], area=tree["mugen-1"].pk))
    assert "area" in response.context["form"].errors
    assert not Venue.objects.exists()


def test_a_credit_code_already_registered_is_refused(client, tree, village_staff, kind_ids):
    make_venue(tree["mugen-1"], credit_code="92500156MA60ABCD15")
    response = client.post(URL, census(tree, kind=kind_ids["catering"], licence="licensed",
                                       credit_code="92500156ma60abcd15", no_code_reason="",
                                       operator_id_number=""))
    assert "credit_code" in response.context["form"].errors
    assert Venue.objects.count() == 1


def test_the_same_name_at_the_same_address_is_refused(client, tree, village_staff, kind_ids):
    make_venue(tree["mugen-1"], name="青杠小面馆", address="青杠村老街8号", credit_code="")
    response = client.post(URL, census(tree, kind=kind_ids["catering"]))
    assert response.context["form"].errors["name"] == ["已有同名同地址的场所登记在册。"]
    assert Venue.objects.count() == 1


def test_recording_for_an_existing_owner_account(client, tree, village_staff, kind_ids):
    owner = UserFactory(username="13900003333", mobile="13900003333")
    client.post(URL, census(tree, kind=kind_ids["catering"], owner_mobile="139 0000 3333"))
    assert Venue.objects.get().owner == owner
    response = client.post(URL, census(tree, kind=kind_ids["catering"], owner_mobile="13900009999"))
    assert "owner_mobile" in response.context["form"].errors


# Claim codes


@pytest.fixture
def recorded(tree, village_staff):
    return make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED, name="青杠小面馆")


def test_a_claim_slip_shows_the_code_once_and_the_owner_takes_the_venue_over(client, recorded):
    response = client.post(f"/admin/venues/venue/{recorded.pk}/claim-code/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = re.search(r'class="door-card-code">([0-9A-Z-]+)<', response.content.decode()).group(1)
    stored = ClaimCode.objects.get(venue=recorded)
    assert code.replace("-", "") not in stored.code_hash
    owner = UserFactory(username="13900004444", mobile="13900004444")
    assert claims.claim(code.lower(), owner) == recorded
    recorded.refresh_from_db()
    assert recorded.owner == owner
    # Once only.
    with pytest.raises(claims.ClaimRefused):
        claims.claim(code, UserFactory(username="someone-else"))


def test_a_new_code_revokes_the_old_one(recorded, village_staff):
    old = claims.issue(recorded, village_staff)
    new = claims.issue(recorded, village_staff)
    with pytest.raises(claims.ClaimRefused):
        claims.claim(old, UserFactory())
    assert claims.claim(new, UserFactory()) == recorded


def test_an_expired_or_unknown_code_is_refused(recorded, village_staff):
    code = claims.issue(recorded, village_staff)
    ClaimCode.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    for attempt in (code, "ABCDE23456"):
        with pytest.raises(claims.ClaimRefused):
            claims.claim(attempt, UserFactory())
    recorded.refresh_from_db()
    assert recorded.owner is None


def test_no_claim_code_for_a_venue_with_an_owner_or_outside_ones_scope(client, tree, village_staff):
    owned = make_venue(tree["qinggang-1"], owner=UserFactory(), status=VenueStatus.APPROVED)
    elsewhere = make_venue(tree["mugen-1"], status=VenueStatus.APPROVED)
    assert client.post(f"/admin/venues/venue/{owned.pk}/claim-code/").status_code in (302, 403)
    assert client.post(f"/admin/venues/venue/{elsewhere.pk}/claim-code/").status_code == 404
    assert not ClaimCode.objects.exists()
