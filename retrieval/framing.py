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

# Double marks pair in reading order, each opening mark with its closing ones. A single ’
# is far more often an apostrophe (don’t, Ministers’) than a closing mark, so single
# marks pair only as an opening ‘ at a word's start with the first ’ that ends a word.
_DOUBLE = re.compile(
    "|".join(
        f"{opens}[^{opens}{closes}]*[{closes}]" for opens, closes in (("“", "”"), ("„", "“”"), ("«", "»"), ('"', '"'))
    )
)
_SINGLE = re.compile(r"(?<![\w’'])‘.*?’(?!\w)", re.S)
# Verbs of saying, by which the words around a quotation credit someone with it.
_SAYING = (
    r"(?i:said|says|say|told|tells|added|adds|stated|states|noted|notes|stressed|emphasi[sz]ed|argued|claimed"
    r"|insisted|remarked|warned|declared|explained|replied|answered|asked|wrote|writes|recalled|observed"
    r"|announced|commented|continued|concluded|pointed out|according to)"
)
_NAME_WORD = r"[A-Z][\w’'.-]*"
# A name of capitalised words ("Sergey Lavrov", "Russia’s Foreign Minister Sergey Lavrov").
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD})*"
_CREDITS = (
    # "Lavrov said", "Sergey Lavrov, the foreign minister, told deputies"
    re.compile(rf"(?P<name>{_NAME})(?:,[^,“”\"]{{1,80}},)?\s+{_SAYING}\b"),
    # "said Lavrov", "according to Russia’s Foreign Minister Sergey Lavrov"; not "asked Lavrov",
    # "told Lavrov", where the name after the verb is whom the words were said to
    re.compile(rf"\b(?!(?i:told|tells|asked|answered|replied)\b){_SAYING}\s+(?P<name>{_NAME})"),
    # "Lavrov: “…”"
    re.compile(rf"^\s*(?P<name>{_NAME})\s*:"),
)
_SAYS_SO = re.compile(rf"\b{_SAYING}\b|^\s*{_NAME}\s*:")


@dataclass(frozen=True)
class Framing:
    """A pasted quotation with its attribution taken apart."""

    quoted: str  # the words inside the marks; several parts joined by " … ", the writer's words between
    frame: str  # the pasted text with each quoted part shown as “…”: the writer's words
    credited: str  # the name the writer credits ("Lavrov"); "" for "he said" or no name


def _quotations(pasted: str) -> list[re.Match]:
    """Each pair of quotation marks with the words it holds: double marks, else single ones."""
    return list(_DOUBLE.finditer(pasted)) or list(_SINGLE.finditer(pasted))


def credited_name(writers: str) -> str:
    """The name the writer's words around a quotation credit with it ("Lavrov" in “…,” Lavrov said);
    "" when they credit no one by name ("he said"). A leading stop word is no part of a name ("The
    Foreign Ministry" is "Foreign Ministry"), so a pronoun credits no one."""
    for pattern in _CREDITS:
        for match in pattern.finditer(writers):
            name = match["name"].split()
            while name and name[0].lower() in STOP_WORDS:
                name = name[1:]
            if name:
                return " ".join(name).strip(".,;:")
    return ""


def framing(pasted: str) -> Framing | None:
    """The pasted text taken apart into the quoted words and the writer's words around them; None
    unless quotation marks hold at least ``SHINGLE`` words and the words outside them credit
    someone, by a verb of saying ("said", "according to") or a label ("Lavrov: “…”"). Words in
    marks that nobody is said to have said ("the so-called “rules-based order”") are the
    speaker's own quoting, part of the quote."""
    quotations = [m for m in _quotations(pasted) if words(m[0])]
    if sum(len(words(m[0])) for m in quotations) < SHINGLE:
        return None
    pieces, last = [], 0
    for quotation in quotations:
        pieces.append(pasted[last : quotation.start()])
        last = quotation.end()
    writers = " ".join([*pieces, pasted[last:]])
    if not words(writers) or not _SAYS_SO.search(writers):
        return None
    frame = " ".join("“…”".join([*pieces, pasted[last:]]).split())
    quoted = " … ".join(m[0][1:-1].strip() for m in quotations)
    return Framing(quoted, frame, credited_name(writers))


def same_speaker(credited: str, speaker: str) -> bool:
    """Whether a credited name names this speaker: the last word of one (a surname, "Ministry") is a
    word of the other, in any case ("Lavrov" and "Sergey Lavrov", "Foreign Ministry" and "the ministry")."""

    def name_words(name: str) -> list[str]:
        return [form for *_, form in words(name) if form not in STOP_WORDS and form != "s"]

    credited_words, speaker_words = name_words(credited), name_words(speaker)
    if not credited_words or not speaker_words:
        return False
    return credited_words[-1] in speaker_words or speaker_words[-1] in credited_words
