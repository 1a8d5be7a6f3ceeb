"""群众举报 on the page (home.HazardReportPage: the form, the lookup code once sent, the lookup)
and in the back office (the reports within the person's scope, one report with its photos and
the two ways to handle it). State changes go through venues.workflows.public_reports.

The challenge: a small sum whose numbers travel signed (django.core.signing, 30 minutes) with a
one-time nonce kept in the visitor's session, so an answer works once, in the session that was
asked, and only while fresh. No third-party captcha; nothing from another origin."""

import secrets
import uuid
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from home.pagination import paginate, rows_of

from . import photos
from .access import areas_for, public_reports_for
from .admin_views import BoundedPaginator
from .audit import client_address
from .masking import mask_mobile
from .models import AreaLevel, HazardStatus, PublicReportPhoto, Severity
from .models import PublicReportStatus as R
from .validators import normalize_mobile
from .workflows import hazards
from .workflows import public_reports as workflow
from .workflows.registration import InvalidTransition, ReasonRequired

# --- The challenge ------------------------------------------------------------------------------

CHALLENGE_SALT = "venues.public_reports.challenge"
CHALLENGE_MAX_AGE = 30 * 60
CHALLENGE_SESSION_KEY = "public_report_challenges"
CHALLENGES_KEPT = 5  # several tabs open at once each keep their question
# Answers written in Chinese numerals, 零 to 十八 (the largest sum asked).
CHINESE_NUMBERS = {name: value for value, name in enumerate("零一二三四五六七八九十")}
CHINESE_NUMBERS |= {f"十{name}": 10 + value for name, value in CHINESE_NUMBERS.items() if 0 < value < 9}


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def new_challenge(request):
    """A new question, its nonce remembered in the session until it is answered."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(9)
    kept = list(request.session.get(CHALLENGE_SESSION_KEY, []))[-(CHALLENGES_KEPT - 1):]
    request.session[CHALLENGE_SESSION_KEY] = [*kept, nonce]
    token = signing.dumps({"a": first, "b": second, "n": nonce}, salt=CHALLENGE_SALT)
    return Challenge(_("What is %(a)d plus %(b)d?") % {"a": first, "b": second}, token)


def question_of(token):
    """The question a token asks (to show it again while other fields are corrected), or None."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return Challenge(_("What is %(a)d plus %(b)d?") % {"a": data["a"], "b": data["b"]}, token)


def _number(text):
    text = (text or "").strip()
    if text in CHINESE_NUMBERS:
        return CHINESE_NUMBERS[text]
    try:
        return int(text)  # full-width digits too
    except ValueError:
        return None


