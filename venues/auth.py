from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .validators import normalize_mobile


def owners():
    """The accounts that sign in on the owner site: not staff, not superusers."""
    return get_user_model().objects.filter(staff_profile__isnull=True, is_superuser=False)


class MobileBackend(ModelBackend):
    """Owners sign in with their mobile number and password; staff keep their usernames."""

    def authenticate(self, request, mobile=None, password=None, **kwargs):
        if mobile is None or password is None:
            return None
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            return None
        user = owners().filter(mobile=mobile).first()
        if user is None:
            get_user_model()().set_password(password)  # the same time taken either way
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
