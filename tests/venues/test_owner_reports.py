"""报告: an owner reports a change, closing or reopening, works or hot work, or asks for on-site
guidance; the report reaches the venue's village staff (their to-do list), who accept it, change
the register through its workflow (with the venue's history), book a visit or answer; the owner
reads each step in the message box."""

import datetime
import uuid

from django.utils import timezone

import pytest

from tests.factories import UserFactory, approve, make_member, make_venue
from venues import todo
from venues.models import (
    AuditEntry,
    Message,
    OwnerReport,
    ReportKind,
    ReportStatus,
    VenueKind,
    VenueStatus,
    VenueStatusChange,
)
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import reports

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SOON = TODAY + datetime.timedelta(days=3)

# What each kind of report's form is filled with.
FILLED = {
    "operator": {"new_operator_name": "李四", "new_operator_mobile": "139 0000 5555", "details": ""},
    "business": {"new_kind": "catering", "details": "开始经营小吃。"},
    "closing": {"starts_on": f"{SOON:%Y-%m-%d}", "details": "装修停业。"},
    "reopening": {"starts_on": f"{SOON:%Y-%m-%d}"},
    "works": {"work_type": "hot_work", "details": "后厨焊接排烟管", "starts_on": f"{SOON:%Y-%m-%d}",
              "ends_on": f"{SOON:%Y-%m-%d}", "measures": "清理可燃物，备灭火器，专人看护。"},
    "guidance": {"details": "请来看看仓库的电线。"},
}


@pytest.fixture
def owner():
    return UserFactory(username="13900000001", mobile="13900000001")


@pytest.fixture
def shop(tree, owner):
    return approve(make_venue(tree["qinggang-1"], owner=owner, name="青杠副食店"))


