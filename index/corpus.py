"""Reading a corpus folder: which files are documents, their text and their metadata.

Offsets everywhere in Verbatim index the string ``path.read_bytes().decode("utf-8")``:
no newline translation, no normalisation, so a span can be checked against the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import DiskError, DocumentError, LibraryError
from index.files import write_atomically
from index.formats import CONVERTED_SUFFIXES, EXTRACTION_VERSION, SUPPORTED_SUFFIXES, Extracted, check_size, extract
from index.records import Document

PROJECT_ROOT = Path(__file__).resolve().parent.parent
METADATA_FILE = "library.json"
# Text extracted from converted formats, kept beside the originals: citations point into it.
TEXT_DIR = ".text"


@dataclass(frozen=True)
class DocumentSettings:
    """What the sidecar metadata file says about one document, beyond its citation fields."""

    speakers: dict[str, str] = field(default_factory=dict)  # label in the text -> speaker name
    opening_speaker: str = ""  # who speaks before the first speaker label
    questioners: tuple[str, ...] = ()  # speaker labels whose turns are questions (journalists by name)
    boilerplate: tuple[str, ...] = ()  # regular expressions for text that is never a passage
    structured: bool = True  # False: plain prose, no headings or speaker labels are looked for
    page_starts: tuple[int, ...] = ()  # where each page of a PDF starts in the text


@dataclass(frozen=True)
class LoadedDocument:
    """A readable document together with the settings its parsing needs."""

    document: Document
    settings: DocumentSettings
    # False when the text cited, a converted file's copy under .text/, is missing or not the text
    # extracted (edited or deleted by hand, or by an older Verbatim): only a build stores it again.
    stored: bool = True


@dataclass(frozen=True)
class CorpusScan:
    """The documents of a corpus folder and the files that could not be read, with why."""

    documents: tuple[LoadedDocument, ...]
    problems: tuple[DocumentError, ...]

    @property
    def unstored(self) -> tuple[str, ...]:
        """The files whose extracted text, the one citations point into, must be stored again."""
        return tuple(Path(loaded.document.original).name for loaded in self.documents if not loaded.stored)


def read_metadata(corpus_dir: Path) -> dict[str, dict]:
    """The sidecar ``library.json`` of a corpus folder, or an empty dict when there is none."""
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))  # Windows editors may open it with a BOM
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


def converted_text(path: Path, data: bytes, keep: bool = True) -> tuple[Path, Extracted, bool]:
    """The text of a converted format, extracted once and stored under ``.text/`` beside it.

    The stored copy is reused while the original's bytes and the way of extracting
    them are unchanged and the copy is the one written (its checksum matches); a copy
    that was damaged or edited is extracted again rather than cited. Without ``keep``
    (the query side, which only reads) nothing is stored, and the flag returned says whether
    the copy on disk is the text returned.
    """
    folder = path.parent / TEXT_DIR
    text_path, info_path = folder / f"{path.name}.txt", folder / f"{path.name}.json"
    digest = hashlib.sha256(data).hexdigest()
    stored = _stored_text(text_path, info_path, digest)
    if stored is not None:
        return text_path, stored, True
    extracted = extract(path, data)
    if not keep:
        return text_path, extracted, False
    write_atomically(text_path, extracted.text.encode("utf-8"))
    info = {
        "sha256": digest,
        "extraction_version": EXTRACTION_VERSION,
        "text_sha256": hashlib.sha256(extracted.text.encode("utf-8")).hexdigest(),
        "page_starts": list(extracted.page_starts),
    }
    write_atomically(info_path, json.dumps(info).encode("utf-8"))
    return text_path, extracted, True


def remove_orphan_texts(corpus_dir: Path) -> None:
    """Delete the stored text of every converted file no longer in the folder (removed by hand),
    so no removed document's words stay on disk. A copy is only a cache: one deleted while its
    file is being added is extracted again."""
    folder = corpus_dir / TEXT_DIR
    if not folder.is_dir():
        return
    present = {path.name for path in corpus_dir.iterdir()}
    for copy in folder.iterdir():
        original = copy.name.removesuffix(copy.suffix)  # "talk.docx.txt" -> "talk.docx"
        if copy.suffix in (".txt", ".json") and original not in present:
            copy.unlink(missing_ok=True)


def _stored_text(text_path: Path, info_path: Path, digest: str) -> Extracted | None:
    """The stored extraction of the original with this digest, or None when it is missing, stale or damaged."""
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        raw = text_path.read_bytes()
        if info["sha256"] != digest or info["text_sha256"] != hashlib.sha256(raw).hexdigest():
            return None
        if info.get("extraction_version") != EXTRACTION_VERSION:
            return None
        return Extracted(raw.decode("utf-8"), tuple(int(start) for start in info["page_starts"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


_SHAPES = {
    "speakers": (dict, "an object mapping labels to names"),
    "boilerplate": (list, "a list of patterns"),
    "questioners": (list, "a list of speaker labels"),
}
_TEXT_FIELDS = ("title", "short_title", "date", "place", "source", "opening_speaker")


def _check_types(path: Path, metadata: dict) -> None:
    """A DocumentError when a metadata field has the wrong shape: a string read as a list would mean its
    letters, and a list or null read as text would put "['a', 'b']" or "None" into citations."""
    for key, (kind, shape) in _SHAPES.items():
        if key in metadata and not isinstance(metadata[key], kind):
            raise DocumentError(str(path), f"its {key!r} in {METADATA_FILE} must be {shape}, not {metadata[key]!r}")
    texts = [(key, metadata[key]) for key in _TEXT_FIELDS if key in metadata]
    texts += [(f"speakers[{label!r}]", name) for label, name in metadata.get("speakers", {}).items()]
    texts += [("questioners", label) for label in metadata.get("questioners", [])]
    for key, value in texts:
        if not isinstance(value, str):
            raise DocumentError(str(path), f"its {key} in {METADATA_FILE} must be text, not {value!r}")


def load_document(path: Path, metadata: dict, keep_text: bool = True) -> LoadedDocument:
    """One document with its metadata; raises DocumentError for an unusable file.

    ``keep_text``: store the text extracted from a converted format (see ``converted_text``).
    """
    check_size(path, path.stat().st_size)
    data = path.read_bytes()
    if path.suffix.lower() in CONVERTED_SUFFIXES:
        text_path, extracted, stored = converted_text(path, data, keep_text)
    else:
        text_path, extracted, stored = path, extract(path, data), True
    text = extracted.text
    _check_types(path, metadata)
    title = str(metadata.get("title") or path.stem.replace("-", " ").replace("_", " "))
    document = Document(
        doc_id=doc_id_for(path),
        source=display_path(text_path),
        original=display_path(path) if text_path != path else "",
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
        questioners=tuple(metadata.get("questioners", ())),
        page_starts=extracted.page_starts,
    )
    for pattern in settings.boilerplate:
        try:
            re.compile(pattern)
        except re.error as err:
            raise DocumentError(str(path), f"boilerplate pattern {pattern!r} is invalid: {err}") from None
    return LoadedDocument(document, settings, stored)


def corpus_signature(corpus_dir: Path) -> str:
    """A cheap fingerprint of the folder's listing (names, sizes, modification times), to notice changes.

    Reading no file contents, it can be checked on every page view; a change
    means the (content-based) corpus fingerprint must be compared again.
    """
    entries = (
        sorted(
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(corpus_dir)
            if entry.is_file() and not entry.name.startswith(".")
        )
        if corpus_dir.is_dir()
        else []
    )
    return hashlib.sha256(repr(entries).encode()).hexdigest()


def document_paths(corpus_dir: Path) -> list[Path]:
    """The folder's files of a supported type, hidden ones aside, in name order: what may become documents."""
    return [
        path
        for path in sorted(corpus_dir.iterdir())
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith(".")
    ]


