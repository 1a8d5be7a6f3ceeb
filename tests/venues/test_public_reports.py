"""群众举报: anyone reports a hazard from a venue's card or naming a village; staff of the village
turn it into a hazard or close it with a reason; the reporter follows it with a lookup code.
The reporter's identity never reaches the venue; a flood is limited per address; a simple
challenge is checked on the server, once."""

import datetime
import uuid

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

import pytest

from home.models import HazardReportPage, SiteSettings
from tests.factories import (
    UserFactory,
    add_page,
    approve,
    make_member,
    make_selfcheck_page,
    make_venue,
    photo_upload,
)
from venues import photos
from venues import public_report_views as views
from venues.models import (
    AuditEntry,
    Hazard,
    HazardSource,
    HazardStatus,
    Message,
    PublicReport,
    PublicReportPhoto,
    PublicReportStatus,
    Severity,
)
from venues.roles import GRID_WORKER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import hazards
from venues.workflows import public_reports as workflow

pytestmark = pytest.mark.django_db

REPORTER_NAME, REPORTER_PHONE = "举报人王小红", "13912345678"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache():
    """The per-address counters and used questions live in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page(home):
    page = add_page(home, HazardReportPage(
        title="隐患举报", slug="report", intro="<p>发现隐患请告诉我们。</p>",
        privacy_note="<p>联系方式只有工作人员能看到。</p>", done_text="<p>我们会尽快核实。</p>"))
    SiteSettings.objects.update_or_create(site=home.get_site(), defaults={"report_page": page})
    return page


@pytest.fixture
def owner():
    return UserFactory(username="13900000011", mobile="13900000011")


@pytest.fixture
def shop(tree, owner):
    return approve(make_venue(tree["qinggang-1"], "shopping", owner=owner, name="青杠便民副食店"))


@pytest.fixture
def qg_staff(tree):
    return make_member(VILLAGE_STAFF, tree["qinggang"])


@pytest.fixture
def mg_staff(tree):
    return make_member(VILLAGE_STAFF, tree["mugen"])


def url(page, name="form"):
    return page.url + page.reverse_subpage(name)


def answer_of(response):
    """The right answer to the question the page asks (read from its signed token)."""
    data = signing.loads(response.context["challenge"].token, salt=views.CHALLENGE_SALT)
    return str(data["a"] + data["b"])


def form_data(response, **fields):
    form = response.context["form"]
    data = {"venue": form["venue"].value() or "", "challenge": response.context["challenge"].token,
            "submission_id": str(form["submission_id"].value()), "answer": answer_of(response),
            "description": "安全出口被纸箱堵住了", "address": "", "contact_name": "", "contact_phone": ""}
    data.update(fields)
    return data


def send(client, page, query="", **fields):
    """Open the form and send it, answering its question; the response to the POST."""
    response = client.get(url(page) + query)
    assert response.status_code == 200
    return client.post(url(page), form_data(response, **fields))


def lookup(client, page, code):
    return client.post(url(page, "lookup"), {"code": code})


# Filing ------------------------------------------------------------------------------------

def test_a_report_from_the_venue_card_with_a_photo_and_its_lookup(client, page, shop, tree):
    card = client.get(reverse("venue_card", args=[shop.public_code])).content.decode()
    link = f"{url(page)}?venue={shop.public_code}"
    assert f'href="{link}"' in card

    form_page = client.get(link)
    assert form_page.context["venue"] == shop
    assert shop.name in form_page.content.decode()
    data = form_data(form_page, contact_name=REPORTER_NAME, contact_phone="139-1234-5678")
    data["photos"] = [photo_upload(), photo_upload(color="blue")]
    response = client.post(url(page), data)
    assert response.status_code == 302 and response["Location"] == url(page, "done")

    report = PublicReport.objects.get()
    assert (report.venue, report.area, report.status) == (shop, tree["qinggang"], PublicReportStatus.RECEIVED)
    assert report.contact_phone == REPORTER_PHONE
    assert report.photos.count() == 2
    # Only a keyed hash of the address is kept, never the address.
    assert report.sender == workflow.sender_of("127.0.0.1") and "127.0.0.1" not in report.sender
    assert len(report.code) == 8 and not set(report.code) & set("01OI")

    done = client.get(url(page, "done"))
    assert report.code in done.content.decode()
    assert client.get(url(page, "done")).content.decode().count(report.code) >= 1  # survives a reload

    found = lookup(client, page, report.code.lower())
    assert found.context["progress"].status == PublicReportStatus.RECEIVED
    assert found.context["progress"].status_label in found.content.decode()


def test_done_page_without_a_report_sends_to_the_form(client, page):
    response = client.get(url(page, "done"))
    assert response.status_code == 302 and response["Location"] == url(page)


def test_a_report_naming_a_village_needs_the_village_and_where(client, page, tree):
    response = send(client, page, description="小饭馆门口堆着液化气罐")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["village"] == [_("Please choose the village or community.")]
    assert form.errors["address"] == [_("Please say where it is.")]
    html = response.content.decode()
    assert "小饭馆门口堆着液化气罐" in html  # what was typed is kept
    assert 'id="id_village-error"' in html and 'aria-describedby="id_village-error"' in html
    assert not PublicReport.objects.exists()

    response = send(client, page, village=tree["mugen"].pk, address="木根村老街口")
    assert response.status_code == 302
    report = PublicReport.objects.get()
    assert (report.area, report.venue, report.address) == (tree["mugen"], None, "木根村老街口")


def test_a_grid_or_a_made_up_village_is_refused(client, page, tree):
    for value in (tree["qinggang-1"].pk, tree["town"].pk, 99999):
        response = send(client, page, village=value, address="某处")
        assert "village" in response.context["form"].errors
    assert not PublicReport.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "021-1234567", "1391234567x"])
def test_a_contact_phone_is_checked_when_given(client, page, shop, phone):
    response = send(client, page, query=f"?venue={shop.public_code}", contact_phone=phone)
    assert response.context["form"].errors["contact_phone"]
    assert not PublicReport.objects.exists()


def test_a_description_is_required_and_a_document_is_not_a_photo(client, page, shop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response, description="")
    data["photos"] = [SimpleUploadedFile("a.pdf", b"%PDF-1.4 not a photo", content_type="application/pdf")]
    response = client.post(url(page), data)
    form = response.context["form"]
    assert form.errors["description"] == [_("Please say what is wrong.")]
    assert response.context["photos_dropped"]  # the page says to choose the photos again
    # Once the rest is right and the question answered, the document is refused as a photo,
    # with a new question (the old one is used up).
    data = form_data(response, description="后门堵住了")
    data["photos"] = [SimpleUploadedFile("a.pdf", b"%PDF-1.4 not a photo", content_type="application/pdf")]
    response = client.post(url(page), data)
    assert response.context["form"].errors["photos"]
    assert response.context["challenge"].token != data["challenge"]
    assert "后门堵住了" in response.content.decode()
    assert not PublicReport.objects.exists() and not PublicReportPhoto.objects.exists()


def test_an_unknown_or_unapproved_venue_code_is_not_prefilled(client, page, tree):
    draft = make_venue(tree["qinggang-1"], "shopping", name="草稿店")
    for code in (draft.public_code, "NOPE1234", "<script>"):
        response = client.get(url(page), {"venue": code})
        assert response.status_code == 200 and response.context["venue"] is None
        assert "草稿店" not in response.content.decode()


def test_the_same_form_sent_twice_files_one_report(client, page, shop):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response)
    first = client.post(url(page), data)
    second = client.post(url(page), data)
    assert first.status_code == second.status_code == 302
    assert PublicReport.objects.count() == 1
    assert PublicReport.objects.get().code in client.get(url(page, "done")).content.decode()


def test_the_workflow_returns_the_same_report_for_the_same_submission(tree):
    key = uuid.uuid4()
    one = workflow.file(submission_id=key, description="a", village=tree["qinggang"], address="b")
    two = workflow.file(submission_id=key, description="a", village=tree["qinggang"], address="b")
    assert one.pk == two.pk and PublicReport.objects.count() == 1


# The rate limit ----------------------------------------------------------------------------

def test_reports_are_limited_per_address_per_hour_and_per_day(client, page, tree):
    def file(address):
        return workflow.file(submission_id=uuid.uuid4(), description="x", village=tree["qinggang"],
                             address="y", client_address=address)

    for _n in range(workflow.PER_HOUR):
        file("10.0.0.1")
    with pytest.raises(workflow.RateLimited):
        file("10.0.0.1")
    file("10.0.0.2")  # another address is not limited

    # An hour later the hourly limit is free again, until the day's limit.
    PublicReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    for _n in range(workflow.PER_DAY - workflow.PER_HOUR - 1):
        PublicReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
        file("10.0.0.1")
    PublicReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert PublicReport.objects.filter(sender=workflow.sender_of("10.0.0.1")).count() == workflow.PER_DAY - 1
    file("10.0.0.1")
    PublicReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    with pytest.raises(workflow.RateLimited):
        file("10.0.0.1")


def test_the_form_says_when_the_address_has_sent_too_many(client, page, tree):
    for _n in range(workflow.PER_HOUR):
        workflow.file(submission_id=uuid.uuid4(), description="x", village=tree["qinggang"], address="y",
                      client_address="127.0.0.1")
    response = send(client, page, village=tree["qinggang"].pk, address="村口", description="电线乱拉")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "电线乱拉" in response.content.decode()
    assert PublicReport.objects.count() == workflow.PER_HOUR


# The challenge -----------------------------------------------------------------------------

def test_a_wrong_answer_is_refused_beside_the_field_and_what_was_typed_is_kept(client, page, shop):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    wrong = str(int(answer_of(response)) + 1)
    response = client.post(url(page), form_data(response, answer=wrong, description="后门堵住了",
                                                contact_name=REPORTER_NAME))
    assert response.status_code == 200 and not PublicReport.objects.exists()
    form = response.context["form"]
    assert form.errors["answer"] == [_("That is not the right answer. Please try the new question.")]
    html = response.content.decode()
    assert "后门堵住了" in html and REPORTER_NAME in html
    assert 'id="id_answer-error"' in html
    # A new question is asked; answering it sends the report.
    again = client.post(url(page), form_data(response, description="后门堵住了"))
    assert again.status_code == 302 and PublicReport.objects.count() == 1


def test_an_answer_in_chinese_or_full_width_digits_counts(client, page, shop):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    total = int(answer_of(response))
    chinese = {v: k for k, v in views.CHINESE_NUMBERS.items()}[total]
    assert client.post(url(page), form_data(response, answer=chinese)).status_code == 302
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    full_width = answer_of(response).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(url(page), form_data(response, answer=full_width)).status_code == 302


def test_an_expired_question_is_refused(client, page, shop, monkeypatch):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    monkeypatch.setattr(views, "CHALLENGE_MAX_AGE", -1)
    response = client.post(url(page), form_data(response))
    assert response.context["form"].errors["answer"] == [
        _("The question has expired. Please answer the new question.")]
    assert not PublicReport.objects.exists()


def test_a_question_answers_once(client, page, shop):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response)
    assert client.post(url(page), data).status_code == 302
    reused = client.post(url(page), {**data, "submission_id": str(uuid.uuid4())})
    assert reused.context["form"].errors["answer"] == [
        _("This question has already been answered. Please answer the new question.")]
    assert PublicReport.objects.count() == 1


def test_a_question_belongs_to_the_session_that_was_asked(client, page, shop):
    from django.test import Client

    response = client.get(f"{url(page)}?venue={shop.public_code}")
    other = Client()
    other.get(url(page))
    reply = other.post(url(page), form_data(response))
    assert "answer" in reply.context["form"].errors and not PublicReport.objects.exists()


def test_a_forged_question_is_refused(client, page, shop):
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    forged = signing.dumps({"a": 1, "b": 1, "n": "x"}, salt="another salt")
    reply = client.post(url(page), form_data(response, challenge=forged, answer="2"))
    assert "answer" in reply.context["form"].errors and not PublicReport.objects.exists()


# Staff handle it and the reporter follows it -------------------------------------------------

@pytest.fixture
def report(shop):
    return workflow.file(submission_id=uuid.uuid4(), description="后门安全出口被纸箱堵住", venue=shop,
                         contact_name=REPORTER_NAME, contact_phone=REPORTER_PHONE,
                         photos=[photos.reencode(photo_upload())],
                         client_address="10.1.1.1")


def test_a_report_turned_into_a_hazard_and_the_lookup_shows_its_progress(client, page, report, shop, qg_staff,
                                                                         owner):
    client.force_login(qg_staff)
    detail = reverse("venues_public_report_detail", args=[report.pk])
    response = client.get(detail)
    assert response.status_code == 200
    html = response.content.decode()
    assert REPORTER_NAME in html and "139****5678" in html and REPORTER_PHONE not in html
    photo = report.photos.get()
    assert reverse("venues_public_report_photo", args=[photo.pk]) in html
    assert client.get(reverse("venues_public_report_photo", args=[photo.pk])).status_code == 200

    response = client.post(detail, {"step": "hazard", "hazard-venue": shop.pk,
                                     "hazard-severity": Severity.MAJOR,
                                     "hazard-description": "后门安全出口堵塞，请立即清理"})
    assert response.status_code == 302
    report.refresh_from_db()
    hazard = Hazard.objects.get()
    assert (report.status, report.hazard, report.handled_by) == (PublicReportStatus.HAZARD, hazard, qg_staff)
    assert (hazard.venue, hazard.source, hazard.severity) == (shop, HazardSource.PUBLIC, Severity.MAJOR)
    assert hazard.deadline == hazards.deadline_for(Severity.MAJOR)
    assert AuditEntry.objects.filter(action="public_report.hazard", object_id=str(report.pk)).exists()
    told = Message.objects.get(recipient=owner)
    assert shop.name in told.subject and "后门安全出口堵塞" not in told.body  # told, without quoting it

    client.logout()
    progress = lookup(client, page, report.code).context["progress"]
    assert progress.status == PublicReportStatus.HAZARD
    assert progress.hazard_status == HazardStatus.OPEN.label

    # The owner fixes it and staff close it (销号): the reporter reads "fixed".
    hazards.add_after_photo(hazard, photo_upload(), owner)
    hazards.rectify(hazard, owner, "已清理")
    assert lookup(client, page, report.code).context["progress"].hazard_status == HazardStatus.RECTIFIED.label
    hazards.verify(hazard, make_member(VILLAGE_STAFF, shop.area.get_parent()), accepted=True)
    response = lookup(client, page, report.code)
    assert response.context["progress"].status == PublicReportStatus.FIXED
    html = response.content.decode()
    assert qg_staff.username not in html
    assert not qg_staff.get_full_name() or qg_staff.get_full_name() not in html

    # In the staff list "fixed" finds it, "confirmed, being fixed" does not.
    client.force_login(qg_staff)
    index = reverse("venues_public_report_index")
    assert [r.pk for r in client.get(index, {"status": "fixed"}).context["rows"]] == [report.pk]
    assert client.get(index, {"status": "hazard"}).context["rows"] == []


def test_turning_into_a_hazard_twice_records_one_hazard(report, shop, qg_staff):
    for _n in range(2):
        workflow.make_hazard(report, qg_staff, shop, severity=Severity.GENERAL, description="堵塞")
    assert Hazard.objects.count() == 1


def test_a_hazard_only_at_a_venue_of_the_reports_village_in_scope(client, report, tree, qg_staff):
    elsewhere = approve(make_venue(tree["mugen-1"], "shopping", name="木根杂货铺", credit_code=""))
    client.force_login(qg_staff)
    response = client.post(reverse("venues_public_report_detail", args=[report.pk]), {
        "step": "hazard", "hazard-venue": elsewhere.pk, "hazard-severity": Severity.GENERAL,
        "hazard-description": "x"})
    assert response.status_code == 200 and response.context["forms"]["hazard"].errors["venue"]
    assert not Hazard.objects.exists()
    with pytest.raises(PermissionDenied):  # from the workflow itself
        workflow.make_hazard(report, qg_staff, elsewhere, severity=Severity.GENERAL, description="x")
    assert not Hazard.objects.exists()


def test_closing_needs_a_reason_that_the_reporter_reads(client, page, report, qg_staff):
    client.force_login(qg_staff)
    detail = reverse("venues_public_report_detail", args=[report.pk])
    response = client.post(detail, {"step": "close", "close-reason": "  "})
    assert response.context["forms"]["close"].errors["reason"]
    report.refresh_from_db()
    assert report.status == PublicReportStatus.RECEIVED

    response = client.post(detail, {"step": "close", "close-reason": "已到现场核实，后门通道畅通。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == PublicReportStatus.CLOSED
    client.logout()
    response = lookup(client, page, report.code)
    assert response.context["progress"].reason == "已到现场核实，后门通道畅通。"
    assert "已到现场核实，后门通道畅通。" in response.content.decode()
    # A closed report takes no more steps.
    client.force_login(qg_staff)
    client.post(detail, {"step": "hazard", "hazard-venue": report.venue_id, "hazard-severity": "general",
                         "hazard-description": "x"})
    assert not Hazard.objects.exists()


def test_revealing_the_reporters_number_is_audited(client, report, qg_staff):
    client.force_login(qg_staff)
    response = client.post(reverse("venues_public_report_detail", args=[report.pk]), {"step": "reveal"})
    assert REPORTER_PHONE in response.content.decode()
    assert AuditEntry.objects.filter(action="public_report.reveal", actor=qg_staff).count() == 1


def test_an_unknown_code_is_refused_beside_the_field(client, page):
    response = lookup(client, page, "ABCD2345")
    assert response.context["progress"] is None
    assert response.context["form"].errors["code"] == [
        _("No report has this lookup code. Please check it and try again.")]


# Privacy -------------------------------------------------------------------------------------

def test_the_reporter_is_never_shown_to_the_venue(client, home, page, report, shop, qg_staff, owner):
    selfcheck = make_selfcheck_page(home)
    workflow.make_hazard(report, qg_staff, shop, severity=Severity.GENERAL, description="后门堵塞，请清理")
    hazard = Hazard.objects.get()
    client.force_login(owner)
    base = selfcheck.url
    pages = [reverse("owner:home"), reverse("owner:messages"),
             base + selfcheck.reverse_subpage("hazard", kwargs={"hazard_id": hazard.pk}),
             base + selfcheck.reverse_subpage("history", kwargs={"venue_id": shop.pk}),
             reverse("venue_card", args=[shop.public_code])]
    pages += [reverse("owner:message", args=[m.pk]) for m in Message.objects.filter(recipient=owner)]
    assert len(pages) >= 6
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        for secret in (REPORTER_NAME, REPORTER_PHONE, "139****5678", report.code):
            assert secret not in html, f"{secret} on {address}"
    for message in Message.objects.all():
        assert REPORTER_NAME not in message.body + message.subject and REPORTER_PHONE not in message.body
    # The report's photos are not the venue's: its owner cannot open them.
    photo = report.photos.get()
    assert client.get(reverse("venues_public_report_photo", args=[photo.pk])).status_code in (302, 403, 404)
    assert not hazard.photos.exists()


def test_staff_of_another_village_see_nothing(client, report, mg_staff, tree):
    town = make_member(TOWN_OFFICE, tree["town"])
    client.force_login(mg_staff)
    assert client.get(reverse("venues_public_report_index")).context["rows"] == []
    assert client.get(reverse("venues_public_report_detail", args=[report.pk])).status_code == 404
    photo = report.photos.get()
    assert client.get(reverse("venues_public_report_photo", args=[photo.pk])).status_code == 404
    client.post(reverse("venues_public_report_detail", args=[report.pk]),
                {"step": "close", "close-reason": "x"})
    report.refresh_from_db()
    assert report.status == PublicReportStatus.RECEIVED
    client.force_login(town)
    assert [r.pk for r in client.get(reverse("venues_public_report_index")).context["rows"]] == [report.pk]


def test_the_staff_list_filters_by_village(client, report, tree):
    other = workflow.file(submission_id=uuid.uuid4(), description="木根的隐患", village=tree["mugen"],
                          address="x")
    client.force_login(make_member(TOWN_OFFICE, tree["town"]))
    index = reverse("venues_public_report_index")
    assert [r.pk for r in client.get(index).context["rows"]] == [other.pk, report.pk]  # newest first
    assert [r.pk for r in client.get(index, {"village": tree["mugen"].pk}).context["rows"]] == [other.pk]
    assert [r.pk for r in client.get(index, {"status": "closed"}).context["rows"]] == []


def test_editors_preview_the_page_with_its_texts(page):
    """Wagtail's preview serves the form with the texts as edited, a draft never published too."""
    page.intro = "<p>预览的介绍</p>"
    response = page.make_preview_request()
    assert response.status_code == 200
    assert "预览的介绍" in response.content.decode()


