"""告知: a kind's safety notice and notices marked "owners must acknowledge" reach the owners of
the venues they concern (and nobody else), once; owners confirm them in the message box or,
for the safety notice, when they register; only a publication marked "new version" asks them
again; staff see the rates in their own area and remind those who have not confirmed."""

import pytest

from home.models import StandardPage
from notices.models import SafetyNoticeIndexPage, SafetyNoticePage
from tests.factories import (
    UserFactory,
    add_page,
    approve,
    make_notice,
    make_registration_page,
    make_staff,
    make_venue,
)
from tests.home.test_registration import register, url
from venues import acknowledgements
from venues.models import Acknowledgement, Message, NoticeVersion, VenueKind, VenueStatus

pytestmark = pytest.mark.django_db


def owner_of(tree, area, kind, mobile, status="approved", **fields):
    owner = UserFactory(username=mobile, mobile=mobile)
    venue = make_venue(tree[area], kind=kind, owner=owner, name=fields.pop("name", f"{kind}-{mobile}"),
                       credit_code="", licence="unlicensed", no_code_reason="无", **fields)
    if status == "approved":
        approve(venue)
    else:
        venue.status = status
        venue.save(update_fields=["status"])
    return owner, venue


@pytest.fixture
def safety_index(home):
    return add_page(home, SafetyNoticeIndexPage(title="安全告知书", slug="safety-notices"))


def safety_notice(index, kind="catering", publish=True, **fields):
    page = SafetyNoticePage(
        title=fields.pop("title", "餐饮场所安全告知书"), slug=f"safety-{kind}",
        kind=VenueKind.objects.get(slug=kind), duties="<p>经营者是第一责任人。</p>",
        risks="<p>燃气泄漏。</p>", checks="<p>检查燃气报警器。</p>", contacts="<p>火警119。</p>", **fields,
    )
    return add_page(index, page, publish=publish)


def republish(page, new_version=False, **changes):
    page = SafetyNoticePage.objects.get(pk=page.pk) if isinstance(page, SafetyNoticePage) else page.specific
    page.new_version = new_version
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


def asked(user):
    return list(Message.objects.filter(recipient=user, notice_version__isnull=False))


@pytest.fixture
def publishing(django_capture_on_commit_callbacks):
    """Run the deliveries queued on commit (the task backend is immediate in tests)."""
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)
    return run


# Who hears of a notice ------------------------------------------------------------------

def test_a_safety_notice_reaches_owners_of_its_kind_only(tree, safety_index, publishing, sms_outbox):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000001")
    grocer, _shop = owner_of(tree, "qinggang-1", "shopping", "13900000002")
    farm_owner, farm = owner_of(tree, "mugen-1", "lodging", "13900000003")
    farm.other_kinds.set([VenueKind.objects.get(slug="catering")])  # a guesthouse that serves meals
    waiting, _draft = owner_of(tree, "qinggang-1", "catering", "13900000004", status=VenueStatus.SUBMITTED)

    page = publishing(safety_notice, safety_index)

    assert NoticeVersion.objects.get(page=page).number == 1
    assert len(asked(cook)) == 1 and len(asked(farm_owner)) == 1
    assert asked(grocer) == [] and asked(waiting) == []
    assert "餐饮场所安全告知书" in asked(cook)[0].subject
    assert {text["mobile"] for text in sms_outbox} == {"13900000001", "13900000003"}


def test_a_notice_reaches_only_the_kinds_and_areas_it_names(tree, notice_index, publishing):
    inside, _v1 = owner_of(tree, "qinggang-2", "catering", "13900000011")
    other_kind, _v2 = owner_of(tree, "qinggang-1", "shopping", "13900000012")
    other_village, _v3 = owner_of(tree, "mugen-1", "catering", "13900000013")

    def publish():
        notice = make_notice(notice_index, publish=False, kinds=[VenueKind.objects.get(slug="catering")],
                             requires_acknowledgement=True, title="燃气安全通知")
        notice.areas = [tree["qinggang"]]
        notice.save_revision().publish()
        return notice

    publishing(publish)

    assert len(asked(inside)) == 1
    assert asked(other_kind) == [] and asked(other_village) == []


