from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from home import page_cache


def paginate(request, queryset, per_page):
    """The page asked for in ?page=; the first for nonsense, the last when past the end (those
    answers are not stored in the page cache under the odd address)."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_cache.refuse(request)
        return paginator.page(1)
    except EmptyPage:
        page_cache.refuse(request)
        return paginator.page(paginator.num_pages)
