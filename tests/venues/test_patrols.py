"""巡查: the worklist's order, recording a patrol (failed items become hazards, an item already
open is found again), one record however often the same form is sent, validation beside the
fields, photos, scope, the door card's QR code for staff, a session that ended while the form
was being filled in, and constant queries as the register grows."""

import datetime
import re
import uuid
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pytest

from tests.factories import PASSWORD, UserFactory, approve, make_member, make_venue, photo_upload
from tests.venues.test_selfcheck_admin import GENERAL, MAJOR, a_venue, submitted
from venues.checklists import checklist_for
from venues.models import (
    Answer,
    AuditEntry,
    ChecklistVersion,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardAction,
    HazardSource,
    HazardStatus,
    Patrol,
    PatrolAnswer,
    RiskLevel,
    Venue,
    VenueStatus,
)
from venues.roles import GRID_WORKER, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import patrols
from venues.workflows.selfchecks import NEEDS_ANSWER, NEEDS_INTERIM, NEEDS_NOTE, NEEDS_PHOTO

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WORKLIST = "/admin/venues/patrols/"


def form_url(venue):
    return reverse("venues_patrol_form", args=[venue.pk])


def answers_for(venue, fail=(), user=None):
    """Every item of the venue's checklist answered: "yes", or "no" (with a note and an
    interim measure) for the codes in ``fail``."""
    _versions, items = checklist_for(venue, user)
    return {item["code"]: ({"answer": Answer.NO, "note": f"{item['question']}：巡查发现问题",
                            "interim_measure": "已要求店主立即整改"} if item["code"] in fail
                           else {"answer": Answer.YES}) for item in items}


def post_data(venue, submission_id, fail=(), remarks="整体情况良好"):
    """The patrol form as a browser sends it."""
    data = {"submission_id": str(submission_id), "remarks": remarks}
    for code, values in answers_for(venue, fail).items():
        data[f"{code}-answer"] = values["answer"]
        data[f"{code}-note"] = values.get("note", "")
        data[f"{code}-interim"] = values.get("interim_measure", "")
    for code in fail:
        data[f"{code}-photo"] = photo_upload()
    return data


@pytest.fixture
def grid(tree):
    return make_member(GRID_WORKER, tree["qinggang-1"])


@pytest.fixture
def shop(tree):
    return a_venue(tree["qinggang-1"], "青杠副食店")


# The worklist ------------------------------------------------------------------------------

def test_the_worklist_puts_the_venues_most_in_need_first(client, tree, grid):
    today = timezone.localdate()
    approved = {name: approve(make_venue(tree["qinggang-1"], name=name, credit_code="")) for name in [
        "甲 自查逾期", "乙 两项隐患逾期", "丙 一项逾期三项未销号", "丁 一项未销号", "戊 红色", "己 橙色",
        "庚 三月前巡查", "辛 昨天巡查", "壬 从未巡查", "癸 从未巡查",
    ]}
    # Out of the list: another village's venue, one not approved, and one closed.
    approve(make_venue(tree["mugen-1"], name="木根超市", credit_code=""))
    make_venue(tree["qinggang-1"], name="青杠待审店", status=VenueStatus.SUBMITTED, credit_code="")
    closed = approve(make_venue(tree["qinggang-1"], name="青杠歇业店", credit_code=""))
    Venue.objects.filter(pk=closed.pk).update(status=VenueStatus.CLOSED)
    # Everything equal but what each name says.
    Venue.objects.update(risk_level=RiskLevel.BLUE, selfcheck_due_on=today + 30 * DAY)
    Venue.objects.filter(name__startswith="甲").update(selfcheck_due_on=today - DAY)
    Venue.objects.filter(name__startswith="戊").update(risk_level=RiskLevel.RED)
    Venue.objects.filter(name__startswith="己").update(risk_level=RiskLevel.ORANGE)

    def hazard(name, overdue, status=HazardStatus.OPEN):
        Hazard.objects.create(venue=approved[name], source=HazardSource.SELFCHECK, severity="general",
                              description="灭火器过期", status=status,
                              deadline=today - DAY if overdue else today + 10 * DAY)

    hazard("乙 两项隐患逾期", True)
    hazard("乙 两项隐患逾期", True)
    hazard("丙 一项逾期三项未销号", True)
    hazard("丙 一项逾期三项未销号", False)
    hazard("丙 一项逾期三项未销号", False, HazardStatus.RECTIFIED)  # fixed, awaiting re-check
    hazard("丁 一项未销号", False)
    hazard("丁 一项未销号", False, HazardStatus.CLOSED)  # closed: does not count
    for name, days_ago in [("庚 三月前巡查", 90), ("辛 昨天巡查", 1)]:
        patrol = Patrol.objects.create(venue=approved[name], submission_id=uuid.uuid4(), inspector=grid)
        Patrol.objects.filter(pk=patrol.pk).update(visited_at=timezone.now() - days_ago * DAY)

    expected = ["甲 自查逾期", "乙 两项隐患逾期", "丙 一项逾期三项未销号", "丁 一项未销号", "戊 红色",
                "己 橙色",
                "壬 从未巡查", "癸 从未巡查", "庚 三月前巡查", "辛 昨天巡查"]
    assert [venue.name for venue in patrols.worklist(grid)] == expected

    client.force_login(grid)
    response = client.get(WORKLIST)
    assert [venue.name for venue in response.context["rows"]] == expected
    assert response.context["villages"] is None  # a grid worker sees their list at once
    shown = {venue.name: venue for venue in response.context["rows"]}
    busy = shown["丙 一项逾期三项未销号"]
    assert (busy.hazards_open, busy.hazards_overdue) == (3, 1)
    html = response.content.decode()
    with translation.override("zh-hans"):
        assert _("Never patrolled") in html
    for venue in approved.values():
        assert form_url(venue) in html


