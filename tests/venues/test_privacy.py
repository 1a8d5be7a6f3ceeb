"""Owners' rights over their data: the privacy notice before registration, the "my data" page
and its download, correction requests handled by staff, the history of full views of their
numbers, and the retention rules that remove personal data while the statistics stay."""

import datetime
import io
import json
import os
import uuid
import zipfile

from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

import pytest
from PIL import Image

from home.models import PrivacyPage
from tests.factories import UserFactory, make_member, make_registration_page, make_venue
from venues import photos, retention
from venues.access import corrections_for
from venues.models import (
    AuditEntry,
    ClaimCode,
    CorrectionRequest,
    CorrectionStatus,
    ImportBatch,
    Message,
    Venue,
    VenuePhoto,
    VenueStatus,
    VenueStatusChange,
    VerificationCode,
)
from venues.roles import GRID_WORKER, TOWN_OFFICE, VILLAGE_STAFF
from venues.todo import todo_items
from venues.workflows import corrections

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def owner():
    return UserFactory(username="owner-1", mobile="13900000011", full_name="李四")


@pytest.fixture
def shop(tree, owner):
    venue = make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED, owner=owner, name="青杠副食店",
                       operator_mobile="13912345678", operator_id_number=ID_NUMBER,
                       contact_name="王五", contact_mobile="13700000001")
    VenueStatusChange.objects.create(venue=venue, actor=owner, from_status=VenueStatus.DRAFT,
                                     to_status=VenueStatus.SUBMITTED, reason="网上登记")
    return venue


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (200, 150), "red").save(out, "JPEG")
    out.seek(0)
    out.name = "shop.jpg"
    out.size = len(out.getvalue())
    return out


def add_photo(venue, user):
    venue.status = VenueStatus.DRAFT
    photo = photos.add_photo(venue, jpeg(), "storefront", user)
    Venue.objects.filter(pk=venue.pk).update(status=VenueStatus.APPROVED)
    return photo


# --- The privacy notice ------------------------------------------------------------------------

def test_the_privacy_notice_is_shown_before_registration_and_linked_from_every_page(client, home, owner):
    page = make_registration_page(home)
    client.force_login(owner)
    index = client.get(page.url).content.decode()
    assert "我们为履行安全监管职责收集这些信息" in index
    assert index.index("我们为履行安全监管职责") < index.index(f'href="{page.url}new/"')
    start = client.get(f"{page.url}new/").content.decode()
    assert "我们为履行安全监管职责收集这些信息" in start
    # The footer of any page, and the sign-up page, link to it.
    assert 'href="/services/privacy/"' in client.get("/").content.decode()
    client.logout()
    assert 'href="/services/privacy/"' in client.get(reverse("owner:signup")).content.decode()
    assert "为什么收集" in client.get("/services/privacy/").content.decode()


def test_without_a_published_notice_the_registration_says_so(client, home, owner):
    page = make_registration_page(home)
    PrivacyPage.objects.get().unpublish()
    client.force_login(owner)
    assert "个人信息保护说明尚未发布" in client.get(page.url).content.decode()


# --- My data ---------------------------------------------------------------------------------------

def test_my_data_shows_everything_we_hold_about_the_owner_and_nobody_else(client, tree, owner, shop):
    other = make_venue(tree["qinggang-1"], owner=UserFactory(mobile="13900000099"), name="别人的店",
                       operator_mobile="13611112222")
    Message.objects.create(recipient=owner, venue=shop, subject="登记已通过", body="请张贴门牌。")
    photo = add_photo(shop, owner)
    client.force_login(owner)
    response = client.get(reverse("owner:my_data"))
    html = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    for text in ["李四", "13900000011", "青杠副食店", "13912345678", ID_NUMBER, "王五", "13700000001",
                 "网上登记", "登记已通过", "请张贴门牌", reverse("owner:photo", args=[photo.pk])]:
        assert text in html, text
    assert "别人的店" not in html and "13611112222" not in html and other.name not in html
    # Account events in words, not the audit log's codes; staff's help with the account too.
    AuditEntry.objects.create(actor=make_member(VILLAGE_STAFF, tree["qinggang"]), action="owner.help",
                              object_type="user", object_id=str(owner.pk))
    html = client.get(reverse("owner:my_data")).content.decode()
    assert "查看了“我的信息”" in html and "工作人员应您的要求" in html and "owner.data_view" not in html
    assert AuditEntry.objects.filter(action="owner.data_view", actor=owner).exists()


def test_operators_see_the_venues_they_run(client, tree, shop):
    operator = UserFactory(mobile="13912345678")
    shop.operators.add(operator)
    client.force_login(operator)
    assert "青杠副食店" in client.get(reverse("owner:my_data")).content.decode()


