"""Production: PostgreSQL through DATABASE_URL, Redis for the cache and the sessions, HTTPS at a
reverse proxy in front of gunicorn. docs/deploy.md is the guide; `make check-production`
checks a configuration (check --deploy, then venues' check_production command)."""

from urllib.parse import urlsplit

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

# HTTPS ends at the reverse proxy, which sets X-Forwarded-Proto (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
# HSTS for a year, subdomains included. The preload token only allows the owner of the
# registrable domain to submit it to the browsers' preload list, a separate, deliberate
# step that is hard to undo (see docs/deploy.md); the token alone changes nothing.
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

# --- Behind the reverse proxy ----------------------------------------------------------------
# gunicorn leaves the proxy's address in REMOTE_ADDR; portal.proxy puts the client's there from
# X-Forwarded-For, believing only these proxies (addresses or networks, comma-separated; the
# same variable gunicorn reads). The lockout, the code limits and the audit log depend on it.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if "*" in FORWARDED_ALLOW_IPS:
    raise RuntimeError("FORWARDED_ALLOW_IPS must name the proxies' addresses or networks, not '*'")
MIDDLEWARE = ["portal.proxy.ClientAddressMiddleware", *MIDDLEWARE]

# --- Cache and sessions -------------------------------------------------------------------------
# Several gunicorn workers, and several servers behind a load balancer, must share one cache:
# Wagtail keeps its site root paths there (and image renditions) and clears the paths when a site
# changes, which a cache local to another process would never hear of; nor would any cache of
# pages added later. So Redis is required, unless the install says it is a single process (one
# gunicorn worker on one machine; docs/deploy.md).
# Sessions are read from the cache and written to the database too, so they survive a restart
# or a flush of Redis, and a session read that misses the cache falls back to the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
SINGLE_PROCESS_INSTALL = os.environ.get("SINGLE_PROCESS_INSTALL", "").lower() in {"1", "true", "yes"}
if REDIS_URL:
    CACHES = redis_caches(REDIS_URL, key_prefix=os.environ.get("CACHE_KEY_PREFIX", "jiuxiao"))
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif not SINGLE_PROCESS_INSTALL:
    raise RuntimeError(
        "REDIS_URL must be set in production (e.g. redis://127.0.0.1:6379/0): every worker and "
        "server must share the cache. Only an install of one gunicorn worker on one machine may "
        "set SINGLE_PROCESS_INSTALL=1 instead (docs/deploy.md)."
    )

# --- Background tasks ---------------------------------------------------------------------------
# The database queue (base.py; `manage.py db_worker --backend background`), or with TASK_QUEUE=rq
# a queue on Redis with RQ (`manage.py rqworker default --job-class django_tasks_rq.Job`), in a
# Redis of its own that keeps its data (RQ_REDIS_URL): docs/deploy.md, "The task worker".
TASK_QUEUE = os.environ.get("TASK_QUEUE", "database")
if TASK_QUEUE == "rq":
    def _server(url):
        parts = urlsplit(url)
        return ({"localhost": "127.0.0.1"}.get(parts.hostname, parts.hostname), parts.port or 6379)

    RQ_REDIS_URL = os.environ.get("RQ_REDIS_URL", "")
    if not RQ_REDIS_URL or (REDIS_URL and _server(RQ_REDIS_URL) == _server(REDIS_URL)):
        raise RuntimeError("TASK_QUEUE=rq needs RQ_REDIS_URL, a Redis that keeps its data (appendonly yes), "
                           "not the cache's Redis server, which may evict it: e.g. redis://127.0.0.1:6380/0")
    _background, RQ_QUEUES = rq_tasks(RQ_REDIS_URL)
    TASKS = {**TASKS, "background": _background}
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]
    del _background, _server
elif TASK_QUEUE != "database":
    raise RuntimeError(f"TASK_QUEUE must be 'database' or 'rq', not {TASK_QUEUE!r}")

# --- Database ------------------------------------------------------------------------------------
# Connections kept for a minute (DB_CONN_MAX_AGE; 0 behind PgBouncer in transaction mode) and
# checked before reuse, so a restarted PostgreSQL costs one retry, not an error page.
# (New dictionaries and lists throughout: base.py's stay as they are for whoever imports them.)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES = {**DATABASES, "default": {
        **DATABASES["default"],
        "CONN_MAX_AGE": int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5, **DATABASES["default"].get("OPTIONS", {})},
    }}

# --- Files ---------------------------------------------------------------------------------------
# collectstatic writes here (STATIC_ROOT); whitenoise serves it with the hashed names of the
# manifest storage (base.py), cached by browsers for good. MEDIA_ROOT and PRIVATE_MEDIA_ROOT come
# from the environment (base.py): with several servers, both on one shared volume. Venue photos
# must never lie where the web server publishes files.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", STATIC_ROOT))
for _public in (MEDIA_ROOT, STATIC_ROOT):
    if Path(PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(_public).resolve()):
        raise RuntimeError(f"PRIVATE_MEDIA_ROOT must not lie inside {_public}: venue photos would be public")
del _public

# --- Logging -----------------------------------------------------------------------------------
# One line per record on standard output, for journald or the container's log collector.
LOGGING = {
    **LOGGING,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "line"},
    },
}
