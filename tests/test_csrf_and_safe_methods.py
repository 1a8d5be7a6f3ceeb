"""Every URL pattern of the project, the Wagtail admin and the page tree included, for a
superuser whose second factor is verified, an owner and an anonymous visitor:

- a POST without a CSRF token is refused (403) and changes nothing;
- GET and HEAD change nothing and never end in a server error.

"Nothing" is every table's rows, the signed-in person, and the e-mails and text messages
sent. The URLs come from the resolver itself, so a new pattern is checked without being
declared; its path parameters are filled with real objects made here (real_values), and the
test fails for a parameter it does not know."""

import datetime
import hashlib
import re
import uuid

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern
from django.utils import timezone

from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageSubscription,
    PageViewRestriction,
    Site,
    Task,
    Workflow,
)
from wagtail.users.models import UserProfile

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from home.models import HazardReportPage, StandardPage
from home.registration import STEPS
from home.roles import EDITORS
from tests.factories import (
    PASSWORD,
    NoticeIndexPage,
    TrainingTopic,
    UserFactory,
    add_page,
    make_area_tree,
    make_document,
    make_home,
    make_image,
    make_member,
    make_notice,
    make_office,
    make_registration_page,
    make_selfcheck_page,
    make_venue,
)
from venues.census_import import FIELDS, example_row
from venues.models import (
    AuditEntry,
    CaseEvidence,
    ChecklistItem,
    CorrectionRequest,
    HazardSource,
    ImportBatch,
    IntegrityReply,
    IntegrityRule,
    Message,
    NoticeVersion,
    OwnerReport,
    RiskRule,
    SeriousCase,
    Severity,
    VenueKind,
    VenuePhoto,
    VenueStatus,
)
from venues.roles import GRID_WORKER
from venues.workflows import hazards, selfchecks

pytestmark = pytest.mark.django_db

ROLES = ["superuser", "owner", "anonymous"]

# Records of access and caches, not changes of state: a GET may write them, and they are left
# out of the comparison.
NOT_STATE = {
    # The session itself: saved again once a minute while in use (venues.security.keep_alive)
    # to keep the idle timeout; who is signed in is checked apart (signed_in_as).
    "sessions.Session",
    # The audit log: reading personal data (an owner's "my data", numbers shown in full) is
    # written down on purpose (venues.audit).
    "venues.AuditEntry",
    # django-axes: sign-in attempts and their log.
    "axes.AccessAttempt", "axes.AccessAttemptExpiration", "axes.AccessLog", "axes.AccessFailureLog",
    # Wagtail's "who else has this open" (concurrent editing notices): opening an editor writes
    # the person's presence; Wagtail deletes it when they leave the editor, or after an hour.
    "wagtailadmin.EditingSession",
    # Wagtail's resized copies of an image, made the first time a size is shown (thumbnails in
    # the image list and the API): a cache of the image, which is itself unchanged.
    "wagtailimages.Rendition",
}
# Single columns that record an access.
ACCESS_COLUMNS = {
    # A read receipt: opening a message marks it read, like any mail program; the owner's
    # home shows the unread ones. Nothing else about the message may change.
    ("venues.Message", "read_at"),
}
# Wagtail's test view that raises on purpose, to try the error reporting.
DELIBERATE_ERRORS = {"/admin/failwhale/"}
# GETs known to change state, left as they are for the reason given: {address: (tables, why)}.
KNOWN_GET_WRITES = {
    "/admin/second-factor/setup/": (
        {"otp_totp_totpdevice"},
        "the first visit makes an unconfirmed authenticator (a draft device), so that reloading "
        "shows the same secret and wrong codes are throttled on it; confirmed by the first code. "
        "Making it on POST would need the secret kept in the session and a throttle of its own.",
    ),
}

# A form a POST carries: plausible fields of the project's forms, but no CSRF token.
FORM = {
    "action": "approve", "reason": "test", "title": "test", "name": "test", "slug": "test",
    "username": "someone", "full_name": "某人", "mobile": "13900000099", "code": "123456",
    "password": PASSWORD, "password1": PASSWORD, "password2": PASSWORD, "old_password": PASSWORD,
    "new_password1": PASSWORD, "new_password2": PASSWORD, "what": "test", "answer": "test",
    "status": "corrected", "q": "test", "next": "/", "kind": "storefront", "level": "50",
}


