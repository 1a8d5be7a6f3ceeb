"""Everything we hold about an owner (PIPL art. 45): their account, the venues they hold with
every field, history and photo, their messages, their requests, their sign-ins, and who among
staff viewed their numbers in full. One collector feeds the page, the HTML copy and the JSON
in the download, so they always agree."""

import io
import json
import zipfile
from dataclasses import dataclass, field

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .access import venues_for
from .models import AuditEntry, CorrectionRequest, Message, Venue

# The fields of a venue shown to its holder, in the order of the registration form.
VENUE_FIELDS = [
    "name",
    "kind",
    "area",
    "address",
    "floor_area",
    "floors",
    "seats",
    "beds",
    "staff_count",
    "dorm_people",
    "people",
    "subtype",
    "outside_nine",
    "licence",
    "credit_code",
    "no_code_reason",
    "operator_name",
    "operator_mobile",
    "operator_id_number",
    "contact_name",
    "contact_mobile",
    "public_code",
    "status",
    "declared_at",
    "created_at",
    "updated_at",
]
# Account events worth showing to the person (the audit keeps them for its retention period).
ACCOUNT_ACTIONS = ["login", "logout", "password", "mobile", "account", "owner"]
# Staff actions that show the venue's personal numbers in full.
FULL_VIEW_ACTIONS = ["venue.reveal"]


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


def _value(venue, name):
    model_field = Venue._meta.get_field(name)
    value = getattr(venue, name)
    if getattr(model_field, "choices", None):
        return str(getattr(venue, f"get_{name}_display")())
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return pgettext("my data", "yes") if value else pgettext("my data", "no")
    if hasattr(value, "tzinfo"):
        return _when(value)
    if name == "area":
        return " / ".join(a.name for a in [*value.get_ancestors(), value])
    return str(value)


def _venue_section(venue, user):
    rows = [(str(Venue._meta.get_field(name).verbose_name), _value(venue, name)) for name in VENUE_FIELDS]
    others = ", ".join(kind.name for kind in venue.other_kinds.all())
    rows.insert(2, (_("other kinds"), others))
    rows.append(
        (
            _("your role"),
            pgettext("my data", "owner") if venue.owner_id == user.pk else pgettext("my data", "operator"),
        )
    )
    if venue.personal_data_removed_at:
        rows.append((_("personal data removed"), _when(venue.personal_data_removed_at)))
    return Section(title=venue.name, rows=[(label, value) for label, value in rows if value != ""])


