"""Running an evaluation: every question in every mode, scored, timed and kept as a run."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evaluation import metrics
from evaluation.datasets import BeirDataset, DatasetError, GoldQuestion
from index.build import Progress, build_from_scan
from index.corpus import PROJECT_ROOT, CorpusScan, DocumentSettings, LoadedDocument
from index.records import Document
from retrieval import Library, ask
from retrieval.errors import MAX_QUESTION_CHARS

Run = dict[str, list[tuple[str, float]]]  # query id -> (document or passage id, score), best first


@dataclass
class ModeResult:
    """One mode's averaged metrics, per-query latencies in ms, and its ranking of every query."""

    mode: str
    metrics: dict[str, float] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    run: Run = field(default_factory=dict)

    @property
    def latency(self) -> dict[str, float]:
        """p50 and p95 of the query latencies, in milliseconds."""
        return {
            "p50_ms": metrics.percentile(self.latencies_ms, 0.5),
            "p95_ms": metrics.percentile(self.latencies_ms, 0.95),
        }


def _warm_up(library: Library) -> None:
    """One untimed question, so the model and the library's lookup tables are loaded before timing."""
    ask(library, "warm up", sentences=1)


def beir_library(
    dataset: BeirDataset, cache_root: Path, model: str | None = None, progress: Progress | None = None
) -> Library:
    """The data set's own index, built once into ``cache_root`` and reused while its corpus is unchanged.

    Each BEIR passage is a document of plain prose, its title (as BEIR's own
    runs do) its first paragraph; no answer sentences are embedded, since BEIR
    judges passages only. A passage with neither title nor text is left out. ``model``
    as for ``index.build_index``.
    """
    documents = tuple(
        LoadedDocument(
            Document(
                doc_id=doc_id,
                source=str(dataset.folder / "corpus.jsonl"),
                title=title,
                short_title=title,
                text="\n\n".join(part for part in (title, text) if part.strip()),
            ),
            DocumentSettings(structured=False),
        )
        for doc_id, title, text in dataset.corpus
        if (title + text).strip()
    )
    if not documents:
        raise DatasetError(f"{dataset.folder / 'corpus.jsonl'} has no passage with text")
    digest = hashlib.sha256((dataset.folder / "corpus.jsonl").read_bytes()).hexdigest()[:12]
    index_dir = cache_root / f"beir-{dataset.name}-{digest}"
    build_from_scan(CorpusScan(documents, ()), index_dir, model, progress, with_sentences=False)
    return Library.open(index_dir)


def asked_query(query: str) -> str:
    """The query as asked: cut to the length a question may have (some BEIR sets hold whole
    essays as queries; the model reads only their first few hundred word pieces anyway)."""
    return query[:MAX_QUESTION_CHARS]


def evaluate_beir(library: Library, dataset: BeirDataset, modes: Sequence[str], depth: int = 100) -> list[ModeResult]:
    """nDCG@10, Recall@100 and MRR@10 of each mode, documents ranked by their best passage."""
    _warm_up(library)
    results = []
    for mode in modes:
        result = ModeResult(mode)
        totals = {"nDCG@10": 0.0, "Recall@100": 0.0, "MRR@10": 0.0}
        for qid, query in dataset.queries.items():
            began = time.perf_counter()
            answer = ask(library, asked_query(query), k=depth, mode=mode, sentences=0)
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            ranking: list[tuple[str, float]] = []
            for hit in answer.hits:
                if hit.passage.doc_id not in {doc for doc, _ in ranking}:
                    ranking.append((hit.passage.doc_id, hit.score))
            result.run[qid] = ranking
            judged = dataset.qrels[qid]
            grades = [judged.get(doc, 0) for doc, _ in ranking]
            totals["nDCG@10"] += metrics.ndcg(grades, list(judged.values()), 10)
            totals["Recall@100"] += metrics.recall(grades, sum(1 for g in judged.values() if g > 0), 100)
            totals["MRR@10"] += metrics.reciprocal_rank(grades, 10)
        result.metrics = {name: total / len(dataset.queries) for name, total in totals.items()}
        results.append(result)
    return results


