"""The word-level diff of a quote and its source, and the changes in it that can reverse the meaning.

Pure functions over words with their spans (``index.shingles.words``): a figure, its qualifier,
a month or a negation that differs is flagged, and figures are never split at their point.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from index.shingles import UNSPACED
from retrieval.facts import MONTH_NAMES, NUMBER_WORDS, QUALIFIERS

# A changed word among these turns a statement around, however close the rest of the quote is.
_NEGATIONS = frozenset(["not", "no", "never", "nor", "neither", "none", "nothing", "nobody", "without", "cannot"])
# Chinese writes "not" as one character of a run without spaces (不接受, "does not accept").
_NEGATIONS |= {"不", "没", "未"}
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
# Words as the meaning checks read them: "don't" whole, a Chinese or Japanese character alone.
_TOKEN = re.compile(rf"[{UNSPACED}]|(?:(?![{UNSPACED}])[\w’'])+")
_NEGATING_PREFIXES = ("un", "non", "dis", "in", "im", "il", "ir")


def _figures(words: list[str]) -> Counter:
    """The numbers among the words, a word counting as its digits: "seven" and "7" are one figure,
    and so are "20th" and "20"."""
    numbers = (_ORDINAL.sub(r"\1", w) for w in words if w in NUMBER_WORDS or any(c.isdigit() for c in w))
    return Counter(str(NUMBER_WORDS.get(n, n)) for n in numbers)


# "approximately", "more than", "up to", …: what a figure's qualifier claims ("about" 80 is not "over" 80).
_QUALIFIER = re.compile(r"(?i)\b(" + "|".join(sorted(QUALIFIERS, key=len, reverse=True)) + r")\b")


def _months(text: str) -> Counter:
    """The months a text names, written with their capital ("May 20", never "may")."""
    return Counter(w for w in re.findall(r"\w+", text) if w in MONTH_NAMES)


def _negations(words: list[str]) -> int:
    """How many words deny: "not", "never", "don't"; "do not" and "don't" deny alike."""
    return sum(w in _NEGATIONS or w.endswith(("n't", "n’t")) for w in words)


def _negated(a: str, b: str) -> bool:
    """Whether one word is the other with a negating prefix ("unacceptable", "illegal"); a short
    stem is left out, since "inform" and "impact" deny nothing."""
    for short, long in ((a, b), (b, a)):
        for prefix in _NEGATING_PREFIXES:
            if long == prefix + short and len(short) >= (3 if prefix in ("un", "non") else 5):
                return True
    return False


@dataclass(frozen=True)
class DiffPart:
    """One stretch of the word-level diff between quote and source."""

    op: Literal["equal", "changed", "omitted", "added"]  # omitted: in the source, not the quote
    quote: str
    source: str

    def to_dict(self) -> dict:
        """JSON-ready."""
        return {"op": self.op, "quote": self.quote, "source": self.source}

    def turns_meaning(self) -> str:
        """ "a figure", "a date" (a month), "a figure's qualifier" ("approximately" for "more than") or
        "a negation" when this change can turn the statement around, else "".

        Words the quote leaves out are checked for negations only: a figure left out is an
        omission the quote may mark ("…"), a dropped "not" turns the meaning around.
        """
        if self.op == "equal":
            return ""
        quoted, said = (_TOKEN.findall(side.lower()) for side in (self.quote, self.source))
        if self.op != "omitted" and _figures(quoted) != _figures(said):
            return "a figure"
        # A month only moved ("20 May" for "May 20") or abbreviated ("Feb") is no changed date.
        months = (_months(self.quote), _months(self.source))
        if self.op == "changed" and all(months) and months[0] != months[1]:
            return "a date"
        qualifiers = [{QUALIFIERS[q.lower()] for q in _QUALIFIER.findall(side)} for side in (self.quote, self.source)]
        if self.op == "changed" and all(qualifiers) and qualifiers[0] != qualifiers[1]:
            return "a figure's qualifier"
        if _negations(quoted) != _negations(said) or any(_negated(a, b) for a in quoted for b in said):
            return "a negation"
        return ""

    def describe(self) -> str:
        """The change in words: "the quote has “acceptable” where the source has “unacceptable”"."""
        if not self.quote:
            return f"the quote leaves out the source's “{self.source}”"
        if not self.source:
            return f"the quote adds “{self.quote}”, which the source lacks"
        return f"the quote has “{self.quote}” where the source has “{self.source}”"


def one_figure(words: list[tuple[int, int, str]], within: str, k: int) -> bool:
    """Whether words ``k - 1`` and ``k`` are one figure split at its point or comma ("4.2", "200,000")."""
    return 0 < k < len(words) and re.fullmatch(r"\d+[.,]\d+", within[words[k - 1][0] : words[k][1]]) is not None


Opcode = tuple[str, int, int, int, int]  # SequenceMatcher's (tag, i1, i2, j1, j2)


def _whole_figures(opcodes: list[Opcode], quote_words, quote: str, source, text: str) -> list[Opcode]:
    """The matcher's opcodes with each change widened to the whole figures it cuts into, so that
    "4.5" for "4.2" shows as that and not as "5" for "2" (words split a figure at its point), and
    "200" for "200,000" as a changed figure, not as "000" left out."""
    ops = [list(op) for op in opcodes]
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        before = ops[k - 1] if k else None
        while (
            before
            and before[2] > before[1]
            and ((i1 < i2 and one_figure(quote_words, quote, i1)) or (j1 < j2 and one_figure(source, text, j1)))
        ):
            i1, j1, before[2], before[4] = i1 - 1, j1 - 1, before[2] - 1, before[4] - 1
        after = ops[k + 1] if k + 1 < len(ops) else None
        while (
            after
            and after[2] > after[1]
            and ((i1 < i2 and one_figure(quote_words, quote, i2)) or (j1 < j2 and one_figure(source, text, j2)))
        ):
            i2, j2, after[1], after[3] = i2 + 1, j2 + 1, after[1] + 1, after[3] + 1
        ops[k] = ["replace" if i1 < i2 and j1 < j2 else op, i1, i2, j1, j2]
    merged: list[list] = []
    for op in (op for op in ops if op[1] < op[2] or op[3] < op[4]):
        if merged and op[0] != "equal" and merged[-1][0] != "equal":  # a change next to a change: one change
            merged[-1][2], merged[-1][4] = op[2], op[4]
            merged[-1][0] = "replace"
        else:
            merged.append(op)
    return [(op, i1, i2, j1, j2) for op, i1, i2, j1, j2 in merged]


def cuts_figure(text: str, start: int, end: int) -> bool:
    """Whether the span ``start``..``end`` of ``text`` begins or ends inside a figure ("200" of "200,000")."""
    opens_inside = text[start : start + 1].isdigit() and re.search(r"\d[.,]$", text[max(start - 2, 0) : start])
    closes_inside = text[end - 1 : end].isdigit() and re.match(r"[.,]\d", text[end : end + 2])
    return bool(opens_inside or closes_inside)


def word_matcher(quote_words: list[tuple[int, int, str]], source: list[tuple[int, int, str]]) -> SequenceMatcher:
    """The word-by-word matcher of quote and source, by the words' compared forms."""
    return SequenceMatcher(a=[w for *_, w in quote_words], b=[w for *_, w in source], autojunk=False)


