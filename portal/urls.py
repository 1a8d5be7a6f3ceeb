from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found, server_error

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.account import LogoutView as AdminLogoutView
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.documents import serve_document
from notices.feeds import AtomNoticesFeed, NoticesFeed
from portal import floor
from venues import views as venue_views

# The media folders a web server may serve directly (see docs/deploy.md).
PUBLIC_MEDIA_FOLDERS = ["images", "original_images"]

urlpatterns = [
    # Signing out of the back office is a POST (its menu sends one). Wagtail's view drops the
    # session cookie whatever the method, even when it answers a GET with 405, so a link or a
    # prefetch could sign a member of staff out: other methods stop here.
    path("admin/logout/", require_POST(AdminLogoutView.as_view()), name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    # Ours first: Wagtail's document view plus byte ranges for videos on phones.
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("owner/", include("venues.urls")),
    path("v/<str:code>/", venue_views.venue_card, name="venue_card"),
    path("feeds/notices/", NoticesFeed(), name="notices_rss"),
    path("feeds/notices/atom/", AtomNoticesFeed(), name="notices_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    # The floor the benchmark suite measures every page against (bench/run).
    path("_floor/text/", floor.text, name="floor_text"),
    path("_floor/session/", floor.session, name="floor_session"),
]

def debug_media_urlpatterns():
    """While developing, serve the public renditions of images only. Documents never come
    from the media folder: /documents/ checks that a published page uses them."""
    from django.conf.urls.static import static

    patterns = []
    for folder in PUBLIC_MEDIA_FOLDERS:
        patterns += static(f"{settings.MEDIA_URL}{folder}/",
                           document_root=settings.MEDIA_ROOT / folder)
    return patterns


if settings.DEBUG:
    urlpatterns += debug_media_urlpatterns()
    # Preview the error pages while developing.
    urlpatterns += [
        path("404/", page_not_found, {"exception": None}),
        path("500/", server_error),
    ]

urlpatterns += [path("", include(wagtail_urls))]
