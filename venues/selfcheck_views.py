"""The back office's side of self-checks (自查) and hazards: the lists within the person's
scope, a self-check with its answers and photos (accepted or returned here), a hazard with
its photos before and after side by side (re-checked here: closed 销号, or open again), and
the assisted self-check a grid worker fills in with an owner who has no phone (and an
unfinished one discarded, when a colleague left it in the way).

Every lookup goes through venues.access (an id outside someone's scope answers 404) and every
change through venues.workflows.selfchecks and venues.workflows.hazards."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from home.pagination import paginate, rows_of

from . import schedule, todo
from .access import (
    area_chosen,
    area_filter_choices,
    areas_for,
    of_venues_for,
    public_reports_for,
    scope_roots,
    venues_for,
)
from .admin_views import BoundedPaginator
from .models import (
    Answer,
    Area,
    AreaLevel,
    EvidencePhoto,
    EvidenceStage,
    Hazard,
    HazardSource,
    HazardStatus,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    Severity,
)
from .selfcheck_forms import ConfirmForm, GroupForm, decorate, same_name
from .workflows import hazards, selfchecks
from .workflows.registration import InvalidTransition, ReasonRequired

PER_PAGE = 50
S, H = SelfCheckStatus, HazardStatus


# --- Scope ---------------------------------------------------------------------------------

def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _selfchecks(request):
    _require(request, "venues.view_selfcheck")
    return of_venues_for(request.user, SelfCheck.objects.all())


def _hazards(request):
    _require(request, "venues.view_hazard")
    return of_venues_for(request.user, Hazard.objects.all())


def _in_area(queryset, user, value):
    """Only what lies in the area ``value`` (an area id), if it is in scope."""
    area = area_chosen(user, value)
    return queryset.none() if area is None else queryset.filter(venue__area__path__startswith=area.path)


def _with_villages(objects):
    """``objects`` (with a venue each), each given the name of its venue's village."""
    objects = list(objects)
    names = Area.village_names([item.venue.area for item in objects])
    for item in objects:
        item.village = names[item.venue.area_id]
    return objects


def _with_failed(checks):
    """Each self-check of the page given how many items failed, counted for those rows only."""
    failed = dict(SelfCheckAnswer.objects.filter(selfcheck__in=checks, answer=Answer.NO).order_by()
                  .values_list("selfcheck").annotate(n=Count("pk")))
    for check in checks:
        check.failed = failed.get(check.pk, 0)
    return checks


def _venue_url(venue):
    return reverse("venues_venue_modeladmin_inspect", args=[venue.pk])


# --- Self-checks ---------------------------------------------------------------------------

SELFCHECK_SHOWN = [
    (S.SUBMITTED, pgettext_lazy("self-check list", "awaiting review")),
    (S.ACCEPTED, S.ACCEPTED.label),
    (S.RETURNED, S.RETURNED.label),
    (S.DRAFT, S.DRAFT.label),
    ("all", pgettext_lazy("self-check list", "all")),
]


def selfcheck_index(request):
    checks = _selfchecks(request)
    status = request.GET.get("status", "")
    if status not in dict(SELFCHECK_SHOWN):
        status = S.SUBMITTED
    if status != "all":
        checks = checks.filter(status=status)
    village = request.GET.get("village", "")
    if village:
        checks = _in_area(checks, request.user, village)
    assisted = request.GET.get("assisted", "")
    if assisted in ("yes", "no"):
        checks = checks.filter(assisted_by__isnull=assisted == "no")
    # Those waiting longest first; otherwise the newest first.
    order = ([F("submitted_at").asc(nulls_last=True), "pk"] if status == S.SUBMITTED
             else [F("submitted_at").desc(nulls_first=True), "-pk"])
    keys = checks.order_by(*order).values_list("pk", flat=True)
    page = paginate(request, keys, PER_PAGE, BoundedPaginator)
    rows = rows_of(page, checks.select_related("venue", "venue__area", "submitted_by", "assisted_by"))
    return render(request, "venues/admin/selfcheck_index.html", {
        "page": page, "rows": _with_failed(_with_villages(rows)), "status": status, "village": village,
        "assisted": assisted, "statuses": SELFCHECK_SHOWN,
        "areas": area_filter_choices(request.user, village),
    })


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning (the owner will see it)"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Please give a reason; the owner will see it.")},
    )