def collect(user):
    """The owner's data as sections, ready for a page or a file."""
    now = timezone.now()
    sections = [
        Section(
            title=_("Your account"),
            rows=[
                (pgettext("my data", "Name"), user.full_name),
                (pgettext("my data", "Mobile number"), user.mobile or ""),
                (_("Account created"), _when(user.date_joined)),
                (_("Last signed in"), _when(user.last_login)),
                (_("Password last changed"), _when(user.password_changed_at)),
            ],
        )
    ]

    venues = list(
        venues_for(user)
        .select_related("kind", "area")
        .prefetch_related("other_kinds", "history", "photos")
        .order_by("pk")
    )
    for venue in venues:
        section = _venue_section(venue, user)
        sections.append(section)
        sections.append(
            Section(
                title=_("%(venue)s: history") % {"venue": venue.name},
                columns=[
                    ("at", pgettext("my data", "Time")),
                    ("change", pgettext("my data", "Change")),
                    ("reason", pgettext("my data", "Reason")),
                ],
                table=[
                    {
                        "at": _when(change.at),
                        "change": f"{change.get_from_status_display()} → {change.get_to_status_display()}",
                        "reason": change.reason,
                    }
                    for change in venue.history.order_by("at", "pk")
                ],
                empty=_("No changes yet."),
            )
        )
        sections.append(
            Section(
                title=_("%(venue)s: photos") % {"venue": venue.name},
                columns=[
                    ("kind", pgettext("my data", "What it shows")),
                    ("at", pgettext("my data", "Uploaded")),
                    ("size", pgettext("my data", "Size")),
                    ("link", pgettext("my data", "Photo")),
                ],
                table=[
                    {
                        "kind": photo.get_kind_display(),
                        "at": _when(photo.uploaded_at),
                        "size": f"{photo.width}×{photo.height}",
                        "photo": photo,
                    }
                    for photo in venue.photos.order_by("uploaded_at", "pk")
                ],
                empty=_("No photos."),
            )
        )

    views = (
        AuditEntry.objects.filter(
            action__in=FULL_VIEW_ACTIONS, object_type="venue", object_id__in=[str(v.pk) for v in venues]
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )
    names = {str(v.pk): v.name for v in venues}
    sections.append(
        Section(
            title=_("Who viewed your numbers in full"),
            columns=[
                ("at", pgettext("my data", "Time")),
                ("venue", pgettext("my data", "Venue")),
                ("by", pgettext("my data", "Staff member")),
                ("role", pgettext("my data", "Role")),
                ("area", pgettext("my data", "Area")),
            ],
            table=[
                {
                    "at": _when(entry.at),
                    "venue": names.get(entry.object_id, ""),
                    "by": entry.actor.get_full_name() if entry.actor else "",
                    "role": entry.role,
                    "area": entry.area,
                }
                for entry in views
            ],
            empty=_("Nobody has viewed your numbers in full."),
        )
    )

    sections.append(
        Section(
            title=_("Your messages"),
            columns=[
                ("at", pgettext("my data", "Sent")),
                ("subject", pgettext("my data", "Subject")),
                ("body", pgettext("my data", "Message")),
                ("read", pgettext("my data", "Read")),
            ],
            table=[
                {"at": _when(m.created_at), "subject": m.subject, "body": m.body, "read": _when(m.read_at)}
                for m in Message.objects.filter(recipient=user).order_by("-created_at", "-pk")
            ],
            empty=_("No messages yet."),
        )
    )
    sections.append(
        Section(
            title=_("Your correction requests"),
            columns=[
                ("at", pgettext("my data", "Requested")),
                ("venue", pgettext("my data", "Venue")),
                ("what", pgettext("my data", "Request")),
                ("status", pgettext("my data", "Status")),
                ("answer", pgettext("my data", "Answer")),
            ],
            table=[
                {
                    "at": _when(r.created_at),
                    "venue": r.venue.name if r.venue else _("your account"),
                    "what": r.what,
                    "status": r.get_status_display(),
                    "answer": r.answer,
                }
                for r in CorrectionRequest.objects.filter(requester=user).select_related("venue")
            ],
            empty=_("No requests."),
        )
    )
    account_actions = Q()
    for prefix in ACCOUNT_ACTIONS:
        account_actions |= Q(action__startswith=prefix)
    sections.append(
        Section(
            title=_("Sign-ins and account changes"),
            columns=[
                ("at", pgettext("my data", "Time")),
                ("action", pgettext("my data", "What")),
                ("outcome", pgettext("my data", "Outcome")),
                ("address", _("Address")),
            ],
            table=[
                {
                    "at": _when(e.at),
                    "action": e.action,
                    "outcome": e.get_outcome_display(),
                    "address": e.address or "",
                }
                for e in AuditEntry.objects.filter(account_actions, actor=user).order_by("-at", "-pk")[:200]
            ],
            empty=_("Nothing recorded."),
        )
    )
    return {"sections": sections, "venues": venues, "made_at": _when(now)}


def as_json(data):
    def plain(section):
        return {
            "title": str(section.title),
            "fields": {str(label): value for label, value in section.rows},
            "records": [
                {str(label): row.get(key, "") for key, label in section.columns} for row in section.table
            ],
        }

    return json.dumps(
        {"made_at": data["made_at"], "sections": [plain(s) for s in data["sections"]]},
        ensure_ascii=False,
        indent=2,
    )


def archive(user):
    """A zip with the data as JSON and as a web page that opens without a connection, and the
    photos themselves."""
    data = collect(user)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("data.json", as_json(data))
        for section in data["sections"]:
            for row in section.table:
                photo = row.get("photo")
                if photo is not None:
                    row["file"] = f"photos/{photo.pk}.jpg"
                    with photo.file.open("rb") as handle:
                        zipped.writestr(row["file"], handle.read())
        page = render_to_string("owner/my_data_file.html", {"data": data, "user": user})
        zipped.writestr("data.html", page)
    return out.getvalue()
