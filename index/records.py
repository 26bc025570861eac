"""The records that cross Verbatim's layers: a document and a passage of it.

Every span is a pair of character offsets into the document's UTF-8 text, so
``document.text[passage.start:passage.end] == passage.text`` always holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Literal

Role = Literal["question", "answer"]
ROLES: tuple[Role, ...] = ("question", "answer")


@dataclass(frozen=True)
class Document:
    """One source file of the library with the metadata a citation needs."""

    doc_id: str
    source: str  # path of the file, relative to the project root or absolute
    title: str
    short_title: str
    date: str = ""
    place: str = ""
    origin: str = ""  # where the text was published
    original: str = ""  # for a converted format (PDF, HTML, Word): the original file; ``source`` is its text
    text: str = field(default="", repr=False)

    @property
    def display_date(self) -> str:
        """The date as "19 Feb 2025" when it is ISO formatted, else as written."""
        try:
            day = date.fromisoformat(self.date)
        except ValueError:
            return self.date
        return f"{day.day} {day:%b %Y}"

    @property
    def label(self) -> str:
        """The document part of a citation: "Duma Government Hour, 19 Feb 2025", or the title alone."""
        return ", ".join(part for part in (self.short_title, self.display_date) if part)

    def to_dict(self, with_text: bool = False) -> dict:
        """A JSON-ready dict; the full text only when asked for."""
        data = asdict(self)
        if not with_text:
            del data["text"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        """The inverse of :meth:`to_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of one speaker turn, with its exact source span."""

    passage_id: str
    doc_id: str
    start: int
    end: int
    text: str
    section: str
    speaker: str
    role: Role
    turn: int  # 1-based number of the speaker turn in the document, 0 outside turns
    label: str  # human citation label, e.g. "Duma Government Hour, 19 Feb 2025 — Q7 ¶2"
    question_start: int | None = None  # span of the question an answer replies to
    question_end: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"passage span [{self.start}, {self.end}) is empty or negative")
        if len(self.text) != self.end - self.start:
            raise ValueError("passage text length does not match its span")
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {self.role!r}")

    @property
    def turn_key(self) -> tuple:
        """What passages of one speaker's turn share: their document, turn, section and speaker; so
        unlabelled text (opening remarks) is one turn until a label or heading ends it."""
        return (self.doc_id, self.turn, self.section, self.speaker)

    def to_dict(self) -> dict:
        """A JSON-ready dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Passage:
        """The inverse of :meth:`to_dict`."""
        return cls(**data)


def passage_id_for(doc_id: str, text: str, occurrence: int) -> str:
    """A stable id from the document, the passage's own words and which repeat of them it is.

    Offsets are deliberately left out, so an edit elsewhere in the document does
    not change the ids (and so the shared citations) of untouched passages.
    """
    digest = hashlib.sha256(f"{doc_id}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:12]}"
