"""Every venue and owner URL, for every role and for staff of two villages, against an
outcome declared per URL pattern. A new pattern without a declaration fails this test."""

import uuid

from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

import pytest

from home.roles import EDITORS
from tests.factories import UserFactory, make_staff, make_venue
from venues.census_import import FIELDS, example_row
from venues.models import (
    Area,
    AreaLevel,
    AuditEntry,
    CorrectionRequest,
    EvidencePhoto,
    Hazard,
    HazardSource,
    HazardStatus,
    ImportBatch,
    ImportStatus,
    Message,
    SelfCheck,
    SelfCheckStatus,
    VenuePhoto,
    VenueStatus,
)
from venues.roles import GRID_WORKER, LEAD_OFFICE, LEADER, TOWN_OFFICE, VILLAGE_STAFF
from venues.workflows import selfchecks

pytestmark = pytest.mark.django_db

OK, LOGIN, NOT_FOUND, FORBIDDEN = "ok", "login", "not found", "forbidden"
ROLES = ["anonymous", "owner", "other_owner", "editor", "qg_staff", "mg_staff", "qg_grid", "leader",
         "town", "lead_catering", "superuser"]
OWNERS = ("owner", "other_owner")


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def staff_view(outsiders=NOT_FOUND):
    """Back-office pages about the 青杠村 shop: staff whose scope covers it see it; for
    anyone else the venue does not exist."""
    return {
        "anonymous": LOGIN, "editor": NOT_FOUND, "qg_staff": OK, "mg_staff": outsiders,
        "qg_grid": OK, "leader": OK, "town": OK, "lead_catering": outsiders, "superuser": OK,
    }


def review_action():
    """POST actions on the 青杠村 shop: reviewers in scope act, others are refused."""
    return {
        "anonymous": LOGIN, "editor": NOT_FOUND, "qg_staff": OK, "mg_staff": NOT_FOUND,
        "qg_grid": FORBIDDEN, "leader": FORBIDDEN, "town": OK, "lead_catering": NOT_FOUND,
        "superuser": OK,
    }


def signed_in(outcome):
    """Owner pages: anonymous visitors are sent to sign in."""
    return {**everyone(outcome), "anonymous": LOGIN}


def auditors_only():
    """The audit log: auditors (tested apart) and superusers."""
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "superuser": OK}


def town_office_only():
    """Pages of the town office (and superusers); other staff are refused."""
    return {**everyone(FORBIDDEN), "anonymous": LOGIN, "town": OK, "superuser": OK}


