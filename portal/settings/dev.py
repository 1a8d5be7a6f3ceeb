"""A developer's machine: `make run` uses these."""

from .base import *

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# Static files come straight from the finders; no collectstatic outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A fixed key for dev data only; production reads FIELD_ENCRYPTION_KEYS from the environment.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", "aMKIfZsLgxgboX_afUKh5lEE4IQIhXgyFjkoPPpdEus=")
