"""A citation in the forms people paste: plain text, Markdown with its link, a quotation with attribution."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from index.records import Document, Passage

CITE_PAGE = "cite"
# A link marks at most this many characters from its passage: more than any checked quote
# spans (10,000 pasted, a cut skipping a little), and a crafted link cannot show a whole book.
MAX_CITED_CHARS = 20_000


def citation_link(passage: Passage, start: int | None = None, end: int | None = None, base: str = "") -> str:
    """The app URL that opens the Cite page at this passage, the words ``start``..``end`` highlighted.

    ``start`` and ``end`` are document offsets; the link counts them from the passage's
    first character. A passage keeps its id while its own words are unchanged, so the
    link marks the same words after an edit elsewhere in the document moves it.
    """
    params = {"passage": passage.passage_id}
    if start is not None and end is not None:
        params |= {"start": start - passage.start, "end": end - passage.start}
    return f"{base.rstrip('/')}/{CITE_PAGE}?{urlencode(params)}" if base else f"{CITE_PAGE}?{urlencode(params)}"


@dataclass(frozen=True)
class PastedCitation:
    """What a pasted citation names: a passage id or label, and the words a link's ``start`` and ``end``
    mark, counted from the passage's first character."""

    key: str
    start: str | None = None
    end: str | None = None


# A link to the Cite page in running text, HTML or Markdown: its query, up to what closes the link.
_LINK = re.compile(rf"(?<![\w-]){CITE_PAGE}\?([^\s)<>#\"']*)")


def pasted_citation(text: str, documents: Iterable[Document]) -> PastedCitation:
    """What a pasted citation opens. Takes the forms Verbatim gives to copy: a link, or a Markdown
    link, to the Cite page (in HTML too, its "&" written "&amp;"); the plain citation line, by its
    label; else the text itself, as a passage id or label.

    The plain citation's "characters S–E" count from the document's start as it was when copied:
    after an edit earlier in the document they would mark other words, so the label decides."""
    link = _LINK.search(text)
    query = parse_qs(html.unescape(link.group(1)).rstrip(".,;:!?")) if link else {}
    if query.get("passage"):
        return PastedCitation(*(query.get(name, [None])[0] for name in ("passage", "start", "end")))
    for document in documents:
        marker = f". {document.title}. {document.source}, characters "
        if text.find(marker) > 0:
            return PastedCitation(text.split(marker, 1)[0].strip())
    return PastedCitation(text.strip())


def cited_span(
    passage: Passage, start: str | None, end: str | None, until: int | None = None
) -> tuple[int, int] | None:
    """The document span a link's ``start``/``end`` parameters mark from the passage, or None when
    they are missing or do not mark words starting inside it and ending by ``until`` (a document
    offset, for words quoted on past the passage: ``Library.cite_reach``; by default the passage's end)."""
    if not (start and end and re.fullmatch("[0-9]{1,9}", start) and re.fullmatch("[0-9]{1,9}", end)):
        return None
    first, last = int(start), int(end)
    reach = (passage.end if until is None else until) - passage.start
    if not (first < len(passage.text) and first < last <= reach):
        return None
    return passage.start + first, passage.start + last


def app_root(page_url: str, page_paths: Iterable[str]) -> str:
    """The app's root URL from the URL of one of its pages: "http://host:8501/ask" → "http://host:8501".

    Whatever path the app is served under (a proxy's prefix) is kept.
    """
    root, _, last = page_url.rstrip("/").rpartition("/")
    return root if last in set(page_paths) and "://" in root else page_url.rstrip("/")


def attribution(passage: Passage, document: Document) -> str:
    """Who said it and where: "Sergey Lavrov, Duma Government Hour, 19 Feb 2025, Q7 ¶2".

    A questioner's words say so, so they are never taken for the official's.
    """
    speaker = passage.speaker or "unattributed"
    if passage.role == "question":
        speaker += " (question)"
    locator = passage.label.rsplit(" — ", 1)[-1]
    return ", ".join(part for part in (speaker, document.label, locator) if part)


def as_plain(passage: Passage, document: Document, start: int | None = None, end: int | None = None) -> str:
    """The citation as plain text: label, title, file and the characters cited (the whole passage by default)."""
    start, end = (passage.start, passage.end) if start is None or end is None else (start, end)
    return f"{passage.label}. {document.title}. {document.source}, characters {start}–{end}."


def as_markdown(passage: Passage, link: str) -> str:
    """The citation as a Markdown link to the Cite page; brackets in the label cannot break the link."""
    label = re.sub(r"([\\\[\]])", r"\\\1", passage.label)
    return f"[{label}]({link})"


def as_quotation(text: str, passage: Passage, document: Document) -> str:
    """The words as a quotation with attribution: “…” — Sergey Lavrov, Duma Government Hour, 19 Feb 2025, Q7 ¶2.

    Words across a paragraph break are run on with a space, as a quotation in running text is."""
    return f"“{' '.join(text.split())}” — {attribution(passage, document)}"
