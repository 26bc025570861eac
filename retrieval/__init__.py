"""The query side of Verbatim: reading the index, ranking passages, answering questions."""

from retrieval.answers import ask
from retrieval.errors import QueryError, StaleIndexError
from retrieval.library import Library
from retrieval.records import Answer, AnswerSentence, Hit
from retrieval.search import MODES, ROLE_FILTERS

__all__ = [
    "Answer",
    "AnswerSentence",
    "Hit",
    "Library",
    "MODES",
    "QueryError",
    "ROLE_FILTERS",
    "StaleIndexError",
    "ask",
]
