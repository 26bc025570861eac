"""Quotes pasted with their attribution: the words inside the quotation marks, and whom the rest credits.

A writer's copy reads “…,” Lavrov said. Only the words inside the marks claim to be
the speaker's; the words around them are the writer's, and they name the person the
writer credits, which the source can confirm or contradict. Pure functions over text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import STOP_WORDS
from index.shingles import SHINGLE, words
from retrieval.spelling import is_respelling

# Each opening mark and the marks that close it („…“ is German, «…» French).
_CLOSERS = {"“": "”", "„": "“”", "«": "»", "‘": "’", '"': '"'}
_OPENS_AFTER = ' \t\n([{—–-/“„«‘"'  # what may stand before an opening ‘ or "
_ENDS_QUOTATION = ",.;:!?…—–)"  # what stands before a closing ’ that is no apostrophe
# Verbs of saying, by which the words around a quotation credit someone with it.
_VERBS = (
    r"said|says|say|saying|told|tells|added|adds|stated|states|noted|notes|stressed|emphasi[sz]ed|argued"
    r"|claimed|insisted|remarked|warned|declared|explained|replied|answered|asked|wrote|writes|recalled|observed"
    r"|announced|commented|continued|concluded|pointed out"
)
_SAYING = rf"(?i:{_VERBS}|according to)"
_NAME_WORD = r"[A-Z][\w’'.-]*"
# A name of capitalised words ("Sergey Lavrov", "Russia’s Foreign Minister Sergey Lavrov").
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*"
# Words between a name and its verb: "Lavrov later said", "Lavrov has said", "was quoted as saying".
_BETWEEN = r"(?:\s+(?i:later|also|then|once|earlier|recently|previously|further|has|had|was|is|would|quoted as))*"
# A name phrase that ends in a title names an office, not a person ("Russia’s Foreign Minister").
_TITLES = frozenset((
    "minister", "ministers", "president", "premier", "deputy", "spokesman", "spokeswoman", "spokesperson",
    "ambassador", "envoy", "secretary", "chairman", "chairwoman", "speaker", "senator", "director", "general",
    "head", "chief", "official", "officials", "diplomat", "mr", "mrs", "ms", "dr", "sir",
))  # fmt: skip
_CREDITS = (
    # "TASS quoted Lavrov as saying": the one quoted, not the one quoting
    re.compile(rf"\bquoted\s+(?P<name>{_NAME})\s+as\s+saying"),
    # "Lavrov said", "Sergey Lavrov, the foreign minister, told deputies", "Lavrov has said"
    re.compile(rf"(?P<name>{_NAME})(?:,[^,“”\"]{{1,80}},|,)?{_BETWEEN}\s+{_SAYING}\b"),
    # "said Lavrov", "according to the Kremlin", "said Lavrov’s spokeswoman Maria Zakharova", "said
    # Kremlin spokesman Dmitry Peskov"; not "asked Lavrov", "told Lavrov", whom the words were said to,
    # nor after a word ("Lavrov said Russia is “…”", "he said Moscow"), whose speaker comes before the verb
    re.compile(
        rf"(?<![\w’'.]\s)\b(?!(?i:told|tells|asked|asks)\b){_SAYING}\s+(?:the\s+)?"
        rf"(?:{_NAME_WORD}[’']s\s+(?:[a-z-]+,?\s+){{1,3}}|{_NAME}\s+(?:{'|'.join(sorted(_TITLES))}),?\s+)?(?P<name>{_NAME})"
    ),
    # "Lavrov: “…”"
    re.compile(rf"^\s*(?P<name>{_NAME})\s*:", re.M),
)
_REPORTED = re.compile(rf"\b(?i:{_VERBS})\b")
# Words that end a news outlet's name: "according to TASS" or "according to the Financial Times"
# names who reported the words, not who said them.
_OUTLET_WORDS = frozenset((
    "tass", "ria", "afp", "ap", "bbc", "cnn", "nhk", "rt", "reuters", "bloomberg", "interfax", "novosti",
    "xinhua", "kommersant", "izvestia", "vedomosti", "news", "agency", "times", "post", "journal", "press",
    "wire", "daily", "gazette", "herald", "tribune", "telegraph", "guardian", "media", "tv", "radio",
    "magazine", "newspaper", "broadcaster", "channel",
))  # fmt: skip
_SAYS_SO = re.compile(rf"\b{_SAYING}\b|^\s*{_NAME}\s*:", re.M)
# Capitalised words that name no one: days, months, and the labels of a headline or a transcript.
_NOT_PEOPLE = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "answer", "question", "quote", "note", "update", "breaking", "headline", "source", "comment", "statement",
    "reply", "response", "transcript", "translation", "editor",
))  # fmt: skip


@dataclass(frozen=True)
class Framing:
    """A pasted quotation with its attribution taken apart."""

    parts: tuple[str, ...]  # the words inside each pair of marks, in order
    frame: str  # the pasted text with each quoted part shown as “…”: the writer's words
    credited: str  # the name the writer credits ("Lavrov"); "" for "he said", a title alone or no name
    credit: str = ""  # the writer's words that credit it ("Lavrov said")

    @property
    def quoted(self) -> str:
        """The quoted parts as one quote; the writer's words between them mark an omission."""
        return " … ".join(self.parts)


