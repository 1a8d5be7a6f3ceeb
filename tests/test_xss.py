"""Stored cross-site scripting and spreadsheet formulas: every payload of a corpus goes into
every free-text field people fill in (a venue's fields, the reviewer's reason and notes, area,
office, kind and staff names, the owner's name, a message, correction requests and their
answers, a census sheet's cells and file name), and every page that shows them must show them
as text: on the owners' site and their "my data" download, the registration steps, the public
card, the back office and Wagtail's own admin pages. Nothing
a payload brings may become markup: no script, no event handler, no javascript: link, no
frame. Exports (.xlsx and .csv) must hold them as plain text, never as a live formula.

The site's Content Security Policy would block inline scripts too; these tests prove the
escaping itself, so they ignore the policy."""

import csv
import io
import json
import re
import uuid
import zipfile
from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import CharField, TextField
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import log

import pytest
from openpyxl import load_workbook

from home.registration import STEPS
from tests.factories import (
    UserFactory,
    fill_selfcheck,
    make_area_tree,
    make_home,
    make_office,
    make_registration_page,
    make_staff,
    make_venue,
)
from venues.census_import import FIELDS
from venues.models import (
    Area,
    AuditEntry,
    CorrectionRequest,
    CorrectionStatus,
    Hazard,
    HazardStatus,
    ImportBatch,
    Message,
    SelfCheck,
    SelfCheckAnswer,
    Venue,
    VenueKind,
    VenuePhoto,
    VenueStatus,
    VenueStatusChange,
)
from venues.roles import GRID_WORKER, TOWN_OFFICE
from venues.spreadsheets import FORMULA_STARTS, csv_text, xlsx_value
from venues.workflows import selfchecks
from venues.workflows.registration import NOTE_FIELDS

pytestmark = pytest.mark.django_db

# Markup that would run script if a page wrote it out as it is. Each fits the shortest
# free-text fields (names of people and offices: 50 characters).
HTML_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert('xss')>",
    "<svg onload=alert('xss')>",
    "<svg><script>alert('xss')</script></svg>",
    "javascript:alert('xss')",
    '" onmouseover="alert(\'xss\')" x="',
    "' onfocus='alert(1)' autofocus x='",
    '"><script>alert(\'xss\')</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert('xss')</script>",
    "</title><script>alert('xss')</script>",
    "</script><script>alert('xss')</script>",
    "</style><img src=x onerror=alert(1)>",
    # Template syntax of Django and others: shown as typed, never evaluated.
    "{{ 7|add:7 }}{% debug %}{{ request }}",
    "${7*7}#{7*7}<%= 7*7 %>{{constructor}}",
    # Entities and look-alikes: shown as typed, never decoded into markup.
    "&lt;script&gt;alert('xss')&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "＜script＞alert('xss')＜/script＞",
    "\u202e<script>alert(1)</script>\u200b",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    '<div style="width:expression(alert(1))">x</div>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    "<a href=data:text/html;base64,PHNjcmlwdD4=>x</a>",
    # Markup that a browser re-parses differently (mutation XSS).
    '<noscript><p title="</noscript><svg onload=x()>">',
    "<math><mtext><mglyph><style><img src onerror=x()>",
    "<scr<script>ipt>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    '<base href="//evil.example/">',
    "<meta http-equiv=refresh content=0;url=//ev.il>",
    "<!--<img src=x onerror=alert(1)>-->",
    "\\\"-alert(1)-\\\"';alert(1)//",
    # A control character: fine on a page, but openpyxl refuses to write it to an .xlsx.
    "<b>\x0b\x1b[31m</b>",
]
# Text a spreadsheet would run as a formula (OWASP "CSV injection").
FORMULA_PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1",
]
CORPUS = HTML_PAYLOADS + FORMULA_PAYLOADS
NAME_LENGTH = 50
assert len(CORPUS) >= 20 and all(len(payload) <= NAME_LENGTH for payload in CORPUS)

# Fields whose values are checked formats (mobiles, credit codes): nobody can type markup there.
FORMATTED = {"credit_code", "operator_mobile", "contact_mobile"}


