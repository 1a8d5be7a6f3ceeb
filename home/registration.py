"""An owner registers a venue online (RegistrationPage): a draft venue saved at every step,
photos stored as soon as they arrive, a declaration, then the registration workflow's
submit or resubmit. Every venue is looked up through venues.access, so another owner's
draft answers 404; status changes only go through venues.workflows.registration.

For the owner's home page: ``start_url()`` and ``step_url(venue)``."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from venues import acknowledgements, photos
from venues.access import is_back_office, venues_for
from venues.models import AuditEntry, LicenceSituation, PhotoKind, Venue, VenueStatus
from venues.workflows import registration as workflow

from .registration_forms import (
    FACT_FIELDS,
    DeclareForm,
    LicenceStepForm,
    PeopleStepForm,
    PhotoUploadForm,
    StartForm,
    VenueStepForm,
)

EDITABLE = (VenueStatus.DRAFT, VenueStatus.RETURNED)


@dataclass(frozen=True)
class Step:
    slug: str
    number: int
    title: str
    guidance: str  # the RegistrationPage field with the step's guidance
    fields: tuple  # the venue's fields the step edits (for errors found on submitting)
    notes: tuple  # the reviewer's note keys (workflow.NOTE_FIELDS) shown on this step


STEPS = [
    Step("venue", 1, pgettext_lazy("registration step", "The venue"), "venue_guidance",
         ("name", "kind", "other_kinds", "area", "address", "floors", "floor_area", "seats", "beds",
          "staff_count", "dorm_people", "people", "subtype"),
         ("name", "address", "kind")),
    Step("licence", 2, pgettext_lazy("registration step", "The licence"), "licence_guidance",
         ("licence", "credit_code", "no_code_reason"), ("licence",)),
    Step("people", 3, pgettext_lazy("registration step", "The people"), "people_guidance",
         ("operator_name", "operator_mobile", "operator_id_number", "contact_name", "contact_mobile"),
         ("operator",)),
    Step("photos", 4, pgettext_lazy("registration step", "Photos"), "photos_guidance", (), ("photos",)),
    Step("declare", 5, pgettext_lazy("registration step", "Check and submit"), "declare_guidance", (), ()),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
# Where each reviewer's note is shown: beside this field of its step's form.
NOTE_BESIDE = {"name": "name", "address": "address", "kind": "kind", "licence": "licence",
               "operator": "operator_name", "photos": "photos"}


# --- Addresses for other pages (the owner's home) ---------------------------------------

def registration_page():
    """The live registration page (the first, if a deployment has several), or None."""
    from .models import RegistrationPage

    return RegistrationPage.objects.live().order_by("path").first()


def _url(page, name, **kwargs):
    base = page.get_url()
    return base + page.reverse_subpage(name, kwargs=kwargs) if base else None


def start_url():
    """Where an owner starts registering a new venue (None without a live page)."""
    page = registration_page()
    return _url(page, "start") if page else None


def step_url(venue, page=None):
    """Where the owner continues a draft or returned registration; for any other status,
    its status page. None without a live registration page."""
    page = page or registration_page()
    if page is None:
        return None
    slug = next_step(venue).slug if venue.status in EDITABLE else "done"
    return _url(page, "step", venue_id=venue.pk, step=slug)


def next_step(venue):
    """A returned registration opens at the first step a reviewer pointed at; a draft at the
    first step not yet completed."""
    if venue.status == VenueStatus.RETURNED:
        notes = field_notes(venue)
        return next((step for step in STEPS if set(step.notes) & set(notes)), STEPS[0])
    return STEPS[min(venue.draft_step, len(STEPS) - 1)]


def latest_return(venue):
    return venue.history.filter(to_status=VenueStatus.RETURNED).select_related("actor").last()


def field_notes(venue):
    """The reviewer's notes on fields of a returned registration: {field key: note}."""
    if venue.status != VenueStatus.RETURNED:
        return {}
    change = latest_return(venue)
    return dict(change.field_notes) if change else {}


