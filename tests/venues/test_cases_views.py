"""诚信, serious cases as people see them: the access matrix of every new URL (refusals, the case
list, a case, its evidence photo, the proposal, the owner's case page), the steps through the
pages, the owner's objection, the staff venue page's panels, and the public card showing only the
fact of an upheld, published decision."""

import datetime
import uuid

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from tests.factories import UserFactory, make_member, make_venue, photo_upload
from tests.venues.test_access_matrix import our_patterns
from venues.models import AuditEntry, CaseStatus, Office, Refusal, SeriousCase, VenueStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import cases

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
STAFF = ("qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_shop", "superuser")
ROLES = ["anonymous", "owner", "stranger", *STAFF]
FACTS = "多次拒绝检查，燃气管道私接"


@pytest.fixture(autouse=True)
def no_second_factor(monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)


def back_office(**staff):
    return {"anonymous": LOGIN, "owner": LOGIN, "stranger": LOGIN, **staff}


READERS_IN_SCOPE = back_office(qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, leader=OK, town=OK,
                               lead_shop=NOT_FOUND, superuser=OK)
EXPECTED = {
    "venues_cases": ("get", back_office(**dict.fromkeys(STAFF, OK))),
    "venues_case": ("get", READERS_IN_SCOPE),
    "venues_case_photo": ("get", READERS_IN_SCOPE),
    "venues_case_propose": ("get", back_office(qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=FORBIDDEN,
                                               leader=FORBIDDEN, town=OK, lead_shop=FORBIDDEN, superuser=OK)),
    "venues_refusal_add": ("get", back_office(qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, leader=FORBIDDEN,
                                              town=OK, lead_shop=NOT_FOUND, superuser=OK)),
}
OWNER_PAGE = {"anonymous": LOGIN, "owner": OK, "stranger": NOT_FOUND}


def test_every_case_pattern_has_a_declared_outcome():
    ours = {"venues_cases", "venues_case", "venues_case_photo", "venues_case_propose", "venues_refusal_add",
            "owner:serious_case"}
    assert ours <= our_patterns()
    assert set(EXPECTED) | {"owner:serious_case"} == ours


@pytest.fixture
def people(tree):
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="case-owner", mobile="13900000021"),
        "stranger": UserFactory(username="other-owner", mobile="13900000022"),
        "qg_staff": make_member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": make_member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": make_member(GRID_WORKER, tree["qinggang-1"]),
        "leader": make_member(LEADER, tree["town"]),
        "town": make_member(TOWN_OFFICE, tree["town"], office=Office.objects.get(is_town_office=True)),
        "lead_shop": make_member(LEAD_OFFICE, tree["town"], kinds=["shopping"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def world(tree, people):
    venue = make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, owner=people["owner"],
                       name="青杠火锅店", uses_gas=True, operator_name="王秀英",
                       operator_mobile="13812345678")
    make_venue(tree["mugen-1"], "shopping", status=VenueStatus.APPROVED, owner=people["stranger"],
               name="木根超市")
    case = cases.propose(people["qg_staff"], venue, FACTS, photos=[photo_upload()],
                         submission_id=uuid.uuid4())
    case = cases.notify(people["qg_staff"], case)
    return {"venue": venue, "case": case, "photo": case.evidence.get()}


def url_for(name, world):
    venue, case = world["venue"].pk, world["case"].pk
    return reverse(name, kwargs={
        "venues_case": {"case_id": case}, "venues_case_photo": {"evidence_id": world["photo"].pk},
        "venues_case_propose": {"venue_id": venue}, "venues_refusal_add": {"venue_id": venue},
        "owner:serious_case": {"venue_id": venue, "case_id": case},
    }.get(name, {}))


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        return FORBIDDEN if location.rstrip("/").endswith("/admin") else OK
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, response.status_code)


def sign_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


def state():
    return (list(SeriousCase.objects.values_list("pk", "status", "objection", "decided_at")),
            Refusal.objects.count())


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    method, expected = EXPECTED[name]
    before = state()
    response = getattr(client, method)(url_for(name, world))
    assert outcome(response) == expected[role], f"{role} {method.upper()} {name}"
    assert state() == before


