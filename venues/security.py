"""Sign-in and session controls (等保 level 2): the lockout after repeated failures
(django-axes), the lifetime of a session, one session at a time for the staff accounts the
town limits, a staff password past its age sending its owner to change it, and the audit
entries of these events. The signal receivers are connected in VenuesConfig.ready()."""

import math
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out

from . import audit
from .masking import mask_mobile
from .passwords import password_expired
from .validators import normalize_mobile

SIGNED_IN_AT = "signed_in_at"  # session key: when the person signed in (seconds since the epoch)
SIGN_IN_ID = "sign_in_id"  # session key: which sign-in this session is, for one-session accounts


# The lockout (django-axes) --------------------------------------------------------------------

def _mobile(value):
    try:
        return normalize_mobile(value)
    except ValidationError:
        return value


def axes_username(request, credentials):
    """The account a sign-in attempt is for: owners sign in with their mobile number (which
    axes would not see as a username), staff with their username."""
    credentials = credentials or {}
    data = getattr(request, "POST", {})
    mobile = credentials.get("mobile") or data.get("mobile")
    if mobile:
        return _mobile(mobile)
    return credentials.get("username") or data.get("username")


def lockout_remaining(request):
    """How long the lockout of this account from this address still lasts."""
    cool_off = get_cool_off(request)
    username = get_client_username(request, getattr(request, "axes_credentials", None))
    attempts = AccessAttempt.objects.filter(username=username,
                                            ip_address=getattr(request, "axes_ip_address", None))
    last = attempts.aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return cool_off
    return max(last + cool_off - timezone.now(), timezone.timedelta(0))


def lockout_message(request):
    minutes = max(1, math.ceil(lockout_remaining(request).total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins. Please try again in %(minutes)d minute.",
        "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page itself (the owner's or Wagtail's), with the
    lockout message in place of the form's errors, answered 429."""
    message = lockout_message(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if form is None:
        return TemplateResponse(request, "owner/locked_out.html", {"title": _("Sign in"), "message": message},
                                status=settings.AXES_HTTP_RESPONSE_CODE).render()
    form.errors.clear()
    form.add_error(None, message)
    return TemplateResponse(request, original_response.template_name, context,
                            status=settings.AXES_HTTP_RESPONSE_CODE).render()


# Audit entries of sign-in events ------------------------------------------------------------

def _masked(name):
    """A mobile number typed as a user name is masked like every other one."""
    name = name or ""
    return mask_mobile(name) if name.isdigit() else name


def on_login_failed(sender, credentials, request=None, **kwargs):
    name = credentials.get("mobile") or credentials.get("username")
    audit.record(request, "login", None, outcome="failed", username=_masked(name))


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit.record(request, "login.lockout", None, outcome="refused", username=_masked(username))


def on_logged_out(sender, request, user, **kwargs):
    if user is not None and request is not None:
        reason = getattr(request, "session_ended", "")
        audit.record(request, f"session.{reason}" if reason else "logout", user, actor=user)


def on_logged_in(sender, request, user, **kwargs):
    """Remembers when the session began and, for an account limited to one session at a
    time, which sign-in is the current one: the session of an earlier one ends on its next
    request (SessionPolicyMiddleware). A sign-in id rather than the session key, because the
    key changes within a session (a password change, Wagtail's account settings)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SIGNED_IN_AT] = int(time.time())
    profile = getattr(user, "staff_profile", None)
    sign_in_id = secrets.token_hex(16) if profile is not None and profile.single_session else ""
    request.session[SIGN_IN_ID] = sign_in_id
    if user.current_session_key != sign_in_id:
        user.current_session_key = sign_in_id
        type(user).objects.filter(pk=user.pk).update(current_session_key=sign_in_id)
    audit.record(request, "login", user, actor=user)


def connect():
    user_login_failed.connect(on_login_failed, dispatch_uid="venues.security.failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="venues.security.locked_out")
    user_logged_out.connect(on_logged_out, dispatch_uid="venues.security.logged_out")
    user_logged_in.connect(on_logged_in, dispatch_uid="venues.security.logged_in")


# Sessions --------------------------------------------------------------------------------------

def session_end_reason(request):
    """Why the signed-in session of this request must end now, or ""."""
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT)
    if signed_in_at is None or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
        return "expired"
    current = request.user.current_session_key
    if current and session.get(SIGN_IN_ID) != current:
        return "replaced"
    return ""


# When the session was last saved (seconds since the epoch): see keep_alive.
SESSION_SAVED_AT = "_saved_at"


def keep_alive(request):
    """The idle timeout (SESSION_COOKIE_AGE) moves on with activity: a session in use is saved,
    with a new expiry and cookie, once SESSION_REFRESH_SECONDS have passed since it was last
    saved, rather than on every request, so that reading a page writes nothing most of the time.
    A session therefore ends between SESSION_COOKIE_AGE minus SESSION_REFRESH_SECONDS and
    SESSION_COOKIE_AGE after its last request."""
    session = request.session
    if not session.keys():  # nothing kept (without a cookie, nothing is read from the store)
        return
    now = int(time.time())
    if now - session.get(SESSION_SAVED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
        session[SESSION_SAVED_AT] = now


class SessionPolicyMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_AGE) after its sign-in whatever the activity, and
    a one-session account's older session once it has signed in again; keeps a session in use
    alive for the idle timeout (keep_alive). Must come after the authentication and message
    middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        keep_alive(request)
        if request.user.is_authenticated:
            reason = session_end_reason(request)
            if reason:
                request.session_ended = reason
                logout(request)
                if reason == "replaced":
                    messages.warning(request, _("You were signed out because this account signed in "
                                                "somewhere else."))
                else:
                    messages.info(request, _("Your session has ended. Please sign in again."))
        return self.get_response(request)


# The staff password's age ----------------------------------------------------------------------

# What a staff member whose password is too old may still open in the back office.
PASSWORD_CHANGE_URL_NAMES = {
    "wagtailadmin_account", "wagtailadmin_logout", "wagtailadmin_login",
    "wagtailadmin_javascript_catalog", "wagtailadmin_sprite",
}


def _awaiting_second_factor(user):
    """The second factor comes first (venues.otp); its pages must not be sent here."""
    is_verified = getattr(user, "is_verified", None)
    return getattr(settings, "OTP_REQUIRED_FOR_ADMIN", False) and callable(is_verified) and not is_verified()


class StaffPasswordAgeMiddleware:
    """Every back-office page sends a member of staff whose password is older than
    STAFF_PASSWORD_MAX_AGE_DAYS to Wagtail's account page, where they change it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("wagtailadmin_home")) and self.must_change(request):
            messages.warning(request, _("Your password is more than %(days)d days old. Please set a new one "
                                        "under Password before you go on.")
                             % {"days": settings.STAFF_PASSWORD_MAX_AGE_DAYS})
            return redirect("wagtailadmin_account")
        return self.get_response(request)

    def must_change(self, request):
        user = request.user
        if not user.is_authenticated or _awaiting_second_factor(user) or not password_expired(user):
            return False
        try:
            return resolve(request.path_info).url_name not in PASSWORD_CHANGE_URL_NAMES
        except Resolver404:
            return True
