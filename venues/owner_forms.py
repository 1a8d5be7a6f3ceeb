"""Forms of the owner site: sign-up, sign-in, password reset, mobile change, claims."""

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .auth import owners
from .validators import normalize_mobile

MOBILE_ATTRS = {"inputmode": "tel", "autocomplete": "tel"}
CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}


class MobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs=MOBILE_ATTRS))
        super().__init__(**kwargs)

    def clean(self, value):
        return normalize_mobile(super().clean(value))


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits, and not a common password."),
    )
    password2 = forms.CharField(
        label=_("password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def password_user(self):
        return None

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.password_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class CodeMixin(forms.Form):
    code = forms.CharField(label=_("verification code"), max_length=6,
                           widget=forms.TextInput(attrs=CODE_ATTRS),
                           help_text=_("The 6 digits in the text message we sent."))


class SignUpStartForm(forms.Form):
    mobile = MobileField()

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if owners().filter(mobile=mobile).exists():
            raise ValidationError(_("This number already has an account. Sign in, or reset the password "
                                    "if you have forgotten it."))
        return mobile


class SignUpForm(CodeMixin, NewPasswordMixin):
    full_name = forms.CharField(label=_("your name"), max_length=50,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    field_order = ["code", "full_name", "password1", "password2"]


class LoginForm(forms.Form):
    mobile = MobileField()
    password = forms.CharField(label=_("password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, request=None, **kwargs):
        self.request, self.user = request, None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mobile") and cleaned.get("password"):
            self.user = authenticate(self.request, mobile=cleaned["mobile"], password=cleaned["password"])
            if self.user is None:
                raise ValidationError(_("The mobile number or the password is not right."))
        return cleaned


class MobileOnlyForm(forms.Form):
    mobile = MobileField()


class ResetForm(CodeMixin, NewPasswordMixin):
    field_order = ["code", "password1", "password2"]

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self):
        return self.user


class ChangeMobileForm(forms.Form):
    mobile = MobileField(label=_("new mobile number"))
    password = forms.CharField(label=_("your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if mobile == self.user.mobile:
            raise ValidationError(_("This is already your number."))
        if get_user_model().objects.filter(mobile=mobile).exists():
            raise ValidationError(_("Another account already uses this mobile number."))
        return mobile

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not right."))
        return password


class ClaimForm(forms.Form):
    code = forms.CharField(label=_("claim code"), max_length=20,
                           help_text=_("The code on the slip the staff of your village gave you."),
                           widget=forms.TextInput(attrs={"autocomplete": "off",
                                                         "autocapitalize": "characters"}))


class CorrectionForm(forms.Form):
    """A request to correct data we hold: about the account or one of the owner's venues."""

    ACCOUNT = "account"

    subject = forms.ChoiceField(label=_("what it is about"))
    what = forms.CharField(
        label=_("what is wrong and what it should be"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example: the operator's mobile number should be 139…; the address is "
                    "No. 12, not No. 21."),
        error_messages={"required": _("Please tell us what is wrong and what it should be.")},
    )
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {str(venue.pk): venue for venue in venues}
        self.fields["subject"].choices = [
            (self.ACCOUNT, _("my account (name, mobile number)")),
            *[(key, venue.name) for key, venue in self.venues.items()],
        ]
        if not self.is_bound:
            import uuid

            self.initial.setdefault("submission_id", uuid.uuid4())

    def venue(self):
        return self.venues.get(self.cleaned_data["subject"])


class ReportForm(forms.ModelForm):
    """An owner's report (venues.workflows.reports): the venue, and what its kind needs."""

    # The fields each kind of report asks for, and those it requires.
    FIELDS = {
        "operator": (["new_operator_name", "new_operator_mobile", "starts_on", "details"],
                     {"new_operator_name", "new_operator_mobile"}),
        "business": (["new_kind", "replaces_kind", "details"], {"details"}),
        "closing": (["starts_on", "details"], {"starts_on"}),
        "reopening": (["starts_on", "details"], {"starts_on"}),
        "works": (["work_type", "details", "starts_on", "ends_on", "measures"],
                  {"work_type", "details", "starts_on", "ends_on", "measures"}),
        "guidance": (["details"], {"details"}),
    }
    LABELS = {
        "operator": {"starts_on": _("the new operator takes over on"),
                     "details": _("anything else staff should know")},
        "business": {"new_kind": _("a new kind of business"),
                     "details": _("what changes in the business")},
        "closing": {"starts_on": _("closed from"), "details": _("why, and whether it will reopen")},
        "reopening": {"starts_on": _("open again from"), "details": _("anything else staff should know")},
        "works": {"details": _("what work, and where in the venue"), "starts_on": _("work starts on"),
                  "ends_on": _("work ends on")},
        "guidance": {"details": _("what you would like help with, and when suits you")},
    }
    HELP = {
        "measures": _("For example: fire extinguishers at hand, flammable goods moved away, a person "
                      "watching the hot work, a certified welder, checking for embers afterwards."),
        "new_kind": _("Leave empty if the kind stays the same."),
    }
    # The report's facts as the owner and staff read them, in this order.
    SHOWN = ["new_operator_name", "new_kind", "replaces_kind", "work_type", "starts_on", "ends_on", "details",
             "measures"]

    venue = forms.ChoiceField(label=_("venue"))
    replaces_kind = forms.TypedChoiceField(
        label=_("how the new kind relates to the current one"), widget=forms.RadioSelect,
        coerce=lambda value: value == "1", initial="0",
        choices=[("0", _("is added to what the venue does now")),
                 ("1", _("replaces what the venue does now"))],
    )
    new_operator_mobile = forms.CharField(label=_("new operator's mobile"), max_length=20,
                                          widget=forms.TextInput(attrs=MOBILE_ATTRS))
    submission_id = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        from .models import OwnerReport

        model = OwnerReport
        fields = ["new_operator_name", "new_operator_mobile", "new_kind", "work_type", "starts_on",
                  "ends_on", "measures", "details"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "details": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.Textarea(attrs={"rows": 4}),
            "work_type": forms.RadioSelect,
        }

    def __init__(self, *args, kind, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        shown, required = self.FIELDS[kind]
        for name in list(self.fields):
            if name not in (*shown, "venue", "submission_id"):
                del self.fields[name]
        for name in shown:
            self.fields[name].required = name in required
            if name in self.LABELS[kind]:
                self.fields[name].label = self.LABELS[kind][name]
            if name in self.HELP:
                self.fields[name].help_text = self.HELP[name]
        if "work_type" in self.fields:
            self.fields["work_type"].choices = [c for c in self.fields["work_type"].choices if c[0]]
        self.venues = {str(venue.pk): venue for venue in venues}
        self.fields["venue"].choices = [(key, venue.name) for key, venue in self.venues.items()]
        if len(self.venues) == 1:
            self.initial.setdefault("venue", next(iter(self.venues)))
        else:  # nothing chosen for them: a report about the wrong venue is easily sent
            self.fields["venue"].choices.insert(0, ("", _("Choose the venue")))
        self.order_fields(["venue", *shown])
        if not self.is_bound:
            import uuid

            self.initial.setdefault("submission_id", uuid.uuid4())

    def clean_new_operator_mobile(self):
        value = self.cleaned_data.get("new_operator_mobile", "")
        return normalize_mobile(value) if value else value

    def clean(self):
        from datetime import timedelta

        from django.utils import timezone

        cleaned = super().clean()
        today = timezone.localdate()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if self.kind == "works":
            if starts and starts < today:
                self.add_error("starts_on", _("Works are reported before they start: the date cannot be in "
                                              "the past."))
            if starts and ends and ends < starts:
                self.add_error("ends_on", _("The end cannot be before the start."))
            elif starts and ends and ends > starts + timedelta(days=366):
                self.add_error("ends_on", _("Works of more than a year: please report them in parts."))
        elif starts and abs((starts - today).days) > 366:
            self.add_error("starts_on", _("Please give a date within a year of today."))
        venue = self.venues.get(cleaned.get("venue") or "")
        if self.kind == "business" and venue and cleaned.get("new_kind") == venue.kind:
            cleaned["new_kind"] = None
        if self.kind == "business" and cleaned.get("replaces_kind") and not cleaned.get("new_kind"):
            self.add_error("new_kind", _("Choose the kind that replaces what the venue does now."))
        return cleaned

    def report_data(self):
        """The report's own fields, for venues.workflows.reports.file."""
        return {name: self.cleaned_data[name] for name in self.FIELDS[self.kind][0]
                if self.cleaned_data.get(name) not in (None, "")}

    def chosen_venue(self):
        return self.venues[self.cleaned_data["venue"]]

    @classmethod
    def facts(cls, report):
        """[(label, value)] of what ``report`` states, labelled as its form asked for it."""
        shown, _required = cls.FIELDS[report.kind]
        labels = cls.LABELS[report.kind]
        rows = []
        for name in cls.SHOWN:
            value = getattr(report, name)
            if name not in shown or value in (None, ""):
                continue
            if name == "replaces_kind":
                if not report.new_kind_id:
                    continue
                value = dict(cls.base_fields["replaces_kind"].choices)["1" if value else "0"]
            elif name == "work_type":
                value = report.get_work_type_display()
            elif name == "new_kind":
                value = value.name
            elif hasattr(value, "strftime"):
                value = f"{value:%Y-%m-%d}"
            field = cls.base_fields.get(name) or report._meta.get_field(name)
            label = labels.get(name) or getattr(field, "label", None) or field.verbose_name
            rows.append((label, value))
        return rows