@pytest.mark.parametrize("role", ["anonymous", "owner", "stranger", "qg_staff"])
def test_access_matrix_of_the_owners_case_page(client, people, world, role):
    sign_in(client, people[role])
    response = client.get(url_for("owner:serious_case", world))
    html = response.content.decode()
    if role == "qg_staff":  # the back office's people are sent there
        assert response.status_code == 200 and FACTS not in html
        return
    assert outcome(response) == OWNER_PAGE[role], role
    assert (FACTS in html) == (role == "owner")


@pytest.mark.parametrize("role", ["qg_grid", "leader", "mg_staff", "lead_shop", "owner"])
def test_those_who_may_not_post_change_nothing(client, people, world, role):
    sign_in(client, people[role])
    before = state()
    audited = AuditEntry.objects.filter(action__startswith="case.").count()
    client.post(url_for("venues_case", world), {"action": "withdraw", "note": "撤回"})
    client.post(url_for("venues_case", world), {"action": "decide", "decision": "upheld", "note": "成立"})
    client.post(url_for("venues_case_propose", world), {"facts": "事实", "submission_id": str(uuid.uuid4())})
    assert state() == before
    assert AuditEntry.objects.filter(action__startswith="case.").count() == audited


def test_the_list_shows_cases_in_scope_waiting_for_a_decision_first(client, people, world, tree):
    other = make_venue(tree["qinggang-2"], "catering", status=VenueStatus.APPROVED, name="青杠小吃店",
                       uses_gas=True)
    cases.propose(people["qg_staff"], other, "未整改", submission_id=uuid.uuid4())
    SeriousCase.objects.filter(pk=world["case"].pk).update(objection_until=timezone.localdate() - DAY)
    sign_in(client, people["leader"])
    html = client.get(reverse("venues_cases")).content.decode()
    assert html.index("青杠火锅店") < html.index("青杠小吃店")
    html = client.get(reverse("venues_cases") + "?status=proposed").content.decode()
    assert "青杠小吃店" in html and "青杠火锅店" not in html
    sign_in(client, people["mg_staff"])
    html = client.get(reverse("venues_cases")).content.decode()
    assert "青杠火锅店" not in html and "青杠小吃店" not in html


