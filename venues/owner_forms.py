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
