"""A session in use is saved again once a minute has passed since its last save, not on every
request (venues.security.keep_alive); that the 30 idle minutes still hold is
test_security_accounts.test_a_session_ends_after_30_idle_minutes."""


from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(
    settings.SESSION_ENGINE != "django.contrib.sessions.backends.db",
    reason="changes the session rows (the suite on Redis keeps sessions in the cache too)")]


@pytest.fixture
def owner_client(client):
    client.force_login(UserFactory(mobile="13900000077"))
    client.get("/owner/")  # the first request keeps the session alive: saved
    return client


def session_row(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def writes_to_sessions(client, path="/owner/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


def test_reading_pages_within_the_minute_writes_nothing(owner_client):
    assert writes_to_sessions(owner_client) == []
    assert writes_to_sessions(owner_client) == []


def test_visitors_without_a_session_get_none(client):
    client.get("/owner/login/")
    client.get("/_floor/text/")
    assert not Session.objects.exists()