def test_a_notice_for_everyone_reaches_every_owner_and_one_without_the_tick_nobody(
        tree, notice_index, publishing):
    first, _v1 = owner_of(tree, "qinggang-1", "shopping", "13900000021")
    second, _v2 = owner_of(tree, "mugen-2", "medical", "13900000022")

    publishing(make_notice, notice_index, n=1, requires_acknowledgement=False)
    assert asked(first) == [] and asked(second) == []

    publishing(make_notice, notice_index, n=2, requires_acknowledgement=True)
    assert len(asked(first)) == 1 and len(asked(second)) == 1


def test_an_owner_of_several_venues_gets_one_message_naming_them(tree, safety_index, publishing):
    cook, first = owner_of(tree, "qinggang-1", "catering", "13900000031", name="第一饭店")
    second = make_venue(tree["mugen-1"], kind="catering", owner=cook, name="第二饭店", credit_code="",
                        licence="unlicensed", no_code_reason="无")
    approve(second)

    publishing(safety_notice, safety_index)

    [message] = asked(cook)
    assert "第一饭店" in message.body and "第二饭店" in message.body


# Versions --------------------------------------------------------------------------------

def test_only_a_new_version_asks_again(tree, safety_index, publishing, client):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000041")
    page = publishing(safety_notice, safety_index)
    version1 = NoticeVersion.objects.get(page=page)
    acknowledgements.confirm(cook, version1)

    # A correction of wording: the same version, nobody asked again.
    publishing(republish, page, summary="措辞修改。")
    assert NoticeVersion.objects.filter(page=page).count() == 1
    assert len(asked(cook)) == 1
    assert acknowledgements.waiting_for(cook, version1, page).count() == 0

    # A new version: everybody is asked again, and the old confirmation does not count for it.
    publishing(republish, page, new_version=True, summary="新增电动自行车要求。")
    version2 = NoticeVersion.objects.get(page=page, number=2)
    assert len(asked(cook)) == 2 and asked(cook)[0].notice_version == version2
    assert list(acknowledgements.waiting_for(cook, version2, page)) == [restaurant]

    # Published again without the tick: still version 2, no third message.
    publishing(republish, page, summary="再次修改措辞。")
    assert NoticeVersion.objects.filter(page=page).count() == 2 and len(asked(cook)) == 2


def test_the_edit_form_starts_without_new_version(tree, safety_index, admin_client):
    page = safety_notice(safety_index, new_version=True)
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    checkbox = html[html.index('name="new_version"') - 200: html.index('name="new_version"') + 200]
    assert "checked" not in checkbox


def test_an_unpublished_or_superseded_version_is_not_delivered(tree, safety_index, publishing):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000051")
    page = safety_notice(safety_index)  # its delivery, queued on commit, does not run here
    Message.objects.all().delete()
    version1 = NoticeVersion.objects.get(page=page)
    publishing(republish, page, new_version=True)
    Message.objects.all().delete()
    assert acknowledgements.deliver(version1) == []  # superseded by version 2
    page.specific.unpublish()
    assert acknowledgements.deliver(NoticeVersion.objects.get(page=page, number=2)) == []
    assert asked(cook) == []


# Owners confirm --------------------------------------------------------------------------

def test_an_owner_confirms_in_the_message_box_once(tree, safety_index, publishing, client):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000061")
    publishing(safety_notice, safety_index)
    [message] = asked(cook)
    client.force_login(cook)

    home = client.get("/owner/").content.decode()
    assert "餐饮场所安全告知书" in home  # waiting for confirmation on the owner's home
    page = client.get(f"/owner/messages/{message.pk}/").content.decode()
    assert f"/owner/messages/{message.pk}/acknowledge/" in page
    message.refresh_from_db()
    assert message.read_at is None  # unread until confirmed

    for _twice in range(2):  # a double click
        response = client.post(f"/owner/messages/{message.pk}/acknowledge/")
        assert response.status_code == 302
    assert Acknowledgement.objects.filter(venue=restaurant).count() == 1
    message.refresh_from_db()
    assert message.read_at is not None
    assert "餐饮场所安全告知书" not in client.get("/owner/").content.decode().split("<h2")[0:2][-1]
    assert f"/owner/messages/{message.pk}/acknowledge/" not in client.get(
        f"/owner/messages/{message.pk}/").content.decode()


