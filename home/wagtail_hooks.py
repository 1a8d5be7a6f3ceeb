from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks

from . import page_cache
from .documents import document_is_public, user_may_preview


# Pages whose type allows it are stored for the next anonymous visitor (home.page_cache).
@hooks.register("before_serve_page")
def mark_for_page_cache(page, request, serve_args, serve_kwargs):
    page_cache.mark(request, page)


# A document is served only once a published page uses them (or to people in the admin).
@hooks.register("before_serve_document", order=100)  # after Wagtail's collection privacy check
def guard_document(document, request):
    if not (user_may_preview(request.user) or document_is_public(document)):
        raise Http404


# The help menu links to English pages on wagtail.org; our editors are served by the town.
@hooks.register("construct_help_menu")
def remove_external_help(request, menu_items):
    menu_items[:] = []


# Wagtail's built-in reports (site history, aging pages, workflows) are for administrators;
# the communications office works with pages, images and documents only.
@hooks.register("construct_reports_menu")
def reports_for_administrators_only(request, menu_items):
    if not request.user.is_superuser:
        menu_items[:] = []


# Starts Wagtail's date pickers and inline panels without inline <script>, so the admin's
# Content Security Policy keeps script-src 'self' (portal/middleware.py).
@hooks.register("insert_global_admin_js")
def admin_init_js():
    return format_html('<script src="{}"></script>', static("js/admin-init.js"))