# --- Shared pieces of the views ------------------------------------------------------------

def _gate(page, request):
    """None when the request may go on; otherwise where the person goes instead."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_back_office(request.user):
        return _render(page, request, "home/registration/staff.html",
                       title=_("Registration is for owners"), status=403)
    return None


def _render(page, request, template, status=200, **context):
    full = page.get_context(request)
    full.update(steps=STEPS, **context)
    response = TemplateResponse(request, template, full, status=status)
    add_never_cache_headers(response)  # personal data: never kept by a browser or a proxy
    return response


def _step_link(page, venue, slug):
    return _url(page, "step", venue_id=venue.pk, step=slug)


def _progress(page, venue, current):
    """The steps for the progress list: (step, link or "", is current)."""
    reached = 0 if venue is None else venue.draft_step
    if venue is not None and venue.status == VenueStatus.RETURNED:
        reached = len(STEPS)  # every step was completed once, or staff recorded the venue
    items = []
    for step in STEPS:
        link = ""
        if venue is not None and step.number <= reached + 1 and step is not current:
            link = _step_link(page, venue, step.slug)
        items.append((step, link, step is current))
    return items


def _labelled_notes(page, venue, notes):
    """The reviewer's notes for the box at the top: (what, note, link to its step)."""
    where = {key: step for step in STEPS for key in step.notes}
    return [(workflow.NOTE_FIELDS[key], note, _step_link(page, venue, where[key].slug))
            for key, note in notes.items() if key in where]


def _step_context(page, request, venue, step, notes):
    change = latest_return(venue) if venue is not None and venue.status == VenueStatus.RETURNED else None
    return {
        "title": step.title, "venue": venue, "step": step, "progress": _progress(page, venue, step),
        "step_count": len(STEPS), "guidance": getattr(page, step.guidance), "notes": notes,
        "returned": change, "all_notes": _labelled_notes(page, venue, notes) if change else [],
        "index_url": page.url,
    }


def _fact_rows(form):
    """The scale facts with the kinds' rules that need each (for the page's script)."""
    return [(form[name], " ".join(rules)) for name, rules in FACT_FIELDS.items()]


def _venues_of(request):
    return venues_for(request.user).select_related("kind", "area")


# --- The views, called by RegistrationPage's routes ---------------------------------------------

def index(page, request):
    """The owner's registrations: drafts and returned ones to continue, the others' status."""
    gate = _gate(page, request)
    if gate:
        return gate
    venues = list(_venues_of(request).order_by("-updated_at", "-pk"))
    for venue in venues:
        venue.continue_url = step_url(venue, page)
    return _render(page, request, "home/registration_page.html", title=page.title,
                   to_continue=[v for v in venues if v.status in EDITABLE],
                   others=[v for v in venues if v.status not in EDITABLE],
                   start_url=_url(page, "start"))


def start(page, request):
    """The first step of a new registration: the draft is created when it is sent. A form
    sent twice (a double click, a resend) finds the draft it already created."""
    gate = _gate(page, request)
    if gate:
        return gate
    if request.method == "POST":
        done = _already_started(request, request.POST.get("submission_id"))
        if done is not None:
            return redirect(step_url(done, page))
    form = StartForm(request.POST or None, instance=Venue())
    if request.method == "POST" and form.is_valid():
        venue = form.save(commit=False)
        venue.owner, venue.draft_step = request.user, 1  # a new venue is a draft (its default)
        venue.submission_id = form.cleaned_data["submission_id"]
        try:
            with transaction.atomic():
                venue.save()
                form.save_m2m()
        except IntegrityError:
            # The same form at the same moment: the other request created the draft.
            done = _already_started(request, venue.submission_id)
            if done is None:
                raise
            venue = done
        return redirect(step_url(venue, page))
    step = STEPS[0]
    context = _step_context(page, request, None, step, {})
    return _render(page, request, "home/registration/step_venue.html", form=form.decorate(),
                   fact_rows=_fact_rows(form), beside={}, **context)


