"""Ranking passages for a question: dense, lexical (BM25) and fused, with filters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, get_args

import faiss
import numpy as np

from index.lexical import analyse
from retrieval.errors import MAX_QUESTION_CHARS, QueryError
from retrieval.fusion import convex, reciprocal_rank
from retrieval.library import Library
from retrieval.records import Hit

Mode = Literal["hybrid", "dense", "bm25", "rrf"]
MODES: tuple[str, ...] = get_args(Mode)
RoleFilter = Literal["all", "answer", "question"]
ROLE_FILTERS: tuple[str, ...] = get_args(RoleFilter)
# How deep each ranker's list is read before fusing; fusion can only reorder what
# either ranker found, so this is several times the number of results shown.
CANDIDATES = 100


def check_question(question: str) -> str:
    """The question without surrounding white space; QueryError when it has no words or is too long."""
    question = question.strip()
    if not re.search(r"[^\W_]", question):  # nothing, or only invisible characters and punctuation
        raise QueryError("the question is empty (it has no words); type what you want to find")
    if len(question) > MAX_QUESTION_CHARS:
        raise QueryError(
            f"the question has {len(question):,} characters; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask about one thing at a time, or paste a quote on its own."
        )
    return question


def allowed_rows(library: Library, doc_ids: Sequence[str] | None, role: str) -> np.ndarray | None:
    """Rows that pass the document and role filters, or None when nothing is filtered."""
    if role not in ROLE_FILTERS:
        raise QueryError(f"role must be one of {', '.join(ROLE_FILTERS)}, not {role!r}")
    if doc_ids:
        unknown = sorted(set(doc_ids) - set(library.documents))
        if unknown:
            raise QueryError(f"unknown document id {', '.join(unknown)}; known: {', '.join(library.documents)}")
    if not doc_ids and role == "all":
        return None
    rows = [
        row
        for doc_id in dict.fromkeys(doc_ids or library.documents)
        for row in library.rows_by_document[doc_id]
        if role == "all" or library.passages[row].role == role
    ]
    return np.array(sorted(rows), dtype=np.int64)


def _dense_candidates(library: Library, vector: np.ndarray, rows: np.ndarray | None, depth: int) -> np.ndarray:
    params = None if rows is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
    _, labels = library.stored.faiss_index.search(vector[None, :], depth, params=params)
    return labels[0][labels[0] >= 0]  # FAISS pads with -1 when fewer rows exist


def lexical_scores(library: Library, question: str) -> np.ndarray:
    """BM25 score of every passage for the question (unique terms, each counted once)."""
    columns = [library.term_row[t] for t in set(analyse(question)) if t in library.term_row]
    if not columns:
        return np.zeros(len(library.passages), dtype=np.float32)
    return np.asarray(library.stored.bm25[columns].sum(axis=0)).ravel()


def _with_exchanges(library: Library, candidates: np.ndarray) -> np.ndarray:
    """The candidates plus every passage of each exchange (question and answers) they belong to."""
    exchanges = {library.exchange_of[row] for row in candidates.tolist() if row in library.exchange_of}
    partners = [row for exchange in exchanges for row in exchange.questions + exchange.answers]
    return np.unique(np.concatenate([candidates, np.array(partners, dtype=np.int64)]))


def questions_after_answers(library: Library, candidates: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Scores in which no question scores above the best answer it got.

    A questioner's words restate what the user asks without answering it; they
    point to the answer, which is what the user came for, so the answer comes
    first and the question right behind it. ``candidates`` must hold every
    passage of each exchange they touch (see ``_with_exchanges``).
    """
    position = {row: i for i, row in enumerate(candidates.tolist())}
    capped = score.astype(np.float64)
    for exchange in {library.exchange_of[row] for row in position if row in library.exchange_of}:
        best_answer = max(score[position[row]] for row in exchange.answers)
        for row in exchange.questions:
            capped[position[row]] = min(capped[position[row]], best_answer)
    return capped


def rank(
    library: Library,
    question: str,
    vector: np.ndarray,
    k: int = 10,
    doc_ids: Sequence[str] | None = None,
    role: str = "all",
    mode: str = "hybrid",
) -> list[Hit]:
    """The ``k`` best passages for the question, best first, within the filters.

    ``vector`` is the question's unit embedding. Filters are applied inside the
    search, so a filtered search returns ``k`` results whenever that many exist.
    In ``bm25`` mode only passages sharing a term with the question are ranked.
    """
    if mode not in MODES:
        raise QueryError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if k < 1:
        raise QueryError(f"the number of results must be at least 1, not {k}")
    rows = allowed_rows(library, doc_ids, role)
    if rows is not None and rows.size == 0:
        return []
    lexical_all = lexical_scores(library, question)
    depth = min(max(CANDIDATES, k), len(library.passages))
    dense_rows = _dense_candidates(library, vector, rows, depth)
    lexical_pool = rows if rows is not None else np.arange(len(library.passages))
    lexical_rows = lexical_pool[np.argsort(-lexical_all[lexical_pool], kind="stable")[:depth]]
    lexical_rows = lexical_rows[lexical_all[lexical_rows] > 0]
    candidates = np.unique(np.concatenate([dense_rows, lexical_rows]))
    if role != "question":
        candidates = _with_exchanges(library, candidates)
    dense = library.stored.passage_vectors[candidates] @ vector
    lexical = lexical_all[candidates]
    score = {"dense": dense, "bm25": lexical, "hybrid": convex(dense, lexical), "rrf": reciprocal_rank(dense, lexical)}[
        mode
    ]
    if role != "question":
        score = questions_after_answers(library, candidates, score)
    is_question = np.array([library.passages[row].role == "question" for row in candidates.tolist()])
    shown = np.ones(len(candidates), dtype=bool) if rows is None else np.isin(candidates, rows)
    if mode == "bm25":  # BM25 finds only passages that share a term with the question
        shown &= lexical > 0
    # Best first; on a tie an answer before a question, then reading order.
    order = [i for i in np.lexsort((candidates, is_question, -score)) if shown[i]][:k]
    return [
        Hit(
            passage=library.passages[candidates[i]],
            document=library.documents[library.passages[candidates[i]].doc_id],
            score=float(score[i]),
            dense=float(dense[i]),
        )
        for i in order
    ]