def _closes(pasted: str, at: int, opener: str, strong_apostrophe_after: bool) -> bool:
    """Whether the mark at ``at`` closes a quotation that ``opener`` opened."""
    mark = pasted[at]
    if mark not in _CLOSERS[opener]:
        return False
    before = pasted[at - 1] if at else " "
    after = pasted[at + 1] if at + 1 < len(pasted) else " "
    if mark == '"':
        return not before.isspace()
    if mark == "’":  # else an apostrophe: don’t, BRICS’ resilience
        return not after.isalnum() and (_sure_closing(pasted, at) or not strong_apostrophe_after)
    return True


def _sure_closing(pasted: str, at: int) -> bool:
    """Whether the ’ at ``at`` closes a quotation for sure: after a comma or a stop, before punctuation,
    or at the end; between a word and a space it may be an apostrophe (BRICS’ resilience)."""
    after = pasted[at + 1] if at + 1 < len(pasted) else ""
    before = pasted[at - 1] if at else " "
    return before in _ENDS_QUOTATION or not (after.isspace() or after.isalnum())


def _opens(pasted: str, at: int) -> bool:
    """Whether the mark at ``at`` opens a quotation."""
    mark = pasted[at]
    if mark not in _CLOSERS:
        return False
    before = pasted[at - 1] if at else " "
    after = pasted[at + 1] if at + 1 < len(pasted) else " "
    return mark not in '‘"' or (before in _OPENS_AFTER and not after.isspace())


def _quotations(pasted: str) -> tuple[str, list[tuple[int, int]]]:
    """The pasted text and the spans, marks included, of its outermost quotations: quotations inside
    them ("the “general line”") are part of their words. A ’ between a word and a space closes a ‘…’
    only when no ’ later in the text closes it for sure, after a comma or a stop (‘…BRICS’ resilience…,’
    he said). A text with one mark and no pair ("Lavrov said: “We are…", "…are ready.” Lavrov said")
    is returned with the other mark added at the end or the start, as a half-copied quotation reads."""
    strong_after = [False] * (len(pasted) + 1)  # whether a sure closing ’ stands at or after each place
    for at in range(len(pasted) - 1, -1, -1):
        strong_after[at] = strong_after[at + 1] or (pasted[at] == "’" and _sure_closing(pasted, at))
    spans, open_marks, lone_closers = [], [], []  # open: (mark, where) of the quotations open at this point
    for at, mark in enumerate(pasted):
        if open_marks and _closes(pasted, at, open_marks[-1][0], strong_after[at + 1]):
            _, start = open_marks.pop()
            if not open_marks:
                spans.append((start, at + 1))
        elif _opens(pasted, at):
            open_marks.append((mark, at))
        elif mark in "”»" or (mark == "’" and _sure_closing(pasted, at)):
            lone_closers.append(mark)
    if not spans and len(open_marks) == 1 and not lone_closers:
        mark, start = open_marks[0]
        return pasted + _CLOSERS[mark][-1], [(start, len(pasted) + 1)]
    if not spans and not open_marks and len(lone_closers) == 1:
        opener = next(opens for opens, closes in _CLOSERS.items() if lone_closers[0] in closes)
        return opener + pasted, [(0, pasted.index(lone_closers[0]) + 2)]
    return pasted, spans