# --- The world the URLs point into ---------------------------------------------------------------

class World:
    def __init__(self):
        self.home = make_home()
        self.registration = make_registration_page(self.home)
        self.selfcheck_page = make_selfcheck_page(self.home)
        self.notices = add_page(self.home, NoticeIndexPage(title="通知公告", slug="notices"))
        self.page = make_notice(self.notices)
        self.draft = add_page(self.home, StandardPage(title="草稿", slug="draft"), publish=False)
        self.private = add_page(self.home, StandardPage(title="内部", slug="private"))
        self.revision = self.page.latest_revision
        tree = make_area_tree()
        self.village = tree["qinggang"]
        self.empty_grid = tree["mugen-2"]

        self.superuser = UserFactory(is_superuser=True, is_staff=True)
        self.device = TOTPDevice.objects.create(user=self.superuser, name="authenticator", confirmed=True)
        self.owner = UserFactory(username="owner", mobile="13900000011")
        self.colleague = make_member(GRID_WORKER, tree["qinggang-1"])
        for user in (self.superuser, self.owner, self.colleague):
            # Wagtail makes a person's preferences with their defaults on their first admin
            # page; made here, as if they had been in the admin before.
            UserProfile.get_for_user(user)

        self.venue = make_venue(tree["qinggang-1"], status=VenueStatus.APPROVED, owner=self.owner)
        self.returned = make_venue(tree["qinggang-1"], status=VenueStatus.RETURNED, owner=self.owner,
                                   name="退回的店", credit_code="")
        # A notice the owner is asked to confirm (告知), and a report of theirs (报告).
        self.version = NoticeVersion.objects.create(page=self.page, number=1, title=self.page.title)
        self.message = Message.objects.create(recipient=self.owner, venue=self.venue, subject="已批准",
                                              body="…", notice_version=self.version)
        self.report = OwnerReport.objects.create(venue=self.venue, reporter=self.owner, kind="guidance",
                                                 details="请来指导", submission_id=uuid.uuid4())
        # A patrol, a public report with a photo on its page, and a task given to the village.
        from venues.models import Patrol, PublicReport, PublicReportPhoto, TaskAssignment
        from venues.models import Task as DispatchedTask

        self.patrol = Patrol.objects.create(venue=self.venue, submission_id=uuid.uuid4(),
                                            inspector=self.colleague, items=[])
        self.report_page = add_page(self.home, HazardReportPage(title="举报隐患", slug="report-hazard"))
        self.public_report = PublicReport.objects.create(
            code="ABCDEFGH", submission_id=uuid.uuid4(), venue=self.venue, area=self.village,
            description="堵了安全出口", sender="x")
        self.public_photo = PublicReportPhoto.objects.create(
            report=self.public_report, file=ContentFile(b"jpeg", "p.jpg"), width=1, height=1)
        self.dispatched = DispatchedTask.objects.create(
            title="检查灭火器", description="逐一检查", due_on=timezone.localdate(),
            created_by=self.superuser, submission_id=uuid.uuid4())
        self.dispatched.venues.add(self.venue)
        self.assignment = TaskAssignment.objects.create(task=self.dispatched, area=self.village)
        self.photo = VenuePhoto.objects.create(venue=self.venue, kind="storefront",
                                               file=ContentFile(b"jpeg", "p.jpg"), width=1, height=1,
                                               uploaded_by=self.superuser)
        self.batch = ImportBatch.objects.create(
            created_by=self.superuser, file_name="census.xlsx", headers=[f.heading for f in FIELDS],
            rows=[{"row": 2, "cells": example_row(self.superuser)}],
            mapping={f.key: index for index, f in enumerate(FIELDS)},
        )
        self.entry = AuditEntry.objects.create(action="test", object_type="venue",
                                               object_id=str(self.venue.pk))
        self.correction = CorrectionRequest.objects.create(requester=self.owner, venue=self.venue,
                                                           what="电话错了", submission_id=uuid.uuid4())
        self.office = make_office("catering", name="测试办室")
        self.checklist_item = ChecklistItem.objects.first()  # seeded by the migrations
        self.risk_rule = RiskRule.objects.first()  # seeded by the migrations
        self.integrity_rule = IntegrityRule.objects.first()  # seeded by the migrations
        # The owner's reply with a re-check asked for, and a serious case with a photo of evidence,
        # of which the owner has been notified (诚信).
        self.reply = IntegrityReply.objects.create(venue=self.venue, author=self.owner, text="已整改",
                                                   level="B", status="requested", submission_id=uuid.uuid4())
        self.case = SeriousCase.objects.create(
            venue=self.venue, operator_name="张三", facts="多次拒绝检查", proposed_by=self.superuser,
            submission_id=uuid.uuid4(), status="notified", notified_at=timezone.now(),
            notified_by=self.superuser,
            objection_until=timezone.localdate() + datetime.timedelta(days=7))
        self.evidence = CaseEvidence.objects.create(case=self.case, file=ContentFile(b"jpeg", "e.jpg"),
                                                    width=1, height=1, uploaded_by=self.superuser)
        # A self-check the superuser is filling in with the owner, and a hazard of the venue.
        self.selfcheck = selfchecks.start(self.venue, self.superuser, assisted=True)
        self.hazard = hazards.record(self.venue, self.superuser, source=HazardSource.SELFCHECK,
                                     severity=Severity.GENERAL, description="灭火器过期")
        self.kind = VenueKind.objects.get(slug="shopping")
        self.topic = TrainingTopic.objects.create(name="用电安全")
        self.document = make_document()
        self.image = make_image()
        # An upload through Wagtail records the file's size; Wagtail fills it in on the first
        # view of a file stored without it, as the factories store them.
        self.document.get_file_size()
        self.image.get_file_size()
        self.collection = Collection.get_first_root_node().add_child(name="内部资料")
        self.collection_restriction = CollectionViewRestriction.objects.create(
            collection=self.collection, restriction_type="password", password="secret")
        self.page_restriction = PageViewRestriction.objects.create(
            page=self.private, restriction_type="password", password="secret")
        self.redirect = Redirect.objects.create(old_path="/old", redirect_link="/")
        self.group = Group.objects.get(name=EDITORS)
        self.site = Site.objects.get(is_default_site=True)
        self.workflow = Workflow.objects.filter(active=True).first()
        self.task = Task.objects.filter(active=True).first()
        self.workflow_state = self.workflow.start(self.draft, self.superuser)
        self.task_state = self.workflow_state.current_task_state
        # Wagtail's editor makes the person's comment-notification setting (off) the first time
        # they edit a page; made here, as if they had edited it before.
        PageSubscription.objects.create(page=self.page, user=self.superuser, comment_notifications=False)
        self.editing_session = EditingSession.objects.create(
            user=self.superuser, content_type=ContentType.objects.get_for_model(Page),
            object_id=str(self.page.pk), last_seen_at=timezone.now())

    def page_urls(self):
        """What Wagtail's catch-all serves: every page, and the registration's and the
        self-check's own routes."""
        registration = self.registration.url

        def step(venue, slug):
            return registration + self.registration.reverse_subpage(
                "step", kwargs={"venue_id": venue.pk, "step": slug})

        return [
            *(page.url for page in Page.objects.exclude(depth=1).specific() if page.url),
            registration + self.registration.reverse_subpage("start"),
            *(step(self.returned, s.slug) for s in STEPS), step(self.venue, "done"),
            *self.selfcheck_urls(),
            *(self.report_page.url + self.report_page.reverse_subpage(name) for name in ("done", "lookup")),
            "/no-such-page/",
        ]

    def selfcheck_urls(self):
        """The self-check page's routes, for the venue's self-check and hazard."""
        page, base = self.selfcheck_page, self.selfcheck_page.url
        check = {"check_id": self.selfcheck.pk}
        return [base + page.reverse_subpage(name, kwargs=kwargs) for name, kwargs in [
            ("index", {}), ("start", {"venue_id": self.venue.pk}), ("status", check),
            ("group", {**check, "group": 1}), ("submit", check),
            ("remove_photo", {**check, "photo_id": self.photo.pk}), ("hazard", {"hazard_id": self.hazard.pk}),
            ("history", {"venue_id": self.venue.pk}), ("discard", check),
        ]]


