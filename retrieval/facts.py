"""Dates and figures stated in sentences, and where documents' statements differ or agree.

Pure functions over text: a fact is only ever what the words say, with its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_M = "|".join(MONTH_NAMES)
_DATE = re.compile(
    rf"\b(?P<month>{_M})\s+(?P<day>\d{{1,2}}),\s+(?P<year>\d{{4}})\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_M})\s+(?P<year2>\d{{4}})\b"
    rf"|\b(?P<month3>{_M})\s+(?P<year3>\d{{4}})\b"
)
_TO = r"\s*(?:to|through|and|-|–|—)\s*"
# "from October 31 to November 1, 2024", "October 22-24, 2024", "22 to 24 October 2024":
# both ends are dates of the stated year.
_RANGE = re.compile(
    rf"\b(?P<m1>{_M})\s+(?P<d1>\d{{1,2}}){_TO}(?:(?P<m2>{_M})\s+)?(?P<d2>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b"
    rf"|\b(?P<e1>\d{{1,2}})(?:\s+(?P<n1>{_M}))?{_TO}(?P<e2>\d{{1,2}})\s+(?P<n2>{_M}),?\s+(?P<z>\d{{4}})\b"
)
# A day of a month with no year ("on 31 October") is no figure, and without a year no date either.
_DAY_WITHOUT_YEAR = re.compile(rf"\b(?:{_M})\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_M})\b")
QUALIFIERS = {
    "approximately": "about",
    "about": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "nearly": "almost",
    "almost": "almost",
    "more than": "more than",
    "over": "more than",
    "at least": "more than",
    "upwards of": "more than",
    "less than": "less than",
    "fewer than": "less than",
    "under": "less than",
    "up to": "less than",
}
# Numbers in words, as the digits they stand for ("one" is left out: it is a pronoun too).
NUMBER_WORDS = dict(
    zip(
        [
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
        ],
        [*range(2, 21), 30, 40, 50, 60, 70, 80, 90],
        strict=True,
    )
) | {"hundred": 100, "hundreds": 100, "thousand": 1000, "thousands": 1000, "million": 10**6, "millions": 10**6}
NUMBER_WORDS |= {"billion": 10**9, "billions": 10**9, "dozen": 12, "dozens": 12, "half": 0.5}
_QUANTITY = re.compile(
    r"(?:\b(?P<qualifier>" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")\s+)?"
    r"(?<![\w.,])(?<!\d\+)(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w%]*(?:th|st|nd|rd)\b)(?!\+\d)"
    r"(?:\s*(?P<scale>%|million\b|billion\b|thousand\b|per cent\b|percent\b))?"
    r"(?:\s+(?P<noun>[A-Za-z][\w-]*))?",
    flags=re.IGNORECASE,
)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


@dataclass(frozen=True)
class Fact:
    """A date or a figure as stated, with its normalised value and span in the document."""

    kind: Literal["date", "figure"]
    value: str  # ISO date (2024-06-14, 2024-06) or the number as a plain decimal
    qualifier: str  # "about", "more than", ... or "" for a figure stated exactly; "" for dates
    noun: str  # the word after a figure ("sites", "states"), lower case; "" for dates
    text: str
    start: int
    end: int


def extract_facts(text: str, offset: int = 0) -> list[Fact]:
    """Dates (full or month and year) and figures of ``text``, with spans shifted by ``offset``.

    Numbers that are part of a date, a year on its own or an ordinal ("80th") are not figures.
    """
    facts, taken = [], []

    def date(year: str, month: str, day: str, start: int, end: int) -> Fact:
        value = f"{int(year):04d}-{MONTHS[month.lower()]:02d}-{int(day):02d}"
        return Fact("date", value, "", "", text[start:end], offset + start, offset + end)

    # Each day of a range is a fact whose words are the whole range: "24, 2024" alone
    # would misquote "October 22-24, 2024".
    for m in _RANGE.finditer(text):
        if m["m1"]:
            days = ((m["m1"], m["d1"]), (m["m2"] or m["m1"], m["d2"]))
        else:
            days = ((m["n1"] or m["n2"], m["e1"]), (m["n2"], m["e2"]))
        year = m["y"] or m["z"]
        facts += [date(year, month, day, m.start(), m.end()) for month, day in days]
        taken.append((m.start(), m.end()))
    for m in _DATE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if m["month"]:
            value = f"{int(m['year']):04d}-{MONTHS[m['month'].lower()]:02d}-{int(m['day']):02d}"
        elif m["month2"]:
            value = f"{int(m['year2']):04d}-{MONTHS[m['month2'].lower()]:02d}-{int(m['day2']):02d}"
        else:
            value = f"{int(m['year3']):04d}-{MONTHS[m['month3'].lower()]:02d}"
        facts.append(Fact("date", value, "", "", m.group(), offset + m.start(), offset + m.end()))
        taken.append((m.start(), m.end()))
    taken += [m.span() for m in _DAY_WITHOUT_YEAR.finditer(text)]
    for m in _QUANTITY.finditer(text):
        start, end = m.span("number")
        if any(s <= start < e for s, e in taken):
            continue
        number = float(m["number"].replace(",", ""))
        is_year = 1900 <= number <= 2100 and "," not in m["number"] and not m["scale"]
        if is_year:
            continue
        scale = (m["scale"] or "").lower()
        number *= SCALES.get(scale, 1)
        noun = "percent" if scale in ("%", "percent", "per cent") else (m["noun"] or "").lower()
        qualifier = QUALIFIERS.get((m["qualifier"] or "").lower(), "")
        facts.append(
            Fact(
                "figure",
                f"{number:f}".rstrip("0").rstrip("."),
                qualifier,
                noun,
                m.group().strip(),
                offset + m.start(),
                offset + m.end(),
            )
        )
    return sorted(facts, key=lambda f: f.start)


def dates_agree(a: str, b: str) -> bool:
    """True when two ISO dates can name the same day: equal, or one a month containing the other."""
    return a.startswith(b) or b.startswith(a)


def _stem(noun: str) -> str:
    return noun[:-1] if noun.endswith("s") else noun


def same_subject(a: Fact, b: Fact) -> bool:
    """Whether two facts can be statements about the same thing, so that comparing them means something.

    Dates always can (the sentences already answer one question); figures only
    when they count the same noun or state the same number.
    """
    if a.kind != b.kind:
        return False
    if a.kind == "date":
        return True
    return a.value == b.value or (bool(a.noun) and _stem(a.noun) == _stem(b.noun))


def agree(a: Fact, b: Fact) -> bool:
    """Whether two facts about the same subject say the same: same date, or same figure and qualifier."""
    if a.kind == "date":
        return dates_agree(a.value, b.value)
    return a.value == b.value and a.qualifier == b.qualifier