def _selfcheck(request, check_id):
    related = ("venue", "venue__kind", "venue__area", "started_by", "submitted_by", "assisted_by",
               "reviewed_by")
    return get_object_or_404(_selfchecks(request).select_related(*related), pk=check_id)


def _answered_groups(check, answers):
    """[(group number, group name, [(item, answer or None)])] in the checklist's order."""
    return [
        (number, name, [(item, answers.get(item["code"])) for item in items])
        for number, (name, items) in enumerate(check.groups(), start=1)
    ]


def _selfcheck_page(request, check, return_form=None):
    answers = {answer.code: answer for answer in check.answers.prefetch_related("photos")}
    may_review = selfchecks.may_review(request.user, check)
    operator = check.venue.operator_name
    return render(request, "venues/admin/selfcheck_detail.html", {
        "check": check, "venue": check.venue, "venue_url": _venue_url(check.venue),
        "village": _with_villages([check])[0].village,
        "groups": _answered_groups(check, answers),
        "found": check.hazards.order_by("deadline", "pk"),
        "may_review": may_review,
        "return_form": (return_form or ReturnForm()) if may_review else None,
        "may_continue": _assisting(request.user, check),
        "may_discard": selfchecks.may_discard(request.user, check),
        # Said, not refused: a family member may confirm for the operator.
        "operator_differs": (operator if check.confirmed_by_name and operator
                             and not same_name(check.confirmed_by_name, operator) else ""),
    })


def selfcheck_detail(request, check_id):
    return _selfcheck_page(request, _selfcheck(request, check_id))


@require_POST
def selfcheck_review(request, check_id):
    """Accept a submitted self-check, or return it with a reason the owner reads."""
    check = _selfcheck(request, check_id)
    _require(request, "venues.review_selfcheck")
    action = request.POST.get("action", "")
    if action not in ("accept", "return"):
        raise Http404
    try:
        if action == "accept":
            selfchecks.accept(check, request.user)
            messages.success(request, _("The self-check of %(venue)s is accepted; the owner has been told.")
                             % {"venue": check.venue.name})
        else:
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return _selfcheck_page(request, check, return_form=form)
            try:
                selfchecks.return_(check, request.user, form.cleaned_data["reason"])
            except ReasonRequired as error:
                form.add_error("reason", str(error))
                return _selfcheck_page(request, check, return_form=form)
            messages.success(request, _("The self-check of %(venue)s is returned; the owner has been told "
                                        "why.") % {"venue": check.venue.name})
    except InvalidTransition as error:
        messages.error(request, str(error))
    return redirect("venues_selfcheck_detail", check_id=check.pk)


# --- Hazards -------------------------------------------------------------------------------

ACTIVE = "active"  # open or fixed and awaiting the re-check: the default
HAZARD_SHOWN = [
    (ACTIVE, pgettext_lazy("hazard list", "not yet closed")),
    (H.OPEN, H.OPEN.label),
    (H.RECTIFIED, H.RECTIFIED.label),
    (H.CLOSED, H.CLOSED.label),
    ("all", pgettext_lazy("hazard list", "all")),
]


def _village_counts(user, found, today):
    """[(area, counts)] for each village in the person's scope (for someone working in grids
    only, each of their grids): hazards open, overdue, major and not closed, awaiting
    re-check, and venues whose self-check is overdue. Two queries per length of area path
    (villages are all at one depth, so two queries)."""
    rows = list(areas_for(user).filter(level=AreaLevel.VILLAGE).order_by("path"))
    if not rows:
        rows = sorted(scope_roots(user), key=lambda area: area.path)
    empty = {"open": 0, "overdue": 0, "major": 0, "rectified": 0, "selfcheck_overdue": 0}
    totals = {area.path: dict(empty) for area in rows}
    late_venues = venues_for(user).filter(schedule.overdue_q(today)).order_by()
    for length in {len(area.path) for area in rows}:
        grouped = (
            found.order_by().values(prefix=Substr("venue__area__path", 1, length))
            .annotate(**todo.hazard_counts(today))
        )
        for row in grouped:
            totals.get(row.pop("prefix"), {}).update(row)
        for row in late_venues.values(prefix=Substr("area__path", 1, length)).annotate(late=Count("pk")):
            totals.get(row["prefix"], {})["selfcheck_overdue"] = row["late"]
    return [(area, totals[area.path]) for area in rows]