# (route, parameter) → value: the route's beginning decides where Wagtail's generic ids
# ("pk") point; the first rule that matches wins.
def real_values(world):
    w = world
    return [
        ("admin/collections/", "pk", w.collection.pk),
        ("admin/collections/", "collection_id", w.collection.pk),
        ("admin/workflows/tasks/", "pk", w.task.pk),
        ("admin/workflows/tasks/add/", "app_label", "wagtailcore"),
        ("admin/workflows/tasks/add/", "model_name", "groupapprovaltask"),
        ("admin/workflows/", "pk", w.workflow.pk),
        ("admin/workflows/remove/", "page_pk", w.home.pk),
        ("admin/workflows/remove/", "workflow_pk", w.workflow.pk),
        ("admin/sites/", "pk", w.site.pk),
        ("admin/users/", "pk", w.colleague.pk),
        ("admin/groups/", "pk", w.group.pk),
        ("admin/settings/", "app_name", "home"),
        ("admin/settings/", "model_name", "sitesettings"),
        ("admin/settings/", "pk", w.site.pk),
        ("admin/snippets/notices/trainingtopic/", "pk", w.topic.pk),
        ("admin/snippets/choose/notices/trainingtopic/", "pk", w.topic.pk),
        ("admin/snippets/venues/venuekind/", "pk", w.kind.pk),
        ("admin/snippets/choose/venues/venuekind/", "pk", w.kind.pk),
        ("admin/snippets/venues/office/", "pk", w.office.pk),
        ("admin/snippets/choose/venues/office/", "pk", w.office.pk),
        ("admin/snippets/venues/checklistitem/", "pk", w.checklist_item.pk),
        ("admin/snippets/choose/venues/checklistitem/", "pk", w.checklist_item.pk),
        ("admin/snippets/venues/checklistgroup/", "pk", w.checklist_item.group_id),
        ("admin/snippets/choose/venues/checklistgroup/", "pk", w.checklist_item.group_id),
        ("admin/snippets/venues/riskrule/", "pk", w.risk_rule.pk),
        ("admin/snippets/choose/venues/riskrule/", "pk", w.risk_rule.pk),
        ("admin/snippets/venues/integrityrule/", "pk", w.integrity_rule.pk),
        ("admin/snippets/choose/venues/integrityrule/", "pk", w.integrity_rule.pk),
        ("", "reply_id", w.reply.pk),
        ("", "case_id", w.case.pk),
        ("", "evidence_id", w.evidence.pk),
        ("admin/api/main/pages/", "pk", w.page.pk),
        ("admin/api/main/pages/", "action_name", "copy"),
        ("admin/api/main/documents/", "pk", w.document.pk),
        ("admin/api/main/images/", "pk", w.image.pk),
        ("admin/documents/", "pk", w.document.pk),
        ("admin/images/", "pk", w.image.pk),
        ("admin/venues/auditentry/", "instance_pk", w.entry.pk),
        ("admin/venues/dashboard/liuqing/", "key", "known"),
        ("admin/venues/venue/", "instance_pk", w.venue.pk),
        ("admin/pages/add/", "content_type_app_name", "home"),
        ("admin/pages/add/", "content_type_model_name", "standardpage"),
        ("admin/pages/usage/", "content_type_app_name", "home"),
        ("admin/pages/usage/", "content_type_model_name", "standardpage"),
        ("admin/pages/create/", "app_label", "home"),
        ("admin/pages/create/", "model_name", "standardpage"),
        ("admin/pages/workflow/", "page_id", w.draft.pk),
        ("admin/pages/workflow/", "action_name", "approve"),
        ("admin/pages/<int:page_to_move_id>/move/<int:destination_id>/", "destination_id", w.notices.pk),
        ("admin/bulk/", "app_label", "wagtailcore"),
        ("admin/bulk/", "model_name", "page"),
        ("admin/bulk/", "action", "delete"),
        ("admin/tag-autocomplete/", "app_name", "taggit"),
        ("admin/tag-autocomplete/", "model_name", "tag"),
        ("admin/editing-sessions/", "app_label", "wagtailcore"),
        ("admin/editing-sessions/", "model_name", "page"),
        ("admin/editing-sessions/", "object_id", w.page.pk),
        ("admin/venues/areas/<int:area_id>/", "area_id", w.empty_grid.pk),
        ("admin/venues/public-reports/", "report_id", w.public_report.pk),
        ("admin/venues/public-reports/", "photo_id", w.public_photo.pk),
        ("admin/venues/tasks/", "task_id", w.dispatched.pk),
        ("", "patrol_id", w.patrol.pk),
        ("", "assignment_id", w.assignment.pk),
        ("", "area_id", w.village.pk),
        ("", "parent_id", w.village.pk),
        ("", "venue_id", w.venue.pk),
        ("", "user_id", w.colleague.pk),
        ("", "batch_id", w.batch.pk),
        ("", "request_id", w.correction.pk),
        ("", "check_id", w.selfcheck.pk),
        ("", "group_number", 1),
        ("", "hazard_id", w.hazard.pk),
        ("", "message_id", w.message.pk),
        ("", "version_id", w.version.pk),
        ("", "report_id", w.report.pk),
        ("owner/reports/new/", "kind", "guidance"),
        ("", "photo_id", w.photo.pk),
        ("", "code", w.venue.public_code),
        ("", "page_id", w.page.pk),
        ("", "parent_page_id", w.home.pk),
        ("", "page_to_move_id", w.page.pk),
        ("", "revision_id", w.revision.pk),
        ("", "workflow_state_id", w.workflow_state.pk),
        ("", "task_state_id", w.task_state.pk),
        ("", "task_id", w.task.pk),
        ("", "document_id", w.document.pk),
        ("", "doc_id", w.document.pk),
        ("", "image_id", w.image.pk),
        ("", "filter_spec", "fill-100x100"),
        ("", "redirect_id", w.redirect.pk),
        ("", "restriction_id", w.collection_restriction.pk),
        ("", "page_view_restriction_id", w.page_restriction.pk),
        ("", "session_id", w.editing_session.pk),
        # Dummies, on purpose: a password-reset link that is not valid (the page says so), and
        # a multiple upload that is not in progress (404).
        ("", "uidb64", "MQ"),
        ("", "token", "not-a-token"),
        ("", "uploaded_file_id", 0),
    ]