def test_another_owner_cannot_confirm_someone_elses_message(tree, safety_index, publishing, client):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000071")
    stranger, _shop = owner_of(tree, "qinggang-1", "catering", "13900000072")
    publishing(safety_notice, safety_index)
    [message] = asked(cook)
    client.force_login(stranger)
    assert client.post(f"/owner/messages/{message.pk}/acknowledge/").status_code == 404
    assert not Acknowledgement.objects.filter(venue=restaurant).exists()


def test_registration_asks_for_the_kinds_safety_notice_and_records_it(tree, home, safety_index, client):
    make_registration_page(home)
    owner = UserFactory(username="13900000081", mobile="13900000081")
    client.force_login(owner)
    page = safety_notice(safety_index, kind="shopping", title="购物场所安全告知书")
    venue = register(client, tree)

    html = client.get(url(venue, "declare")).content.decode()
    assert "购物场所安全告知书" in html and 'name="safety_notice"' in html
    response = client.post(url(venue, "declare"), {"declaration": "on", "privacy": "on"})
    assert response.status_code == 200 and 'id="id_safety_notice-error"' in response.content.decode()
    venue.refresh_from_db()
    assert venue.status == VenueStatus.DRAFT

    response = client.post(url(venue, "declare"),
                           {"declaration": "on", "privacy": "on", "safety_notice": "on"})
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUBMITTED
    assert Acknowledgement.objects.get(venue=venue).version == NoticeVersion.objects.get(page=page)


def test_the_public_card_shows_the_current_notice_of_its_kinds(tree, safety_index, client):
    _cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000091")
    page = safety_notice(safety_index)
    html = client.get(f"/v/{restaurant.public_code}/").content.decode()
    assert "餐饮场所安全告知书" in html and page.url in html


# Staff: rates and reminders ----------------------------------------------------------------

def test_rates_count_only_the_staff_members_area_by_village_and_kind(tree, safety_index, publishing):
    cook, first = owner_of(tree, "qinggang-1", "catering", "13900000101")
    _late, _second = owner_of(tree, "qinggang-2", "catering", "13900000102")
    _far, _third = owner_of(tree, "mugen-1", "catering", "13900000103")
    page = publishing(safety_notice, safety_index)
    version = NoticeVersion.objects.get(page=page)
    acknowledgements.confirm(cook, version)

    village = make_staff(tree["qinggang"])
    total, villages = acknowledgements.rates(village, version, page)
    assert (total.total, total.done, total.percent) == (2, 1, 50)
    assert [(row.label, row.total, row.done) for row in villages] == [("青杠村", 2, 1)]

    town = make_staff(tree["town"])
    total, villages = acknowledgements.rates(town, version, page)
    assert (total.total, total.done) == (3, 1)
    by_village = {row.label: row for row in villages}
    assert {label: (row.total, row.done) for label, row in by_village.items()} == {
        "青杠村": (2, 1), "木根村": (1, 0)}
    assert by_village["青杠村"].kinds["餐饮场所"].total == 2


def test_a_reminder_reaches_those_who_have_not_confirmed_once_a_day(tree, safety_index, publishing, client,
                                                                     sms_outbox):
    cook, _first = owner_of(tree, "qinggang-1", "catering", "13900000111")
    late, _second = owner_of(tree, "qinggang-2", "catering", "13900000112")
    far, _third = owner_of(tree, "mugen-1", "catering", "13900000113")
    page = publishing(safety_notice, safety_index)
    version = NoticeVersion.objects.get(page=page)
    acknowledgements.confirm(cook, version)
    assert Message.objects.count() == 3
    Message.objects.update(created_at="2020-01-01T00:00:00Z")  # told long ago

    client.force_login(make_staff(tree["qinggang"]))
    response = publishing(client.post, f"/admin/venues/acknowledgements/{version.pk}/remind/")
    assert response.status_code == 302
    assert [m.recipient for m in Message.objects.filter(created_at__gt="2021-01-01T00:00:00Z")] == [late]
    assert sms_outbox[-1]["mobile"] == "13900000112"
    publishing(client.post, f"/admin/venues/acknowledgements/{version.pk}/remind/")  # again today
    assert Message.objects.filter(recipient=late).count() == 2  # the first message and one reminder
    assert Message.objects.filter(recipient=far).count() == 1
    assert Message.objects.filter(recipient=cook).count() == 1


