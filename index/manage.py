"""Changing the library: adding, replacing and removing documents, editing their metadata.

Every change checks the input first and writes nothing for a file it rejects;
files are written to a temporary name and renamed, under a lock on the corpus
folder, so two sessions changing the library at once cannot corrupt it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from index.corpus import METADATA_FILE, TEXT_DIR, doc_id_for, document_paths, read_metadata
from index.errors import DiskError, DocumentError, LibraryError
from index.files import write_atomically
from index.formats import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES, extract
from index.locks import exclusive_lock

EDITABLE_FIELDS = ("title", "short_title", "date", "place", "source")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f]|^\.|\.\.")


@dataclass(frozen=True)
class AddResult:
    """What happened to one offered file."""

    name: str
    status: Literal["added", "updated", "duplicate", "exists", "rejected"]
    message: str


def check_file_name(name: str) -> str:
    """The name when it is a plain file name of a supported type; DocumentError otherwise."""
    if not name or _UNSAFE_NAME.search(name) or len(name) > 200:
        raise DocumentError(name or "(no name)", "has an unsafe file name (path separators, '..' or a leading dot)")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DocumentError(name, f"has an unsupported type; Verbatim reads {', '.join(SUPPORTED_SUFFIXES)}")
    return name


def _check_id_is_free(name: str, name_of: dict[str, str]) -> None:
    """A DocumentError when another file ("Fire.TXT" beside "fire.txt") already has this document id."""
    holder = name_of.get(doc_id_for(Path(name)))
    if holder is not None and holder != name:
        raise DocumentError(
            name,
            f"would have the same document id as {holder}, already in the library; "
            f"give it exactly that name to replace it, or another name",
        )


def add_documents(corpus_dir: Path, files: list[tuple[str, bytes]], replace: bool = True) -> list[AddResult]:
    """Put each (file name, content) into the corpus folder, or say why not.

    A file whose content is already in the library is recognised and not added
    twice; one with the name of an existing document replaces it, unless
    ``replace`` is false: then the document is kept and the file is not written.
    Nothing is written for a file that cannot be read as a document.
    """
    results = []
    with exclusive_lock(corpus_dir):
        documents = document_paths(corpus_dir)
        readable = [p for p in documents if p.stat().st_size <= MAX_DOCUMENT_BYTES]  # a huge file is never read
        present = {hashlib.sha256(p.read_bytes()).hexdigest(): p.name for p in readable}
        name_of = {doc_id_for(p): p.name for p in documents}
        for name, data in files:
            try:
                check_file_name(name)
                extract(corpus_dir / name, data)
                _check_id_is_free(name, name_of)
            except DocumentError as err:
                results.append(AddResult(name, "rejected", err.problem))
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in present:
                same = (
                    "is already in the library"
                    if present[digest] == name
                    else f"is the same document as {present[digest]}"
                )
                results.append(AddResult(name, "duplicate", same))
                continue
            target = corpus_dir / name
            if target.exists() and not replace:
                results.append(AddResult(name, "exists", "has the name of a document in the library, which is kept"))
                continue
            status = "updated" if target.exists() else "added"
            try:
                write_atomically(target, data)
            except DiskError as err:
                results.append(AddResult(name, "rejected", str(err)))
                continue
            present[digest] = name_of[doc_id_for(target)] = name
            results.append(AddResult(name, status, f"{status} as document {doc_id_for(target)}"))
    return results


def _existing_library(corpus_dir: Path) -> Path:
    """The folder, or a LibraryError: a mistyped --corpus must not leave a new folder behind."""
    if not corpus_dir.is_dir():
        raise LibraryError(f"there is no library folder {corpus_dir}")
    return corpus_dir


def document_files(corpus_dir: Path) -> dict[str, Path]:
    """Each document id of the folder with its file: the first in library order when two files give
    one id (``a.txt`` and ``a.md``), the one that removing or editing the document acts on.

    Raises OSError when the folder cannot be listed."""
    files: dict[str, Path] = {}
    for path in document_paths(corpus_dir):
        files.setdefault(doc_id_for(path), path)
    return files


def _document_file(corpus_dir: Path, doc_id: str, file_name: str = "") -> Path:
    """The file that gives the document ``doc_id``: the one named ``file_name``, or the only one; else a
    LibraryError naming the known ids, or the files that all give it (one put beside another by hand),
    since which is meant is then not clear."""
    files = document_files(corpus_dir)
    if doc_id not in files:
        raise LibraryError(f"no document {doc_id!r} in {corpus_dir}; known: {', '.join(sorted(files))}")
    sharing = [path.name for path in document_paths(corpus_dir) if doc_id_for(path) == doc_id]
    if file_name:
        if file_name not in sharing:
            raise LibraryError(f"{file_name} in {corpus_dir} is not a file of the document {doc_id!r}")
        return corpus_dir / file_name
    if len(sharing) > 1:
        raise LibraryError(
            f"{' and '.join(sharing)} both give the document id {doc_id!r}; rename or delete one of them "
            "in the folder first, so that it is clear which is meant"
        )
    return files[doc_id]


def _write_metadata(corpus_dir: Path, metadata: dict) -> None:
    content = json.dumps(metadata, ensure_ascii=False, indent=2) + "\n"
    write_atomically(corpus_dir / METADATA_FILE, content.encode("utf-8"))


def remove_document(corpus_dir: Path, doc_id: str, file_name: str = "") -> str:
    """Delete a document's file (the one named ``file_name``, else its only one), its extracted text and
    its metadata; returns the removed file's name.

    Without ``file_name``, refuses an id that two files give (``a.txt`` put beside ``a.md``): which
    one is meant is not clear."""
    with exclusive_lock(_existing_library(corpus_dir)):
        path = _document_file(corpus_dir, doc_id, file_name)
        metadata = read_metadata(corpus_dir)
        if metadata.pop(path.name, None) is not None:
            _write_metadata(corpus_dir, metadata)
        for extra in (corpus_dir / TEXT_DIR / f"{path.name}.txt", corpus_dir / TEXT_DIR / f"{path.name}.json"):
            extra.unlink(missing_ok=True)
        path.unlink()
        return path.name


def set_metadata(corpus_dir: Path, doc_id: str, fields: dict[str, str]) -> None:
    """Change a document's citation metadata (title, short title, date, place, source)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise LibraryError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}")
    written = fields.get("date", "").strip()
    if written:
        try:
            if not _ISO_DAY.fullmatch(written):
                raise ValueError
            date.fromisoformat(written)
        except ValueError:
            raise LibraryError(f"the date {written!r} is not a day of the calendar written YYYY-MM-DD") from None
    with exclusive_lock(_existing_library(corpus_dir)):
        path = _document_file(corpus_dir, doc_id)
        metadata = read_metadata(corpus_dir)
        entry = metadata.setdefault(path.name, {})
        for key, value in fields.items():
            if value.strip():
                entry[key] = value.strip()
            else:
                entry.pop(key, None)
        _write_metadata(corpus_dir, metadata)
