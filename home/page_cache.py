"""The whole-page cache for anonymous visitors of the public site (issue 8).

A page type opts in with ``anonymous_cache = True`` (the home and notices page models). A
request is served from the cache only when it cannot be anyone's own: a GET with no session or
messages cookie. The page's response is stored when it is a plain 200 that set no cookie (a
page that put a CSRF token in a form sets one, so pages with forms never are; a page with a
view restriction answers an anonymous visitor with a redirect or its password form). Keys are
the scheme, host, path and query string; a page lists the query parameters it reads with the
form of their values (``anonymous_cache_params``), and a request with any other parameter or
value is not stored, so made-up addresses cannot fill the cache.

Every stored page carries the cache's generation. Publishing, unpublishing, moving or deleting a
page, changing who may see a page, or saving a site setting, image, document, training topic,
site, redirect, venue kind or area starts a new generation (``invalidate``; the models are
listed in ``_shown_on_pages``), so nothing stored before is served again. A page is also dropped
after ``PAGE_CACHE_SECONDS`` (scheduled publishing in another process with a per-process cache,
as in development, is never stale for longer).

The middleware sits after the security headers (which every hit still gets) and before the
session: a hit costs one round trip to the cache and no database query. Only pages this process
has served before are looked up (``_pages_here``), so other requests cost no round trip; a page
is stored on its second request in a process, with the generation read before it was drawn."""

import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from portal.generations import Generation

logger = logging.getLogger(__name__)

GENERATION = Generation("pagecache:generation")

# The keys of the pages this process has served: only these are looked up in the cache, so that
# requests for anything else cost no round trip to it. Each process learns its own on its first
# request for a page; the set is emptied when it grows past MAX_KEYS_HERE.
_pages_here = set()
MAX_KEYS_HERE = 20_000
_MARK = "_anonymous_page_cache"


def enabled():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


def _anonymous(request):
    """True for a GET that nothing about the visitor can change: no session, no messages."""
    return request.method == "GET" and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def _key(request):
    try:
        host = request.get_host()
    except Exception:  # DisallowedHost: let the rest of the stack answer it
        return None
    raw = f"{request.scheme}://{host}{request.path}?{request.META.get('QUERY_STRING', '')}"
    return "pagecache:page:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def mark(request, page):
    """Called before Wagtail serves a page: remember that its response may be stored."""
    if not getattr(page, "anonymous_cache", False) or not _anonymous(request):
        return
    allowed = getattr(page, "anonymous_cache_params", {})
    for name, values in request.GET.lists():
        if name not in allowed or len(values) != 1 or not re.fullmatch(allowed[name], values[0]):
            return
    setattr(request, _MARK, True)


def refuse(request):
    """For a page that answered an address it does not recognise (an unknown filter, a page
    number past the end): its response is not stored under that address."""
    setattr(request, _MARK, False)


def invalidate():
    """A new generation: every page stored so far is out of date."""
    GENERATION.bump()


def _storable(request, response):
    return (
        getattr(request, _MARK, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _anonymous(request):
            return self.get_response(request)
        key = _key(request)
        if key is None or key not in _pages_here:
            # Not a page this process has served: no round trip to the cache (static files,
            # the card, search and the floor views never pay for one).
            return self._render(request, key, None)
        try:
            found = cache.get_many([GENERATION.key, key])
            generation = GENERATION.current(found)
        except Exception:  # the cache is down: serve the page, uncached
            logger.exception("page cache unavailable")
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response

        return self._render(request, key, generation)

    def _render(self, request, key, generation):
        """The page from the rest of the stack; stored when it may be and the generation was
        read before it was drawn (a page drawn from data a publication has just replaced must
        not be stored under the new generation). A page this process had not seen is only
        remembered here, and stored on its next request."""
        response = self.get_response(request)
        if key is None or not _storable(request, response):
            return response
        if generation is None:
            if len(_pages_here) >= MAX_KEYS_HERE:
                _pages_here.clear()
            _pages_here.add(key)
            return response
        entry = (generation, response.status_code, list(response.items()), response.content)
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("page cache unavailable")
        return response


# A page saved with only these fields changed is a draft or a lock: what visitors see is the
# same (publishing, unpublishing and moving have signals of their own).
DRAFT_ONLY_FIELDS = frozenset({
    "latest_revision_created_at", "draft_title", "latest_revision", "has_unpublished_changes",
    "locked", "locked_by", "locked_at",
})


def _on_change(sender, instance=None, update_fields=None, **kwargs):
    from wagtail.models import Page
    from wagtail.models.pages import COMMENTS_RELATION_NAME

    draft_only = DRAFT_ONLY_FIELDS | {COMMENTS_RELATION_NAME}
    if isinstance(instance, Page) and update_fields and set(update_fields) <= draft_only:
        return
    GENERATION.bump_now_and_on_commit()


def _on_event(sender, **kwargs):
    GENERATION.bump_now_and_on_commit()


def _shown_on_pages():
    """The models whose rows public pages show, or which decide who may see a page."""
    from django.apps import apps

    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import BaseViewRestriction, Page, Site

    from notices.models import TrainingTopic
    from venues.models import Area, VenueKind

    bases = (Page, Site, BaseSiteSetting, BaseViewRestriction, Redirect, AbstractImage,
             AbstractDocument, TrainingTopic, VenueKind, Area)
    return [model for model in apps.get_models() if issubclass(model, bases)]


def connect_signals():
    """Connected per model (a receiver for every model would stop Django deleting rows of the
    others in bulk), including the many-to-many links of pages and restrictions."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from wagtail.signals import page_published, page_unpublished, post_page_move

    for model in _shown_on_pages():
        label = model._meta.label_lower
        post_save.connect(_on_change, sender=model, dispatch_uid=f"home.page_cache.save.{label}")
        post_delete.connect(_on_event, sender=model, dispatch_uid=f"home.page_cache.delete.{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            uid = f"home.page_cache.m2m.{through._meta.label_lower}"
            m2m_changed.connect(_on_event, sender=through, dispatch_uid=uid)
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_on_event, dispatch_uid=f"home.page_cache.{id(signal)}")
