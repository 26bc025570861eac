"""Combining dense and lexical scores: pure functions over score arrays."""

from __future__ import annotations

import numpy as np

# Weight of the dense score in the convex combination. Dense similarity is the
# better single signal with this model; BM25 adds exact names, figures and dates.
DENSE_WEIGHT = 0.8
RRF_K = 60


def normalise(scores: np.ndarray, floor: float) -> np.ndarray:
    """Scores rescaled to [0, 1] between a theoretical floor and the best score present.

    Using the scorer's theoretical minimum (0 for BM25, -1 for cosine) rather than
    the list's own minimum keeps a weak list weak: min-max would stretch any list,
    however poor, to span 0..1.
    """
    if scores.size == 0:
        return scores
    top = scores.max()
    if top <= floor:
        return np.zeros_like(scores)
    return (scores - floor) / (top - floor)


def convex(dense: np.ndarray, lexical: np.ndarray, dense_weight: float = DENSE_WEIGHT) -> np.ndarray:
    """The convex combination of normalised cosine and BM25 scores of the same candidates."""
    return dense_weight * normalise(dense, -1.0) + (1 - dense_weight) * normalise(lexical, 0.0)


def reciprocal_rank(dense: np.ndarray, lexical: np.ndarray, k: int = RRF_K) -> np.ndarray:
    """Reciprocal rank fusion of the same candidates: sum of 1 / (k + rank) over both lists.

    A candidate with no lexical match (BM25 score 0) is not in the lexical list
    and gets nothing from it.
    """

    def ranks(scores: np.ndarray) -> np.ndarray:
        order = np.argsort(-scores, kind="stable")
        result = np.empty(len(scores), dtype=np.float64)
        result[order] = np.arange(1, len(scores) + 1)
        return result

    return 1.0 / (k + ranks(dense)) + np.where(lexical > 0, 1.0 / (k + ranks(lexical)), 0.0)
