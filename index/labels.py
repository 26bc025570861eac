"""Speaker labels: the forms transcripts write them in, and which of them name a speaker.

A label is read, never changed: what it yields are names, roles and timestamps, while
the words cited stay the source's own.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Literal

from index.corpus import DocumentSettings
from index.records import Role

# Where a one-word label in capitals used only once ("JONES:") may name a speaker.
CapitalsOnce = Literal["never", "always", "before_a_sentence"]

# Labels that name a role, not a person: "Question:", "Q:", "Answer:", "A:".
GENERIC_LABELS = {"question": "question", "q": "question", "answer": "answer", "a": "answer"}
# Words that close a field's name and never a person's: "Key Findings:", "Next Steps:",
# "Note to Editors:". ("Date" or "Place" may: "Kimiko Date:", "Francis Place:".)
FIELD_WORDS = frozenset(
    [
        "note",
        "notes",
        "summary",
        "overview",
        "topics",
        "findings",
        "results",
        "conclusions",
        "recommendations",
        "highlights",
        "takeaways",
        "steps",
        "objectives",
        "points",
        "details",
        "items",
        "information",
        "contact",
        "contacts",
        "editors",
        "questions",
    ]
)
# Words that open a remark, a caption or a field ("Note:", "WARNING:", "PARTICIPANTS:"), never a speaker.
REMARK_WORDS = FIELD_WORDS | frozenset(
    [
        "nb",
        "ps",
        "warning",
        "caution",
        "important",
        "attention",
        "reminder",
        "update",
        "correction",
        "disclaimer",
        "source",
        "sources",
        "background",
        "context",
        "example",
        "subject",
        "date",
        "time",
        "place",
        "location",
        "venue",
        "participants",
        "attendees",
        "present",
        "agenda",
        "keywords",
    ]
)
# A label opening with one of these introduces a subject, not a speaker: "On Ukraine:", "Regarding Sanctions:".
SUBJECT_WORDS = frozenset(["on", "about", "regarding", "re", "concerning", "from", "with"])

# A speaker label opens a line: one to four words, each capitalised (checked in
# speaker_label, since any alphabet's capitals count) or a number ("Speaker 2"), and a
# colon; the words follow on the same line or, when the label stands alone, on the next.
# A timestamp may come first ("[00:12:31] Name:"), up to two asides after the name
# ("Name (via interpreter):", "Name (00:12):", "Mrs Kemi Badenoch (North West Essex) (Con):"),
# and Markdown bold around it ("**Question:**"); none is part of the speaker's name.
# Without a colon, a timestamp may close a label alone on its line ("Jane Doe  0:03",
# as transcription services write it).
TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"  # "0:03", "00:12:31", "00:12:31.250"
_STAMP_BEFORE = rf"(?:[\[(]?(?P<time>{TIME})[\])]?[ \t\xa0]+)?"
_LABEL = re.compile(
    _STAMP_BEFORE + r"(?P<bold>\*\*|__)?"
    r"(?P<label>[^\W\d_][\w’'.\-]*(?: (?:[^\W\d_][\w’'.\-]*|\d{1,3})){0,3})"
    r"(?P<aside>(?:[ \t\xa0]*\([^()\r\n]{1,60}\)){1,2})?(?(bold)(?:\*\*|__)?)"
    r"(?::(?(bold)(?:\*\*|__)?)(?:[ \t\xa0]+(?=\S)|[ \t\xa0]*$)|：[ \t\xa0]*"
    rf"|[ \t\xa0]+(?P<time_after>{TIME})[ \t\xa0]*$)"
)
# The questioner's "Q" of official transcripts, with no colon: "Q Thank you. Will the bill pass?"
_BARE_Q = re.compile(_STAMP_BEFORE + r"(?P<label>Q)\.?[ \t\xa0]+(?=\S)(?![a-z])")
# Lower-case words that may stand inside a name or a title: "Ursula von der Leyen", "Leader of the House".
_NAME_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "du",
        "da",
        "di",
        "del",
        "della",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "of",
        "for",
        "the",
    ]
)


def speaker_label(
    paragraph: str, settings: DocumentSettings, repeated: frozenset[str], capitals_once: CapitalsOnce
) -> re.Match | None:
    """The speaker label opening the paragraph, if any.

    A label the metadata names is one, however it is written. Otherwise no word of it
    may start in lower case, but for particles inside a name ("Ursula von der Leyen").

    - Two to four such words read as a name ("Sergey Lavrov:"), unless one is a
      possessive ("Editor's Note:"), the last closes a field's name ("Key Findings:")
      or the first introduces a subject ("On Ukraine:").
    - A numbered label ("Speaker 2:") or one closed by a timestamp instead of a colon
      ("Jane Doe  0:03") counts when it, or a label of its form (see ``_forms``), is
      ``repeated``: "Step 1:", "Step 2:" and "Opening Session 9:00" are no speakers.
    - One word could open a remark ("Note:", "NATO: it keeps moving east"), so it counts
      when generic ("Answer:"); otherwise only a name, never a remark word, used as a
      label more than once (``repeated``) or in capitals ("LAVROV:") where the layout
      around it allows (``capitals_once``, which the structure reader decides).
    """
    match = _label_match(paragraph)
    if not match:
        return None
    label = match["label"]
    if label in settings.speakers or label in settings.questioners:
        return match
    if not _written_as_a_name(label):
        return None
    if label.lower() in GENERIC_LABELS:
        return match
    if match.groupdict().get("time_after") or _numbered(label):
        return match if _forms(match) & repeated else None
    if " " in label:
        words = label.lower().split()
        possessive = any(word.endswith(("'s", "’s")) for word in words)
        field = words[-1] in FIELD_WORDS or words[0] in SUBJECT_WORDS
        return None if possessive or field else match
    if label.lower() in REMARK_WORDS:
        return None
    if label in repeated:
        return match
    if not (label.isupper() and len(label) > 1) or capitals_once == "never":
        return None
    if capitals_once == "before_a_sentence" and paragraph[match.end() : match.end() + 1].islower():
        return None
    return match


def _label_match(paragraph: str) -> re.Match | None:
    """The label opening the paragraph as written, whether or not it names a speaker."""
    return _LABEL.match(paragraph) or _BARE_Q.match(paragraph)


def _written_as_a_name(label: str) -> bool:
    """Whether no word of the label starts in lower case, but for particles inside it
    ("Ursula von der Leyen", "Leader of the House"); a script without capitals passes."""
    words = label.split()
    inside = range(1, len(words) - 1)
    return not any(word[0].islower() and not (i in inside and word in _NAME_PARTICLES) for i, word in enumerate(words))


def _numbered(label: str) -> str:
    """The label with its numbers as "#" ("Speaker 2" -> "Speaker #"); "" for a label without one."""
    numbered = re.sub(r"(?<= )\d+\b", "#", label)
    return numbered if numbered != label else ""


def _forms(label: re.Match) -> set[str]:
    """What a label is recognised by: its words, their numbered form ("Speaker #"), and
    "0:00" when a timestamp closes it instead of a colon."""
    timed = "0:00" if label.groupdict().get("time_after") else ""
    return {label["label"], _numbered(label["label"]), timed} - {""}


def repeated_labels(text: str, spans: list[tuple[int, int]]) -> frozenset[str]:
    """The forms (see ``_forms``) of the labels that open more than one line: once "Speaker 1"
    or "Jane Doe  0:03" repeats, "Speaker 3" and "John Smith  0:15" are labels even if used once."""
    matches = [m for m in (_label_match(text[start:end]) for start, end in spans) if m]
    counts = Counter(m["label"] for m in matches)
    return frozenset(form for m in matches if counts[m["label"]] > 1 for form in _forms(m))


def label_time(label: re.Match) -> str:
    """The timestamp a label gives: before the name, closing it, or opening an aside ("(00:12:31 - 00:13:02)")."""
    given = label.groupdict()
    stamp = re.search(rf"\(\s*({TIME})\b", given.get("aside") or "")
    return given.get("time") or given.get("time_after") or (stamp[1] if stamp else "")


def speaker_and_role(label: str, settings: DocumentSettings) -> tuple[str, Role]:
    """Who speaks under a label. "Answer:" names no one: unless the metadata does, it stays unattributed.

    A label listed in the metadata's ``questioners`` (a journalist called by name) asks questions.
    """
    generic = GENERIC_LABELS.get(label.lower())
    role: Role = "question" if generic == "question" or label in settings.questioners else "answer"
    default = {"question": "Questioner", "answer": ""}.get(generic, label)
    return settings.speakers.get(label, default), role
