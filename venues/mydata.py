"""Everything we hold about an owner (PIPL art. 45): their account, the venues they hold with
every field, history and photo, their messages, their requests, their account events, and
who among staff viewed their numbers in full. One collector feeds the page, the HTML copy and
the JSON in the download, so they always agree."""

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .access import venues_for
from .models import (
    Acknowledgement,
    AuditEntry,
    CorrectionRequest,
    EvidencePhoto,
    Hazard,
    IntegrityReply,
    Message,
    OwnerReport,
    Refusal,
    SelfCheck,
    SeriousCase,
    Venue,
    VenuePhoto,
    VenueStatusChange,
)
from .owner_forms import ReportForm

# The fields of a venue shown to its holder, in the order of the registration form.
VENUE_FIELDS = [
    "name", "kind", "other_kinds", "area", "address", "floor_area", "floors", "seats", "beds",
    "staff_count", "dorm_people", "people", "subtype", "outside_nine", "licence", "credit_code",
    "no_code_reason", "operator_name", "operator_mobile", "operator_id_number", "contact_name",
    "contact_mobile", "public_code", "status", "declared_at", "created_at", "updated_at",
]
# Events of the account shown to its holder, in words (the audit keeps them 184 days).
ACCOUNT_EVENTS = {
    "login": gettext_lazy("signed in"),
    "login.lockout": gettext_lazy("signing in locked after wrong passwords"),
    "logout": gettext_lazy("signed out"),
    "owner.change_password": pgettext_lazy("account event", "password changed"),
    "owner.reset_password": gettext_lazy("password reset with a text message code"),
    "owner.change_mobile": gettext_lazy("mobile number changed"),
    "owner.help": gettext_lazy("password or mobile number changed by staff at your request"),
    "owner.data_view": gettext_lazy("this page opened"),
    "owner.data_download": gettext_lazy("a copy of your data downloaded"),
    "correction.request": gettext_lazy("correction requested"),
}
# Staff actions that show the venue's personal numbers in full.
FULL_VIEW_ACTIONS = ["venue.reveal"]
ROLE_NAMES = {"superuser": pgettext_lazy("role", "system administrator")}


@dataclass
class Section:
    title: str
    rows: list = field(default_factory=list)  # (label, value) pairs
    table: list = field(default_factory=list)  # list of dicts for repeated records
    columns: list = field(default_factory=list)  # (key, label) of the table
    empty: str = ""

    def lines(self):
        """The table's rows as cells in column order, with the record they came from."""
        return [([row.get(key, "") for key, _label in self.columns], row) for row in self.table]


def _when(moment):
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def _venue_sections(venue, user):
    label = (pgettext("my data", "owner") if venue.owner_id == user.pk
             else pgettext("my data", "operator"))
    rows = [(str(Venue._meta.get_field(name).verbose_name), venue.display(name)) for name in VENUE_FIELDS]
    rows.append((_("your role"), label))
    history = Section(
        title=_("%(venue)s: history") % {"venue": venue.name},
        columns=[("at", pgettext("my data", "Time")), ("change", pgettext("my data", "Change")),
                 ("reason", pgettext("my data", "Reason"))],
        table=[{"at": _when(change.at),
                "change": f"{change.get_from_status_display()} → {change.get_to_status_display()}",
                "reason": change.reason} for change in venue.history.all()],
        empty=_("No changes yet."),
    )
    photos = Section(
        title=_("%(venue)s: photos") % {"venue": venue.name},
        columns=[("kind", pgettext("my data", "What it shows")), ("at", pgettext("my data", "Uploaded")),
                 ("size", pgettext("my data", "Size")), ("link", pgettext("my data", "Photo"))],
        table=[{"kind": photo.get_kind_display(), "at": _when(photo.uploaded_at),
                "size": f"{photo.width}×{photo.height}", "link": f"photos/{photo.pk}.jpg", "photo": photo,
                "url": reverse("owner:photo", args=[photo.pk])}
               for photo in venue.photos.all()],
        empty=_("No photos."),
    )
    return [Section(title=venue.name, rows=[(k, v) for k, v in rows if v != ""]), history, photos,
            *_selfcheck_sections(venue), *_integrity_sections(venue)]


