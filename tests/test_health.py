"""GET /healthz (portal/health.py): the load balancer's check answers "ok" while the database
answers and "unavailable" when it does not, by IP address and over plain HTTP too, and says
nothing else about the system."""

from django.db import OperationalError, connection

import pytest

pytestmark = pytest.mark.django_db

# Every header the check sends; anything more (Server, X-Powered-By, Vary: Cookie, a cookie)
# would tell a caller something or change nothing for it.
HEADERS = {
    "Content-Type": "text/plain",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


def test_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert dict(response.headers) == HEADERS
    assert not response.cookies


def test_head_answers_too(client):
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.content == b""
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["post", "put", "delete", "options"])
def test_other_methods_are_not_allowed(client, method):
    response = getattr(client, method)("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.content == b""


def test_unavailable_when_the_database_does_not_answer(client):
    def outage(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    # Django's own hook around every query: the check's query fails as in an outage.
    with connection.execute_wrapper(outage):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert client.get("/healthz").status_code == 200  # and back once it answers


def test_the_load_balancer_may_call_by_ip_address(client):
    response = client.get("/healthz", headers={"Host": "10.0.0.7"})
    assert response.status_code == 200
    assert response.content == b"ok"
    # Every other address still checks the host.
    assert client.get("/", headers={"Host": "10.0.0.7"}).status_code == 400


def test_plain_http_is_not_redirected(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301  # the rest of the site still goes to HTTPS