def _already_started(request, submission_id):
    if not submission_id:
        return None
    try:
        return _venues_of(request).filter(submission_id=submission_id).first()
    except ValidationError:  # not a UUID
        return None


def step(page, request, venue_id, slug):
    gate = _gate(page, request)
    if gate:
        return gate
    venue = get_object_or_404(_venues_of(request), pk=venue_id)
    if slug == "done":
        return _status(page, request, venue)
    current = STEP_BY_SLUG.get(slug)
    if current is None:
        raise Http404
    if venue.status not in EDITABLE:
        if request.method == "POST":
            messages.info(request, _("This registration has been submitted; it can no longer be "
                                     "changed here."))
        return redirect(_step_link(page, venue, "done"))
    if current.number > venue.draft_step + 1 and venue.status == VenueStatus.DRAFT:
        # Steps are taken in order; one not reached yet opens the next one due.
        return redirect(_step_link(page, venue, next_step(venue).slug))
    notes = field_notes(venue)
    handler = {"venue": _venue_step, "licence": _licence_step, "people": _people_step,
               "photos": _photos_step, "declare": _declare_step}[slug]
    return handler(page, request, venue, current, notes)


def _after(page, venue, current):
    """Where a saved step leads: the next step."""
    following = STEPS[current.number] if current.number < len(STEPS) else current
    return redirect(_step_link(page, venue, following.slug))


def _save_step(venue, form, current, fields, extra=None):
    """Save the step's fields of a draft or returned venue (locked, so a submission in
    another tab is never undone) and record how far the owner has come."""
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if locked.status not in EDITABLE:
            return False
        instance = form.save(commit=False)
        for name, value in (extra or {}).items():
            setattr(instance, name, value)
        instance.draft_step = max(locked.draft_step, current.number)
        instance.save(update_fields=[*fields, *(extra or {}), "draft_step", "updated_at"])
        form.save_m2m()
        # A change of personal data is audited: which fields, never their values.
        AuditEntry.objects.create(action="venue.edit", object_type="venue", object_id=str(venue.pk),
                                  detail={"step": current.slug, "fields": sorted(form.changed_data)})
    return True


def _form_step(page, request, venue, current, notes, form_class, template, fields, extra=None):
    # The form works on its own copy, so a page drawn after an error still shows the
    # stored venue in its headings.
    form = form_class(request.POST or None, instance=Venue.objects.get(pk=venue.pk))
    if request.method == "POST" and form.is_valid():
        if _save_step(venue, form, current, fields, extra(form) if extra else None):
            return _after(page, venue, current)
        return redirect(_step_link(page, venue, "done"))
    context = _step_context(page, request, venue, current, notes)
    beside = {NOTE_BESIDE[key]: note for key, note in notes.items() if key in NOTE_BESIDE}
    form.decorate(beside)
    return _render(page, request, template, form=form, beside=beside, fact_rows=_fact_rows(form)
                   if isinstance(form, VenueStepForm) else [], **context)


def _venue_step(page, request, venue, current, notes):
    fields = [name for name in VenueStepForm.Meta.fields if name != "other_kinds"] + ["area"]
    return _form_step(page, request, venue, current, notes, VenueStepForm,
                      "home/registration/step_venue.html", fields)


def _licence_step(page, request, venue, current, notes):
    def extra(form):
        # The ID card number is collected only for venues without a licence.
        if form.cleaned_data["licence"] == LicenceSituation.LICENSED:
            return {"operator_id_number": ""}
        return {}

    return _form_step(page, request, venue, current, notes, LicenceStepForm,
                      "home/registration/step_licence.html", LicenceStepForm.Meta.fields, extra)


def _people_step(page, request, venue, current, notes):
    fields = [name for name in PeopleStepForm.Meta.fields
              if name != "operator_id_number" or venue.licence != LicenceSituation.LICENSED]
    return _form_step(page, request, venue, current, notes, PeopleStepForm,
                      "home/registration/step_people.html", fields)