def test_staff_see_the_rates_page_and_the_waiting_venues(tree, safety_index, client):
    _cook, first = owner_of(tree, "qinggang-1", "catering", "13900000121", name="青杠饭店")
    _far, _other = owner_of(tree, "mugen-1", "catering", "13900000122", name="木根饭店")
    page = safety_notice(safety_index)
    version = NoticeVersion.objects.get(page=page)
    client.force_login(make_staff(tree["qinggang"]))
    index = client.get("/admin/venues/acknowledgements/").content.decode()
    assert "餐饮场所安全告知书" in index
    detail = client.get(f"/admin/venues/acknowledgements/{version.pk}/").content.decode()
    assert "青杠饭店" in detail and "木根饭店" not in detail
    nobody = client.get(f"/admin/venues/acknowledgements/{version.pk}/?show=done").content.decode()
    assert "青杠饭店" not in nobody
    acknowledgements.acknowledge(_cook, version, [first])
    done = client.get(f"/admin/venues/acknowledgements/{version.pk}/?show=done").content.decode()
    assert "青杠饭店" in done and "木根饭店" not in done
    waiting = client.get(f"/admin/venues/acknowledgements/{version.pk}/").content.decode()
    assert "青杠饭店</a>" not in waiting


def test_a_general_page_is_not_a_notice(home):
    page = add_page(home, StandardPage(title="关于我们", slug="about"))
    assert acknowledgements.published(page) is None


def test_a_venue_approved_later_is_asked_to_confirm_the_current_notices(tree, safety_index, notice_index,
                                                                        publishing, sms_outbox):
    safety_notice(safety_index)
    make_notice(notice_index, requires_acknowledgement=True, title="全镇通知")
    owner, shop = owner_of(tree, "qinggang-1", "catering", "13900000131", status=VenueStatus.SUBMITTED)
    reviewer = make_staff(tree["qinggang"])
    from venues.workflows.registration import perform

    publishing(perform, shop, "approve", reviewer)
    titles = {message.notice_version.title for message in asked(owner)}
    assert titles == {"餐饮场所安全告知书", "全镇通知"}
    assert "13900000131" in {text["mobile"] for text in sms_outbox}


def test_a_venue_that_confirmed_at_registration_is_not_asked_again_on_approval(tree, safety_index):
    page = safety_notice(safety_index)
    owner, shop = owner_of(tree, "qinggang-1", "catering", "13900000141", status=VenueStatus.SUBMITTED)
    acknowledgements.acknowledge(owner, NoticeVersion.objects.get(page=page), [shop])
    from venues.workflows.registration import perform

    perform(shop, "approve", make_staff(tree["qinggang"]))
    assert asked(owner) == []


def test_the_index_counts_every_notice_in_one_query(tree, safety_index, notice_index,
                                                   django_assert_max_num_queries):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000151")
    _grocer, _shop = owner_of(tree, "qinggang-2", "shopping", "13900000152")
    _far, _other = owner_of(tree, "mugen-1", "catering", "13900000153")
    safety_page = safety_notice(safety_index)
    general_page = make_notice(notice_index, requires_acknowledgement=True)
    safety = NoticeVersion.objects.get(page=safety_page)
    general = NoticeVersion.objects.get(page=general_page)
    acknowledgements.confirm(cook, safety)
    staff = make_staff(tree["qinggang"])
    # The person's areas and office, each page and its kinds and areas, and one count over the
    # venues in scope, however many notices.
    with django_assert_max_num_queries(7):
        found = acknowledgements.overall_rates(staff, [(safety_page, safety), (general_page, general)])
    assert (found[safety.pk].total, found[safety.pk].done) == (1, 1)
    assert (found[general.pk].total, found[general.pk].done) == (2, 0)
    for page, version in ((safety_page, safety), (general_page, general)):
        total, _villages = acknowledgements.rates(staff, version, page)
        assert (total.total, total.done) == (found[version.pk].total, found[version.pk].done)


