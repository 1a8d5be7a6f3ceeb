"""Wagtail's database search backend, with Chinese-aware queries for pages.

Every search of pages, the public search page and the admin's page search and choosers
alike, goes through here, so the segmentation rule of home.search is applied in one place."""

from modelsearch.backends.database import SearchBackend as database_backend
from wagtail.models import Page
from wagtail.search.query import MATCH_ALL, Phrase, PlainText

from .search import build_query


class ChineseQueryMixin:
    def _page_query(self, query, model_or_queryset, fields):
        """(query, queryset) to run instead for a text query on pages, or None to leave it.
        Text with nothing searchable in it finds nothing, rather than reaching the
        database's own query syntax."""
        model = getattr(model_or_queryset, "model", model_or_queryset)
        if fields or not issubclass(model, Page):
            return None
        # The admin parses its search box into PlainText or Phrase objects first.
        if isinstance(query, PlainText | Phrase):
            query = query.query_string
        if not isinstance(query, str):
            return None
        segmented = build_query(query)
        if segmented is None:
            queryset = model_or_queryset if model is not model_or_queryset else model.objects.all()
            return MATCH_ALL, queryset.none()
        return segmented, model_or_queryset

    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        replaced = self._page_query(query, model_or_queryset, fields)
        if replaced is not None:
            (query, model_or_queryset), operator = replaced, None
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        # Pages are indexed by character pairs, so a partial word is found by searching them.
        replaced = self._page_query(query, model_or_queryset, fields)
        if replaced is not None:
            return super().search(*replaced, **kwargs)
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, **kwargs
        )


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    inner = database_backend(params)
    backend_class = type(f"Chinese{type(inner).__name__}", (ChineseQueryMixin, type(inner)), {})
    return backend_class(params)
