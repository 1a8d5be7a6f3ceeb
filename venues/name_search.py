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
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import Expression

from home.search import segment_for_index, segment_query

_WORD = re.compile(r"^[0-9a-z]+$")

# The index of migration 0023 is built over exactly this expression.
TSVECTOR = "to_tsvector('simple'::regconfig, {column})"


def tokens_for(name):
    """What Venue.save stores in name_tokens."""
    return f" {segment_for_index(name)} "


def fill_missing(batch=2000):
    """Tokens for venues that have none: those written by a release before the name search
    (during an upgrade, between the migration and the reload). Run by daily_jobs."""
    from venues.models import Venue

    filled = 0
    while True:
        venues = list(Venue.objects.filter(name_tokens="").exclude(name="").only("pk", "name")[:batch])
        for venue in venues:
            venue.name_tokens = tokens_for(venue.name)
        Venue.objects.bulk_update(venues, ["name_tokens"])
        filled += len(venues)
        if len(venues) < batch:
            return filled


class _TokensMatch(Expression):
    """PostgreSQL: the name's tokens match the text-search query ``terms`` (the index's exact
    expression, on the column as the query names it, also inside a subquery)."""

    output_field = BooleanField()

    def __init__(self, terms):
        super().__init__()
        self.column, self.terms = F("name_tokens"), terms

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        sql = TSVECTOR.format(column=column) + " @@ to_tsquery('simple'::regconfig, %s)"
        return sql, [*params, self.terms]


def filter_by_name(queryset, text):
    """The venues of ``queryset`` whose name matches ``text``; none when nothing in the text
    can be searched for (punctuation only)."""
    tokens = segment_query(text)
    if not tokens:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        # Words of the query as parameters; a Latin word also as the start of a word.
        terms = " & ".join(f"{token}:*" if _WORD.match(token) else token for token in tokens)
        return queryset.filter(_TokensMatch(terms))
    condition = Q()
    for token in tokens:
        condition &= Q(name_tokens__contains=f" {token}" if _WORD.match(token) else f" {token} ")
    return queryset.filter(condition)