def hazard_index(request):
    found = _hazards(request)
    today = timezone.localdate()
    counts = todo.kept(request.user, "villages", lambda: _village_counts(request.user, found, today))
    status = request.GET.get("status", "")
    if status not in dict(HAZARD_SHOWN):
        status = ACTIVE
    if status == ACTIVE:
        found = found.exclude(status=H.CLOSED)
    elif status != "all":
        found = found.filter(status=status)
    overdue, major = request.GET.get("overdue") == "yes", request.GET.get("major") == "yes"
    if overdue:
        found = found.filter(Hazard.overdue_q(today))
    if major:
        found = found.filter(severity=Severity.MAJOR)
    source = request.GET.get("source", "")
    if source in HazardSource.values:
        found = found.filter(source=source)
    village = request.GET.get("village", "")
    if village:
        found = _in_area(found, request.user, village)
    # Overdue first: village staff see them at the top of their list.
    late = Case(When(Hazard.overdue_q(today), then=Value(1)), default=Value(0), output_field=IntegerField())
    keys = found.annotate(late=late).order_by("-late", "deadline", "pk").values_list("pk", flat=True)
    page = paginate(request, keys, PER_PAGE, BoundedPaginator)
    rows = rows_of(page, found.select_related("venue", "venue__area").annotate(late=late))
    return render(request, "venues/admin/hazard_index.html", {
        "page": page, "rows": _with_villages(rows), "counts": counts, "status": status,
        "venue_list": reverse("venues_venue_modeladmin_index"),
        "overdue": overdue, "major": major, "source": source, "village": village,
        "statuses": HAZARD_SHOWN, "sources": HazardSource.choices,
        "areas": area_filter_choices(request.user, village),
    })


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Outcome of the re-check"), widget=forms.RadioSelect,
        choices=[("accept", gettext_lazy("Fixed: close the hazard (销号)")),
                 ("reject", gettext_lazy("Not fixed: open it again"))],
        error_messages={"required": gettext_lazy("Please choose the outcome of the re-check.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed when it is not fixed; the owner will see it)"),
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
    )
    new_deadline = forms.DateField(
        label=gettext_lazy("New deadline (optional, when it is not fixed)"), required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason"):
            self.add_error("reason", _("Please give a reason; the owner will see it."))
        return cleaned


def _hazard(request, hazard_id):
    related = ("venue", "venue__kind", "venue__area", "selfcheck", "found_by", "closed_by")
    return get_object_or_404(_hazards(request).select_related(*related), pk=hazard_id)


def _hazard_page(request, hazard, form=None):
    photos = list(hazard.photos.all())
    # Photos of a fix that was rejected stay as evidence, apart from those of the fix reported now.
    current = set(hazards.after_photos_since_rejection(hazard).values_list("pk", flat=True))
    after = [photo for photo in photos if photo.stage == EvidenceStage.AFTER]
    may_verify = hazards.may_verify(request.user, hazard)
    return render(request, "venues/admin/hazard_detail.html", {
        "hazard": hazard, "venue": hazard.venue, "venue_url": _venue_url(hazard.venue),
        "village": _with_villages([hazard])[0].village,
        "overdue": hazard.is_overdue(),
        "before": [photo for photo in photos if photo.stage == EvidenceStage.BEFORE],
        "after": [photo for photo in after if photo.pk in current],
        "rejected_after": [photo for photo in after if photo.pk not in current],
        "events": hazard.events.select_related("actor"),
        "may_see_selfcheck": hazard.selfcheck_id and request.user.has_perm("venues.view_selfcheck"),
        "form": (form or VerifyForm()) if may_verify else None,
        # 群众举报: the reports behind a hazard, linked only for those who may handle them.
        "public_reports": (
            list(public_reports_for(request.user).filter(hazard=hazard))
            if hazard.source == HazardSource.PUBLIC and request.user.has_perm("venues.handle_publicreport")
            else []
        ),
    })


def hazard_detail(request, hazard_id):
    return _hazard_page(request, _hazard(request, hazard_id))


@require_POST
def hazard_verify(request, hazard_id):
    """The re-check (复查) of a fix: closed, or open again with a reason and a new deadline."""
    hazard = _hazard(request, hazard_id)
    _require(request, "venues.verify_hazard")
    if hazard.status != H.RECTIFIED:
        messages.error(request, _("This hazard is not waiting for a re-check: it is “%(status)s”.")
                       % {"status": hazard.get_status_display()})
        return redirect("venues_hazard_detail", hazard_id=hazard.pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        accepted = form.cleaned_data["decision"] == "accept"
        try:
            hazards.verify(hazard, request.user, accepted, reason=form.cleaned_data["reason"],
                           new_deadline=None if accepted else form.cleaned_data["new_deadline"])
        except ReasonRequired as error:
            form.add_error("reason", str(error))
        except ValidationError as error:
            form.add_error(None, error)
        except InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("venues_hazard_detail", hazard_id=hazard.pk)
        else:
            if accepted:
                messages.success(request, _("The hazard is closed; the owner has been told."))
            else:
                messages.success(request, _("The hazard is open again; the owner has been told why."))
            return redirect("venues_hazard_detail", hazard_id=hazard.pk)
    return _hazard_page(request, hazard, form)


# --- The assisted self-check (协助自查) ------------------------------------------------------

@require_POST
def selfcheck_assist(request, venue_id):
    """Start (or go on with) a self-check filled in with an owner who has no phone. When a
    colleague's unfinished one is in the way, reviewers are offered to discard it."""
    venue = get_object_or_404(venues_for(request.user), pk=venue_id)
    if not selfchecks.may_assist(request.user, venue):
        raise PermissionDenied
    try:
        check = selfchecks.start(venue, request.user, assisted=True)
    except PermissionDenied:
        check = selfchecks.draft_of(venue)  # refused because a colleague is filling it in
        if check is None:
            raise
    if not selfchecks.may_continue(request.user, check):
        messages.error(request, _("%(name)s is already filling in this venue's self-check with the owner.")
                       % {"name": check.assisted_by.get_full_name() if check.assisted_by else ""})
        if selfchecks.may_discard(request.user, check):
            return redirect("venues_selfcheck_discard", check_id=check.pk)
        return redirect("venues_venue_modeladmin_inspect", instance_pk=venue.pk)
    number = min(check.step + 1, len(check.groups()))
    return redirect("venues_selfcheck_fill", check_id=check.pk, group_number=max(number, 1))


def _assisting(user, check):
    """Whether ``user`` is filling in the draft ``check`` with the owner (an owner's own draft
    becomes assisted only through selfcheck_assist, so the record always says so)."""
    return (check.status == S.DRAFT and check.assisted_by_id == user.pk
            and selfchecks.may_continue(user, check))


def _draft(request, check_id):
    """The draft the person fills in with the owner; None once it has been submitted."""
    check = _selfcheck(request, check_id)
    if check.status != S.DRAFT:
        return None
    if not _assisting(request.user, check):
        raise PermissionDenied
    return check


def _submitted(request, check_id):
    messages.info(request, _("This self-check has already been submitted."))
    return redirect("venues_selfcheck_detail", check_id=check_id)


# What the workflow raises when the draft changed under the form: submitted meanwhile (by the
# owner on their phone), taken over, or discarded.
REFUSED = (InvalidTransition, PermissionDenied, SelfCheck.DoesNotExist)


def _refused(request, check):
    """Where a change the workflow refused leads, with a message instead of an error page."""
    now = SelfCheck.objects.filter(pk=check.pk).first()
    if now is None:
        messages.error(request, _("This unfinished self-check was discarded; nothing was saved."))
        return redirect("venues_venue_modeladmin_inspect", instance_pk=check.venue_id)
    if now.status != S.DRAFT:
        return _submitted(request, check.pk)
    messages.error(request, _("You can no longer fill in this self-check; nothing was saved."))
    return redirect("venues_selfcheck_detail", check_id=check.pk)


def _store_fill(request, check, form, group_number):
    """Store what a POST of a group carries, valid or not, the photos chosen and the photos
    ticked for removal; whether the group is complete (and nothing was removed)."""
    valid = form.is_valid()
    selfchecks.save_answers(check, request.user, form.answers(), step=group_number if valid else None)
    for code, upload in form.uploads().items():
        if f"{code}-photo" in form.errors:
            continue  # not a file at all; the form says why
        try:
            selfchecks.add_photo(check, code, upload, request.user)
        except ValidationError as error:
            form.add_error(f"{code}-photo", error.messages)
            valid = False
    removed = [pk for pk in request.POST.getlist("remove_photo") if pk.isdecimal()]
    for photo in EvidencePhoto.objects.filter(answer__selfcheck=check, pk__in=removed).select_related(
            "answer__selfcheck__venue"):
        selfchecks.remove_photo(photo, request.user)
    return valid and not removed


def selfcheck_fill(request, check_id, group_number):
    """One group of items. Every POST keeps what was typed (and the photos chosen), valid or
    not; the errors are shown beside their fields."""
    check = _draft(request, check_id)
    if check is None:
        return _submitted(request, check_id)
    groups = check.groups()
    if not 1 <= group_number <= len(groups):
        raise Http404
    name, items = groups[group_number - 1]
    answers, photos = selfchecks.stored(check)
    if request.method != "POST":
        form = GroupForm(items, answers, photos)
    else:
        form = GroupForm(items, answers, photos, data=request.POST, files=request.FILES)
        try:
            complete = _store_fill(request, check, form, group_number)
        except REFUSED:
            return _refused(request, check)
        if request.POST.get("go") == "back":
            return redirect("venues_selfcheck_fill", check_id=check.pk, group_number=max(group_number - 1, 1))
        if complete:
            if group_number < len(groups):
                return redirect("venues_selfcheck_fill", check_id=check.pk, group_number=group_number + 1)
            return redirect("venues_selfcheck_confirm", check_id=check.pk)
        form.stored_photos = selfchecks.stored(check)[1]
    return render(request, "venues/admin/selfcheck_fill.html", {
        "check": check, "venue": check.venue, "form": decorate(form, bootstrap=False), "group_name": name,
        "group_number": group_number, "group_count": len(groups),
        "groups": [(number, group) for number, (group, _items) in enumerate(groups, start=1)],
    })


def selfcheck_confirm(request, check_id):
    """All answers for the owner to read on the staff member's screen; the owner types their
    name and ticks, and the self-check is submitted (failed items become hazards). A name
    other than the operator's on record is asked about once, not refused."""
    check = _draft(request, check_id)
    if check is None:
        return _submitted(request, check_id)
    answers = {answer.code: answer for answer in check.answers.prefetch_related("photos")}
    problems = selfchecks.problems(check, answers, {code: len(a.photos.all()) for code, a in answers.items()})
    form = ConfirmForm(request.POST or None, operator_name=check.venue.operator_name)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            name = form.cleaned_data["confirmed_by_name"]
            done = selfchecks.submit(check, request.user, confirmed_by_name=name)
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSED:
            return _refused(request, check)
        else:
            if done.submitted_by_id != request.user.pk:
                return _submitted(request, check.pk)  # by the owner on their phone, meanwhile
            found = done.hazards.count()
            messages.success(request, ngettext(
                "The self-check is submitted; %(count)s hazard was recorded.",
                "The self-check is submitted; %(count)s hazards were recorded.", found) % {"count": found})
            return redirect("venues_selfcheck_detail", check_id=done.pk)
    groups = _answered_groups(check, answers)
    to_fix = [(number, item, problems[item["code"]]) for number, _name, rows in groups
              for item, _answer in rows if item["code"] in problems]
    return render(request, "venues/admin/selfcheck_confirm.html", {
        "check": check, "venue": check.venue, "groups": groups, "to_fix": to_fix,
        "form": None if problems else form,
    })


def selfcheck_discard(request, check_id):
    """Discard an unfinished self-check: asked first (GET), done by the POST. For the one
    assisting, and for reviewers when a colleague's unfinished one is in the way."""
    check = _selfcheck(request, check_id)
    if check.status != S.DRAFT:
        return _submitted(request, check_id)
    if not selfchecks.may_discard(request.user, check):
        raise PermissionDenied
    if request.method == "POST":
        try:
            selfchecks.discard(check, request.user)
        except REFUSED:
            return _refused(request, check)
        messages.success(request, _("The unfinished self-check of %(venue)s was discarded.")
                         % {"venue": check.venue.name})
        return redirect("venues_venue_modeladmin_inspect", instance_pk=check.venue_id)
    return render(request, "venues/admin/selfcheck_discard.html", {
        "check": check, "venue": check.venue, "venue_url": _venue_url(check.venue),
        "answered": check.answers.count(),
        "photos": EvidencePhoto.objects.filter(answer__selfcheck=check).count(),
    })
