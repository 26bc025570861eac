"""Ranking metrics as pure functions of the relevance grades of a ranked list."""

from __future__ import annotations

import math
from collections.abc import Sequence


def ndcg(ranked_grades: Sequence[float], all_grades: Sequence[float], k: int = 10) -> float:
    """Normalised discounted cumulative gain at ``k`` with exponential gains (2^grade - 1).

    The exponential form (Burges et al. 2005) is the one the msmarco-5k reference
    figures use; trec_eval's default uses linear gains and gives higher numbers.
    ``ranked_grades`` are the grades of the returned items in rank order;
    ``all_grades`` are the grades of every judged item, for the ideal ranking.
    """

    def dcg(grades: Sequence[float]) -> float:
        return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades[:k]) if g > 0)

    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked_grades) / ideal if ideal > 0 else 0.0


def recall(ranked_grades: Sequence[float], relevant_count: int, k: int = 100) -> float:
    """Share of the relevant items (grade > 0) found in the first ``k``."""
    if relevant_count == 0:
        return 0.0
    return sum(1 for g in ranked_grades[:k] if g > 0) / relevant_count


def reciprocal_rank(ranked_grades: Sequence[float], k: int = 10) -> float:
    """1 / rank of the first relevant item within the first ``k``, else 0."""
    for rank, grade in enumerate(ranked_grades[:k], start=1):
        if grade > 0:
            return 1.0 / rank
    return 0.0


def hit(ranked_grades: Sequence[float], k: int) -> float:
    """1 when a relevant item is among the first ``k``, else 0."""
    return 1.0 if any(g > 0 for g in ranked_grades[:k]) else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which ``share`` (0..1) of the values lie, by the nearest-rank method."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
