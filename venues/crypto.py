"""ID card numbers are encrypted at rest (Fernet: AES with an HMAC) with a key from the
environment, and found again by a keyed hash of the tidied number, never by decrypting the
table. Several keys may be given, newest first, so a key can be rotated."""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def _keys():
    keys = [key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set the environment variable "
                                   "FIELD_ENCRYPTION_KEYS to a Fernet key (Fernet.generate_key()).")
    return keys


def _fernet():
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured("An encrypted value cannot be read with the configured keys.") from error


def keyed_hash(text):
    """A lookup key for an encrypted value: HMAC-SHA256 under a key derived from the newest
    encryption key, so equal numbers match without being readable."""
    if not text:
        return ""
    secret = hashlib.sha256(b"lookup:" + _keys()[0].encode()).digest()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


class EncryptedCharField(models.CharField):
    """Plain text in Python, ciphertext in the database. Not searchable: keep a keyed hash
    beside it for lookups."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value)
