from django.conf import settings
from django.urls import include, path, re_path
from django.views.defaults import page_not_found, server_error

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from home.documents import serve_document
from notices.feeds import AtomNoticesFeed, NoticesFeed

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Ours first: Wagtail's document view plus byte ranges for videos on phones.
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("feeds/notices/", NoticesFeed(), name="notices_rss"),
    path("feeds/notices/atom/", AtomNoticesFeed(), name="notices_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    # Preview the error pages while developing.
    urlpatterns += [
        path("404/", page_not_found, {"exception": None}),
        path("500/", server_error),
    ]

urlpatterns += [path("", include(wagtail_urls))]
