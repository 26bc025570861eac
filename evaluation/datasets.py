"""Evaluation data: BEIR-layout folders and gold-quote question files."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from index.errors import VerbatimError
from retrieval.errors import MAX_QUESTION_CHARS


class DatasetError(VerbatimError):
    """An evaluation data set is missing a file or has a malformed line."""


@dataclass(frozen=True)
class BeirDataset:
    """A BEIR data set: passages, queries and graded judgements."""

    name: str
    folder: Path
    corpus: tuple[tuple[str, str, str], ...]  # (id, title, text)
    queries: dict[str, str]  # the judged queries only: a query without judgements cannot be scored
    qrels: dict[str, dict[str, int]]  # query id -> document id -> grade
    unjudged: int = 0  # queries of queries.jsonl left out for want of judgements


@dataclass(frozen=True)
class GoldQuestion:
    """A question with the quotes that answer it; no quotes means the library cannot answer it."""

    id: str
    question: str
    kind: str
    gold: tuple[tuple[str, str], ...]  # (document file name, exact quote)
    topic: str = ""


def _json_lines(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for every non-blank line."""
    rows = []
    # split("\n"), not splitlines(): JSON strings may hold U+0085 or U+2028, which splitlines() breaks on.
    for number, line in enumerate(_utf8(path).split("\n"), start=1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise DatasetError(f"{path}:{number}: not valid JSON ({err.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{path}:{number}: expected a JSON object, not {type(row).__name__}")
            rows.append((number, row))
    return rows


def _utf8(path: Path) -> str:
    """The file's text; a DatasetError when it is not UTF-8."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise DatasetError(f"{path} is not UTF-8 (byte {err.start}); save it with UTF-8 encoding") from None


def _field(path: Path, number: int, row: dict, key: str, required: bool = True, blank: bool = False) -> str:
    """The row's ``key`` as a string; a DatasetError naming the line when it is required and missing or blank.

    ``blank``: present but empty is allowed (a BEIR passage with a title and no text).
    """
    value = row.get(key)
    if value is None and required:
        raise DatasetError(f"{path}:{number}: {key!r} is missing")
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        raise DatasetError(f"{path}:{number}: {key!r} must be text, not {json.dumps(value)}")
    if (value is None or not str(value).strip()) and required and not blank:
        raise DatasetError(f"{path}:{number}: {key!r} is blank")
    return "" if value is None else str(value)


def _id(path: Path, number: int, row: dict, key: str, seen: set[str]) -> str:
    """A unique id without white space, which the TREC run format cannot hold."""
    value = _field(path, number, row, key)
    if any(c.isspace() for c in value):
        raise DatasetError(f"{path}:{number}: the id {value!r} contains white space, which a TREC run cannot hold")
    if value in seen:
        raise DatasetError(f"{path}:{number}: the id {value!r} is used twice")
    seen.add(value)
    return value


def _qrels(path: Path) -> dict[str, dict[str, int]]:
    """Judgements (query id -> document id -> grade) of a qrels file.

    Lines are BEIR's ``query-id corpus-id score`` or TREC's ``query-id 0 corpus-id score``
    (the official MS MARCO files), separated by tabs or spaces; the first line may
    be a header. Any other line is a DatasetError naming it: a misread line would
    silently change every figure.
    """
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(_utf8(path).removeprefix("\ufeff").splitlines(), start=1):
        row = line.split()
        if not row:
            continue
        if len(row) not in (3, 4):
            raise DatasetError(
                f"{path}:{number}: expected 3 columns (query-id corpus-id score) or 4 (query-id 0 corpus-id score), "
                f"not {len(row)}"
            )
        query, doc, written = (row[0], row[1], row[2]) if len(row) == 3 else (row[0], row[2], row[3])
        try:
            grade = float(written)  # "2", "-1" and "1.0" are grades
        except ValueError:
            if number == 1:  # only a first line of words is a header
                continue
            grade = math.nan
        if not grade.is_integer():
            raise DatasetError(f"{path}:{number}: the score {written!r} is not a whole number")
        qrels.setdefault(query, {})[doc] = int(grade)
    return qrels


def load_beir(folder: Path) -> BeirDataset:
    """Read ``corpus.jsonl``, ``queries.jsonl`` and ``qrels/test.tsv`` of a BEIR folder.

    Raises DatasetError naming the file and line of a missing or blank field, a
    duplicate id, or judgements that match no query.
    """
    for part in ("corpus.jsonl", "queries.jsonl", "qrels/test.tsv"):
        if not (folder / part).exists():
            raise DatasetError(f"{folder} is not a BEIR folder: {part} is missing")
    corpus_path, queries_path = folder / "corpus.jsonl", folder / "queries.jsonl"
    doc_ids: set[str] = set()
    corpus = tuple(
        (
            _id(corpus_path, n, r, "_id", doc_ids),
            _field(corpus_path, n, r, "title", False),
            _field(corpus_path, n, r, "text", blank=True),
        )
        for n, r in _json_lines(corpus_path)
    )
    query_ids: set[str] = set()
    queries = {
        _id(queries_path, n, r, "_id", query_ids): _field(queries_path, n, r, "text")
        for n, r in _json_lines(queries_path)
    }
    qrels = _qrels(folder / "qrels" / "test.tsv")
    judged = {q: t for q, t in queries.items() if q in qrels}
    if not judged:
        raise DatasetError(f"{folder}: no query of queries.jsonl has judgements in qrels/test.tsv")
    return BeirDataset(folder.name, folder, corpus, judged, qrels, len(queries) - len(judged))


def load_gold_questions(path: Path) -> tuple[GoldQuestion, ...]:
    """Read a gold-quote JSONL file (the format of ``eval/seed-qa-dev.jsonl``).

    Raises DatasetError naming the line of a missing or blank field, an empty
    quote, a duplicate id or a question over the length limit, and for a file
    without questions.
    """
    if not path.is_file():
        raise DatasetError(f"there is no file or folder {path}: give a BEIR folder or a gold-quote JSONL file")
    questions, ids = [], set()
    for number, row in _json_lines(path):
        gold = row.get("gold")
        if not isinstance(gold, list) or not all(isinstance(g, dict) for g in gold):
            raise DatasetError(f"{path}:{number}: 'gold' must be a list of {{'doc', 'quote'}} objects")
        if len(str(row.get("question", "")).strip()) > MAX_QUESTION_CHARS:
            raise DatasetError(f"{path}:{number}: the question is over the {MAX_QUESTION_CHARS:,}-character limit")
        questions.append(
            GoldQuestion(
                _id(path, number, row, "id", ids),
                _field(path, number, row, "question"),
                _field(path, number, row, "kind", False) or "single",
                tuple((_field(path, number, g, "doc"), _field(path, number, g, "quote")) for g in gold),
                _field(path, number, row, "topic", False),
            )
        )
    if not questions:
        raise DatasetError(f"{path} holds no questions")
    return tuple(questions)
