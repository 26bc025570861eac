"""Evaluation data: BEIR-layout folders and gold-quote question files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from index.errors import VerbatimError


class DatasetError(VerbatimError):
    """An evaluation data set is missing a file or has a malformed line."""


@dataclass(frozen=True)
class BeirDataset:
    """A BEIR data set: passages, queries and graded judgements."""

    name: str
    folder: Path
    corpus: tuple[tuple[str, str, str], ...]  # (id, title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id -> document id -> grade


@dataclass(frozen=True)
class GoldQuestion:
    """A question with the quotes that answer it; no quotes means the library cannot answer it."""

    id: str
    question: str
    kind: str
    gold: tuple[tuple[str, str], ...]  # (document file name, exact quote)
    topic: str = ""


def _json_lines(path: Path) -> list[dict]:
    rows = []
    # split("\n"), not splitlines(): JSON strings may hold U+0085 or U+2028, which splitlines() breaks on.
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise DatasetError(f"{path}:{number}: not valid JSON ({err.msg})") from None
    return rows


def is_beir(path: Path) -> bool:
    """True for a folder in the BEIR layout."""
    return path.is_dir() and (path / "corpus.jsonl").exists()


def load_beir(folder: Path) -> BeirDataset:
    """Read ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/test.tsv`` of a BEIR folder."""
    for part in ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv"):
        if not (folder / part).exists():
            raise DatasetError(f"{folder} is not a BEIR folder: {part} is missing")
    corpus = tuple((str(r["_id"]), r.get("title") or "", r["text"]) for r in _json_lines(folder / "corpus.jsonl"))
    queries = {str(r["_id"]): r["text"] for r in _json_lines(folder / "queries.jsonl")}
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / "test.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            # BEIR files usually start with a header line, but not all do: skip any line without a grade.
            if len(row) >= 3 and row[2].strip().lstrip("-").isdigit():
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return BeirDataset(folder.name, folder, corpus, {q: t for q, t in queries.items() if q in qrels}, qrels)


def load_gold_questions(path: Path) -> tuple[GoldQuestion, ...]:
    """Read a gold-quote JSONL file (the format of ``eval/seed-qa-dev.jsonl``)."""
    if not path.is_file():
        raise DatasetError(f"{path} is neither a gold-quote JSONL file nor a BEIR folder")
    questions = []
    for row in _json_lines(path):
        try:
            gold = tuple((g["doc"], g["quote"]) for g in row["gold"])
            questions.append(
                GoldQuestion(row["id"], row["question"], row.get("kind", "single"), gold, row.get("topic", ""))
            )
        except (KeyError, TypeError):
            raise DatasetError(f"{path}: question {row.get('id', '?')} lacks id, question or gold") from None
    return tuple(questions)
