"""Self-checks and hazards as staff meet them in the back office: the lists within their
scope with filters and counts per village, reviewing self-checks, re-checking fixes with the
photos before and after side by side, the assisted self-check, the venue register's risk and
schedule, the to-do list, and the town office's rules."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

import pytest

from tests.factories import (
    UserFactory,
    approve,
    fill_selfcheck,
    make_member,
    make_venue,
    photo_upload,
)
from venues.models import (
    Answer,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardStatus,
    Message,
    Office,
    SelfCheck,
    SelfCheckStatus,
    Severity,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import hazards, selfchecks

pytestmark = pytest.mark.django_db

SELFCHECKS, HAZARDS = "/admin/venues/selfchecks/", "/admin/venues/hazards/"
GENERAL, MAJOR = "extinguishers_present", "exits_unlocked"  # a general and a major item of every kind


def a_venue(area, name, kind="shopping", owner=True, **fields):
    return approve(make_venue(area, kind, name=name, owner=UserFactory() if owner else None, **fields))


def submitted(venue, fail=()):
    """A self-check the owner filled in and submitted; failed items became hazards."""
    check = selfchecks.start(venue, venue.owner)
    fill_selfcheck(check, venue.owner, fail=fail)
    return selfchecks.submit(check, venue.owner)


def rectified(hazard):
    """The owner reports the hazard fixed, with a photo after."""
    owner = hazard.venue.owner
    hazards.add_after_photo(hazard, photo_upload(color="green"), owner)
    return hazards.rectify(hazard, owner, "已更换新的灭火器")


def town_office():
    """The town emergency office (seeded by the migrations)."""
    return Office.objects.get(is_town_office=True)


def refused(response):
    """Wagtail answers a refusal with 403, or by sending the person back to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def listed_venues(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return [row.venue.name for row in response.context["rows"]]


@pytest.fixture
def world(tree):
    qg = a_venue(tree["qinggang-1"], "青杠副食店")
    qg_food = a_venue(tree["qinggang-2"], "青杠农家饭庄", kind="catering")
    mg = a_venue(tree["mugen-1"], "木根超市")
    return {"qg": qg, "qg_food": qg_food, "mg": mg,
            "checks": {key: submitted(venue, fail=[GENERAL]) for key, venue in
                       [("qg", qg), ("qg_food", qg_food), ("mg", mg)]}}


# --- Scope -----------------------------------------------------------------------------------

def test_village_staff_never_see_another_villages_selfchecks_or_hazards(client, tree, world):
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    assert sorted(listed_venues(client, SELFCHECKS)) == ["青杠农家饭庄", "青杠副食店"]
    assert sorted(listed_venues(client, HAZARDS)) == ["青杠农家饭庄", "青杠副食店"]
    other_check = world["checks"]["mg"]
    other_hazard = Hazard.objects.get(venue=world["mg"])
    assert client.get(f"{SELFCHECKS}{other_check.pk}/").status_code == 404
    assert client.get(f"{HAZARDS}{other_hazard.pk}/").status_code == 404
    # A village outside the scope in the filter shows nothing rather than that village.
    assert listed_venues(client, SELFCHECKS, village=tree["mugen"].pk) == []
    assert listed_venues(client, HAZARDS, village=tree["mugen"].pk) == []


def test_a_lead_office_sees_only_the_kinds_it_leads(client, tree, world):
    client.force_login(make_member(LEAD_OFFICE, tree["town"], kinds=["catering"]))
    assert listed_venues(client, SELFCHECKS) == ["青杠农家饭庄"]
    assert listed_venues(client, HAZARDS) == ["青杠农家饭庄"]
    assert client.get(f"{SELFCHECKS}{world['checks']['qg'].pk}/").status_code == 404


def test_people_without_the_right_are_refused_the_lists(client, tree, world):
    from home.roles import EDITORS

    client.force_login(UserFactory(groups=[EDITORS]))
    for url in (SELFCHECKS, HAZARDS, f"{SELFCHECKS}{world['checks']['qg'].pk}/"):
        assert refused(client.get(url))
    client.force_login(world["qg"].owner)
    assert "/login/" in client.get(SELFCHECKS)["Location"]


# --- The self-check list ---------------------------------------------------------------------

def test_selfcheck_list_filters_by_status_village_and_assistance(client, tree, world):
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    assisted_venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    check = selfchecks.start(assisted_venue, worker, assisted=True)
    fill_selfcheck(check, worker)
    selfchecks.submit(check, worker, confirmed_by_name="王大爷")
    town = make_member(TOWN_OFFICE, tree["town"])
    selfchecks.accept(world["checks"]["qg"], town)
    client.force_login(town)
    # Awaiting review by default.
    assert sorted(listed_venues(client, SELFCHECKS)) == ["木根超市", "青杠农家饭庄", "青杠理发店"]
    assert listed_venues(client, SELFCHECKS, status="accepted") == ["青杠副食店"]
    assert len(listed_venues(client, SELFCHECKS, status="all")) == 4
    in_qinggang = listed_venues(client, SELFCHECKS, village=tree["qinggang"].pk)
    assert sorted(in_qinggang) == ["青杠农家饭庄", "青杠理发店"]
    assert listed_venues(client, SELFCHECKS, village=tree["mugen-1"].pk) == ["木根超市"]
    assert listed_venues(client, SELFCHECKS, village="²") == []  # a digit, not an area's number
    assert listed_venues(client, SELFCHECKS, assisted="yes") == ["青杠理发店"]
    assert "青杠理发店" not in listed_venues(client, SELFCHECKS, assisted="no")
    # The row says how many items failed, and who assisted.
    rows = {row.venue.name: row for row in client.get(SELFCHECKS).context["rows"]}
    assert rows["木根超市"].failed == 1 and rows["青杠理发店"].failed == 0
    html = html_of(client.get(SELFCHECKS, {"assisted": "yes"}))
    assert worker.get_full_name() in html and "青杠村" in html


def test_the_village_filter_offers_only_areas_in_scope(client, tree, world):
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    response = client.get(SELFCHECKS)
    offered = {label.strip("　") for _value, label in response.context["areas"]}
    assert offered == {"青杠村", "青杠村第1网格", "青杠村第2网格"}


def test_long_lists_page_through_their_keys_with_a_bounded_count(client, tree, world, hazard_world,
                                                               monkeypatch):
    from django.db.models import F

    from venues import admin_views, selfcheck_views

    monkeypatch.setattr(admin_views, "COUNT_LIMIT", 4)
    monkeypatch.setattr(selfcheck_views, "PER_PAGE", 2)
    for n in range(2):
        submitted(a_venue(tree["mugen-2"], f"木根店{n}"))
    client.force_login(make_member(TOWN_OFFICE, tree["town"], office=town_office()))
    newest_first = [F("submitted_at").desc(nulls_first=True), "-pk"]
    for url, model in ((SELFCHECKS, SelfCheck), (HAZARDS, Hazard)):
        assert model.objects.count() > 4
        first = client.get(url, {"status": "all"}).context
        second = client.get(url, {"status": "all", "page": 2}).context
        # Two pages at most (the rest is found by filtering), their rows in the list's order.
        assert first["page"].paginator.num_pages == 2
        shown = [row.pk for row in [*first["rows"], *second["rows"]]]
        assert len(shown) == 4 and shown == [*first["page"], *second["page"]]
        if model is SelfCheck:  # (hazards come overdue first, then by deadline)
            assert shown == list(model.objects.order_by(*newest_first).values_list("pk", flat=True)[:4])
        assert client.get(url, {"status": "all", "page": 3}).context["page"].number == 2


# --- Reviewing a self-check --------------------------------------------------------------------

def review(client, check, **data):
    return client.post(f"{SELFCHECKS}{check.pk}/review/", data, follow=True)


def test_accepting_a_selfcheck_tells_the_owner(client, tree, world):
    check = world["checks"]["qg"]
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    html = html_of(client.get(f"{SELFCHECKS}{check.pk}/"))
    assert f'action="{SELFCHECKS}{check.pk}/review/"' in html
    response = review(client, check, action="accept")
    assert response.redirect_chain[-1][0] == f"{SELFCHECKS}{check.pk}/"
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.ACCEPTED
    assert Message.objects.filter(recipient=world["qg"].owner, venue=world["qg"]).exists()
    # Accepted: no more review buttons, and a second accept is a friendly message, not an error.
    assert f'action="{SELFCHECKS}{check.pk}/review/"' not in html_of(response)
    again = review(client, check, action="accept")
    assert again.status_code == 200 and [str(m) for m in again.context["messages"]]


def test_returning_a_selfcheck_needs_a_reason_which_the_owner_reads(client, tree, world):
    check = world["checks"]["qg"]
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    response = client.post(f"{SELFCHECKS}{check.pk}/review/", {"action": "return", "reason": "  "})
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"]
    html = response.content.decode()
    assert 'id="id_reason_error"' in html or "error-message" in html
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.SUBMITTED
    review(client, check, action="return", reason="照片与现场不符，请重新自查")
    check.refresh_from_db()
    assert check.status == SelfCheckStatus.RETURNED and check.review_reason == "照片与现场不符，请重新自查"
    message = Message.objects.get(recipient=world["qg"].owner, venue=world["qg"])
    assert "照片与现场不符" in message.body
    # The hazards it found stay open.
    assert Hazard.objects.get(selfcheck=check).status == HazardStatus.OPEN


def test_grid_workers_and_leaders_cannot_review(client, tree, world):
    check = world["checks"]["qg"]
    for user in (make_member(GRID_WORKER, tree["qinggang-1"]), make_member(LEADER, tree["town"])):
        client.force_login(user)
        html = html_of(client.get(f"{SELFCHECKS}{check.pk}/"))
        assert f'action="{SELFCHECKS}{check.pk}/review/"' not in html
        assert refused(client.post(f"{SELFCHECKS}{check.pk}/review/", {"action": "accept"}))
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.SUBMITTED


def test_selfcheck_detail_shows_answers_photos_and_the_hazards_it_made(client, tree, world):
    check = world["checks"]["qg"]
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    html = html_of(client.get(f"{SELFCHECKS}{check.pk}/"))
    item = check.item(GENERAL)
    assert item["question"] in html and f"{item['question']}：不符合" in html  # the owner's note
    photo = EvidencePhoto.objects.get(answer__selfcheck=check)
    assert reverse("owner:evidence_photo", args=[photo.pk]) in html
    hazard = Hazard.objects.get(selfcheck=check)
    assert f"{HAZARDS}{hazard.pk}/" in html
    assert reverse("venues_venue_modeladmin_inspect", args=[world["qg"].pk]) in html
    # The photo itself is served to the reviewer.
    assert client.get(reverse("owner:evidence_photo", args=[photo.pk])).status_code == 200


# --- The hazard list ---------------------------------------------------------------------------

@pytest.fixture
def hazard_world(tree, world):
    """In 青杠村: one overdue, one major, one fixed awaiting re-check, one closed. In 木根村: one
    open (from the world fixture)."""
    qg, qg_food = world["qg"], world["qg_food"]
    overdue = Hazard.objects.get(venue=qg)
    Hazard.objects.filter(pk=overdue.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=3))
    major = hazards.record(qg, qg.owner, source="selfcheck", severity=Severity.MAJOR,
                           description="安全出口上锁", interim_measure="专人值守")
    fixed = rectified(Hazard.objects.get(venue=qg_food))
    closed = hazards.record(qg_food, qg_food.owner, source="patrol", severity=Severity.GENERAL,
                            description="插座超负荷")
    Hazard.objects.filter(pk=closed.pk).update(status=HazardStatus.CLOSED)
    return {"overdue": overdue, "major": major, "fixed": fixed, "closed": closed}


