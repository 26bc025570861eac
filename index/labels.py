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
# Labels of the side of an interview that asks ("Interviewer:", "Reporter 2:"): their turns are questions.
ASKING_LABELS = frozenset(["interviewer", "reporter", "journalist", "correspondent", "questioner"])
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
SUBJECT_WORDS = frozenset(["on", "about", "regarding", "re", "concerning"])
# A numbered label names a speaker when its words name a role people speak in: "Speaker 2:",
# "Participant 3:". Numbered steps, figures, chapters and articles ("Step 1:") never do.
NUMBERED_ROLES = frozenset(
    [
        "speaker",
        "participant",
        "person",
        "interviewer",
        "interviewee",
        "respondent",
        "guest",
        "host",
        "caller",
        "reporter",
        "journalist",
        "voice",
        "man",
        "woman",
        "male",
        "female",
        "student",
        "delegate",
        "panelist",
        "panellist",
        "moderator",
        "member",
        "witness",
        "unknown",
    ]
)

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
# The colon closing a label, the bold around it closed before or after it, then the words or the line's end.
_COLON = r":(?(bold)(?:\*\*|__)?)(?:[ \t\xa0]+(?=\S)|[ \t\xa0]*$)"
_LABEL = re.compile(
    _STAMP_BEFORE + r"(?P<bold>\*\*|__)?"
    r"(?P<label>[^\W\d_][\w’'.\-]*(?:[ \xa0](?:[^\W\d_][\w’'.\-]*|\d{1,3})){0,3})"
    r"(?P<aside>(?:[ \t\xa0]*\([^()\r\n]{1,60}\)){1,2})?(?(bold)(?:\*\*|__)?)[\u200e\u200f\u061c]*"
    rf"(?:{_COLON}|：[ \t\xa0]*|[ \t\xa0]+(?P<time_after>{TIME})[ \t\xa0]*$)"
)
# An office with its holder's name in brackets, as Hansard writes a minister: "The Secretary of
# State for Energy Security and Net Zero (Ed Miliband):", "The Minister of State, Ministry of
# Defence (Luke Pollard):". The office is the speaker's name, as when Hansard later writes it alone.
_OFFICE = re.compile(
    _STAMP_BEFORE + r"(?P<bold>\*\*|__)?(?P<label>The(?: (?:[A-Z][\w’'\-]*,?|of|for|the|and|to|on|in)){1,15})"
    r"(?P<aside>[ \t\xa0]*\([A-Z][\w’'.\-]+(?: (?:[A-Z][\w’'.\-]+|of|de|van|von|al|bin)){1,5}\)"
    r"(?:[ \t\xa0]*\([^()\r\n]{1,60}\))?)(?(bold)(?:\*\*|__)?)[ \t\xa0]*" + _COLON
)
# Words one of which an office's title holds: "The Case for Reform (Executive Summary):" is no office.
_OFFICE_WORDS = frozenset(
    ["Minister", "Secretary", "Under-Secretary", "Chancellor", "Leader", "Speaker", "General", "President"]
    + ["Chair", "Chairman", "Chairwoman", "Whip", "Advocate", "Treasurer", "Comptroller", "Mayor", "Governor"]
    + ["Commissioner", "Ambassador", "Spokesperson", "Spokesman", "Spokeswoman", "Deputy", "Premier"]
)
# The questioner's "Q" of official transcripts, with no colon: "Q Thank you. Will the bill pass?"
_BARE_Q = re.compile(_STAMP_BEFORE + r"(?P<label>Q)\.?[ \t\xa0]+(?=\S)(?![a-z])")
# Lower-case words that may stand inside a name: "Ursula von der Leyen", "Charles de Gaulle".
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
        "d",
    ]
)