@pytest.fixture
def village_staff(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"])


@pytest.fixture
def other_village(tree):
    return make_member(VILLAGE_STAFF, tree["mugen"])


def form_data(kind, venue, **overrides):
    data = {"venue": venue.pk, "submission_id": str(uuid.uuid4()), **FILLED[kind], **overrides}
    if kind == "business":
        data["new_kind"] = VenueKind.objects.get(slug=data["new_kind"]).pk
    return data


def file_report(client, owner, kind, venue, **overrides):
    client.force_login(owner)
    response = client.post(f"/owner/reports/new/{kind}/", form_data(kind, venue, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return OwnerReport.objects.latest("pk")


def todo_count(user):
    return next(item.count for item in todo.todo_items(user) if "/reports/" in item.url)


@pytest.mark.parametrize("kind", [k for k in ReportKind.values if k != "reopening"])
def test_each_report_reaches_its_village_staff_and_nobody_else(
        kind, client, owner, shop, village_staff, other_village, tree):
    report = file_report(client, owner, kind, shop)
    assert report.kind == kind and report.status == ReportStatus.SUBMITTED and report.reporter == owner
    assert todo_count(village_staff) == 1 and todo_count(other_village) == 0
    assert list(reports.reports_for(village_staff)) == [report]
    assert list(reports.reports_for(other_village)) == []
    town = make_member(TOWN_OFFICE, tree["town"])
    assert todo_count(town) == 1
    assert "青杠副食店" in client.get("/owner/reports/").content.decode()


def test_a_reopening_is_reported_for_a_closed_venue_only(client, owner, shop, village_staff):
    client.force_login(owner)
    page = client.get("/owner/reports/new/reopening/").content.decode()
    assert 'name="venue"' not in page  # the shop is open: nothing to reopen
    shop.status = VenueStatus.CLOSED
    shop.save(update_fields=["status"])
    report = file_report(client, owner, "reopening", shop)
    reports.answer(report, village_staff, "欢迎恢复营业。", apply_change=True)
    shop.refresh_from_db()
    assert shop.status == VenueStatus.APPROVED


def test_a_double_click_files_one_report(client, owner, shop):
    client.force_login(owner)
    data = form_data("guidance", shop)
    for _twice in range(2):
        assert client.post("/owner/reports/new/guidance/", data).status_code == 302
    assert OwnerReport.objects.count() == 1


def test_a_closing_accepted_closes_the_venue_through_its_workflow(
        client, owner, shop, village_staff, sms_outbox, django_capture_on_commit_callbacks):
    report = file_report(client, owner, "closing", shop)
    client.force_login(village_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/venues/reports/{report.pk}/",
                               {"step": "accept", "accept-note": "已收到"})
        assert response.status_code == 302
        response = client.post(f"/admin/venues/reports/{report.pk}/", {
            "step": "answer", "answer-apply_change": "on", "answer-answer": "已登记停业，复业前请报告。"})
        assert response.status_code == 302
    report.refresh_from_db()
    shop.refresh_from_db()
    assert report.status == ReportStatus.DONE and shop.status == VenueStatus.CLOSED
    change = VenueStatusChange.objects.filter(venue=shop).latest("pk")
    assert change.to_status == VenueStatus.CLOSED and change.actor == village_staff
    assert "装修停业" in change.reason
    assert [event.action for event in report.events.all()] == ["filed", "accepted", "applied", "answered"]
    assert shop.selfcheck_due_on is None  # closed: self-checks stop
    bodies = " ".join(Message.objects.filter(recipient=owner).values_list("body", flat=True))
    assert "已收到" in bodies and "已登记停业，复业前请报告。" in bodies
    assert any(text["template"] == "report_answered" for text in sms_outbox)


def test_a_change_of_operator_updates_the_register_with_history(client, owner, tree, village_staff):
    shop = approve(make_venue(tree["qinggang-1"], owner=owner, name="无照小店", licence="unlicensed",
                              credit_code="", no_code_reason="办理中",
                              operator_id_number="500232198001011230"))
    new_operator = UserFactory(username="13900005555", mobile="13900005555")
    report = file_report(client, owner, "operator", shop)
    assert report.new_operator_mobile == "13900005555"  # tidied
    reports.answer(report, village_staff, "", apply_change=True)
    shop.refresh_from_db()
    assert (shop.operator_name, shop.operator_mobile) == ("李四", "13900005555")
    assert shop.operator_id_number == ""  # the previous operator's number goes with them
    assert list(shop.operators.all()) == [new_operator]
    assert VenueStatusChange.objects.filter(venue=shop, reason__contains="李四").exists()
    entry = AuditEntry.objects.get(action="venue.change")
    assert entry.detail["fields"] == ["operator_mobile", "operator_name"]


def test_a_change_of_business_adds_a_kind_or_replaces_it(client, owner, shop, tree, village_staff):
    report = file_report(client, owner, "business", shop)  # "is added to what it does now"
    reports.answer(report, village_staff, "已增加餐饮场所类型。", apply_change=True)
    shop.refresh_from_db()
    assert shop.kind.slug == "shopping" and [k.slug for k in shop.other_kinds.all()] == ["catering"]
    change = VenueStatusChange.objects.filter(venue=shop).latest("pk")
    assert "开始经营小吃" in change.reason and "+餐饮场所" in change.reason

    report = file_report(client, owner, "business", shop, new_kind="lodging",
                         replaces_kind="1", details="改为民宿。")
    reports.answer(report, village_staff, "已改为住宿场所。", apply_change=True)
    shop.refresh_from_db()
    assert shop.kind.slug == "lodging"
    assert "购物场所 → 住宿场所" in VenueStatusChange.objects.filter(venue=shop).latest("pk").reason


def test_the_report_page_labels_each_date_as_the_form_asked_for_it(client, owner, shop):
    report = file_report(client, owner, "closing", shop)
    html = client.get(f"/owner/reports/{report.pk}/").content.decode()
    assert "停业日期" in html and f"{SOON:%Y-%m-%d}" in html and "装修停业" in html


def test_a_reopening_through_a_report_sends_one_message(client, owner, shop, village_staff):
    shop.status = VenueStatus.CLOSED
    shop.save(update_fields=["status"])
    report = file_report(client, owner, "reopening", shop)
    reports.answer(report, village_staff, "欢迎复业。", apply_change=True)
    [message] = Message.objects.filter(recipient=owner)
    assert "欢迎复业" in message.body and "门牌" not in message.body
    assert message.report == report
    client.force_login(owner)
    assert f"/owner/reports/{report.pk}/" in client.get(f"/owner/messages/{message.pk}/").content.decode()


def test_the_same_visit_booked_twice_is_booked_once(client, owner, shop, village_staff):
    report = file_report(client, owner, "guidance", shop)
    for _twice in range(2):
        reports.book_visit(report, village_staff, SOON, "下午三点")
    assert report.events.filter(action="visit").count() == 1
    assert Message.objects.filter(recipient=owner).count() == 1
    reports.book_visit(report, village_staff, SOON + datetime.timedelta(days=1), "改到第二天")
    assert report.events.filter(action="visit").count() == 2


def test_my_data_lists_the_owners_reports(client, owner, shop):
    file_report(client, owner, "works", shop)
    html = client.get("/owner/data/").content.decode()
    assert "后厨焊接排烟管" in html and "清理可燃物" in html


def test_works_need_dates_and_measures_and_keep_what_was_typed(client, owner, shop):
    client.force_login(owner)
    yesterday = TODAY - datetime.timedelta(days=1)
    response = client.post("/owner/reports/new/works/", form_data(
        "works", shop, starts_on=f"{yesterday:%Y-%m-%d}",
        ends_on=f"{yesterday - datetime.timedelta(days=1):%Y-%m-%d}",
        measures=""))
    html = response.content.decode()
    assert response.status_code == 200 and not OwnerReport.objects.exists()
    assert 'id="error_1_id_starts_on"' in html or "id_starts_on" in html
    assert "不能是过去" in html or "past" in html
    assert "后厨焊接排烟管" in html  # what was typed is kept


def test_a_visit_is_booked_and_the_owner_told(client, owner, shop, village_staff, sms_outbox,
                                              django_capture_on_commit_callbacks):
    report = file_report(client, owner, "guidance", shop)
    with django_capture_on_commit_callbacks(execute=True):
        reports.book_visit(report, village_staff, SOON, "下午三点")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.visit_on == SOON
    assert sms_outbox[-1]["mobile"] == "13900000001" and sms_outbox[-1]["template"] == "report_visit"
    assert f"{SOON:%Y-%m-%d}" in Message.objects.filter(recipient=owner).latest("pk").body
    client.force_login(owner)
    assert f"{SOON:%Y-%m-%d}" in client.get(f"/owner/reports/{report.pk}/").content.decode()


def test_an_answer_needs_text_and_a_report_is_answered_once(client, owner, shop, village_staff, tree):
    report = file_report(client, owner, "guidance", shop)
    with pytest.raises(reports.ReportError):
        reports.answer(report, village_staff, "  ")
    reports.answer(report, village_staff, "周三上午来。")
    other = make_member(VILLAGE_STAFF, tree["qinggang"])
    with pytest.raises(reports.ReportError):  # two people at once: the second sees it answered
        reports.answer(report, other, "周四来。")
    report.refresh_from_db()
    assert report.answer == "周三上午来。"


def test_staff_of_another_village_cannot_act(client, owner, shop, other_village):
    report = file_report(client, owner, "guidance", shop)
    client.force_login(other_village)
    assert client.get(f"/admin/venues/reports/{report.pk}/").status_code == 404
    assert client.post(f"/admin/venues/reports/{report.pk}/", {"step": "accept"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_replacing_the_kind_needs_the_new_kind(client, owner, shop):
    client.force_login(owner)
    data = form_data("business", shop, replaces_kind="1")
    data["new_kind"] = ""
    response = client.post("/owner/reports/new/business/", data)
    assert response.status_code == 200 and not OwnerReport.objects.exists()
    assert "开始经营小吃" in response.content.decode()


def test_an_operator_who_filed_a_report_keeps_it_after_being_replaced(client, owner, shop, village_staff):
    operator = UserFactory(username="13900000009", mobile="13900000009")
    shop.operators.add(operator)
    report = file_report(client, operator, "operator", shop)
    reports.answer(report, village_staff, "已更新经营者。", apply_change=True)
    assert not shop.operators.filter(pk=operator.pk).exists()
    client.force_login(operator)
    assert client.get(f"/owner/reports/{report.pk}/").status_code == 200
    message = Message.objects.filter(recipient=operator).latest("pk")
    assert f"/owner/reports/{report.pk}/" in client.get(f"/owner/messages/{message.pk}/").content.decode()
