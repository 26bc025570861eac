"""The on-disk index: a directory of plain files, switched into place atomically.

Layout of a data directory::

    CURRENT                 {"build": NAME}: the one build that readers load
    builds/NAME/            one complete build
        manifest.json       format version, model, dimension, fingerprint, file checksums
        documents.json      documents with their full text (the text spans point into)
        passages.json       passage records, in FAISS row order
        passage_vectors.npy, sentence_vectors.npy, sentence_spans.npy, bm25_*.npy
        context_vectors.npy each sentence read after the one before it in its speaker turn
        quote_*.npy         the quote index: word spans and three-word-run hashes
        *_hashes.json       content hashes of passages, sentences, contexts: the embedding cache
        vocabulary.json     BM25 terms, the rows of the BM25 matrix
        passages.faiss      inner-product FAISS index over the unit passage vectors

A build is written to a temporary directory, renamed, and only then named in
``CURRENT`` (itself replaced atomically), so a reader never sees a half-written
build and a crash leaves the previous one in force. Nothing is pickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from scipy import sparse

from index.errors import DiskError, IndexFormatError, IndexMissingError, StoreError
from index.files import write_atomically
from index.records import Document, Passage
from index.shingles import QuoteIndex

FORMAT_VERSION = 3
CURRENT_FILE = "CURRENT"
QUOTE_PARTS = ("token_spans", "token_docs", "shingle_hashes", "shingle_tokens")
BUILDS_DIR = "builds"
# How often a reader starts again when a writer replaced the build it was reading.
READ_ATTEMPTS = 3


@dataclass(frozen=True)
class StoredIndex:
    """Everything one build holds, as loaded in memory. Treat it as read-only."""

    manifest: dict
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    passage_vectors: np.ndarray  # float32 (passages, dimension), unit rows
    passage_hashes: tuple[str, ...]
    sentence_spans: np.ndarray  # int64 (sentences, 3): passage row, start, end
    sentence_vectors: np.ndarray  # float32 (sentences, dimension), unit rows
    sentence_hashes: tuple[str, ...]
    # float32 (sentences, dimension), unit rows: each sentence embedded together with
    # the sentence before it in its speaker turn, or alone when it opens the turn
    context_vectors: np.ndarray
    context_hashes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    bm25: sparse.csr_matrix  # (terms, passages)
    faiss_index: faiss.Index
    quotes: QuoteIndex


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _fsync_tree(directory: Path) -> None:
    for path in directory.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def write_index(data_dir: Path, stored: StoredIndex) -> Path:
    """Write a complete build and make it the current one; returns its directory.

    Older builds are removed only after the switch, so an interruption at any
    point leaves a loadable index behind. When the disk refuses a write, the
    unfinished build is removed and DiskError says the earlier index is unchanged.
    """
    builds = data_dir / BUILDS_DIR
    written = None
    try:
        builds.mkdir(parents=True, exist_ok=True)
        written = Path(tempfile.mkdtemp(dir=builds, prefix=".staging-"))
        manifest = _write_build_files(written, stored)
        final = builds / f"build-{manifest['corpus_fingerprint'][:12]}-{os.getpid()}-{written.name[-8:]}"
        os.rename(written, final)
        written = final
        write_atomically(data_dir / CURRENT_FILE, json.dumps({"build": final.name}).encode("utf-8"))
    except (OSError, DiskError) as err:
        if written is not None:
            shutil.rmtree(written, ignore_errors=True)
        refused = err if isinstance(err, OSError) else err.__cause__  # DiskError wraps the OSError
        reason = refused.strerror or str(refused)
        raise DiskError(
            f"cannot write the index in {data_dir} ({reason}): is the disk full or read-only? "
            "Any index built before is unchanged. Free some space, or choose another --index folder, and build again"
        ) from err
    for old in builds.iterdir():
        if old.name != final.name:
            shutil.rmtree(old, ignore_errors=True)
    return final


def _write_build_files(folder: Path, stored: StoredIndex) -> dict:
    """Every file of a build, its manifest last, flushed to the disk; returns the manifest written."""
    np.save(folder / "passage_vectors.npy", stored.passage_vectors, allow_pickle=False)
    np.save(folder / "sentence_vectors.npy", stored.sentence_vectors, allow_pickle=False)
    np.save(folder / "sentence_spans.npy", stored.sentence_spans, allow_pickle=False)
    np.save(folder / "context_vectors.npy", stored.context_vectors, allow_pickle=False)
    for part in ("data", "indices", "indptr"):
        np.save(folder / f"bm25_{part}.npy", getattr(stored.bm25, part), allow_pickle=False)
    for part in QUOTE_PARTS:
        np.save(folder / f"quote_{part}.npy", getattr(stored.quotes, part), allow_pickle=False)
    _write_json(folder / "documents.json", [d.to_dict(with_text=True) for d in stored.documents])
    _write_json(folder / "passages.json", [p.to_dict() for p in stored.passages])
    _write_json(folder / "passage_hashes.json", list(stored.passage_hashes))
    _write_json(folder / "sentence_hashes.json", list(stored.sentence_hashes))
    _write_json(folder / "context_hashes.json", list(stored.context_hashes))
    _write_json(folder / "vocabulary.json", list(stored.vocabulary))
    # Serialised here rather than by faiss.write_index, so a refused write is an OSError like the others.
    (folder / "passages.faiss").write_bytes(faiss.serialize_index(stored.faiss_index).tobytes())
    manifest = dict(stored.manifest, format_version=FORMAT_VERSION)
    manifest["files"] = {p.name: _sha256(p) for p in sorted(folder.iterdir())}
    _write_json(folder / "manifest.json", manifest)
    _fsync_tree(folder)
    return manifest


def delete_index(data_dir: Path) -> None:
    """Remove every build and the ``CURRENT`` pointer: the index, with the text it holds, is gone.

    ``CURRENT`` goes first, so a reader finds no index rather than a half-deleted one.
    """
    (data_dir / CURRENT_FILE).unlink(missing_ok=True)
    shutil.rmtree(data_dir / BUILDS_DIR, ignore_errors=True)


def current_build(data_dir: Path) -> Path:
    """The directory of the build ``CURRENT`` names; IndexMissingError when there is none."""
    pointer = data_dir / CURRENT_FILE
    if not pointer.exists():
        raise IndexMissingError(f"no index in {data_dir}", "build one")
    try:
        name = json.loads(pointer.read_text(encoding="utf-8"))["build"]
    except (ValueError, KeyError, TypeError):
        raise IndexFormatError(f"{pointer} is damaged") from None
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        raise IndexFormatError(f"{pointer} names an invalid build {name!r}")
    return data_dir / BUILDS_DIR / name


# What a manifest must say, and in what type: without it no build can be checked or used.
MANIFEST_FIELDS = {
    "model": str,
    "dimension": int,
    "corpus_fingerprint": str,
    "document_count": int,
    "passage_count": int,
    "sentence_count": int,
    "files": dict,
}


def read_manifest(data_dir: Path, build: Path | None = None) -> dict:
    """The manifest of ``build`` (by default the current one), once its format version is this
    Verbatim's, it holds every field of ``MANIFEST_FIELDS`` with the right type, and its ``indexed``
    documents, when it has them, are objects."""
    build = build or current_build(data_dir)
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexFormatError(f"the index in {data_dir} has no readable manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        found = manifest.get("format_version") if isinstance(manifest, dict) else None
        raise IndexFormatError(
            f"the index in {data_dir} has format version {found!r}; this Verbatim reads version {FORMAT_VERSION}"
        )
    for key, kind in MANIFEST_FIELDS.items():
        # bool is an int to Python, never a count
        if not isinstance(manifest.get(key), kind) or isinstance(manifest.get(key), bool):
            raise IndexFormatError(
                f"the manifest of the index in {data_dir} is damaged: {key!r} is missing or not {kind.__name__}"
            )
    indexed = manifest.get("indexed", {})  # what each document's file was; older builds lack it
    if not isinstance(indexed, dict) or not all(isinstance(entry, dict) for entry in indexed.values()):
        raise IndexFormatError(
            f"the manifest of the index in {data_dir} is damaged: 'indexed' is not an object of documents"
        )
    return manifest


# Files every build has; a manifest that lists none of its files would otherwise verify nothing.
ESSENTIAL_FILES = frozenset({"documents.json", "passages.json", "passage_vectors.npy"})


def verify_index(data_dir: Path, build: Path | None = None) -> dict:
    """The manifest of ``build`` (by default the current one), once every file it lists matches its checksum.

    Raises IndexFormatError for a missing or damaged file, for a manifest that
    does not list the files a build must have, and for vectors of another dimension than it says.
    """
    build = build or current_build(data_dir)
    manifest = read_manifest(data_dir, build)
    files = manifest["files"]
    if not set(files) >= ESSENTIAL_FILES:
        raise IndexFormatError(f"the manifest of {build} does not list the build's files")
    for name, expected in files.items():
        path = build / name
        if not path.exists() or _sha256(path) != expected:
            raise IndexFormatError(f"index file {path} is missing or damaged")
    shape = np.load(build / "passage_vectors.npy", mmap_mode="r", allow_pickle=False).shape  # reads the header only
    if len(shape) != 2 or shape[1] != manifest["dimension"]:
        raise IndexFormatError(
            f"the index in {data_dir} holds vectors of shape {shape}, but its manifest says "
            f"{manifest['dimension']} dimensions"
        )
    return manifest


def indexed_files(data_dir: Path) -> dict[str, str]:
    """The documents of the current build: each id with the name of the file it was read from ("" from
    a build that did not record it); none when there is no readable build."""
    try:
        return files_of(read_manifest(data_dir))
    except StoreError:
        return {}


def files_of(manifest: dict) -> dict[str, str]:
    """The documents a build's manifest lists, each id with the name of the file it was read from
    ("" where it recorded none)."""
    return {doc_id: str(entry.get("file", "")) for doc_id, entry in manifest.get("indexed", {}).items()}


def read_index(data_dir: Path) -> StoredIndex:
    """Load the current build, verifying every file against the manifest's checksums.

    A build that another process replaces while it is being read (the writer then
    deletes it) is given up for the new current one.
    """
    for _ in range(READ_ATTEMPTS):
        build = current_build(data_dir)
        try:
            return _read_build(data_dir, build)
        except (OSError, RuntimeError, ValueError, IndexFormatError) as err:
            if current_build(data_dir) == build:  # not replaced: really missing or damaged
                if isinstance(err, IndexFormatError):
                    raise
                raise IndexFormatError(f"the index in {build} cannot be read ({err})") from None
    raise IndexFormatError(f"the index in {data_dir} kept changing while being read", "try again", by_building=False)


def _read_build(data_dir: Path, build: Path) -> StoredIndex:
    manifest = verify_index(data_dir, build)

    def load_json(name: str):
        return json.loads((build / name).read_text(encoding="utf-8"))

    def load_array(name: str) -> np.ndarray:
        return np.load(build / name, allow_pickle=False)

    passages = tuple(Passage.from_dict(p) for p in load_json("passages.json"))
    vocabulary = tuple(load_json("vocabulary.json"))
    bm25 = sparse.csr_matrix(
        (load_array("bm25_data.npy"), load_array("bm25_indices.npy"), load_array("bm25_indptr.npy")),
        shape=(len(vocabulary), len(passages)),
    )
    return StoredIndex(
        manifest=manifest,
        documents=tuple(Document.from_dict(d) for d in load_json("documents.json")),
        passages=passages,
        passage_vectors=load_array("passage_vectors.npy"),
        passage_hashes=tuple(load_json("passage_hashes.json")),
        sentence_spans=load_array("sentence_spans.npy"),
        sentence_vectors=load_array("sentence_vectors.npy"),
        sentence_hashes=tuple(load_json("sentence_hashes.json")),
        context_vectors=load_array("context_vectors.npy"),
        context_hashes=tuple(load_json("context_hashes.json")),
        vocabulary=vocabulary,
        bm25=bm25,
        faiss_index=faiss.read_index(str(build / "passages.faiss")),
        quotes=QuoteIndex(**{part: load_array(f"quote_{part}.npy") for part in QUOTE_PARTS}),
    )
