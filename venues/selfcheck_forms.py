"""The form for one group of a self-check's items, shared by the owner's self-check page
(home.selfcheck) and the assisted self-check in the back office. Each item has an answer
(是/否/不涉及 where allowed), a note and, for a major item, an interim measure when it is not
in order, and a photo taken with the phone's camera. Whether the required photos are there is
checked by venues.workflows.selfchecks.problems on submitting (photos are stored as they
arrive, so they are never lost to another field's error).

``decorate(form)`` ties every input to its error message for both sides' templates."""

from dataclasses import dataclass

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail.images import get_image_model

from .models import Answer, Severity
from .workflows.selfchecks import NEEDS_INTERIM, NEEDS_NOTE


def decorate(form, bootstrap=True):
    """Every input tied to its error (the templates give the message the id
    ``<auto_id>-error``), so a screen reader reads them with the field, and marked invalid;
    with ``bootstrap``, Bootstrap's classes for the owner's pages. Radio buttons are
    described by their fieldset (in the templates)."""
    for name, form_field in form.fields.items():
        widget = form_field.widget
        if bootstrap:
            checkable = isinstance(widget, forms.RadioSelect | forms.CheckboxInput)
            widget.attrs["class"] = "form-check-input" if checkable else "form-control"
        if form.is_bound and form[name].errors:
            widget.attrs["aria-invalid"] = "true"
            if not isinstance(widget, forms.RadioSelect):
                widget.attrs["aria-describedby"] = f"{form[name].auto_id}-error"
    return form


def same_name(typed, on_record):
    """Whether a name typed to confirm is the name on record (spaces and case aside)."""
    def plain(name):
        return "".join((name or "").split()).casefold()

    return plain(typed) == plain(on_record)


class CameraInput(forms.ClearableFileInput):
    """Opens the phone's camera (the album stays available)."""

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


@dataclass
class Row:
    """An item as the template shows it."""

    item: dict
    answer: forms.BoundField
    note: forms.BoundField
    interim: forms.BoundField | None
    photo: forms.BoundField
    photos: list  # EvidencePhoto already stored for the item
    picture: object = None  # the item's guidance picture (a Wagtail image), if any

    @property
    def code(self):
        return self.item["code"]

    @property
    def failed_shown(self):
        """Whether the questions for an item not in order are shown whatever answer is
        chosen in the browser: it was answered "not in order", or one of them has an error.
        Otherwise the stylesheet shows them once "not in order" is ticked."""
        errors = [*self.note.errors, *(self.interim.errors if self.interim else []), *self.photo.errors]
        return self.answer.value() == Answer.NO or bool(errors)

    @property
    def errors(self):
        return [*self.answer.errors, *self.note.errors, *(self.interim.errors if self.interim else []),
                *self.photo.errors]


