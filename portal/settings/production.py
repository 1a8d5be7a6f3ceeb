"""Production: PostgreSQL through DATABASE_URL, HTTPS behind a reverse proxy, Redis if given."""

from .base import *

# --- Deployment security (`manage.py check --deploy --fail-level WARNING` passes with
# nothing silenced; CI runs it, see .ci/run and tests/test_headers.py) -----------------------
# The secret and the host names come from the environment, and a missing or weak secret
# stops the start instead of running with it. Django's own bar: 50 characters, 5 different.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise RuntimeError(
        "DJANGO_SECRET_KEY must be set in production: at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not ALLOWED_HOSTS:
    raise RuntimeError("DJANGO_ALLOWED_HOSTS must name the site's host(s), comma-separated")
# ID card numbers are encrypted with these keys (venues.crypto); without one nothing starts.
if not FIELD_ENCRYPTION_KEYS:
    raise RuntimeError(
        "FIELD_ENCRYPTION_KEYS must be set in production: a Fernet key, e.g. python -c "
        "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )

# HTTPS ends at the reverse proxy, which sets X-Forwarded-Proto (docs/deployment.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# HSTS for a year, subdomains included. The preload token only allows the owner of the
# registrable domain to submit it to the browsers' preload list, a separate, deliberate
# step that is hard to undo (see docs/deployment.md); the token alone changes nothing.
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# X_FRAME_OPTIONS (DENY), SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY and
# SECURE_CROSS_ORIGIN_OPENER_POLICY are set in base.py for every environment.
CSRF_TRUSTED_ORIGINS = [PUBLIC_BASE_URL] if PUBLIC_BASE_URL.startswith("https://") else []

# The back office's second factor has no bypass in production (see also venues.checks).
if not OTP_REQUIRED_FOR_ADMIN:
    raise RuntimeError("OTP_REQUIRED_FOR_ADMIN must stay True in production")
