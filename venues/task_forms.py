"""The forms of 督办 (venues.task_views): giving a task, reporting on a venue, closing one's part,
reopening a part. Every choice offered comes from the person's own scope (venues.access)."""

import uuid

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .access import kinds_for, venues_for
from .models import Area, Office, ProgressStatus, RiskLevel, Venue, VenueKind, VenueStatus
from .workflows import tasks

GAS_CHOICES = [("", pgettext_lazy("uses gas", "any")), ("yes", pgettext_lazy("uses gas", "uses gas")),
               ("no", pgettext_lazy("uses gas", "does not use gas"))]
# The fields that choose the venues; the preview records their values, so a changed filter is
# previewed again before the task is given.
VENUE_FILTERS = ("kind", "village", "uses_gas", "risk_level")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        profile = user.staff_profile
        where = "、".join(area.name for area in profile.areas.all())
        office = f"{profile.office.name}，" if profile.office_id else ""
        return f"{user.get_full_name() or user.get_username()}（{office}{where}）"


class DispatchForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("task"), max_length=100,
                            help_text=gettext_lazy("For example: check the gas alarms of restaurants."))
    description = forms.CharField(label=gettext_lazy("what to do"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    due_on = forms.DateField(label=gettext_lazy("due by"), widget=forms.DateInput(attrs={"type": "date"}),
                             error_messages={"required": gettext_lazy("Please choose the due date.")})
    areas = forms.ModelMultipleChoiceField(label=gettext_lazy("villages and communities"), required=False,
                                           queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple,
                                           help_text=gettext_lazy("Their village staff and grid workers."))
    offices = forms.ModelMultipleChoiceField(label=gettext_lazy("offices"), required=False,
                                             queryset=Office.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    people = PersonChoiceField(label=gettext_lazy("named staff"), required=False,
                               queryset=Area.objects.none(),
                               widget=forms.SelectMultiple(attrs={"size": 6}),
                               help_text=gettext_lazy("Hold Ctrl (or Command) to choose several."))
    with_venues = forms.BooleanField(
        label=gettext_lazy("Give a list of venues to report on"), required=False,
        help_text=gettext_lazy("Approved venues chosen by the filters below; each assignee reports on "
                               "those of their part. Without a list, assignees report in their summary."))
    kind = forms.ModelChoiceField(label=gettext_lazy("kind"), required=False,
                                  queryset=VenueKind.objects.none(),
                                  empty_label=pgettext_lazy("filter", "any"))
    village = forms.ModelChoiceField(label=gettext_lazy("village or community"), required=False,
                                     queryset=Area.objects.none(), empty_label=pgettext_lazy("filter", "any"))
    uses_gas = forms.ChoiceField(label=gettext_lazy("gas"), required=False, choices=GAS_CHOICES)
    risk_level = forms.ChoiceField(label=gettext_lazy("risk level"), required=False,
                                   choices=[("", pgettext_lazy("filter", "any")), *RiskLevel.choices])
    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    previewed = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {"submission_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        self.user = user
        set_assignee_choices(self, user)
        self.fields["village"].queryset = self.fields["areas"].queryset
        self.fields["kind"].queryset = kinds_for(user).order_by("sort_order")

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return day

    def clean(self):
        data = super().clean()
        if not (data.get("areas") or data.get("offices") or data.get("people")):
            self.add_error("areas", _("Please choose at least one village, office or person."))
        elif data.get("with_venues") and not any(name in self.errors for name in VENUE_FILTERS):
            uncovered = self.uncovered()
            if uncovered:
                self.add_error("with_venues", _(
                    "%(count)s of the listed venues belong to no assignee's part, so nobody could report "
                    "on them. Please add an assignee for them or narrow the filters.") % {"count": uncovered})
        return data

    def uncovered(self):
        """How many venues of the list no chosen assignee would report on."""
        data = self.cleaned_data
        venues = self.venues()
        parts = ([Q(area__path__startswith=area.path) for area in data.get("areas", ())]
                 + [Q(pk__in=venues_for(person).values("pk")) for person in data.get("people", ())])
        for office in data.get("offices", ()):
            if office.is_town_office:
                return 0
            kinds = office.kinds.all()
            parts.append(Q(pk__in=Venue.objects.filter(Q(kind__in=kinds) | Q(other_kinds__in=kinds))
                           .values("pk")))
        within = Q(pk__in=[])
        for part in parts:
            within |= part
        return venues.exclude(within).count()

    def signature(self):
        """The venue filters as sent, to tell whether the list was previewed as it is now."""
        if not self.data.get("with_venues"):
            return ""
        return "|".join(str(self.data.get(name, "")) for name in VENUE_FILTERS)

    def venues(self):
        """The venues the filters choose, within the person's scope (needs valid filter fields)."""
        data = self.cleaned_data
        venues = venues_for(self.user).filter(status=VenueStatus.APPROVED)
        if data.get("kind"):
            kind = data["kind"]
            of_kind = Venue.objects.filter(Q(kind=kind) | Q(other_kinds=kind)).values("pk")
            venues = venues.filter(pk__in=of_kind)
        if data.get("village"):
            venues = venues.filter(area__path__startswith=data["village"].path)
        if data.get("uses_gas"):
            venues = venues.filter(uses_gas=data["uses_gas"] == "yes")
        if data.get("risk_level"):
            venues = venues.filter(risk_level=data["risk_level"])
        return venues


def set_assignee_choices(form, user):
    """The villages, offices and people ``user`` may give a task to (venues.workflows.tasks)."""
    form.fields["areas"].queryset = tasks.villages_for(user).order_by("path")
    form.fields["offices"].queryset = tasks.offices_for(user).order_by("pk")
    form.fields["people"].queryset = (tasks.people_for(user).order_by("full_name", "pk")
                                      .select_related("staff_profile__office")
                                      .prefetch_related("staff_profile__areas"))


class AddAssigneesForm(forms.Form):
    areas = DispatchForm.base_fields["areas"]
    offices = DispatchForm.base_fields["offices"]
    people = DispatchForm.base_fields["people"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        set_assignee_choices(self, user)

    def clean(self):
        data = super().clean()
        if not (data.get("areas") or data.get("offices") or data.get("people")):
            self.add_error("areas", _("Please choose at least one village, office or person."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for cancelling"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={
                                 "required": gettext_lazy("Please give the reason for cancelling.")})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for withdrawing"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={
                                 "required": gettext_lazy(
                                     "Please give the reason for withdrawing the part.")})


class DueForm(forms.Form):
    due_on = forms.DateField(label=gettext_lazy("new due date"),
                             widget=forms.DateInput(attrs={"type": "date"}),
                             error_messages={"required": gettext_lazy("Please choose the due date.")})
    reason = forms.CharField(label=gettext_lazy("reason for the change"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": gettext_lazy(
                                 "Please give the reason for changing the due date.")})

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return day


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("result"), choices=ProgressStatus.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": gettext_lazy("Please choose the result.")})
    note = forms.CharField(label=gettext_lazy("note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=gettext_lazy("Needed when a problem was found or it could not be done. "
                                                  "No personal numbers, please."))

    def clean(self):
        data = super().clean()
        if data.get("status") and data["status"] != ProgressStatus.DONE and not data.get("note", "").strip():
            self.add_error("note", _("Please say what the problem is, or why it could not be done."))
        return data


class DoneForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("summary of the part"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": gettext_lazy("Please write a short summary of "
                                                                       "what was done.")},
                              help_text=gettext_lazy("What was done, what was found, what is still open."))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason for reopening"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={
                                 "required": gettext_lazy("Please give the reason for reopening.")})

