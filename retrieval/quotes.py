"""Quote verification: was this said, where, by whom, and how does the quote differ from the source?

Verdicts, strongest first:
- exact: the quote's words stand in the library as they are, in order (punctuation,
  white space and case aside), at every place listed;
- close: nearly these words: some omitted (an ellipsis included, or an editor's
  words in square brackets standing for the source's), added or changed; a
  word-level diff shows how, and one changed word may reverse the meaning. Or
  assembled: each sentence stands in the library, exactly or closely, but apart;
- paraphrase: no close wording, but a sentence says something similar; never a
  quotation, and its diff flags a figure or negation that differs as for close;
- not_found: no close wording, and no sentence similar enough in meaning to call it a paraphrase.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import groupby
from typing import Literal

import numpy as np

from index.chunking import document_label
from index.lexical import STOP_WORDS
from index.sentences import sentence_spans
from index.shingles import SHINGLE, UNSPACED, shingle_hash, word_form, words
from retrieval.errors import MAX_QUESTION_CHARS, QueryError
from retrieval.facts import MONTH_NAMES, NUMBER_WORDS, QUALIFIERS
from retrieval.library import Library
from retrieval.markup import has_markup, shown_text

Verdict = Literal["exact", "close", "paraphrase", "not_found"]
VERDICTS: tuple[Verdict, ...] = ("exact", "close", "paraphrase", "not_found")  # strongest first
# Share of the quote's words a source span must match, in order, to count as close wording.
CLOSE_SIMILARITY = 0.75
# A quote whose words all stand in order within this many times its length is the source
# cut without a mark ("…artificial obstacles is unacceptable"): close, the cut shown as omitted.
CUT_REACH = 2
# Cosine similarity of quote and source sentence from which a paraphrase is reported.
PARAPHRASE_SIMILARITY = 0.75
# A quote pasted with its HTML may be this long; what it shows must still fit MAX_QUESTION_CHARS.
MAX_PASTED_CHARS = 5 * MAX_QUESTION_CHARS
# An ellipsis may stand for at most this many omitted words.
MAX_ELLIPSIS_GAP = 120
# How many of the likeliest alignments of a near-verbatim quote with a document are compared.
ALIGNMENTS_TRIED = 3
MIXED_TEXT = "These words run from one speaker's turn into another's: no one person said them all."
# Words each sentence of an assembled quote needs: two of the quote index's runs, so that
# finding it says where it was said, not that a few common words occur somewhere.
ASSEMBLED_MIN_WORDS = 2 * SHINGLE
ASSEMBLED_TEXT = (
    "Assembled: each sentence stands in the library, but not together; they were said apart, as each match shows."
)
VERDICT_TEXT = {
    "exact": "Exact: these words are in the library.",
    "close": "Close: the source's wording differs; check every marked change, since one word can reverse the meaning.",
    "paraphrase": "Paraphrase: no such wording, but a passage says something similar. Not a quotation.",
    "not_found": "Not found: no passage has this wording, and none is close enough in meaning to be a paraphrase.",
}
_ELLIPSIS = re.compile(r"…|\.\s?\.\s?\.")
# Words an editor put in square brackets ("[Moldova's]", "[…]") are not the speaker's;
# "[sic]" marks the source's own slip and is no word of the quote at all.
_EDITORIAL = re.compile(r"\[[^\[\]\n]{1,100}\]")
_SIC = re.compile(r"(?i)\[\s*sic\s*\]")


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


@dataclass(frozen=True)
class QuoteMatch:
    """A place in the library that supports the quote, with who said it and how it differs."""

    doc_id: str
    start: int
    end: int
    text: str
    similarity: float
    passage_id: str
    citation: str
    speaker: str  # with role "mixed": the speakers in order, "A, then B"
    role: str  # "answer", "question", "" (outside any passage) or "mixed": the words run across speakers
    diff: tuple[DiffPart, ...] = ()
    speakers: tuple[tuple[str, str], ...] = ()  # (speaker, role) of each speaker the words run through
    unbracketed: tuple[str, ...] = ()  # the source's "[words]", an editor's, that the quote gives as the speaker's

    @property
    def editors_words(self) -> tuple[str, ...]:
        """A sentence for each of the source's bracketed insertions the quote passes off as spoken."""
        return tuple(
            f"The source puts “{inserted}” in square brackets: an editor's words, not the speaker's."
            for inserted in self.unbracketed
        )

    @property
    def meaning_changes(self) -> tuple[str, ...]:
        """A sentence for each change that can turn the statement around: a figure, month or negation that differs."""
        return tuple(
            f"{p.turns_meaning().capitalize()} differs: {p.describe()}." for p in self.diff if p.turns_meaning()
        )

    def to_dict(self, library: Library) -> dict:
        """The JSON item of ``python -m retrieval cite --json``."""
        document = library.documents[self.doc_id]
        return {
            "doc_id": self.doc_id,
            "title": document.title,
            "source": document.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "role": self.role,
            "citation": self.citation,
            "passage_id": self.passage_id,
            "similarity": round(self.similarity, 4),
            "diff": [part.to_dict() for part in self.diff],
            "meaning_changes": list(self.meaning_changes),
            "editors_words": list(self.editors_words),
            "speakers": [{"speaker": speaker, "role": role} for speaker, role in self.speakers],
        }


