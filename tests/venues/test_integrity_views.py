"""The integrity pages: the owner's page (level, reasons, rules, replies, the reply form), the staff
panel on the venue page, the re-check queue and a re-check's page; and the access matrix of
their URLs for anonymous visitors, the venue's owner, another owner, an editor and each staff
role in and out of the venue's area.

The world: an approved 青杠村 first-grid shop held by ``owner``, at level C (one refusal),
with a re-check the owner asked for."""

import datetime
import uuid

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

import pytest

from home.roles import EDITORS
from tests.factories import UserFactory, approve, make_member, make_venue
from tests.venues.test_access_matrix import our_patterns
from venues import schedule
from venues.models import IntegrityReply, Refusal, ReplyStatus
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import integrity as workflow

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
OWNERS = ("owner", "other_owner")
BACK_OFFICE = ("editor", "qg_staff", "mg_staff", "qg_grid", "qg_grid_2", "leader", "town", "lead_catering",
               "superuser")
ROLES = ["anonymous", *OWNERS, *BACK_OFFICE]
READERS_IN_SCOPE = {"qg_staff", "qg_grid", "leader", "town", "superuser"}
ANSWERERS = {"qg_staff", "town", "superuser"}


def back_office(**staff):
    return {"anonymous": LOGIN, **dict.fromkeys(OWNERS, LOGIN), "editor": FORBIDDEN, **staff}


EXPECTED = {
    # The owner's page: the owner; another owner finds no such venue; back-office people are
    # shown the "this is the owners' site" page (checked below: it shows nothing of the venue).
    "owner:integrity": ("get", {"anonymous": LOGIN, "owner": OK, "other_owner": NOT_FOUND,
                                **dict.fromkeys(BACK_OFFICE, OK)}),
    # The queue: everyone who reads replies (each sees their own scope's).
    "venues_integrity_rechecks": ("get", back_office(**dict.fromkeys(BACK_OFFICE[1:], OK))),
    # A re-check: readers in scope; 404 outside it.
    "venues_integrity_recheck": ("get", back_office(
        qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=OK, qg_grid_2=NOT_FOUND, leader=OK, town=OK,
        lead_catering=NOT_FOUND, superuser=OK)),
}


def test_every_integrity_pattern_has_a_declared_outcome():
    assert set(EXPECTED) <= our_patterns()
    assert set(EXPECTED) == {name for name in our_patterns()
                             if name.startswith("venues_integrity") or name == "owner:integrity"}


@pytest.fixture(autouse=True)
def no_second_factor(monkeypatch):
    monkeypatch.setattr("venues.otp.needs_second_factor", lambda user: False)


