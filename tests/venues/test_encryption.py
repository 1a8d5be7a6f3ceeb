"""ID card numbers are encrypted at rest with a key from the environment and found by a
keyed hash; no table holds one in plain text."""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

import pytest
from cryptography.fernet import Fernet

from tests.factories import make_venue
from venues import crypto
from venues.models import Venue

pytestmark = pytest.mark.django_db
NUMBER = "11010519491231002X"


def unlicensed(tree, **fields):
    return make_venue(tree["qinggang-1"], licence="unlicensed", credit_code="", no_code_reason="未办证",
                      operator_id_number=NUMBER, **fields)


def test_the_number_is_readable_in_the_application_and_not_in_the_database(tree):
    venue = unlicensed(tree)
    assert Venue.objects.get(pk=venue.pk).operator_id_number == NUMBER
    with connection.cursor() as cursor:
        cursor.execute("SELECT operator_id_number, operator_id_hash FROM venues_venue WHERE id = %s",
                       [venue.pk])
        stored, hashed = cursor.fetchone()
    assert NUMBER not in stored and stored.startswith("gAAAAA")
    assert hashed == crypto.keyed_hash(NUMBER) and NUMBER not in hashed


def test_no_table_holds_the_number_in_plain_text(tree):
    unlicensed(tree, name="甲")
    unlicensed(tree, name="乙")
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.local_concrete_fields:
                if isinstance(field, models.CharField | models.TextField | models.JSONField):
                    column = connection.ops.quote_name(field.column)
                    table = connection.ops.quote_name(model._meta.db_table)
                    cast = f"CAST({column} AS TEXT)" if connection.vendor == "postgresql" else column
                    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {cast} LIKE %s", [f"%{NUMBER[:17]}%"])  # noqa: S608
                    if cursor.fetchone()[0]:
                        found.append(f"{model._meta.label}.{field.name}")
    assert found == []


def test_equal_numbers_are_found_by_their_hash(tree):
    first, second = unlicensed(tree, name="甲"), unlicensed(tree, name="乙")
    assert set(Venue.objects.filter(operator_id_hash=crypto.keyed_hash(NUMBER))) == {first, second}


def test_a_rotated_key_still_reads_old_numbers_and_a_wrong_key_reads_nothing(tree, settings):
    venue = unlicensed(tree)
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    assert Venue.objects.get(pk=venue.pk).operator_id_number == NUMBER
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured):
        Venue.objects.get(pk=venue.pk)


def test_without_a_key_nothing_is_stored(tree, settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        unlicensed(tree)


def test_production_does_not_start_without_a_key(monkeypatch):
    import importlib
    import sys

    import portal.settings.base as base

    monkeypatch.setattr(base, "SECRET_KEY", "production-like-" + "abcdefghij" * 5)
    monkeypatch.setattr(base, "ALLOWED_HOSTS", ["shuanghe.example.cn"])
    monkeypatch.setattr(base, "FIELD_ENCRYPTION_KEYS", [])
    monkeypatch.delitem(sys.modules, "portal.settings.production", raising=False)
    with pytest.raises(RuntimeError, match="FIELD_ENCRYPTION_KEYS"):
        importlib.import_module("portal.settings.production")
    monkeypatch.delitem(sys.modules, "portal.settings.production", raising=False)