def _selfcheck_sections(venue):
    """The venue's self-checks, hazards and the photos taken of them."""
    checks = Section(
        title=_("%(venue)s: self-checks") % {"venue": venue.name},
        columns=[("started", pgettext("my data", "Started")), ("submitted", pgettext("my data", "Submitted")),
                 ("status", pgettext("my data", "Status")), ("assisted", pgettext("my data", "Assisted by")),
                 ("answers", pgettext("my data", "Answers")), ("reason", pgettext("my data", "Reason"))],
        table=[{"started": _when(check.created_at), "submitted": _when(check.submitted_at),
                "status": check.get_status_display(),
                "assisted": check.assisted_by.get_full_name() if check.assisted_by else "",
                "answers": "；".join(_answer_text(check, answer) for answer in check.answers.all()),
                "reason": check.review_reason} for check in venue.selfchecks.all()],
        empty=_("No self-checks yet."),
    )
    hazards = Section(
        title=_("%(venue)s: hazards") % {"venue": venue.name},
        columns=[("found", pgettext("my data", "Found")), ("what", pgettext("my data", "What")),
                 ("severity", pgettext("my data", "Severity")), ("deadline", pgettext("my data", "Fix by")),
                 ("status", pgettext("my data", "Status")), ("done", pgettext("my data", "What was done"))],
        table=[{"found": _when(hazard.found_at), "what": hazard.item_question or hazard.description,
                "severity": hazard.get_severity_display(), "deadline": str(hazard.deadline),
                "status": hazard.get_status_display(), "done": hazard.rectification_note}
               for hazard in venue.hazards.all()],
        empty=_("No hazards."),
    )
    photos = Section(
        title=_("%(venue)s: photos of hazards and fixes") % {"venue": venue.name},
        columns=[("kind", pgettext("my data", "What it shows")), ("at", pgettext("my data", "Uploaded")),
                 ("size", pgettext("my data", "Size")), ("link", pgettext("my data", "Photo"))],
        table=[{"kind": photo.get_stage_display(), "at": _when(photo.uploaded_at),
                "size": f"{photo.width}×{photo.height}", "link": f"evidence/{photo.pk}.jpg",
                "photo": photo, "url": reverse("owner:evidence_photo", args=[photo.pk])}
               for photo in venue.evidence.all()],
        empty=_("No photos."),
    )
    return [checks, hazards, photos]


def _integrity_sections(venue):
    """The venue's integrity records: the owner's replies and re-checks, the refusals staff
    recorded and the serious cases the owner was notified of."""
    replies = Section(
        title=_("%(venue)s: replies to the integrity level") % {"venue": venue.name},
        columns=[("at", pgettext("my data", "Time")), ("level", pgettext("my data", "Level")),
                 ("text", pgettext("my data", "Reply")), ("status", pgettext("my data", "Status")),
                 ("answer", pgettext("my data", "Answer"))],
        table=[{"at": _when(reply.created_at), "level": reply.get_level_display(), "text": reply.text,
                "status": reply.get_status_display(), "answer": reply.answer}
               for reply in venue.integrity_replies.all()],
        empty=_("No replies."),
    )
    refusals = Section(
        title=_("%(venue)s: refusals to cooperate recorded") % {"venue": venue.name},
        columns=[("on", pgettext("my data", "Date")), ("note", pgettext("my data", "What happened"))],
        table=[{"on": str(refusal.occurred_on), "note": refusal.note} for refusal in venue.refusals.all()],
        empty=_("None recorded."),
    )
    cases = Section(
        title=_("%(venue)s: serious integrity cases") % {"venue": venue.name},
        columns=[("notified", pgettext("my data", "Notified")), ("status", pgettext("my data", "Status")),
                 ("facts", pgettext("my data", "Facts")),
                 ("objection", pgettext("my data", "Your objection")),
                 ("decided", pgettext("my data", "Decided")), ("note", pgettext("my data", "Decision"))],
        table=[{"notified": _when(case.notified_at), "status": case.get_status_display(), "facts": case.facts,
                "objection": case.objection, "decided": _when(case.decided_at), "note": case.decision_note}
               for case in venue.serious_cases.all() if case.notified_at],
        empty=_("None."),
    )
    return [replies, refusals, cases]


def _answer_text(check, answer):
    item = check.item(answer.code) or {"question": answer.code}
    text = f"{item['question']}：{answer.get_answer_display()}"
    return f"{text}（{answer.note}）" if answer.note else text