def listed_hazards(client, **params):
    response = client.get(HAZARDS, params)
    assert response.status_code == 200
    return [hazard.pk for hazard in response.context["rows"]]


def test_hazard_list_defaults_to_not_closed_with_overdue_at_the_top(client, tree, hazard_world):
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    shown = listed_hazards(client)
    assert shown[0] == hazard_world["overdue"].pk
    assert set(shown) == {hazard_world[key].pk for key in ("overdue", "major", "fixed")}
    html = html_of(client.get(HAZARDS))
    # Overdue is said in words beside the date, not by colour alone.
    assert html.count('class="overdue-flag"') == 1


def test_hazard_list_filters(client, tree, world, hazard_world):
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    mugen = Hazard.objects.get(venue=world["mg"]).pk
    assert listed_hazards(client, overdue="yes") == [hazard_world["overdue"].pk]
    assert listed_hazards(client, major="yes") == [hazard_world["major"].pk]
    assert listed_hazards(client, status="rectified") == [hazard_world["fixed"].pk]
    assert listed_hazards(client, status="closed") == [hazard_world["closed"].pk]
    still_open = {hazard_world["overdue"].pk, hazard_world["major"].pk, mugen}
    assert set(listed_hazards(client, status="open")) == still_open
    assert listed_hazards(client, source="patrol", status="all") == [hazard_world["closed"].pk]
    assert listed_hazards(client, village=tree["mugen"].pk) == [mugen]
    assert len(listed_hazards(client, status="all")) == 5


