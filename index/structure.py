"""Recognising a transcript's structure: paragraphs, headings, contents, speaker turns, boilerplate.

Nothing here changes the text: every result is a span into the source string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.corpus import DocumentSettings
from index.formats import NOTE_HEADINGS
from index.labels import TIME, CapitalsOnce, label_name, label_time, repeated_labels, speaker_and_role, speaker_label
from index.records import Role

Kind = Literal["text", "table", "heading", "contents", "boilerplate", "noise"]

BUILTIN_BOILERPLATE = (r"(?im)^[ \t\xa0]*back to top[ \t\xa0]*$",)
# A timestamp that starts a paragraph, or is all of it: "[00:12:31] Thank you." or "00:12:31".
_STAMP = re.compile(rf"[\[(](?P<time>{TIME})[\])](?:\s|$)|(?P<alone>{TIME})$")
# A row of a table: cells apart by tabs, as the HTML and Word readers write them.
_TABLE_ROW = re.compile(r"\S\t+\S")
# A line wholly in brackets after the text has begun is a stage direction in someone's
# turn, "(Applause)" or "[crosstalk]", not a heading.
_STAGE_DIRECTION = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# A line ending like a sentence, in any script: "。" "؟" "।" end sentences too.
_TERMINAL = re.compile(r"[.!?…:;,。！？：；，؟।॥][\"”’)\]」』]*$")
_CONTENTS_HEADER = re.compile(r"(?i)^(table of )?contents:?$")
_CONTENTS_ENTRY = re.compile(r"^\d{1,3}[.)]\s+\S")
_MAX_HEADING_WORDS = 20
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")  # "## Fishing" names the section "Fishing"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph's span and what it is; ``body_start`` skips a leading speaker label.

    ``time`` is the timestamp the paragraph opens with, in its label or alone, as written.
    """

    start: int
    end: int
    kind: Kind
    label: str = ""
    body_start: int = -1
    time: str = ""

    @property
    def body(self) -> tuple[int, int]:
        """The span of the paragraph's words, without its speaker label."""
        return (self.body_start if self.body_start >= 0 else self.start, self.end)


@dataclass(frozen=True)
class Turn:
    """Consecutive paragraphs spoken by one speaker, in one section; or the rows of a table."""

    number: int  # 1-based; 0 for prose outside any labelled turn
    speaker: str
    role: Role
    section: str
    paragraphs: tuple[tuple[int, int], ...]  # body spans
    question: tuple[int, int] | None  # span of the question this turn answers
    table: bool = False  # rows of a table: no one's words, whoever spoke around it


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


