"""Refusals to cooperate, serious cases and operators' history, as staff and owners see them.

Staff: the venue page's panels (refusals with their form, the venue's serious cases, the
operator's other venues), the list of cases in one's scope, a case with every step and the
actions the viewer may take, the proposal form and the evidence photos. Owners: the cases they
have been notified of on the integrity page, and a case's page with the objection form. Every
lookup goes through venues.access (an id outside someone's scope answers 404); states change only
in venues.workflows.cases."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from home.pagination import paginate

from . import operators
from .access import holds_venue, of_venues_for, venues_for
from .figures import local_today
from .models import CaseEvidence, CaseStatus, Hazard, Refusal, SeriousCase, VenueStatus
from .owner_views import _owner_required, _page
from .workflows import cases

PER_PAGE = 30


def _field_errors(form, error):
    """A workflow's ValidationError beside the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, found in error.message_dict.items():
            form.add_error(field if field in form.fields else None, found)
    else:
        form.add_error(None, error.messages)


# --- Forms ---------------------------------------------------------------------------------------

class RefusalForm(forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    occurred_on = forms.DateField(label=gettext_lazy("Date of the refusal"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=gettext_lazy("What happened"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())
            self.initial.setdefault("occurred_on", local_today())


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


class ProposeForm(forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    facts = forms.CharField(label=gettext_lazy("Facts and grounds"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 6}))
    hazards = forms.ModelMultipleChoiceField(label=gettext_lazy("Hazards cited"), required=False,
                                             queryset=Hazard.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    refusals = forms.ModelMultipleChoiceField(label=gettext_lazy("Refusals cited"), required=False,
                                              queryset=Refusal.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    photos = PhotosField(label=gettext_lazy("Photos (evidence)"), required=False)

    def __init__(self, venue, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hazards"].queryset = Hazard.objects.filter(venue=venue).order_by("-found_at")
        self.fields["hazards"].label_from_instance = lambda h: (
            f"{h.found_at:%Y-%m-%d} {h.item_question or h.description[:60]}（{h.get_status_display()}）")
        self.fields["refusals"].queryset = Refusal.objects.filter(venue=venue)
        self.fields["refusals"].label_from_instance = lambda r: f"{r.occurred_on:%Y-%m-%d} {r.note[:60]}"
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=[
        ("upheld", gettext_lazy("Uphold: the operator is seriously untrustworthy (level D)")),
        ("dismissed", gettext_lazy("Dismiss the case")),
    ])
    note = forms.CharField(label=gettext_lazy("Decision and its grounds"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Why the case is withdrawn"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Your objection"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))


# --- The staff venue page ----------------------------------------------------------------------

def staff_context(user, venue):
    """What the staff venue page shows of refusals, serious cases (templates/venues/admin/
    _serious_cases.html) and the operator's history (_operator_history.html)."""
    context = {}
    if user.has_perm("venues.view_refusal"):
        context["refusals"] = list(venue.refusals.select_related("recorded_by")[:50])
        context["show_refusals"] = True
    if venue.status == VenueStatus.APPROVED and cases.may_record_refusal(user, venue):
        context["refusal_form"] = RefusalForm()
    if user.has_perm("venues.view_seriouscase"):
        context["venue_cases"] = list(SeriousCase.objects.filter(venue=venue))
        context["show_cases"] = True
        context["may_propose"] = cases.may_propose(user, venue)
        context["operator_history"] = operators.history(user, venue)
    return context


def _staff_venue(request, venue_id):
    return get_object_or_404(venues_for(request.user).select_related("area", "kind"), pk=venue_id)


@never_cache
def refusal_add(request, venue_id):
    if not request.user.has_perm("venues.add_refusal"):
        raise PermissionDenied
    venue = _staff_venue(request, venue_id)
    if not cases.may_record_refusal(request.user, venue):
        raise PermissionDenied
    form = RefusalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cases.record_refusal(request.user, venue, data["occurred_on"], data["note"],
                                 data["submission_id"])
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("The refusal to cooperate is recorded."))
            return redirect(reverse("venues_venue_modeladmin_inspect", args=[venue.pk]) + "#refusals-heading")
    return render(request, "venues/admin/refusal_form.html", {"form": form, "venue": venue})


@never_cache
def case_propose(request, venue_id):
    if not request.user.has_perm("venues.add_seriouscase"):
        raise PermissionDenied
    venue = _staff_venue(request, venue_id)
    if not cases.may_propose(request.user, venue):
        raise PermissionDenied
    form = ProposeForm(venue, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = cases.propose(request.user, venue, data["facts"], data["hazards"], data["refusals"],
                                 request.FILES.getlist("photos"), data["submission_id"])
        except ValidationError as error:
            _field_errors(form, error)
        else:
            messages.success(request, _("The serious case is proposed. Give the owner notice from its page."))
            return redirect("venues_case", case_id=case.pk)
    return render(request, "venues/admin/case_propose.html", {"form": form, "venue": venue})


# --- The list and the case ---------------------------------------------------------------------

def case_index(request):
    user = request.user
    if not user.has_perm("venues.view_seriouscase"):
        raise PermissionDenied
    rows = cases.cases_for(user).select_related("venue", "venue__area")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    today = local_today()
    if user.has_perm("venues.decide_seriouscase"):
        # A leader: cases waiting for a decision first.
        rows = rows.annotate(waiting=Case(
            When(status=CaseStatus.NOTIFIED, objection_until__lt=today, then=Value(1)),
            default=Value(0), output_field=IntegerField())).order_by("-waiting", "-proposed_at", "-pk")
    from .admin_views import BoundedPaginator  # admin_views imports this module

    page = paginate(request, rows, PER_PAGE, BoundedPaginator)
    return render(request, "venues/admin/case_index.html", {
        "page": page, "rows": list(page), "status": status, "statuses": CaseStatus.choices, "today": today,
    })


def _case(request, case_id):
    if not request.user.has_perm("venues.view_seriouscase"):
        raise PermissionDenied
    return get_object_or_404(cases.cases_for(request.user).select_related(
        "venue", "venue__area", "proposed_by", "notified_by", "decided_by"), pk=case_id)


@never_cache
def case_detail(request, case_id):
    case = _case(request, case_id)
    user, today = request.user, local_today()
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action")
        moved = _("This case has already moved on; here is where it stands now.")
        try:
            if action == "notify":
                if not user.has_perm("venues.change_seriouscase"):
                    raise PermissionDenied
                if not cases.may_notify(user, case):
                    messages.info(request, moved)
                    return redirect("venues_case", case_id=case.pk)
                try:
                    cases.notify(user, case)
                except ValidationError:
                    messages.info(request, moved)
                else:
                    messages.success(request, _("The owner has been notified."))
                return redirect("venues_case", case_id=case.pk)
            if action == "withdraw":
                if not user.has_perm("venues.change_seriouscase"):
                    raise PermissionDenied
                if not cases.may_withdraw(user, case):
                    messages.info(request, moved)
                    return redirect("venues_case", case_id=case.pk)
                form = bound["withdraw"] = WithdrawForm(request.POST)
                if form.is_valid():
                    cases.withdraw(user, case, form.cleaned_data["note"])
                    messages.success(request, _("The case is withdrawn."))
                    return redirect("venues_case", case_id=case.pk)
            elif action == "decide":
                if not user.has_perm("venues.decide_seriouscase"):
                    raise PermissionDenied
                if case.status != CaseStatus.NOTIFIED:
                    messages.info(request, moved)
                    return redirect("venues_case", case_id=case.pk)
                form = bound["decide"] = DecideForm(request.POST)
                if form.is_valid():
                    data = form.cleaned_data
                    cases.decide(user, case, data["decision"] == "upheld", data["note"])
                    messages.success(request, _("The decision is recorded."))
                    return redirect("venues_case", case_id=case.pk)
            else:
                raise PermissionDenied
        except ValidationError as error:
            case.refresh_from_db()
            still = (CaseStatus.NOTIFIED,) if action == "decide" else tuple(cases.OPEN_CASE)
            if case.status not in still:
                messages.info(request, moved)  # another request moved it meanwhile
                return redirect("venues_case", case_id=case.pk)
            if action in bound:
                _field_errors(bound[action], error)
            else:
                messages.error(request, " ".join(error.messages))
    status = 400 if bound else 200
    context = {
        "case": case, "venue": case.venue, "today": today,
        "hazards": list(case.hazards.all()), "cited_refusals": list(case.refusals.all()),
        "evidence": list(case.evidence.all()),
        "may_notify": cases.may_notify(user, case),
        "withdraw_form": bound.get("withdraw") or (WithdrawForm() if cases.may_withdraw(user, case)
                                                   else None),
        "decide_form": bound.get("decide") or (DecideForm() if cases.may_decide(user, case, today) else None),
        "decide_later": (case.status == CaseStatus.NOTIFIED and user.has_perm("venues.decide_seriouscase")
                         and not cases.objection_over(case, today)),
        "repair_from": cases.repair_from(case, today) if case.status == CaseStatus.UPHELD else None,
    }
    return render(request, "venues/admin/case_detail.html", context, status=status)


def case_photo(request, evidence_id):
    """An evidence photo, for staff who may read the case (its venue in their scope)."""
    if not request.user.has_perm("venues.view_seriouscase"):
        raise PermissionDenied
    photo = get_object_or_404(of_venues_for(request.user, CaseEvidence.objects.all(), prefix="case__venue__"),
                              pk=evidence_id)
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Owners -------------------------------------------------------------------------------------

def owner_context(user, venue):
    """What the owner's integrity page shows of the venue's serious cases
    (templates/owner/includes/serious_cases.html): those the owner has been notified of."""
    return {"serious_cases": list(cases.owner_cases(user, venue))}


@_owner_required
@never_cache
def owner_case(request, venue_id, case_id):
    venue = get_object_or_404(venues_for(request.user), pk=venue_id)
    if not holds_venue(request.user, venue):
        raise PermissionDenied
    case = get_object_or_404(cases.owner_cases(request.user, venue), pk=case_id)
    may_object = cases.may_object(request.user, case)
    form = None
    if may_object:
        form = ObjectionForm(request.POST or None, initial={"text": case.objection})
        if request.method == "POST" and form.is_valid():
            try:
                cases.object_to(request.user, case, form.cleaned_data["text"])
            except ValidationError as error:
                _field_errors(form, error)
            else:
                messages.success(request, _("Your objection is recorded. You may change it until %(date)s.")
                                 % {"date": f"{case.objection_until:%Y-%m-%d}"})
                return redirect("owner:serious_case", venue_id=venue.pk, case_id=case.pk)
    elif request.method == "POST":
        messages.error(request, _("The period for objections has ended."))
    today = local_today()
    repair = cases.repair_from(case, today) if case.status == CaseStatus.UPHELD else None
    return _page(request, "owner/case_detail.html", _("Serious integrity case"), venue=venue, case=case,
                 form=form, today=today, repair_from=repair)


# /owner/...
owner_urls = [path("venues/<int:venue_id>/cases/<int:case_id>/", owner_case, name="serious_case")]
# /admin/...
admin_urls = [
    path("venues/cases/", case_index, name="venues_cases"),
    path("venues/cases/<int:case_id>/", case_detail, name="venues_case"),
    path("venues/cases/photos/<int:evidence_id>/", case_photo, name="venues_case_photo"),
    path("venues/<int:venue_id>/cases/new/", case_propose, name="venues_case_propose"),
    path("venues/<int:venue_id>/refusals/new/", refusal_add, name="venues_refusal_add"),
]