def test_counts_per_village_link_to_the_filtered_list(client, tree, world, hazard_world):
    # A venue of 木根村 whose self-check is overdue.
    late = a_venue(tree["mugen-2"], "木根逾期自查店")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    type(late).objects.filter(pk=late.pk).update(selfcheck_due_on=yesterday)
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    response = client.get(HAZARDS)
    counts = {area.name: count for area, count in response.context["counts"]}
    assert counts["青杠村"] == {"open": 2, "overdue": 1, "major": 1, "rectified": 1, "selfcheck_overdue": 0}
    assert counts["木根村"] == {"open": 1, "overdue": 0, "major": 0, "rectified": 0, "selfcheck_overdue": 1}
    html = response.content.decode()
    # The venues with an overdue self-check: a link to the venue list filtered so.
    venues = f"/admin/venues/venue/?area={tree['mugen'].pk}&amp;selfcheck=overdue"
    assert f'href="{venues}"><strong>1</strong></a>' in html
    listed = client.get(venues.replace("&amp;", "&")).context["view"].queryset
    assert [venue.name for venue in listed] == ["木根逾期自查店"]
    qg = tree["qinggang"].pk
    for query, expected in [(f"village={qg}&amp;overdue=yes", [hazard_world["overdue"].pk]),
                            (f"village={qg}&amp;status=rectified", [hazard_world["fixed"].pk]),
                            (f"village={qg}&amp;major=yes", [hazard_world["major"].pk])]:
        assert f'href="?{query}"' in html
        params = dict(pair.split("=") for pair in query.split("&amp;"))
        assert listed_hazards(client, **params) == expected
    # Village staff count only their own village.
    client.force_login(make_member(VILLAGE_STAFF, tree["mugen"]))
    assert [area.name for area, _count in client.get(HAZARDS).context["counts"]] == ["木根村"]


def test_counts_per_village_are_kept_until_a_hazard_changes(client, tree, world, hazard_world):
    def counts():
        return {area.name: count["open"] for area, count in client.get(HAZARDS).context["counts"]}

    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    assert counts()["木根村"] == 1
    with CaptureQueriesContext(connection) as queries:
        counts()
    assert not any("SUBSTRING" in query["sql"].upper() for query in queries.captured_queries)
    mg = world["mg"]
    hazards.record(mg, mg.owner, source="selfcheck", severity="general", description="插座老化",
                   deadline=timezone.localdate() + datetime.timedelta(days=7))
    assert counts()["木根村"] == 2


