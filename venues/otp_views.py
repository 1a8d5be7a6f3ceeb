"""The pages of the second factor (venues.otp): setting up an authenticator app, entering a
code, and the backup codes shown once. Registered under /admin/ by venues.wagtail_hooks, so
Wagtail's own check (signed in, may use the admin) comes first."""

from base64 import b32encode

from django import forms
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

import django_otp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import otp
from .qr import qr_svg

NEW_CODES_SESSION_KEY = "venues_otp_new_backup_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("second factor", "Code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none",
                                      "spellcheck": "false", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


def _throttled_message(locked_until):
    return _("Too many wrong codes. Try again after %(time)s.") % {
        "time": time_format(timezone.localtime(locked_until), "H:i:s")
    }


def _try(device, code):
    """Verify ``code`` on ``device`` under a row lock, so one code cannot be used twice by
    two requests at once. Returns (verified, locked_until)."""
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return None, (info or {}).get("locked_until") or timezone.now()
        return (device if device.verify_token(code) else None), None


def _sign_in_second_factor(request, device):
    """Mark the session as verified, under a new session key: the session now grants more.
    (A one-session account is tracked by a sign-in id, not the key: venues.security.)"""
    request.session.cycle_key()
    django_otp.login(request, device)
    otp.record(request, request.user, "verified", device)


def _form_error(request, form, message, event, device=None):
    form.add_error("code", message)
    otp.record(request, request.user, event, device)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def setup(request):
    """A new authenticator app: the secret as a QR code and as text, then its first code."""
    user = request.user
    next_url = otp.safe_next(request)
    if django_otp.user_has_device(user) and not user.is_verified():
        return redirect(otp.with_next(otp.VERIFY_URL_NAME, next_url))
    device = otp.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, locked_until = _try(device, form.cleaned_data["code"])
        if locked_until:
            _form_error(request, form, _throttled_message(locked_until), "throttled", device)
        elif verified is None:
            _form_error(request, form, _("That code is not right. Enter the 6-digit code the app "
                                         "shows now."), "failed", device)
        else:
            otp.confirm_authenticator(user, verified)
            request.session[NEW_CODES_SESSION_KEY] = otp.new_backup_codes(user)
            _sign_in_second_factor(request, verified)
            otp.record(request, user, "setup", verified)
            return redirect(otp.with_next("venues_otp_backup_codes", next_url))
    secret = b32encode(device.bin_key).decode()
    return render(request, "venues/admin/otp_setup.html", {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device.config_url, _("QR code of the secret key for your authenticator app")),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "replacing": django_otp.user_has_device(user),
    })


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify(request):
    """A code from the authenticator app, or one of the backup codes (each works once)."""
    user = request.user
    next_url = otp.safe_next(request)
    if user.is_verified():
        return redirect(next_url)
    devices = otp.verifiable_devices(user)
    if not devices:
        return redirect(otp.with_next(otp.SETUP_URL_NAME, next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Six digits come from an app; anything else is a backup code. Trying a code only on
        # the kind of device it can belong to keeps the other kind's throttle untouched.
        from_app = len(code) == 6 and code.isdigit()
        candidates = [d for d in devices if isinstance(d, TOTPDevice) == from_app]
        verified, attempted, locked_until = None, False, None
        for device in candidates:
            verified, locked = _try(device, code)
            if verified is not None:
                break
            attempted = attempted or locked is None
            locked_until = max(filter(None, [locked_until, locked]), default=None)
        if verified is not None:
            _sign_in_second_factor(request, verified)
            return redirect(next_url)
        if locked_until and not attempted:
            _form_error(request, form, _throttled_message(locked_until), "throttled")
        else:
            _form_error(request, form, _("That code is not right, or it has been used already. "
                                         "Enter the code your app shows now, or an unused backup "
                                         "code."), "failed")
    return render(request, "venues/admin/otp_verify.html", {
        "form": form,
        "next": next_url,
        "has_backup_codes": any(isinstance(d, StaticDevice) for d in devices),
    })


@never_cache
@require_http_methods(["GET"])
def backup_codes(request):
    """The new backup codes, shown once: they are gone from the session after this page."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    next_url = otp.safe_next(request)
    if not codes:
        return redirect(next_url)
    return render(request, "venues/admin/otp_backup_codes.html", {"codes": codes, "next": next_url})


def admin_urls():
    """Registered under /admin/ (venues.wagtail_hooks); the middleware lets setup and verify
    through for an unverified session."""
    return [
        path("second-factor/setup/", setup, name=otp.SETUP_URL_NAME),
        path("second-factor/verify/", verify, name=otp.VERIFY_URL_NAME),
        path("second-factor/backup-codes/", backup_codes, name="venues_otp_backup_codes"),
    ]


def account_menu_item(request):
    """On the account page: a new phone means a new secret and new backup codes."""
    if not otp.required():
        return None
    return {
        "url": otp.with_next(otp.SETUP_URL_NAME, request.get_full_path()),
        "label": _("Set up the authenticator app again"),
        "help_text": _("For a new phone: scan a new secret and get new backup codes. The old "
                       "app and the old backup codes stop working."),
    }
