"""Addresses no browser sends: a NUL byte (%00) in the path or the query string.

PostgreSQL refuses NUL in text, so such a value reaching a lookup (a list's ?kind=, the door
card's code in /v/<code>/, the classification's ?category=) was a server error; SQLite just
found nothing. Checked here once for the whole site, Wagtail's pages included, rather than in
every view and filter. What is posted needs no check: Django's form fields refuse NUL
(ProhibitNullCharactersValidator), and the property tests post it to every form."""

from django.shortcuts import render


def has_null_byte(request):
    return "\x00" in request.path or any(
        "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
    )


class NullByteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_null_byte(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)