@dataclass(frozen=True)
class QuoteCheck:
    """The verdict on a quote and the evidence for it, best match first."""

    quote: str
    verdict: Verdict
    matches: tuple[QuoteMatch, ...]
    assembled: bool = False  # its sentences stand in the library, but apart: one match per sentence, in order

    def to_dict(self, library: Library) -> dict:
        """The JSON object of ``python -m retrieval cite --json``."""
        return {
            "quote": self.quote,
            "verdict": self.verdict,
            "assembled": self.assembled,
            "matches": [m.to_dict(library) for m in self.matches],
        }


def _check_quote(quote: str) -> str:
    """The quote to look up, without surrounding quotation marks; QueryError when unusable."""
    quote = quote.strip().strip("\"“”‘’'«»").strip()
    if len(words(quote)) < SHINGLE:
        raise QueryError(f"a quote needs at least {SHINGLE} words to be checked; paste the whole sentence")
    if len(quote) > MAX_QUESTION_CHARS:
        raise QueryError(f"the quote has {len(quote):,} characters; the limit is {MAX_QUESTION_CHARS:,}")
    return quote


def _match_at(library: Library, doc_row: int, first: int, last: int, similarity: float, diff=()) -> QuoteMatch:
    """A match spanning global words ``first``..``last`` (inclusive) of document ``doc_row``.

    It is attributed by the passages its words lie in. Words outside every passage
    (a speaker label, a heading) attribute nothing, so a quote that begins with
    "Question:" is still the questioner's; words that run from one speaker's turn
    into another's are no one person's quote, and the match says so (role "mixed").
    """
    quotes = library.stored.quotes
    spans = quotes.token_spans[first : last + 1]
    start, end = int(spans[0, 0]), int(spans[-1, 1])
    document = library.stored.documents[doc_row]
    passages = [p for p in (library.passage_at(document.doc_id, int(s)) for s in spans[:, 0]) if p is not None]
    speakers = tuple(who for who, _ in groupby((p.speaker, p.role) for p in passages))
    passage = passages[0] if passages else None
    if len(speakers) > 1:
        speaker, role = ", then ".join(name or "unattributed" for name, _ in speakers), "mixed"
    else:
        speaker, role = speakers[0] if speakers else ("", "")
    return QuoteMatch(
        doc_id=document.doc_id,
        start=start,
        end=end,
        text=document.text[start:end],
        similarity=similarity,
        passage_id=passage.passage_id if passage else "",
        citation=library.span_label(passage, start, end) if passage else document_label(document),
        speaker=speaker,
        role=role,
        diff=tuple(diff),
        speakers=speakers,
    )


def _anchors(library: Library, forms: list[str]) -> list[tuple[int, int]]:
    """(global word index in the library, word index in the quote) for every shared three-word run."""
    quotes = library.stored.quotes
    hits = []
    for offset in range(len(forms) - SHINGLE + 1):
        key = shingle_hash(forms[offset : offset + SHINGLE])
        lo = np.searchsorted(quotes.shingle_hashes, key, side="left")
        hi = np.searchsorted(quotes.shingle_hashes, key, side="right")
        hits += [(int(t), offset) for t in quotes.shingle_tokens[lo:hi]]
    return hits


