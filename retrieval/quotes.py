"""Quote verification: was this said, where, by whom, and how does the quote differ from the source?

Verdicts, strongest first:
- exact: the quote's words stand in the library as they are, in order (punctuation,
  white space and case aside), at every place listed;
- close: nearly these words: some omitted (an ellipsis included, or an editor's
  words in square brackets standing for the source's), added or changed; a
  word-level diff shows how, and one changed word may reverse the meaning. Or
  assembled: each sentence stands in the library, exactly or closely, but apart;
- partial: some pieces (sentences, or stretches between omission marks) stand in the
  library, exactly or closely, and the others nowhere in these words;
- paraphrase: no close wording, but a sentence says something similar; never a
  quotation, and its diff flags a figure or negation that differs as for close;
- not_found: no close wording, and no sentence similar enough in meaning to call it a paraphrase.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Literal

import numpy as np

from index.lexical import STOP_WORDS
from index.records import Document, Passage
from index.sentences import sentence_spans
from index.shingles import SHINGLE, shingle_hash, word_form, words
from retrieval.errors import MAX_QUESTION_CHARS, QueryError
from retrieval.framing import Framing, framing, same_speaker
from retrieval.library import Library
from retrieval.markup import has_markup, shown_text
from retrieval.quote_diff import DiffPart, cuts_figure, one_figure, word_diff, word_matcher

Verdict = Literal["exact", "close", "partial", "paraphrase", "not_found"]
VERDICTS: tuple[Verdict, ...] = ("exact", "close", "partial", "paraphrase", "not_found")  # strongest first
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
MISCREDITED_TEXT = "Miscredited: the quote credits {credited}, but the source gives these words to someone else."
MIXED_TEXT = "These words run from one speaker's turn into another's: no one person said them all."
# Words each sentence of an assembled quote needs: two of the quote index's runs, so that
# finding it says where it was said, not that a few common words occur somewhere.
ASSEMBLED_MIN_WORDS = 2 * SHINGLE
ASSEMBLED_TEXT = (
    "Close, but assembled: each sentence stands in the library, but not together; they were said apart, "
    "as each match shows."
)
VERDICT_TEXT = {
    "exact": "Exact: these words are in the library.",
    "close": "Close: the source's wording differs; check every marked change, since one word can reverse the meaning.",
    "partial": (
        "Partly found: parts of the quote stand in the library, as each match shows, but no place has the "
        "others in these words. Not a quotation."
    ),
    "paraphrase": "Paraphrase: no such wording, but a sentence says something similar. Not a quotation.",
    "not_found": "Not found: no passage has this wording, and none is close enough in meaning to be a paraphrase.",
}
_ELLIPSIS = re.compile(r"…|\.\s?\.\s?\.")
# Words an editor put in square brackets ("[Moldova's]", "[…]") are not the speaker's;
# "[sic]" marks the source's own slip and is no word of the quote at all.
_EDITORIAL = re.compile(r"\[[^\[\]\n]{1,100}\]")
_SIC = re.compile(r"(?i)\[\s*sic\s*\]")


@dataclass(frozen=True)
class QuoteMatch:
    """A place in the library that supports the quote, with who said it and how it differs."""

    document: Document
    passage: Passage | None  # where the words begin; None outside every passage (a label, a heading)
    start: int
    end: int
    text: str
    similarity: float
    citation: str
    speaker: str  # with role "mixed": the speakers in order, "A, then B"
    role: str  # "answer", "question", "" (outside any passage) or "mixed": the words run across speakers
    diff: tuple[DiffPart, ...] = ()
    speakers: tuple[tuple[str, str], ...] = ()  # (speaker, role) of each speaker the words run through
    unbracketed: tuple[str, ...] = ()  # the source's "[words]", an editor's, that the quote gives as the speaker's
    credited: str = ""  # whom the pasted attribution credits with the words ("Lavrov"), "" when no one by name
    # whether the source gives the words to the one credited: "agrees", "differs", or "unknown" where the
    # source names no speaker, or only a questioner's role ("State Duma deputy") for a name it does not know
    credit: Literal["", "agrees", "differs", "unknown"] = ""

    @property
    def miscredited(self) -> bool:
        """Whether the pasted attribution credits someone other than the speaker the source gives these words to."""
        return self.credit == "differs"

    @property
    def credit_note(self) -> str:
        """Whom the pasted attribution credits, set against the source's speaker; "" when it credits no
        one by name or the words are no one person's."""
        if not self.credit:
            return ""
        if not self.speaker:
            return f"The quote credits {self.credited}; the source names no speaker for these words."
        if self.credit == "unknown":
            return f"The quote credits {self.credited}; the source names the questioner only as “{self.speaker}”."
        asking = ", asking a question" if self.role == "question" else ""
        if self.miscredited:
            return f"The quote credits {self.credited}, but the source gives these words to “{self.speaker}”{asking}."
        return f"Credited to {self.credited}: the source gives these words to “{self.speaker}”{asking}."

    @property
    def editors_words(self) -> tuple[str, ...]:
        """A sentence for each of the source's bracketed insertions the quote passes off as spoken."""
        return tuple(
            f"The source puts “{inserted}” in square brackets: an editor's words, not the speaker's."
            for inserted in self.unbracketed
        )

    @property
    def link_start(self) -> int:
        """Where a link to the match starts marking: in its passage, since a quoted speaker label
        ("Sergey Lavrov: …") before it is no one's words."""
        return max(self.start, self.passage.start) if self.passage else self.start

    @property
    def meaning_changes(self) -> tuple[str, ...]:
        """A sentence for each change that can turn the statement around: a figure, its qualifier, a month
        or a negation that differs."""
        return tuple(
            f"{p.turns_meaning().capitalize()} differs: {p.describe()}." for p in self.diff if p.turns_meaning()
        )

    def to_dict(self) -> dict:
        """The JSON item of ``python -m retrieval cite --json``."""
        return {
            "doc_id": self.document.doc_id,
            "title": self.document.title,
            "source": self.document.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "role": self.role,
            "citation": self.citation,
            "passage_id": self.passage.passage_id if self.passage else "",
            "similarity": round(self.similarity, 4),
            "diff": [part.to_dict() for part in self.diff],
            "meaning_changes": list(self.meaning_changes),
            "editors_words": list(self.editors_words),
            "speakers": [{"speaker": speaker, "role": role} for speaker, role in self.speakers],
            "credited": self.credited,
            "miscredited": self.miscredited,
            "credit_note": self.credit_note,
        }


