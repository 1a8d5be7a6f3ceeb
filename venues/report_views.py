"""The back office's side of owners' reports (venues.workflows.reports): the list of reports
within the person's scope, and one report with its history and the steps staff take."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.pagination import paginate

from .masking import mask_mobile
from .models import Area, ReportKind, ReportStatus
from .owner_forms import ReportForm
from .workflows import reports


class AcceptForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("note to the owner (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.Form):
    visit_on = forms.DateField(
        label=gettext_lazy("visit on"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": gettext_lazy("Please choose the day of the visit.")},
    )
    note = forms.CharField(label=gettext_lazy("note to the owner (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("For example the time and who will come."))

    def clean_visit_on(self):
        day = self.cleaned_data["visit_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The visit cannot be in the past."))
        return day


class AnswerForm(forms.Form):
    apply_change = forms.BooleanField(
        label=gettext_lazy("Update the register as reported"), required=False,
        help_text=gettext_lazy("The change goes into the venue's record and its history at once: for a "
                               "date the owner gave in the future, answer on or after that day."),
    )
    answer = forms.CharField(label=gettext_lazy("answer to the owner"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=gettext_lazy("The owner reads this in their messages."))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        if not reports.changes_register(report):
            del self.fields["apply_change"]


FORMS = {"accept": AcceptForm, "visit": VisitForm, "answer": AnswerForm}


def _scope(request):
    if not request.user.has_perm("venues.handle_ownerreport"):
        raise PermissionDenied
    return reports.reports_for(request.user).select_related("venue", "venue__area", "reporter", "new_kind")


def report_index(request):
    items = _scope(request)
    show = request.GET.get("show", "open")
    if show != "all":
        items = items.exclude(status=ReportStatus.DONE).order_by("created_at", "pk")
    kind = request.GET.get("kind", "")
    if kind in ReportKind.values:
        items = items.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, items, 50)
    places = Area.places([item.venue.area for item in page])
    for item in page:
        item.where = places[item.venue.area_id]
    return render(request, "venues/admin/report_index.html", {
        "page": page, "show": show, "kind": kind, "kinds": ReportKind.choices,
    })


def report_detail(request, report_id):
    report = get_object_or_404(_scope(request), pk=report_id)
    bound = request.POST.get("step") if request.method == "POST" else None
    forms_ = {}
    if report.is_open:
        accepted = report.status == ReportStatus.ACCEPTED
        steps = ["visit", "answer"] if accepted else ["accept", "visit", "answer"]
        for step in steps:
            data = request.POST if bound == step else None
            kwargs = {"report": report} if step == "answer" else {}
            forms_[step] = FORMS[step](data, prefix=step, **kwargs)
    form = forms_.get(bound)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if bound == "accept":
                reports.accept(report, request.user, data["note"])
            elif bound == "visit":
                reports.book_visit(report, request.user, data["visit_on"], data["note"])
            else:
                reports.answer(report, request.user, data["answer"], data.get("apply_change", False))
        except reports.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done; the owner has been told."))
            return redirect("venues_report_detail", report_id=report.pk)
    return render(request, "venues/admin/report_detail.html", {
        "report": report, "events": report.events.select_related("actor"), "forms": forms_,
        "reporter_mobile": mask_mobile(report.reporter.mobile) if report.reporter else "",
        "new_mobile": mask_mobile(report.new_operator_mobile), "facts": ReportForm.facts(report),
        "where": Area.places([report.venue.area])[report.venue.area_id],
        "venue_url": reverse("venues_venue_modeladmin_inspect", args=[report.venue_id]),
    })
