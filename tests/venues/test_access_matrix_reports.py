"""The access matrix of owners' reports (报告) and acknowledged notices (告知): every new owner
and back-office URL, for anonymous visitors, the venue's holders (owner and operator account),
other owners, an editor and each staff role in and out of the venue's area, against an outcome
declared per URL pattern; then what each of them actually sees or changes there: which reports
are listed, whose reminder reaches whom, and which venues each village's figures count.

The world (see ``world``): a 青杠村 shop held by ``owner`` (with ``operator`` named on it) that
filed a report; a 木根村 shop held by ``mg_owner`` that filed one too; more shops in both
villages, none held; and the shopping kind's 安全告知书, published and delivered, that one
青杠村 shop has acknowledged."""

import uuid
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

import pytest

from home.roles import EDITORS
from notices.models import SafetyNoticeIndexPage, SafetyNoticePage
from tests.factories import UserFactory, add_page, make_member, make_venue
from tests.venues.test_access_matrix import EXPECTED as EARLIER_EXPECTED
from tests.venues.test_access_matrix import our_patterns
from venues import acknowledgements
from venues.models import (
    Acknowledgement,
    Message,
    NoticeVersion,
    OwnerReport,
    ReportEvent,
    ReportKind,
    ReportStatus,
    VenueKind,
    VenueStatus,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
# A member of staff (or an editor) signed in on the owner site: "this is the owners' site".
STAFF_HERE = "staff page"

HOLDERS = ("owner", "operator")
OTHER_OWNERS = ("other_owner", "mg_owner")
OWNERS = (*HOLDERS, *OTHER_OWNERS)
BACK_OFFICE = ("editor", "qg_staff", "mg_staff", "qg_grid", "leader", "town", "lead_catering", "superuser")
ROLES = ["anonymous", *OWNERS, *BACK_OFFICE]


def owner_site(holders, others):
    """An owner page: anonymous visitors sign in; back-office people are shown the way to the
    back office; holders and other owners as given."""
    return {"anonymous": LOGIN, **dict.fromkeys(BACK_OFFICE, STAFF_HERE),
            **dict.fromkeys(HOLDERS, holders), **dict.fromkeys(OTHER_OWNERS, others)}


def back_office(**staff):
    """A back-office page: anonymous visitors and owners are sent to Wagtail's sign-in; an
    editor (no staff profile, no venue rights) is refused; staff as given."""
    return {"anonymous": LOGIN, **dict.fromkeys(OWNERS, LOGIN), "editor": FORBIDDEN, **staff}


# Reports are handled by 村（社区）工作人员 and 镇应急办 (handle_ownerreport), within their area;
# grid workers, leaders and lead offices do not handle them.
REPORT_HANDLERS = back_office(qg_staff=OK, mg_staff=NOT_FOUND, qg_grid=FORBIDDEN, leader=FORBIDDEN,
                              town=OK, lead_catering=FORBIDDEN, superuser=OK)
# Acknowledgement figures: anyone with view_venue (every staff role), each within their scope.
ACK_VIEWERS = back_office(**dict.fromkeys(BACK_OFFICE[1:], OK))

# pattern name → (method, expected outcome per role)
EXPECTED = {
    "owner:reports": ("get", owner_site(OK, OK)),
    # Another owner gets the page too (their own venues, or "none of your venues can make
    # this report"); which venues it offers is checked below.
    "owner:report_new": ("get", owner_site(OK, OK)),
    "owner:report": ("get", owner_site(OK, NOT_FOUND)),
    # The owner's own message: nobody else's message box holds it, not even the operator's.
    "owner:message_acknowledge": ("post", {**owner_site(OK, NOT_FOUND), "operator": NOT_FOUND}),
    # The list is open to every handler; 木根村's staff see it without 青杠村's report.
    "venues_report_index": ("get", {**REPORT_HANDLERS, "mg_staff": OK}),
    "venues_report_detail": ("get", REPORT_HANDLERS),
    "venues_acknowledgement_index": ("get", ACK_VIEWERS),
    "venues_acknowledgement_detail": ("get", ACK_VIEWERS),
    # Reminding needs review_venue: grid workers and leaders only read.
    "venues_acknowledgement_remind": ("post", back_office(
        qg_staff=OK, mg_staff=OK, qg_grid=FORBIDDEN, leader=FORBIDDEN, town=OK, lead_catering=OK,
        superuser=OK)),
}


def test_every_new_pattern_has_a_declared_outcome():
    """Together with tests/venues/test_access_matrix.py and the matrices of issues 10 to 12, every venue
    and owner URL is declared."""
    from tests.venues import test_access_matrix_dashboard as dashboard
    from tests.venues import test_access_matrix_patrols as patrols
    from tests.venues import test_access_matrix_public_reports as public_reports
    from tests.venues import test_access_matrix_scorecards as scorecards
    from tests.venues import test_access_matrix_tasks as tasks
    from tests.venues import test_analysis_access as analysis
    from tests.venues import test_cases_views as cases
    from tests.venues import test_integrity_views as integrity

    later = {*patrols.EXPECTED, *public_reports.EXPECTED, *tasks.EXPECTED, *dashboard.EXPECTED,
             *scorecards.EXPECTED, *integrity.EXPECTED, *cases.EXPECTED, "owner:serious_case",
             *analysis.EXPECTED}
    assert set(EXPECTED) == our_patterns() - set(EARLIER_EXPECTED) - later


# The world ---------------------------------------------------------------------------------

@pytest.fixture
def people(tree):
    member = make_member
    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "operator": UserFactory(username="shop-operator", mobile="13900000033"),
        "other_owner": UserFactory(username="other-owner", mobile="13900000022"),
        "mg_owner": UserFactory(username="mugen-owner", mobile="13900000044"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": member(GRID_WORKER, tree["qinggang-1"]),
        "leader": member(LEADER, tree["town"]),
        "town": member(TOWN_OFFICE, tree["town"]),
        "lead_catering": member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


QG_SHOP, QG_SHOP_2 = "青杠便民副食店", "青杠百货"
MG_SHOP, MG_SHOP_2, MG_SHOP_3 = "木根杂货铺", "木根超市", "木根小卖部"


def _safety_notice(home, kind_slug="shopping", publish=True):
    index = SafetyNoticeIndexPage.objects.first() or add_page(
        home, SafetyNoticeIndexPage(title="安全告知书", slug="safety-notices"))
    kind = VenueKind.objects.get(slug=kind_slug)
    return add_page(index, SafetyNoticePage(
        title=f"{kind.name}安全告知书", slug=f"safety-{kind_slug}", kind=kind, summary="购物场所的安全责任。",
        duties="<p>经营者是第一责任人。</p>", risks="<p>货物堆放堵塞通道。</p>",
        checks="<p>灭火器在绿区。</p>", contacts="<p>火警 119。</p>"), publish=publish)


@pytest.fixture
def world(tree, people, home):
    shop = make_venue(tree["qinggang-1"], "shopping", status=VenueStatus.APPROVED, name=QG_SHOP,
                      owner=people["owner"])
    shop.operators.add(people["operator"])
    qg_shop_2 = make_venue(tree["qinggang-2"], "shopping", status=VenueStatus.APPROVED, name=QG_SHOP_2)
    mg_shop = make_venue(tree["mugen-1"], "shopping", status=VenueStatus.APPROVED, name=MG_SHOP,
                         owner=people["mg_owner"])
    make_venue(tree["mugen-2"], "shopping", status=VenueStatus.APPROVED, name=MG_SHOP_2)
    make_venue(tree["mugen-2"], "shopping", status=VenueStatus.APPROVED, name=MG_SHOP_3)
    # A 青杠村 restaurant: the shopping notice does not concern it.
    make_venue(tree["qinggang-1"], "catering", status=VenueStatus.APPROVED, name="青杠小面馆")

    from venues.workflows import reports

    report = reports.file(people["owner"], shop, ReportKind.GUIDANCE,
                          {"details": "想请村里来看看灭火器放哪里"}, uuid.uuid4())
    mg_report = reports.file(people["mg_owner"], mg_shop, ReportKind.GUIDANCE,
                             {"details": "木根的店请来指导"}, uuid.uuid4())

    notice = _safety_notice(home)
    version = acknowledgements.current_version(notice)
    Acknowledgement.objects.create(version=version, venue=qg_shop_2)
    delivered = acknowledgements.deliver(version)
    # Delivered two days ago, so that a reminder today goes out.
    Message.objects.update(created_at=timezone.now() - timedelta(days=2))
    return {"shop": shop, "mg_shop": mg_shop, "report": report, "mg_report": mg_report, "notice": notice,
            "version": version, "messages": {m.recipient.username: m for m in delivered}}


def test_the_world_is_as_described(people, world):
    """The notice was delivered to the three holders of concerned shops, once each."""
    assert world["version"].number == 1
    assert sorted(world["messages"]) == ["mugen-owner", "shop-operator", "shop-owner"]
    assert OwnerReport.objects.count() == 2


def url_for(name, world):
    kwargs = {
        "owner:report_new": {"kind": ReportKind.GUIDANCE},
        "owner:report": {"report_id": world["report"].pk},
        "owner:message_acknowledge": {"message_id": world["messages"]["shop-owner"].pk},
        "venues_report_detail": {"report_id": world["report"].pk},
        "venues_acknowledgement_detail": {"version_id": world["version"].pk},
        "venues_acknowledgement_remind": {"version_id": world["version"].pk},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def outcome(response):
    if response.status_code == 200 and "owner/staff_here.html" in {t.name for t in response.templates}:
        return STAFF_HERE
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        # Wagtail sends someone without the permission to the dashboard; a done action goes
        # on to its page.
        return FORBIDDEN if location.rstrip("/").endswith("/admin") else OK
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, response.status_code)


def sign_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


# The matrix --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, people, world, name, role):
    sign_in(client, people[role])
    method, expected = EXPECTED[name]
    url = url_for(name, world)
    before = set(Message.objects.values_list("pk", flat=True))
    acknowledged_before = set(Acknowledgement.objects.values_list("pk", flat=True))
    response = getattr(client, method)(url)
    assert outcome(response) == expected[role], f"{role} {method.upper()} {url}"
    new_messages = Message.objects.exclude(pk__in=before)
    if name != "venues_acknowledgement_remind":
        assert not new_messages.exists(), f"{role} {url} sent messages"
    if name != "owner:message_acknowledge" or role != "owner":
        assert set(Acknowledgement.objects.values_list("pk", flat=True)) == acknowledged_before


# What each person sees or changes ------------------------------------------------------------

# Who sees each report: its venue's holders, and handlers whose area covers the venue.
SEES_QG_REPORT = {"owner", "operator", "qg_staff", "town", "superuser"}
SEES_MG_REPORT = {"mg_owner", "mg_staff", "town", "superuser"}


@pytest.mark.parametrize("name", ["owner:reports", "venues_report_index"])
@pytest.mark.parametrize("role", ROLES)
def test_report_lists_show_only_the_reports_in_reach(client, people, world, name, role):
    sign_in(client, people[role])
    for params in ({}, {"show": "all"}, {"kind": ReportKind.GUIDANCE}):
        response = client.get(reverse(name), params)
        if outcome(response) != OK:
            continue
        html = response.content.decode()
        assert (QG_SHOP in html) == (role in SEES_QG_REPORT), f"{role} {name} {params}"
        assert (MG_SHOP in html) == (role in SEES_MG_REPORT), f"{role} {name} {params}"
        detail = reverse("owner:report" if name.startswith("owner:") else "venues_report_detail",
                         args=[world["report"].pk])
        assert (detail in html) == (role in SEES_QG_REPORT)


@pytest.mark.parametrize("role", ROLES)
def test_report_detail_shows_the_report_to_those_in_reach(client, people, world, role):
    """The report's own page, on either site, for each report: shown exactly to those who see it."""
    sign_in(client, people[role])
    for report, sees in ((world["report"], SEES_QG_REPORT), (world["mg_report"], SEES_MG_REPORT)):
        for name in ("owner:report", "venues_report_detail"):
            response = client.get(reverse(name, args=[report.pk]))
            shown = outcome(response) == OK
            assert shown == (role in sees and (name == "owner:report") == (role in OWNERS)), \
                f"{role} {name} {report.venue.name}"
            if shown:
                assert report.venue.name in response.content.decode()
                assert report.details in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_report_form_offers_only_the_persons_own_venues(client, people, world, role):
    sign_in(client, people[role])
    response = client.get(reverse("owner:report_new", args=[ReportKind.GUIDANCE]))
    if role == "anonymous" or role in BACK_OFFICE:
        assert outcome(response) == EXPECTED["owner:report_new"][1][role]
        return
    html = response.content.decode()
    templates = {t.name for t in response.templates}
    assert (QG_SHOP in html) == (role in HOLDERS)
    assert (MG_SHOP in html) == (role == "mg_owner")
    assert ("owner/report_none.html" in templates) == (role == "other_owner")
    # A kind of report that does not exist is not found, whoever asks.
    assert client.get("/owner/reports/new/demolition/").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_a_holder_files_a_report_about_the_shop(client, people, world, role):
    """Posting the form with the 青杠村 shop chosen files a report about it only for its holders."""
    sign_in(client, people[role])
    shop = world["shop"]
    before = set(OwnerReport.objects.values_list("pk", flat=True))
    response = client.post(reverse("owner:report_new", args=[ReportKind.GUIDANCE]), {
        "venue": shop.pk, "details": "请来看看新买的灭火器", "submission_id": uuid.uuid4()})
    filed = OwnerReport.objects.exclude(pk__in=before)
    if role in HOLDERS:
        report = filed.get()
        assert (report.venue, report.reporter) == (shop, people[role])
        assert response["Location"] == reverse("owner:report", args=[report.pk])
    else:
        assert not filed.exists(), role
        expected = {"anonymous": LOGIN, **dict.fromkeys(BACK_OFFICE, STAFF_HERE)}.get(role, OK)
        assert outcome(response) == expected


HANDLES_QG_REPORT = {"qg_staff", "town", "superuser"}


@pytest.mark.parametrize("step", ["accept", "visit", "answer"])
@pytest.mark.parametrize("role", ROLES)
def test_only_handlers_in_scope_act_on_a_report(client, people, world, role, step):
    sign_in(client, people[role])
    report = world["report"]
    data = {"step": step, "accept-note": "收到", "visit-note": "上午来", "answer-answer": "已上门指导",
            "visit-visit_on": f"{timezone.localdate() + timedelta(days=3)}"}
    before = set(Message.objects.values_list("pk", flat=True))
    response = client.post(reverse("venues_report_detail", args=[report.pk]), data)
    assert outcome(response) == REPORT_HANDLERS[role], role
    report.refresh_from_db()
    told = Message.objects.exclude(pk__in=before)
    if role in HANDLES_QG_REPORT:
        assert report.status == {"accept": ReportStatus.ACCEPTED, "visit": ReportStatus.ACCEPTED,
                                 "answer": ReportStatus.DONE}[step]
        assert {m.recipient for m in told} == {people["owner"], people["operator"]}
    else:
        assert report.status == ReportStatus.SUBMITTED
        assert report.visit_on is None and report.answer == ""
        assert list(ReportEvent.objects.filter(report=report).values_list("action", flat=True)) == ["filed"]
        assert not told.exists()


def test_after_a_change_of_operator_the_report_follows_the_venue_holders(client, people, world):
    """The owner reports a new operator who has an account; once 青杠村's staff update the
    register, the new operator sees the venue's reports and the previous one no longer does."""
    newcomer = UserFactory(username="new-operator", mobile="13900000055")
    client.force_login(people["owner"])
    response = client.post(reverse("owner:report_new", args=[ReportKind.OPERATOR]), {
        "venue": world["shop"].pk, "new_operator_name": "李四", "new_operator_mobile": newcomer.mobile,
        "submission_id": uuid.uuid4()})
    report = OwnerReport.objects.get(kind=ReportKind.OPERATOR)
    assert response["Location"] == reverse("owner:report", args=[report.pk])
    for role, user in (("operator", people["operator"]), ("newcomer", newcomer)):
        client.force_login(user)
        assert client.get(reverse("owner:report", args=[report.pk])).status_code == (
            200 if role == "operator" else 404), role

    client.force_login(people["qg_staff"])
    response = client.post(reverse("venues_report_detail", args=[report.pk]),
                           {"step": "answer", "answer-apply_change": "on", "answer-answer": "已更新"})
    assert outcome(response) == OK
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert list(world["shop"].operators.all()) == [newcomer]
    for role, user, expected in (("previous operator", people["operator"], 404), ("newcomer", newcomer, 200),
                                 ("owner", people["owner"], 200)):
        client.force_login(user)
        for other in (report, world["report"]):
            assert client.get(reverse("owner:report", args=[other.pk])).status_code == expected, role
        listed = client.get(reverse("owner:reports")).content.decode()
        assert (QG_SHOP in listed) == (expected == 200), role


# Acknowledging a notice ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_acknowledging_records_only_the_persons_own_venues(client, people, world, role):
    """Each person posts the acknowledgement of each delivered message: a holder confirms their
    own message for their own venue; nobody confirms through another's message."""
    sign_in(client, people[role])
    version = world["version"]
    for recipient, message in world["messages"].items():
        own = people[role].is_authenticated and message.recipient_id == people[role].pk
        response = client.post(reverse("owner:message_acknowledge", args=[message.pk]))
        expected = (OK if own else NOT_FOUND) if role in OWNERS else owner_site(OK, OK)[role]
        assert outcome(response) == expected, f"{role} → message of {recipient}"
    acknowledged = set(Acknowledgement.objects.filter(version=version, user__isnull=False)
                       .values_list("venue__name", "user__username"))
    assert acknowledged == {
        "owner": {(QG_SHOP, "shop-owner")}, "operator": {(QG_SHOP, "shop-operator")},
        "mg_owner": {(MG_SHOP, "mugen-owner")},
    }.get(role, set()), role


def test_acknowledging_needs_a_post(client, people, world):
    client.force_login(people["owner"])
    response = client.get(reverse("owner:message_acknowledge", args=[world["messages"]["shop-owner"].pk]))
    assert response.status_code == 405
    assert not Acknowledgement.objects.filter(venue=world["shop"]).exists()


# Acknowledgement figures and reminders -------------------------------------------------------------

# (venues concerned, acknowledged) in each person's scope, for the shopping notice; and per
# village. 青杠村: two shops, one acknowledged; 木根村: three shops, none; the restaurant is not
# concerned.
FIGURES = {
    "qg_staff": ((2, 1), [("青杠村", 2, 1)]),
    "mg_staff": ((3, 0), [("木根村", 3, 0)]),
    "qg_grid": ((1, 0), [("青杠村", 1, 0)]),
    "leader": ((5, 1), [("青杠村", 2, 1), ("木根村", 3, 0)]),
    "town": ((5, 1), [("青杠村", 2, 1), ("木根村", 3, 0)]),
    "lead_catering": ((0, 0), []),
    "superuser": ((5, 1), [("青杠村", 2, 1), ("木根村", 3, 0)]),
}
WAITING = {
    "qg_staff": {QG_SHOP}, "mg_staff": {MG_SHOP, MG_SHOP_2, MG_SHOP_3}, "qg_grid": {QG_SHOP},
    "leader": {QG_SHOP, MG_SHOP, MG_SHOP_2, MG_SHOP_3}, "town": {QG_SHOP, MG_SHOP, MG_SHOP_2, MG_SHOP_3},
    "lead_catering": set(), "superuser": {QG_SHOP, MG_SHOP, MG_SHOP_2, MG_SHOP_3},
}
ALL_SHOPS = {QG_SHOP, QG_SHOP_2, MG_SHOP, MG_SHOP_2, MG_SHOP_3}


@pytest.mark.parametrize("role", sorted(FIGURES))
def test_acknowledgement_figures_count_only_the_persons_scope(client, people, world, tree, role):
    client.force_login(people[role])
    (total, done), villages = FIGURES[role]

    index = client.get(reverse("venues_acknowledgement_index"))
    [row] = index.context["rows"]
    assert (row["rate"].total, row["rate"].done) == (total, done)

    # The detail, unfiltered and asked for each village (another village's id shows nothing of it).
    for area in ("", tree["qinggang"].pk, tree["mugen"].pk, tree["town"].pk, "abc"):
        response = client.get(reverse("venues_acknowledgement_detail", args=[world["version"].pk]),
                              {"area": area} if area != "" else {})
        assert response.status_code == 200
        assert (response.context["total"].total, response.context["total"].done) == (total, done)
        assert (sorted((v.label, v.total, v.done) for v in response.context["villages"])
                == sorted(villages)), f"{role} area={area}"
        listed = {venue.name for venue in response.context["page"]}
        chosen = response.context["area"]
        expected = {name for name in WAITING[role]
                    if chosen is None or name.startswith({tree["qinggang"].pk: "青杠",
                                                          tree["mugen"].pk: "木根"}.get(chosen.pk, ""))}
        assert listed == expected, f"{role} area={area}"
        html = response.content.decode()
        for name in ALL_SHOPS - WAITING[role]:
            assert name not in html, f"{role} area={area} shows {name}"


# Who a reminder posted without a village reaches (the holders of concerned venues in scope
# that have not acknowledged it), and with each village chosen.
REMINDED = {
    # 木根村's id from 青杠村's staff narrows nothing: their own holders are reminded.
    "qg_staff": dict.fromkeys(["", "qinggang", "mugen"], {"owner", "operator"}),
    # 青杠村's id from 木根村's staff is not theirs: it narrows nothing, and reaches no 青杠村 holder.
    "mg_staff": {"": {"mg_owner"}, "qinggang": {"mg_owner"}, "mugen": {"mg_owner"}},
    "town": {"": {"owner", "operator", "mg_owner"}, "qinggang": {"owner", "operator"}, "mugen": {"mg_owner"}},
    "superuser": {"": {"owner", "operator", "mg_owner"}, "qinggang": {"owner", "operator"},
                  "mugen": {"mg_owner"}},
    "lead_catering": {"": set(), "qinggang": set(), "mugen": set()},
}


@pytest.mark.parametrize("area", ["", "qinggang", "mugen"])
@pytest.mark.parametrize("role", sorted(REMINDED))
def test_a_reminder_reaches_only_holders_in_the_persons_scope(client, people, world, tree, role, area):
    client.force_login(people[role])
    before = set(Message.objects.values_list("pk", flat=True))
    response = client.post(reverse("venues_acknowledgement_remind", args=[world["version"].pk]),
                           {"area": tree[area].pk} if area else {})
    assert outcome(response) == OK
    sent = Message.objects.exclude(pk__in=before)
    roles = {role_ for role_, user in people.items() if user.is_authenticated and user.pk in
             set(sent.values_list("recipient", flat=True))}
    assert roles == REMINDED[role][area], f"{role} area={area}"
    assert all(m.notice_version == world["version"] for m in sent)
    if role == "mg_staff":
        # Nobody in 青杠村 is reminded by 木根村's staff, nor told of 青杠村's shops.
        assert not any(QG_SHOP in m.body or "青杠" in m.body for m in sent)


@pytest.mark.parametrize("role", ["qg_grid", "leader", "editor", "owner", "mg_owner", "anonymous"])
def test_those_who_may_not_remind_reach_nobody(client, people, world, role):
    sign_in(client, people[role])
    before = Message.objects.count()
    client.post(reverse("venues_acknowledgement_remind", args=[world["version"].pk]))
    assert Message.objects.count() == before


def test_only_the_current_version_of_a_live_notice_is_counted_or_reminded(client, people, world):
    client.force_login(people["town"])
    old = world["version"]
    notice = world["notice"]
    notice.new_version = True
    notice.save_revision().publish()
    new = acknowledgements.current_version(notice)
    assert new.number == 2
    before = Message.objects.count()
    assert client.get(reverse("venues_acknowledgement_detail", args=[old.pk])).status_code == 404
    assert client.post(reverse("venues_acknowledgement_remind", args=[old.pk])).status_code == 404
    assert client.get(reverse("venues_acknowledgement_detail", args=[new.pk])).status_code == 200
    assert client.get(reverse("venues_acknowledgement_detail", args=[new.pk + 100])).status_code == 404
    notice.unpublish()
    assert client.get(reverse("venues_acknowledgement_detail", args=[new.pk])).status_code == 404
    assert client.post(reverse("venues_acknowledgement_remind", args=[new.pk])).status_code == 404
    assert Message.objects.count() == before


# The public safety notices ----------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_safety_notices_are_public_and_drafts_are_not(client, people, world, home, role):
    draft = _safety_notice(home, "catering", publish=False)
    assert not NoticeVersion.objects.filter(page=draft).exists()
    sign_in(client, people[role])
    index = client.get(world["notice"].get_parent().url)
    assert index.status_code == 200, role
    assert world["notice"].title in index.content.decode()
    assert draft.title not in index.content.decode()
    page = client.get(world["notice"].url)
    assert page.status_code == 200, role
    assert "货物堆放堵塞通道" in page.content.decode()
    assert client.get(draft.url or "/safety-notices/safety-catering/").status_code == 404, role
