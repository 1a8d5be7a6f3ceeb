"""Integrity levels as owners and staff see them: the owner's page for a venue's level, its
reasons, the rules in force, their replies and requests for a re-check; the staff panel on the
venue page, the re-check queue and a re-check's page (venues.workflows.integrity changes states).
Every venue and reply is looked up through the owner's venues or the staff member's scope: 404
outside them."""

import datetime
import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from home.pagination import paginate

from . import integrity, schedule
from .access import venues_for
from .figures import local_today
from .models import (
    OPEN_RECHECK,
    IntegrityFactor,
    IntegritySettings,
    ReplyStatus,
    SafetyRules,
    VenueStatus,
)
from .owner_views import _owner_required, _page
from .workflows import integrity as workflow
from .workflows.registration import InvalidTransition

# --- Forms ---------------------------------------------------------------------------------

class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your reply"), max_length=workflow.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Kept beside the level, for the staff of your village and the town "
                               "office to read."),
        error_messages={"required": gettext_lazy("Please write your reply.")})
    recheck = forms.BooleanField(label=gettext_lazy("Please re-check my level"), required=False)
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())


class ScheduleForm(forms.Form):
    recheck_on = forms.DateField(label=gettext_lazy("Re-check on"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": gettext_lazy("Please choose a date."),
                                                 "invalid": gettext_lazy("Please enter a date.")})


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer to the owner"), max_length=workflow.MAX_TEXT,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=gettext_lazy("The level is computed again when you send the answer; "
                                                    "the owner is told the answer and the level."),
                             error_messages={"required": gettext_lazy("Please write the answer.")})


def _add_errors(form, error):
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


# --- What pages show -----------------------------------------------------------------------

def interval_for(venue, level=None, rules=None, integrity_settings=None):
    """The self-check interval (months) of ``venue`` if its integrity level were ``level``
    (``rules``: SafetyRules, ``integrity_settings``: IntegritySettings, read when not given)."""
    return schedule.interval_months(schedule.kind_months(venue), venue.risk_level,
                                    rules or SafetyRules.current(),
                                    level if level is not None else venue.integrity_level,
                                    integrity_settings or IntegritySettings.current())


def levels_explained(venue):
    """[{level, label, text, months, current}] — what each level means for this venue."""
    rules, integrity_settings = SafetyRules.current(), IntegritySettings.current()
    return [{"level": level, "label": label, "text": text,
             "months": interval_for(venue, level, rules, integrity_settings),
             "current": level == venue.integrity_level}
            for level, label, text in integrity.level_explanations(integrity_settings)]


def rules_in_force():
    return integrity.active_rules()


def _with_answer_by(replies):
    days = IntegritySettings.current().recheck_days
    today, zone = local_today(), integrity.local_zone()
    for item in replies:
        item.answer_by = timezone.localdate(item.created_at, zone) + datetime.timedelta(days=days)
        item.is_open = item.status in OPEN_RECHECK
        item.late = item.is_open and item.answer_by < today
    return replies


def staff_context(user, venue):
    """What the staff venue page shows of the venue's integrity (templates/venues/admin/_integrity.html)."""
    if not workflow.may_read_replies(user, venue):
        return {}
    replies = _with_answer_by(list(venue.integrity_replies.select_related("author", "answered_by")[:10]))
    open_one = next((item for item in replies if item.is_open), None)
    return {"integrity": {
        "level": venue.integrity_level, "label": venue.get_integrity_level_display(),
        "reasons": venue.integrity_reasons, "replies": replies, "open": open_one,
        "may_answer": open_one is not None and workflow.may_answer(user, open_one),
    }}


# --- The owner's page ----------------------------------------------------------------------