def test_the_staff_hazard_page_links_to_the_report(client, report, shop, qg_staff, tree):
    workflow.make_hazard(report, qg_staff, shop, severity=Severity.GENERAL, description="后门堵塞")
    hazard = Hazard.objects.get()
    detail = reverse("venues_public_report_detail", args=[report.pk])
    client.force_login(qg_staff)
    assert detail in client.get(reverse("venues_hazard_detail", args=[hazard.pk])).content.decode()
    # A grid worker sees the hazard, not a link to a report they may not open.
    client.force_login(make_member(GRID_WORKER, tree["qinggang-1"]))
    response = client.get(reverse("venues_hazard_detail", args=[hazard.pk]))
    assert response.status_code == 200 and detail not in response.content.decode()


def test_the_staff_list_costs_the_same_queries_for_more_reports(client, tree, qg_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def file(n):
        for _n in range(n):
            report = workflow.file(submission_id=uuid.uuid4(), description="x", village=tree["qinggang"],
                                   address="y", photos=[photos.reencode(photo_upload())])
        return report

    client.force_login(qg_staff)
    index = reverse("venues_public_report_index")
    file(1)
    client.get(index)
    with CaptureQueriesContext(connection) as few:
        client.get(index)
    file(4)
    with CaptureQueriesContext(connection) as more:
        response = client.get(index)
    assert len(response.context["rows"]) == 5
    assert len(more) == len(few)


# Review fixes: floods, parallel requests, privacy ---------------------------------------------

@pytest.fixture
def reencoded(monkeypatch):
    """Counts the photos decoded (a spy on our own venues.photos.reencode)."""
    calls = []
    original = photos.reencode

    def spy(upload):
        calls.append(upload.name)
        return original(upload)

    monkeypatch.setattr(photos, "reencode", spy)
    return calls


def test_photos_are_decoded_only_after_the_question_and_the_limit_pass(client, page, shop, tree, reencoded):
    venue_form = f"{url(page)}?venue={shop.public_code}"
    # A wrong answer: the photos are not even opened.
    response = client.get(venue_form)
    data = form_data(response, answer=str(int(answer_of(response)) + 1))
    data["photos"] = [photo_upload(), photo_upload(color="blue")]
    response = client.post(url(page), data)
    assert response.context["form"].errors["answer"] and reencoded == []

    # The right answer from an address that has sent too many: refused before decoding, with a
    # message about the limit (not about fields) and a new question (the old one is used up).
    for _n in range(workflow.PER_HOUR):
        workflow.file(submission_id=uuid.uuid4(), description="x", village=tree["qinggang"], address="y",
                      client_address="127.0.0.1")
    data = form_data(response)
    data["photos"] = [photo_upload()]
    response = client.post(url(page), data)
    assert response.status_code == 200 and reencoded == []
    assert response.context["limited"] and response.context["challenge"].token != data["challenge"]
    summary = response.content.decode().split('id="form-errors"')[1].split("</div>")[0]
    assert _("Some answers need correcting; each is marked beside its field. Nothing you typed has been "
             "lost.") not in summary
    assert str(response.context["form"].non_field_errors()[0]) in summary

    PublicReport.objects.update(created_at=timezone.now() - datetime.timedelta(hours=2))
    data = form_data(response)
    data["photos"] = [photo_upload()]
    assert client.post(url(page), data).status_code == 302
    assert len(reencoded) == 1 and PublicReportPhoto.objects.count() == 1


def test_photos_too_large_together_are_refused_with_a_message(client, page, shop, monkeypatch):
    monkeypatch.setattr(views, "MAX_TOTAL_UPLOAD", 1000)
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response, description="后门堵住了")
    data["photos"] = [photo_upload(size=(640, 480)), photo_upload(size=(640, 480), color="blue")]
    response = client.post(url(page), data)
    assert response.context["form"].errors["photos"] and not PublicReport.objects.exists()
    assert "后门堵住了" in response.content.decode()