def _person(name: str) -> str:
    """The name as credited, without a leading stop word or non-name ("On Wednesday Lavrov" is "Lavrov"),
    or whatever comes before a possessive ("Russia’s Foreign Minister Sergey Lavrov" is "Foreign
    Minister Sergey Lavrov"); "" when it ends in a possessive ("Lavrov’s" ministry is not Lavrov) or a
    title (an office), or holds no word that names someone."""
    parts = name.strip(".,;:").split()
    possessive = [i for i, part in enumerate(parts) if re.search(r"[’']s?$", part)]
    if possessive:
        parts = parts[possessive[-1] + 1 :]
    while parts and parts[0].lower().strip(".") in STOP_WORDS | _NOT_PEOPLE:
        parts = parts[1:]
    if not parts or parts[-1].lower().strip(".") in _TITLES or not name_words(" ".join(parts)):
        return ""
    return " ".join(parts)


def name_words(name: str) -> list[str]:
    """The words of a name that tell whom it names: no stop words, titles, days or label words."""
    return [
        form
        for *_, form in words(name)
        if form not in STOP_WORDS and form not in _TITLES and form not in _NOT_PEOPLE and form != "s"
    ]


def credited_name(writers: str, quotations: list[tuple[int, int]]) -> tuple[str, str]:
    """The name the writer's words around the quotations credit ("Lavrov" in “…,” Lavrov said) and the
    words that credit it ("Lavrov said"); "" for both when they credit no one by name ("he said", "the
    foreign minister said"). ``writers`` is the pasted text
    with the quotations blanked out; of several credits, the one nearest a quotation wins ("Peskov said
    Lavrov told deputies that “…”" credits Lavrov)."""

    def distance(span: tuple[int, int]) -> int:
        """Characters from the credit to the nearest quotation; -1 for one that introduces it ("Lavrov said: “…”")."""
        if any(writers[span[1] : start].strip() == ":" for start, _ in quotations):
            return -1
        return min(max(start - span[1], span[0] - end, 0) for start, end in quotations)

    # "According to" a news outlet, or to anyone beside another verb of saying ("“…,” the minister
    # said, according to TASS"), names the one who reported the words, not the one who said them.
    reported = _REPORTED.search(writers) is not None
    found = []
    for pattern in _CREDITS:
        for match in pattern.finditer(writers):
            name = _person(match["name"])
            last = name_words(name)[-1:]
            outlet = bool(last) and last[0] in _OUTLET_WORDS  # "RIA Novosti", not "Press Secretary Dmitry Peskov"
            by_report = re.match(r"(?i)according to", match[0]) and (reported or outlet)
            if name and not by_report:
                found.append((distance(match.span()), match.start(), name, match[0]))
    return min(found)[2:] if found else ("", "")


def framing(pasted: str) -> Framing | None:
    """The pasted text taken apart into the quoted words and the writer's words around them; None
    unless quotation marks hold at least ``SHINGLE`` words and the words outside them credit
    someone, by a verb of saying ("said", "according to") or a label ("Lavrov: “…”"). Words in
    marks that nobody is said to have said ("the so-called “rules-based order”") are the
    speaker's own quoting, part of the quote."""
    pasted, spans = _quotations(pasted)
    quotations = [(s, e) for s, e in spans if words(pasted[s + 1 : e - 1])]
    if sum(len(words(pasted[s + 1 : e - 1])) for s, e in quotations) < SHINGLE:
        return None
    writers = pasted
    for start, end in quotations:  # blanked, so that every credit keeps its place
        writers = writers[:start] + " " * (end - start) + writers[end:]
    if not words(writers) or not _SAYS_SO.search(writers):
        return None
    frame, last = [], 0
    for start, end in quotations:
        frame += [pasted[last:start], "“…”"]
        last = end
    parts = tuple(pasted[s + 1 : e - 1].strip() for s, e in quotations)
    return Framing(parts, " ".join("".join([*frame, pasted[last:]]).split()), *credited_name(writers, quotations))


def same_speaker(credited: str, speaker: str) -> bool:
    """Whether a credited name names this speaker: the words that tell whom either names are all
    among the other's, as spelled or in another transliteration ("Lavrov" and "Sergey Lavrov",
    "Sergei Lavrov" and "Sergey Lavrov", "the Foreign Ministry" and "Foreign Ministry"; not
    "Defence Ministry" and "Foreign Ministry")."""
    credited_words, speaker_words = name_words(credited), name_words(speaker)

    def among(some: list[str], others: list[str]) -> bool:
        return all(any(is_respelling(word, other) for other in others) for word in some)

    if not credited_words or not speaker_words:
        return False
    return among(credited_words, speaker_words) or among(speaker_words, credited_words)
