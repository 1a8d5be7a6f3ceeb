"""`GET /healthz` for the load balancer: 200 "ok" while the database answers, 503
"unavailable" when it does not, and nothing else (no versions, names or timings).

A middleware placed first, not a view: the load balancer calls by IP address and over
plain HTTP, so the answer must come before the host check and the HTTPS redirect, and
without sessions, CSRF, sign-in lockout or the audit log."""

from django.db import Error, connection
from django.http import HttpResponse, HttpResponseNotAllowed

PATH = "/healthz"

# The headers every response of the site carries that matter for a bare text body; the
# others (HSTS, Referrer-Policy, COOP) have no effect on it, and HSTS is ignored over the
# plain HTTP the load balancer uses.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
}


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Error:
        return False


def health_response(request):
    if request.method not in ("GET", "HEAD"):
        response = HttpResponseNotAllowed(["GET", "HEAD"])
    elif database_answers():
        response = HttpResponse("ok", content_type="text/plain")
    else:
        response = HttpResponse("unavailable", content_type="text/plain", status=503)
    for name, value in HEADERS.items():
        response[name] = value
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return health_response(request)
        return self.get_response(request)