def collect(user):
    """The owner's data as sections, ready for a page or a file."""
    sections = [Section(title=_("Your account"), rows=[
        (pgettext("my data", "Name"), user.full_name),
        (pgettext("my data", "Mobile number"), user.mobile or ""),
        (_("Account created"), _when(user.date_joined)),
        (_("Last signed in"), _when(user.last_login)),
        (_("Password last changed"), _when(user.password_changed_at)),
    ])]

    venues = list(venues_for(user).select_related("kind", "area").prefetch_related(
        "other_kinds",
        Prefetch("history", VenueStatusChange.objects.order_by("at", "pk")),
        Prefetch("photos", VenuePhoto.objects.order_by("uploaded_at", "pk")),
        Prefetch("selfchecks", SelfCheck.objects.select_related("assisted_by").prefetch_related("answers")
                 .order_by("created_at", "pk")),
        Prefetch("hazards", Hazard.objects.order_by("found_at", "pk")),
        Prefetch("evidence", EvidencePhoto.objects.order_by("uploaded_at", "pk")),
        Prefetch("integrity_replies", IntegrityReply.objects.order_by("created_at", "pk")),
        Prefetch("refusals", Refusal.objects.order_by("occurred_on", "pk")),
        Prefetch("serious_cases", SeriousCase.objects.order_by("proposed_at", "pk")),
    ).order_by("pk"))
    for venue in venues:
        sections += _venue_sections(venue, user)

    names = {str(v.pk): v.name for v in venues}
    views = (AuditEntry.objects.filter(action__in=FULL_VIEW_ACTIONS, object_type="venue",
                                       object_id__in=list(names))
             .select_related("actor").order_by("-at", "-pk"))
    sections.append(Section(
        title=_("Who viewed your numbers in full"),
        columns=[("at", pgettext("my data", "Time")), ("venue", pgettext("my data", "Venue")),
                 ("by", pgettext("my data", "Staff member")), ("role", pgettext("my data", "Role")),
                 ("area", pgettext("my data", "Area"))],
        table=[{"at": _when(entry.at), "venue": names.get(entry.object_id, ""),
                "by": entry.actor.get_full_name() if entry.actor else "",
                "role": str(ROLE_NAMES.get(entry.role, entry.role)), "area": entry.area}
               for entry in views],
        empty=_("Nobody has viewed your numbers in full."),
    ))

    sections.append(Section(
        title=_("Your messages"),
        columns=[("at", pgettext("my data", "Sent")), ("subject", pgettext("my data", "Subject")),
                 ("body", pgettext("my data", "Message")), ("read", pgettext("my data", "Read"))],
        table=[{"at": _when(m.created_at), "subject": m.subject, "body": m.body, "read": _when(m.read_at)}
               for m in Message.objects.filter(recipient=user).order_by("-created_at", "-pk")],
        empty=_("No messages yet."),
    ))
    sections.append(Section(
        title=_("Your correction requests"),
        columns=[("at", pgettext("my data", "Requested")), ("venue", pgettext("my data", "Venue")),
                 ("what", pgettext("my data", "Request")), ("status", pgettext("my data", "Status")),
                 ("answer", pgettext("my data", "Answer"))],
        table=[{"at": _when(r.created_at), "venue": r.venue.name if r.venue else _("your account"),
                "what": r.what, "status": r.get_status_display(), "answer": r.answer}
               for r in CorrectionRequest.objects.filter(requester=user).select_related("venue")],
        empty=_("No requests."),
    ))
    sections.append(Section(
        title=_("Your reports to the town"),
        columns=[("at", pgettext("my data", "Reported")), ("venue", pgettext("my data", "Venue")),
                 ("kind", pgettext("my data", "What")), ("facts", pgettext("my data", "Details")),
                 ("status", pgettext("my data", "Status")), ("answer", pgettext("my data", "Answer"))],
        table=[{"at": _when(r.created_at), "venue": r.venue.name, "kind": r.get_kind_display(),
                "facts": "；".join(f"{label}：{value}" for label, value in ReportForm.facts(r)),
                "status": r.get_status_display(), "answer": r.answer}
               for r in OwnerReport.objects.filter(reporter=user).select_related("venue", "new_kind")
               .order_by("-created_at", "-pk")],
        empty=_("No reports."),
    ))
    sections.append(Section(
        title=_("Notices you confirmed"),
        columns=[("at", pgettext("my data", "Time")), ("notice", pgettext("my data", "Notice")),
                 ("venue", pgettext("my data", "Venue"))],
        table=[{"at": _when(a.at), "notice": str(a.version), "venue": a.venue.name}
               for a in Acknowledgement.objects.filter(user=user).select_related("version", "venue")],
        empty=_("None yet."),
    ))
    # Their own events, and what staff did to their account at their request.
    events = AuditEntry.objects.filter(
        Q(actor=user) | Q(object_type="user", object_id=str(user.pk)), action__in=list(ACCOUNT_EVENTS),
    ).order_by("-at", "-pk")[:200]
    sections.append(Section(
        title=_("Sign-ins and account changes"),
        columns=[("at", pgettext("my data", "Time")), ("action", pgettext("my data", "What")),
                 ("outcome", pgettext("my data", "Outcome")), ("address", _("Network address"))],
        table=[{"at": _when(e.at), "action": str(ACCOUNT_EVENTS[e.action]),
                "outcome": e.get_outcome_display(), "address": e.address or ""} for e in events],
        empty=_("Nothing recorded."),
    ))
    return {"sections": sections, "venues": venues, "made_at": _when(timezone.now())}


def as_json(data):
    def plain(section):
        return {
            "title": str(section.title),
            "fields": {str(label): value for label, value in section.rows},
            "records": [{str(label): row.get(key, "") for key, label in section.columns}
                        for row in section.table],
        }
    return json.dumps({"made_at": data["made_at"], "sections": [plain(s) for s in data["sections"]]},
                      ensure_ascii=False, indent=2)


def archive(user):
    """A zip with the data as JSON and as a web page that opens without a connection, and the
    photos themselves (a photo whose file is missing is left out, not the whole copy)."""
    data = collect(user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        for section in data["sections"]:
            for row in section.table:
                if "photo" not in row:
                    continue
                try:
                    with row["photo"].file.open("rb") as handle:
                        zipped.writestr(row["link"], handle.read())
                except OSError:
                    row["link"] = ""
        zipped.writestr("data.json", as_json(data))
        page = render_to_string("owner/my_data_file.html", {"data": data, "user": user})
        zipped.writestr("data.html", page)
    return out.getvalue()