# --- Re-checking a fix (复查) ----------------------------------------------------------------------

def verify(client, hazard, **data):
    return client.post(f"{HAZARDS}{hazard.pk}/verify/", data, follow=True)


def test_before_and_after_photos_side_by_side(client, tree, hazard_world):
    fixed = hazard_world["fixed"]
    client.force_login(make_member(GRID_WORKER, tree["qinggang-2"]))
    html = html_of(client.get(f"{HAZARDS}{fixed.pk}/"))
    before = EvidencePhoto.objects.get(hazard=fixed, stage=EvidenceStage.BEFORE)
    after = EvidencePhoto.objects.get(hazard=fixed, stage=EvidenceStage.AFTER)
    compare = html[html.index('class="evidence-compare"'):]
    first, second = compare.split("</div>", 1)[0], compare.split("</div>", 1)[1]
    assert reverse("owner:evidence_photo", args=[before.pk]) in first
    assert reverse("owner:evidence_photo", args=[after.pk]) in second
    assert "已更换新的灭火器" in html  # the owner's note of what was done
    for photo in (before, after):
        assert client.get(reverse("owner:evidence_photo", args=[photo.pk])).status_code == 200


def test_photos_of_a_rejected_fix_are_shown_apart_from_the_new_ones(client, tree, hazard_world):
    fixed = hazard_world["fixed"]
    staff = make_member(VILLAGE_STAFF, tree["qinggang"])
    hazards.verify(fixed, staff, False, reason="仍未更换")
    rejected = EvidencePhoto.objects.get(hazard=fixed, stage=EvidenceStage.AFTER)
    rectified(Hazard.objects.get(pk=fixed.pk))
    new = EvidencePhoto.objects.filter(hazard=fixed, stage=EvidenceStage.AFTER).exclude(pk=rejected.pk).get()
    client.force_login(staff)
    html = html_of(client.get(f"{HAZARDS}{fixed.pk}/"))
    apart = html.index(escape(pgettext("hazard photos", "After a fix that was not accepted")))
    assert html.index(reverse("owner:evidence_photo", args=[new.pk])) < apart
    assert html.index(reverse("owner:evidence_photo", args=[rejected.pk])) > apart


def test_accepting_a_fix_closes_the_hazard(client, tree, hazard_world):
    fixed = hazard_world["fixed"]
    worker = make_member(GRID_WORKER, tree["qinggang-2"])
    client.force_login(worker)
    response = verify(client, fixed, decision="accept")
    assert response.redirect_chain[-1][0] == f"{HAZARDS}{fixed.pk}/"
    fixed.refresh_from_db()
    assert fixed.status == HazardStatus.CLOSED and fixed.closed_by == worker
    assert fixed.events.last().action == HazardAction.ACCEPTED
    assert Message.objects.filter(recipient=fixed.venue.owner).exists()
    assert worker.get_full_name() in html_of(response)  # in the history


