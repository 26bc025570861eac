"""Writing rankings in the TREC run format, which trec_eval, pytrec_eval and ranx read."""

from __future__ import annotations

from pathlib import Path

from evaluation.runner import Run

# The smallest step between two written scores (they are written with six decimals).
SCORE_STEP = 1e-6


def write_run(path: Path, run: Run, tag: str) -> None:
    """One line per ranked item: ``qid Q0 docid rank score tag``, ranks from 1, best first.

    trec_eval and its kin ignore the rank column and sort by score, breaking ties by
    document id; so tied scores (a question passage capped at its answer's, equal
    reciprocal ranks) are written one ``SCORE_STEP`` apart, and any scorer sees
    exactly the ranking Verbatim showed.
    """
    with path.open("w", encoding="utf-8") as out:
        for qid, ranking in run.items():
            previous = None
            for rank, (doc_id, score) in enumerate(ranking, start=1):
                written = round(score, 6)
                if previous is not None and written >= previous:
                    written = round(previous - SCORE_STEP, 6)
                previous = written
                out.write(f"{qid} Q0 {doc_id} {rank} {written:.6f} {tag}\n")