def test_the_worklist_of_village_staff_filters_by_grid_and_offers_the_census_entry(client, tree):
    staff = make_member(VILLAGE_STAFF, tree["qinggang"])
    approve(make_venue(tree["qinggang-1"], name="一网格店", credit_code=""))
    approve(make_venue(tree["qinggang-2"], name="二网格店", credit_code=""))
    client.force_login(staff)
    names = [venue.name for venue in client.get(WORKLIST).context["rows"]]
    assert sorted(names) == ["一网格店", "二网格店"]
    response = client.get(WORKLIST, {"village": tree["qinggang-2"].pk})
    assert [venue.name for venue in response.context["rows"]] == ["二网格店"]
    # Another village's id shows nothing of it.
    assert list(client.get(WORKLIST, {"village": tree["mugen"].pk}).context["rows"]) == []
    census = reverse("venues_census_add")
    assert f'href="{census}?area={tree["qinggang-2"].pk}"' in response.content.decode()


def test_a_grid_worker_is_offered_the_census_entry_for_their_grid(client, tree, grid):
    client.force_login(grid)
    html = client.get(WORKLIST).content.decode()
    assert f'{reverse("venues_census_add")}?area={tree["qinggang-1"].pk}' in html
    def area_choices(area):
        html = client.get(reverse("venues_census_add"), {"area": area.pk}).content.decode()
        # The form's id for resends is hidden, without a label asking for it.
        assert 'name="submission_id"' in html and 'for="id_submission_id"' not in html
        return re.search(r'<select name="area".*?</select>', html, re.S).group(0)

    # The census entry opens with the grid chosen; an area outside the person's scope is not offered.
    grid_chosen = rf'<option value="{tree["qinggang-1"].pk}"[^>]*selected'
    assert re.search(grid_chosen, area_choices(tree["qinggang-1"]))
    assert f'value="{tree["mugen-1"].pk}"' not in area_choices(tree["mugen-1"])