# The few regular expressions with unnamed groups.
REGEX_EXAMPLES = {
    r"^documents/(\d+)/(.*)$": lambda w: f"documents/{w.document.pk}/{w.document.filename}",
    r"^(\d+)/(.*)$": lambda w: f"{w.document.pk}/{w.document.filename}",
    r"^(\d+)/revisions/compare/(live|earliest|\d+)\.\.\.(live|latest|\d+)/$":
        lambda w: f"{w.page.pk}/revisions/compare/earliest...latest/",
    r"^.*/$": lambda w: "no-such-page/",
}
NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
CONVERTER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")
PAGE_SERVING = r"^((?:[\w\-]+/)*)$"
# Wagtail's document view, replaced by ours (portal/urls.py) at the same addresses.
SHADOWED = {r"documents/(\d+)/(.*)$": r"^documents/(\d+)/(.*)$"}


def joined(chain):
    """The route as Django joins it (ResolverMatch.route): a later part loses its leading ^."""
    route = ""
    for part in chain:
        route = route + str(part).removeprefix("^") if route else str(part)
    return route


def patterns():
    """(route as Django joins it, the patterns from the root) for every URL pattern."""
    def walk(found, chain):
        for pattern in found:
            here = [*chain, pattern.pattern]
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, here)
            else:
                yield joined(here), here

    yield from walk(get_resolver().url_patterns, [])