@dataclass(frozen=True)
class Unfound:
    """A piece of a partly found quote that no place has in these words, with the nearest the library has
    to it: close wording too changed for so short a piece, or a paraphrase. What the source says
    instead, perhaps."""

    text: str
    nearest: QuoteMatch | None = None

    def to_dict(self) -> dict:
        """The JSON item of ``unfound`` in ``python -m retrieval cite --json``."""
        return {"text": self.text, "nearest": self.nearest.to_dict() if self.nearest else None}


@dataclass(frozen=True)
class QuoteCheck:
    """The verdict on a quote and the evidence for it, best match first."""

    quote: str  # the words checked: with an attribution pasted around them, only those in quotation marks
    verdict: Verdict
    matches: tuple[QuoteMatch, ...]
    assembled: bool = False  # its sentences stand in the library, but apart: one match per sentence, in order
    framing: Framing | None = None  # the writer's words around the quotation, set aside
    unfound: tuple[Unfound, ...] = ()  # with verdict "partial": the quote's pieces no place has in these words

    @property
    def miscredited(self) -> bool:
        """Whether the pasted attribution credits someone the source does not give the words to: for a
        quote said in pieces (assembled, partial), any piece; for one said whole, every place it was said."""
        checked = [match.miscredited for match in self.matches if match.credit in ("agrees", "differs")]
        return any(checked) if self.assembled or self.verdict == "partial" else bool(checked) and all(checked)

    @property
    def message(self) -> str:
        """The verdict as a person reads it; for an assembled quote, that it was joined from places apart
        (its own sentences may each stand exactly, so there is nothing else to check)."""
        return ASSEMBLED_TEXT if self.assembled else VERDICT_TEXT[self.verdict]

    def to_dict(self) -> dict:
        """The JSON object of ``python -m retrieval cite --json``."""
        return {
            "quote": self.quote,
            "verdict": self.verdict,
            "assembled": self.assembled,
            "unfound": [piece.to_dict() for piece in self.unfound],
            "frame": self.framing.frame if self.framing else "",
            "credited": self.framing.credited if self.framing else "",
            "miscredited": self.miscredited,
            "matches": [m.to_dict() for m in self.matches],
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
        document=document,
        passage=passage,
        start=start,
        end=end,
        text=document.text[start:end],
        similarity=similarity,
        # words outside every passage (a heading, a contents line) are told apart by where they stand
        citation=library.span_label(passage, end) if passage else f"{document.label} — characters {start}–{end}",
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
    matcher = word_matcher(quote_words, window)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not elided:
        blocks = _without_strays(blocks, [w for *_, w in quote_words])
    if not blocks:
        return None
    # from the first to the last matching word, widened by as many source words as the quote
    # has unmatched words at either end, so a changed first or last word shows as changed
    begin = max(blocks[0].b - blocks[0].a, 0)
    finish = min(blocks[-1].b + blocks[-1].size + (n - blocks[-1].a - blocks[-1].size), len(window))
    while begin > 0 and one_figure(window, document.text, begin):  # never half a figure: "4.2", not "2"
        begin -= 1
    while finish < len(window) and one_figure(window, document.text, finish):
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
    parts = word_diff(quote_words, quote, source, document.text, editors)
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
        diff = word_diff(quote_words, quote, words(document.text[start:end], start), document.text)
        matches.append(
            QuoteMatch(
                document,
                passage,
                start,
                end,
                document.text[start:end],
                float(scores[row]),
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
        return _verify_pasted(library, quote)
    if len(quote) > MAX_PASTED_CHARS:  # parsing runs of unclosed "<!--" takes time that grows fast
        raise QueryError(f"the pasted quote has {len(quote):,} characters; the limit is {MAX_PASTED_CHARS:,}")
    shown = _verify_pasted(library, shown_text(quote))
    try:
        typed = _verify_pasted(library, quote)
    except QueryError:  # too long with its tags, say
        return shown
    return min((typed, shown), key=_strength)


def _strength(check: QuoteCheck) -> tuple[int, float]:
    """Sorts stronger verdicts first, and within a verdict the closer match."""
    return (VERDICTS.index(check.verdict), -max((m.similarity for m in check.matches), default=0.0))


def _verify_pasted(library: Library, pasted: str) -> QuoteCheck:
    """The verdict on a pasted quote. Unless its words stand as pasted, a quotation credited to
    someone by the words around it ("“…,” Lavrov said") is judged by the words inside its marks
    alone, when those around them are the writer's (see ``_frame_is_the_writers``): a match of the
    whole paste would pass the writer's words off as the speaker's. Each match then says whether
    the source gives its words to the person credited."""
    credit = framing(pasted)
    # With a quotation to fall back on, the whole paste is judged only if it stands exactly or closely,
    # so it is not compared by meaning (which would load the model for a one-off check).
    whole = _verify(library, _check_quote(pasted), by_meaning=credit is None)
    if credit is None or whole.verdict == "exact" or not _frame_is_the_writers(whole, credit):
        return whole
    inner = _verify(library, _check_quote(credit.quoted))
    if inner.verdict not in ("exact", "close", "partial"):  # similar words are no one's words to credit
        return replace(inner, framing=credit)
    matches = tuple(_credited(library, match, credit.credited) for match in inner.matches)
    return replace(inner, matches=matches, framing=credit)


def _credited(library: Library, match: QuoteMatch, name: str) -> QuoteMatch:
    """The match with the name the quote credits and whether the source agrees. A questioner the source
    names only by role ("Journalist") may be anyone, so a name is checked against them only when it is
    that of someone who answers in the library: a question credited to the minister is his no more."""
    if not name or match.role in ("mixed", ""):
        return match
    if same_speaker(name, match.speaker):
        credit = "agrees"
    elif not match.speaker or (match.role == "question" and not any(same_speaker(name, s) for s in library.answerers)):
        credit = "unknown"
    else:
        credit = "differs"
    return replace(match, credited=name, credit=credit)


def _frame_is_the_writers(whole: QuoteCheck, credit: Framing) -> bool:
    """Whether the words around the quotation are the writer's, not the source's: the quote as pasted
    has no close match, or its close match has the words that credit someone ("Putin said"), else at
    least half of the words around the marks, as words added or changed. Otherwise the marks are the
    source's own quoting, pasted with a slip ("…the Kiev regime across the board and “as long as it
    takes,” as Prime Minister Giorgia Meloni likes to say")."""
    if whole.verdict != "close" or whole.assembled:
        return True
    # The speaker's name matches the transcript's label before the words ("Sergey Lavrov: …"),
    # which no one says: it is no sign that the words around the marks are the source's.
    label = {form for *_, form in words(whole.matches[0].speaker)}
    diff = whole.matches[0].diff
    added = Counter(form for part in diff if part.op in ("added", "changed") for *_, form in words(part.quote))
    for writers in (credit.credit, credit.frame):
        own = Counter(form for *_, form in words(writers) if form not in label)
        if own and 2 * sum((own & added).values()) >= sum(own.values()):
            return True
    return False


def _unsaid(quote: str, match: QuoteMatch) -> list[str]:
    """The quote's sentences of ``SHINGLE`` words or more that the close match leaves mostly unmatched,
    more of their words added or changed than the same: said nowhere near the rest ("… are
    unacceptable solutions. We will win.", where "We will win" stands against other words)."""
    matched = [part.op == "equal" for part in match.diff for _ in words(part.quote)]
    unsaid, at = [], 0
    for start, end in sentence_spans(quote):
        count = len(words(quote[start:end]))
        if count >= SHINGLE and 2 * sum(matched[at : at + count]) < count:
            unsaid.append(quote[start:end].strip())
        at += count
    return unsaid


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


def _within(match: QuoteMatch, place: QuoteMatch | None) -> bool:
    """Whether the match lies inside the words of ``place``."""
    if place is None or match.document.doc_id != place.document.doc_id:
        return False
    return place.start <= match.start and match.end <= place.end


def _weak(text: str) -> bool:
    """Whether words are too few and too common to say on their own where they were said: common words
    stand in many places by chance ("We are ready."), so these need ``ASSEMBLED_MIN_WORDS`` words or
    ``SHINGLE`` that are no stop words ("Maia Sandu holds Romanian citizenship.")."""
    forms = [form for *_, form in words(text)]
    return len(forms) < ASSEMBLED_MIN_WORDS and sum(form not in STOP_WORDS for form in forms) < SHINGLE


def _piece_spans(quote: str) -> list[tuple[int, int]]:
    """Where a quote divides into pieces that may have been said apart: its stretches between marks of
    omission ("…"); or, without such marks, its sentences, a weak one (see ``_weak``) joined to the
    sentence before (the first, to the one after). Nothing for a single sentence."""
    if len(_pieces(quote)) > 1:
        bounds = [0, *(i for mark in _ELLIPSIS.finditer(quote) for i in mark.span()), len(quote)]
        return [(start, end) for start, end in zip(bounds[::2], bounds[1::2], strict=True) if words(quote[start:end])]
    pieces: list[list[int]] = []
    weak_start = None
    for start, end in sentence_spans(quote):
        if _weak(quote[start:end]) and pieces:
            pieces[-1][1] = end
        elif _weak(quote[start:end]):
            weak_start = start if weak_start is None else weak_start
        else:
            pieces.append([start if weak_start is None else weak_start, end])
            weak_start = None
    return [] if len(pieces) < 2 or weak_start is not None else [(start, end) for start, end in pieces]


def _apart(
    library: Library, quote: str, near: QuoteMatch | None, by_meaning: bool = True
) -> tuple[list[QuoteMatch], list[Unfound]]:
    """Each piece of the quote (see ``_piece_spans``) checked on its own: the matches of the pieces that
    stand in the library and the words of those that stand nowhere in these words, in the quote's order.
    A weak piece between omission marks ("“We are ready,” he said, “…”") counts only where it stands
    exactly within an omission's reach of ``near``, the quote's close match, or of a piece found:
    anywhere else it may stand by chance."""
    pieces = [quote[start:end].strip() for start, end in _piece_spans(quote)]
    results = [([], []) if _weak(piece) else _piece_checked(library, piece, near, by_meaning) for piece in pieces]
    places = [*([near] if near else []), *(match for found, _ in results for match in found)]
    for number, piece in enumerate(pieces):
        if _weak(piece) and len(words(piece)) >= SHINGLE:  # fewer words cannot be looked up
            match = _standing_near(library, piece, places)
            results[number] = ([match], []) if match else ([], [Unfound(piece)])
    return [m for found, _ in results for m in found], [piece for _, unfound in results for piece in unfound]


def _piece_checked(
    library: Library, piece: str, near: QuoteMatch | None, by_meaning: bool = True
) -> tuple[list[QuoteMatch], list[Unfound]]:
    """A piece's match if it stands, exactly, or closely when not short (the one inside ``near`` if any);
    for a piece partly found, its matches and the words found nowhere; else the piece, unfound, with the
    nearest wording or sentence in meaning if any."""
    check = _verify(library, piece, by_meaning)
    if check.verdict in (("exact",) if len(words(piece)) < ASSEMBLED_MIN_WORDS else ("exact", "close")):
        return [next((match for match in check.matches if _within(match, near)), check.matches[0])], []
    if check.verdict == "partial":
        return list(check.matches), list(check.unfound)
    return [], [Unfound(piece, check.matches[0] if check.verdict in ("close", "paraphrase") else None)]


def _standing_near(library: Library, piece: str, places: list[QuoteMatch]) -> QuoteMatch | None:
    """Where the piece stands exactly at most ``MAX_ELLIPSIS_GAP`` words from one of ``places``, if anywhere."""
    forms = [form for *_, form in words(piece)]
    quotes = library.stored.quotes
    for first, last in _exact(library, forms, _anchors(library, forms)):
        document = library.stored.documents[int(quotes.token_docs[first])]
        start, end = int(quotes.token_spans[first][0]), int(quotes.token_spans[last][1])
        for place in places:
            between = document.text[min(end, place.end) : max(start, place.start)]
            if place.document.doc_id == document.doc_id and len(words(between)) <= MAX_ELLIPSIS_GAP:
                return _match_at(library, int(quotes.token_docs[first]), first, last, 1.0)
    return None


def _assembled(found: list[QuoteMatch], unfound: list[str], near: QuoteMatch | None, gap: int) -> bool:
    """Whether a quote's pieces all stand in the library (see ``_apart``), though not together: places
    joined into one quotation. Together is in order in one document, at most ``gap`` words apart (the
    most an omission mark may stand for, or none); so is in order inside ``near``, the quote's close match."""
    if unfound or len(found) < 2:
        return False
    pairs = list(zip(found, found[1:], strict=False))
    in_order = all(a.document.doc_id == b.document.doc_id and a.end <= b.start for a, b in pairs)
    if in_order and all(_within(match, near) for match in found):
        return False
    return not (in_order and all(len(words(a.document.text[a.end : b.start])) <= gap for a, b in pairs))


def _verify(library: Library, quote: str, by_meaning: bool = True) -> QuoteCheck:
    """The verdict on one checked quote, trying in turn: exact (as typed, then without "[sic]"),
    close (cuts and an editor's bracketed words allowed), assembled from several places,
    partly found (some pieces stand, others nowhere), paraphrase (unless not ``by_meaning``), else
    not found."""
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
            if not cuts_figure(library.stored.documents[int(docs[a])].text, int(spans[a][0]), int(spans[b][1]))
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
    omissions = len(_pieces(quote)) > 1
    elided = omissions or bool(editors)
    close = _close(library, quote, quote_words, anchors, elided, editors) if anchors else []
    # A close match that needs words the source lacks loses to sentences that each stand
    # as they are elsewhere: "A. B." where the source says "A. C." and, apart, "B."
    if close and not any(part.op in ("changed", "added") for part in close[0].diff):
        return QuoteCheck(quote, "close", tuple(_brackets_noted(match, quote) for match in close))
    near = close[0] if close else None
    found, unfound = _apart(library, quote, near, by_meaning)
    if _assembled(found, unfound, near, MAX_ELLIPSIS_GAP if omissions else 0):
        return QuoteCheck(quote, "close", tuple(found), assembled=True)
    # A close match vouches for a quote only if no piece said apart (between omission marks, or a
    # sentence that is not short) stands nowhere, and it leaves no sentence mostly unmatched:
    # either would be one change among others.
    unsaid = [Unfound(sentence) for sentence in _unsaid(quote, close[0])] if close else []
    if close and not unsaid and not any(omissions or len(words(p.text)) >= ASSEMBLED_MIN_WORDS for p in unfound):
        return QuoteCheck(quote, "close", tuple(_brackets_noted(match, quote) for match in close))
    if close and unsaid and not unfound:
        return QuoteCheck(
            quote, "partial", tuple(_brackets_noted(match, quote) for match in close), unfound=tuple(unsaid)
        )
    if found and unfound:  # some pieces stand, so the others were not said in these words
        return QuoteCheck(quote, "partial", tuple(found), unfound=tuple(unfound))
    paraphrases = _paraphrases(library, quote) if by_meaning else []
    if paraphrases:
        return QuoteCheck(quote, "paraphrase", tuple(paraphrases))
    return QuoteCheck(quote, "not_found", ())