def test_the_download_holds_the_same_data_a_web_page_and_the_photos(client, owner, shop):
    photo = add_photo(shop, owner)
    client.force_login(owner)
    response = client.get(reverse("owner:my_data_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    fields = next(s["fields"] for s in data["sections"] if s["title"] == "青杠副食店")
    assert ID_NUMBER in fields.values() and "13912345678" in fields.values()
    page = archive.read("data.html").decode()
    assert "青杠副食店" in page and "<script" not in page and f"photos/{photo.pk}.jpg" in page
    with photo.file.open("rb") as stored:
        assert archive.read(f"photos/{photo.pk}.jpg") == stored.read()
    assert AuditEntry.objects.filter(action="owner.data_download", actor=owner).exists()


def test_the_owner_sees_who_viewed_their_numbers_in_full(client, tree, owner, shop):
    staff = make_member(VILLAGE_STAFF, tree["qinggang"], full_name="赵村干")
    client.force_login(staff)
    assert client.post(reverse("venues_reveal", args=[shop.pk])).status_code == 200
    client.force_login(owner)
    html = client.get(reverse("owner:my_data")).content.decode()
    section = html[html.index("谁查看过"):]
    assert "赵村干" in section and VILLAGE_STAFF in section and "青杠村" in section
    # Another owner's page does not show it.
    client.force_login(UserFactory(mobile="13900000077"))
    assert "赵村干" not in client.get(reverse("owner:my_data")).content.decode()


# --- Correction requests ----------------------------------------------------------------------------

def file_request(client, venue, what="门牌号应为12号，不是21号", submission=None):
    return client.post(reverse("owner:correction"), {
        "subject": str(venue.pk) if venue else "account", "what": what,
        "submission_id": str(submission or uuid.uuid4()),
    })


def test_a_request_sent_twice_is_filed_once_and_reaches_the_villages_reviewers(client, tree, owner, shop):
    client.force_login(owner)
    submission = uuid.uuid4()
    assert file_request(client, shop, submission=submission).status_code == 302
    assert file_request(client, shop, submission=submission).status_code == 302
    request = CorrectionRequest.objects.get()
    assert (request.venue, request.requester, request.status) == (shop, owner, CorrectionStatus.OPEN)

    reviewer = make_member(VILLAGE_STAFF, tree["qinggang"])
    outsider = make_member(VILLAGE_STAFF, tree["mugen"])
    client.force_login(reviewer)
    assert "门牌号应为12号" in client.get(reverse("venues_correction_index")).content.decode()
    assert [item.count for item in todo_items(reviewer) if "更正" in str(item.label)] == [1]
    client.force_login(outsider)
    assert "门牌号应为12号" not in client.get(reverse("venues_correction_index")).content.decode()
    assert client.get(reverse("venues_correction_detail", args=[request.pk])).status_code == 404
    # Grid workers do not handle requests: Wagtail sends them back to the dashboard.
    client.force_login(make_member(GRID_WORKER, tree["qinggang-1"]))
    refused = client.get(reverse("venues_correction_detail", args=[request.pk]))
    assert refused.status_code == 302 and refused["Location"] == "/admin/"


def test_an_owner_cannot_ask_about_someone_elses_venue(client, tree, owner, shop):
    other = make_venue(tree["qinggang-1"], owner=UserFactory(mobile="13900000099"), name="别人的店")
    client.force_login(owner)
    response = file_request(client, other)
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    assert not CorrectionRequest.objects.exists()
    # What they typed stays in the form.
    assert "门牌号应为12号" in response.content.decode()


def test_staff_answer_and_the_owner_reads_it_in_the_message_box(client, tree, owner, shop):
    client.force_login(owner)
    file_request(client, shop)
    request = CorrectionRequest.objects.get()
    reviewer = make_member(VILLAGE_STAFF, tree["qinggang"], full_name="赵村干")
    client.force_login(reviewer)
    url = reverse("venues_correction_detail", args=[request.pk])
    # Declining needs a reason; nothing changes without one.
    response = client.post(url, {"status": "declined", "answer": ""})
    assert response.status_code == 200 and CorrectionRequest.objects.get().is_open
    response = client.post(url, {"status": "corrected", "answer": "已改为12号。"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.answer) == ("corrected", reviewer, "已改为12号。")
    message = Message.objects.get(recipient=owner)
    assert "已改为12号" in message.body and message.venue == shop
    # A second answer (another tab) is refused and the first stands.
    with pytest.raises(corrections.CorrectionError):
        corrections.answer(request, reviewer, CorrectionStatus.DECLINED, "不改")
    assert CorrectionRequest.objects.get().status == "corrected"
    client.force_login(owner)
    assert "已改为12号" in client.get(reverse("owner:my_data")).content.decode()


def test_account_requests_go_to_reviewers_of_the_owners_venues_or_the_town_office(client, tree, owner, shop):
    client.force_login(owner)
    file_request(client, None, what="我的姓名应为李思")
    lonely = UserFactory(mobile="13900000055")
    client.force_login(lonely)
    file_request(client, None, what="姓名写错了")
    village = make_member(VILLAGE_STAFF, tree["qinggang"])
    town = make_member(TOWN_OFFICE, tree["town"])
    seen_by_village = set(corrections_for(village).values_list("what", flat=True))
    seen_by_town = set(corrections_for(town).values_list("what", flat=True))
    assert seen_by_village == {"我的姓名应为李思"}
    assert seen_by_town == {"我的姓名应为李思", "姓名写错了"}
    # An office working under the top of the tree only (one town of a district) does not
    # see owners without venues.
    village_office = make_member(TOWN_OFFICE, tree["qinggang"])
    assert set(corrections_for(village_office).values_list("what", flat=True)) == {"我的姓名应为李思"}
    assert not corrections_for(make_member(VILLAGE_STAFF, tree["mugen"])).exists()


def test_too_many_open_requests_are_refused_with_a_message(client, owner, shop):
    client.force_login(owner)
    for n in range(corrections.MAX_OPEN):
        file_request(client, shop, what=f"第{n}处")
    response = file_request(client, shop, what="再一处")
    assert response.status_code == 200 and "再一处" in response.content.decode()
    assert CorrectionRequest.objects.count() == corrections.MAX_OPEN


# --- Retention --------------------------------------------------------------------------------------

def age(venue, status, days):
    """Record that ``venue`` reached ``status`` ``days`` ago."""
    Venue.objects.filter(pk=venue.pk).update(status=status)
    change = VenueStatusChange.objects.create(venue=venue, from_status=VenueStatus.APPROVED,
                                              to_status=status, reason="经营者王五说不干了")
    VenueStatusChange.objects.filter(pk=change.pk).update(at=timezone.now() - datetime.timedelta(days=days))


def statistics():
    return list(Venue.objects.values("kind", "area", "status").annotate(n=Count("pk")).order_by(
        "kind", "area", "status"))


def test_personal_data_of_long_closed_venues_goes_and_the_statistics_stay(tree, owner, shop, private_media):
    photo = add_photo(shop, owner)
    path = photo.file.path
    ClaimCode.objects.create(venue=shop, code_hash="x" * 64, created_by=owner,
                             expires_at=timezone.now() + datetime.timedelta(days=90))
    recent = make_venue(tree["mugen-1"], owner=UserFactory(mobile="13900000033"), name="刚关的店",
                        operator_mobile="13633334444")
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    age(recent, VenueStatus.CLOSED, 30)
    before = statistics()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = retention.apply_all()
    assert done["closed_venue"] == 1
    shop.refresh_from_db()
    assert (shop.operator_name, shop.operator_mobile, shop.operator_id_number, shop.contact_name,
            shop.contact_mobile, shop.owner) == ("", "", "", "", "", None)
    # A sole trader's shop name, credit code and address identify them too.
    assert (shop.credit_code, shop.address) == ("", "") and shop.name == f"场所 {shop.pk} 号"
    assert shop.personal_data_removed_at is not None
    assert not VenuePhoto.objects.filter(venue=shop).exists() and not os.path.exists(path)
    assert not ClaimCode.objects.filter(venue=shop).exists()
    assert not VenueStatusChange.objects.filter(venue=shop).exclude(reason="").exists()
    assert VenueStatusChange.objects.filter(venue=shop, to_status=VenueStatus.CLOSED).exists()
    # The recently closed venue keeps its data; the statistics are unchanged.
    recent.refresh_from_db()
    assert recent.operator_mobile == "13633334444"
    assert statistics() == before
    # Applying the rules again changes nothing more.
    assert retention.apply_all()["closed_venue"] == 0


def test_a_venue_reopened_and_filled_in_again_is_cleared_again_when_it_closes(tree, owner, shop):
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    retention.apply_all()
    Venue.objects.filter(pk=shop.pk).update(operator_name="新经营者", operator_mobile="13655556666")
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    assert retention.apply_all()["closed_venue"] == 1
    assert Venue.objects.get(pk=shop.pk).operator_mobile == ""


def test_rejected_registrations_stale_drafts_codes_and_census_sheets(tree, owner):
    rejected = make_venue(tree["qinggang-1"], owner=owner, name="未通过的店")
    age(rejected, VenueStatus.REJECTED, 366)
    stale = make_venue(tree["qinggang-1"], owner=owner, name="旧草稿")
    Venue.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - datetime.timedelta(days=366))
    fresh = make_venue(tree["qinggang-1"], owner=owner, name="新草稿")
    code = VerificationCode.objects.create(mobile="13900000011", purpose="sign_up", code_hash="h")
    VerificationCode.objects.filter(pk=code.pk).update(sent_at=timezone.now() - datetime.timedelta(days=31))
    batch = ImportBatch.objects.create(created_by=owner, file_name="a.xlsx", headers=["姓名"],
                                       rows=[{"row": 2, "cells": ["张三"]}], status="imported",
                                       result={"imported": 1})
    abandoned = ImportBatch.objects.create(created_by=owner, file_name="b.xlsx", headers=["姓名"],
                                           rows=[{"row": 2, "cells": ["李四"]}])
    ImportBatch.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    retention.apply_all()
    assert Venue.objects.get(pk=rejected.pk).operator_name == ""
    assert not Venue.objects.filter(pk=stale.pk).exists()
    assert Venue.objects.filter(pk=fresh.pk).exists()
    assert not VerificationCode.objects.exists()
    batch.refresh_from_db()
    assert batch.rows == [] and batch.result == {"imported": 1}
    # A sheet never imported goes as a whole: it could only import nothing now.
    assert not ImportBatch.objects.filter(pk=abandoned.pk).exists()


def test_idle_owner_accounts_lose_their_data_and_are_disabled(tree, owner, shop):
    idle = UserFactory(username="idle", mobile="13900000066", full_name="闲置")
    disabled = UserFactory(username="disabled", mobile="13900000067", full_name="停用", is_active=False)
    long_ago = timezone.now() - datetime.timedelta(days=2 * 365 + 1)
    type(idle).objects.filter(pk__in=[idle.pk, disabled.pk]).update(last_login=long_ago, date_joined=long_ago)
    Message.objects.create(recipient=idle, subject="旧消息", body="…")
    type(owner).objects.filter(pk=owner.pk).update(last_login=long_ago, date_joined=long_ago)
    staff = make_member(VILLAGE_STAFF, tree["qinggang"])
    type(staff).objects.filter(pk=staff.pk).update(last_login=long_ago, date_joined=long_ago)
    assert retention.apply_all()["idle_owner_accounts"] == 2
    assert retention.apply_all()["idle_owner_accounts"] == 0
    disabled.refresh_from_db()
    assert (disabled.mobile, disabled.full_name) == (None, "")
    idle.refresh_from_db()
    assert (idle.mobile, idle.full_name, idle.is_active) == (None, "", False)
    assert not idle.has_usable_password()
    assert not Message.objects.filter(recipient=idle).exists()
    # An owner who still holds a venue, and staff, are kept as they are.
    owner.refresh_from_db()
    staff.refresh_from_db()
    assert owner.mobile == "13900000011" and owner.is_active and staff.is_active


def test_the_command_reports_each_rule_and_a_dry_run_changes_nothing(tree, owner, shop):
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "closed_venue" in out.getvalue() and "Dry run" in out.getvalue()
    assert Venue.objects.get(pk=shop.pk).operator_mobile == "13912345678"
    call_command("apply_retention", stdout=io.StringIO())
    assert Venue.objects.get(pk=shop.pk).operator_mobile == ""


def test_the_retention_periods_follow_the_settings(settings, tree, owner, shop):
    settings.RETENTION_DAYS = {"closed_venue": 10}
    age(shop, VenueStatus.CLOSED, 11)
    assert retention.apply_all()["closed_venue"] == 1


def _selfcheck_with_hazard(venue, owner):
    from tests.factories import approve, fill_selfcheck
    from venues.workflows import selfchecks

    approve(venue)
    check = fill_selfcheck(selfchecks.start(venue, owner), owner, fail=["extinguishers_present"])
    return selfchecks.submit(check, owner)


def test_my_data_holds_the_self_checks_hazards_and_their_photos(client, owner, shop, private_media):
    from venues.models import EvidencePhoto

    _selfcheck_with_hazard(shop, owner)
    photo = EvidencePhoto.objects.get(venue=shop)
    client.force_login(owner)
    page = client.get(reverse("owner:my_data")).content.decode()
    assert "青杠副食店：自查记录" in page and "青杠副食店：隐患" in page
    assert reverse("owner:evidence_photo", args=[photo.pk]) in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("owner:my_data_download")).content))
    with photo.file.open("rb") as stored:
        assert archive.read(f"evidence/{photo.pk}.jpg") == stored.read()
    data = json.loads(archive.read("data.json"))
    hazards = next(s["records"] for s in data["sections"] if s["title"] == "青杠副食店：隐患")
    assert len(hazards) == 1 and "灭火器" in next(iter(hazards[0].values()), "") + str(hazards[0])


