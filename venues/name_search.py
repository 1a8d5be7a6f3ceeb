"""Finding venues by name in the back office, with the portal's tokens (home.search): each
Chinese character and each pair of neighbours, and words of Latin letters and digits.

A venue keeps its name's tokens in ``Venue.name_tokens`` (set on save), padded with spaces.
A query matches the venues whose names hold all of its tokens; a Latin word also matches as
the start of a word ("kt" finds "KTV"). On PostgreSQL a GIN index over the tokens' text-search
vector (migration venues 0023) answers the query without reading the table, where a trigram
index would not help with two-character Chinese queries such as 川菜; elsewhere (SQLite, a
town's own install) the tokens are compared as text."""

import re

from django.db import connections
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from home.search import segment_for_index, segment_query

_WORD = re.compile(r"^[0-9a-z]+$")

# The index of migration 0023 is built over exactly this expression.
TSVECTOR = "to_tsvector('simple'::regconfig, {column})"


def tokens_for(name):
    """What Venue.save stores in name_tokens."""
    return f" {segment_for_index(name)} "


def filter_by_name(queryset, text):
    """The venues of ``queryset`` whose name matches ``text``; none when nothing in the text
    can be searched for (punctuation only)."""
    tokens = segment_query(text)
    if not tokens:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        terms = " & ".join(f"{token}:*" if _WORD.match(token) else token for token in tokens)
        column = f'"{queryset.model._meta.db_table}"."name_tokens"'
        sql = TSVECTOR.format(column=column) + " @@ to_tsquery('simple'::regconfig, %s)"
        # The SQL is fixed text; the query's words go in as a parameter.
        return queryset.filter(RawSQL(sql, [terms], output_field=BooleanField()))  # noqa: S611
    condition = Q()
    for token in tokens:
        condition &= Q(name_tokens__contains=f" {token}" if _WORD.match(token) else f" {token} ")
    return queryset.filter(condition)