def check_challenge(request, token, answer):
    """Accept the answer once; ValidationError (in words for the person) otherwise. The
    question is used up by any answer, right or wrong."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError(_("The question has expired. Please answer the new question."),
                              code="expired") from error
    except signing.BadSignature as error:
        raise ValidationError(_("Please answer the new question."), code="invalid") from error
    kept = list(request.session.get(CHALLENGE_SESSION_KEY, []))
    if data["n"] not in kept:
        raise ValidationError(_("This question has already been answered. Please answer the new question."),
                              code="used")
    kept.remove(data["n"])
    request.session[CHALLENGE_SESSION_KEY] = kept
    # The session is read and written again per request, so parallel requests (or two clients
    # sharing a copy of the session) would all find the nonce: it is used up in the shared cache,
    # where adding a key is atomic and only the first add succeeds.
    if not cache.add(f"pr-nonce:{data['n']}", 1, CHALLENGE_MAX_AGE + 60):
        raise ValidationError(_("This question has already been answered. Please answer the new question."),
                              code="used")
    if _number(answer) != data["a"] + data["b"]:
        raise ValidationError(_("That is not the right answer. Please try the new question."), code="wrong")


# --- The public form ------------------------------------------------------------------------------

# The photos of one report together: under nginx's client_max_body_size for the report page
# (deploy/nginx.conf), so a too-large form gets this message instead of losing what was typed.
MAX_TOTAL_UPLOAD = 40 * 1024 * 1024


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to MAX_PHOTOS uploads, checked only for their number and size here: decoding them
    costs time and memory, so it waits (encode_photos) until the challenge and the limits pass."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={
            "accept": "image/jpeg,image/png,image/webp,image/heic", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > workflow.MAX_PHOTOS:
            raise ValidationError(_("Please choose at most %(n)d photos.") % {"n": workflow.MAX_PHOTOS},
                                  code="too_many")
        for upload in uploads:
            super().clean(upload, initial)
        if sum(upload.size or 0 for upload in uploads) > MAX_TOTAL_UPLOAD:
            raise ValidationError(
                _("The photos together are larger than %(mb)d MB. Please choose fewer or smaller photos.")
                % {"mb": MAX_TOTAL_UPLOAD // (1024 * 1024)}, code="too_large")
        return uploads


def encode_photos(uploads):
    """Each upload re-encoded by venues.photos, or ValidationError naming the photo."""
    encoded = []
    for number, upload in enumerate(uploads, start=1):
        try:
            encoded.append(photos.reencode(upload))
        except ValidationError as error:
            message = _("Photo %(n)d: %(error)s") % {"n": number, "error": " ".join(error.messages)}
            raise ValidationError(message, code="photo") from error
    return encoded


def decorate(form):
    """Bootstrap's classes, and each input tied to its error and help, for screen readers."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        described = []
        if form.is_bound and form[name].errors:
            css += " is-invalid"
            widget.attrs["aria-invalid"] = "true"
            described.append(f"{form[name].auto_id}-error")
        if field.help_text:
            described.append(f"{form[name].auto_id}-help")
        widget.attrs["class"] = css
        if described:
            widget.attrs["aria-describedby"] = " ".join(described)
    return form