def test_a_town_wide_person_chooses_a_village_before_the_worklist_shows_venues(client, tree):
    town = make_member(TOWN_OFFICE, tree["town"])
    approve(make_venue(tree["qinggang-1"], name="青杠店", credit_code=""))
    approve(make_venue(tree["mugen-2"], name="木根店", credit_code=""))
    client.force_login(town)
    response = client.get(WORKLIST)
    assert list(response.context["rows"]) == []
    assert sorted(area.name for area in response.context["villages"]) == sorted(["青杠村", "木根村"])
    html = response.content.decode()
    assert "青杠店" not in html and "木根店" not in html
    assert f'href="?village={tree["mugen"].pk}"' in html
    # The town itself is no choice: still the chooser.
    assert client.get(WORKLIST, {"village": tree["town"].pk}).context["villages"] is not None
    chosen = client.get(WORKLIST, {"village": tree["mugen"].pk})
    assert chosen.context["villages"] is None
    assert [venue.name for venue in chosen.context["rows"]] == ["木根店"]
    grid = client.get(WORKLIST, {"village": tree["qinggang-1"].pk})
    assert [venue.name for venue in grid.context["rows"]] == ["青杠店"]

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(WORKLIST).status_code == 200
        return len(captured)

    few = measure()
    for n in range(4):
        approve(make_venue(tree["mugen-1"], name=f"木根新店{n}", credit_code=""))
    assert measure() == few


def test_the_worklist_takes_the_same_queries_as_the_register_grows(client, tree, grid):
    def grow(start, count):
        for n in range(start, start + count):
            venue = a_venue(tree["qinggang-1"], f"测试店{n}")
            submitted(venue, fail=[GENERAL])
            patrols.record(venue, grid, uuid.uuid4(), answers_for(venue, [MAJOR]),
                           photos={MAJOR: [photo_upload()]})

    client.force_login(grid)

    def measure():
        client.get(WORKLIST)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(WORKLIST).status_code == 200
        return len(captured)

    grow(0, 2)
    few = measure()
    grow(2, 5)
    assert measure() == few


# Recording a patrol ----------------------------------------------------------------------

def test_the_form_asks_the_merged_checklist_and_showing_it_writes_nothing(client, grid, shop):
    client.force_login(grid)
    versions = ChecklistVersion.objects.count()
    response = client.get(form_url(shop))
    assert ChecklistVersion.objects.count() == versions
    _versions, items = checklist_for(shop)
    assert [row.code for row in response.context["rows"]] == [item["code"] for item in items]


def test_a_patrol_records_every_answer_and_makes_hazards_of_failed_items(grid, shop):
    submission_id = uuid.uuid4()
    photos = {GENERAL: [photo_upload()], MAJOR: [photo_upload(), photo_upload(color="blue")]}
    patrol = patrols.record(shop, grid, submission_id, answers_for(shop, [GENERAL, MAJOR]),
                            note="通道堆放杂物", photos=photos)
    assert (patrol.venue, patrol.inspector, patrol.submission_id, patrol.note) == (shop, grid, submission_id,
                                                                                    "通道堆放杂物")
    _versions, items = checklist_for(shop)
    assert [item["code"] for item in patrol.items] == [item["code"] for item in items]
    assert patrol.answers.count() == len(items)
    found = Hazard.objects.filter(venue=shop)
    assert sorted(found.values_list("item_code", flat=True)) == sorted([GENERAL, MAJOR])
    for hazard in found:
        assert (hazard.source, hazard.patrol, hazard.selfcheck, hazard.found_by) == (
            HazardSource.PATROL, patrol, None, grid)
        assert hazard.status == HazardStatus.OPEN
        assert PatrolAnswer.objects.get(patrol=patrol, code=hazard.item_code).hazard == hazard
    major = found.get(item_code=MAJOR)
    assert major.interim_measure == "已要求店主立即整改"
    photos = EvidencePhoto.objects.filter(patrol_answer__patrol=patrol)
    assert photos.count() == 3
    assert all(photo.stage == EvidenceStage.BEFORE and photo.hazard_id == photo.patrol_answer.hazard_id
               for photo in photos)
    assert major.photos.count() == 2
    assert AuditEntry.objects.filter(action="patrol.record", object_id=str(shop.pk)).count() == 1


def test_an_item_still_open_is_found_again_not_recorded_twice(grid, shop):
    check = submitted(shop, fail=[GENERAL])
    earlier = Hazard.objects.get(selfcheck=check, item_code=GENERAL)
    patrol = patrols.record(shop, grid, uuid.uuid4(), answers_for(shop, [GENERAL]),
                            photos={GENERAL: [photo_upload()]})
    assert Hazard.objects.filter(venue=shop, item_code=GENERAL).count() == 1
    assert not patrol.hazards.exists()
    assert PatrolAnswer.objects.get(patrol=patrol, code=GENERAL).hazard == earlier
    event = earlier.events.order_by("-pk").first()
    assert (event.action, event.actor) == (HazardAction.FOUND_AGAIN, grid)
    assert "巡查发现问题" in event.note
    assert earlier.photos.filter(patrol_answer__patrol=patrol).count() == 1