# Invisible but not isspace(): a byte order mark, a zero-width space, and the marks that set
# the direction of right-to-left text. Left at the start of a line they would hide its speaker label.
_INVISIBLE = frozenset("\ufeff\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _blank(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE


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
    for line in re.finditer(r"[^\r\n]+", text):
        for piece in _subtract(line.start(), line.end(), excluded):
            start, end = _strip(text, *piece)
            if start == end:
                continue
            previous = spans[-1] if spans else None
            if (
                previous
                and _line_breaks(text[previous[1] : start]) == 1
                and not _TERMINAL.search(text[previous[0] : previous[1]])
                and text[start].islower()
            ):
                spans[-1] = (previous[0], end)
            else:
                spans.append((start, end))
    return spans


def _one_turn_a_line(labelled: list[int], blank_before: list[bool]) -> bool:
    """Whether the transcript puts its turns on consecutive lines: most lines that could be a
    speaker's label (``labelled``, their indexes) have no blank line before them."""
    return 2 * sum(blank_before[i] for i in labelled) < len(labelled)


def _punctuates_speech(text: str, spans: list[tuple[int, int]], labelled: dict[int, re.Match]) -> bool:
    """Whether the speakers' lines end like sentences, more than one in ten of them. An automatic
    caption export ends (almost) none, and there a line without a full stop is speech like any
    other, not a heading; a panel's many "Right" and "Sure" leave its headings headings."""
    endings = []
    for i, label in labelled.items():
        start, end = spans[i]
        if start + label.end() < end:
            endings.append(bool(_TERMINAL.search(text[start + label.end() : end])))
        elif i + 1 < len(spans):  # a label alone on its line has its words on the next
            endings.append(bool(_TERMINAL.search(text[slice(*spans[i + 1])])))
    return not endings or 10 * sum(endings) > len(endings)


def _capitals_once(one_turn_a_line: bool, blank_before: bool, before: list[Paragraph]) -> CapitalsOnce:
    """Where a once-used capitals label may open a turn: after a blank line; or, in a transcript
    of one turn a line, right after another turn's line or a heading, if its words open a
    sentence ("NATO: it keeps moving east" on a line of its own is a remark)."""
    if not one_turn_a_line:
        return "always" if blank_before else "never"
    after_a_turn = not before or bool(before[-1].label) or before[-1].kind == "heading"
    return "before_a_sentence" if after_a_turn else "never"


def _continues_a_sentence(text: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` comes straight after a line that stops mid-sentence."""
    if i == 0 or _line_breaks(text[spans[i - 1][1] : spans[i][0]]) > 1:
        return False
    return not _TERMINAL.search(text[spans[i - 1][0] : spans[i - 1][1]])


def _markdown_heading(text: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` is a Markdown heading ("## Risks"); "# 2334 of the…" carrying on
    a sentence that stopped mid-way on the line before is not."""
    words = text[spans[i][0] : spans[i][1]]
    marks = _MARKDOWN_HEADING.match(words)
    if not marks or _line_breaks(words):
        return False
    first = words[marks.end()]
    return not (_continues_a_sentence(text, spans, i) and (first.isdigit() or first.islower()))


def _stands_apart(text: str, spans: list[tuple[int, int]], i: int) -> bool:
    """Whether line ``i`` has a blank line (or the document's edge) both before and after it."""
    before = text[spans[i - 1][1] : spans[i][0]] if i else "\n\n"
    after = text[spans[i][1] : spans[i + 1][0]] if i + 1 < len(spans) else "\n\n"
    return _line_breaks(before) > 1 and _line_breaks(after) > 1


def _line_breaks(gap: str) -> int:
    """How many line breaks the white space between two lines holds: LF or CRLF, or CR alone (old Mac files)."""
    return gap.count("\n") or gap.count("\r")


def classify(text: str, settings: DocumentSettings) -> list[Paragraph]:
    """Every paragraph of the document with its kind and speaker label."""
    paragraphs: list[Paragraph] = []
    in_contents = False
    spans = line_spans(text, settings.boilerplate)
    repeated = repeated_labels(text, spans)
    blank_before = [i == 0 or _line_breaks(text[spans[i - 1][1] : spans[i][0]]) > 1 for i in range(len(spans))]
    could_be_labels = {
        i: label
        for i, (start, end) in enumerate(spans)
        if (label := speaker_label(text[start:end], settings, repeated, "always"))
    }
    one_turn_a_line = _one_turn_a_line(list(could_be_labels), blank_before)
    punctuated = _punctuates_speech(text, spans, could_be_labels)

    def label_at(i: int, before: list[Paragraph]) -> re.Match | None:
        capitals_once = _capitals_once(one_turn_a_line, blank_before[i], before)
        return speaker_label(text[spans[i][0] : spans[i][1]], settings, repeated, capitals_once)

    for i, (start, end) in enumerate(spans):
        words = text[start:end]
        stamp = _STAMP.match(words)
        time = (stamp["time"] or stamp["alone"]) if stamp else ""
        if not re.search(r"[^\W\d_]{2}", words):
            paragraphs.append(Paragraph(start, end, "noise", time=time))
            continue
        if not settings.structured:
            paragraphs.append(Paragraph(start, end, "text"))
            continue
        if _TABLE_ROW.search(words):
            paragraphs.append(Paragraph(start, end, "table"))
            continue
        if _CONTENTS_HEADER.match(words):
            in_contents = True
            paragraphs.append(Paragraph(start, end, "contents"))
            continue
        if in_contents and _CONTENTS_ENTRY.match(words):
            paragraphs.append(Paragraph(start, end, "contents"))
            continue
        in_contents = False
        label = label_at(i, paragraphs)
        if label:
            time = label_time(label)
            paragraphs.append(Paragraph(start, end, "text", label_name(label), start + label.end(), time))
        elif _markdown_heading(text, spans, i):
            paragraphs.append(Paragraph(start, end, "heading"))
        elif _under_a_bare_label(paragraphs) or _TERMINAL.search(words):
            paragraphs.append(Paragraph(start, end, "text", time=time))
        else:
            # Would the next line open a turn if this one were its heading?
            introduces_turn = i + 1 < len(spans) and label_at(i + 1, [Paragraph(start, end, "heading")]) is not None
            heading = _is_heading(text, spans, i, paragraphs, introduces_turn, punctuated)
            paragraphs.append(Paragraph(start, end, "heading" if heading else "text", time=time))
    return paragraphs


def timestamps(text: str, settings: DocumentSettings) -> tuple[tuple[int, str], ...]:
    """Each timestamp that opens a line of the transcript (in a speaker label, or before or
    instead of a paragraph's words), with where that line starts, in reading order.

    A time standing once in a document, or on a line of its own before the text begins
    and later than the times that follow, is taken for when it was published ("16:37"
    over a web page), not for a place in a recording; "0:00" before the first words is one.
    """
    paragraphs = classify(text, settings)
    begins = next((p.start for p in paragraphs if p.kind in ("text", "table")), len(text))
    heading = [(p.start, p.time) for p in paragraphs if p.time and p.kind == "noise" and p.start < begins]
    stamps = [(p.start, p.time) for p in paragraphs if p.time and (p.kind != "noise" or p.start > begins)]
    if heading and stamps and _seconds(heading[-1][1]) <= _seconds(stamps[0][1]):
        stamps.insert(0, heading[-1])
    return tuple(stamps) if len(stamps) > 1 else ()


def _seconds(time: str) -> float:
    """A timestamp's seconds from the start: "1:05" is 65, "01:00:05.5" is 3605.5."""
    total = 0.0
    for part in time.replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return total


def _under_a_bare_label(before: list[Paragraph]) -> bool:
    """Whether the previous paragraph is a speaker label alone on its line, whose words come next.

    Even a short line without a full stop ("Thank you Mr Chairman") is then the
    speaker's words, never a heading: a heading would take them out of the search.
    """
    return bool(before) and bool(before[-1].label) and before[-1].body_start == before[-1].end


def _is_heading(
    text: str,
    spans: list[tuple[int, int]],
    i: int,
    before: list[Paragraph],
    introduces_turn: bool,
    punctuated: bool,
) -> bool:
    """Whether an unpunctuated line is a heading rather than a line of someone's words.

    Before any text, it is (a title, a date line). Later, a short one is when it stands
    apart between blank lines or introduces a speaker's turn, unless it is a stage
    direction or the transcript does not end its speakers' lines like sentences
    (``punctuated``); a line wedged between lines of running text is part of them (a line
    wrapped in a PDF, a question in parts).
    """
    if not any(p.kind == "text" for p in before):
        return True
    line = text[spans[i][0] : spans[i][1]]
    if not punctuated or len(line.split()) > _MAX_HEADING_WORDS or _STAGE_DIRECTION.fullmatch(line):
        return False
    return introduces_turn or _stands_apart(text, spans, i)


def _asks(text: str, span: tuple[int, int]) -> bool:
    return "?" in text[span[0] : span[1]]


def turns(text: str, settings: DocumentSettings) -> list[Turn]:
    """The document's speaker turns, in order, each knowing its section and question.

    A heading closes the running turn and names the section of what follows;
    unlabelled prose outside a turn is attributed to the opening speaker before the first
    label, and to no one after it: prose after a heading may be the interrupted speaker's,
    or a statement the heading introduces, and no citation may guess which. A table
    closes the running turn too, and its rows are a turn of no speaker: a table in a
    transcript is the document's, never the words of whoever spoke before it. A speaker
    labelled in other capitals later ("SECRETARY BLINKEN:") keeps the name first used. In a
    document whose only labels are the questioner's ("Q. When will it open?"), the answers go
    unlabelled: a paragraph after a question that has asked (holds a "?") answers it, unless it
    asks too ("Given the delays, will it open? Thank you."), and speaks for whoever the metadata
    says answers ("Answer": …), or for no one named.
    """
    paragraphs = classify(text, settings)
    labels = {paragraph.label for paragraph in paragraphs if paragraph.kind == "text" and paragraph.label}
    answers_unlabelled = bool(labels) and all(speaker_and_role(label, settings)[1] == "question" for label in labels)
    result: list[Turn] = []
    section, number = "", 0
    current: dict | None = None
    last_question: tuple[int, int] | None = None
    named: dict[str, str] = {}  # one speaker, one name: "SECRETARY BLINKEN:" later is "Secretary Blinken"

    def close() -> None:
        nonlocal current, last_question, number
        if current and current["paragraphs"]:
            if current.pop("labelled"):  # numbered only now: a label with no words after it is no turn
                number += 1
                current["number"] = number
            spans = tuple(current.pop("paragraphs"))
            result.append(Turn(paragraphs=spans, **current))
            if current["role"] == "question":
                last_question = (spans[0][0], spans[-1][1])
        current = None

    for paragraph in paragraphs:
        if paragraph.kind == "heading":
            close()
            section, last_question = _MARKDOWN_HEADING.sub("", text[paragraph.start : paragraph.end]), None
        elif paragraph.kind == "table":
            if not (current and current["table"]):
                close()
                current = dict(labelled=False, number=0, speaker="", role="answer", section=section, question=None)
                current.update(paragraphs=[], table=True)
            current["paragraphs"].append((paragraph.start, paragraph.end))
        elif paragraph.kind != "text":
            continue
        elif paragraph.label:
            close()
            speaker, role = speaker_and_role(paragraph.label, settings)
            speaker = named.setdefault(speaker.casefold(), speaker)
            question = last_question if role == "answer" else None
            current = dict(labelled=True, number=0, speaker=speaker, role=role, section=section, question=question)
            current.update(paragraphs=[], table=False)
            if paragraph.body[0] < paragraph.body[1]:  # a label alone on its line has its words on the next
                current["paragraphs"].append(paragraph.body)
        else:
            answered = (
                answers_unlabelled
                and current is not None
                and current["role"] == "question"
                and any(_asks(text, span) for span in current["paragraphs"])
                and not _asks(text, paragraph.body)
            )
            if current and (current["table"] or answered):
                close()
            if answered:  # a turn of its own, as if labelled "Answer:"
                speaker = speaker_and_role("Answer", settings)[0]
                current = dict(labelled=True, number=0, speaker=speaker, role="answer", section=section)
                current.update(question=last_question, paragraphs=[], table=False)
            if current is None:
                # number: labelled turns so far; a Word document's notes are its own, no speaker's
                speaker = "" if number or section in NOTE_HEADINGS.values() else settings.opening_speaker
                current = dict(labelled=False, number=0, speaker=speaker, role="answer")
                current.update(section=section, question=None, paragraphs=[], table=False)
            current["paragraphs"].append(paragraph.body)
    close()
    return result