def test_publishing_the_same_ticked_revision_again_makes_no_new_version(tree, safety_index, publishing):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000161")
    page = publishing(safety_notice, safety_index)
    page = publishing(republish, page, new_version=True)
    assert NoticeVersion.objects.filter(page=page).count() == 2
    page.unpublish()
    publishing(page.get_latest_revision().publish)  # as the page list's bulk "publish" does
    assert NoticeVersion.objects.filter(page=page).count() == 2
    assert len(asked(cook)) == 2


def test_a_new_version_retires_the_old_request_and_an_old_one_cannot_be_confirmed(
        tree, safety_index, publishing, client):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000171")
    page = publishing(safety_notice, safety_index)
    [old] = asked(cook)
    publishing(republish, page, new_version=True)
    old.refresh_from_db()
    assert old.read_at is not None  # no longer "to confirm"
    client.force_login(cook)
    response = client.post(f"/owner/messages/{old.pk}/acknowledge/", follow=True)
    assert not Acknowledgement.objects.exists()
    assert "已有新版本" in response.content.decode() or "replaced" in response.content.decode()
    new = asked(cook)[0]
    assert "第2版" in new.subject
    client.post(f"/owner/messages/{new.pk}/acknowledge/")
    assert Acknowledgement.objects.get(venue=restaurant).version.number == 2


def test_the_notice_is_shown_in_the_message_to_read_it_there(tree, safety_index, publishing, client):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000181")
    publishing(safety_notice, safety_index)
    client.force_login(cook)
    html = client.get(f"/owner/messages/{asked(cook)[0].pk}/").content.decode()
    assert "检查燃气报警器" in html and "燃气泄漏" in html  # the notice's own text


def test_a_new_operator_and_a_new_kind_are_asked_for_the_notices(tree, safety_index, publishing):
    from venues.workflows.registration import change_details

    grocer, shop = owner_of(tree, "qinggang-1", "shopping", "13900000191")
    safety_notice(safety_index)  # catering: nothing for the shop yet
    newcomer = UserFactory(username="13900000192", mobile="13900000192")
    staff = make_staff(tree["qinggang"])
    publishing(change_details, shop, staff, {"operator_name": "新人", "operator_mobile": "13900000192"}, "")
    assert asked(newcomer) == [] and asked(grocer) == []  # no notice for shops
    publishing(change_details, shop, staff, {}, "", add_kind=VenueKind.objects.get(slug="catering"))
    assert len(asked(newcomer)) == 1 and len(asked(grocer)) == 1


def test_a_deleted_notice_keeps_who_confirmed_it(tree, safety_index, publishing):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000201")
    page = publishing(safety_notice, safety_index)
    version = NoticeVersion.objects.get(page=page)
    acknowledgements.confirm(cook, version)
    page.delete()
    version.refresh_from_db()
    assert version.page is None and version.title == "餐饮场所安全告知书"
    assert Acknowledgement.objects.filter(venue=restaurant, version=version).exists()
    assert acknowledgements.pending_messages(cook) == []