class PublicReportForm(forms.Form):
    venue = forms.CharField(widget=forms.HiddenInput, required=False)
    village = forms.ChoiceField(label=gettext_lazy("village or community"), required=False)
    address = forms.CharField(
        label=gettext_lazy("where"), max_length=200, required=False,
        help_text=gettext_lazy("For example the street and house number, or a landmark nearby."),
    )
    description = forms.CharField(
        label=gettext_lazy("what is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("For example: the fire exit is blocked with goods; gas cylinders are kept "
                               "in the kitchen; wires are hanging loose."),
        error_messages={"required": gettext_lazy("Please say what is wrong.")},
    )
    photos = MultiplePhotoField(
        label=gettext_lazy("photos"), required=False,
        help_text=gettext_lazy("Up to 3 photos. They are seen only by the staff who handle the report."),
    )
    contact_name = forms.CharField(label=gettext_lazy("your name"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=gettext_lazy("your mobile number"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("Only if you want staff to be able to call you back."),
    )
    answer = forms.CharField(
        label=pgettext_lazy("challenge", "answer"), max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": gettext_lazy("Please answer the question.")},
    )
    challenge = forms.CharField(widget=forms.HiddenInput)
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, request, venue=None, blocked="", **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.blocked = blocked  # a message when this address has tried too often: nothing is checked
        self.challenge_used = False  # set once the answer was checked (and its question used up)
        self.venue = venue
        self.fields["village"].choices = [("", _("— choose —"))] + [
            (str(area.pk), area.name) for area in workflow.reporting_villages()]
        if venue is not None:
            del self.fields["village"]
            self.fields["address"].label = _("where exactly")
            self.fields["address"].help_text = _("For example: the kitchen, the back door, the storeroom.")

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        return normalize_mobile(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if self.blocked:
            self.add_error(None, self.blocked)
            return cleaned
        if self.venue is None:
            if not cleaned.get("village"):
                self.add_error("village", _("Please choose the village or community."))
            if not cleaned.get("address", "").strip():
                self.add_error("address", _("Please say where it is."))
        if self.errors or "answer" not in cleaned or "challenge" not in cleaned:
            # The question is asked again as it was: nothing is used up until the rest is right.
            return cleaned
        self.challenge_used = True
        try:
            check_challenge(self.request, cleaned["challenge"], cleaned["answer"])
        except ValidationError as error:
            self.add_error("answer", error)
        return cleaned

    def village_area(self):
        return workflow.reporting_villages().filter(pk=self.cleaned_data.get("village") or 0).first()


def _url(page, request, name):
    return (page.get_url(request) or "") + page.reverse_subpage(name)


def _page_context(page, request, **context):
    full = page.get_context(request)
    full.update(form_url=_url(page, request, "form"), lookup_url=_url(page, request, "lookup"), **context)
    return full


def _render(page, request, template, **context):
    response = TemplateResponse(request, template, _page_context(page, request, **context))
    add_never_cache_headers(response)  # a form with a question for this visitor alone
    return response


DONE_SESSION_KEY = "public_report_done"
FILED_SESSION_KEY = "public_report_filed"  # the submission ids this session filed
FILED_KEPT = 10
# Cheap per-address limits in the shared cache, checked before anything costly: form posts
# (each checks a question), and lookups with a wrong code (guessing codes).
FORM_ATTEMPTS_PER_HOUR = 60  # generous: many phones share one address behind a carrier's NAT
FAILED_LOOKUPS_PER_HOUR = 20


def over_limit(request, kind, limit, count=True):
    """Whether this client's network has reached ``limit`` of ``kind`` this hour; with
    ``count``, this attempt is counted first. The key is a keyed hash, never the address."""
    key = f"pr-{kind}:{workflow.sender_of(client_address(request))}"
    if not count:
        return (cache.get(key) or 0) >= limit
    cache.add(key, 0, 60 * 60)
    try:
        done = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 60 * 60)
        done = 1
    return done > limit


def _filed_here(request, report):
    return str(report.submission_id) in request.session.get(FILED_SESSION_KEY, [])


def _remember(request, report):
    filed = list(request.session.get(FILED_SESSION_KEY, []))[-(FILED_KEPT - 1):]
    request.session[FILED_SESSION_KEY] = [*filed, str(report.submission_id)]
    request.session[DONE_SESSION_KEY] = report.code


def report_form(page, request):
    venue = workflow.reportable_venue(request.POST.get("venue") if request.method == "POST"
                                      else request.GET.get("venue", ""))
    limited = False
    if request.method == "POST":
        post = request.POST
        resent = workflow.already_filed(post.get("submission_id"))
        if resent is not None:
            if _filed_here(request, resent):  # the same form sent again (its question is used up)
                request.session[DONE_SESSION_KEY] = resent.code
                return redirect(_url(page, request, "done"))
            # Another session presents a filed form's id: never its report, a report of its own.
            post = post.copy()
            post["submission_id"] = str(uuid.uuid4())
        blocked = ""
        if over_limit(request, "form", FORM_ATTEMPTS_PER_HOUR):
            blocked = _("Too many attempts have been sent from your network recently. Please try again "
                        "later, or call the town's contact phone.")
        form = PublicReportForm(post, request.FILES, request=request, venue=venue, blocked=blocked)
        limited = bool(blocked)
        if form.is_valid():
            data = form.cleaned_data
            try:
                # The limits first: the photos are decoded only for a report that will be filed.
                workflow.check_rate(workflow.sender_of(client_address(request)))
                encoded = encode_photos(data["photos"])
                report = workflow.file(
                    submission_id=data["submission_id"], description=data["description"], venue=venue,
                    village=None if venue else form.village_area(), address=data["address"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                    photos=encoded, client_address=client_address(request),
                )
            except workflow.RateLimited as error:
                form.add_error(None, str(error))
                limited = True
            except ValidationError as error:
                form.add_error("photos" if error.code == "photo" else None, error)
            else:
                _remember(request, report)
                return redirect(_url(page, request, "done"))
        # A checked answer used its question up (whatever came after): ask a new one, without
        # the old answer.
        challenge = None
        if not (form.challenge_used or form.has_error("answer")):
            challenge = question_of(post.get("challenge", ""))
        data = form.data.copy()
        if challenge is None:
            challenge = new_challenge(request)
            data["challenge"], data["answer"] = challenge.token, ""
        form.data = data
        photos_dropped = bool(request.FILES.getlist("photos"))
    else:
        challenge = new_challenge(request)
        form = PublicReportForm(request=request, venue=venue,
                                initial={"venue": venue.public_code if venue else "",
                                         "challenge": challenge.token, "submission_id": uuid.uuid4()})
        photos_dropped = False
    village = workflow.village_of(venue) if venue else None
    return _render(page, request, "home/hazard_report_page.html", form=decorate(form), venue=venue,
                   village=village, challenge=challenge, photos_dropped=photos_dropped,
                   max_photos=workflow.MAX_PHOTOS, limited=limited)


def report_done(page, request):
    """The lookup code of the report just sent, shown again on a reload (from the session)."""
    code = request.session.get(DONE_SESSION_KEY)
    report = workflow.find(code) if code else None
    if report is None:
        return redirect(_url(page, request, "form"))
    return _render(page, request, "home/hazard_report/done.html", report=report, code=report.code)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("lookup code"), max_length=20,
        help_text=gettext_lazy("The 8 letters and digits shown when you sent the report."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
        error_messages={"required": gettext_lazy("Please enter the lookup code.")},
    )

    def clean_code(self):
        report = workflow.find(self.cleaned_data["code"])
        if report is None:
            raise ValidationError(_("No report has this lookup code. Please check it and try again."),
                                  code="unknown")
        self.report = report
        return report.code


def report_lookup(page, request):
    """The progress of a report, by its code (sent by POST, so the code stays out of addresses
    and server logs). Wrong codes are counted per network: past the limit, no code is checked
    for the rest of the hour (codes cannot be guessed by trying many)."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    progress = None
    if form.is_bound:
        if over_limit(request, "lookup", FAILED_LOOKUPS_PER_HOUR, count=False):
            form.is_valid()
            form.errors.clear()
            form.add_error(None, _("Too many wrong lookup codes have been tried from your network. Please "
                                   "try again in an hour."))
        elif form.is_valid():
            progress = workflow.progress(form.report)
        elif form.has_error("code", "unknown"):
            over_limit(request, "lookup", FAILED_LOOKUPS_PER_HOUR)
    return _render(page, request, "home/hazard_report/lookup.html", form=decorate(form), progress=progress,
                   statuses=R)


# --- The back office ------------------------------------------------------------------------------

PER_PAGE = 50


def _scope(request):
    if not request.user.has_perm("venues.handle_publicreport"):
        raise PermissionDenied
    return public_reports_for(request.user)


def status_q(status):
    """Reports in ``status`` as the reporter reads it (fixed: the hazard made of it is closed)."""
    closed_hazard = Q(hazard__status=HazardStatus.CLOSED)
    if status == R.HAZARD:
        return Q(status=R.HAZARD) & ~closed_hazard
    if status == R.FIXED:
        return Q(status=R.FIXED) | (Q(status=R.HAZARD) & closed_hazard)
    return Q(status=status)


def public_report_index(request):
    items = _scope(request)
    status = request.GET.get("status", "")
    if status in R.values:
        items = items.filter(status_q(status))
    else:
        status = ""
    villages = list(areas_for(request.user).filter(level=AreaLevel.VILLAGE).order_by("path"))
    village = request.GET.get("village", "")
    chosen = next((area for area in villages if str(area.pk) == village), None)
    if chosen is not None:
        items = items.filter(area=chosen)
    else:
        village = ""
    keys = items.order_by("-created_at", "-pk").values_list("pk", flat=True)
    page = paginate(request, keys, PER_PAGE, BoundedPaginator)
    rows = rows_of(page, items.select_related("area", "venue", "hazard")
                   .annotate(photo_count=Count("photos")))
    for row in rows:
        row.progress = workflow.progress(row)
    return render(request, "venues/admin/public_report_index.html", {
        "page": page, "rows": rows, "status": status, "statuses": R.choices, "village": village,
        "villages": villages,
    })


class HazardForm(forms.Form):
    venue = forms.ModelChoiceField(
        label=gettext_lazy("venue"), queryset=None,
        error_messages={"required": gettext_lazy("Please choose the venue."),
                        "invalid_choice": gettext_lazy("Please choose one of the venues listed.")},
    )
    severity = forms.ChoiceField(label=gettext_lazy("severity"), choices=Severity.choices,
                                 initial=Severity.GENERAL, widget=forms.RadioSelect)
    description = forms.CharField(
        label=gettext_lazy("description for the venue"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The venue's owner reads this. Do not write who reported it."),
        error_messages={"required": gettext_lazy("Please describe the hazard for the venue.")},
    )
    interim_measure = forms.CharField(label=gettext_lazy("interim measure (optional)"), max_length=1000,
                                      required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(
        label=gettext_lazy("fix by (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Left empty, the usual time for the severity (see the safety rules)."),
    )

    def __init__(self, *args, report, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = workflow.venues_to_choose(user, report)
        self.fields["venue"].label_from_instance = lambda venue: f"{venue.name}（{venue.address}）"


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason (the reporter reads it)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: checked on site, the exit was clear; or: not within the town."),
        error_messages={"required": gettext_lazy("Please give the reason the reporter will read.")},
    )


def public_report_detail(request, report_id):
    report = get_object_or_404(_scope(request).select_related("area", "venue", "hazard", "hazard__venue",
                                                              "handled_by"), pk=report_id)
    step = request.POST.get("step") if request.method == "POST" else None
    full_phone = ""
    forms_ = {}
    if report.status == R.RECEIVED:
        forms_["hazard"] = HazardForm(
            request.POST if step == "hazard" else None, prefix="hazard", report=report, user=request.user,
            initial={"venue": report.venue_id})  # the description starts empty: the report is shown beside it
        forms_["close"] = CloseForm(request.POST if step == "close" else None, prefix="close")
    if step == "reveal":
        full_phone = workflow.reveal_contact(report, request.user)
    form = forms_.get(step)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if step == "hazard":
                workflow.make_hazard(report, request.user, data["venue"], severity=data["severity"],
                                     description=data["description"], interim_measure=data["interim_measure"],
                                     deadline=data["deadline"])
                messages.success(request, _("The hazard is recorded; the venue has been told to fix it."))
            else:
                workflow.close(report, request.user, data["reason"])
                messages.success(request, _("The report is closed; the reporter can read the reason."))
        except ValidationError as error:
            form.add_error(None, error)
        except (InvalidTransition, ReasonRequired) as error:
            form.add_error(None, str(error))
        else:
            return redirect("venues_public_report_detail", report_id=report.pk)
    response = render(request, "venues/admin/public_report_detail.html", {
        "report": report, "progress": workflow.progress(report), "photos": report.photos.all(),
        "forms": forms_, "masked_phone": mask_mobile(report.contact_phone), "full_phone": full_phone,
        "default_deadlines": {value: hazards.deadline_for(value) for value in Severity.values},
        "severities": Severity,
        "has_venues": "hazard" in forms_ and forms_["hazard"].fields["venue"].queryset.exists(),
    })
    response["Cache-Control"] = "no-store"
    return response


def public_report_photo(request, photo_id):
    """A photo sent with a report, for the staff who may handle the report only."""
    if not request.user.has_perm("venues.handle_publicreport"):
        raise PermissionDenied
    photo = get_object_or_404(PublicReportPhoto.objects.filter(report__in=public_reports_for(request.user)),
                              pk=photo_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