def _unread_entries(corpus_dir: Path) -> list[DocumentError]:
    """What in the folder looks like documents but is never read, each with why: a broken link, a
    folder or pipe with a document's name, and a subfolder holding documents (only the folder's own
    files are the library)."""
    problems = []
    for path in sorted(corpus_dir.iterdir()):
        if path.name.startswith(".") or path.is_file():
            continue
        if path.is_symlink() and not path.exists():
            problems.append(DocumentError(str(path), "is a link to a file that does not exist"))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            kind = "a folder" if path.is_dir() else "a pipe or device"
            problems.append(DocumentError(str(path), f"is {kind}, not a document file"))
        elif path.is_dir() and (inside := document_paths(path)):
            problems.append(
                DocumentError(
                    str(path),
                    f"is a subfolder holding documents ({len(inside)}), and only the library folder's own files "
                    f"are read; move them up into {corpus_dir} to index them",
                )
            )
    return problems


def scan_corpus(corpus_dir: Path, keep_text: bool = True, indexed: Mapping[str, str] | None = None) -> CorpusScan:
    """Every document of the folder (not its subfolders), in name order.

    A file that cannot be read is reported in ``problems`` and skipped, so one bad
    file never stops the rest of the library from being indexed. Without ``keep_text``
    the folder is only read: text extracted from a converted format is not stored.
    Of two files giving one document id (``a.md`` and ``a.txt``) the first is the document
    and the other a problem; but the one ``indexed`` names (id → file name, as the last
    build recorded) keeps its id, so a file put beside it never takes its place.
    """
    if not corpus_dir.is_dir():
        raise LibraryError(f"corpus folder {corpus_dir} does not exist")
    metadata = read_metadata(corpus_dir)
    documents, problems = [], _unread_entries(corpus_dir)
    inside = []
    for path in document_paths(corpus_dir):
        if path.resolve().is_relative_to(corpus_dir.resolve()):
            inside.append(path)
        else:
            problems.append(DocumentError(str(path), "links to a file outside the library folder; copy it in instead"))
    indexed = indexed or {}
    owners: dict[str, str] = {}  # document id → the name of the file that gives it
    for path in inside:
        if indexed.get(doc_id_for(path)) == path.name or doc_id_for(path) not in owners:
            owners[doc_id_for(path)] = path.name
    for path in inside:
        doc_id = doc_id_for(path)
        if owners[doc_id] != path.name:
            problems.append(DocumentError(str(path), f"has the same document id as {owners[doc_id]}; rename one"))
            continue
        try:
            documents.append(load_document(path, metadata.get(path.name, {}), keep_text))
        except DocumentError as err:
            problems.append(err)
        except DiskError as err:  # its extracted text could not be stored beside it
            problems.append(DocumentError(str(path), str(err)))
        except OSError as err:
            problems.append(DocumentError(str(path), f"cannot be read: {err.strerror}"))
    return CorpusScan(tuple(documents), tuple(problems))