def _exact(library: Library, forms: list[str], anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(first, last) global word indexes of every place the quote's words stand in order, unbroken."""
    runs = len(forms) - SHINGLE + 1
    by_start = defaultdict(set)
    for token, offset in anchors:
        by_start[token - offset].add(offset)
    docs = library.stored.quotes.token_docs
    return sorted(
        (start, start + len(forms) - 1)
        for start, offsets in by_start.items()
        if len(offsets) == runs and docs[start] == docs[start + len(forms) - 1]
    )


def _one_figure(words: list[tuple[int, int, str]], within: str, k: int) -> bool:
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
            and ((i1 < i2 and _one_figure(quote_words, quote, i1)) or (j1 < j2 and _one_figure(source, text, j1)))
        ):
            i1, j1, before[2], before[4] = i1 - 1, j1 - 1, before[2] - 1, before[4] - 1
        after = ops[k + 1] if k + 1 < len(ops) else None
        while (
            after
            and after[2] > after[1]
            and ((i1 < i2 and _one_figure(quote_words, quote, i2)) or (j1 < j2 and _one_figure(source, text, j2)))
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


def _cuts_figure(text: str, start: int, end: int) -> bool:
    """Whether the span ``start``..``end`` of ``text`` begins or ends inside a figure ("200" of "200,000")."""
    opens_inside = text[start : start + 1].isdigit() and re.search(r"\d[.,]$", text[max(start - 2, 0) : start])
    closes_inside = text[end - 1 : end].isdigit() and re.match(r"[.,]\d", text[end : end + 2])
    return bool(opens_inside or closes_inside)


def _diff(
    quote_words: list[tuple[int, int, str]],
    quote: str,
    source: list[tuple[int, int, str]],
    text: str,
    editors: Sequence[tuple[int, int]] = (),
):
    """The word matcher and the diff parts of quote and source.

    ``editors``: spans of the quote that an editor put in square brackets, left out of
    ``quote_words``; each shows as added where it stands, never as the speaker's words.
    """
    matcher = SequenceMatcher(a=[w for *_, w in quote_words], b=[w for *_, w in source], autojunk=False)
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
    return matcher, parts


def _close(
    library: Library, quote: str, quote_words, anchors, elided: bool, editors: Sequence[tuple[int, int]] = ()
) -> list[QuoteMatch]:
    """The best near-verbatim place in each document that shares runs with the quote, if close enough.

    ``elided``: the quote marks an omission (…), so source words missing from it do not count against it.
    ``editors``: spans of the quote an editor put in square brackets, left out of ``quote_words``.
    """
    quotes = library.stored.quotes
    n = len(quote_words)
    # Each anchor implies where the quote would start in the source. The starts most
    # anchors agree on are tried in turn: the opening words of a quote often occur
    # earlier too (in the question it answers), and aligning with that earlier
    # occurrence would stretch the match over both.
    starts_by_doc: dict[int, Counter] = defaultdict(Counter)
    for token, offset in anchors:
        starts_by_doc[int(quotes.token_docs[token])][token - offset] += 1
    reach = MAX_ELLIPSIS_GAP if elided else 0
    matches = []
    for doc_row, starts in starts_by_doc.items():
        candidates = (
            _aligned(
                library,
                quote,
                quote_words,
                doc_row,
                (start - n // 2 - reach, start + CUT_REACH * n + reach),
                elided,
                editors,
            )
            for start, _ in starts.most_common(ALIGNMENTS_TRIED)
        )
        found = [match for match in candidates if match is not None]
        if found:
            matches.append(max(found, key=lambda m: m.similarity))
    return sorted(matches, key=lambda m: -m.similarity)


def _aligned(
    library: Library,
    quote: str,
    quote_words,
    doc_row: int,
    reach: tuple[int, int],
    elided: bool,
    editors: Sequence[tuple[int, int]] = (),
) -> QuoteMatch | None:
    """The match of the quote within words ``reach`` (first, last) of one document, if close enough.

    ``elided`` and ``editors`` as for ``_close``: the editor's words count in the similarity
    (a quote with "[not]" added is no perfect match), but need not be found in the source.
    """
    quotes = library.stored.quotes
    n = len(quote_words)
    lo, hi = max(reach[0], 0), min(reach[1], len(quotes.token_docs) - 1)
    while lo <= hi and quotes.token_docs[lo] != doc_row:
        lo += 1
    while hi >= lo and quotes.token_docs[hi] != doc_row:
        hi -= 1
    document = library.stored.documents[doc_row]
    window = [(int(s), int(e), word_form(document.text[s:e])) for s, e in quotes.token_spans[lo : hi + 1]]
    matcher, _ = _diff(quote_words, quote, window, document.text)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not elided:
        blocks = _without_strays(blocks, [w for *_, w in quote_words])
    if not blocks:
        return None
    # from the first to the last matching word, widened by as many source words as the quote
    # has unmatched words at either end, so a changed first or last word shows as changed
    begin = max(blocks[0].b - blocks[0].a, 0)
    finish = min(blocks[-1].b + blocks[-1].size + (n - blocks[-1].a - blocks[-1].size), len(window))
    while begin > 0 and _one_figure(window, document.text, begin):  # never half a figure: "4.2", not "2"
        begin -= 1
    while finish < len(window) and _one_figure(window, document.text, finish):
        finish += 1
    source = window[begin:finish]
    matched = sum(b.size for b in blocks)
    editorial = sum(len(words(quote[s:e])) for s, e in editors)
    similarity = 2 * matched / (n + editorial + len(source))
    # Every word of the quote in order, with at most as many left out between them as it
    # keeps, is the source cut without a mark: close, the cut shown as omitted.
    cut = matched == n and len(source) <= CUT_REACH * n
    if matched / n < CLOSE_SIMILARITY or not (elided or cut or similarity >= CLOSE_SIMILARITY):
        return None
    _, parts = _diff(quote_words, quote, source, document.text, editors)
    return _match_at(library, doc_row, lo + begin, lo + finish - 1, similarity, parts)


def _without_strays(blocks: list, forms: list[str]) -> list:
    """The matching blocks without a lone word at either end matched far beyond the rest.

    In "…drag Ukraine to NATO" against "…drag Ukraine into NATO, and with firmly putting
    an end to the…", the quote's "to" pairs with the later "to": the match would then
    stretch over the whole clause and fail, though only one word was changed. A lone
    word that says something ("…a truly final solution") is where the quote resumes after
    a cut, and stays, unless the match would then run past what a cut may span (``_aligned``).
    """

    def stray(word, neighbour) -> bool:
        before, after = (neighbour, word) if neighbour.a < word.a else (word, neighbour)
        gap_in_quote, gap_in_source = after.a - before.a - before.size, after.b - before.b - before.size
        if word.size > 1 or gap_in_source <= gap_in_quote + 2:
            return False
        reach = max(b.b + b.size for b in blocks) - min(b.b for b in blocks)
        return forms[word.a] in STOP_WORDS or reach > CUT_REACH * len(forms)

    while len(blocks) > 1 and stray(blocks[-1], blocks[-2]):
        blocks = blocks[:-1]
    while len(blocks) > 1 and stray(blocks[0], blocks[1]):
        blocks = blocks[1:]
    return blocks


def _paraphrases(library: Library, quote: str) -> list[QuoteMatch]:
    """Sentences that say what the quote says, by meaning, most similar first.

    Each carries the word diff with the quote, so a figure or a negation that differs
    ("has not expired" for "expired") is flagged: similar in meaning need not mean the same.
    """
    quote_words = words(quote)
    vector = library.embedder.encode_query(quote)
    scores = library.stored.sentence_vectors @ vector if len(library.stored.sentence_vectors) else np.zeros(0)
    matches = []
    for row in np.argsort(-scores)[:3]:
        if scores[row] < PARAPHRASE_SIMILARITY:
            break
        passage_row, start, end = (int(x) for x in library.stored.sentence_spans[row])
        passage = library.passages[passage_row]
        document = library.documents[passage.doc_id]
        _, diff = _diff(quote_words, quote, words(document.text[start:end], start), document.text)
        matches.append(
            QuoteMatch(
                passage.doc_id,
                start,
                end,
                document.text[start:end],
                float(scores[row]),
                passage.passage_id,
                passage.label,
                passage.speaker,
                passage.role,
                diff=tuple(diff),
                speakers=((passage.speaker, passage.role),),
            )
        )
    return matches


def _pieces(quote: str) -> list[str]:
    """The stretches of the quote between its marks of omission ("…", "...") that hold words."""
    return [p for p in _ELLIPSIS.split(quote) if words(p)]


def verify_quote(library: Library, quote: str) -> QuoteCheck:
    """The verdict on ``quote`` with every supporting place in the library.

    A quote pasted with HTML is checked both as typed and as the page showed it
    ("<b>NATO</b>" would otherwise be the words "b NATO b", while a source may
    really say "<inaudible>"); the stronger verdict stands, on a tie the closer
    match, and as typed if still tied. Raises QueryError for a quote of fewer
    than three words or an overlong one (as the page showed it, when pasted with HTML).
    """
    if not has_markup(quote):
        return _verify(library, _check_quote(quote))
    if len(quote) > MAX_PASTED_CHARS:  # parsing runs of unclosed "<!--" takes time that grows fast
        raise QueryError(f"the pasted quote has {len(quote):,} characters; the limit is {MAX_PASTED_CHARS:,}")
    shown = _verify(library, _check_quote(shown_text(quote)))
    try:
        typed = _verify(library, _check_quote(quote))
    except QueryError:  # too long with its tags, say
        return shown

    def strength(check: QuoteCheck) -> tuple[int, float]:
        return (VERDICTS.index(check.verdict), -max((m.similarity for m in check.matches), default=0.0))

    return min((typed, shown), key=strength)


def _brackets_noted(match: QuoteMatch, quote: str) -> QuoteMatch:
    """The match, noting each of the source's bracketed insertions ("allow [the West] to re-arm")
    that the quote gives without its brackets, as though the speaker had said it, in the same or
    other words; one the quote leaves out ("[Laughter.]") is no such insertion."""

    def forms(text: str) -> str:
        return " ".join(w for *_, w in words(text))

    def given_as_spoken(bracketed: str) -> bool:
        """Not kept in its brackets, and not left out: neither omitted ("[Laughter.]") nor in a change
        whose quote side has no more words than the source's own words around it ("services" for
        "service [with Georgia]")."""
        inside = forms(bracketed)
        if not inside or bracketed in quote:
            return False
        for part in match.diff:
            if re.search(rf"(?<!\S){re.escape(inside)}(?!\S)", forms(part.source)) is None:
                continue
            own = len(words(part.source)) - len(words(bracketed))
            if part.op == "omitted" or (part.op == "changed" and len(words(part.quote)) <= own):
                return False
        return True

    inserted = [m[0] for m in _EDITORIAL.finditer(match.text) if given_as_spoken(m[0])]
    return replace(match, unbracketed=tuple(text.strip("[]") for text in inserted)) if inserted else match


def _assembled(library: Library, quote: str) -> QuoteCheck | None:
    """A quote whose sentences each stand in the library, exactly or closely, though not together
    (two places joined into one quotation): close, with each sentence's best match. None otherwise.

    Each sentence needs ``ASSEMBLED_MIN_WORDS``: "We are ready." stands in many places by chance.
    """
    sentences = [quote[start:end] for start, end in sentence_spans(quote)]
    if len(sentences) < 2 or any(len(words(sentence)) < ASSEMBLED_MIN_WORDS for sentence in sentences):
        return None
    matches = []
    for sentence in sentences:
        check = _verify(library, sentence)
        if check.verdict not in ("exact", "close"):
            return None
        matches.append(check.matches[0])
    return QuoteCheck(quote, "close", tuple(matches), assembled=True)


def _verify(library: Library, quote: str) -> QuoteCheck:
    # Spaces of the same length keep every word's offset into the quote.
    unsic = _SIC.sub(lambda m: " " * len(m[0]), quote)
    # Tried as typed first, brackets and all: a transcript may itself write "[inaudible]", or "…"
    # where the speaker trailed off.
    for typed in dict.fromkeys((quote, unsic)):  # "[sic]" may be the transcript's own, or no word at all
        forms = [w for *_, w in words(typed)]
        docs, spans = library.stored.quotes.token_docs, library.stored.quotes.token_spans
        exact = [
            (a, b)
            for a, b in _exact(library, forms, _anchors(library, forms))
            if not _cuts_figure(library.stored.documents[int(docs[a])].text, int(spans[a][0]), int(spans[b][1]))
        ]
        if exact:
            matches = (_match_at(library, int(docs[a]), a, b, 1.0) for a, b in exact)
            return QuoteCheck(quote, "exact", tuple(_brackets_noted(match, quote) for match in matches))
    # Otherwise an editor's words in brackets stand where the source has its own, as an
    # omission does: the source's words around them must match, and the diff shows them
    # as the quote's own.
    editors = [(m.start(), m.end()) for m in _EDITORIAL.finditer(unsic) if words(m[0])]
    quote_words = words(_EDITORIAL.sub(lambda m: " " * len(m[0]), unsic))
    anchors = _anchors(library, [w for *_, w in quote_words])
    elided = len(_pieces(quote)) > 1 or bool(editors)
    close = _close(library, quote, quote_words, anchors, elided, editors) if anchors else []
    if close:
        return QuoteCheck(quote, "close", tuple(_brackets_noted(match, quote) for match in close))
    assembled = _assembled(library, quote)
    if assembled:
        return assembled
    paraphrases = _paraphrases(library, quote)
    if paraphrases:
        return QuoteCheck(quote, "paraphrase", tuple(paraphrases))
    return QuoteCheck(quote, "not_found", ())
