"""Recognising a transcript's structure: paragraphs, headings, contents, speaker turns, boilerplate.

Nothing here changes the text: every result is a span into the source string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.corpus import DocumentSettings
from index.records import Role

Kind = Literal["text", "heading", "contents", "boilerplate", "noise"]

BUILTIN_BOILERPLATE = (r"(?im)^[ \t\xa0]*back to top[ \t\xa0]*$",)
GENERIC_LABELS = {"question": "question", "q": "question", "answer": "answer", "a": "answer"}

_LABEL = re.compile(r"(?P<label>[A-Z][\w’'.\-]*(?: [A-Z][\w’'.\-]*){0,3}):[ \t\xa0]+(?=\S)")
_TERMINAL = re.compile(r"[.!?…:;,][\"”’)\]]*$")
_CONTENTS_HEADER = re.compile(r"(?i)^(table of )?contents:?$")
_CONTENTS_ENTRY = re.compile(r"^\d{1,3}[.)]\s+\S")
_MAX_HEADING_WORDS = 20


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span and what it is; ``body_start`` skips a leading speaker label."""

    start: int
    end: int
    kind: Kind
    label: str = ""
    body_start: int = -1

    @property
    def body(self) -> tuple[int, int]:
        """The span of the paragraph's words, without its speaker label."""
        return (self.body_start if self.body_start >= 0 else self.start, self.end)


@dataclass(frozen=True)
class Turn:
    """Consecutive paragraphs spoken by one speaker, in one section."""

    number: int  # 1-based; 0 for prose outside any labelled turn
    speaker: str
    role: Role
    section: str
    paragraphs: tuple[tuple[int, int], ...]  # body spans
    question: tuple[int, int] | None  # span of the question this turn answers


def _excluded_spans(text: str, patterns: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for pattern in BUILTIN_BOILERPLATE + patterns:
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, flags=re.M) if m.end() > m.start()]
    return sorted(spans)


def _subtract(start: int, end: int, excluded: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, cursor = [], start
    for ex_start, ex_end in excluded:
        if ex_end <= cursor or ex_start >= end:
            continue
        if ex_start > cursor:
            pieces.append((cursor, ex_start))
        cursor = max(cursor, ex_end)
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def _blank(char: str) -> bool:
    # A byte order mark (U+FEFF) or zero-width space is invisible but not isspace():
    # left in place it would hide a speaker label at the start of a file.
    return char.isspace() or char in "\ufeff\u200b"


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return start, end


def line_spans(text: str, boilerplate: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """Non-blank lines, stripped, with boilerplate matches cut out; soft-wrapped lines joined.

    A line that does not end a sentence, followed directly by a line starting in
    lower case, is the same paragraph broken by a scraper, so the two are joined.
    """
    excluded = _excluded_spans(text, boilerplate)
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        for piece in _subtract(line.start(), line.end(), excluded):
            start, end = _strip(text, *piece)
            if start == end:
                continue
            previous = spans[-1] if spans else None
            if (
                previous
                and text[previous[1] : start].count("\n") == 1
                and not _TERMINAL.search(text[previous[0] : previous[1]])
                and text[start].islower()
            ):
                spans[-1] = (previous[0], end)
            else:
                spans.append((start, end))
    return spans


def _speaker_label(paragraph: str, settings: DocumentSettings) -> re.Match | None:
    match = _LABEL.match(paragraph)
    if not match:
        return None
    label = match["label"]
    known = label in settings.speakers or label.lower() in GENERIC_LABELS
    looks_like_name = 2 <= len(label.split()) <= 4
    return match if known or looks_like_name else None


def classify(text: str, settings: DocumentSettings) -> list[Paragraph]:
    """Every paragraph of the document with its kind and speaker label."""
    paragraphs: list[Paragraph] = []
    in_contents = False
    for start, end in line_spans(text, settings.boilerplate):
        words = text[start:end]
        if not re.search(r"[^\W\d_]{2}", words):
            paragraphs.append(Paragraph(start, end, "noise"))
            continue
        if not settings.structured:
            paragraphs.append(Paragraph(start, end, "text"))
            continue
        if _CONTENTS_HEADER.match(words):
            in_contents = True
            paragraphs.append(Paragraph(start, end, "contents"))
            continue
        if in_contents and _CONTENTS_ENTRY.match(words):
            paragraphs.append(Paragraph(start, end, "contents"))
            continue
        in_contents = False
        label = _speaker_label(words, settings)
        if label:
            paragraphs.append(Paragraph(start, end, "text", label["label"], start + label.end()))
        elif not _TERMINAL.search(words) and (
            len(words.split()) <= _MAX_HEADING_WORDS or not any(p.kind == "text" for p in paragraphs)
        ):
            # The second condition takes a long unpunctuated first line as the title.
            paragraphs.append(Paragraph(start, end, "heading"))
        else:
            paragraphs.append(Paragraph(start, end, "text"))
    return paragraphs


def _speaker_and_role(label: str, settings: DocumentSettings) -> tuple[str, Role]:
    """Who speaks under a label. "Answer:" names no one: unless the metadata does, it stays unattributed."""
    generic = GENERIC_LABELS.get(label.lower())
    role: Role = "question" if generic == "question" else "answer"
    default = {"question": "Questioner", "answer": ""}.get(generic, label)
    return settings.speakers.get(label, default), role


def turns(text: str, settings: DocumentSettings) -> list[Turn]:
    """The document's speaker turns, in order, each knowing its section and question.

    A heading closes the running turn and names the section of what follows;
    unlabelled prose outside a turn is attributed to the opening speaker.
    """
    result: list[Turn] = []
    section, number = "", 0
    current: dict | None = None
    last_question: tuple[int, int] | None = None

    def close() -> None:
        nonlocal current, last_question
        if current and current["paragraphs"]:
            spans = tuple(current["paragraphs"])
            result.append(Turn(paragraphs=spans, **{k: v for k, v in current.items() if k != "paragraphs"}))
            if current["role"] == "question":
                last_question = (spans[0][0], spans[-1][1])
        current = None

    for paragraph in classify(text, settings):
        if paragraph.kind == "heading":
            close()
            section, last_question = text[paragraph.start : paragraph.end], None
        elif paragraph.kind != "text":
            continue
        elif paragraph.label:
            close()
            number += 1
            speaker, role = _speaker_and_role(paragraph.label, settings)
            question = last_question if role == "answer" else None
            current = dict(number=number, speaker=speaker, role=role, section=section, question=question, paragraphs=[])
            current["paragraphs"].append(paragraph.body)
        else:
            if current is None:
                current = dict(
                    number=0,
                    speaker=settings.opening_speaker,
                    role="answer",
                    section=section,
                    question=None,
                    paragraphs=[],
                )
            current["paragraphs"].append(paragraph.body)
    close()
    return result
