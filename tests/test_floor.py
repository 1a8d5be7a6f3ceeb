"""The floor views the benchmark suite measures every page against (portal/floor.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory


def test_text_floor_answers_anyone_with_a_short_text(client):
    response = client.get("/_floor/text/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")


def test_session_floor_refuses_anonymous_requests(client):
    assert client.get("/_floor/session/").status_code == 403


def test_session_floor_reads_only_the_session_and_the_user(client, db):
    client.force_login(UserFactory(mobile="13900000077"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/_floor/session/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    tables = {"django_session", "venues_user"}
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            continue  # the session's save
        assert any(f'"{table}"' in sql for table in tables), sql


def test_floor_views_change_nothing(client):
    assert client.post("/_floor/text/").status_code in (403, 405)
    assert client.post("/_floor/session/").status_code in (403, 405)