def test_a_used_question_is_refused_to_a_parallel_request_with_the_same_session(client, page, shop):
    from django.contrib.sessions.backends.db import SessionStore

    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response)
    key = client.session.session_key
    before = dict(SessionStore(session_key=key).load())  # what a parallel request has read
    assert client.post(url(page), data).status_code == 302
    # The parallel request's session still holds the nonce (it was read before the first wrote).
    store = SessionStore(session_key=key)
    store.update(before)
    store.save()
    reused = client.post(url(page), {**data, "submission_id": str(uuid.uuid4())})
    assert reused.context["form"].errors["answer"] == [
        _("This question has already been answered. Please answer the new question.")]
    assert PublicReport.objects.count() == 1


def test_ipv6_addresses_are_limited_by_their_64_and_no_address_by_one_bucket(tree):
    assert workflow.sender_of("2001:db8:1:2::1") == workflow.sender_of("2001:db8:1:2:ffff::9")
    assert workflow.sender_of("2001:db8:1:2::1") != workflow.sender_of("2001:db8:1:3::1")
    assert workflow.sender_of("::ffff:10.0.0.1") == workflow.sender_of("10.0.0.1")
    assert workflow.sender_of(None) == workflow.sender_of("") == workflow.sender_of("not an address") != ""

    def file(address):
        return workflow.file(submission_id=uuid.uuid4(), description="x", village=tree["qinggang"],
                             address="y", client_address=address)

    for number in range(workflow.PER_HOUR):
        file(f"2001:db8:1:2::{number + 1}")
    with pytest.raises(workflow.RateLimited):
        file("2001:db8:1:2::abcd")
    for _n in range(workflow.PER_HOUR):
        file(None)
    with pytest.raises(workflow.RateLimited):
        file(None)