def concrete_urls(world):
    """(route, url) for every pattern; the page-serving pattern once for every page."""
    rules = real_values(world)
    unknown = []

    def value(route, name):
        for start, parameter, found in rules:
            if parameter == name and route.startswith(start):
                return str(found)
        unknown.append(f"{name} in {route}")
        return "1"

    def filled(route, chain):
        def parameter(match):
            return value(route, match["name"])

        text = ""
        for part in chain:
            source = str(part)
            if isinstance(part, RegexPattern):
                if source in REGEX_EXAMPLES:
                    text += REGEX_EXAMPLES[source](world)
                    continue
                source = NAMED_GROUP.sub(parameter, source).removeprefix("^").removesuffix("$")
            text += CONVERTER.sub(parameter, source)
        return "/" + text

    urls = []
    for route, chain in patterns():
        if route == PAGE_SERVING:
            urls += [(route, url) for url in world.page_urls()]
        else:
            urls.append((route, filled(route, chain)))
    assert not unknown, f"no real value for these path parameters (add them to real_values): {unknown}"
    return urls


def test_every_url_reaches_its_own_pattern(world):
    """The filled-in URLs are the patterns they were made from (not a 404 or the catch-all)."""
    def reached(url):
        try:
            return resolve(url).route
        except Resolver404:
            return None

    wrong = [(route, url, reached(url)) for route, url in concrete_urls(world)
             if reached(url) != SHADOWED.get(route, route)]
    assert not wrong


