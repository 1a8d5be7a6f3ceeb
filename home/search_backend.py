"""Wagtail's database search backend, with Chinese-aware queries for pages.

Every search of pages, the public search page and the admin's page search and choosers
alike, goes through here, so the segmentation rule of home.search is applied in one place."""

from modelsearch.backends.database import SearchBackend as database_backend
from wagtail.models import Page
from wagtail.search.query import Phrase, PlainText

from .search import build_query


class ChineseQueryMixin:
    def _segmented(self, query, model_or_queryset, fields):
        """The segmented form of a text query on pages; None to leave the query alone."""
        model = getattr(model_or_queryset, "model", model_or_queryset)
        if fields or not issubclass(model, Page):
            return None
        # The admin parses its search box into PlainText or Phrase objects first.
        if isinstance(query, PlainText | Phrase):
            query = query.query_string
        return build_query(query) if isinstance(query, str) else None

    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        segmented = self._segmented(query, model_or_queryset, fields)
        if segmented is not None:
            query, operator = segmented, None
        return super().search(query, model_or_queryset, fields=fields, operator=operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        # Pages are indexed by character pairs, so a partial word is found by searching them.
        segmented = self._segmented(query, model_or_queryset, fields)
        if segmented is not None:
            return super().search(segmented, model_or_queryset, **kwargs)
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, **kwargs
        )


def SearchBackend(params):  # noqa: N802 (Wagtail looks the backend up by this name)
    inner = database_backend(params)
    backend_class = type(f"Chinese{type(inner).__name__}", (ChineseQueryMixin, type(inner)), {})
    return backend_class(params)