def test_an_address_posting_the_form_too_often_is_refused_before_anything_is_checked(client, page, shop,
                                                                                      monkeypatch):
    monkeypatch.setattr(views, "FORM_ATTEMPTS_PER_HOUR", 2)
    response = client.get(f"{url(page)}?venue={shop.public_code}")
    for _n in range(2):
        response = client.post(url(page), form_data(response, answer="99"))
        assert response.context["form"].errors["answer"]
    response = client.post(url(page), form_data(response))  # the right answer, too late
    assert response.status_code == 200 and response.context["limited"]
    assert response.context["form"].non_field_errors() and not PublicReport.objects.exists()


def test_wrong_lookup_codes_are_limited_per_address(client, page, report):
    for _n in range(views.FAILED_LOOKUPS_PER_HOUR):
        assert lookup(client, page, "ABCD2345").context["form"].errors["code"]
    refused = lookup(client, page, report.code)
    assert refused.context["progress"] is None and refused.context["form"].non_field_errors()
    cache.clear()  # an hour later
    assert lookup(client, page, report.code).context["progress"].status == PublicReportStatus.RECEIVED


def test_a_resent_form_shows_its_code_only_to_the_session_that_filed_it(client, page, shop):
    from django.test import Client

    response = client.get(f"{url(page)}?venue={shop.public_code}")
    data = form_data(response)
    assert client.post(url(page), data).status_code == 302
    report = PublicReport.objects.get()
    assert client.post(url(page), data)["Location"] == url(page, "done")  # resent by its sender

    other = Client()
    other_form = other.get(f"{url(page)}?venue={shop.public_code}")
    copied = {**data, "challenge": other_form.context["challenge"].token, "answer": answer_of(other_form)}
    response = other.post(url(page), copied)
    # Not the first report: a report of its own (answered its own question).
    assert PublicReport.objects.count() == 2
    assert report.code not in other.get(url(page, "done")).content.decode()
    assert response.status_code == 302