def test_the_same_submission_id_twice_records_one_patrol(grid, shop):
    submission_id = uuid.uuid4()
    first = patrols.record(shop, grid, submission_id, answers_for(shop, [GENERAL]),
                           photos={GENERAL: [photo_upload()]})
    again = patrols.record(shop, grid, submission_id, answers_for(shop, [GENERAL]),
                           photos={GENERAL: [photo_upload()]})
    assert again.pk == first.pk
    assert Patrol.objects.count() == 1
    assert Hazard.objects.count() == 1
    assert EvidencePhoto.objects.count() == 1


def test_a_resend_arriving_at_the_same_moment_finds_the_first_record(grid, shop, monkeypatch):
    """The second request looked before the first had saved (both saw no record): the unique
    id refuses the second insert, its photo files are removed, and the first record is shown."""
    submission_id = uuid.uuid4()
    first = patrols.record(shop, grid, submission_id, answers_for(shop, [GENERAL]),
                           photos={GENERAL: [photo_upload()]})
    real = patrols._existing
    calls = []

    def not_yet_saved(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(patrols, "_existing", not_yet_saved)
    again = patrols.record(shop, grid, submission_id, answers_for(shop, [GENERAL]),
                           photos={GENERAL: [photo_upload()]})
    assert again.pk == first.pk and len(calls) == 2
    assert Patrol.objects.count() == 1 and EvidencePhoto.objects.count() == 1
    photo = EvidencePhoto.objects.get()
    storage = photo.file.storage
    folder, name = photo.file.name.rsplit("/", 1)
    assert storage.listdir(folder)[1] == [name]  # the second request's file is gone


def test_the_same_form_posted_twice_records_one_patrol(client, grid, shop):
    client.force_login(grid)
    submission_id = uuid.uuid4()
    first = client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL]))
    patrol = Patrol.objects.get()
    assert first["Location"] == reverse("venues_patrol_detail", args=[patrol.pk])
    second = client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL]))
    assert second["Location"] == first["Location"]
    assert Patrol.objects.count() == 1 and Hazard.objects.count() == 1
    page = client.get(first["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert str(submission_id) in html  # the page that tells the phone to drop its draft
    hazard = Hazard.objects.get()
    assert reverse("venues_hazard_detail", args=[hazard.pk]) in html
    photo = EvidencePhoto.objects.get()
    assert reverse("owner:evidence_photo", args=[photo.pk]) in html
    assert client.get(reverse("owner:evidence_photo", args=[photo.pk])).status_code == 200


def test_a_recorded_id_sent_again_with_other_answers_is_not_swallowed(client, grid, shop):
    # The reply to a patrol was lost, so the phone kept its copy with the id; days later the
    # worker changes the old answers and sends them with that id.
    client.force_login(grid)
    submission_id = uuid.uuid4()
    client.post(form_url(shop), post_data(shop, submission_id))
    earlier = Patrol.objects.get()
    response = client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL], remarks="今天复查"))
    assert response.status_code == 200  # the form again, not the old record
    fresh = response.context["form"]["submission_id"].value()
    assert fresh != str(submission_id)
    html = response.content.decode()
    assert 'id="patrol-reissued"' in html
    assert "今天复查" in html  # what was typed is kept
    assert Patrol.objects.count() == 1 and not earlier.answers.filter(answer=Answer.NO).exists()
    # Sent with the fresh id, today's visit is recorded.
    done = client.post(form_url(shop), post_data(shop, fresh, fail=[GENERAL], remarks="今天复查"))
    today = Patrol.objects.get(submission_id=fresh)
    assert done["Location"] == reverse("venues_patrol_detail", args=[today.pk])
    assert today.note == "今天复查" and Hazard.objects.get().patrol == today
    # The identical form sent again still finds its record.
    again = client.post(form_url(shop), post_data(shop, fresh, fail=[GENERAL], remarks="今天复查"))
    assert again["Location"] == done["Location"] and Patrol.objects.count() == 2


