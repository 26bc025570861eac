"""Building the index: corpus folder → passages and sentences → embeddings → a stored build."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import faiss
import numpy as np

from index import store
from index.chunking import MIN_PASSAGE_TOKENS, chunk_document
from index.corpus import CorpusScan, doc_id_for, remove_orphan_texts, scan_corpus
from index.embedding import DEFAULT_MODEL, Embedder, content_hash
from index.errors import DocumentError, LibraryError, StoreError, VerbatimError
from index.fingerprint import PIPELINE_VERSION, corpus_fingerprint, text_digest
from index.lexical import bm25_matrix
from index.locks import exclusive_lock
from index.records import Document, Passage
from index.sentences import sentence_spans
from index.shingles import build_quote_index

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: how much it found, embedded, reused and could not read."""

    up_to_date: bool
    documents: int
    passages: int
    sentences: int
    embedded: int
    reused: int  # distinct texts whose embeddings came from the previous build
    seconds: float
    index_dir: Path
    problems: tuple[DocumentError, ...] = field(default=())
    unsearchable: tuple[str, ...] = ()  # files read without error that gave no passage

    def summary(self) -> str:
        """One line a person reads after a build."""
        if not self.documents:
            head = f"The library is empty; its index in {self.index_dir} was deleted"
        elif self.up_to_date:
            head = f"Index in {self.index_dir} is up to date: {self.documents} documents, {self.passages} passages"
        else:
            head = (
                f"Built index in {self.index_dir}: {self.documents} documents, {self.passages} passages, "
                f"{self.sentences} sentences; embedded {self.embedded} texts, reused {self.reused} "
                f"from the previous build in {self.seconds:.1f} s"
            )
        skipped = "".join(f"\n  skipped {p}" for p in self.problems)
        empty = "".join(f"\n  warning: {nothing_to_search(name)}" for name in self.unsearchable)
        return head + skipped + empty


def nothing_to_search(names: str) -> str:
    """Why a document gave no passage, and what to do about it."""
    return (
        f"nothing to search in {names}: every line was taken for a heading or boilerplate "
        "(a line without a full stop reads as a heading); add the text in sentences"
    )


def _indexed(documents: tuple[Document, ...], previous: dict, now: str) -> dict:
    """Each document's file name, text digest and when its current text was first indexed: kept from
    the last build if unchanged."""
    entries = {}
    for document in documents:
        digest = text_digest(document)
        before = previous.get(document.doc_id, {})
        entries[document.doc_id] = {
            "file": Path(document.original or document.source).name,
            "sha256": digest,
            "at": before["at"] if before.get("sha256") == digest else now,
        }
    return entries


def _model_of(index_dir: Path) -> str:
    """The model the current build was made with; the default model when there is none to read."""
    try:
        return store.read_manifest(index_dir)["model"]
    except StoreError:
        return DEFAULT_MODEL


def _previous_vectors(index_dir: Path, model_name: str) -> dict[str, np.ndarray]:
    """Embeddings of the current build by content hash: the cache a rebuild draws on."""
    try:
        previous = store.read_index(index_dir)
    except StoreError:
        return {}
    if previous.manifest.get("model") != model_name:
        return {}
    cache = dict(zip(previous.passage_hashes, previous.passage_vectors, strict=True))
    cache.update(zip(previous.sentence_hashes, previous.sentence_vectors, strict=True))
    cache.update(zip(previous.context_hashes, previous.context_vectors, strict=True))
    return cache


def _embed_with_cache(
    texts: list[str], embedder: Embedder, cache: dict[str, np.ndarray], stage: str, progress: Progress | None
) -> tuple[np.ndarray, list[str], int]:
    hashes = [content_hash(embedder.model_name, t) for t in texts]
    missing = sorted({h: i for i, h in enumerate(hashes) if h not in cache}.values())
    if missing:
        new = embedder.encode(
            [texts[i] for i in missing], progress=(lambda d, t: progress(stage, d, t)) if progress else None
        )
        cache.update(zip((hashes[i] for i in missing), new, strict=True))
    vectors = np.stack([cache[h] for h in hashes]) if hashes else np.zeros((0, embedder.dimension), np.float32)
    return vectors.astype(np.float32), hashes, len(missing)