# --- Photos -----------------------------------------------------------------------------------

def photo_kinds(venue):
    """(kind, label, required) of the photos a registration asks for."""
    licensed = venue.licence == LicenceSituation.LICENSED
    return [
        (PhotoKind.STOREFRONT, _("Photo of the storefront"), True),
        *([(PhotoKind.LICENCE, _("Photo of the business licence"), True)] if licensed else []),
        (PhotoKind.OTHER, _("Other photos (optional)"), False),
    ]


def missing_photos(venue):
    present = set(venue.photos.values_list("kind", flat=True))
    return [(kind, label) for kind, label, required in photo_kinds(venue) if required and kind not in present]


def _photos_step(page, request, venue, current, notes):
    kinds = {kind: (label, required) for kind, label, required in photo_kinds(venue)}
    errors = {}
    if request.method == "POST":
        if request.POST.get("remove"):
            photo = get_object_or_404(venue.photos.all(), pk=request.POST["remove"]
                                      if request.POST["remove"].isdecimal() else 0)
            try:
                photos.remove_photo(photo, request.user)
            except PermissionDenied:
                return redirect(_step_link(page, venue, "done"))
            messages.success(request, _("The photo was removed."))
            return redirect(_step_link(page, venue, current.slug))
        kind = request.POST.get("kind", "")
        if request.POST.get("action") == "upload" and kind in kinds:
            form = PhotoUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    photos.add_photo(venue, form.cleaned_data["file"], kind, request.user)
                except ValidationError as error:
                    errors[kind] = error.messages
                else:
                    messages.success(request, _("The photo was saved."))
                    return redirect(_step_link(page, venue, current.slug))
            else:
                errors[kind] = form.errors["file"]
        elif request.POST.get("action") == "next":
            for kind, _label in missing_photos(venue):
                errors[kind] = [_("This photo is needed before you go on.")]
            if not errors:
                behind = Venue.objects.filter(pk=venue.pk, status__in=EDITABLE, draft_step__lt=current.number)
                behind.update(draft_step=current.number, updated_at=timezone.now())
                return _after(page, venue, current)
    stored = list(venue.photos.all())
    sections = [
        {"kind": kind, "label": label, "required": required, "errors": errors.get(kind, []),
         "photos": [photo for photo in stored if photo.kind == kind]}
        for kind, (label, required) in kinds.items()
    ]
    context = _step_context(page, request, venue, current, notes)
    return _render(page, request, "home/registration/step_photos.html", sections=sections,
                   photo_note=notes.get("photos", ""), **context)


# --- Declaration and submission ------------------------------------------------------------------

def problems(venue):
    """What stops the venue being submitted: (step, field label, message), in step order."""
    found = []
    try:
        venue.full_clean()
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            where = next((s for s in STEPS if field in s.fields), STEPS[-1])
            label = "" if field == NON_FIELD_ERRORS else Venue._meta.get_field(field).verbose_name
            found.extend((where, label, message) for message in messages_)
    if venue.licence and venue.licence != LicenceSituation.LICENSED and not venue.operator_id_number:
        found.append((STEP_BY_SLUG["people"], Venue._meta.get_field("operator_id_number").verbose_name,
                      _("This field is required.")))
    for _kind, label in missing_photos(venue):
        found.append((STEP_BY_SLUG["photos"], label, _("This photo is needed.")))
    return sorted(found, key=lambda problem: problem[0].number)


