from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from home import page_cache


def paginate(request, queryset, per_page, paginator_class=Paginator):
    """The page asked for in ?page=; the first for nonsense, the last when past the end (those
    answers are not stored in the page cache under the odd address)."""
    paginator = paginator_class(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page_cache.refuse(request)
        return paginator.page(1)
    except EmptyPage:
        page_cache.refuse(request)
        return paginator.page(paginator.num_pages)


def rows_of(page, queryset):
    """The rows of ``page``, a page of primary keys, loaded from ``queryset`` (the list's own,
    so that a row which left it meanwhile is left out) in the page's order. A long list pages
    through its keys alone, so the database sorts narrow rows and joins the wide ones (venues,
    their areas) for the page's rows only."""
    found = queryset.in_bulk(list(page))
    return [found[pk] for pk in page if pk in found]
