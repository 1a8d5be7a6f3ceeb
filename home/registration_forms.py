"""The forms of an owner's online registration, one per step. Each edits a part of the venue;
the rules that span steps (a licensed venue needs its credit code, and so on) are checked
again on the whole venue when it is submitted (Venue.full_clean)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.forms import OnePhotoMixin, tidied
from venues.models import Area, AreaLevel, LicenceSituation, Venue, VenueKind, VenueStatus
from venues.rules.classification import (
    EDUCATION_BOARDING,
    EDUCATION_NURSERY,
    EDUCATION_SCHOOL,
    FACT_LABELS,
    MEDICAL_ALWAYS,
    MEDICAL_BY_BEDS,
    SUBTYPE_LABELS,
    FactError,
    classify,
)
from venues.validators import normalize_credit_code, normalize_id_number, normalize_mobile

# The facts (form field names) each kind's rule reads: shown for every kind without
# JavaScript, the others hidden by static/js/classify-hint.js once a kind is chosen.
FACT_FIELDS = {
    "floor_area": ["floor_area", "entertainment"],
    "seats": ["seats"],
    "beds": ["beds", "medical", "education"],
    "staff_count": ["production"],
    "dorm_people": ["production"],
    "people": ["education"],
    "subtype": ["medical", "education"],
}
# Fact names in venues.rules.classification → form fields.
FIELD_OF_FACT = {
    "floor_area": "floor_area", "floors": "floors", "seats": "seats", "beds": "beds",
    "staff": "staff_count", "dorm": "dorm_people", "people": "people", "subtype": "subtype",
}


def subtype_groups():
    """The types of medical and education venue, grouped, for one select."""
    def group(values):
        return [(value, SUBTYPE_LABELS[value]()) for value in SUBTYPE_LABELS if value in values]

    return [
        ("", pgettext_lazy("registration", "— choose —")),
        (_("Medical venues"), group(MEDICAL_ALWAYS | MEDICAL_BY_BEDS)),
        (_("Schools and nurseries"), group(EDUCATION_BOARDING | {EDUCATION_SCHOOL, EDUCATION_NURSERY})),
    ]


class KindSelect(forms.Select):
    """The main kind, its value the kind's code (for /owner/classify/) and each option
    carrying the kind's rule, so the page can show the facts that rule needs."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-rule"] = instance.rule
        return option