def test_a_closed_venues_self_check_photos_and_words_go_and_the_records_stay(owner, shop, private_media):
    from venues.models import EvidencePhoto, Hazard, SelfCheck, SelfCheckAnswer

    _selfcheck_with_hazard(shop, owner)
    path = EvidencePhoto.objects.get(venue=shop).file.path
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        retention.apply_all()
    assert not EvidencePhoto.objects.filter(venue=shop).exists() and not os.path.exists(path)
    assert SelfCheck.objects.filter(venue=shop).count() == 1
    assert not SelfCheckAnswer.objects.filter(selfcheck__venue=shop).exclude(note="").exists()
    hazard = Hazard.objects.get(venue=shop)
    assert hazard.description == hazard.item_question and "不符合" not in hazard.description


def test_a_closed_venues_integrity_records_lose_the_operator_and_their_words(owner, shop, private_media):
    """The operator's history must not follow a person through records whose retention has ended:
    the case keeps its steps and dates, the names, numbers, words and evidence photos go."""
    from django.core.files.base import ContentFile

    from venues.models import CaseEvidence, CaseStatus, IntegrityReply, Refusal, SeriousCase

    staff = make_member(VILLAGE_STAFF, shop.area)
    refusal = Refusal.objects.create(venue=shop, occurred_on=datetime.date(2026, 1, 5), note="王五拒绝开门",
                                     recorded_by=staff, submission_id=uuid.uuid4())
    case = SeriousCase.objects.create(venue=shop, operator_name="王五", operator_mobile="13912345678",
                                      operator_id_hash="f" * 64, facts="王五多次拒绝检查",
                                      objection="我不同意", proposed_by=staff, submission_id=uuid.uuid4(),
                                      status=CaseStatus.UPHELD)
    case.refusals.add(refusal)
    evidence = CaseEvidence(case=case, width=320, height=240, uploaded_by=staff)
    evidence.file.save("x.jpg", ContentFile(jpeg().getvalue()), save=True)
    path = evidence.file.path
    IntegrityReply.objects.create(venue=shop, author=owner, text="我已整改", level="C", status="replied",
                                  submission_id=uuid.uuid4())
    age(shop, VenueStatus.CLOSED, 3 * 365 + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        retention.apply_all()
    case.refresh_from_db()
    assert (case.status, case.operator_name, case.operator_mobile, case.operator_id_hash, case.facts,
            case.objection) == (CaseStatus.UPHELD, "", "", "", "", "")
    assert not CaseEvidence.objects.filter(case=case).exists() and not os.path.exists(path)
    assert IntegrityReply.objects.get(venue=shop).text == ""
    assert Refusal.objects.get(venue=shop).note == ""


def test_my_data_holds_the_integrity_replies_refusals_and_notified_cases(client, owner, shop):
    from venues.models import CaseStatus, IntegrityReply, Refusal, SeriousCase

    staff = make_member(VILLAGE_STAFF, shop.area)
    IntegrityReply.objects.create(venue=shop, author=owner, text="隐患已经全部整改", level="C",
                                  status="replied", submission_id=uuid.uuid4())
    Refusal.objects.create(venue=shop, occurred_on=datetime.date(2026, 3, 2), note="拒绝检查人员进入仓库",
                           recorded_by=staff, submission_id=uuid.uuid4())
    SeriousCase.objects.create(venue=shop, operator_name="王五", facts="多次拒绝配合检查", proposed_by=staff,
                               submission_id=uuid.uuid4(), status=CaseStatus.NOTIFIED,
                               notified_at=timezone.now(), objection="我没有拒绝")
    SeriousCase.objects.create(venue=shop, operator_name="王五", facts="尚未告知的提议", proposed_by=staff,
                               submission_id=uuid.uuid4(), status=CaseStatus.WITHDRAWN)
    client.force_login(owner)
    page = client.get(reverse("owner:my_data")).content.decode()
    assert "隐患已经全部整改" in page and "拒绝检查人员进入仓库" in page
    assert "多次拒绝配合检查" in page and "我没有拒绝" in page
    assert "尚未告知的提议" not in page  # a proposal the owner was never notified of is staff's draft
