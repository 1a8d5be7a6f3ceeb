"""What every page of the public site and the owners' pages shows around its content: the main
menu and the footer's contact and filing details. Read from the database once, then kept in the
cache until content changes: the entry carries the page cache's generation (home.page_cache),
which publishing a page or saving the site's settings moves on. A page drawn afresh therefore
spends no query on them, and a page drawn for a signed-in owner neither."""

from dataclasses import dataclass

from django.conf import settings

from wagtail.models import Site

from . import page_cache


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str
    path: str  # the page's place in the tree, to mark the current section


@dataclass(frozen=True)
class Chrome:
    root_path: str
    menu: tuple
    footer: dict  # SiteSettings' fields, phone_href, the privacy notice's (title, url) and the
    # hazard report page's url, each None when not chosen or not published


FOOTER_FIELDS = ("organiser", "address", "phone", "icp_number", "psb_number", "site_code")


def _read(site, request):
    from .models import SiteSettings

    if site is None:
        return Chrome("", (), {})
    root = site.root_page
    menu = tuple(MenuItem(page.title, page.get_url(request), page.path)
                 for page in root.get_children().live().public().in_menu())
    # Not SiteSettings.for_site, which makes the row on a first read: a GET writes nothing.
    site_settings = (SiteSettings.objects.filter(site=site).select_related("privacy_page", "report_page")
                     .first() or SiteSettings(site=site))
    privacy = site_settings.live_privacy_page
    footer = {name: getattr(site_settings, name) for name in FOOTER_FIELDS}
    footer["phone_href"] = site_settings.phone_href
    footer["privacy"] = (privacy.title, privacy.get_url(request)) if privacy else None
    report = site_settings.live_report_page
    footer["report_url"] = report.get_url(request) if report is not None else None
    return Chrome(root.path, menu, footer)


def chrome(request):
    """The menu and footer for this request's site (kept on the request once read)."""
    found = getattr(request, "_site_chrome", None)
    if found is not None:
        return found
    site = Site.find_for_request(request)
    found = page_cache.GENERATION.kept(f"chrome:{site.pk if site else 0}", lambda: _read(site, request),
                                       timeout=settings.PAGE_CACHE_SECONDS or 300)
    request._site_chrome = found
    return found