# --- What the pages show ----------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "cite", "srcset", "ping"}
# Elements that load or frame another document, or change where links lead.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
# <script> elements that are data, never run.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class Markup(HTMLParser):
    """The elements and text of a page, as a browser would read them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.texts = []
        self.scripts = []  # (attributes, text)
        self._open_script = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag in ("script", "style"):
            self._open_script = (tag, attributes, [])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._open_script = None

    def handle_endtag(self, tag):
        if self._open_script and self._open_script[0] == tag:
            name, attributes, text = self._open_script
            self.scripts.append((name, attributes, "".join(text)))
            self._open_script = None

    def handle_data(self, data):
        if self._open_script:
            self._open_script[2].append(data)
        else:
            self.texts.append(data)


def squeeze(text):
    return " ".join(text.split())


def valid_json(text):
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def unsafe_url(value):
    # Browsers ignore spaces and control characters inside a scheme ("jav\tascript:").
    scheme = re.sub(r"[\x00-\x20]", "", value).lower()
    return scheme.startswith(("javascript:", "vbscript:", "data:text", "data:application"))


def markup_problems(html, payload):
    """What on the page a payload could have turned into running script."""
    page = Markup()
    page.feed(html)
    page.close()
    found = []
    for tag, attributes in page.elements:
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…> event handler")
            if name == "srcdoc":
                found.append(f"<{tag} srcdoc>")
            if name in URL_ATTRIBUTES and unsafe_url(value):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.I):
                found.append(f"<{tag} style={value!r}>")
    for tag, attributes, text in page.scripts:
        if tag == "style":
            if "alert(" in text:
                found.append(f"<style> holding a payload: {text[:80]!r}")
        elif "src" in attributes:
            if not attributes["src"].startswith("/") or attributes["src"].startswith("//"):
                found.append(f"<script src={attributes['src']!r}>")
        elif attributes.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            found.append(f"inline <script>: {text[:80]!r}")
        elif not valid_json(text):
            # Data for the page's scripts (Wagtail's sidebar names the person): a payload that
            # ended the element early would leave it cut short.
            found.append(f"<script type=json> cut short: {text[-80:]!r}")
    if "<" in payload and payload in html:
        found.append("the payload as it is, unescaped, in the page's source")
    values = [value for _tag, attributes in page.elements for value in attributes.values()]
    shown = any(squeeze(payload) in squeeze(text) for text in ["\n".join(page.texts), *values])
    if not shown:
        found.append("the payload is not shown as text at all (rendered some other way?)")
    return found


# --- A register full of one payload ---------------------------------------------------------------

def free_text_fields(model, skip=()):
    """The model's fields where people type what they like."""
    return [
        field.name for field in model._meta.concrete_fields
        if isinstance(field, CharField | TextField) and field.editable and not field.choices
        and field.name not in skip
    ]


def fill(instance, payload, names):
    """The payload in every one of ``names`` long enough to hold it."""
    for name in names:
        max_length = instance._meta.get_field(name).max_length
        if max_length is None or len(payload) <= max_length:
            setattr(instance, name, payload)
    return instance


def valid_username(payload):
    try:
        UnicodeUsernameValidator()(payload)
    except ValidationError:
        return False
    return len(payload) <= 150