def _declare_step(page, request, venue, current, notes):
    checked = Venue.objects.select_related("kind", "area").get(pk=venue.pk)
    blocking = problems(checked)
    safety_notices = acknowledgements.safety_notices_for(checked)
    form = DeclareForm(request.POST or None, safety_notices=safety_notices)
    if request.method == "POST" and form.is_valid() and not blocking:
        action = "resubmit" if venue.status == VenueStatus.RETURNED else "submit"
        try:
            with transaction.atomic():
                Venue.objects.filter(pk=venue.pk).update(
                    declared_at=timezone.now(), draft_step=current.number)
                workflow.perform(venue, action, request.user)
                acknowledgements.acknowledge_at_registration(request.user, checked)
        except workflow.InvalidTransition:
            pass  # sent twice: the first one submitted it, so the status page is the answer
        else:
            messages.success(request, _("Thank you: your registration has been submitted."))
        return redirect(_step_link(page, venue, "done"))
    for name in form.fields:
        if form.is_bound and form[name].errors:
            form.fields[name].widget.attrs.update({"aria-invalid": "true",
                                                   "aria-describedby": f"{form[name].auto_id}-error"})
        form.fields[name].widget.attrs["class"] = "form-check-input"
    context = _step_context(page, request, venue, current, notes)
    blocking = [(where, _step_link(page, venue, where.slug), label, message)
                for where, label, message in blocking]
    return _render(page, request, "home/registration/step_declare.html", form=form,
                   blocking=blocking, safety_notices=safety_notices,
                   summary=summary(page, checked, notes, editable=True), **context)


SUMMARY_NOTE = {"name": "name", "address": "address", "kind": "kind", "licence": "licence",
                "operator_name": "operator"}


def summary(page, venue, notes=None, editable=False):
    """The registration as the owner entered it, step by step, with the reviewer's notes."""
    from venues.masking import mask_id_number, mask_mobile

    notes = notes or {}
    sections = []
    for current in STEPS[:3]:
        rows = []
        for name in current.fields:
            value = venue.display(name)
            if name in ("operator_mobile", "contact_mobile") and value:
                value = mask_mobile(value)
            if name == "operator_id_number" and value:
                value = mask_id_number(value)
            if value == "" and name not in ("name", "kind", "area", "address", "licence",
                                           "operator_name", "operator_mobile"):
                continue
            rows.append((Venue._meta.get_field(name).verbose_name, value,
                         notes.get(SUMMARY_NOTE.get(name, ""), "")))
        sections.append({"step": current, "rows": rows,
                         "edit_url": _step_link(page, venue, current.slug) if editable else ""})
    return {
        "sections": sections,
        "photos": list(venue.photos.all()),
        "photos_url": _step_link(page, venue, "photos") if editable else "",
        "photos_note": notes.get("photos", ""),
        "reasons": venue.classification_reasons,
        "outside_nine": venue.outside_nine,
    }


def _status(page, request, venue):
    """Where a registration stands, what happens next and what the reviewers said."""
    history = [change for change in venue.history.all() if change.reason]
    context = {
        "title": venue.name, "venue": venue, "history": history,
        "returned": latest_return(venue) if venue.status == VenueStatus.RETURNED else None,
        "all_notes": _labelled_notes(page, venue, field_notes(venue)),
        "continue_url": step_url(venue, page) if venue.status in EDITABLE else "",
        "summary": summary(page, venue), "index_url": page.url,
        "status_help": STATUS_HELP.get(venue.status, ""),
    }
    return _render(page, request, "home/registration/done.html", **context)


STATUS_HELP = {
    VenueStatus.DRAFT: gettext_lazy("Not submitted yet: finish the steps and submit it."),
    VenueStatus.SUBMITTED: gettext_lazy("Submitted. Staff of your village or community will check it, "
                                        "usually within a few working days."),
    VenueStatus.RESUBMITTED: gettext_lazy("Submitted again with your changes. Staff will check it again."),
    VenueStatus.RETURNED: gettext_lazy("Staff returned it for changes: see what they said, correct it "
                                       "and submit it again."),
    VenueStatus.APPROVED: gettext_lazy("Approved. Your door card with its QR code will be brought to you."),
    VenueStatus.REJECTED: gettext_lazy("Not accepted. The reason is below; ask your village or community "
                                       "if anything is unclear."),
    VenueStatus.CLOSED: gettext_lazy("Recorded as closed."),
}
