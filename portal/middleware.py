"""Response headers the whole site shares: a fixed Content Security Policy and the rules
that keep personal pages out of browser and proxy caches.

Our own small middleware rather than django-csp: the policy is two fixed strings (no
nonces, no per-view changes), so a dependency would add settings without adding safety."""

from django.utils.cache import add_never_cache_headers


def _policy(directives):
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


# Public pages and the owner's pages: our own origin only, and no inline script or style
# at all (templates use static files and CSS classes). data: images are Bootstrap's inline
# SVG icons in its CSS (the menu button, select arrows, check boxes). Nobody frames these
# pages, in step with X-Frame-Options: DENY.
SITE_POLICY = _policy({
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
})

# The Wagtail admin, and only under /admin/. Measured by loading its pages in chromium with
# the header on (tests/browser/test_csp.py): Wagtail 7.4 writes style="" attributes and
# <style> elements from its templates and scripts (Draftail, tooltips, progress bars), so
# styles need 'unsafe-inline'; the image upload previews its files as blob: images. Scripts
# stay 'self' only: the few inline scripts Wagtail writes (date pickers, choosers, inline
# panels) are replaced by markers that static/js/admin-init.js starts (home/admin_scripts.py).
# The editor's preview and the block previews are same-origin frames, hence frame-src and
# frame-ancestors 'self' (those views also send X-Frame-Options: SAMEORIGIN themselves).
ADMIN_POLICY = _policy({
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
})

ADMIN_PREFIX = "/admin/"


def policy_for(path):
    return ADMIN_POLICY if path.startswith(ADMIN_PREFIX) else SITE_POLICY


class ContentSecurityPolicyMiddleware:
    """Sends the fixed policy for the request's part of the site. A view that set a policy of
    its own keeps it (Wagtail serves documents and images with the stricter
    "default-src 'none'"). One of our two policies is replaced, though: Wagtail renders a
    preview by passing a made-up request for the page's public URL through the middleware,
    and the preview is then shown at /admin/…, framed by the editor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Security-Policy", SITE_POLICY) in (SITE_POLICY, ADMIN_POLICY):
            response["Content-Security-Policy"] = policy_for(request.path_info)
        return response


# Everything under these paths shows personal data or belongs to a signed-in person.
PRIVATE_PREFIXES = (ADMIN_PREFIX, "/owner/")


def _uses_csrf_token(request):
    # get_token() flags the request so that CsrfViewMiddleware sends the cookie: the page
    # holds a form with a token tied to this browser.
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"))


def _signed_in(request):
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivatePageCacheMiddleware:
    """Keeps pages with personal data, pages for a signed-in person and pages with a form
    out of every cache: `Cache-Control: no-store, private` (Django's never-cache set).

    /admin/ and /owner/ always get it. Anywhere else a view that chose its own
    Cache-Control keeps it (the registration pages already send no-store; robots.txt is
    public). Anonymous public pages without a form stay cacheable. Must come after
    AuthenticationMiddleware, which gives the request its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PRIVATE_PREFIXES):
            if "no-store" not in response.get("Cache-Control", ""):
                add_never_cache_headers(response)
        elif not response.has_header("Cache-Control") and (
            _signed_in(request) or _uses_csrf_token(request)
        ):
            add_never_cache_headers(response)
        return response