def test_the_staff_form_starts_empty_and_the_holders_are_not_told_the_reporters_words(client, report, shop,
                                                                                     qg_staff, owner):
    detail = reverse("venues_public_report_detail", args=[report.pk])
    client.force_login(qg_staff)
    response = client.get(detail)
    form = response.context["forms"]["hazard"]
    assert not form["description"].value() and form["venue"].value() == shop.pk
    assert 'id="report-text-reference"' in response.content.decode()

    workflow.make_hazard(report, qg_staff, shop, severity=Severity.GENERAL, description=report.description)
    messages_ = Message.objects.filter(recipient=owner)
    assert messages_.exists()
    for message in messages_:
        assert report.description[:10] not in message.body + message.subject


def test_the_report_keeps_the_venue_its_reporter_named(report, shop, tree, qg_staff):
    neighbour = approve(make_venue(tree["qinggang-1"], "shopping", name="青杠隔壁小卖部", credit_code=""))
    workflow.make_hazard(report, qg_staff, neighbour, severity=Severity.GENERAL, description="隔壁堵塞")
    report.refresh_from_db()
    assert report.venue == shop and report.hazard.venue == neighbour


def test_the_hazard_links_the_report_only_for_those_who_may_handle_it(client, report, shop, qg_staff, tree):
    workflow.make_hazard(report, qg_staff, shop, severity=Severity.GENERAL, description="后门堵塞")
    hazard = Hazard.objects.get()
    detail = reverse("venues_public_report_detail", args=[report.pk])
    # Village staff working on one grid have the permission and see the hazard, not the report.
    grid_staff = make_member(VILLAGE_STAFF, tree["qinggang-1"])
    assert grid_staff.has_perm("venues.handle_publicreport")
    client.force_login(grid_staff)
    response = client.get(reverse("venues_hazard_detail", args=[hazard.pk]))
    assert response.status_code == 200
    assert detail not in response.content.decode() and report.code not in response.content.decode()


