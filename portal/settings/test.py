"""The test suite: SQLite in a temporary file unless DATABASE_URL names PostgreSQL."""

import os
import tempfile
from urllib.parse import urlsplit, urlunsplit

from .base import *


def redis_worker_url(url, worker):
    """The Redis URL for pytest-xdist's worker "gwN": the URL's database number less N."""
    if not worker:
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(worker.removeprefix("gw"))
    if database < 0:
        raise ValueError(f"{url}: too few Redis databases below this one for worker {worker}")
    return urlunsplit(parts._replace(path=f"/{database}"))


SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# SQLite: a file rather than Django's shared in-memory database, whose table locks fail at
# once instead of waiting, so that threads each get a real connection and queue as in
# production (WAL, IMMEDIATE, the timeout from base.py; tests/test_concurrency.py). One file
# per process, removed at the end of the run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"jiuxiao-test-{os.getpid()}.sqlite3")
    }
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jiuxiao-test-media-"))
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jiuxiao-test-private-"))
# Static files come straight from the finders; no collectstatic outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"
# REDIS_URL runs the suite with the cache and the sessions on Redis, as production does (CI's
# PostgreSQL run; tests/test_redis.py). Keys under a prefix of this process, so that runs side
# by side never meet; they expire by themselves.
# Under pytest-xdist (`make test` runs a worker per CPU) each worker has a database of Redis's
# own, counting down from the URL's: a test that empties the cache empties only its worker's.
if os.environ.get("REDIS_URL"):
    _redis_url = redis_worker_url(os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", ""))
    CACHES = redis_caches(_redis_url, key_prefix=f"jiuxiao-test-{os.getpid()}")
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Background tasks run inline; text messages are kept in venues.sms.outbox.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
SMS_BACKEND = "venues.sms.LocmemBackend"
# The dashboard reads every period afresh, so query counts measure the worst case; the test of
# the trend's cache turns it on.
FIGURES_CACHE_SECONDS = 0
# A fixed key for test data only; production reads FIELD_ENCRYPTION_KEYS from the environment.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "LZk5px8PFj82FcrLlk_Z_Sukd_GcePrDi4th1zTwoxE=")
# The suite signs staff in with client.force_login; the second factor's own tests turn it on.
OTP_REQUIRED_FOR_ADMIN = False
# Lockout stays on; the test client's login() passes no request, which axes alone refuses.
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.ClientLoginAxesBackend" if backend == "axes.backends.AxesStandaloneBackend"
    else backend for backend in AUTHENTICATION_BACKENDS
]
