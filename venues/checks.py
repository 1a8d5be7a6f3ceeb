"""System checks for controls that must not be switched off in production. They are deploy
checks, so `manage.py check --deploy` with the production settings fails if one is."""

from django.conf import settings
from django.core.checks import Error, Tags, register

OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"
SECOND_FACTOR_MIDDLEWARE = "venues.otp.SecondFactorMiddleware"
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    """Every admin page needs a verified second factor: no bypass outside development."""
    errors = []
    if not settings.DEBUG and not getattr(settings, "OTP_REQUIRED_FOR_ADMIN", False):
        errors.append(Error(
            "OTP_REQUIRED_FOR_ADMIN is off: the back office would open without a second factor.",
            hint="Leave OTP_REQUIRED_FOR_ADMIN = True (portal/settings/base.py).",
            id="venues.E101",
        ))
    middleware = list(settings.MIDDLEWARE)
    try:
        in_order = (middleware.index(AUTH_MIDDLEWARE) < middleware.index(OTP_MIDDLEWARE)
                    < middleware.index(SECOND_FACTOR_MIDDLEWARE))
    except ValueError:
        in_order = False
    if not in_order:
        errors.append(Error(
            "The second factor's middleware is missing or out of order.",
            hint=f"MIDDLEWARE needs {AUTH_MIDDLEWARE}, then {OTP_MIDDLEWARE}, then "
                 f"{SECOND_FACTOR_MIDDLEWARE}.",
            id="venues.E102",
        ))
    return errors