# pattern name → (method, expected outcome per role)
EXPECTED = {
    # The list itself is open to every staff role (each sees only their scope, tested
    # elsewhere); content editors have no venue rights at all.
    "venues_venue_modeladmin_index": ("get", {**staff_view(), "editor": FORBIDDEN,
                                              "mg_staff": OK, "lead_catering": OK}),
    "venues_venue_modeladmin_create": ("get", {**everyone(NOT_FOUND), "anonymous": LOGIN}),
    "venues_venue_modeladmin_edit": ("get", {**everyone(NOT_FOUND), "anonymous": LOGIN}),
    "venues_venue_modeladmin_delete": ("get", {**everyone(NOT_FOUND), "anonymous": LOGIN}),
    "venues_venue_modeladmin_inspect": ("get", staff_view()),
    "venues_venue_review": ("post", review_action()),
    "venues_door_card": ("get", staff_view()),
    "venues_reissue_code": ("post", review_action()),
    "venues_door_cards": ("get", {**staff_view(), "qg_grid": NOT_FOUND, "lead_catering": OK}),
    # The town office's own pages: staff accounts and the area tree.
    "venues_staff_index": ("get", town_office_only()),
    "venues_staff_add": ("get", town_office_only()),
    "venues_staff_edit": ("get", town_office_only()),
    "venues_staff_password": ("get", town_office_only()),
    "venues_area_index": ("get", town_office_only()),
    "venues_area_add": ("get", town_office_only()),
    "venues_area_edit": ("get", town_office_only()),
    "venues_area_delete": ("post", town_office_only()),
    "venues_venue_move": ("get", {**staff_view(), "qg_staff": FORBIDDEN, "qg_grid": FORBIDDEN,
                                  "leader": FORBIDDEN}),
    # Census entry: every role that records venues; a leader only reads.
    "venues_census_add": ("get", {**everyone(OK), "anonymous": LOGIN, "editor": FORBIDDEN,
                                  "leader": FORBIDDEN}),
    "venues_claim_code": ("post", {**staff_view(), "leader": FORBIDDEN}),
    # Census import: staff who record venues; a leader only reads. An import belongs to
    # whoever uploaded it (here the town office): for other staff it does not exist.
    "venues_import": ("get", {**everyone(OK), "anonymous": LOGIN, "editor": FORBIDDEN,
                              "leader": FORBIDDEN}),
    "venues_import_template": ("get", {**everyone(OK), "anonymous": LOGIN, "editor": FORBIDDEN,
                                       "leader": FORBIDDEN}),
    **{name: (method, {**everyone(NOT_FOUND), "anonymous": LOGIN, "editor": FORBIDDEN,
                       "leader": FORBIDDEN, "town": OK, "superuser": OK})
       for name, method in [("venues_import_mapping", "get"), ("venues_import_preview", "get"),
                            ("venues_import_result", "get"), ("venues_import_rejected", "get"),
                            ("venues_import_run", "post")]},
    "venues_photo_add": ("post", {**staff_view(), "leader": FORBIDDEN}),
    "venues_owner_help": ("get", review_action()),
    # The owner site: the shop's owner sees its photo and their message; another owner
    # finds neither; staff signed in there are shown the way to the back office.
    "owner:photo": ("get", {**staff_view(), "anonymous": NOT_FOUND, "owner": OK,
                            "other_owner": NOT_FOUND}),
    # A photo of a hazard (before or after its fix): the same people as the venue's photos.
    "owner:evidence_photo": ("get", {**staff_view(), "anonymous": NOT_FOUND, "owner": OK,
                                     "other_owner": NOT_FOUND}),
    "owner:home": ("get", signed_in(OK)),
    "owner:my_data": ("get", signed_in(OK)),
    "owner:my_data_download": ("get", signed_in(OK)),
    "owner:correction": ("get", signed_in(OK)),
    # Owners' correction requests: reviewers of the venue's area; grid workers and leaders
    # do not handle them.
    "venues_correction_index": ("get", {**everyone(FORBIDDEN), "anonymous": LOGIN, "qg_staff": OK,
                                        "mg_staff": OK, "town": OK, "lead_catering": OK,
                                        "superuser": OK}),
    "venues_correction_detail": ("get", {**staff_view(), "editor": FORBIDDEN, "owner": FORBIDDEN,
                                         "other_owner": FORBIDDEN, "qg_grid": FORBIDDEN,
                                         "leader": FORBIDDEN}),
    "owner:messages": ("get", signed_in(OK)),
    "owner:message": ("get", {**signed_in(OK), "other_owner": NOT_FOUND}),
    "owner:claim": ("get", signed_in(OK)),
    "owner:account": ("get", signed_in(OK)),
    "owner:change_password": ("get", signed_in(OK)),
    "owner:change_mobile": ("get", signed_in(OK)),
    "owner:change_mobile_confirm": ("get", signed_in(OK)),
    "owner:signup": ("get", everyone(OK)),
    "owner:signup_confirm": ("get", everyone(OK)),
    "owner:login": ("get", everyone(OK)),
    "owner:logout": ("post", everyone(LOGIN)),
    "owner:reset": ("get", everyone(OK)),
    "owner:reset_confirm": ("get", everyone(OK)),
    # The audit log: auditors and superusers read it; nobody writes to it here.
    "venues_auditentry_modeladmin_index": ("get", auditors_only()),
    "venues_auditentry_modeladmin_inspect": ("get", auditors_only()),
    "venues_auditentry_modeladmin_create": ("get", {**everyone(FORBIDDEN), "anonymous": LOGIN}),
    "venues_auditentry_modeladmin_edit": ("get", {**everyone(FORBIDDEN), "anonymous": LOGIN}),
    "venues_auditentry_modeladmin_delete": ("post", {**everyone(FORBIDDEN), "anonymous": LOGIN}),
    "venues_reveal": ("post", {**staff_view(), "editor": NOT_FOUND}),
    "owner:classify": ("get", everyone(OK)),
    "venue_card": ("get", everyone(OK)),
    # The second factor's pages (tests/venues/test_second_factor.py has their rules): anyone
    # who may use the admin sets up an app; verifying without a device leads there (OK); with no
    # new backup codes in the session, that page goes back to the dashboard (read as FORBIDDEN).
    "venues_otp_setup": ("get", {**everyone(OK), "anonymous": LOGIN}),
    "venues_otp_verify": ("get", {**everyone(OK), "anonymous": LOGIN}),
    "venues_otp_backup_codes": ("get", {**everyone(FORBIDDEN), "anonymous": LOGIN}),
    # Self-checks and hazards: every role that may see them lists those in its scope; the
    # shop's self-check (submitted) and hazard (fixed, awaiting the re-check) exist only for
    # those whose scope covers it. Reviewers accept; grid workers re-check fixes but do not
    # review; leaders only read. Content editors have no rights here.
    "venues_selfcheck_index": ("get", {**everyone(OK), "anonymous": LOGIN, "editor": FORBIDDEN}),
    "venues_selfcheck_detail": ("get", {**staff_view(), "editor": FORBIDDEN}),
    "venues_selfcheck_review": ("post", {**review_action(), "editor": FORBIDDEN}),
    "venues_hazard_index": ("get", {**everyone(OK), "anonymous": LOGIN, "editor": FORBIDDEN}),
    "venues_hazard_detail": ("get", {**staff_view(), "editor": FORBIDDEN}),
    "venues_hazard_verify": ("post", {**review_action(), "editor": FORBIDDEN, "qg_grid": OK}),
    # The assisted self-check: staff who may assist start one for a venue in their scope; the
    # draft (here the grid worker's) is filled in and confirmed only by the one assisting.
    "venues_selfcheck_assist": ("post", {**review_action(), "qg_grid": OK}),
    **dict.fromkeys(["venues_selfcheck_fill", "venues_selfcheck_confirm"], ("get", {
        **everyone(FORBIDDEN), "anonymous": LOGIN, "mg_staff": NOT_FOUND, "lead_catering": NOT_FOUND,
        "qg_grid": OK})),
    # Discarding an unfinished self-check (here the grid worker's assisted one): asked first
    # (GET); the one assisting and reviewers in scope may; leaders only read.
    "venues_selfcheck_discard": ("get", {**review_action(), "editor": FORBIDDEN, "qg_grid": OK}),
}


