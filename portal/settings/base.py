"""Settings shared by every environment. Safe by default: DEBUG is off and secrets come
from the environment; dev.py loosens what a developer's machine needs."""

import datetime
import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

# The address printed on door cards, in feeds and in robots.txt: from configuration,
# never from the request's Host header.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = PUBLIC_BASE_URL

INSTALLED_APPS = [
    # Ours first, so that our templates win.
    "home",
    "notices",
    "venues",
    # Wagtail
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.typed_table_block",
    "wagtail_modeladmin",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "django_tasks",
    "django_tasks_db",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # GET /healthz for the load balancer, answered first: before the HTTPS redirect and the
    # host check (it calls by IP over plain HTTP), without session, CSRF or audit.
    "portal.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Security headers (portal.middleware): a fixed Content Security Policy, and no-store on
    # personal pages. Outside the others so that their responses (redirects, CSRF failures,
    # lockouts) get the headers too; static files from WhiteNoise above need neither.
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "portal.middleware.PrivatePageCacheMiddleware",
    # A NUL byte in the address answers 400 (PostgreSQL refuses it in a lookup: portal.null_bytes).
    "portal.null_bytes.NullByteMiddleware",
    # Public pages for anonymous visitors from the cache, before the session is read
    # (home.page_cache); the headers above still apply to every hit.
    "home.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "venues.audit.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "venues.context_processors.owner",
            ],
        },
    },
]

# SQLite by default: a file in WAL mode whose writers queue (IMMEDIATE) instead of failing
# with "database is locked". DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "venues.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length by role (staff 10 with three kinds of character and no reuse of the last 5,
    # owners 8); its password_changed() hook stamps and records every new password.
    {"NAME": "venues.passwords.AccountPasswordValidator",
     "OPTIONS": {"staff_min_length": 10, "staff_kinds": 3, "history": 5, "owner_min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# The audit log is kept at least this long (等保: six months); `manage.py purge_audit`
# removes older entries.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "184"))

# ID card numbers are encrypted at rest (venues.crypto) with these Fernet keys, newest first,
# from the environment (comma-separated). dev.py and test.py set fixed keys of their own.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# Owners' photos (storefronts, licences) are personal data: stored outside MEDIA_ROOT, which
# the web server may publish, and served only by views that check who may see them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "venues.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers (see portal/middleware.py for the Content Security Policy) ---------
# DENY everywhere: Wagtail 7.4's preview and block-preview views, the only pages it frames,
# override this with SAMEORIGIN themselves (wagtail.utils.decorators).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"  # Django's default, stated

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # staff: username and password
    "venues.auth.MobileBackend",  # owners: mobile number and password
]
# Owners sign in at /owner/login/; staff at /admin/login/ (Wagtail sends them there itself).
LOGIN_URL = "/owner/login/"

# Background tasks. Wagtail's own tasks (the reference index, which decides whether a
# document may be downloaded) stay immediate, so a published attachment works at once.
# Ours (messages, SMS) go through the database queue: `make run` starts its worker,
# `manage.py db_worker --backend background`; production runs it as a service.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# Text messages to owners. Chinese providers send only templates approved beforehand,
# each with an id and named parameters: SMS_TEMPLATE_IDS maps our template names
# (venues.sms.TEMPLATES) to the provider's ids. The console backend prints them.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "venues.sms.ConsoleBackend")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "双河镇九小场所")
SMS_TEMPLATE_IDS = {}

# Wagtail
WAGTAIL_SITE_NAME = _("Nine Small Places Safety")
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILEMBEDS_FINDERS = []  # embeds would fetch from other origins
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Wagtail's database backend with Chinese-aware queries (home.search_backend).
        "BACKEND": "home.search_backend",
        # Our own segmentation (home.search) makes the tokens; no stemming on top.
        "SEARCH_CONFIG": "simple",
    }
}
WAGTAILDOCS_EXTENSIONS = [
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "txt", "csv",
    "zip", "mp4", "webm", "vtt", "mp3",
]
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf", "text/plain", "text/vtt", "video/mp4", "video/webm", "audio/mpeg",
]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a public page stays in the page cache at most (home.page_cache); publishing
# replaces it at once. 0 turns the page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long the staff to-do counts stay in the cache at most (venues.todo); any change to what
# they count replaces them at once. 0 counts on every request.
TODO_CACHE_SECONDS = int(os.environ.get("TODO_CACHE_SECONDS", "300"))
# How long a closed month's figures stay in the cache for the dashboard's trend at most
# (venues.figures.series); edits dated back show after this time. 0 reads them every time.
FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", "900"))


def redis_caches(url, key_prefix):
    """The cache on Redis (Django's own backend), shared by every worker and server: what
    production.py uses when REDIS_URL is set, and test.py when the suite runs against Redis.
    Short socket timeouts, so a Redis that stops answering fails requests quickly instead of
    holding every worker."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2, "health_check_interval": 30},
        }
    }


def rq_tasks(url):
    """(TASKS["background"], RQ_QUEUES) for the task queue on Redis with RQ (django-tasks-rq):
    what production.py uses with TASK_QUEUE=rq, for a city's volume of text messages. ``url``
    is a Redis that keeps its data (appendonly yes), not the cache's, which may evict."""
    return (
        {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
        {"default": {"URL": url, "DEFAULT_TIMEOUT": 300}},
    )


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per background task is noise; failures still show.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Second factor for the back office (django-otp; venues.otp) ------------------------------
# Everyone who may use /admin/ enters a one-time code (authenticator app, or a backup code)
# once per session. OTPMiddleware marks a verified session; SecondFactorMiddleware sends an
# unverified one to the setup or verify page. Only the test settings turn it off;
# production.py and the deploy check (venues.checks) refuse to run without it.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "venues.otp.SecondFactorMiddleware"
)
OTP_REQUIRED_FOR_ADMIN = True
OTP_TOTP_ISSUER = "双河镇九小场所"  # the account's name in the authenticator app
# --- end of the second factor -----------------------------------------------------------------

# --- Accounts and sessions (等保 level 2; venues.security, venues.passwords) -----------------
# Sign-in lockout: 5 failures lock that account from that address for 15 minutes, on the
# owner login (the mobile number counts as the username) and the admin login alike. Per
# account and address together: by account alone anyone could lock an owner out with their
# (semi-public) mobile number; by address alone a village office behind one address would
# lock out each other.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")  # first: refuses locked accounts
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "venues.security.axes_username"
AXES_LOCKOUT_CALLABLE = "venues.security.lockout_response"  # the login page with the message
AXES_RESET_ON_SUCCESS = True  # "consecutive" failures: a success starts the count again
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # ends when the message says it does
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "mobile"]
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins go to our audit log instead
# Staff passwords expire (venues.security.StaffPasswordAgeMiddleware sends them to change it).
STAFF_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("STAFF_PASSWORD_MAX_AGE_DAYS", "90"))
# Sessions: 30 idle minutes (the expiry moves on with activity: the session is saved again
# when a minute has passed since it was last saved, venues.security.keep_alive), 12 hours at
# most since the sign-in (SessionPolicyMiddleware), cookies only over HTTPS in production,
# never read by scripts, not sent with cross-site requests.
SESSION_COOKIE_AGE = 30 * 60
SESSION_REFRESH_SECONDS = 60
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "venues.security.SessionPolicyMiddleware",
)
MIDDLEWARE += [
    "venues.security.StaffPasswordAgeMiddleware",  # after the second factor's middleware
    "axes.middleware.AxesMiddleware",  # turns a lockout into its page
]
# --- end of accounts and sessions -------------------------------------------------------------