def test_rejecting_a_fix_needs_a_reason_and_may_set_a_new_deadline(client, tree, hazard_world):
    fixed = hazard_world["fixed"]
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    response = client.post(f"{HAZARDS}{fixed.pk}/verify/", {"decision": "reject", "reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert 'aria-describedby="id_reason_error"' in response.content.decode()
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(f"{HAZARDS}{fixed.pk}/verify/",
                           {"decision": "reject", "reason": "仍未更换", "new_deadline": past.isoformat()})
    assert response.status_code == 200 and response.context["form"].errors["new_deadline"]
    assert Hazard.objects.get(pk=fixed.pk).status == HazardStatus.RECTIFIED
    new_deadline = timezone.localdate() + datetime.timedelta(days=5)
    verify(client, fixed, decision="reject", reason="灭火器仍已过期", new_deadline=new_deadline.isoformat())
    fixed.refresh_from_db()
    assert fixed.status == HazardStatus.OPEN and fixed.deadline == new_deadline
    event = fixed.events.last()
    assert (event.action, event.note) == (HazardAction.REJECTED, "灭火器仍已过期")
    assert "灭火器仍已过期" in Message.objects.filter(recipient=fixed.venue.owner).latest("pk").body


def test_verifying_is_refused_outside_the_scope_and_when_not_fixed(client, tree, world, hazard_world):
    fixed = hazard_world["fixed"]
    client.force_login(make_member(VILLAGE_STAFF, tree["mugen"]))
    assert client.post(f"{HAZARDS}{fixed.pk}/verify/", {"decision": "accept"}).status_code == 404
    assert Hazard.objects.get(pk=fixed.pk).status == HazardStatus.RECTIFIED
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    still_open = hazard_world["major"]
    html = html_of(client.get(f"{HAZARDS}{still_open.pk}/"))
    assert f'action="{HAZARDS}{still_open.pk}/verify/"' not in html
    response = verify(client, still_open, decision="accept")
    assert [str(m) for m in response.context["messages"]]
    assert Hazard.objects.get(pk=still_open.pk).status == HazardStatus.OPEN
    client.force_login(make_member(LEADER, tree["town"]))
    assert refused(client.post(f"{HAZARDS}{fixed.pk}/verify/", {"decision": "accept"}))


# --- The assisted self-check (协助自查) --------------------------------------------------------------

def group_data(check, number, fail=(), photo=None, **overrides):
    """The POST of one group: every item in order, the codes in ``fail`` not in order."""
    _name, items = check.groups()[number - 1]
    data = {}
    for item in items:
        code = item["code"]
        if code in fail:
            data.update({f"{code}-answer": Answer.NO, f"{code}-note": "出口门被锁住",
                         f"{code}-interim": "营业时间专人看守"})
            if photo is not None:
                data[f"{code}-photo"] = photo
        else:
            data[f"{code}-answer"] = Answer.YES
    data.update(overrides)
    return data


def test_assisted_selfcheck_end_to_end(client, tree):
    venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"], full_name="李网格")
    client.force_login(worker)
    inspect = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    start = reverse("venues_selfcheck_assist", args=[venue.pk])
    assert f'action="{start}"' in inspect
    response = client.post(start)
    check = SelfCheck.objects.get(venue=venue)
    fill = f"{SELFCHECKS}{check.pk}/fill/"
    assert response["Location"] == f"{fill}1/"
    assert check.assisted_by == worker
    groups = check.groups()
    number = next(n for n, (_name, items) in enumerate(groups, start=1)
                  if any(item["code"] == MAJOR for item in items))

    # A failed item without its note: the page comes back with the error beside the field and
    # everything typed still there (and stored).
    for n in range(1, number):
        assert client.post(f"{fill}{n}/", group_data(check, n)).status_code == 302
    data = group_data(check, number, fail=[MAJOR], **{f"{MAJOR}-note": ""})
    response = client.post(f"{fill}{number}/", data)
    html = html_of(response)
    assert response.context["form"].errors[f"{MAJOR}-note"]
    assert f'id="id_{MAJOR}-note-error"' in html and f'aria-describedby="id_{MAJOR}-note-error"' in html
    assert "营业时间专人看守" in html
    stored = check.answers.get(code=MAJOR)
    assert (stored.answer, stored.interim_measure) == (Answer.NO, "营业时间专人看守")

    # Now with the note and a photo from the phone's camera.
    response = client.post(f"{fill}{number}/", group_data(check, number, fail=[MAJOR], photo=photo_upload()))
    assert response.status_code == 302
    assert EvidencePhoto.objects.filter(answer__selfcheck=check, answer__code=MAJOR).count() == 1
    for n in range(number + 1, len(groups) + 1):
        response = client.post(f"{fill}{n}/", group_data(check, n))
    confirm = f"{SELFCHECKS}{check.pk}/confirm/"
    assert response["Location"] == confirm

    # The owner reads every answer, types their name and ticks; the operator on record is shown
    # beside the name.
    html = html_of(client.get(confirm))
    assert "出口门被锁住" in html and check.item(MAJOR)["question"] in html
    assert escape(_("The operator on record: %(name)s.") % {"name": "张三"}) in html
    response = client.post(confirm, {"confirmed_by_name": "王大爷"})
    assert response.status_code == 200 and response.context["form"].errors["confirm"]
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.DRAFT
    # A name other than the operator's on record is asked about once, not refused.
    response = client.post(confirm, {"confirmed_by_name": "王大爷", "confirm": "on"})
    assert response.status_code == 200 and response.context["form"].errors["someone_else"]
    warning = _("The name typed is not the name of the operator on record, %(name)s. Check it with the "
                "owner; if someone else confirms, tick this box.") % {"name": "张三"}
    assert escape(warning) in html_of(response) and 'name="someone_else"' in html_of(response)
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.DRAFT
    response = client.post(confirm, {"confirmed_by_name": "王大爷", "confirm": "on", "someone_else": "on"},
                           follow=True)
    check.refresh_from_db()
    assert check.status == SelfCheckStatus.SUBMITTED
    assert (check.assisted_by, check.submitted_by, check.confirmed_by_name) == (worker, worker, "王大爷")
    hazard = Hazard.objects.get(selfcheck=check)
    assert (hazard.item_code, hazard.severity) == (MAJOR, Severity.MAJOR)
    assert hazard.interim_measure == "营业时间专人看守"
    assert hazard.photos.filter(stage=EvidenceStage.BEFORE).count() == 1
    html = html_of(response)
    assert response.redirect_chain[-1][0] == f"{SELFCHECKS}{check.pk}/"
    assert "李网格" in html and "王大爷" in html
    assert escape(_("Not the operator on record, who is %(name)s.") % {"name": "张三"}) in html
    # Sent again (a double tap): nothing changes, the record is shown.
    again = client.post(confirm, {"confirmed_by_name": "王大爷", "confirm": "on"}, follow=True)
    assert again.redirect_chain[-1][0] == f"{SELFCHECKS}{check.pk}/"
    assert SelfCheck.objects.filter(venue=venue).count() == 1
    assert Hazard.objects.filter(venue=venue).count() == 1


def test_confirm_page_lists_what_is_missing_with_links(client, tree):
    venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    client.force_login(worker)
    client.post(reverse("venues_selfcheck_assist", args=[venue.pk]))
    check = SelfCheck.objects.get(venue=venue)
    response = client.get(f"{SELFCHECKS}{check.pk}/confirm/")
    html = html_of(response)
    assert response.context["form"] is None  # nothing to confirm yet
    first = check.groups()[0][1][0]
    assert f'{SELFCHECKS}{check.pk}/fill/1/#item-{first["code"]}' in html
    assert client.post(f"{SELFCHECKS}{check.pk}/confirm/", {"confirmed_by_name": "王大爷", "confirm": "on"}
                       ).status_code == 200
    assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.DRAFT


def test_only_the_one_assisting_goes_on_with_the_draft(client, tree):
    venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"], full_name="李网格")
    check = selfchecks.start(venue, worker, assisted=True)
    colleague = make_member(GRID_WORKER, tree["qinggang-1"])
    client.force_login(colleague)
    assert refused(client.get(f"{SELFCHECKS}{check.pk}/fill/1/"))
    # Told who is filling it in, back on the venue's page; a grid worker may not discard it.
    response = client.post(reverse("venues_selfcheck_assist", args=[venue.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
    assert any("李网格" in str(m) for m in response.context["messages"])
    assert f"{SELFCHECKS}{check.pk}/discard/" not in html_of(response)
    assert refused(client.get(f"{SELFCHECKS}{check.pk}/discard/"))
    # Leaders read but do not fill in; the button is not offered to them.
    client.force_login(make_member(LEADER, tree["town"]))
    inspect = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    assert reverse("venues_selfcheck_assist", args=[venue.pk]) not in inspect
    assert refused(client.post(reverse("venues_selfcheck_assist", args=[venue.pk])))
    assert SelfCheck.objects.get(venue=venue).assisted_by == worker


def test_a_reviewer_discards_a_colleagues_unfinished_assisted_selfcheck(client, tree):
    from venues.models import AuditEntry

    venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"], full_name="李网格")
    check = fill_selfcheck(selfchecks.start(venue, worker, assisted=True), worker, fail=[GENERAL])
    reviewer = make_member(VILLAGE_STAFF, tree["qinggang"])
    client.force_login(reviewer)
    assist, discard = reverse("venues_selfcheck_assist", args=[venue.pk]), f"{SELFCHECKS}{check.pk}/discard/"
    # Blocked by the colleague's draft: the reviewer is told by whom, and asked whether to discard it.
    response = client.post(assist, follow=True)
    assert response.redirect_chain[-1][0] == discard
    html = html_of(response)
    assert any("李网格" in str(m) for m in response.context["messages"])
    assert "<form method=\"post\"" in html and "李网格" in html
    assert SelfCheck.objects.filter(pk=check.pk).exists()  # the page only asks
    # The self-check's own page offers it too.
    assert f'href="{discard}"' in html_of(client.get(f"{SELFCHECKS}{check.pk}/"))
    response = client.post(discard, follow=True)
    assert response.redirect_chain[-1][0] == reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
    assert not SelfCheck.objects.filter(pk=check.pk).exists()
    assert not EvidencePhoto.objects.filter(venue=venue).exists()
    assert AuditEntry.objects.filter(action="selfcheck.discard", actor=reviewer).count() == 1
    # Now the reviewer starts the assisted self-check afresh.
    response = client.post(assist)
    fresh = SelfCheck.objects.get(venue=venue)
    assert fresh.assisted_by == reviewer and response["Location"] == f"{SELFCHECKS}{fresh.pk}/fill/1/"
    # Leaders only read: not offered, and refused.
    client.force_login(make_member(LEADER, tree["town"]))
    assert f"{SELFCHECKS}{fresh.pk}/discard/" not in html_of(client.get(f"{SELFCHECKS}{fresh.pk}/"))
    assert refused(client.post(f"{SELFCHECKS}{fresh.pk}/discard/"))
    assert SelfCheck.objects.filter(pk=fresh.pk).exists()


@pytest.mark.parametrize("meanwhile", ["submitted", "discarded"])
def test_a_draft_submitted_or_discarded_meanwhile_is_said_on_the_fill_page(client, tree, monkeypatch,
                                                                           meanwhile):
    from venues import selfcheck_views

    venue = a_venue(tree["qinggang-1"], "青杠副食店")
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    check = selfchecks.start(venue, worker, assisted=True)
    client.force_login(worker)
    # The page reads the draft just before the owner submits it on their phone (or it is discarded).
    stale = SelfCheck.objects.get(pk=check.pk)
    monkeypatch.setattr(selfcheck_views, "_selfcheck", lambda request, check_id: stale)
    if meanwhile == "submitted":
        selfchecks.submit(fill_selfcheck(check, venue.owner), venue.owner)
        expected = f"{SELFCHECKS}{check.pk}/"
    else:
        selfchecks.discard(check, worker)
        expected = reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
    data = group_data(stale, 1, fail=[GENERAL], photo=photo_upload())
    response = client.post(f"{SELFCHECKS}{check.pk}/fill/1/", data, follow=True)
    assert response.redirect_chain[0] == (expected, 302)  # not an error page
    assert [str(m) for m in response.context["messages"]]
    assert not EvidencePhoto.objects.filter(answer__selfcheck_id=check.pk, uploaded_by=worker).exists()
    if meanwhile == "submitted":
        response = client.post(f"{SELFCHECKS}{check.pk}/confirm/",
                               {"confirmed_by_name": "张三", "confirm": "on"}, follow=True)
        assert response.redirect_chain[-1][0] == expected
        said = [str(m) for m in response.context["messages"]]
        assert said == [_("This self-check has already been submitted.")]


def test_the_fill_page_shows_guidance_and_asks_about_a_failure_only_when_needed(client, tree):
    from tests.factories import make_image

    venue = a_venue(tree["qinggang-1"], "青杠理发店", owner=False)
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    check = selfchecks.start(venue, worker, assisted=True)
    image = make_image("灭火器示意图")
    check.items = [{**item, "picture": image.pk} if item["code"] == GENERAL else item for item in check.items]
    check.save(update_fields=["items"])
    client.force_login(worker)
    fill = f"{SELFCHECKS}{check.pk}/fill/1/"

    def item_html(html, code=GENERAL):
        part = html[html.rindex("<fieldset", 0, html.index(f'id="item-{code}"')):]
        return part[:part.index("</fieldset>")]

    item = check.item(GENERAL)
    html = item_html(html_of(client.get(fill)))
    guidance = html[html.index("<details"):html.index("</details>")]
    assert item["basis"] and escape(item["basis"]) in guidance
    assert 'class="selfcheck-picture"' in guidance and escape(item["guidance"]).split("\n")[0] in guidance
    # Unanswered: the questions for a failure are left to the stylesheet (shown once "no" is ticked).
    assert "selfcheck-item-failed" not in html and 'class="selfcheck-failed"' in html
    # Refused for a missing note: they stay shown, the errors tied to their inputs.
    response = client.post(fill, group_data(check, 1, fail=[GENERAL], **{f"{GENERAL}-note": ""}))
    html = item_html(html_of(response))
    assert "selfcheck-item-failed" in html
    assert re.search(rf'<textarea[^>]*aria-describedby="id_{GENERAL}-note-error"', html)
    assert f'id="id_{GENERAL}-note-error"' in html


def test_an_owners_own_draft_becomes_assisted_when_staff_go_on_with_it(client, tree):
    venue = a_venue(tree["qinggang-1"], "青杠副食店")
    check = selfchecks.start(venue, venue.owner)
    worker = make_member(GRID_WORKER, tree["qinggang-1"])
    client.force_login(worker)
    # Not by a guessed address: only through the button, which marks the record assisted.
    assert refused(client.get(f"{SELFCHECKS}{check.pk}/fill/1/"))
    client.post(reverse("venues_selfcheck_assist", args=[venue.pk]))
    check.refresh_from_db()
    assert check.assisted_by == worker
    assert client.get(f"{SELFCHECKS}{check.pk}/fill/1/").status_code == 200
    # The owner may still finish it on their own phone, without typing their name.
    fill_selfcheck(check, venue.owner)
    assert selfchecks.submit(check, venue.owner).status == SelfCheckStatus.SUBMITTED


# --- The venue register --------------------------------------------------------------------------

def test_venue_list_filters_by_selfcheck_state_and_risk(client, tree):
    now = timezone.now()
    approve(make_venue(tree["qinggang-1"], name="超期未自查店", owner=UserFactory()),
            at=now - datetime.timedelta(days=70))
    due = a_venue(tree["qinggang-1"], "即将到期店")
    due.refresh_from_db()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    type(due).objects.filter(pk=due.pk).update(selfcheck_due_on=tomorrow)
    later = a_venue(tree["qinggang-1"], "刚登记店")
    food = a_venue(tree["qinggang-1"], "农家饭庄", kind="catering")
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))

    def listed(**params):
        response = client.get("/admin/venues/venue/", params)
        assert response.status_code == 200
        return {venue.name for venue in response.context["view"].queryset}

    assert listed(selfcheck="overdue") == {"超期未自查店"}
    assert listed(selfcheck="due") == {"即将到期店"}
    assert later.name not in listed(selfcheck="due")
    food.refresh_from_db()
    later.refresh_from_db()
    assert food.risk_level != later.risk_level  # a restaurant's kind and gas raise its level
    assert "农家饭庄" in listed(risk=food.risk_level) and "刚登记店" not in listed(risk=food.risk_level)
    assert "农家饭庄" not in listed(risk=later.risk_level)
    html = html_of(client.get("/admin/venues/venue/"))
    assert str(food.get_risk_level_display()) in html


def test_venue_inspect_shows_risk_schedule_selfchecks_and_open_hazards(client, tree, world):
    venue = world["qg"]
    venue.refresh_from_db()
    check = world["checks"]["qg"]
    hazard = Hazard.objects.get(venue=venue)
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    html = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    assert venue.risk_reasons and all(reason in html for reason in venue.risk_reasons)
    assert f"{venue.selfcheck_due_on:%Y-%m-%d}" in html
    assert f"{SELFCHECKS}{check.pk}/" in html and f"{HAZARDS}{hazard.pk}/" in html
    assert reverse("venues_selfcheck_assist", args=[venue.pk]) in html
    # Overdue is marked in words.
    two_days_ago = timezone.localdate() - datetime.timedelta(days=2)
    type(venue).objects.filter(pk=venue.pk).update(selfcheck_due_on=two_days_ago)
    html = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    assert html.count('class="overdue-flag"') == 1
    # A hazard past its deadline is marked too (the model's rule: open, at an approved venue).
    Hazard.objects.filter(pk=hazard.pk).update(deadline=two_days_ago)
    html = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    assert html.count('class="overdue-flag"') == 2
    rectified(hazard)  # reported fixed: no longer overdue
    type(venue).objects.filter(pk=venue.pk).update(selfcheck_due_on=two_days_ago)
    html = html_of(client.get(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])))
    assert html.count('class="overdue-flag"') == 1


# --- The to-do list ---------------------------------------------------------------------------------

def todo(client):
    from venues.todo import todo_items

    response = client.get("/admin/")
    assert response.status_code == 200
    counts = {item.url: item.count for item in todo_items(response.wsgi_request.user)}
    return counts, response.content.decode()


def test_todo_counts_selfchecks_fixes_overdue_and_major_hazards(client, tree, world, hazard_world):
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    counts, html = todo(client)
    assert counts[f"{SELFCHECKS}?status=submitted"] == 2
    assert counts[f"{HAZARDS}?status=rectified"] == 1
    assert counts[f"{HAZARDS}?overdue=yes"] == 1
    assert f"{HAZARDS}?major=yes" not in counts  # only for the town office
    assert f'href="{HAZARDS}?overdue=yes"' in html and f'href="{SELFCHECKS}?status=submitted"' in html
    # The town emergency office sees the major hazards of the whole town at once.
    town = make_member(TOWN_OFFICE, tree["town"], office=town_office())
    client.force_login(town)
    counts, html = todo(client)
    assert counts[f"{HAZARDS}?major=yes"] == 1 and counts[f"{SELFCHECKS}?status=submitted"] == 3
    assert f'href="{HAZARDS}?major=yes"' in html
    # Grid workers re-check fixes but do not review self-checks.
    client.force_login(make_member(GRID_WORKER, tree["qinggang-2"]))
    counts, _html = todo(client)
    assert f"{SELFCHECKS}?status=submitted" not in counts and counts[f"{HAZARDS}?status=rectified"] == 1


def test_todo_counts_take_a_few_queries_however_many_hazards(client, tree, world):
    from django.utils import timezone

    from venues import todo

    user = make_member(TOWN_OFFICE, tree["town"], office=town_office())
    user = type(user).objects.get(pk=user.pk)
    may = todo._may(user)  # and the permission cache warmed
    with CaptureQueriesContext(connection) as few:
        todo.count(user, may, timezone.localdate())
    for n in range(3):
        submitted(a_venue(tree["mugen-2"], f"木根店{n}"), fail=[GENERAL, MAJOR])
    with CaptureQueriesContext(connection) as many:
        counts = todo.count(user, may, timezone.localdate())
    assert counts["selfchecks"] == 3 + 3  # the world's three and the new ones
    # The self-checks awaiting review, every hazard count at once, every venue count at once,
    # the owners' reports, the public reports, the person's parts of tasks and those overdue, the
    # overdue tasks they follow, the correction requests, and the person's areas and office for
    # each of their scopes.
    assert len(many) == len(few) == 16


# --- Constant query counts -----------------------------------------------------------------------

def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_data(tree, start, count):
    for n in range(start, start + count):
        area = tree["qinggang-1" if n % 2 else "mugen-2"]
        venue = a_venue(area, f"测试店{n}", kind="catering" if n % 3 else "shopping")
        check = submitted(venue, fail=[GENERAL, MAJOR])
        if n % 2:
            rectified(Hazard.objects.get(selfcheck=check, item_code=GENERAL))


def test_the_lists_run_a_constant_number_of_queries(client, tree):
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    urls = [SELFCHECKS, f"{SELFCHECKS}?status=all&assisted=no", HAZARDS, f"{HAZARDS}?status=all&major=yes",
            f"{HAZARDS}?village={tree['qinggang'].pk}"]
    add_data(tree, 1, 2)
    few = {url: count_queries(client, url) for url in urls}
    add_data(tree, 3, 6)
    many = {url: count_queries(client, url) for url in urls}
    assert many == few


# --- The town office's rules -----------------------------------------------------------------------

def test_the_town_office_edits_risk_rules_and_safety_rules(client, tree):
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    html = html_of(client.get(reverse("wagtailsnippets_venues_riskrule:list")))
    from venues.models import RiskRule

    rule = RiskRule.objects.filter(active=True).first()
    assert rule.reason in html
    edit = reverse("wagtailsnippets_venues_riskrule:edit", args=[rule.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"factor": "gas", "threshold": "", "level": "orange", "reason": "使用燃气",
                                  "active": "on", "sort_order": "1"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.factor, rule.level, rule.reason) == ("gas", "orange", "使用燃气")
    settings_url = reverse("wagtailsettings:edit", args=["venues", "safetyrules"])
    assert client.get(settings_url, follow=True).status_code == 200
    assert re.search(re.escape(settings_url), html_of(client.get("/admin/")))  # in the Settings menu
    # Village staff have neither.
    client.force_login(make_member(VILLAGE_STAFF, tree["qinggang"]))
    assert client.get(reverse("wagtailsnippets_venues_riskrule:list")).status_code in (302, 403)
    assert client.get(settings_url).status_code in (302, 403)
