"""Errors of the query side. Each message names the problem and the way out."""

from index.errors import VerbatimError

MAX_QUESTION_CHARS = 2000


class QueryError(VerbatimError):
    """A question or option Verbatim cannot search with: empty, too long, unknown filter."""


class StaleIndexError(VerbatimError):
    """The index was built from other documents than the corpus folder holds now."""
