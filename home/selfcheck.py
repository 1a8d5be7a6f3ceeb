"""An owner's self-check (自查) of a venue, on SelfCheckPage: the owner's approved venues and
what is due, the checklist group by group on a phone (a draft stored at every POST, even one
with errors, and photos stored as they arrive), a summary and a declaration, then one
submission however often it is sent. Failed items become hazards (the workflow does it); the
owner follows each hazard and reports it fixed with photos after. Every object is looked up
through venues.access, so another owner's self-check, hazard or venue answers 404; state
changes only go through venues.workflows.selfchecks and venues.workflows.hazards.

For other pages (the owner's home): ``selfcheck_page()``, ``index_url()``,
``start_url(venue)``, ``resume_url(check)``, ``status_url(check)``, ``discard_url(check)``,
``hazard_url(hazard)``, ``history_url(venue)`` (None without a live self-check page) and
``standings(venues, page)``, what each venue's owner is asked to do, in a constant number of queries."""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from venues import schedule
from venues.access import is_back_office, of_venues_for, venues_for
from venues.models import (
    Answer,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardStatus,
    SafetyRules,
    SelfCheck,
    SelfCheckStatus,
    Severity,
    VenueStatus,
)
from venues.selfcheck_forms import CameraInput, GroupForm, SubmitForm, decorate
from venues.workflows import hazards as hazard_flow
from venues.workflows import selfchecks as workflow

S = SelfCheckStatus

# The texts of the demo site's self-check page (home.demo), written in our own words.
DEMO_TEXTS = {
    "title": "场所安全自查",
    "slug": "self-check",
    "intro": (
        "<p>经营者是场所安全的第一责任人。请按清单每月对照检查一次：一项一项看现场、如实回答，"
        "有问题的拍照说明，并尽快整改。自查中途可以随时保存，下次接着做。</p>"
    ),
    "guidance": (
        "<p>请在店里边走边查，对照每一项的“合格标准”看现场。做到了选“是”，没做到选“否”；"
        "只有确实与您的场所无关（例如不使用燃气）时才选“不涉及”。</p>"
        "<p>选“否”的项目，请写明问题并用手机拍一张现场照片；重大隐患还要写明整改前的临时措施。</p>"
    ),
    "declaration": (
        "<p>本人承诺：以上自查结果是本人（或本场所负责人）到现场逐项检查后如实填写的；"
        "发现的隐患将按期整改，整改前落实临时安全措施。</p>"
    ),
    "done_text": (
        "<p>村（社区）工作人员会查看您的自查结果。发现的隐患已经列出，请在整改期限内整改，"
        "整改后在本页上传整改后的照片并点“报告已整改”，工作人员复查合格后销号。</p>"
        "<p>逾期未整改的隐患会提醒您，并报镇应急办跟进。</p>"
    ),
    "rectify_guidance": (
        "<p>整改完成后，请从与整改前照片相同的角度拍一张照片，写明做了什么（例如“已更换在有效期内的灭火器”），"
        "再点“报告已整改”。工作人员会到现场或看照片复查。</p>"
    ),
}


# --- Addresses for other pages ------------------------------------------------------------

def selfcheck_page():
    """The live self-check page (the first, if a deployment has several), or None."""
    from .models import SelfCheckPage

    return SelfCheckPage.objects.live().order_by("path").first()


def _url(page, name, **kwargs):
    if page is None:
        return None
    if not hasattr(page, "_selfcheck_base"):
        page._selfcheck_base = page.get_url() or ""  # once per page object: lists ask many times
    base = page._selfcheck_base
    return base + page.reverse_subpage(name, kwargs=kwargs) if base else None


def _page(page):
    return page if page is not None else selfcheck_page()


def index_url(page=None):
    return _url(_page(page), "index")


def start_url(venue, page=None):
    """Where a form POSTs to start (or find) the venue's self-check."""
    return _url(_page(page), "start", venue_id=venue.pk)


def group_url(check, number, page=None):
    return _url(_page(page), "group", check_id=check.pk, group=number)


def submit_url(check, page=None):
    return _url(_page(page), "submit", check_id=check.pk)