def _sentences_in_context(
    spans: list[tuple[int, int, int]], passages: list[Passage], by_id: dict[str, Document]
) -> list[str]:
    """Each sentence with the sentence before it in the same speaker turn; alone when it opens the turn.

    An answer often leans on the sentence before ("This document had been in
    development for three years"); read alone, it has lost what it is about. A
    paragraph break inside one answer does not end what it refers to ("Considering
    the circumstances, ..."), so the sentence before may close the previous passage.
    """
    texts = []
    for i, (row, start, end) in enumerate(spans):
        previous = spans[i - 1] if i else None
        same_turn = previous is not None and (
            previous[0] == row or (previous[0] == row - 1 and passages[row - 1].turn_key == passages[row].turn_key)
        )
        context_start = previous[1] if same_turn else start
        texts.append(by_id[passages[row].doc_id].text[context_start:end])
    return texts


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    model_name: str | None = None,
    progress: Progress | None = None,
    after_removal: bool = False,
) -> BuildReport:
    """Bring the index in ``index_dir`` up to date with ``corpus_dir``.

    ``model_name`` None keeps the model the index was built with (the default model
    for a new index): adding a document never re-embeds the library with another.
    An index whose fingerprint matches is left alone and nothing is embedded;
    otherwise only texts whose content hash is not in the current build are
    embedded. Unreadable new files are skipped and reported; a file already indexed
    that can no longer be read (or whose metadata is wrong) stops the build with a
    LibraryError, since skipping it would drop its document, except after a removal.
    ``after_removal`` says the caller has just removed a document: if none is
    left, or the documents left give nothing to search, the index is deleted,
    since it still holds the removed text. Otherwise an empty corpus folder
    (perhaps a mistyped one) is an error and the index is kept.
    """
    # The corpus is read under the lock too: two sessions adding documents at once
    # must not each build from a listing that misses the other's file.
    with exclusive_lock(index_dir):
        indexed = store.indexed_files(index_dir)
        scan = scan_corpus(corpus_dir, indexed=indexed)
        remove_orphan_texts(corpus_dir)
        # A file that fails while another was indexed under its id (a.txt put beside a.md) loses
        # nothing: it is skipped and reported. A build that recorded no file name is taken to hold it.
        lost = [p for p in scan.problems if indexed.get(doc_id_for(Path(p.path))) in ("", Path(p.path).name)]
        # Skipping the file would drop its document from the index; but a removed document's
        # words must leave it, so after a removal the file is skipped and reported instead.
        if lost and not after_removal:
            raise LibraryError(
                "".join(f"{problem}\n" for problem in lost)
                + "the index still holds "
                + ("this document" if len(lost) == 1 else "these documents")
                + " as last built and was left as it was: fix the file or its metadata, or remove it with "
                "python -m index remove DOC_ID, then build again"
            )
        if not scan.documents and after_removal:
            store.delete_index(index_dir)
            return BuildReport(False, 0, 0, 0, 0, 0, 0.0, index_dir, scan.problems)
        if not scan.documents:
            problems = "".join(f"\n  {p}" for p in scan.problems)
            raise LibraryError(
                f"no readable documents in {corpus_dir}{problems}\n"
                "add some with: python -m index add PATH..., or on the app's Library page"
            )
        try:
            return _build_locked(scan, index_dir, model_name, progress, with_sentences=True)
        except LibraryError as err:
            # Nothing left to search. An interrupted build, by contrast, keeps the old
            # one and its embeddings: the next build replaces it.
            if not after_removal:
                raise
            store.delete_index(index_dir)
            raise LibraryError(f"{err}\nthe index was deleted: it still held the removed document's text") from None
        except VerbatimError as err:  # the model would not load, say
            if not after_removal:
                raise
            kept = "an index built before still holds the removed document's text until a build succeeds"
            raise LibraryError(f"{err}\n{kept}") from err


def build_from_scan(
    scan: CorpusScan,
    index_dir: Path,
    model_name: str | None = None,
    progress: Progress | None = None,
    with_sentences: bool = True,
) -> BuildReport:
    """Bring the index in ``index_dir`` up to date with already-read documents.

    Without sentences, answer sentences are unavailable but a large evaluation
    corpus is embedded in less than half the time. ``model_name`` as for ``build_index``.
    """
    with exclusive_lock(index_dir):
        return _build_locked(scan, index_dir, model_name, progress, with_sentences)