def test_retention_clears_the_sender_after_a_day_and_the_contact_after_handling(report, shop, qg_staff):
    from venues import retention

    other = workflow.file(submission_id=uuid.uuid4(), description="门口堆放杂物", venue=shop,
                          contact_name="李四", contact_phone="13800000001",
                          photos=[photos.reencode(photo_upload())], client_address="10.1.1.2")
    now = timezone.now()
    assert retention.apply_all(now)["public_report_sender"] == 0
    later = now + datetime.timedelta(days=2)
    assert retention.apply_all(later)["public_report_sender"] == 2
    assert set(PublicReport.objects.values_list("sender", flat=True)) == {""}

    workflow.close(report, qg_staff, "现场核实，已清理")
    workflow.make_hazard(other, qg_staff, shop, severity=Severity.GENERAL, description="门口堆放杂物")
    # Only the closed one: the other's hazard is still open.
    assert retention.apply_all(now + datetime.timedelta(days=200))["public_report_contact"] == 1
    report.refresh_from_db()
    assert (report.contact_name, report.contact_phone) == ("", "") and not report.photos.exists()
    other.refresh_from_db()
    assert other.contact_phone == "13800000001" and other.photos.exists()  # its hazard is still open
    Hazard.objects.update(status=HazardStatus.CLOSED, closed_at=now)
    assert retention.apply_all(now + datetime.timedelta(days=200))["public_report_contact"] == 1
    other.refresh_from_db()
    assert other.contact_name == "" and not other.photos.exists()
    assert report.code and report.description  # the report itself stays for its lookup


def test_the_report_pages_are_not_indexed_and_the_card_link_is_nofollow(client, page, shop):
    card = client.get(reverse("venue_card", args=[shop.public_code])).content.decode()
    assert 'id="report-hazard-here" rel="nofollow"' in card
    for address in (url(page), url(page, "lookup")):
        assert '<meta name="robots" content="noindex, nofollow">' in client.get(address).content.decode()


def test_the_site_settings_accept_only_a_hazard_report_page(client, home, page, shop):
    from django.core.exceptions import ValidationError

    settings = SiteSettings.objects.get(site=home.get_site())
    settings.report_page = home
    with pytest.raises(ValidationError) as refused:
        settings.clean()
    assert "report_page" in refused.value.message_dict
    # One set before the check (or by a script) is ignored: the card shows no link to it.
    settings.save()
    card = client.get(reverse("venue_card", args=[shop.public_code])).content.decode()
    assert 'id="report-hazard-here"' not in card
    settings.report_page = page
    settings.clean()