# Owners have no back-office access: Wagtail sends them to its sign-in page.
for _name, (_method, _outcomes) in EXPECTED.items():
    if _name.startswith("venues_"):
        for _role in OWNERS:
            _outcomes[_role] = LOGIN


def our_patterns():
    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern),
                                pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
    return {
        name for name in walk(get_resolver().url_patterns)
        if name.startswith(("venues_", "owner:")) or name == "venue_card"
    }


def test_every_pattern_declared_here_exists():
    # tests/venues/test_access_matrix_reports.py declares the rest (告知 and 报告), and checks
    # that the two tables together cover every pattern.
    assert set(EXPECTED) <= our_patterns()


@pytest.fixture
def people(tree):
    def member(role, *areas, kinds=()):
        user = make_staff(*areas, kinds=kinds, permissions=())
        user.groups.add(Group.objects.get(name=role))
        return user

    return {
        "anonymous": AnonymousUser(),
        "owner": UserFactory(username="shop-owner", mobile="13900000011"),
        "other_owner": UserFactory(username="other-owner", mobile="13900000022"),
        "editor": UserFactory(groups=[EDITORS]),
        "qg_staff": member(VILLAGE_STAFF, tree["qinggang"]),
        "mg_staff": member(VILLAGE_STAFF, tree["mugen"]),
        "qg_grid": member(GRID_WORKER, tree["qinggang-1"]),
        "leader": member(LEADER, tree["town"]),
        "town": member(TOWN_OFFICE, tree["town"]),
        "lead_catering": member(LEAD_OFFICE, tree["town"], kinds=["catering"]),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


def url_for(name, venue, area, colleague=None, empty_grid=None, photo=None, batch=None, message=None,
            entry=None, correction=None, check=None, draft=None, hazard=None, evidence=None):
    from django.urls import reverse

    kwargs = {
        "venues_venue_modeladmin_edit": {"instance_pk": venue.pk},
        "venues_venue_modeladmin_delete": {"instance_pk": venue.pk},
        "venues_venue_modeladmin_inspect": {"instance_pk": venue.pk},
        "venues_venue_review": {"venue_id": venue.pk},
        "venues_door_card": {"venue_id": venue.pk},
        "venues_reissue_code": {"venue_id": venue.pk},
        "venues_door_cards": {"area_id": area.pk},
        "venue_card": {"code": venue.public_code},
        "venues_staff_edit": {"user_id": colleague.pk},
        "venues_staff_password": {"user_id": colleague.pk},
        "venues_area_add": {"parent_id": area.pk},
        "venues_area_edit": {"area_id": empty_grid.pk},
        "venues_area_delete": {"area_id": empty_grid.pk},
        "venues_venue_move": {"venue_id": venue.pk},
        "venues_claim_code": {"venue_id": venue.pk},
        "venues_photo_add": {"venue_id": venue.pk},
        "venues_owner_help": {"venue_id": venue.pk},
        "venues_reveal": {"venue_id": venue.pk},
        **dict.fromkeys(["venues_auditentry_modeladmin_inspect", "venues_auditentry_modeladmin_edit",
                         "venues_auditentry_modeladmin_delete"], {"instance_pk": entry.pk if entry else 0}),
        "owner:message": {"message_id": message.pk if message else 0},
        "venues_correction_detail": {"request_id": correction.pk if correction else 0},
        "venues_selfcheck_detail": {"check_id": check.pk if check else 0},
        "venues_selfcheck_review": {"check_id": check.pk if check else 0},
        "venues_selfcheck_fill": {"check_id": draft.pk if draft else 0, "group_number": 1},
        "venues_selfcheck_confirm": {"check_id": draft.pk if draft else 0},
        "venues_selfcheck_discard": {"check_id": draft.pk if draft else 0},
        "venues_selfcheck_assist": {"venue_id": venue.pk},
        "venues_hazard_detail": {"hazard_id": hazard.pk if hazard else 0},
        "venues_hazard_verify": {"hazard_id": hazard.pk if hazard else 0},
        "owner:photo": {"photo_id": photo.pk if photo else 0},
        "owner:evidence_photo": {"photo_id": evidence.pk if evidence else 0},
        **dict.fromkeys(["venues_import_mapping", "venues_import_preview", "venues_import_result",
                         "venues_import_rejected", "venues_import_run"], {"batch_id": batch.pk}),
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    return url + ("?category=shopping&floor_area=100" if name == "owner:classify" else "")


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/login/" in location:
            return LOGIN
        # Wagtail sends someone without the permission to the dashboard; a done action
        # goes back to the venue.
        return FORBIDDEN if location.rstrip("/").endswith("/admin") else OK
    return {200: OK, 403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, response.status_code)


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, tree, people, name, role):
    # An approved shop in 青杠村's first grid: out of scope for 木根村 and for the
    # catering office, in scope for everyone else with venue rights.
    venue = make_venue(tree["qinggang-1"], "shopping", status=VenueStatus.SUBMITTED
                       if name == "venues_venue_review" else VenueStatus.APPROVED,
                       owner=None if name == "venues_claim_code" else people["owner"])
    message = Message.objects.create(recipient=people["owner"], venue=venue, subject="已批准", body="…")
    user = people[role]
    if user.is_authenticated:
        client.force_login(user)
    method, expected = EXPECTED[name]
    # A grid worker's account and an empty grid of 青杠村, for the town office's pages.
    empty_grid = Area.objects.get(pk=tree["qinggang"].pk).add_child(name="青杠村第3网格",
                                                                    level=AreaLevel.GRID)
    # A census import of one good row, uploaded by the town office.
    batch = ImportBatch.objects.create(
        created_by=people["town"], file_name="census.xlsx", headers=[f.heading for f in FIELDS],
        rows=[{"row": 2, "cells": example_row(people["town"])}],
        mapping={f.key: index for index, f in enumerate(FIELDS)},
    )
    photo = VenuePhoto.objects.create(venue=venue, kind="storefront", file=ContentFile(b"jpeg", "p.jpg"),
                                      width=1, height=1, uploaded_by=people["superuser"])
    # The shop's submitted self-check, its hazard reported fixed, and (for the assisted pages)
    # a self-check the grid worker is filling in with the owner.
    check = SelfCheck.objects.create(venue=venue, status=SelfCheckStatus.SUBMITTED,
                                     started_by=people["owner"], submitted_at=timezone.now(),
                                     submitted_by=people["owner"])
    hazard = Hazard.objects.create(venue=venue, source=HazardSource.SELFCHECK, severity="general",
                                   description="灭火器过期", deadline=timezone.localdate(),
                                   status=HazardStatus.RECTIFIED, rectification_note="已更换")
    draft = (selfchecks.start(venue, people["qg_grid"], assisted=True)
             if name in ("venues_selfcheck_fill", "venues_selfcheck_confirm", "venues_selfcheck_discard")
             else None)
    url = url_for(name, venue, tree["qinggang"], colleague=people["qg_grid"], empty_grid=empty_grid,
                  photo=photo, batch=batch, message=message,
                  entry=AuditEntry.objects.create(action="test", object_type="venue", object_id="1"),
                  correction=CorrectionRequest.objects.create(
                      requester=people["owner"], venue=venue, what="地址门牌号错了",
                      submission_id=uuid.uuid4()),
                  check=check, draft=draft, hazard=hazard,
                  evidence=EvidencePhoto.objects.create(
                      venue=venue, hazard=hazard, file=ContentFile(b"jpeg", "e.jpg"), width=1, height=1,
                      uploaded_by=people["superuser"]))
    data = {"venues_venue_review": {"action": "approve"}, "venues_selfcheck_review": {"action": "accept"},
            "venues_hazard_verify": {"decision": "accept"}}.get(name, {})
    response = getattr(client, method)(url, data)
    assert outcome(response) == expected[role], f"{role} {method.upper()} {url}"
    if method == "post" and expected[role] != OK:
        refreshed = type(venue).objects.get(pk=venue.pk)
        assert (refreshed.status, refreshed.public_code) == (venue.status, venue.public_code)
        assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.UPLOADED
        assert SelfCheck.objects.get(pk=check.pk).status == SelfCheckStatus.SUBMITTED
        assert Hazard.objects.get(pk=hazard.pk).status == HazardStatus.RECTIFIED
        assert not SelfCheck.objects.filter(venue=venue, status=SelfCheckStatus.DRAFT).exists()


# The venue list's filters, search and exports: the 青杠村 shop appears exactly for the roles
# whose scope covers it, whichever way the list is asked for.
SEES_THE_SHOP = {"qg_staff", "qg_grid", "leader", "town", "superuser"}
LIST_VARIANTS = {
    "grid filter": lambda tree, venue: f"?area={tree['qinggang-1'].pk}",
    "village filter": lambda tree, venue: f"?area={tree['qinggang'].pk}",
    "status filter": lambda tree, venue: "?status=approved",
    "kind filter": lambda tree, venue: "?kind=shopping",
    "licence filter": lambda tree, venue: "?licence=licensed",
    "search": lambda tree, venue: "?q=" + venue.name[2:5],
    "xlsx export": lambda tree, venue: "?export=xlsx",
    "csv export": lambda tree, venue: "?export=csv",
    "filtered export": lambda tree, venue: f"?area={tree['qinggang-1'].pk}&q={venue.name[2:5]}&export=xlsx",
}


def listed_text(response):
    """What the list shows, as text, whether a page, a .csv or an .xlsx."""
    import io

    from openpyxl import load_workbook

    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(content)).active
        return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("variant", sorted(LIST_VARIANTS))
@pytest.mark.parametrize("role", ROLES)
def test_list_filters_search_and_exports_stay_in_scope(client, tree, people, role, variant):
    venue = make_venue(tree["qinggang-1"], "shopping", name="青杠便民副食店", status=VenueStatus.APPROVED)
    user = people[role]
    if user.is_authenticated:
        client.force_login(user)
    response = client.get("/admin/venues/venue/" + LIST_VARIANTS[variant](tree, venue))
    if role in ("anonymous", "editor", *OWNERS):
        assert outcome(response) in (LOGIN, FORBIDDEN)
        return
    assert response.status_code == 200
    assert (venue.name in listed_text(response)) == (role in SEES_THE_SHOP), f"{role} {variant}"
