"""Password rules, as one Django password validator so that every form that calls
validate_password(password, user) applies them: staff (anyone who works in the back office)
need a long, mixed password that is not one of their last few and that they change
periodically; owners need a length (Django's common-password and numeric validators apply
to everyone beside this one).

The validator's password_changed() hook, which Django calls whenever a user is saved after
set_password(), is the one place that reacts to a new password: it stamps
User.password_changed_at, keeps the staff password history, clears sign-in lockouts of the
account and writes the audit entry."""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STAFF = "staff"
OWNER = "owner"


# The staff rule in words, for the back office's password fields.
STAFF_PASSWORD_HELP = gettext_lazy(
    "At least 10 characters, with three of: lower-case letters, upper-case letters, digits, symbols."
)


def mark_staff(user):
    """Says that ``user`` is a staff account before its StaffProfile exists (StaffForm)."""
    user.password_rules = STAFF
    return user


def is_staff_account(user):
    """Staff rules for anyone with a staff profile or access to the back office. A user that
    is not saved yet is being created in the back office (StaffForm, Wagtail's user form);
    owners sign up before their account exists, so their forms validate with no user."""
    if user is None:
        return False
    marked = getattr(user, "password_rules", None)
    if marked:
        return marked == STAFF
    if user.pk is None:
        return True
    if user.is_superuser or user.is_staff or hasattr(user, "staff_profile"):
        return True
    return user.has_perm("wagtailadmin.access_admin")


def max_age():
    return datetime.timedelta(days=getattr(settings, "STAFF_PASSWORD_MAX_AGE_DAYS", 90))


def password_expired(user):
    """A staff password older than STAFF_PASSWORD_MAX_AGE_DAYS must be changed. An account
    whose change was never recorded counts from when it was created."""
    if not user.is_authenticated or not user.has_usable_password() or not is_staff_account(user):
        return False
    changed = user.password_changed_at or user.date_joined
    return changed < timezone.now() - max_age()


def character_kinds(password):
    return sum([
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ])


class AccountPasswordValidator:
    def __init__(self, staff_min_length=10, staff_kinds=3, history=5, owner_min_length=8):
        self.staff_min_length, self.staff_kinds = staff_min_length, staff_kinds
        self.history, self.owner_min_length = history, owner_min_length

    def validate(self, password, user=None):
        if not is_staff_account(user):
            if len(password) < self.owner_min_length:
                raise ValidationError(
                    _("The password needs at least %(min_length)d characters.")
                    % {"min_length": self.owner_min_length}, code="password_too_short")
            return
        errors = []
        if len(password) < self.staff_min_length:
            errors.append(ValidationError(
                _("A staff password needs at least %(min_length)d characters.")
                % {"min_length": self.staff_min_length}, code="password_too_short"))
        if character_kinds(password) < self.staff_kinds:
            errors.append(ValidationError(
                _("Use at least three of these in the password: lower-case letters, upper-case "
                  "letters, digits and symbols."), code="password_too_simple"))
        if any(check_password(password, encoded) for encoded in self.recent_hashes(user)):
            errors.append(ValidationError(
                _("This is one of your last %(count)d passwords. Choose a new one.")
                % {"count": self.history}, code="password_reused"))
        if errors:
            raise ValidationError(errors)

    def recent_hashes(self, user):
        """The current password and the ones before it, ``history`` in all."""
        recent = []
        if user.pk:
            recent = list(user.password_history.values_list("password", flat=True)[: self.history])
        if user.password and user.password not in recent:
            recent = [user.password, *recent][: self.history]
        return recent

    def password_changed(self, password, user):
        from axes.utils import reset as reset_lockouts

        from . import audit
        from .models import PasswordHistory

        now = timezone.now()
        type(user).objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now
        if is_staff_account(user):
            PasswordHistory.objects.create(user=user, password=user.password)
            kept = user.password_history.values_list("pk", flat=True)[: self.history]
            user.password_history.exclude(pk__in=list(kept)).delete()
        # A new password, set through the text-message code or by staff, lifts a lockout.
        for name in {user.get_username(), user.mobile} - {None, ""}:
            reset_lockouts(username=name)
        audit.record(None, "password.change", user)

    def get_help_text(self):
        return _("Staff: at least %(staff)d characters with three of lower case, upper case, digits "
                 "and symbols, not one of the last %(history)d; owners: at least %(owner)d characters.") % {
            "staff": self.staff_min_length, "history": self.history, "owner": self.owner_min_length}

