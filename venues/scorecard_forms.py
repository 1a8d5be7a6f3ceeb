"""The forms of 考核激励: the scorecard's weights (the town office) and a village's census count
(its staff, or the town office)."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ScoreWeights, VillageCensus
from .scorecards import LABELS, MEASURES

WEIGHT_HELP = {
    "coverage": _("Approved venues against the village's census count. Lead offices have no such rate."),
    "selfchecks_on_time": _("Self-checks due in the month that were done by their due date."),
    "hazards_not_overdue": _("Hazards still open at the month's end that are within their deadline."),
    "rectified_in_time": _("Hazards due in the month that were fixed by their deadline and verified."),
    "major_in_time": _("Major hazards due in the month that were fixed by their deadline and verified."),
}


class WeightsForm(forms.ModelForm):
    """Five whole numbers from 0 to 100. That at least one is above zero is the model's rule
    (ScoreWeights.clean), shown at the top of the form."""

    class Meta:
        model = ScoreWeights
        fields = MEASURES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in MEASURES:
            field = self.fields[name]
            field.label, field.help_text = LABELS[name], WEIGHT_HELP[name]
            field.min_value, field.max_value = 0, 100
            field.validators = [MinValueValidator(0), MaxValueValidator(100)]
            field.widget.attrs.update(min=0, max=100, inputmode="numeric")
            field.error_messages = {
                "required": _("Enter a weight from 0 to 100."),
                "invalid": _("Enter a whole number from 0 to 100."),
                "min_value": _("Enter a weight from 0 to 100."),
                "max_value": _("Enter a weight from 0 to 100."),
            }


class CensusForm(forms.ModelForm):
    """A village's census count: not below the approved venues already registered there (the
    census cannot have counted fewer than exist), at most MAX_EXPECTED, dated today or before."""

    MAX_EXPECTED = 100000

    class Meta:
        model = VillageCensus
        fields = ["expected", "counted_on", "note"]
        widgets = {"counted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, approved=0, village=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.approved, self.village = approved, village
        field = self.fields["expected"]
        field.help_text = _(
            "How many small venues the village's own census counted: registration coverage is the "
            "approved venues against this number.")
        field.max_value = self.MAX_EXPECTED
        field.widget.attrs.update(min=approved, max=self.MAX_EXPECTED, inputmode="numeric")
        self.fields["counted_on"].widget.attrs.update(max=timezone.localdate().isoformat())

    def clean_expected(self):
        expected = self.cleaned_data["expected"]
        if expected is not None and expected < self.approved:
            raise forms.ValidationError(
                _("%(village)s already has %(count)s approved venues registered: the census count "
                  "cannot be lower.") % {"village": self.village.name if self.village else "",
                                         "count": self.approved})
        if expected is not None and expected > self.MAX_EXPECTED:
            raise forms.ValidationError(_("Enter a number of at most %(max)s.") % {"max": self.MAX_EXPECTED})
        return expected

    def clean_counted_on(self):
        counted_on = self.cleaned_data["counted_on"]
        if counted_on is not None and counted_on > timezone.localdate():
            raise forms.ValidationError(_("The census date cannot be in the future."))
        return counted_on
