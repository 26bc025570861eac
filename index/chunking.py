"""Cutting speaker turns into passages that fit the embedding model, with citation labels."""

from __future__ import annotations

import bisect
import math
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from index.corpus import DocumentSettings
from index.records import Document, Passage, passage_id_for
from index.sentences import sentence_spans
from index.structure import Turn, timestamps, turns

TokenCounter = Callable[[str], int]

# Paragraphs shorter than this ("Colleagues,") are joined to the next one of the
# same turn: alone they carry too little meaning to be found or cited usefully.
MIN_PASSAGE_TOKENS = 24
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    paragraphs: tuple[int, ...]  # 1-based paragraph numbers within the turn
    part: int = 0  # 1-based part of a split paragraph, 0 when whole
    parts: int = 0


def _pieces_within(text: str, span: tuple[int, int], count: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Sentences of the span, with any sentence over the limit cut at white space, and any
    stretch without white space over it (Chinese without full stops, a pasted link) cut
    between characters."""
    pieces = []
    for start, end in sentence_spans(text, *span):
        if count(text[start:end]) <= max_tokens:
            pieces.append((start, end))
            continue
        for word in (m.span() for m in _WORD.finditer(text, start, end)):
            # No tokenizer makes more pieces of a word than it has bytes, plus a word-start mark,
            # so a word shorter than that needs no count (a caption line without stops has thousands).
            if len(text[slice(*word)].encode()) < max_tokens or count(text[slice(*word)]) <= max_tokens:
                pieces.append(word)
            else:
                pieces += _group(text, [(i, i + 1) for i in range(*word)], count, max_tokens)
    return pieces


def _group(text: str, pieces: list[tuple[int, int]], count: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Consecutive pieces joined into spans of at most ``max_tokens``, of about equal size.

    A group closes after the first piece that reaches the target size, or that the next
    piece would push over the limit. Counting a span's tokens is what costs, so where
    it closes is found by doubling the reach, then halving it: a few counts of spans
    about a group long, where trying each piece in turn took one per piece (a caption
    file of one unpunctuated line has a piece per word).
    """
    total = count(text[pieces[0][0] : pieces[-1][1]])
    target = total / math.ceil(total / max_tokens)
    last_piece = len(pieces) - 1

    def closes(first: int, last: int) -> bool:
        """Whether the group that starts with piece ``first`` ends with piece ``last``, or before."""
        start = pieces[first][0]
        return (
            last == last_piece
            or count(text[start : pieces[last + 1][1]]) > max_tokens
            or count(text[start : pieces[last][1]]) >= target
        )

    groups: list[tuple[int, int]] = []
    first = 0
    while first <= last_piece:
        reach = 1
        while not closes(first, min(first + reach, last_piece)):
            reach *= 2
        # it closes at ``high`` and not at ``low - 1`` or before
        low, high = (first if reach == 1 else first + reach // 2 + 1), min(first + reach, last_piece)
        while low < high:
            middle = (low + high) // 2
            low, high = (low, middle) if closes(first, middle) else (middle + 1, high)
        groups.append((pieces[first][0], pieces[high][1]))
        first = high + 1
    return groups


def _units(text: str, turn: Turn, count: TokenCounter, max_tokens: int) -> list[_Unit]:
    units: list[_Unit] = []
    for number, span in enumerate(turn.paragraphs, start=1):
        if count(text[span[0] : span[1]]) <= max_tokens:
            units.append(_Unit(*span, (number,)))
            continue
        parts = _group(text, _pieces_within(text, span, count, max_tokens), count, max_tokens)
        units += [_Unit(s, e, (number,), i, len(parts)) for i, (s, e) in enumerate(parts, start=1)]
    merged: list[_Unit] = []
    for unit in units:
        previous = merged[-1] if merged else None
        if (
            previous
            and not previous.parts
            and not unit.parts
            and count(text[previous.start : previous.end]) < MIN_PASSAGE_TOKENS
            and count(text[previous.start : unit.end]) <= max_tokens
        ):
            merged[-1] = _Unit(previous.start, unit.end, previous.paragraphs + unit.paragraphs)
        else:
            merged.append(unit)
    return merged


def _locator(turn: Turn, exchange: int, used: set[str]) -> str:
    """Where the turn stands, unique in its document: "Q7", "Q7 question", "Turn 4", "Opening remarks", "Table".

    A second answer to one question is cited by its turn number. Unlabelled text after
    the opening (a report's sections) is cited by its section, "(2)" marking a repeat.
    The locator returned is added to ``used``, the locators the document has given out.
    """
    if turn.table:
        wanted = "Table"
    elif turn.number == 0:
        wanted = (turn.section or "Text") if used else "Opening remarks"
    elif turn.role == "question":
        wanted = f"Q{exchange} question"
    else:
        wanted = f"Q{exchange}" if exchange else f"Turn {turn.number}"
        wanted = f"Turn {turn.number}" if wanted in used else wanted
    locator, repeat = wanted, 1
    while locator in used:
        repeat += 1
        locator = f"{wanted} ({repeat})"
    used.add(locator)
    return locator


def _part_letters(part: int) -> str:
    """1 -> "a", 26 -> "z", 27 -> "aa": a distinct suffix for every part of a long paragraph."""
    letters = ""
    while part:
        part, remainder = divmod(part - 1, 26)
        letters = string.ascii_lowercase[remainder] + letters
    return letters


def _paragraph_mark(unit: _Unit) -> str:
    first, last = unit.paragraphs[0], unit.paragraphs[-1]
    mark = f"¶{first}" if first == last else f"¶{first}–{last}"
    return mark + (_part_letters(unit.part) if unit.parts else "")


def chunk_document(
    document: Document, settings: DocumentSettings, count_tokens: TokenCounter, max_tokens: int
) -> list[Passage]:
    """The document's passages in reading order.

    Each passage lies inside one speaker turn, counts at most ``max_tokens`` model
    tokens, and satisfies ``document.text[p.start:p.end] == p.text``. Its label ends
    with the PDF page it starts on and the transcript's last timestamp before it.
    """
    text = document.text
    stamps = timestamps(text, settings)
    stamp_starts = [start for start, _ in stamps]
    passages: list[Passage] = []
    occurrences: dict[str, int] = {}
    used_locators: set[str] = set()
    exchange = 0
    for turn in turns(text, settings):
        exchange += turn.role == "question"
        locator = _locator(turn, exchange, used_locators)
        units = _units(text, turn, count_tokens, max_tokens)
        for unit in units:
            words = text[unit.start : unit.end]
            occurrence = occurrences.get(words, 0)
            occurrences[words] = occurrence + 1
            mark = "" if turn.role == "question" and len(units) == 1 else " " + _paragraph_mark(unit)
            if settings.page_starts:
                mark += f", p. {bisect.bisect_right(settings.page_starts, unit.start)}"
            if stamp := bisect.bisect_right(stamp_starts, unit.start):
                mark += f", {stamps[stamp - 1][1]}"
            passages.append(
                Passage(
                    passage_id=passage_id_for(document.doc_id, words, occurrence),
                    doc_id=document.doc_id,
                    start=unit.start,
                    end=unit.end,
                    text=words,
                    section=turn.section,
                    speaker=turn.speaker,
                    role=turn.role,
                    turn=turn.number,
                    label=f"{document.label} — {locator}{mark}",
                    question_start=turn.question[0] if turn.question else None,
                    question_end=turn.question[1] if turn.question else None,
                )
            )
    return passages