class GroupForm(forms.Form):
    """The items of one group. ``answers``: {code: SelfCheckAnswer} stored so far;
    ``photos``: {code: [EvidencePhoto]}."""

    def __init__(self, items, answers=None, photos=None, data=None, files=None):
        super().__init__(data=data, files=files)
        self.items, self.stored_photos = items, photos or {}
        answers = answers or {}
        for item in items:
            code, stored = item["code"], answers.get(item["code"])
            choices = [(Answer.YES, _("Yes, in order")), (Answer.NO, _("No, not in order"))]
            if item["allow_not_applicable"]:
                choices.append((Answer.NOT_APPLICABLE, _("Does not apply here")))
            self.fields[f"{code}-answer"] = forms.ChoiceField(
                label=item["question"], choices=choices, widget=forms.RadioSelect,
                initial=stored.answer if stored else None,
                error_messages={"required": _("Please answer this item.")},
            )
            self.fields[f"{code}-note"] = forms.CharField(
                label=_("What is not in order"), required=False, max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}), initial=stored.note if stored else "",
            )
            if item["severity"] == Severity.MAJOR:
                self.fields[f"{code}-interim"] = forms.CharField(
                    label=_("What you do to keep people safe until it is fixed"), required=False,
                    max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                    initial=stored.interim_measure if stored else "",
                )
            self.fields[f"{code}-photo"] = forms.FileField(
                label=_("Photo of what is not in order"), required=False, widget=CameraInput,
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            code = item["code"]
            if cleaned.get(f"{code}-answer") != Answer.NO:
                continue
            if not cleaned.get(f"{code}-note", "").strip():
                self.add_error(f"{code}-note", NEEDS_NOTE)
            if item["severity"] == Severity.MAJOR and not cleaned.get(f"{code}-interim", "").strip():
                self.add_error(f"{code}-interim", NEEDS_INTERIM)
        return cleaned

    def answers(self):
        """What can be kept of the form, valid or not, for save_answers (a draft keeps all
        that was typed; the errors are shown beside the fields)."""
        data = getattr(self, "cleaned_data", {})
        result = {}
        for item in self.items:
            code = item["code"]
            answer = data.get(f"{code}-answer") or self.data.get(f"{code}-answer")
            if answer not in Answer.values:
                continue
            result[code] = {
                "answer": answer,
                "note": str(self.data.get(f"{code}-note", ""))[:500],
                "interim_measure": str(self.data.get(f"{code}-interim", ""))[:500],
            }
        return result

    def uploads(self):
        """{code: uploaded file} for items with a photo chosen."""
        return {item["code"]: self.files[f"{item['code']}-photo"] for item in self.items
                if self.files and self.files.get(f"{item['code']}-photo")}

    def rows(self):
        """The items as the templates show them, with their guidance pictures (one query)."""
        wanted = [item["picture"] for item in self.items if item.get("picture")]
        pictures = get_image_model().objects.in_bulk(wanted) if wanted else {}
        return [
            Row(item=item, answer=self[f"{item['code']}-answer"], note=self[f"{item['code']}-note"],
                interim=self[f"{item['code']}-interim"] if f"{item['code']}-interim" in self.fields else None,
                photo=self[f"{item['code']}-photo"], photos=self.stored_photos.get(item["code"], []),
                picture=pictures.get(item.get("picture")))
            for item in self.items
        ]


class ConfirmForm(forms.Form):
    """The owner's confirmation of an assisted self-check, typed on the staff member's screen.
    A name other than the operator's on record is not refused (a family member may confirm),
    but asked about once: the box ``someone_else`` is then offered and needed."""

    confirmed_by_name = forms.CharField(
        label=_("Owner's name"), max_length=50,
        help_text=_("The owner types their name to confirm the answers are true."),
    )
    confirm = forms.BooleanField(
        label=_("I, the owner, have read the answers above and confirm they are true."),
        error_messages={"required": _("The owner needs to tick this box to confirm.")},
    )
    someone_else = forms.BooleanField(
        label=_("Submit anyway: someone other than the operator on record confirms (for example a "
                "family member)."),
        required=False,
    )

    def __init__(self, *args, operator_name="", **kwargs):
        super().__init__(*args, **kwargs)
        self.operator_name = (operator_name or "").strip()
        if self.operator_name:
            field = self.fields["confirmed_by_name"]
            on_record = _("The operator on record: %(name)s.") % {"name": self.operator_name}
            field.help_text = format_html("{} {}", field.help_text, on_record)  # the name escaped

    @property
    def name_differs(self):
        """Whether the name typed is not the operator's on record (once the form is bound)."""
        typed = (self.data.get("confirmed_by_name") or "").strip() if self.is_bound else ""
        return bool(self.operator_name and typed and not same_name(typed, self.operator_name))

    def clean(self):
        cleaned = super().clean()
        if self.name_differs and not cleaned.get("someone_else"):
            self.add_error("someone_else", _(
                "The name typed is not the name of the operator on record, %(name)s. Check it with the "
                "owner; if someone else confirms, tick this box.") % {"name": self.operator_name})
        return cleaned


class SubmitForm(forms.Form):
    """Submitting a complete self-check (a resend finds it already submitted)."""

    declare = forms.BooleanField(
        label=_("I confirm these answers describe my venue as it is today."),
        error_messages={"required": _("Please tick this box to confirm.")},
    )