def test_the_steps_through_the_pages(client, people, world, tree):
    venue = make_venue(tree["qinggang-2"], "catering", status=VenueStatus.APPROVED, name="青杠小吃店",
                       uses_gas=True)
    sign_in(client, people["qg_staff"])
    sid = str(uuid.uuid4())
    form = {"facts": "拒绝检查三次", "submission_id": sid, "photos": photo_upload()}
    response = client.post(reverse("venues_case_propose", args=[venue.pk]), form)
    case = SeriousCase.objects.get(venue=venue)
    assert response.status_code == 302 and case.evidence.count() == 1
    client.post(reverse("venues_case_propose", args=[venue.pk]),
                {"facts": "拒绝检查三次", "submission_id": sid})
    assert SeriousCase.objects.filter(venue=venue).count() == 1  # the resend
    response = client.post(reverse("venues_case_propose", args=[venue.pk]),
                           {"facts": "再来一次", "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200 and SeriousCase.objects.filter(venue=venue).count() == 1
    client.post(reverse("venues_case", args=[case.pk]), {"action": "notify"})
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED and case.objection_until > timezone.localdate()
    # The leader cannot decide before the date: the page says when.
    sign_in(client, people["leader"])
    response = client.get(reverse("venues_case", args=[case.pk]))
    html = response.content.decode()
    assert 'id="decide-later"' in html and 'id="case-decide"' not in html
    response = client.post(reverse("venues_case", args=[case.pk]),
                           {"action": "decide", "decision": "upheld", "note": "成立"})
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTIFIED
    SeriousCase.objects.filter(pk=case.pk).update(objection_until=timezone.localdate() - DAY)
    response = client.post(reverse("venues_case", args=[case.pk]), {"action": "decide", "decision": "upheld"})
    assert response.status_code == 400  # the grounds are missing, kept beside the field
    client.post(reverse("venues_case", args=[case.pk]),
                {"action": "decide", "decision": "upheld", "note": "成立"})
    case.refresh_from_db()
    assert case.status == CaseStatus.UPHELD and case.repair_on is not None
    html = client.get(reverse("venues_case", args=[case.pk])).content.decode()
    assert f"{case.repair_on:%Y-%m-%d}" in html


def test_a_refusal_from_the_venue_page(client, people, world):
    sign_in(client, people["qg_grid"])
    url = reverse("venues_refusal_add", args=[world["venue"].pk])
    future = timezone.localdate() + DAY
    response = client.post(url, {"occurred_on": f"{future:%Y-%m-%d}", "note": "拒绝进入",
                                 "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200 and not Refusal.objects.exists()
    assert "拒绝进入" in response.content.decode()  # what was typed is kept
    sid = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(url, {"occurred_on": f"{timezone.localdate():%Y-%m-%d}", "note": "拒绝进入",
                                     "submission_id": sid})
        assert response.status_code == 302
    assert Refusal.objects.count() == 1
    html = client.get(reverse("venues_venue_modeladmin_inspect", args=[world["venue"].pk])).content.decode()
    assert "拒绝进入" in html and 'id="record-refusal"' in html


def test_the_evidence_photo_is_private(client, people, world):
    sign_in(client, people["qg_staff"])
    response = client.get(url_for("venues_case_photo", world))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]


# --- The owner -------------------------------------------------------------------------------

def test_the_owner_objects_on_the_case_page_until_the_date(client, people, world):
    sign_in(client, people["owner"])
    url = url_for("owner:serious_case", world)
    response = client.post(url, {"text": ""})
    assert response.status_code == 200
    response = client.post(url, {"text": "我们已经整改完毕"})
    assert response.status_code == 302
    world["case"].refresh_from_db()
    assert world["case"].objection == "我们已经整改完毕"
    SeriousCase.objects.filter(pk=world["case"].pk).update(objection_until=timezone.localdate() - DAY)
    client.post(url, {"text": "晚到的异议"})
    world["case"].refresh_from_db()
    assert world["case"].objection == "我们已经整改完毕"
    assert 'id="send-objection"' not in client.get(url).content.decode()
    # Staff see it.
    sign_in(client, people["qg_staff"])
    assert "我们已经整改完毕" in client.get(url_for("venues_case", world)).content.decode()


def test_the_owner_does_not_see_a_case_only_proposed(client, people, world, tree):
    venue = make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, owner=people["owner"],
                       name="青杠二店", uses_gas=True)
    hidden = cases.propose(people["qg_staff"], venue, "尚未告知", submission_id=uuid.uuid4())
    sign_in(client, people["owner"])
    assert client.get(reverse("owner:serious_case", args=[venue.pk, hidden.pk])).status_code == 404
    from venues import case_views
    assert case_views.owner_context(people["owner"], venue)["serious_cases"] == []
    assert case_views.owner_context(people["owner"], world["venue"])["serious_cases"] == [world["case"]]
    assert case_views.owner_context(people["stranger"], world["venue"])["serious_cases"] == []


# --- The public card ------------------------------------------------------------------------

def card(client, venue):
    with translation.override("en"):
        return client.get(f"/v/{venue.public_code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_public_card_shows_only_the_fact_while_upheld_and_published(client, home, people, world):
    venue, case = world["venue"], world["case"]
    assert 'id="integrity-fact"' not in card(client, venue)
    SeriousCase.objects.filter(pk=case.pk).update(objection_until=timezone.localdate() - DAY)
    case.refresh_from_db()
    cases.decide(people["leader"], case, True, "证据确凿的理由")
    html = card(client, venue)
    assert 'id="integrity-fact"' in html and f"{timezone.localdate():%Y-%m-%d}" in html
    for secret in (FACTS, "证据确凿的理由", "王秀英", "13812345678"):
        assert secret not in html
    SeriousCase.objects.filter(pk=case.pk).update(published=False)
    assert 'id="integrity-fact"' not in card(client, venue)
    SeriousCase.objects.filter(pk=case.pk).update(published=True, status=CaseStatus.REPAIRED)
    assert 'id="integrity-fact"' not in card(client, venue)


def test_a_dismissed_case_is_not_on_the_card(client, home, people, world):
    SeriousCase.objects.filter(pk=world["case"].pk).update(objection_until=timezone.localdate() - DAY)
    world["case"].refresh_from_db()
    cases.decide(people["leader"], world["case"], False, "不成立")
    assert 'id="integrity-fact"' not in card(client, world["venue"])