def test_the_form_tells_the_phone_which_of_its_ids_were_recorded(client, tree, grid, shop):
    mine = patrols.record(shop, grid, uuid.uuid4(), answers_for(shop))
    colleague = make_member(VILLAGE_STAFF, tree["qinggang"])
    theirs = patrols.record(shop, colleague, uuid.uuid4(), answers_for(shop))
    client.force_login(grid)
    html = client.get(form_url(shop)).content.decode()
    recorded = re.search(r'data-patrol-recorded="([^"]*)"', html).group(1).split()
    assert recorded == [str(mine.submission_id)]
    assert str(theirs.submission_id) not in html
    # The copy on the phone is kept per person and venue.
    assert f'data-patrol-draft="patrol-draft:{grid.pk}:{shop.pk}"' in html


def test_signing_out_anywhere_in_the_back_office_can_clear_the_kept_forms(client, grid):
    client.force_login(grid)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    script = r'<script src="[^"]*js/patrol\.js" defer data-patrol-script data-logout-warning="[^"]+"'
    assert re.search(script, html)


def test_failed_items_are_recorded_under_the_venues_row_lock(grid, shop, monkeypatch):
    # Whoever calls it (a self-check or a patrol), two reports of one problem at once are
    # recorded one after the other, so that the second finds the first's hazard again.
    from django.db import transaction
    from django.db.models import QuerySet

    from venues.workflows.selfchecks import record_failed_items

    locked = []
    original = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        locked.append(queryset.model)
        return original(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    _versions, items = checklist_for(shop)
    failed = [SimpleNamespace(code=GENERAL, note="灭火器过期", interim_measure="已借用备用灭火器")]
    with transaction.atomic():
        found = record_failed_items(shop, grid, items, failed, HazardSource.PATROL)
    assert Venue in locked
    assert found[GENERAL].item_code == GENERAL


@pytest.mark.parametrize("change, field, message", [
    ({"answer": None}, "answer", NEEDS_ANSWER),
    ({"note": ""}, "note", NEEDS_NOTE),
    ({"interim_measure": ""}, "interim", NEEDS_INTERIM),
    ({"photo": False}, "photo", NEEDS_PHOTO),
])
def test_an_incomplete_patrol_is_refused_beside_the_field_and_keeps_what_was_typed(
        client, grid, shop, change, field, message):
    client.force_login(grid)
    data = post_data(shop, uuid.uuid4(), fail=[MAJOR], remarks="门口堆放货物")
    if "answer" in change:
        del data[f"{MAJOR}-answer"]
    if "note" in change:
        data[f"{MAJOR}-note"] = "  "
    if "interim_measure" in change:
        data[f"{MAJOR}-interim"] = ""
    if "photo" in change:
        del data[f"{MAJOR}-photo"]
    response = client.post(form_url(shop), data)
    assert response.status_code == 200
    assert not Patrol.objects.exists() and not Hazard.objects.exists() and not EvidencePhoto.objects.exists()
    form = response.context["form"]
    assert str(message) in form.errors[f"{MAJOR}-{field}"]
    html = response.content.decode()
    assert "门口堆放货物" in html  # the remarks typed are kept
    assert data["submission_id"] in html  # and the form's id, for the resend


def test_the_workflow_refuses_incomplete_answers_and_stores_nothing(grid, shop):
    answers = answers_for(shop, [GENERAL])
    del answers[MAJOR]
    answers[GENERAL]["note"] = ""
    with pytest.raises(ValidationError) as raised:
        patrols.record(shop, grid, uuid.uuid4(), answers)
    assert set(raised.value.error_dict) == {MAJOR, GENERAL}
    assert not Patrol.objects.exists()


def test_an_item_that_always_applies_cannot_be_answered_not_applicable(grid, shop):
    _versions, items = checklist_for(shop)
    always = next(item for item in items if not item["allow_not_applicable"])
    answers = answers_for(shop)
    answers[always["code"]] = {"answer": Answer.NOT_APPLICABLE}
    with pytest.raises(ValidationError) as raised:
        patrols.record(shop, grid, uuid.uuid4(), answers)
    assert list(raised.value.error_dict) == [always["code"]]


def test_a_file_that_is_not_a_photo_is_refused_beside_it(client, grid, shop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(grid)
    data = post_data(shop, uuid.uuid4(), fail=[GENERAL])
    data[f"{GENERAL}-photo"] = SimpleUploadedFile("note.jpg", b"%PDF-1.4 not a photo",
                                                  content_type="image/jpeg")
    response = client.post(form_url(shop), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"{GENERAL}-photo"]
    assert not Patrol.objects.exists() and not EvidencePhoto.objects.exists()


def test_photos_of_items_in_order_are_not_kept(grid, shop):
    patrol = patrols.record(shop, grid, uuid.uuid4(), answers_for(shop), photos={GENERAL: [photo_upload()]})
    assert not Hazard.objects.exists() and not EvidencePhoto.objects.exists()
    assert patrol.answers.filter(answer=Answer.NO).count() == 0


# Scope -------------------------------------------------------------------------------------

def test_a_grid_worker_cannot_patrol_outside_their_grid(client, tree, grid, shop):
    other_grid = a_venue(tree["qinggang-2"], "二网格店")
    other_village = a_venue(tree["mugen-1"], "木根超市")
    pending = make_venue(tree["qinggang-1"], name="待审店", status=VenueStatus.SUBMITTED, credit_code="")
    client.force_login(grid)
    assert client.get(form_url(shop)).status_code == 200
    for venue in (other_grid, other_village, pending):
        assert client.get(form_url(venue)).status_code == 404, venue.name
        assert client.post(form_url(venue), post_data(venue, uuid.uuid4())).status_code == 404
        with pytest.raises(PermissionDenied):
            patrols.record(venue, grid, uuid.uuid4(), answers_for(venue))
    assert not Patrol.objects.exists()
    # Another's patrol is not found either.
    mugen_patrol = patrols.record(other_village, make_member(VILLAGE_STAFF, tree["mugen"]), uuid.uuid4(),
                                  answers_for(other_village))
    assert client.get(reverse("venues_patrol_detail", args=[mugen_patrol.pk])).status_code == 404


def test_a_submission_id_of_another_persons_patrol_gets_a_fresh_id_and_records_nothing_under_it(
        client, tree, grid, shop):
    # A colleague's copy left on a shared phone, or a forged form: nothing is recorded under the
    # colleague's patrol; the form comes back as typed with a fresh id (not a 403).
    colleague = make_member(VILLAGE_STAFF, tree["qinggang"])
    taken = patrols.record(shop, colleague, uuid.uuid4(), answers_for(shop))
    with pytest.raises(PermissionDenied):
        patrols.record(shop, grid, taken.submission_id, answers_for(shop))
    client.force_login(grid)
    response = client.post(form_url(shop), post_data(shop, taken.submission_id, fail=[GENERAL]))
    assert response.status_code == 200
    fresh = response.context["form"]["submission_id"].value()
    assert fresh != str(taken.submission_id)
    assert f'value="{fresh}"' in response.content.decode()
    assert list(Patrol.objects.all()) == [taken] and not Hazard.objects.exists()
    # Sent again with the fresh id, it is recorded as the grid worker's own.
    client.post(form_url(shop), post_data(shop, fresh, fail=[GENERAL]))
    mine = Patrol.objects.get(inspector=grid)
    assert str(mine.submission_id) == fresh and mine.answers.filter(answer=Answer.NO).count() == 1
    assert taken.answers.filter(answer=Answer.NO).count() == 0


def test_an_id_of_another_venues_patrol_gets_a_fresh_id(client, tree, grid, shop):
    client.force_login(grid)
    other = a_venue(tree["qinggang-1"], "青杠茶馆")
    taken = patrols.record(other, grid, uuid.uuid4(), answers_for(other))
    response = client.post(form_url(shop), post_data(shop, taken.submission_id))
    assert response.status_code == 200
    assert response.context["form"]["submission_id"].value() != str(taken.submission_id)
    assert Patrol.objects.count() == 1


# The door card's QR code -----------------------------------------------------------------------

def test_the_door_card_opens_the_patrol_form_for_staff_who_may_patrol(client, tree, grid, shop):
    card = reverse("venue_card", args=[shop.public_code])
    client.force_login(grid)
    response = client.get(card)
    assert response.status_code == 302 and response["Location"] == form_url(shop)
    assert "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    # The card itself stays reachable, and the form links it.
    assert client.get(card, {"public": "1"}).status_code == 200
    assert f"{card}?public=1" in client.get(form_url(shop)).content.decode()
    # A lower-case code, as a phone's QR reader may send it.
    assert client.get(card.lower())["Location"] == form_url(shop)


@pytest.mark.parametrize("who", ["anonymous", "owner", "other village", "leader", "editor"])
def test_the_door_card_is_the_card_for_everyone_else(client, tree, shop, who):
    from home.roles import EDITORS

    user = {"anonymous": None, "owner": shop.owner,
            "other village": make_member(VILLAGE_STAFF, tree["mugen"]),
            "leader": make_member(LEADER, tree["town"]), "editor": UserFactory(groups=[EDITORS])}[who]
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("venue_card", args=[shop.public_code]))
    assert response.status_code == 200
    assert shop.name in response.content.decode()
    assert "Cookie" in response["Vary"]  # a shared cache keeps the card apart from the redirect


def test_the_door_card_offers_staff_a_sign_in_that_leads_to_the_patrol_form(client, tree, shop):
    grid = make_member(GRID_WORKER, tree["qinggang-1"], username="grid-worker")
    card = reverse("venue_card", args=[shop.public_code])
    html = client.get(card).content.decode()
    link = re.search(r'id="staff-patrol-sign-in" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(reverse("wagtailadmin_login")) and str(shop.pk) not in link
    signed_in = client.post(link, {"username": grid.username, "password": PASSWORD})
    assert signed_in["Location"] == card
    assert client.get(card)["Location"] == form_url(shop)
    # Signed in, the card shows no sign-in link.
    assert 'id="staff-patrol-sign-in"' not in client.get(card, {"public": "1"}).content.decode()


def test_a_hazard_found_on_patrol_links_its_patrol_for_those_who_read_patrols(client, tree, grid, shop):
    patrol = patrols.record(shop, grid, uuid.uuid4(), answers_for(shop, [GENERAL]),
                            photos={GENERAL: [photo_upload()]})
    hazard = Hazard.objects.get()
    record = reverse("venues_patrol_detail", args=[patrol.pk])
    client.force_login(grid)
    assert record in client.get(reverse("venues_hazard_detail", args=[hazard.pk])).content.decode()
    assert client.get(record).status_code == 200


# A session that ended while the form was being filled in ---------------------------------------

def test_after_a_session_timeout_signing_in_returns_to_the_form(client, tree, shop):
    grid = make_member(GRID_WORKER, tree["qinggang-1"], username="grid-worker")
    submission_id = uuid.uuid4()
    response = client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL]))  # signed out
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("wagtailadmin_login"))
    assert not Patrol.objects.exists()
    signed_in = client.post(login, {"username": grid.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == form_url(shop)
    assert client.get(form_url(shop)).status_code == 200
    # The form, filled in again by the phone, is sent with its id: one record.
    client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL]))
    client.post(form_url(shop), post_data(shop, submission_id, fail=[GENERAL]))
    assert Patrol.objects.get().submission_id == submission_id


# Who reads patrols --------------------------------------------------------------------------------

def test_patrol_records_are_listed_within_scope(client, tree, grid, shop):
    mugen = a_venue(tree["mugen-1"], "木根超市")
    patrols.record(shop, grid, uuid.uuid4(), answers_for(shop))
    patrols.record(mugen, make_member(TOWN_OFFICE, tree["town"]), uuid.uuid4(), answers_for(mugen))
    leader = make_member(LEADER, tree["town"])
    client.force_login(leader)
    assert sorted(p.venue.name for p in client.get(reverse("venues_patrol_index")).context["rows"]) == [
        "木根超市", "青杠副食店"]
    listed = client.get(reverse("venues_patrol_index"), {"venue": shop.pk}).context["rows"]
    assert [p.venue.name for p in listed] == ["青杠副食店"]
    client.force_login(grid)
    listed = client.get(reverse("venues_patrol_index")).context["rows"]
    assert [p.venue.name for p in listed] == ["青杠副食店"]
    assert list(client.get(reverse("venues_patrol_index"), {"venue": mugen.pk}).context["rows"]) == []