def gold_spans(library: Library, question: GoldQuestion) -> list[tuple[str, int, int]]:
    """Every place each gold quote stands: (doc id, start, end), in the document of that file name or,
    when no document has it, in any document; a quote said twice is found at either place."""
    spans = []
    for file_name, quote in question.gold:
        named = [d for d in library.documents.values() if Path(d.source).name == file_name]
        found = [
            (d.doc_id, m.start(), m.end())
            for d in named or library.documents.values()
            for m in re.finditer(re.escape(quote), d.text)
        ]
        if not found:
            where = file_name if named else "any document of the library"
            raise DatasetError(f"question {question.id}: the quote {quote[:60]!r}… is not in {where}")
        spans += found
    return spans


def _grades(items: Sequence[tuple[str, int, int]], golds: list[tuple[str, int, int]]) -> list[float]:
    return [
        1.0 if any(doc == g_doc and start < g_end and g_start < end for g_doc, g_start, g_end in golds) else 0.0
        for doc, start, end in items
    ]


def _source_text(document: Document) -> str:
    path = Path(document.source)
    return (path if path.is_absolute() else PROJECT_ROOT / path).read_bytes().decode("utf-8")


def evaluate_gold(library: Library, questions: Sequence[GoldQuestion], modes: Sequence[str]) -> list[ModeResult]:
    """R@1, R@5, MRR@10 of passages and answer-sentence@1/@3 on answerable questions; answerability on all.

    A passage or sentence counts when its span overlaps a gold quote's span.
    "spans exact" is the share of answers whose every passage and sentence is,
    character for character, the source file's text at the cited span (read from
    the file itself, not from the index).
    """
    sources = {doc_id: _source_text(document) for doc_id, document in library.documents.items()}
    answerable = [(q, gold_spans(library, q)) for q in questions if q.gold]
    unanswerable = [q for q in questions if not q.gold]
    _warm_up(library)
    results = []
    for mode in modes:
        result = ModeResult(mode)
        names = ["R@1", "R@5", "MRR@10", "answer-sentence@1", "answer-sentence@3", "answered", "spans exact"]
        sums = dict.fromkeys(names, 0.0)
        for question, golds in answerable:
            began = time.perf_counter()
            answer = ask(library, question.question, k=10, mode=mode)
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            result.run[question.id] = [(h.passage.passage_id, h.score) for h in answer.hits]
            passages = _grades([(h.passage.doc_id, h.passage.start, h.passage.end) for h in answer.hits], golds)
            sentences = _grades([(s.passage.doc_id, s.start, s.end) for s in answer.sentences], golds)
            sums["R@1"] += metrics.hit(passages, 1)
            sums["R@5"] += metrics.hit(passages, 5)
            sums["MRR@10"] += metrics.reciprocal_rank(passages, 10)
            sums["answer-sentence@1"] += metrics.hit(sentences, 1)
            sums["answer-sentence@3"] += metrics.hit(sentences, 3)
            sums["answered"] += answer.answerable
            cited = [(h.passage.doc_id, h.passage.start, h.passage.end, h.passage.text) for h in answer.hits]
            cited += [(s.passage.doc_id, s.start, s.end, s.text) for s in answer.sentences]
            sums["spans exact"] += all(sources[doc][start:end] == text for doc, start, end, text in cited)
        result.metrics = {name: total / len(answerable) for name, total in sums.items()} if answerable else {}
        by_topic: dict[str, list[bool]] = {}
        for question in unanswerable:
            began = time.perf_counter()
            answer = ask(library, question.question, k=10, mode=mode)
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            result.run[question.id] = [(h.passage.passage_id, h.score) for h in answer.hits]
            by_topic.setdefault(question.topic or "unanswerable", []).append(not answer.answerable)
        for topic, flags in sorted(by_topic.items()):
            result.metrics[f"recognised unanswerable: {topic}"] = sum(flags) / len(flags)
        if unanswerable:
            flags = [f for topic_flags in by_topic.values() for f in topic_flags]
            result.metrics["recognised unanswerable"] = sum(flags) / len(flags)
        results.append(result)
    return results