class Register:
    """Everything one payload goes into, and the pages that show it."""

    def __init__(self, payload):
        self.payload = payload
        self.home = make_home()
        self.registration = make_registration_page(self.home)
        tree = make_area_tree()
        # Fresh from the database: adding siblings moves the tree's paths.
        self.village, self.grid = (Area.objects.get(pk=tree[key].pk) for key in ("qinggang", "qinggang-1"))
        for area in (self.village, self.grid):
            fill(area, payload, ["name", "code"]).save(update_fields=["name", "code"])
        kind = VenueKind.objects.get(slug="shopping")
        fill(kind, payload, ["name", "criteria"]).save()

        office = make_office("shopping", name=payload)
        self.superuser = fill(UserFactory(is_superuser=True, is_staff=True), payload, ["full_name"])
        self.superuser.save()
        self.town = make_staff(tree["town"], office=office, permissions=(),
                               **({"username": payload} if valid_username(payload) else {}))
        self.town.groups.add(Group.objects.get(name=TOWN_OFFICE))
        fill(self.town, payload, ["full_name", "first_name", "last_name"]).save()
        self.grid_worker = make_staff(self.grid, permissions=())
        self.grid_worker.groups.add(Group.objects.get(name=GRID_WORKER))
        fill(self.grid_worker, payload, ["full_name"]).save()
        self.owner = fill(UserFactory(mobile="13900000011"), payload, ["full_name", "first_name"])
        self.owner.save()

        # Returned for changes (the owner's steps show the reviewer's notes), approved (the
        # public card and door cards), and submitted without an owner (review, claim code).
        self.returned = self.venue(VenueStatus.RETURNED, owner=self.owner, draft_step=5)
        self.approved = self.venue(VenueStatus.APPROVED, owner=self.owner)
        self.submitted = self.venue(VenueStatus.SUBMITTED, owner=None)
        notes = dict.fromkeys(NOTE_FIELDS, payload)
        for venue in (self.returned, self.approved, self.submitted):
            VenueStatusChange.objects.create(venue=venue, actor=self.town, from_status=VenueStatus.SUBMITTED,
                                             to_status=venue.status, reason=payload, field_notes=notes)
        VenuePhoto.objects.create(venue=self.returned, kind="storefront", file=ContentFile(b"jpeg", "p.jpg"),
                                  width=1, height=1, uploaded_by=self.owner)
        self.message = Message.objects.create(recipient=self.owner, venue=self.returned,
                                              subject=payload, body=payload)
        # The owner's requests to correct their data: one waiting, one answered.
        self.corrections = [
            CorrectionRequest.objects.create(requester=self.owner, venue=self.returned, what=payload,
                                             submission_id=uuid.uuid4()),
            CorrectionRequest.objects.create(requester=self.owner, venue=self.approved, what=payload,
                                             answer=payload, status=CorrectionStatus.DECLINED,
                                             handled_by=self.town, handled_at=timezone.now(),
                                             submission_id=uuid.uuid4()),
        ]
        self.selfcheck, self.hazard, self.draft = self.selfchecks()
        AuditEntry.objects.create(actor=self.town, role=payload, area=payload, action="venue.move",
                                  object_type="venue", object_id=str(self.approved.pk),
                                  detail={"from": payload, "to": payload, "reason": payload})
        # A census sheet whose every cell, an extra heading and the file's name are the payload.
        headings = [f.heading for f in FIELDS]
        self.batch = ImportBatch.objects.create(
            created_by=self.superuser, file_name=payload, headers=[*headings, payload],
            rows=[{"row": 2, "cells": [payload] * (len(headings) + 1)}],
            mapping={f.key: index for index, f in enumerate(FIELDS)},
        )
        # Wagtail's site history names the office (a snippet) and the staff member who changed it.
        log(instance=office, action="wagtail.edit", user=self.town)

    def selfchecks(self):
        """A self-check of the approved venue whose asked question, answers, confirmation and
        return reason are the payload; the hazard it found, reported fixed with the payload; and
        a self-check the town office is filling in with the owner."""
        payload, venue = self.payload, self.approved

        def asked(check):
            check.items[0]["question"] = check.items[0]["group"] = payload
            SelfCheck.objects.filter(pk=check.pk).update(items=check.items)
            return check

        check = asked(selfchecks.start(venue, self.owner))
        code = check.items[0]["code"]
        fill_selfcheck(check, self.owner, fail=[code])
        SelfCheckAnswer.objects.filter(selfcheck=check).update(note=payload, interim_measure=payload)
        check = selfchecks.submit(check, self.owner)
        SelfCheck.objects.filter(pk=check.pk).update(assisted_by=self.grid_worker, confirmed_by_name=payload)
        selfchecks.return_(check, self.town, payload)
        hazard = Hazard.objects.get(selfcheck=check)
        Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.RECTIFIED, rectification_note=payload)
        hazard.events.update(note=payload)
        draft = asked(selfchecks.start(venue, self.town, assisted=True))
        selfchecks.save_answers(draft, self.town, {code: {"answer": "no", "note": payload,
                                                          "interim_measure": payload}})
        return check, hazard, draft

    def venue(self, status, **fields):
        venue = fill(make_venue(self.grid, status=status, **fields), self.payload,
                     free_text_fields(Venue, skip=FORMATTED))
        venue.save()
        return venue

    def step_url(self, venue, slug):
        return self.registration.url + self.registration.reverse_subpage(
            "step", kwargs={"venue_id": venue.pk, "step": slug})

    def pages(self):
        """(who looks, method, address) of every page that shows what people typed."""
        batch = {"batch_id": self.batch.pk}
        owner = [
            "/owner/", "/owner/messages/", reverse("owner:message", args=[self.message.pk]),
            reverse("owner:my_data"), self.registration.url,
            *(self.step_url(self.returned, step.slug) for step in STEPS),
            self.step_url(self.returned, "done"), self.step_url(self.approved, "done"),
        ]
        # The town office's back office: a staff role, with the dashboard's to-do panel.
        staff = [
            "/admin/", reverse("venues_venue_modeladmin_index"),
            *(reverse("venues_venue_modeladmin_inspect", args=[venue.pk])
              for venue in (self.returned, self.approved, self.submitted)),
            reverse("venues_door_card", args=[self.approved.pk]),
            reverse("venues_door_cards", args=[self.village.pk]),
            reverse("venues_venue_move", args=[self.approved.pk]),
            reverse("venues_owner_help", args=[self.approved.pk]),
            reverse("venues_staff_index"),
            reverse("venues_staff_edit", args=[self.grid_worker.pk]),
            reverse("venues_staff_password", args=[self.grid_worker.pk]),
            reverse("venues_area_index"),
            reverse("venues_area_edit", args=[self.grid.pk]),
            reverse("venues_area_add", args=[self.village.pk]),
            reverse("venues_census_add"),
            reverse("venues_correction_index") + "?show=all",
            *(reverse("venues_correction_detail", args=[item.pk]) for item in self.corrections),
            reverse("venues_selfcheck_index") + "?status=all",
            reverse("venues_selfcheck_detail", args=[self.selfcheck.pk]),
            reverse("venues_hazard_index"),
            reverse("venues_hazard_detail", args=[self.hazard.pk]),
            reverse("venues_selfcheck_fill", args=[self.draft.pk, 1]),
            reverse("venues_selfcheck_confirm", args=[self.draft.pk]),
            reverse("venues_selfcheck_discard", args=[self.draft.pk]),
        ]
        # A superuser's: the census import, the audit log and Wagtail's own pages.
        admin = [
            reverse("venues_import_mapping", kwargs=batch), reverse("venues_import_preview", kwargs=batch),
            reverse("venues_auditentry_modeladmin_index"),
            reverse("venues_auditentry_modeladmin_inspect", args=[AuditEntry.objects.latest("pk").pk]),
            reverse("wagtailusers_users:index"), reverse("wagtailusers_users:edit", args=[self.town.pk]),
            reverse("wagtailsnippets_venues_office:list"),
            reverse("wagtailsnippets_venues_office:edit", args=[self.town.staff_profile.office.pk]),
            reverse("wagtailsnippets_venues_venuekind:list"),
            reverse("wagtailadmin_reports:site_history"),
        ]
        # Pages drawn by an action: the numbers in full, a claim slip, an import's result.
        posted = [reverse("venues_reveal", args=[self.returned.pk]),
                  reverse("venues_claim_code", args=[self.submitted.pk]),
                  reverse("venues_import_run", kwargs=batch)]
        return [
            *(("owner", "get", url) for url in owner),
            (None, "get", reverse("venue_card", args=[self.approved.public_code])),
            *(("town", "get", url) for url in staff),
            *(("superuser", "get", url) for url in admin),
            *(("superuser", "post", url) for url in posted),
        ]


