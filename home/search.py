"""Chinese-aware search on top of Wagtail's database search backend.

Wagtail's database backends (SQLite FTS5 and PostgreSQL with the "simple" configuration)
split text on spaces and punctuation, so a run of Chinese characters is one token and
'灭火器' would never match '检查灭火器是否有效'. We therefore index every page with an extra
field of segments, single characters plus overlapping two-character pairs, and turn a query
into the pairs it contains, all of which must be present. Latin letters and digits stay
words. Anything else (quotes, brackets, operators) is dropped, so no query can break the
backend's syntax.
"""

import re

from django.utils.html import strip_tags

from wagtail.search import index
from wagtail.search.query import PlainText

# CJK unified ideographs (with extension A and compatibility ideographs).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+", re.IGNORECASE)
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")

# Enough for any sensible query; longer input is cut rather than sent to the database.
MAX_QUERY_TERMS = 32


def _pairs(run):
    return [run[i : i + 2] for i in range(len(run) - 1)]


def segment_for_index(text):
    """The tokens stored for a text: each Chinese character and each adjacent pair."""
    tokens = []
    for run in _RUN.findall(text or ""):
        if _CJK_RUN.match(run):
            tokens.extend(run)
            tokens.extend(_pairs(run))
        else:
            tokens.append(run.lower())
    return " ".join(tokens)


def segment_query(text):
    """The tokens a query must match: pairs for Chinese runs, single characters only for a
    run of one character, words for Latin letters and digits. Duplicates are dropped."""
    tokens = []
    for run in _RUN.findall(text or ""):
        if not _CJK_RUN.match(run):
            tokens.append(run.lower())
        elif len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(_pairs(run))
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TERMS]


def build_query(text):
    """A Wagtail search query for the user's text, or None when nothing searchable is left."""
    tokens = segment_query(text)
    if not tokens:
        return None
    return PlainText(" ".join(tokens), operator="and")


def stream_text(stream_value):
    """The readable text of a StreamField value."""
    if not stream_value:
        return ""
    block = stream_value.stream_block
    return " ".join(str(part) for part in block.get_searchable_content(stream_value))


def html_text(html):
    return strip_tags(html or "")


class SegmentedSearchMixin:
    """Adds the segmented text of a page to Wagtail's index. Page types list what a reader
    would search for in ``search_text_parts``."""

    segment_search_fields = [index.SearchField("search_segments")]

    def search_text_parts(self):
        return [self.title, self.search_description]

    def search_segments(self):
        return segment_for_index(" ".join(part for part in self.search_text_parts() if part))
