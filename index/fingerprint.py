"""What a build depends on, as a hash: whether an index on disk still matches the documents.

Shared by the build, which records it in the manifest, and the query side, which checks it.
"""

from __future__ import annotations

import hashlib
import json

from index.corpus import CorpusScan, LoadedDocument
from index.records import Document

# Bump when chunking, embedding-text or quote-word rules change, so old builds are redone.
# A passage is embedded as its own words alone. Prefixing the document title, section
# and the question answered was tried and lost: over the 52 dev questions dense MRR@10
# fell from 0.740 to 0.672, because mean pooling let the long shared prefix dominate
# short paragraphs, so all paragraphs of one answer looked alike.
PIPELINE_VERSION = "37"


def corpus_fingerprint(documents: tuple[LoadedDocument, ...], model_name: str, with_sentences: bool = True) -> str:
    """A hash of everything a build depends on: texts, metadata, model and pipeline version."""
    digest = hashlib.sha256(f"{PIPELINE_VERSION}\x00{model_name}\x00{with_sentences}".encode())
    for loaded in documents:
        record = dict(loaded.document.to_dict(with_text=True), settings=loaded.settings.__dict__)
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def built_from(scan: CorpusScan, manifest: dict) -> bool:
    """Whether the build with this manifest holds exactly the documents of ``scan``."""
    return corpus_fingerprint(scan.documents, manifest["model"]) == manifest["corpus_fingerprint"]


def text_digest(document: Document) -> str:
    """The SHA-256 of the document's text, as the manifest's ``indexed`` records it."""
    return hashlib.sha256(document.text.encode()).hexdigest()
