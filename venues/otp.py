"""The second factor for the back office: every /admin/ page asks anyone who may use the admin
for a one-time code (an authenticator app, or a backup code) once per session.

django-otp's OTPMiddleware says whether the session has been verified (``user.is_verified()``);
``SecondFactorMiddleware`` below, placed after it, sends an unverified session to the setup
page (no device yet) or the verify page. It looks at the path before any URL is resolved, so
an admin address that does not exist is no way around it. ``OTP_REQUIRED_FOR_ADMIN`` turns it
off for the test settings only; production refuses to start without it (venues.checks)."""

from urllib.parse import urlencode

from django.conf import settings
from django.dispatch import Signal
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

SETUP_URL_NAME = "venues_otp_setup"
VERIFY_URL_NAME = "venues_otp_verify"

# The admin addresses an unverified session may still open: what Wagtail itself serves to
# anonymous visitors (sign-in, password reset, the icon sprite and the JavaScript translation
# catalogue, which carry no data), signing out, and the two pages of the second factor.
EXEMPT_URL_NAMES = frozenset({
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    SETUP_URL_NAME,
    VERIFY_URL_NAME,
})

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"
AUTHENTICATOR_DEVICE_NAME = "authenticator"

# Sent for every second-factor event (sender=None, user, request, event, device), besides
# the audit entry, for anything else that wants to know.
second_factor_event = Signal()

# event → the audit entry's outcome
EVENTS = {"setup": "ok", "verified": "ok", "failed": "failed", "throttled": "refused"}


def record(request, user, event, device=None):
    """An audit entry "second_factor.<event>" (venues.audit), with the kind of device."""
    from . import audit

    kind = type(device).__name__ if device is not None else ""
    audit.record(request, f"second_factor.{event}", None, outcome=EVENTS[event], actor=user,
                 device=kind)
    second_factor_event.send(sender=None, user=user, request=request, event=event, device=kind)


def required():
    return getattr(settings, "OTP_REQUIRED_FOR_ADMIN", True)


def admin_prefix():
    return reverse("wagtailadmin_home")


def needs_second_factor(user):
    """Whoever may use the back office: superusers and holders of wagtailadmin.access_admin."""
    return bool(
        user.is_authenticated and user.is_active
        and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def is_exempt(path, urlconf=None):
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return match.url_name in EXEMPT_URL_NAMES


def safe_next(request, default=None):
    """The page to continue to: a path on this site, never another host."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or admin_prefix()


def with_next(url_name, next_url):
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class SecondFactorMiddleware:
    """After django_otp.middleware.OTPMiddleware: no admin page for an unverified session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    def check(self, request):
        """The redirect an unverified session gets instead of the page, or None."""
        if not required() or not request.path_info.startswith(admin_prefix()):
            return None
        user = request.user
        if not needs_second_factor(user) or user.is_verified():
            return None
        if is_exempt(request.path_info, getattr(request, "urlconf", None)):
            return None
        wanted = request.get_full_path() if request.method == "GET" else admin_prefix()
        target = VERIFY_URL_NAME if user_has_device(user) else SETUP_URL_NAME
        return redirect(with_next(target, wanted))


# Devices -------------------------------------------------------------------------------------

def pending_authenticator(user):
    """The authenticator being set up: unconfirmed until its first code is entered, so
    reloading the setup page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_DEVICE_NAME, confirmed=False)
    return device


def confirm_authenticator(user, device):
    """The first code was right: this becomes the user's only authenticator."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def new_backup_codes(user, count=BACKUP_CODE_COUNT):
    """Replace the user's backup codes with ``count`` new ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def demo_backup_codes(user, count=5):
    """Demo accounts only: the remaining backup codes, new ones when none are left. django-otp
    keeps static codes as they are, so they can be printed by every `make run`."""
    device = StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()
    codes = list(device.token_set.order_by("pk").values_list("token", flat=True)) if device else []
    return codes or new_backup_codes(user, count)


def verifiable_devices(user):
    """Confirmed devices, authenticator apps first, then backup codes."""
    devices = list(devices_for_user(user, confirmed=True))
    return sorted(devices, key=lambda device: isinstance(device, StaticDevice))