def resume_url(check, page=None):
    """Where the owner goes on with a draft: the first group not completed yet, or the
    summary once every group is."""
    page = _page(page)
    if check.step >= len(check.groups()):
        return submit_url(check, page)
    return group_url(check, check.step + 1, page)


def status_url(check, page=None):
    page = _page(page)
    if check.status == S.DRAFT:
        return resume_url(check, page)
    return _url(page, "status", check_id=check.pk)


def discard_url(check, page=None):
    """Where the owner confirms throwing a draft away to start again."""
    return _url(_page(page), "discard", check_id=check.pk)


def hazard_url(hazard, page=None):
    return _url(_page(page), "hazard", hazard_id=hazard.pk)


def history_url(venue, page=None):
    return _url(_page(page), "history", venue_id=venue.pk)


# --- What each venue's owner is asked to do --------------------------------------------------

UNCLOSED = (HazardStatus.OPEN, HazardStatus.RECTIFIED)


def with_standing_facts(venues):
    """``venues`` with what ``standing`` reads: a constant number of queries for any number
    of venues (the venues, their current self-checks, their hazards not closed)."""
    return venues.annotate(
        last_accepted_at=Max("selfchecks__submitted_at", filter=Q(selfchecks__status=S.ACCEPTED)),
    ).prefetch_related(
        Prefetch("selfchecks", to_attr="current_checks",
                 queryset=SelfCheck.objects.filter(status__in=(S.DRAFT, S.SUBMITTED))
                 .order_by("-created_at", "-pk")),
        Prefetch("hazards", to_attr="unclosed_hazards",
                 queryset=Hazard.objects.filter(status__in=UNCLOSED).order_by("deadline", "pk")),
    )


@dataclass
class Standing:
    """Where a venue stands on self-checks and hazards, with the links to act on it."""

    venue: object
    due: schedule.SelfCheckState
    draft: SelfCheck | None = None
    draft_done: int = 0
    draft_total: int = 0
    awaiting: SelfCheck | None = None
    last_accepted_at: object = None
    hazards: list = field(default_factory=list)
    overdue_count: int = 0
    start_url: str | None = None
    resume_url: str | None = None
    discard_url: str | None = None
    awaiting_url: str | None = None
    history_url: str | None = None

    @property
    def may_start(self):
        """Offered when nothing is being filled in, and not while a self-check awaits review
        unless the next one is due soon or overdue (staff may be slow to review)."""
        if self.venue.status != VenueStatus.APPROVED or self.draft is not None or not self.start_url:
            return False
        return self.awaiting is None or self.due.due_soon or self.due.overdue


def standing(venue, page, today, remind_days):
    """A venue from ``with_standing_facts`` as the owner's pages show it."""
    checks = getattr(venue, "current_checks", [])
    draft = next((check for check in checks if check.status == S.DRAFT), None)
    awaiting = next((check for check in checks if check.status == S.SUBMITTED), None)
    hazards = list(getattr(venue, "unclosed_hazards", []))
    for hazard in hazards:
        hazard.overdue = hazard.is_overdue(today)
        hazard.url = hazard_url(hazard, page) if page else None
    result = Standing(
        venue=venue, due=schedule.state(venue, today, remind_days), draft=draft, awaiting=awaiting,
        last_accepted_at=getattr(venue, "last_accepted_at", None), hazards=hazards,
        overdue_count=sum(hazard.overdue for hazard in hazards),
    )
    if page is not None:
        result.start_url = start_url(venue, page)
        result.history_url = history_url(venue, page)
        if draft is not None:
            result.resume_url = resume_url(draft, page)
            result.discard_url = discard_url(draft, page)
        if awaiting is not None:
            result.awaiting_url = status_url(awaiting, page)
    if draft is not None:
        result.draft_done, result.draft_total = min(draft.step, len(draft.groups())), len(draft.groups())
    return result


def standings(venues, page=None):
    """{venue pk: Standing} for venues from ``with_standing_facts``."""
    today, remind_days = timezone.localdate(), SafetyRules.current().remind_days_before
    return {venue.pk: standing(venue, page, today, remind_days) for venue in venues}


# --- Shared pieces of the views ------------------------------------------------------------

