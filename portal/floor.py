"""The floor of this stack, for the benchmark suite (bench/run, docs/performance.md): two views
that do as little as a Django view can, served with the same server, settings and middleware
as every other page, so that each page's cost is reported as a multiple of theirs.

- /_floor/text/: a short text, for anyone.
- /_floor/session/: the same for a signed-in person only; it reads the session and the user
  (as every signed-in page must) and nothing else. Anonymous requests get 403.

Both are harmless (no data, no writes of their own, GET and HEAD only) and always enabled."""

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_safe

TEXT = "ok\n"


@require_safe
def text(request):
    return HttpResponse(TEXT, content_type="text/plain; charset=utf-8")


@require_safe
def session(request):
    if not request.user.is_authenticated:
        return HttpResponseForbidden("signed-in only\n", content_type="text/plain; charset=utf-8")
    return HttpResponse(TEXT, content_type="text/plain; charset=utf-8")