@pytest.fixture
def people(tree):
    member = make_member
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="13900000061", mobile="13900000061"),
        "other_owner": UserFactory(username="13900000062", mobile="13900000062"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": member(GRID_WORKER, tree["qinggang-1"]),
        "qg_grid_2": member(GRID_WORKER, tree["qinggang-2"]),
        "leader": member(LEADER, tree["town"]),
        "town": member(TOWN_OFFICE, tree["town"]),
        "lead_catering": member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


@pytest.fixture
def world(tree, people):
    shop = approve(make_venue(tree["qinggang-1"], "shopping", name="青杠诚信副食店", owner=people["owner"]))
    approve(make_venue(tree["qinggang-1"], "shopping", name="别人的店", owner=people["other_owner"]))
    Refusal.objects.create(venue=shop, occurred_on=timezone.localdate(), note="拒绝进入",
                           recorded_by=people["qg_staff"], submission_id=uuid.uuid4())
    schedule.refresh_venue(shop)
    request = workflow.reply(people["owner"], shop, "请复核我们的等级", True, uuid.uuid4())
    return {"shop": shop, "request": request}


def url_for(name, world):
    kwargs = {"owner:integrity": {"venue_id": world["shop"].pk},
              "venues_integrity_recheck": {"reply_id": world["request"].pk}}.get(name, {})
    return reverse(name, kwargs=kwargs)


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


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    method, expected = EXPECTED[name]
    response = getattr(client, method)(url_for(name, world))
    assert outcome(response) == expected[role], f"{role} {method.upper()} {name}"
    if response.status_code == 200:
        content = response.content.decode()
        shows = name != "venues_integrity_rechecks" or role in READERS_IN_SCOPE
        shows = shows and (role == "owner" or not name.startswith("owner:"))
        assert ("青杠诚信副食店" in content) == shows, role
    assert IntegrityReply.objects.count() == 1  # looking records nothing


@pytest.mark.parametrize("role", ROLES)
def test_only_answerers_in_scope_schedule_the_recheck(client, people, world, role):
    sign_in(client, people[role])
    on = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(url_for("venues_integrity_recheck", world),
                           {"action": "schedule", "recheck_on": on.isoformat()})
    request = IntegrityReply.objects.get(pk=world["request"].pk)
    if role in ANSWERERS:
        assert outcome(response) == OK, role
        assert (request.status, request.recheck_on) == (ReplyStatus.SCHEDULED, on)
    else:
        assert outcome(response) in (LOGIN, FORBIDDEN, NOT_FOUND), role
        assert request.status == ReplyStatus.REQUESTED, role


# --- The owner's page ----------------------------------------------------------------------

def test_the_owner_reads_the_level_reasons_rules_and_replies(client, people, world):
    client.force_login(people["owner"])
    shop = world["shop"]
    response = client.get(reverse("owner:integrity", args=[shop.pk]))
    page = response.content.decode()
    assert str(shop.get_integrity_level_display()) in page
    assert "拒不配合检查" in page  # the reason, and the rule in the table of rules in force
    assert "多次拒不配合检查" in page  # a rule that does not apply is listed too
    assert "请复核我们的等级" in page  # the reply
    assert response.context["months"] == 1  # C: the kind's monthly interval, no longer A's two
    assert [row["months"] for row in response.context["levels"]] == [2, 1, 1, 1]
    assert response.context["open_recheck"] == world["request"]


def test_the_owner_page_is_not_found_for_another_owners_venue(client, people, world):
    client.force_login(people["other_owner"])
    assert client.get(reverse("owner:integrity", args=[world["shop"].pk])).status_code == 404


def test_the_owner_replies_from_the_page_and_a_resend_makes_one_reply(client, people, world):
    client.force_login(people["owner"])
    shop = world["shop"]
    url = reverse("owner:integrity", args=[shop.pk])
    form_id = client.get(url).context["form"].initial["submission_id"]
    data = {"text": "我们补充说明情况", "submission_id": str(form_id)}
    first = client.post(url, data)
    assert first.status_code == 302 and first["Location"].endswith("#replies")
    client.post(url, data)
    assert IntegrityReply.objects.filter(venue=shop, text="我们补充说明情况").count() == 1


def test_a_second_recheck_request_is_refused_next_to_the_field_keeping_the_text(client, people, world):
    client.force_login(people["owner"])
    url = reverse("owner:integrity", args=[world["shop"].pk])
    response = client.post(url, {"text": "再次请复核", "recheck": "on", "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200
    assert response.context["form"].errors["recheck"]
    assert "再次请复核" in response.content.decode()
    assert IntegrityReply.objects.count() == 1


def test_an_empty_reply_is_refused_next_to_the_field(client, people, world):
    client.force_login(people["owner"])
    url = reverse("owner:integrity", args=[world["shop"].pk])
    response = client.post(url, {"text": "", "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200 and response.context["form"].errors["text"]


def test_the_home_card_links_to_the_page(client, people, world):
    client.force_login(people["owner"])
    page = client.get(reverse("owner:home")).content.decode()
    assert reverse("owner:integrity", args=[world["shop"].pk]) in page


# --- Staff ---------------------------------------------------------------------------------

def test_the_staff_venue_page_shows_the_level_and_the_open_recheck(client, people, world):
    client.force_login(people["qg_staff"])
    shop = world["shop"]
    page = client.get(reverse("venues_venue_modeladmin_inspect", args=[shop.pk])).content.decode()
    assert 'id="staff-integrity-level"' in page
    assert "拒不配合检查" in page
    assert reverse("venues_integrity_recheck", args=[world["request"].pk]) in page


def test_the_queue_lists_open_rechecks_first_with_their_answer_by_date(client, people, world, tree):
    town = people["town"]
    shop = world["shop"]
    answered = world["request"]
    workflow.answer_recheck(town, answered, "已复核")
    newer = workflow.reply(people["owner"], shop, "再次请复核", True, uuid.uuid4())
    client.force_login(town)
    response = client.get(reverse("venues_integrity_rechecks"), {"show": "all"})
    rows = list(response.context["page"])
    assert [row.pk for row in rows] == [newer.pk, answered.pk]
    assert rows[0].answer_by == timezone.localdate(newer.created_at) + datetime.timedelta(days=15)
    open_only = client.get(reverse("venues_integrity_rechecks"))
    assert [row.pk for row in open_only.context["page"]] == [newer.pk]


def test_staff_answer_on_the_recheck_page(client, people, world):
    client.force_login(people["qg_staff"])
    url = reverse("venues_integrity_recheck", args=[world["request"].pk])
    refused = client.post(url, {"action": "schedule", "recheck_on": "2000-01-01"})
    assert refused.status_code == 200 and refused.context["schedule_form"].errors["recheck_on"]
    response = client.post(url, {"action": "answer", "answer": "经核实，记录属实。"})
    assert response.status_code == 302
    request = IntegrityReply.objects.get(pk=world["request"].pk)
    assert (request.status, request.level_after) == (ReplyStatus.ANSWERED, "C")
    page = client.get(url).content.decode()
    assert 'id="recheck-level-after"' in page and "recheck-answer" not in page


def test_the_town_office_edits_the_rules_and_others_do_not(client, people, world):
    url = reverse("wagtailsnippets_venues_integrityrule:list")
    client.force_login(people["town"])
    page = client.get(url).content.decode()
    assert "多次拒不配合检查" in page
    client.force_login(people["qg_staff"])
    assert outcome(client.get(url)) == FORBIDDEN


def test_the_menu_shows_the_rechecks_to_readers_only(client, people, world):
    queue = reverse("venues_integrity_rechecks")
    client.force_login(people["qg_grid"])
    assert queue in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(people["editor"])
    assert queue not in client.get(reverse("wagtailadmin_home")).content.decode()


# --- Review fixes ----------------------------------------------------------------------------

def test_a_resent_answer_tells_it_is_already_answered_on_the_page(client, people, world):
    client.force_login(people["qg_staff"])
    url = reverse("venues_integrity_recheck", args=[world["request"].pk])
    data = {"action": "answer", "answer": "经核实，记录属实。"}
    first = client.post(url, data)
    assert first.status_code == 302 and first["Location"] == url
    again = client.post(url, data, follow=True)  # a double click: the same form sent again
    assert again.redirect_chain == [(url, 302)]  # back on the re-check page, not sent away
    assert again.status_code == 200
    told = [str(message) for message in again.context["messages"]]
    assert "reload" in told[-1] or "刷新" in told[-1]  # "already answered; please reload"
    request = IntegrityReply.objects.get(pk=world["request"].pk)
    assert (request.status, request.answer) == (ReplyStatus.ANSWERED, "经核实，记录属实。")
    resent_schedule = client.post(url, {"action": "schedule",
                                        "recheck_on": (timezone.localdate() + datetime.timedelta(days=3))
                                        .isoformat()})
    assert resent_schedule.status_code == 302 and resent_schedule["Location"] == url
    assert IntegrityReply.objects.get(pk=world["request"].pk).status == ReplyStatus.ANSWERED


def test_staff_without_the_answer_permission_are_still_refused(client, people, world):
    client.force_login(people["qg_grid"])  # reads replies, may not answer
    url = reverse("venues_integrity_recheck", args=[world["request"].pk])
    response = client.post(url, {"action": "answer", "answer": "我来答复"})
    assert outcome(response) == FORBIDDEN
    assert IntegrityReply.objects.get(pk=world["request"].pk).status == ReplyStatus.REQUESTED


def in_zone(user, zone):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = zone
    profile.save()


def test_dates_are_the_towns_whatever_the_staff_profiles_time_zone(client, people, world, monkeypatch):
    # 01:00 on 30 November in Beijing is still 29 November in Los Angeles.
    moment = datetime.datetime(2026, 11, 29, 17, 0, tzinfo=datetime.UTC)
    IntegrityReply.objects.filter(pk=world["request"].pk).update(created_at=moment)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    staff = people["qg_staff"]
    in_zone(staff, "America/Los_Angeles")
    client.force_login(staff)
    url = reverse("venues_integrity_recheck", args=[world["request"].pk])
    page = client.get(url)
    assert page.context["item"].answer_by == datetime.date(2026, 11, 30) + datetime.timedelta(days=15)
    assert page.context["today"] == datetime.date(2026, 11, 30)
    refused = client.post(url, {"action": "schedule", "recheck_on": "2026-11-29"})  # the past in town
    assert refused.status_code == 200 and refused.context["schedule_form"].errors["recheck_on"]
    assert IntegrityReply.objects.get(pk=world["request"].pk).status == ReplyStatus.REQUESTED
    queue = client.get(reverse("venues_integrity_rechecks"))
    assert [row.answer_by for row in queue.context["page"]] == [datetime.date(2026, 12, 15)]
    accepted = client.post(url, {"action": "schedule", "recheck_on": "2026-11-30"})
    assert accepted.status_code == 302
    assert IntegrityReply.objects.get(pk=world["request"].pk).recheck_on == datetime.date(2026, 11, 30)


def test_the_reply_form_keeps_the_ticked_recheck_box_after_an_error(client, people, world):
    from bs4 import BeautifulSoup

    client.force_login(people["owner"])
    url = reverse("owner:integrity", args=[world["shop"].pk])
    response = client.post(url, {"text": "", "recheck": "on", "submission_id": str(uuid.uuid4())})
    assert response.status_code == 200 and response.context["form"].errors["text"]
    box = BeautifulSoup(response.content.decode(), "html.parser").select_one('input[name="recheck"]')
    assert box is not None and box.has_attr("checked")
    unticked = client.post(url, {"text": "", "submission_id": str(uuid.uuid4())})
    box = BeautifulSoup(unticked.content.decode(), "html.parser").select_one('input[name="recheck"]')
    assert not box.has_attr("checked")