@pytest.fixture(params=CORPUS, ids=[f"payload{n}" for n in range(len(CORPUS))])
def register(request, db):
    return Register(request.param)


def test_pages_show_payloads_as_text(client, register):
    payload = register.payload
    problems = {}
    for who, method, url in register.pages():
        if who is None:
            client.logout()
        else:
            client.force_login(getattr(register, who))
        # An action's page may come after a redirect (the import's result).
        response = getattr(client, method)(url, follow=True)
        assert response.status_code == 200, f"{method.upper()} {url}: {response.status_code}"
        found = markup_problems(response.content.decode(), payload)
        if found:
            problems[f"{method.upper()} {url}"] = found
    assert not problems, f"{payload!r}: {problems}"


def strings(data):
    """Every text in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for item in data.values() if isinstance(data, dict) else data:
            yield from strings(item)


def test_the_owners_data_download_shows_payloads_as_text(client, register):
    """The copy of "my data" opens from the owner's own disk: the same escaping."""
    client.force_login(register.owner)
    response = client.get(reverse("owner:my_data_download"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        page = archive.read("data.html").decode()
        data = json.loads(archive.read("data.json"))
    problems = markup_problems(page, register.payload)
    assert not problems, f"{register.payload!r} in data.html: {problems}"
    assert any(register.payload in text for text in strings(data))


# --- Spreadsheets ------------------------------------------------------------------------------------

def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_problems(content, payload):
    found, shown = [], False
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type not in ("s", "inlineStr", "n", "d"):  # text, numbers and dates
                    found.append(f"{sheet.title}!{cell.coordinate} is {cell.data_type!r}: {cell.value!r}")
                # Control characters cannot be written to an .xlsx: they are left out.
                if isinstance(cell.value, str) and squeeze(xlsx_value(payload)) in squeeze(cell.value):
                    shown = True
    if not shown:
        found.append("the payload is not in the sheet")
    return found


def csv_problems(content, payload):
    found, shown = [], False
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        for field in row:
            if field.startswith(FORMULA_STARTS):
                found.append(f"live formula: {field!r}")
            if squeeze(payload) in squeeze(field):
                shown = True
    if not shown:
        found.append("the payload is not in the file")
    return found


def test_exports_hold_payloads_as_plain_text(client, register):
    client.force_login(register.superuser)
    payload = register.payload
    venues, audit = reverse("venues_venue_modeladmin_index"), reverse("venues_auditentry_modeladmin_index")
    history = reverse("wagtailadmin_reports:site_history")
    sheets = [
        venues + "?export=xlsx", audit + "?export=xlsx", history + "?export=xlsx",
        reverse("venues_staff_index") + "?export=xlsx",
        reverse("venues_import_rejected", kwargs={"batch_id": register.batch.pk}),
        reverse("venues_import_template"),
    ]
    problems = {}
    for url in sheets:
        found = xlsx_problems(download(client, url), payload)
        if found:
            problems[url] = found
    for url in [venues + "?export=csv", audit + "?export=csv", history + "?export=csv"]:
        found = csv_problems(download(client, url), payload)
        if found:
            problems[url] = found
    assert not problems, f"{payload!r}: {problems}"


def test_ordinary_values_stay_as_they_are(client, db):
    """Only text that starts like a formula is changed: numbers (negative ones too), masked
    mobiles and ordinary names come out as they were typed."""
    assert (csv_text(-2), csv_text(3.5), csv_text("138****0000"), csv_text("青杠村")) == (
        -2, 3.5, "138****0000", "青杠村")
    assert csv_text("-1楼") == "'-1楼"
    tree = make_area_tree()
    venue = make_venue(tree["qinggang-1"], name="示例副食店", operator_name="张三",
                       operator_mobile="13900000011", status=VenueStatus.APPROVED)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    content = download(client, reverse("venues_venue_modeladmin_index") + "?export=csv")
    _header, row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert not any(field.startswith("'") for field in row)
    assert {venue.name, "张三", "139****0011", "青杠村", "青杠村第1网格"} <= set(row)
