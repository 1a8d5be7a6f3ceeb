from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from wagtail.models import Page

from .pagination import paginate
from .search import segment_query

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


@require_GET
def search(request):
    """Search every public page; Chinese words are found inside longer text (home.search)."""
    query_text = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if segment_query(query_text):
        pages = Page.objects.live().public().specific().search(query_text)
        results = paginate(request, pages, RESULTS_PER_PAGE)
    return render(
        request, "search/search.html",
        {"search_query": query_text, "results": results},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /owner/",
        "Disallow: /search/",
        f"Sitemap: {settings.PUBLIC_BASE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