@_owner_required
@never_cache
def owner_integrity(request, venue_id):
    from . import case_views

    venue = get_object_or_404(venues_for(request.user).filter(status=VenueStatus.APPROVED)
                              .select_related("kind").prefetch_related("other_kinds"), pk=venue_id)
    if not workflow.may_reply(request.user, venue):
        raise Http404
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            made = workflow.reply(request.user, venue, data["text"], data["recheck"], data["submission_id"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if made.status == ReplyStatus.REQUESTED:
                messages.success(request, _("Your reply is kept and a re-check has been requested. Staff "
                                            "will answer within %(days)s days; the answer will be in your "
                                            "messages.") % {"days": IntegritySettings.current().recheck_days})
            else:
                messages.success(request, _("Your reply is kept beside the level."))
            return redirect(reverse("owner:integrity", args=[venue.pk]) + "#replies")
    replies = _with_answer_by(list(venue.integrity_replies.select_related("answered_by")))
    return _page(request, "owner/integrity.html", _("Integrity level: %(venue)s") % {"venue": venue.name},
                 venue=venue, form=form, replies=replies, levels=levels_explained(venue),
                 rules=rules_in_force(), months=interval_for(venue),
                 window_months=IntegritySettings.current().window_months,
                 open_recheck=next((item for item in replies if item.is_open), None),
                 factors=dict(IntegrityFactor.choices),
                 **case_views.owner_context(request.user, venue))


# --- Staff: the re-check queue and a re-check's page ---------------------------------------

def _staff_required(request):
    if not request.user.has_perm("venues.view_integrityreply"):
        raise PermissionDenied


@never_cache
def recheck_index(request):
    _staff_required(request)
    show = "all" if request.GET.get("show") == "all" else "open"
    items = (workflow.replies_for(request.user).exclude(status=ReplyStatus.REPLIED)
             .select_related("venue", "venue__area"))
    if show == "open":
        items = items.filter(status__in=OPEN_RECHECK)
    items = items.annotate(open_first=Case(When(status__in=OPEN_RECHECK, then=Value(0)), default=Value(1),
                                           output_field=IntegerField()))
    items = items.order_by("open_first", "created_at", "pk")
    page = paginate(request, items, 50)
    _with_answer_by(page.object_list)
    return render(request, "venues/admin/integrity_rechecks.html", {
        "page": page, "show": show, "recheck_days": IntegritySettings.current().recheck_days,
    })


def _reply(request, reply_id):
    _staff_required(request)
    return get_object_or_404(workflow.replies_for(request.user).select_related(
        "venue", "venue__area", "venue__kind", "author", "scheduled_by", "answered_by"), pk=reply_id)


@never_cache
def recheck_detail(request, reply_id):
    item = _reply(request, reply_id)
    may_answer = workflow.may_answer(request.user, item)
    schedule_form = ScheduleForm(initial={"recheck_on": item.recheck_on})
    answer_form = AnswerForm()
    if request.method == "POST":
        # Only permission and scope are checked here (scope: 404 in _reply); a re-check no longer
        # open (a double click, a resent form) is the workflow's InvalidTransition, told below.
        if not request.user.has_perm("venues.answer_integrityreply"):
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "schedule":
                schedule_form = ScheduleForm(request.POST)
                if schedule_form.is_valid():
                    workflow.schedule_recheck(request.user, item, schedule_form.cleaned_data["recheck_on"])
                    messages.success(request, _("The re-check is scheduled; the owner has been told "
                                                "the date."))
                    return redirect("venues_integrity_recheck", reply_id=item.pk)
            elif action == "answer":
                answer_form = AnswerForm(request.POST)
                if answer_form.is_valid():
                    workflow.answer_recheck(request.user, item, answer_form.cleaned_data["answer"])
                    messages.success(request, _("The re-check is answered; the owner has been told."))
                    return redirect("venues_integrity_recheck", reply_id=item.pk)
            else:
                raise Http404
        except ValidationError as error:
            _add_errors(schedule_form if action == "schedule" else answer_form, error)
        except InvalidTransition as error:
            messages.error(request, str(error))
            return redirect("venues_integrity_recheck", reply_id=item.pk)
    _with_answer_by([item])
    return render(request, "venues/admin/integrity_recheck.html", {
        "item": item, "venue": item.venue, "may_answer": may_answer,
        "schedule_form": schedule_form, "answer_form": answer_form,
        "today": local_today(),
    })


# /owner/...
owner_urls = [path("venues/<int:venue_id>/integrity/", owner_integrity, name="integrity")]
# /admin/...
admin_urls = [
    path("venues/integrity/rechecks/", recheck_index, name="venues_integrity_rechecks"),
    path("venues/integrity/rechecks/<int:reply_id>/", recheck_detail, name="venues_integrity_recheck"),
]
