"""Shared fixtures: the real bundled model, the bundled corpus indexed once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import PROJECT_ROOT
from index.build import build_index
from index.corpus import scan_corpus
from index.embedding import Embedder
from retrieval import Library

DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
SEED_QA = PROJECT_ROOT / "eval" / "seed-qa-dev.jsonl"  # a copy of shared/eval/seed-qa-dev.jsonl
SHARED_CORPUS_NAMES = {
    "000_bb5b8ef9af105d87.txt": "mfa-answers-2024-diplomacy",
    "002_8a7bd6b9c703a622.txt": "duma-government-hour-2025-02-19",
}


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2, loaded once."""
    embedder = Embedder()
    _ = embedder.model
    return embedder


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    """The bundled corpus, built into a fresh data directory once per session."""
    index_dir = tmp_path_factory.mktemp("bundled") / "index"
    build_index(DEFAULT_CORPUS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def library(bundled_index) -> Library:
    """The bundled library, opened for reading."""
    return Library.open(bundled_index, DEFAULT_CORPUS)


@pytest.fixture(scope="session")
def bundled_documents():
    """The bundled documents as read from the corpus folder."""
    return scan_corpus(DEFAULT_CORPUS).documents


def source_text(source: str) -> str:
    """A document's text read straight from its file, the way a user checking a citation would."""
    path = Path(source) if Path(source).is_absolute() else PROJECT_ROOT / source
    return path.read_bytes().decode("utf-8")


def seed_questions() -> list[dict]:
    """The gold-quote questions about the bundled corpus, with the gold docs renamed to the project's ids."""
    questions = [json.loads(line) for line in SEED_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    for question in questions:
        for gold in question["gold"]:
            gold["doc_id"] = SHARED_CORPUS_NAMES[gold["doc"]]
    return questions


def gold_span(library: Library, gold: dict) -> tuple[int, int]:
    """The span of a gold quote in its document (the eval data promises it occurs once)."""
    text = library.documents[gold["doc_id"]].text
    start = text.index(gold["quote"])
    return start, start + len(gold["quote"])


def write_transcript(folder: Path, name: str, body: str) -> Path:
    """A small transcript file written for a test."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path
