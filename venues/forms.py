"""Back-office forms for the register's own records: staff accounts, areas, moving venues.
Each form's choices come from venues.access, so nobody can pick an area outside their scope."""

import contextlib
import uuid

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .access import areas_for, kinds_for
from .models import Area, AreaLevel, AuditEntry, Office, PhotoKind, StaffProfile, Venue
from .passwords import STAFF_PASSWORD_HELP, mark_staff
from .roles import LEAD_OFFICE, STAFF_ROLES
from .rules.classification import subtype_choices
from .validators import normalize_credit_code, normalize_id_number, normalize_mobile


def indented(area):
    """An area's name indented by its level, for choices listed in tree order."""
    return "　" * max(0, (area.level - AreaLevel.TOWN) // 10) + area.name


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        return indented(area)


class StaffForm(forms.Form):
    """A staff account as the town office manages it: who, which role, which office, where."""

    username = forms.CharField(
        label=_("username"), max_length=150, validators=[UnicodeUsernameValidator()],
        help_text=_("Used to sign in. Letters, digits and @/./+/-/_ only."),
    )
    full_name = forms.CharField(label=_("full name"), max_length=50)
    mobile = forms.CharField(label=_("mobile number"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("role"))
    office = forms.ModelChoiceField(
        label=_("office"), queryset=Office.objects.all(), required=False,
        help_text=_("Leave empty for village or community staff and grid workers."),
    )
    areas = AreaChoiceField(
        label=_("areas of work"), queryset=Area.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("They see these areas and everything within them."),
    )
    is_active = forms.BooleanField(
        label=_("account enabled"), required=False, initial=True,
        help_text=_("A disabled account cannot sign in; its records are kept."),
    )
    single_session = forms.BooleanField(
        label=StaffProfile._meta.get_field("single_session").verbose_name, required=False,
        help_text=StaffProfile._meta.get_field("single_session").help_text,
    )
    password1 = forms.CharField(label=_("initial password"), widget=forms.PasswordInput, strip=False,
                                help_text=STAFF_PASSWORD_HELP)
    password2 = forms.CharField(
        label=_("initial password again"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, manager, staff_user=None, **kwargs):
        self.manager, self.staff_user = manager, staff_user
        if staff_user is not None:
            profile = staff_user.staff_profile
            group = staff_user.groups.filter(name__in=STAFF_ROLES).first()
            kwargs.setdefault("initial", {}).update(
                username=staff_user.username, full_name=staff_user.full_name,
                mobile=staff_user.mobile or "", role=group.name if group else "",
                office=profile.office, areas=list(profile.areas.all()),
                is_active=staff_user.is_active, single_session=profile.single_session,
            )
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *((name, name) for name in STAFF_ROLES)]
        self.fields["areas"].queryset = areas_for(manager).order_by("path")
        if staff_user is not None:
            del self.fields["password1"], self.fields["password2"]
        else:
            del self.fields["is_active"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        taken = get_user_model().objects.filter(username__iexact=username)
        if self.staff_user is not None:
            taken = taken.exclude(pk=self.staff_user.pk)
        if taken.exists():
            raise ValidationError(_("This username is taken."))
        return username

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if not mobile:
            return None
        mobile = normalize_mobile(mobile)
        taken = get_user_model().objects.filter(mobile=mobile)
        if self.staff_user is not None:
            taken = taken.exclude(pk=self.staff_user.pk)
        if taken.exists():
            raise ValidationError(_("Another account already uses this mobile number."))
        return mobile

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == LEAD_OFFICE and not cleaned.get("office"):
            self.add_error("office", _("Staff of a lead office need their office."))
        if self.staff_user is not None and self.staff_user == self.manager and not cleaned.get("is_active"):
            self.add_error("is_active", _("You cannot disable your own account."))
        if "password1" in self.fields and cleaned.get("password1"):
            if cleaned["password1"] != cleaned.get("password2"):
                self.add_error("password2", _("The two passwords differ."))
            else:
                candidate = mark_staff(get_user_model()(username=cleaned.get("username", ""),
                                                        full_name=cleaned.get("full_name", "")))
                try:
                    password_validation.validate_password(cleaned["password1"], candidate)
                except ValidationError as error:
                    self.add_error("password1", error)
        return cleaned

    @transaction.atomic
    def save(self):
        data = self.cleaned_data
        creating = self.staff_user is None
        user = get_user_model()() if creating else self.staff_user
        user.username, user.full_name, user.mobile = data["username"], data["full_name"], data["mobile"]
        if creating:
            mark_staff(user)  # its profile comes below; the password history needs to know now
            user.set_password(data["password1"])
        else:
            user.is_active = data["is_active"]
        user.save()
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.office = data["office"]
        profile.single_session = data["single_session"]
        profile.save()
        # Areas outside the manager's scope (set by someone with a wider one) are kept.
        kept = profile.areas.exclude(pk__in=areas_for(self.manager).values("pk"))
        profile.areas.set([*kept, *data["areas"]])
        user.groups.remove(*Group.objects.filter(name__in=STAFF_ROLES))
        user.groups.add(Group.objects.get(name=data["role"]))
        AuditEntry.objects.create(
            actor=self.manager, action="staff.create" if creating else "staff.update",
            object_type="user", object_id=str(user.pk),
            detail={"role": data["role"], "office": str(data["office"] or ""),
                    "areas": [area.name for area in profile.areas.all()],
                    "active": user.is_active},
        )
        return user


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(label=_("new password"), widget=forms.PasswordInput, strip=False,
                                help_text=STAFF_PASSWORD_HELP)
    password2 = forms.CharField(label=_("new password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, staff_user, **kwargs):
        self.staff_user = staff_user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned["password1"] != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(cleaned["password1"], self.staff_user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "level", "code"]

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent if parent is not None else (
            self.instance.get_parent() if self.instance.pk else None
        )
        if self.parent is not None:
            self.fields["level"].choices = [
                (value, label) for value, label in AreaLevel.choices if value > self.parent.level
            ]

    def clean_level(self):
        level = self.cleaned_data["level"]
        if self.instance.pk and self.instance.get_children().filter(level__lte=level).exists():
            raise ValidationError(_("An area must be at a higher level than the areas within it."))
        return level

    def clean(self):
        cleaned = super().clean()
        siblings = self.parent.get_children() if self.parent is not None else Area.get_root_nodes()
        if self.instance.pk:
            siblings = siblings.exclude(pk=self.instance.pk)
        if cleaned.get("name") and siblings.filter(name=cleaned["name"]).exists():
            self.add_error("name", _("There is already an area of this name here."))
        return cleaned


class MoveVenueForm(forms.Form):
    area = forms.ModelChoiceField(label=_("new village or grid"), queryset=Area.objects.none())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)

    def __init__(self, *args, user, venue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = (
            areas_for(user).filter(level__gte=AreaLevel.VILLAGE).exclude(pk=venue.area_id).order_by("path")
        )
        self.fields["area"].label_from_instance = indented


class TidiedField(forms.CharField):
    """A code or number people type with spaces, dashes or +86: tidied before the length
    and format checks, so "+86 139-0000-2222" is accepted as 13900002222."""

    def __init__(self, *, normalize, **kwargs):
        self.normalize = normalize
        kwargs["max_length"] = 40
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value:
            with contextlib.suppress(ValidationError):
                value = self.normalize(value)
        return value


def tidied(field_name, normalize):
    field = Venue._meta.get_field(field_name)
    return TidiedField(normalize=normalize, label=field.verbose_name, required=not field.blank,
                       help_text=field.help_text, validators=field.validators)


class CensusForm(forms.ModelForm):
    """A venue recorded by staff (代为登记): the same fields and validators as an owner's
    registration, the areas and kinds limited to the person's scope."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput)
    credit_code = tidied("credit_code", normalize_credit_code)
    operator_mobile = tidied("operator_mobile", normalize_mobile)
    operator_id_number = tidied("operator_id_number", normalize_id_number)
    contact_mobile = tidied("contact_mobile", normalize_mobile)
    owner_mobile = forms.CharField(
        label=_("owner's account (mobile number)"), max_length=20, required=False,
        help_text=_("If the owner already has an account, enter its mobile number. Otherwise leave "
                    "it empty and print a claim code for them afterwards."),
    )

    class Meta:
        model = Venue
        fields = [
            "name", "kind", "other_kinds", "area", "address", "floor_area", "floors", "seats",
            "beds", "staff_count", "dorm_people", "people", "subtype", "licence", "credit_code",
            "no_code_reason", "operator_name", "operator_mobile", "operator_id_number",
            "contact_name", "contact_mobile",
        ]
        widgets = {"other_kinds": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = (
            areas_for(user).filter(level__gte=AreaLevel.VILLAGE).order_by("path")
        )
        self.fields["area"].label_from_instance = indented
        self.fields["kind"].queryset = kinds_for(user)
        self.fields["subtype"].widget = forms.Select(choices=[("", "---------"), *subtype_choices()])
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())

    def clean_owner_mobile(self):
        mobile = self.cleaned_data["owner_mobile"]
        if not mobile:
            return None
        mobile = normalize_mobile(mobile)
        owner = get_user_model().objects.filter(mobile=mobile, staff_profile__isnull=True).first()
        if owner is None:
            raise ValidationError(_("No owner account uses this mobile number. Leave it empty and "
                                    "print a claim code for the owner instead."))
        return owner

    def clean_credit_code(self):
        code = self.cleaned_data.get("credit_code", "")
        if code and Venue.objects.filter(credit_code=code).exists():
            raise ValidationError(_("A venue with this credit code is already registered."))
        return code

    def clean(self):
        cleaned = super().clean()
        name, address = cleaned.get("name"), cleaned.get("address")
        if name and address and Venue.objects.filter(name=name, address=address).exists():
            self.add_error("name", _("A venue with this name and address is already registered."))
        return cleaned

    def _post_clean(self):
        self.instance.submission_id = self.cleaned_data.get("submission_id")
        super()._post_clean()


class OnePhotoMixin:
    """For a form whose "file" field takes one photo: several files sent under that name (only
    a crafted request can do it) are refused, rather than one of them kept silently."""

    def clean_file(self):
        if len(self.files.getlist("file")) > 1:
            raise ValidationError(_("Please upload one photo at a time."), code="several_files")
        return self.cleaned_data["file"]


class PhotoForm(OnePhotoMixin, forms.Form):
    kind = forms.ChoiceField(label=_("what it shows"), choices=PhotoKind.choices)
    file = forms.FileField(
        label=_("photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )


class OwnerHelpForm(forms.Form):
    """Staff help an owner who lost their phone or password, after checking who they are."""

    mobile = forms.CharField(label=_("new mobile number"), max_length=20, required=False)
    password1 = forms.CharField(label=_("new password"), widget=forms.PasswordInput, strip=False,
                                required=False)
    reason = forms.CharField(
        label=_("how you checked who they are"), max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: came to the village office with their ID card."),
    )

    def __init__(self, *args, owner, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"]
        if not mobile:
            return ""
        mobile = normalize_mobile(mobile)
        if get_user_model().objects.filter(mobile=mobile).exclude(pk=self.owner.pk).exists():
            raise ValidationError(_("Another account already uses this mobile number."))
        return mobile

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        if password:
            password_validation.validate_password(password, self.owner)
        return password

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("mobile") and not cleaned.get("password1") and not self.errors:
            raise ValidationError(_("Give a new mobile number, a new password, or both."))
        return cleaned

    @transaction.atomic
    def save(self, staff):
        changed = []
        if self.cleaned_data["mobile"]:
            self.owner.mobile = self.cleaned_data["mobile"]
            changed.append("mobile")
        if self.cleaned_data["password1"]:
            self.owner.set_password(self.cleaned_data["password1"])
            changed.append("password")
        self.owner.save()
        AuditEntry.objects.create(
            actor=staff, action="owner.help", object_type="user", object_id=str(self.owner.pk),
            detail={"changed": changed, "reason": self.cleaned_data["reason"]},
        )
        return changed