def _build_locked(
    scan: CorpusScan, index_dir: Path, model_name: str | None, progress: Progress | None, with_sentences: bool
) -> BuildReport:
    began = time.perf_counter()
    model_name = model_name or _model_of(index_dir)
    fingerprint = corpus_fingerprint(scan.documents, model_name, with_sentences)
    try:
        # Verified, not only read: a build with a damaged file is built again, not called up to date.
        manifest = store.verify_index(index_dir)
    except StoreError:
        manifest = {}
    if manifest.get("corpus_fingerprint") == fingerprint:
        return BuildReport(
            True,
            manifest["document_count"],
            manifest["passage_count"],
            manifest["sentence_count"],
            0,
            0,
            time.perf_counter() - began,
            index_dir,
            scan.problems,
            tuple(manifest.get("unsearchable", ())),
        )
    embedder = Embedder(model_name)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    documents = tuple(loaded.document for loaded in scan.documents)
    passages: list[Passage] = []
    for number, loaded in enumerate(scan.documents, start=1):
        if progress:
            progress("reading", number, len(scan.documents))
        passages += chunk_document(loaded.document, loaded.settings, embedder.count_tokens, embedder.passage_budget)
    if not passages:
        raise LibraryError(nothing_to_search(", ".join(Path(d.source).name for d in documents)))
    searchable = {p.doc_id for p in passages}
    unsearchable = tuple(Path(d.original or d.source).name for d in documents if d.doc_id not in searchable)
    by_id = {d.doc_id: d for d in documents}
    spans = (
        []
        if not with_sentences
        else [
            (row, s, e)
            for row, p in enumerate(passages)
            for s, e in sentence_spans(by_id[p.doc_id].text, p.start, p.end)
        ]
    )

    cache = _previous_vectors(index_dir, model_name)
    from_previous = set(cache)
    passage_vectors, passage_hashes, new_passages = _embed_with_cache(
        [p.text for p in passages], embedder, cache, "passages", progress
    )
    sentence_vectors, sentence_hashes, new_sentences = _embed_with_cache(
        [by_id[passages[row].doc_id].text[s:e] for row, s, e in spans], embedder, cache, "sentences", progress
    )
    context_vectors, context_hashes, new_contexts = _embed_with_cache(
        _sentences_in_context(spans, passages, by_id), embedder, cache, "sentences in context", progress
    )
    faiss_index = faiss.IndexFlatIP(embedder.dimension)
    faiss_index.add(passage_vectors)
    vocabulary, bm25 = bm25_matrix([p.text for p in passages])
    embedded = new_passages + new_sentences + new_contexts
    stored = store.StoredIndex(
        manifest={
            "model": model_name,
            "dimension": embedder.dimension,
            "normalized": True,
            "metric": "inner_product",
            "pipeline_version": PIPELINE_VERSION,
            "passage_token_budget": embedder.passage_budget,
            "min_passage_tokens": MIN_PASSAGE_TOKENS,
            "corpus_fingerprint": fingerprint,
            "document_count": len(documents),
            "passage_count": len(passages),
            "sentence_count": len(spans),
            "unsearchable": list(unsearchable),
            "created": now,
            "indexed": _indexed(documents, manifest.get("indexed", {}), now),
            "versions": {name: version(name) for name in ("sentence-transformers", "faiss-cpu", "numpy")},
        },
        documents=documents,
        passages=tuple(passages),
        passage_vectors=passage_vectors,
        passage_hashes=tuple(passage_hashes),
        sentence_spans=np.array(spans, dtype=np.int64).reshape(-1, 3),
        sentence_vectors=sentence_vectors,
        sentence_hashes=tuple(sentence_hashes),
        context_vectors=context_vectors,
        context_hashes=tuple(context_hashes),
        vocabulary=tuple(vocabulary),
        bm25=bm25,
        faiss_index=faiss_index,
        quotes=build_quote_index([d.text for d in documents]),
    )
    if progress:
        progress("saving", 0, 1)
    store.write_index(index_dir, stored)
    return BuildReport(
        False,
        len(documents),
        len(passages),
        len(spans),
        embedded,
        len(from_previous.intersection([*passage_hashes, *sentence_hashes, *context_hashes])),
        time.perf_counter() - began,
        index_dir,
        scan.problems,
        unsearchable,
    )