def speaker_label(
    paragraph: str, settings: DocumentSettings, repeated: frozenset[str], capitals_once: CapitalsOnce
) -> re.Match | None:
    """The speaker label opening the paragraph, if any.

    A label the metadata names is one, however it is written. Otherwise no word of it
    may start in lower case, but for particles inside a name ("Ursula von der Leyen").

    - An office with its holder's name in brackets is one ("The Chancellor of the Exchequer
      (Rachel Reeves):", see ``_OFFICE``).
    - Two to four such words read as a name ("Sergey Lavrov:"), unless one is a
      possessive ("Editor's Note:"), the last closes a field's name ("Key Findings:")
      or the first introduces a subject ("On Ukraine:").
    - A numbered label counts when its words name a role people speak in ("Speaker 2:",
      not "Step 1:"); one closed by a timestamp instead of a colon ("Jane Doe  0:03") when
      such labels are a cast (see ``repeated_labels``), not a programme ("Opening Session
      9:00"). A bare "Q" and a label in a script without capitals count when ``repeated``.
    - One word could open a remark ("Note:", "NATO: it keeps moving east"), so it counts
      when generic ("Answer:"); otherwise only a name, never a remark word, used as a
      label more than once (``repeated``) or in capitals ("LAVROV:") where the layout
      around it allows (``capitals_once``, which the structure reader decides).
    """
    match = _label_match(paragraph)
    if not match:
        return None
    label = label_name(match)
    if any(label.casefold() == listed.casefold() for listed in (*settings.speakers, *settings.questioners)):
        return match
    if match.re is _BARE_Q:  # "Q Street was closed" asks nothing: a briefing's questions are many
        return match if label in repeated else None
    if match.re is _OFFICE:
        return match if _OFFICE_WORDS.intersection(label.replace(",", "").split()) else None
    if not _written_as_a_name(label):
        return None
    if label.lower() in GENERIC_LABELS:
        return match
    words = label.lower().split()
    if any(word.isdigit() for word in words):
        return match if any(word in NUMBERED_ROLES for word in words) else None
    if match.groupdict().get("time_after"):
        return match if TIMED_CAST in repeated else None
    if not any(char.isupper() for char in label):  # no capitals to tell a name: "قال الوزير:" is "the minister said:"
        return match if label in repeated else None
    if " " in label:
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


def label_name(match: re.Match) -> str:
    """The label's words as one name, a non-breaking space between them read as a space ("Mr\xa0Speaker")."""
    return " ".join(match["label"].split())


def _label_match(paragraph: str) -> re.Match | None:
    """The label opening the paragraph as written, whether or not it names a speaker.

    A bare "Q" comes first: in "Q Mr. President: will you sign?" the question is the label.
    """
    return _BARE_Q.match(paragraph) or _OFFICE.match(paragraph) or _LABEL.match(paragraph)


def _written_as_a_name(label: str) -> bool:
    """Whether no word of the label starts in lower case, but for particles inside a name
    ("Ursula von der Leyen") or opening its last word ("Asaad al-Shaibani"); a script without
    capitals passes."""
    words = label.split()
    inside = range(1, len(words) - 1)

    def allowed(i: int, word: str) -> bool:
        if i in inside and word in _NAME_PARTICLES:
            return True
        return (
            i > 0 and re.split(r"[-’']", word)[0] in _NAME_PARTICLES and re.search(r"[-’'][^\W\d_]", word) is not None
        )

    return not any(word[0].islower() and not allowed(i, word) for i, word in enumerate(words))


# Stands in ``repeated_labels`` when most labels closed by a timestamp recur: a cast of
# speakers ("Jane Doe  0:03", …), not a programme's items ("Opening Session 9:00").
TIMED_CAST = "0:00"


def repeated_labels(text: str, spans: list[tuple[int, int]]) -> frozenset[str]:
    """The labels that open more than one line, with ``TIMED_CAST`` when most lines holding a
    label closed by a timestamp hold one of these: then "John Smith  0:15" counts even if used once."""
    matches = [m for m in (_label_match(text[start:end]) for start, end in spans) if m]
    counts = Counter(label_name(m) for m in matches)
    repeated = {label for label, count in counts.items() if count > 1}
    timed = [label_name(m) in repeated for m in matches if m.groupdict().get("time_after")]
    return frozenset(repeated | ({TIMED_CAST} if 2 * sum(timed) > len(timed) > 0 else set()))


def label_time(label: re.Match) -> str:
    """The timestamp a label gives: before the name, closing it, or opening an aside ("(00:12:31 - 00:13:02)")."""
    given = label.groupdict()
    stamp = re.search(rf"\(\s*({TIME})\b", given.get("aside") or "")
    return given.get("time") or given.get("time_after") or (stamp[1] if stamp else "")


def speaker_and_role(label: str, settings: DocumentSettings) -> tuple[str, Role]:
    """Who speaks under a label. "Answer:" names no one: unless the metadata does, it stays unattributed.

    A label listed in the metadata's ``questioners`` (a journalist called by name) asks questions,
    and so does one naming the asking side of an interview ("Interviewer:", "Reporter 2:").
    The metadata names a label in any capitals: "LAVROV:" is the "Lavrov" of ``speakers``.
    """
    folded = label.casefold()
    generic = GENERIC_LABELS.get(folded)
    asks = any(folded == questioner.casefold() for questioner in settings.questioners) or (
        folded.rstrip(" 0123456789") in ASKING_LABELS
    )
    role: Role = "question" if generic == "question" or asks else "answer"
    default = {"question": "Questioner", "answer": ""}.get(generic, label)
    return next((name for listed, name in settings.speakers.items() if listed.casefold() == folded), default), role
