"""BM25 over passages: the analyser shared by indexing and querying, and the weight matrix.

The matrix holds one precomputed BM25 weight per (term, passage), so a query's
scores are the sum of its terms' rows: no corpus statistics are needed at query time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import Stemmer
from scipy import sparse

K1 = 1.2
B = 0.75

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)
_TOKEN = re.compile(r"\w+(?:['’]\w+)?")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def analyse(text: str) -> list[str]:
    """Lower-cased, stop words dropped, Snowball-stemmed terms of ``text``, in order.

    Stemming lets "negotiations" match "negotiate"; stop words would only add noise
    to scores, since they occur in nearly every passage.
    """
    words = [w.replace("’", "'") for w in _TOKEN.findall(text.lower())]
    return _stemmer().stemWords([w for w in words if w not in STOP_WORDS])


def bm25_matrix(texts: Sequence[str]) -> tuple[list[str], sparse.csr_matrix]:
    """The vocabulary (sorted) and a CSR matrix of BM25 weights, one row per term, one column per text."""
    counts = [Counter(analyse(text)) for text in texts]
    vocabulary = sorted({term for c in counts for term in c})
    column_of = {term: i for i, term in enumerate(vocabulary)}
    lengths = np.array([sum(c.values()) for c in counts], dtype=np.float64)
    average = lengths.mean() if len(lengths) and lengths.mean() > 0 else 1.0
    rows, cols, tfs = [], [], []
    for passage, c in enumerate(counts):
        for term, tf in c.items():
            rows.append(column_of[term])
            cols.append(passage)
            tfs.append(tf)
    tf = np.array(tfs, dtype=np.float64)
    rows_arr, cols_arr = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    df = np.bincount(rows_arr, minlength=len(vocabulary)).astype(np.float64)
    idf = np.log1p((len(texts) - df + 0.5) / (df + 0.5))
    weight = idf[rows_arr] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[cols_arr] / average))
    matrix = sparse.csr_matrix((weight.astype(np.float32), (rows_arr, cols_arr)), shape=(len(vocabulary), len(texts)))
    return vocabulary, matrix
