"""The form for one group of a self-check's items, shared by the owner's self-check page
(home.selfcheck) and the assisted self-check in the back office. Each item has an answer
(是/否/不涉及 where allowed), a note and, for a major item, an interim measure when it is not
in order, and a photo taken with the phone's camera. Whether the required photos are there is
checked by venues.workflows.selfchecks.problems on submitting (photos are stored as they
arrive, so they are never lost to another field's error)."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer, Severity
from .workflows.selfchecks import NEEDS_INTERIM, NEEDS_NOTE


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

    @property
    def code(self):
        return self.item["code"]

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
        return [
            Row(item=item, answer=self[f"{item['code']}-answer"], note=self[f"{item['code']}-note"],
                interim=self[f"{item['code']}-interim"] if f"{item['code']}-interim" in self.fields else None,
                photo=self[f"{item['code']}-photo"], photos=self.stored_photos.get(item["code"], []))
            for item in self.items
        ]


class ConfirmForm(forms.Form):
    """The owner's confirmation of an assisted self-check, typed on the staff member's screen."""

    confirmed_by_name = forms.CharField(
        label=_("Owner's name"), max_length=50,
        help_text=_("The owner types their name to confirm the answers are true."),
    )
    confirm = forms.BooleanField(
        label=_("I, the owner, have read the answers above and confirm they are true."),
        error_messages={"required": _("The owner needs to tick this box to confirm.")},
    )


class SubmitForm(forms.Form):
    """Submitting a complete self-check (a resend finds it already submitted)."""

    declare = forms.BooleanField(
        label=_("I confirm these answers describe my venue as it is today."),
        error_messages={"required": _("Please tick this box to confirm.")},
    )