# --- Nothing changes ---------------------------------------------------------------------------------

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(?P<table>\w+)"?', re.I)


def state_tables():
    """{table: (primary key, columns)} of every table that holds state, to be read as the
    database stores them (Python values such as a StreamField's have no stable repr)."""
    existing = set(connection.introspection.table_names())
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or meta.db_table not in existing or meta.label in NOT_STATE:
            continue
        columns = [field.column for field in meta.local_concrete_fields
                   if (meta.label, field.attname) not in ACCESS_COLUMNS]
        tables[meta.db_table] = (meta.pk.column, columns)
    return tables


def snapshot():
    """{table: (row count, hash of every row)} for every table that holds state."""
    state = {}
    with connection.cursor() as cursor:
        for table, (pk, columns) in state_tables().items():
            quote = connection.ops.quote_name
            names = ", ".join(quote(column) for column in columns)
            cursor.execute(f"SELECT {names} FROM {quote(table)} ORDER BY {quote(pk)}")  # noqa: S608 - table names
            rows = cursor.fetchall()
            state[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


class Watch:
    """Notes whether a request wrote to a table that holds state, so that the whole database
    is compared only then (comparing it after each of a thousand requests would be slow)."""

    def __init__(self):
        self.tables = set(state_tables())
        self.written = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match["table"] in self.tables:
            self.written.add(match["table"])
        return execute(sql, params, many, context)


def changes(before, after):
    return sorted(label for label in after if before.get(label) != after[label])


@pytest.fixture
def world(db, settings):
    settings.OTP_REQUIRED_FOR_ADMIN = True
    return World()


def signed_in_client(world, role):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if role == "anonymous":
        return client
    user = getattr(world, role)
    client.force_login(user)
    if role == "superuser":
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = world.device.persistent_id  # the second factor, verified
        session.save()
    return client


def refused(response, url):
    if response.status_code == 403:
        return True
    # Wagtail's admin API (Django REST framework, csrf_exempt to Django) checks the token itself
    # for a signed-in admin (SessionAuthentication); anyone else is sent to sign in first.
    return (response.status_code == 302 and "/login/" in response["Location"]
            and getattr(resolve(url).func, "csrf_exempt", False))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("role", ROLES)
def test_no_post_without_a_token_and_no_change_by_get_or_head(world, role, sms_outbox):
    client = signed_in_client(world, role)
    person = signed_in_as(client)
    urls = concrete_urls(world)
    problems = []
    watch = Watch()
    state = snapshot()
    with connection.execute_wrapper(watch):
        for _route, url in urls:
            for method in ("post", "get", "head"):
                watch.written.clear()
                mails, texts = len(mail.outbox), len(sms_outbox)
                response = client.post(url, FORM) if method == "post" else getattr(client, method)(url)
                where = f"{role} {method.upper()} {url}"
                if method == "post" and not refused(response, url):
                    problems.append(f"{where}: {response.status_code}, not refused")
                if response.status_code >= 500 and url not in DELIBERATE_ERRORS:
                    problems.append(f"{where}: server error {response.status_code}")
                if watch.written:
                    now = snapshot()
                    changed = set(changes(state, now))
                    if method != "post":
                        changed -= KNOWN_GET_WRITES.get(url, (set(), ""))[0]
                    if changed:
                        problems.append(f"{where} changed {sorted(changed)}")
                    state = now
                if (len(mail.outbox), len(sms_outbox)) != (mails, texts):
                    problems.append(f"{where} sent an e-mail or a text message")
                if signed_in_as(client) != person:
                    problems.append(f"{where} signed {role} in or out")
                    client = signed_in_client(world, role)
    # Writes the watch cannot see (none expected): the whole database, once more.
    if changes(state, snapshot()):
        problems.append(f"{role}: unseen writes changed {changes(state, snapshot())}")
    assert not problems, "\n".join(problems)
