"""Sentence spans inside a span of text, for answer sentences and for splitting long paragraphs."""

from __future__ import annotations

import re

# A sentence ends at . ! ? … ؟ or । (with any closing quotes or brackets) when white space
# and a new sentence's first letter, not in lower case (checked in code: a script without
# capitals has none), follow, perhaps after an opening quote, bracket or dash. Chinese and
# Japanese leave no space after their full stops 。！？, so those end a sentence anyway.
# A blank line always ends one.
_BOUNDARY = re.compile(
    r"[.!?…؟।॥]+[\"”’»)\]]*(?=\s+[\"“‘«(\[—–-]?\s?(\w))"
    r"|[。！？]+[”’」』）]*"
    r"|(?>\r\n|\n|\r)[ \t]*(?>\r\n|\n|\r)"
)
# Words whose trailing full stop does not end a sentence: titles before a name ("Sen. Hale",
# "the right hon. Lady") and the like. An initial is checked for a capital in code.
_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|Jr|Sr|vs|etc|e\.g|i\.e|Gen|Col|Lt|Capt|Maj|Sgt|Adm|Gov|Sen|Rep|Hon|hon|Rt"
    r"|Rev|Amb|Pres|Cllr|Art|(?P<initial>[^\W\d_]))\.$"
)
# A month's abbreviation goes on to its day ("Jan. 6"); before a capital it may end a sentence
# ("held on 6 Jan. The next round…"), or be a name ("I spoke to Jan.").
_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")


def _ends_abbreviation(words: str) -> bool:
    """Whether ``words`` end with an abbreviation or an initial in any alphabet ("V.", "É.", "С.")."""
    match = _ABBREVIATION.search(words)
    return match is not None and (match["initial"] is None or match["initial"].isupper())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as absolute spans, stripped of white space, in order.

    The spans cover every word of the range: joining them with the white space
    between them gives the range back.
    """
    end = len(text) if end is None else end
    spans, cursor = [], start
    for match in _BOUNDARY.finditer(text, start, end):
        opening = match.group(1)
        if opening is not None and opening.islower():
            continue
        before = text[max(cursor, match.start() - 6) : match.start() + 1]
        if match.group().startswith(".") and _ends_abbreviation(before):
            continue
        if match.group().startswith(".") and _MONTH.search(before) and opening is not None and opening.isdigit():
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    stripped = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            stripped.append((s, e))
    return stripped