def test_the_new_pages_take_the_same_queries_as_data_grows(tree, safety_index, notice_index, publishing):
    import uuid

    from django.test import Client

    from tests.factories import make_member
    from tests.venues.test_query_counts_pages import queries
    from venues.roles import TOWN_OFFICE
    from venues.workflows import reports

    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000211")
    page = publishing(safety_notice, safety_index)
    publishing(make_notice, notice_index, requires_acknowledgement=True)
    version = NoticeVersion.objects.get(page=page)
    report = reports.file(cook, restaurant, "guidance", {"details": "请来指导"}, uuid.uuid4())
    message = asked(cook)[0]
    staff = make_member(TOWN_OFFICE, tree["town"])
    made = []

    def grow(count):
        for n in range(count):
            mobile = f"139000030{len(made):02d}"
            owner, venue = owner_of(tree, "qinggang-2" if n % 2 else "mugen-1", "catering", mobile)
            made.append(reports.file(owner, venue, "works" if n % 2 else "guidance", {"details": "作业"},
                                     uuid.uuid4()))
            if n % 2:
                acknowledgements.acknowledge(owner, version, [venue])

    def measure():
        as_owner, as_staff = Client(), Client()
        as_owner.force_login(cook)
        as_staff.force_login(staff)
        return {
            "owner home": queries(as_owner, "/owner/"),
            "message": queries(as_owner, f"/owner/messages/{message.pk}/"),
            "owner reports": queries(as_owner, "/owner/reports/"),
            "owner report": queries(as_owner, f"/owner/reports/{report.pk}/"),
            "staff reports": queries(as_staff, "/admin/venues/reports/?show=all"),
            "staff report": queries(as_staff, f"/admin/venues/reports/{report.pk}/"),
            "notices index": queries(as_staff, "/admin/venues/acknowledgements/"),
            "notice rates": queries(as_staff, f"/admin/venues/acknowledgements/{version.pk}/"),
        }

    grow(2)
    few = measure()
    grow(6)
    assert measure() == few


def test_registering_a_second_venue_confirms_the_first_too_and_leaves_nothing_hidden(
        tree, home, safety_index, publishing, client):
    make_registration_page(home)
    owner, first = owner_of(tree, "qinggang-1", "shopping", "13900000221")
    page = publishing(safety_notice, safety_index, kind="shopping", title="购物场所安全告知书")
    assert len(asked(owner)) == 1
    client.force_login(owner)
    venue = register(client, tree)
    client.post(url(venue, "declare"), {"declaration": "on", "privacy": "on", "safety_notice": "on"})
    version = NoticeVersion.objects.get(page=page)
    assert set(Acknowledgement.objects.filter(version=version).values_list("venue", flat=True)) == {
        venue.pk, first.pk}  # the same text, read once, for both
    assert acknowledgements.pending_messages(owner) == []


def test_unpublishing_and_publishing_again_asks_nobody_again(tree, safety_index, publishing, admin_client):
    cook, _restaurant = owner_of(tree, "qinggang-1", "catering", "13900000231")
    page = publishing(safety_notice, safety_index)
    page = publishing(republish, page, new_version=True)
    page.unpublish()
    html = admin_client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    checkbox = html[html.index('name="new_version"') - 200: html.index('name="new_version"') + 200]
    assert "checked" not in checkbox  # the published revision's tick is not carried over


def test_an_alias_of_a_notice_asks_nobody(tree, notice_index, publishing):
    owner, _shop = owner_of(tree, "qinggang-1", "shopping", "13900000241")
    notice = publishing(make_notice, notice_index, requires_acknowledgement=True)
    publishing(notice.create_alias, update_slug="notice-alias")
    assert len(asked(owner)) == 1 and NoticeVersion.objects.count() == 1


def test_a_venue_moved_into_a_notices_area_is_asked(tree, notice_index, publishing):
    from venues.workflows.registration import move

    owner, shop = owner_of(tree, "mugen-1", "shopping", "13900000251")

    def publish():
        notice = make_notice(notice_index, publish=False, requires_acknowledgement=True)
        notice.areas = [tree["qinggang"]]
        notice.save_revision().publish()

    publishing(publish)
    assert asked(owner) == []
    town = make_staff(tree["town"], permissions=("move_venue", "view_venue"))
    move(shop, tree["qinggang-2"], town, "划错村")
    assert len(asked(owner)) == 1


def test_only_those_who_confirmed_before_are_told_the_notice_changed(tree, safety_index, publishing):
    cook, restaurant = owner_of(tree, "qinggang-1", "catering", "13900000261")
    page = publishing(safety_notice, safety_index)
    acknowledgements.confirm(cook, NoticeVersion.objects.get(page=page))
    publishing(republish, page, new_version=True)
    newcomer, _other = owner_of(tree, "qinggang-2", "catering", "13900000262")
    publishing(acknowledgements.ask_for_venue, _other)
    assert "已更新" in asked(cook)[0].body
    assert "已更新" not in asked(newcomer)[0].body