def word_diff(
    quote_words: list[tuple[int, int, str]],
    quote: str,
    source: list[tuple[int, int, str]],
    text: str,
    editors: Sequence[tuple[int, int]] = (),
) -> list[DiffPart]:
    """The diff of quote and source, in parts, in the quote's order.

    ``editors``: spans of the quote that an editor put in square brackets, left out of
    ``quote_words``; each shows as added where it stands, never as the speaker's words.
    """
    matcher = word_matcher(quote_words, source)
    parts = []

    def joined(items, within, i, j):
        return within[items[i][0] : items[j - 1][1]] if j > i else ""

    def bracketed(after: int, before: int) -> list[DiffPart]:
        return [DiffPart("added", quote[s:e], "") for s, e in editors if after <= s and e <= before]

    said_up_to = 0  # where the quote's last word placed so far ends
    for op, i1, i2, j1, j2 in _whole_figures(matcher.get_opcodes(), quote_words, quote, source, text):
        name = {"equal": "equal", "replace": "changed", "delete": "added", "insert": "omitted"}[op]
        if i1 == i2:
            parts.append(DiffPart(name, "", joined(source, text, j1, j2)))
            continue
        parts += bracketed(said_up_to, quote_words[i1][0])
        if name != "equal":
            parts.append(DiffPart(name, joined(quote_words, quote, i1, i2), joined(source, text, j1, j2)))
        else:  # a run of matching words is cut where an editor's words stand inside it
            start = i1
            for k in range(i1 + 1, i2):
                inside = bracketed(quote_words[k - 1][1], quote_words[k][0])
                if inside:
                    parts.append(
                        DiffPart(
                            "equal",
                            joined(quote_words, quote, start, k),
                            joined(source, text, j1 + start - i1, j1 + k - i1),
                        )
                    )
                    parts += inside
                    start = k
            parts.append(
                DiffPart("equal", joined(quote_words, quote, start, i2), joined(source, text, j1 + start - i1, j2))
            )
        said_up_to = quote_words[i2 - 1][1]
    parts += bracketed(said_up_to, len(quote))
    return parts