def _gate(page, request):
    """None when the request may go on; otherwise where the person goes instead."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if is_back_office(request.user):
        return _render(page, request, "home/selfcheck/staff.html",
                       title=_("Self-checks here are for owners"), status=403)
    return None


def _render(page, request, template, status=200, **context):
    full = page.get_context(request)
    full.update(index_url=_url(page, "index"), **context)
    response = TemplateResponse(request, template, full, status=status)
    add_never_cache_headers(response)  # personal data: never kept by a browser or a proxy
    return response


def _checks_of(request):
    return of_venues_for(request.user, SelfCheck.objects.select_related("venue"))


def _hazards_of(request):
    return of_venues_for(request.user, Hazard.objects.select_related("venue", "selfcheck"))


def _group_of(check):
    """{item code: group number (from 1)}."""
    return {item["code"]: number for number, (_name, items) in enumerate(check.groups(), start=1)
            for item in items}


# --- The owner's venues -----------------------------------------------------------------------

def index(page, request):
    """The owner's approved venues: when each self-check is due, a draft to continue, one
    awaiting review, hazards open; a button to start."""
    gate = _gate(page, request)
    if gate:
        return gate
    approved = list(with_standing_facts(venues_for(request.user).filter(status=VenueStatus.APPROVED)
                                        .select_related("kind")).order_by("name", "pk"))
    by_venue = standings(approved, page)
    waiting = venues_for(request.user).exclude(status=VenueStatus.APPROVED).exists()
    return _render(page, request, "home/selfcheck/index.html", title=page.title,
                   standings=[by_venue[venue.pk] for venue in approved], not_approved=waiting)


def start(page, request, venue_id):
    """Start the venue's self-check (POST), or find the one already being filled in, and go
    to its first group not completed. A GET only leads back to the list."""
    gate = _gate(page, request)
    if gate:
        return gate
    venue = get_object_or_404(venues_for(request.user), pk=venue_id)
    if request.method != "POST":
        return redirect(_url(page, "index"))
    if not workflow.may_fill(request.user, venue):
        messages.error(request, _("A self-check can be done once the venue's registration is approved."))
        return redirect(_url(page, "index"))
    try:
        check = workflow.start(venue, request.user)
    except PermissionDenied:
        messages.error(request, _("A self-check can be done once the venue's registration is approved."))
        return redirect(_url(page, "index"))
    return redirect(resume_url(check, page))


# --- One group of the checklist ----------------------------------------------------------------

def _draft_or_status(page, request, check):
    """None for a draft; for a submitted self-check, its status page."""
    if check.status == S.DRAFT:
        return None
    if request.method == "POST":
        messages.info(request, _("This self-check has been submitted; it can no longer be changed."))
    return redirect(status_url(check, page))


REFUSED = (workflow.InvalidTransition, PermissionDenied, SelfCheck.DoesNotExist)  # a draft no more


def _refused(page, request, check):
    """Where a change the workflow refused leads: the self-check as it now stands, or the
    list when the draft was discarded meanwhile (by staff, or in another tab)."""
    if not SelfCheck.objects.filter(pk=check.pk).exists():
        messages.info(request, _("This unfinished self-check was discarded; you can start a new one."))
        return redirect(_url(page, "index"))
    return redirect(status_url(check, page))


def _store_group(request, check, items, answers, photos):
    """Store what a POST of a group carries, valid or not (nothing typed is lost), and the
    photos chosen; then the form with every error beside its field. None when the
    self-check was submitted or discarded meanwhile (in another tab)."""
    form = GroupForm(items, answers, photos, data=request.POST, files=request.FILES)
    form.is_valid()
    try:
        workflow.save_answers(check, request.user, form.answers())
        for code, upload in form.uploads().items():
            try:
                workflow.add_photo(check, code, upload, request.user)
            except ValidationError as error:
                form.add_error(f"{code}-photo", error.messages)
    except REFUSED:
        return None
    answers, photos = workflow.stored(check)
    form.stored_photos = photos
    # The photos a failed item needs are checked by the workflow's own rule.
    found = workflow.problems(check, answers=answers, photo_counts={c: len(p) for c, p in photos.items()})
    for item in items:
        code = item["code"]
        if str(workflow.NEEDS_PHOTO) in found.get(code, []) and not form.has_error(f"{code}-photo"):
            form.add_error(f"{code}-photo", workflow.NEEDS_PHOTO)
    return form


def group(page, request, check_id, number):
    gate = _gate(page, request)
    if gate:
        return gate
    check = get_object_or_404(_checks_of(request), pk=check_id)
    elsewhere = _draft_or_status(page, request, check)
    if elsewhere:
        return elsewhere
    groups = check.groups()
    if not 1 <= number <= len(groups):
        raise Http404
    items = groups[number - 1][1]
    answers, photos = workflow.stored(check)
    if request.method == "POST":
        form = _store_group(request, check, items, answers, photos)
        if form is None:
            return _refused(page, request, check)
        action = request.POST.get("action", "next")
        complete = not form.errors
        if complete:
            try:
                workflow.save_answers(check, request.user, {}, step=number)  # the group is done
            except REFUSED:
                return _refused(page, request, check)
        if action == "previous" and number > 1:
            return redirect(group_url(check, number - 1, page))
        target = action.removeprefix("goto:")
        if action.startswith("goto:") and target.isdecimal() and 1 <= int(target) <= len(groups):
            return redirect(group_url(check, int(target), page))
        if action == "later":
            messages.success(request, _("Your answers are saved. You can continue later from here or "
                                        "from “My venues”."))
            return redirect(_url(page, "index"))
        if complete:
            if number < len(groups):
                return redirect(group_url(check, number + 1, page))
            return redirect(submit_url(check, page))
    else:
        form = GroupForm(items, answers, photos)
    return _render(page, request, "home/selfcheck/group.html", **_group_context(page, check, form, number))


def _group_context(page, check, form, number):
    groups = check.groups()
    name, items = groups[number - 1]
    decorate(form)
    rows = [{"row": row, "number": position, "major": row.item["severity"] == Severity.MAJOR,
             "photo_needed": row.item["photo_required_on_fail"] and not row.photos,
             "photo_label": _("Add another photo") if row.photos else ""}
            for position, row in enumerate(form.rows(), start=1)]
    for entry in rows:
        for photo in entry["row"].photos:
            photo.remove_url = _url(page, "remove_photo", check_id=check.pk, photo_id=photo.pk)
    nav = [(position, group_name, group_url(check, position, page), position == number,
            position <= check.step)
           for position, (group_name, _items) in enumerate(groups, start=1)]
    return {
        "title": name, "check": check, "venue": check.venue, "form": form, "rows": rows,
        "number": number, "total": len(groups), "nav": nav, "discard_url": discard_url(check, page),
    }


def remove_photo(page, request, check_id, photo_id):
    """Remove a photo of a failed item (POST, from the group's form: what the form carries is
    stored first, so nothing typed is lost)."""
    gate = _gate(page, request)
    if gate:
        return gate
    check = get_object_or_404(_checks_of(request), pk=check_id)
    photo = get_object_or_404(EvidencePhoto.objects.filter(answer__selfcheck=check).select_related("answer"),
                              pk=photo_id)
    number = _group_of(check).get(photo.answer.code, 1)
    elsewhere = _draft_or_status(page, request, check)
    if elsewhere:
        return elsewhere
    back = f"{group_url(check, number, page)}#item-{photo.answer.code}"
    if request.method != "POST":
        return redirect(back)
    if request.POST.get("action") == "remove":  # sent by the group's form
        items = check.groups()[number - 1][1]
        answers, photos = workflow.stored(check)
        if _store_group(request, check, items, answers, photos) is None:
            return _refused(page, request, check)
    try:
        workflow.remove_photo(photo, request.user)
    except REFUSED:
        return _refused(page, request, check)
    messages.success(request, _("The photo was removed."))
    return redirect(back)


def discard(page, request, check_id):
    """Throw away the venue's unfinished self-check and start a new one: a page that asks
    first (GET), older owners may tap the link by mistake; the POST does it."""
    gate = _gate(page, request)
    if gate:
        return gate
    check = get_object_or_404(_checks_of(request), pk=check_id)
    elsewhere = _draft_or_status(page, request, check)
    if elsewhere:
        return elsewhere
    if not workflow.may_discard(request.user, check):
        raise Http404
    if request.method == "POST":
        venue = check.venue
        try:
            workflow.discard(check, request.user)
        except REFUSED:
            return _refused(page, request, check)
        messages.success(request, _("The unfinished self-check was discarded. This is a new one, from the "
                                    "first group."))
        try:
            return redirect(resume_url(workflow.start(venue, request.user), page))
        except PermissionDenied:
            return redirect(_url(page, "index"))
    answered = check.answers.count()
    photos = EvidencePhoto.objects.filter(answer__selfcheck=check).count()
    return _render(page, request, "home/selfcheck/discard.html", title=_("Start the self-check again?"),
                   check=check, venue=check.venue, answered=answered, photos=photos,
                   keep_url=resume_url(check, page))


# --- Summary, declaration, submission ----------------------------------------------------------------

def summary(page, check, editable=False):
    """The answers group by group: [{"number", "name", "url", "items": [...]}]."""
    answers, photos = workflow.stored(check)
    sections = []
    for number, (name, items) in enumerate(check.groups(), start=1):
        rows = []
        for item in items:
            answer = answers.get(item["code"])
            rows.append({"item": item, "answer": answer, "photos": photos.get(item["code"], []),
                         "failed": answer is not None and answer.answer == Answer.NO,
                         "major": item["severity"] == Severity.MAJOR})
        sections.append({"number": number, "name": name, "items": rows,
                         "url": group_url(check, number, page) if editable else ""})
    return sections


def submit(page, request, check_id):
    gate = _gate(page, request)
    if gate:
        return gate
    check = get_object_or_404(_checks_of(request), pk=check_id)
    if check.status != S.DRAFT:
        # Sent twice (a double tap, a resend): the first submitted it; its status is the answer.
        return redirect(status_url(check, page))
    found = workflow.problems(check)
    where = _group_of(check)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and not found:
        try:
            workflow.submit(check, request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        except (workflow.InvalidTransition, PermissionDenied):
            return redirect(status_url(check, page))
        else:
            messages.success(request, _("Thank you: your self-check has been submitted."))
            return redirect(_url(page, "status", check_id=check.pk))
    blocking = [(where[code], check.groups()[where[code] - 1][0], check.item(code)["question"], message,
                 f"{group_url(check, where[code], page)}#item-{code}")
                for code, messages_ in found.items() for message in messages_]
    failed = check.answers.filter(answer=Answer.NO).count()
    return _render(page, request, "home/selfcheck/submit.html", title=_("Check and submit"), check=check,
                   venue=check.venue, form=decorate(form), blocking=blocking, failed=failed,
                   sections=summary(page, check, editable=True), total=len(check.groups()))


def status(page, request, check_id):
    """A submitted self-check: where it stands, the hazards it found and their deadlines,
    what happens next, and the answers."""
    gate = _gate(page, request)
    if gate:
        return gate
    check = get_object_or_404(_checks_of(request), pk=check_id)
    if check.status == S.DRAFT:
        return redirect(resume_url(check, page))
    today = timezone.localdate()
    found = list(check.hazards.order_by("deadline", "pk"))
    for hazard in found:
        hazard.overdue, hazard.url = hazard.is_overdue(today), hazard_url(hazard, page)
    venue = check.venue
    may_start_again = (check.status == S.RETURNED and workflow.may_fill(request.user, venue)
                       and workflow.draft_of(venue) is None)
    return _render(page, request, "home/selfcheck/done.html", title=venue.name, check=check, venue=venue,
                   hazards=found, sections=summary(page, check), history_url=history_url(venue, page),
                   start_url=start_url(venue, page) if may_start_again else "",
                   status_help=STATUS_HELP.get(check.status, ""))


STATUS_HELP = {
    S.SUBMITTED: gettext_lazy("Submitted. Staff of your village or community will look at it."),
    S.ACCEPTED: gettext_lazy("Accepted by the staff of your village or community."),
    S.RETURNED: gettext_lazy("Returned by the staff: the answers need to be given again with more care. "
                             "The hazards it found stay open until they are fixed."),
}


# --- A hazard: the owner follows it and reports it fixed ----------------------------------------

class RectifyForm(forms.Form):
    """The fix reported: a note, and photos uploaded one at a time (each stored as it arrives;
    the workflow refuses the report without one taken since the last rejected fix)."""

    photo = forms.FileField(label=gettext_lazy("Photo showing it fixed"), required=False, widget=CameraInput)
    note = forms.CharField(label=gettext_lazy("What was done to fix it"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


def hazard(page, request, hazard_id):
    gate = _gate(page, request)
    if gate:
        return gate
    found = get_object_or_404(_hazards_of(request), pk=hazard_id)
    may_rectify = hazard_flow.may_rectify(request.user, found)
    form = RectifyForm(request.POST, request.FILES) if request.method == "POST" else RectifyForm()
    if request.method == "POST":
        if not may_rectify:
            messages.info(request, _("This hazard is now “%(status)s”.")
                          % {"status": found.get_status_display()})
            return redirect(hazard_url(found, page))
        done = _rectify_post(request, found, form)
        if done:
            messages.success(request, _("Thank you: the fix has been reported. Staff will re-check it."))
            return redirect(hazard_url(found, page))
        found.refresh_from_db()
        may_rectify = hazard_flow.may_rectify(request.user, found)
    photos = list(found.photos.all())
    # Photos of a fix staff did not accept stay as evidence; the report needs a newer one.
    current = set(hazard_flow.after_photos_since_rejection(found).values_list("pk", flat=True))
    after = [photo for photo in photos if photo.stage == EvidenceStage.AFTER]
    return _render(
        page, request, "home/selfcheck/hazard.html", title=found.item_question or _("Hazard"), hazard=found,
        venue=found.venue, form=decorate(form), may_rectify=may_rectify,
        overdue=found.is_overdue(timezone.localdate()),
        before=[photo for photo in photos if photo.stage == EvidenceStage.BEFORE],
        after=[photo for photo in after if photo.pk in current], photo_needed=not current,
        rejected_after=[photo for photo in after if photo.pk not in current],
        events=list(found.events.all()), history_url=history_url(found.venue, page),
        check_url=status_url(found.selfcheck, page) if found.selfcheck else "",
    )


def _rectify_post(request, found, form):
    """Remove a photo, store a new one, and report the fix when asked; errors go beside the
    fields (the note typed is kept). True once it is reported fixed."""
    form.is_valid()
    removed = request.POST.get("remove", "")
    if removed.isdecimal():
        photo = found.photos.filter(stage=EvidenceStage.AFTER, pk=removed).first()
        try:
            if photo is not None:
                hazard_flow.remove_after_photo(photo, request.user)
                messages.success(request, _("The photo was removed."))
        except PermissionDenied:
            messages.error(request, _("A photo of a fix that was not accepted stays on record."))
    upload = request.FILES.get("photo")
    if upload and not form.has_error("photo"):
        try:
            hazard_flow.add_after_photo(found, upload, request.user)
        except ValidationError as error:
            form.add_error("photo", error.messages)
        else:
            messages.success(request, _("The photo was saved."))
    if request.POST.get("action") != "rectify" or form.errors:
        return False
    try:
        hazard_flow.rectify(found, request.user, form.cleaned_data.get("note", ""))
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
        return False
    except workflow.InvalidTransition as error:
        messages.info(request, str(error))
        return False
    return True


# --- A venue's history --------------------------------------------------------------------------

def history(page, request, venue_id):
    """A venue's self-checks and hazards, newest first, and its risk level with the reasons."""
    gate = _gate(page, request)
    if gate:
        return gate
    venue = get_object_or_404(with_standing_facts(venues_for(request.user).select_related("kind")),
                              pk=venue_id)
    today = timezone.localdate()
    checks = list(venue.selfchecks.annotate(found=Count("hazards")).order_by("-created_at", "-pk"))
    for check in checks:
        check.url = status_url(check, page)
    found = list(venue.hazards.order_by("-found_at", "-pk"))
    for item in found:
        item.overdue, item.url = item.is_overdue(today), hazard_url(item, page)
    return _render(page, request, "home/selfcheck/history.html", title=venue.name, venue=venue,
                   checks=checks, hazards=found, standing=standings([venue], page)[venue.pk])
