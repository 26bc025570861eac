"""Writing rankings in the TREC run format, which trec_eval, pytrec_eval and ranx read."""

from __future__ import annotations

from pathlib import Path

from evaluation.runner import Run


def write_run(path: Path, run: Run, tag: str) -> None:
    """One line per ranked item: ``qid Q0 docid rank score tag``, ranks from 1, best first."""
    with path.open("w", encoding="utf-8") as out:
        for qid, ranking in run.items():
            for rank, (doc_id, score) in enumerate(ranking, start=1):
                out.write(f"{qid} Q0 {doc_id} {rank} {score:.6f} {tag}\n")