class GridSelect(forms.Select):
    """Grids grouped by village; each option names its village so the page can offer only
    the chosen village's grids."""

    def __init__(self, *args, village_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.village_of = village_of or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        village = self.village_of.get(str(value))
        if village:
            option["attrs"]["data-village"] = village
        return option


class StepForm(forms.ModelForm):
    """A step of the registration. Only the step's own fields are checked here (with the
    model's validators); the whole venue is checked when it is submitted."""

    def _post_clean(self):
        opts = self._meta
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.clean_fields(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._update_errors(error)

    def decorate(self, notes=None):
        """Bootstrap classes, and every input tied to its error, help and reviewer's note, so
        a screen reader reads them with the field."""
        notes = notes or {}
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            # RadioSelect and CheckboxSelectMultiple are kinds of Select: test them first.
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            bound = self[name]
            described = []
            if bound.errors:
                css += " is-invalid"
                widget.attrs["aria-invalid"] = "true"
                described.append(f"{bound.auto_id}-error")
            if notes.get(name):
                described.append(f"{bound.auto_id}-note")
            if field.help_text:
                described.append(f"{bound.auto_id}-help")
            widget.attrs["class"] = css
            if described and not isinstance(widget, forms.RadioSelect):
                widget.attrs["aria-describedby"] = " ".join(described)
        return self


def _villages():
    return Area.objects.filter(level=AreaLevel.VILLAGE).order_by("path")


class VenueStepForm(StepForm):
    village = forms.ChoiceField(label=_("village or community"))
    grid = forms.ChoiceField(
        label=_("grid"), required=False,
        help_text=_("If you do not know your grid, leave it; your village or community will "
                    "place the venue."),
    )

    class Meta:
        model = Venue
        fields = [
            "name", "kind", "other_kinds", "address", "floors", "floor_area", "seats", "beds",
            "staff_count", "dorm_people", "people", "subtype",
        ]
        widgets = {"other_kinds": forms.CheckboxSelectMultiple}
        help_texts = {
            "name": _("As on the shop sign or the business licence."),
            "address": _("Street and number, or the group (组) and house number in a village."),
            "other_kinds": _("Tick any other kind of business in the same place, for example "
                             "a guesthouse that also serves meals."),
            "floors": _("The floors the venue uses, separated by commas, for example 1,2; "
                        "a basement is -1."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = VenueKind.objects.order_by("sort_order", "pk")
        kind = forms.ModelChoiceField(
            queryset=kinds, to_field_name="slug", label=self.fields["kind"].label,
            widget=KindSelect, empty_label=pgettext_lazy("registration", "— choose —"),
        )
        self.fields["kind"] = kind
        if self.instance.pk and self.instance.kind_id and not self.is_bound:
            self.initial["kind"] = self.instance.kind.slug
        self.fields["other_kinds"].queryset = kinds
        self.fields["other_kinds"].required = False
        self.fields["subtype"].widget = forms.Select(choices=subtype_groups())

        villages = list(_villages())
        towns = {area.pk: area for area in Area.objects.filter(level=AreaLevel.TOWN)}
        by_town = {}
        for village in villages:
            parent_path = village.path[: -Area.steplen]
            town = next((t for t in towns.values() if t.path == parent_path), None)
            by_town.setdefault(town.name if town else "", []).append((str(village.pk), village.name))
        village_choices = [("", pgettext_lazy("registration", "— choose —"))]
        for town_name, options in by_town.items():
            if town_name and len(by_town) > 1:
                village_choices.append((town_name, options))
            else:
                village_choices.extend(options)
        self.fields["village"].choices = village_choices
        self.villages = {str(v.pk): v for v in villages}

        grids = list(Area.objects.filter(level=AreaLevel.GRID).order_by("path"))
        self.grids = {}
        grid_choices = [("", _("I do not know the grid"))]
        village_of = {}
        for village in villages:
            options = [(str(g.pk), g.name) for g in grids if g.path.startswith(village.path)]
            for grid in grids:
                if grid.path.startswith(village.path):
                    self.grids[str(grid.pk)] = grid
                    village_of[str(grid.pk)] = str(village.pk)
            if options:
                grid_choices.append((village.name, options))
        self.fields["grid"].choices = grid_choices
        self.fields["grid"].widget = GridSelect(choices=grid_choices, village_of=village_of)

        area = self.instance.area if self.instance.area_id else None
        if area is not None and not self.is_bound:
            if area.level == AreaLevel.GRID:
                self.initial["grid"] = str(area.pk)
                self.initial["village"] = village_of.get(str(area.pk), "")
            else:
                self.initial["village"] = str(area.pk)

    def clean(self):
        cleaned = super().clean()
        village = self.villages.get(cleaned.get("village") or "")
        if village is None and "village" not in self.errors:
            self.add_error("village", _("Please choose the village or community."))
        grid = self.grids.get(cleaned.get("grid") or "")
        if village is not None:
            if grid is not None and not grid.path.startswith(village.path):
                self.add_error("grid", _("This grid is not in the village or community chosen."))
            else:
                self.instance.area = grid or village
        kind = cleaned.get("kind")
        if kind is not None:
            self._check_facts(kind, cleaned)
            if cleaned.get("other_kinds") is not None:
                cleaned["other_kinds"] = cleaned["other_kinds"].exclude(pk=kind.pk)
        return cleaned

    def _check_facts(self, kind, cleaned):
        """The facts the kind's rule needs must be there: the classification's own message,
        beside the field it concerns."""
        from venues.rules.classification import parse_facts

        try:
            floors = parse_facts({"floors": cleaned.get("floors") or ""}).get("floors")
        except FactError as error:
            if "floors" not in self.errors:
                self.add_error("floors", str(error))
            return
        facts = {
            "floor_area": cleaned.get("floor_area"), "floors": floors, "seats": cleaned.get("seats"),
            "beds": cleaned.get("beds"), "staff": cleaned.get("staff_count"),
            "dorm": cleaned.get("dorm_people"), "people": cleaned.get("people"),
            "subtype": cleaned.get("subtype") or None,
        }
        try:
            classify(kind.as_rule(), facts)
        except FactError as error:
            message = str(error)
            field = next(
                (FIELD_OF_FACT[fact] for fact, label in FACT_LABELS.items()
                 if message == str(_("Please give %(fact)s.") % {"fact": label()})),
                "subtype",
            )
            if field not in self.errors:
                self.add_error(field, message)


class LicenceStepForm(StepForm):
    credit_code = tidied("credit_code", normalize_credit_code)

    class Meta:
        model = Venue
        fields = ["licence", "credit_code", "no_code_reason"]
        widgets = {"licence": forms.RadioSelect}
        help_texts = {
            "credit_code": _("18 characters, printed on the business licence."),
            "no_code_reason": _("For example: not yet applied for a business licence."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence"].choices = LicenceSituation.choices
        self.fields["credit_code"].required = False

    def clean_credit_code(self):
        code = self.cleaned_data.get("credit_code", "")
        if code:
            taken = Venue.objects.filter(credit_code=code).exclude(status=VenueStatus.DRAFT)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError(_(
                    "A venue with this credit code is already registered. If it is yours, ask your "
                    "village or community for its claim code instead of registering it again."
                ))
        return code

    def clean(self):
        cleaned = super().clean()
        licence = cleaned.get("licence")
        if licence == LicenceSituation.LICENSED:
            if not cleaned.get("credit_code") and "credit_code" not in self.errors:
                self.add_error("credit_code", _("A licensed venue needs its unified social credit code."))
            cleaned["no_code_reason"] = ""
        elif licence and not cleaned.get("credit_code") and not cleaned.get("no_code_reason"):
            self.add_error("no_code_reason", _("Please say why the venue has no credit code."))
        return cleaned


class PeopleStepForm(StepForm):
    operator_mobile = tidied("operator_mobile", normalize_mobile)
    operator_id_number = tidied("operator_id_number", normalize_id_number)
    contact_mobile = tidied("contact_mobile", normalize_mobile)

    class Meta:
        model = Venue
        fields = ["operator_name", "operator_mobile", "operator_id_number", "contact_name", "contact_mobile"]
        help_texts = {
            "operator_name": _("The person who runs the venue, as on the licence if there is one."),
            "operator_id_number": _("Needed only because the venue has no business licence; staff "
                                    "see it masked."),
            "contact_name": _("Someone staff can reach when the operator cannot be reached. Leave "
                              "empty if it is the operator."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.licence == LicenceSituation.LICENSED:
            del self.fields["operator_id_number"]
        else:
            self.fields["operator_id_number"].required = True
        # Phones offer the number pad for numbers; names and numbers may come from the address book.
        for name in ("operator_mobile", "contact_mobile"):
            self.fields[name].widget.input_type = "tel"
            self.fields[name].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["operator_name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        name, mobile = cleaned.get("contact_name"), cleaned.get("contact_mobile")
        if name and not mobile and "contact_mobile" not in self.errors:
            self.add_error("contact_mobile", _("Please give the contact person's mobile number."))
        if mobile and not name:
            self.add_error("contact_name", _("Please give the contact person's name."))
        return cleaned


class PhotoUploadForm(OnePhotoMixin, forms.Form):
    file = forms.FileField(
        label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        error_messages={"required": _("Please choose or take a photo first.")},
    )


class DeclareForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("I declare that what I have entered is true and complete."),
        error_messages={"required": _("Please confirm the declaration.")},
    )
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )
    safety_notice = forms.BooleanField(
        label=_("I have read the safety notice of my venue's kind and will keep to it."),
        error_messages={"required": _("Please read the safety notice and confirm it.")},
    )

    def __init__(self, *args, safety_notices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not safety_notices:  # no notice published for the venue's kinds yet
            del self.fields["safety_notice"]


class StartForm(VenueStepForm):
    """The first step of a new registration, which creates the draft. The submission id made
    when the form is shown finds the draft again when the form arrives twice."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())
