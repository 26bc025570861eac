"""Reading a corpus folder: which files are documents, their text and their metadata.

Offsets everywhere in Verbatim index the string ``path.read_bytes().decode("utf-8")``:
no newline translation, no normalisation, so a span can be checked against the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import DocumentError, LibraryError
from index.records import Document

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOCUMENT_SUFFIXES = (".txt", ".md")
METADATA_FILE = "library.json"
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class DocumentSettings:
    """What the sidecar metadata file says about one document, beyond its citation fields."""

    speakers: dict[str, str] = field(default_factory=dict)  # label in the text -> speaker name
    opening_speaker: str = ""  # who speaks before the first speaker label
    boilerplate: tuple[str, ...] = ()  # regular expressions for text that is never a passage
    structured: bool = True  # False: plain prose, no headings or speaker labels are looked for


@dataclass(frozen=True)
class LoadedDocument:
    """A readable document together with the settings its parsing needs."""

    document: Document
    settings: DocumentSettings


@dataclass(frozen=True)
class CorpusScan:
    """The documents of a corpus folder and the files that could not be read, with why."""

    documents: tuple[LoadedDocument, ...]
    problems: tuple[DocumentError, ...]


def decode_document(path: Path, data: bytes) -> str:
    """The file's text, or a DocumentError naming why it is not a usable text document."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            str(path), f"is {len(data) / 2**20:.0f} MiB; the limit is {MAX_DOCUMENT_BYTES // 2**20} MiB"
        )
    if b"\x00" in data[:8192]:
        raise DocumentError(str(path), "looks binary (it contains NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(
            str(path),
            f"is not valid UTF-8 (byte {err.start}); re-save it with UTF-8 encoding",
        ) from None
    if not re.search(r"\w\w", text):
        raise DocumentError(str(path), "is empty: it contains no words")
    return text


def read_metadata(corpus_dir: Path) -> dict[str, dict]:
    """The sidecar ``library.json`` of a corpus folder, or an empty dict when there is none."""
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise LibraryError(f"{path}: not valid JSON ({err}); fix or delete the file") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise LibraryError(f"{path}: expected an object mapping file names to metadata objects")
    return data


def doc_id_for(path: Path) -> str:
    """A document's id: its file name without the suffix, in lower case."""
    return path.stem.lower()


def display_path(path: Path) -> str:
    """The path relative to the project root when it lies below it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def load_document(path: Path, metadata: dict) -> LoadedDocument:
    """One document with its metadata; raises DocumentError for an unusable file."""
    text = decode_document(path, path.read_bytes())
    title = str(metadata.get("title") or path.stem.replace("-", " ").replace("_", " "))
    document = Document(
        doc_id=doc_id_for(path),
        source=display_path(path),
        title=title,
        short_title=str(metadata.get("short_title") or title),
        date=str(metadata.get("date", "")),
        place=str(metadata.get("place", "")),
        origin=str(metadata.get("source", "")),
        text=text,
    )
    settings = DocumentSettings(
        speakers={str(k): str(v) for k, v in dict(metadata.get("speakers", {})).items()},
        opening_speaker=str(metadata.get("opening_speaker", "")),
        boilerplate=tuple(str(p) for p in metadata.get("boilerplate", ())),
    )
    for pattern in settings.boilerplate:
        try:
            re.compile(pattern)
        except re.error as err:
            raise DocumentError(str(path), f"boilerplate pattern {pattern!r} is invalid: {err}") from None
    return LoadedDocument(document, settings)


def scan_corpus(corpus_dir: Path) -> CorpusScan:
    """Every ``.txt``/``.md`` file of the folder (not its subfolders), in name order.

    A file that cannot be read is reported in ``problems`` and skipped, so one bad
    file never stops the rest of the library from being indexed.
    """
    if not corpus_dir.is_dir():
        raise LibraryError(f"corpus folder {corpus_dir} does not exist")
    metadata = read_metadata(corpus_dir)
    documents, problems, seen = [], [], {}
    for path in sorted(corpus_dir.iterdir()):
        if not path.is_file() or path.suffix.lower() not in DOCUMENT_SUFFIXES:
            continue
        doc_id = doc_id_for(path)
        if doc_id in seen:
            problems.append(DocumentError(str(path), f"has the same document id as {seen[doc_id]}; rename one"))
            continue
        seen[doc_id] = path.name
        try:
            documents.append(load_document(path, metadata.get(path.name, {})))
        except DocumentError as err:
            problems.append(err)
        except OSError as err:
            problems.append(DocumentError(str(path), f"cannot be read: {err.strerror}"))
    return CorpusScan(tuple(documents), tuple(problems))
