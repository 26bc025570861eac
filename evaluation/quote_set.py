"""A quote-verification set built from the library itself, plus hand-written cases, and its scoring.

Mechanical cases come from the library's own sentences: verbatim, with typography
swapped, with an omitted middle ("…"), with one or two words changed, questioners'
sentences, with a few words cut from the middle unmarked, joined to a sentence no one
said, and quoted in a writer's sentence that credits their speaker or someone else
("…,” Maria Zakharova said).
Paraphrases and fabricated quotes are written by hand (``eval/quotes-handmade.jsonl``),
since no rule can make them honestly.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from evaluation import metrics
from index.shingles import build_quote_index, words
from retrieval.library import Library
from retrieval.quotes import VERDICTS, verify_quote

# Replacements for a changed word: none is a word the transcripts would use in its place by accident.
SUBSTITUTES = ("purple", "seventeen", "umbrella", "cheerfully", "volcano", "accordion")
# Sentences no one in the bundled transcripts said, nor anything like them.
INVENTED = (
    "Our delegation will travel to the accordion festival in Lisbon next summer.",
    "The volcano museum in Reykjavik has asked us for seventeen purple umbrellas.",
    "I cheerfully admit that the orchestra played far too slowly at the reception.",
    "Penguins from the Antarctic station will be exhibited at the zoo until autumn.",
)
# People credited with words they did not say: none speaks in the bundled transcripts.
OTHER_PEOPLE = ("Maria Zakharova", "Dmitry Peskov", "Antony Blinken", "Josep Borrell")
# How an article credits a quotation: the speaker's name, then the words.
CREDIT_FRAMES = (
    "{name} said: “{words}”",
    "“{words},” {name} told reporters.",
    "According to {name}, “{words}”",
    "“{words},” the agency quoted {name} as saying.",
    "On Wednesday, {name} later said: ‘{words}’",
)


@dataclass(frozen=True)
class QuoteCase:
    """A quote and the verdict it should get; for quotes from the library, where its words stand."""

    kind: str
    quote: str
    expected: str
    doc_id: str = ""
    start: int = -1
    end: int = -1
    role: str = ""
    credited: str = ""  # the name a writer's words around the quote credit, "" when none
    miscredited: bool = False  # whether the source gives the words to someone else


def _typography(text: str) -> str:
    swapped = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    swapped = swapped.replace(", ", " ,  ", 1)
    return swapped[0].lower() + swapped[1:]


def generate_cases(library: Library, per_kind: int = 20, seed: int = 7) -> list[QuoteCase]:
    """Mechanical cases from the library's sentences of 10 to 50 words, sampled reproducibly."""
    rng = random.Random(seed)
    by_role: dict[str, list[tuple[str, int, int]]] = {"answer": [], "question": []}
    for row, start, end in library.stored.sentence_spans.tolist():
        passage = library.passages[row]
        text = library.documents[passage.doc_id].text[start:end]
        if 10 <= len(words(text)) <= 50:
            by_role[passage.role].append((passage.doc_id, start, end))
    cases = []
    for kind in ("exact", "typography", "ellipsis", "changed-1", "changed-2"):
        for doc_id, start, end in rng.sample(by_role["answer"], min(per_kind, len(by_role["answer"]))):
            text = library.documents[doc_id].text[start:end]
            found = words(text)  # spans relative to the sentence
            if kind == "exact":
                cases.append(QuoteCase(kind, text, "exact", doc_id, start, end, "answer"))
            elif kind == "typography":
                cases.append(QuoteCase(kind, _typography(text), "exact", doc_id, start, end, "answer"))
            elif kind == "ellipsis":
                cut_from, cut_to = found[4][0], found[-4][0]
                quote = text[:cut_from].rstrip() + " … " + text[cut_to:]
                cases.append(QuoteCase(kind, quote, "close", doc_id, start, end, "answer"))
            else:
                quote = text
                middle = [w for w in found[3:-3] if len(w[2]) >= 4 and not w[2].isdigit()]
                for s, e, _ in sorted(rng.sample(middle, min(int(kind[-1]), len(middle))), reverse=True):
                    quote = quote[:s] + rng.choice(SUBSTITUTES) + quote[e:]
                cases.append(QuoteCase(kind, quote, "close", doc_id, start, end, "answer"))
    for doc_id, start, end in rng.sample(by_role["question"], min(per_kind, len(by_role["question"]))):
        text = library.documents[doc_id].text[start:end]
        cases.append(QuoteCase("questioner", text, "exact", doc_id, start, end, "question"))
    # A cut that no "…" marks: two to six words left out just before the last one to three,
    # where a quote is most often trimmed ("…artificial obstacles is unacceptable").
    for doc_id, start, end in rng.sample(by_role["answer"], min(per_kind, len(by_role["answer"]))):
        text = library.documents[doc_id].text[start:end]
        found = words(text)
        cut = rng.randint(2, 6)
        first = len(found) - cut - rng.randint(1, 3)
        quote = text[: found[first][0]].rstrip() + " " + text[found[first + cut][0] :]
        cases.append(QuoteCase("cut", quote, "close", doc_id, start, end, "answer"))
    # A sentence no one said, before or after one that was: partly found, never vouched for.
    for number, (doc_id, start, end) in enumerate(rng.sample(by_role["answer"], min(per_kind, len(by_role["answer"])))):
        said, invented = library.documents[doc_id].text[start:end], INVENTED[number % len(INVENTED)]
        quote = f"{said} {invented}" if number % 2 else f"{invented} {said}"
        cases.append(QuoteCase("partly-invented", quote, "partial", doc_id, start, end, "answer"))
    unquoted = [s for s in by_role["answer"] if not re.search('[“”"«»]', library.documents[s[0]].text[s[1] : s[2]])]
    for kind in ("credited", "miscredited"):
        for number, (doc_id, start, end) in enumerate(rng.sample(unquoted, min(per_kind, len(unquoted)))):
            text = library.documents[doc_id].text[start:end].rstrip(".")
            speaker = library.passage_at(doc_id, start).speaker
            name = rng.choice(OTHER_PEOPLE) if kind == "miscredited" else speaker
            quote = CREDIT_FRAMES[number % len(CREDIT_FRAMES)].format(name=name, words=text)
            cases.append(QuoteCase(kind, quote, "exact", doc_id, start, end, "answer", name, kind == "miscredited"))
    return cases


def handmade_cases(path: Path) -> list[QuoteCase]:
    """Hand-written paraphrases and fabricated quotes (``expected`` is paraphrase or not_found)."""
    cases = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            kind = "paraphrase" if row["expected"] == "paraphrase" else "fabricated"
            cases.append(QuoteCase(kind, row["quote"], row["expected"]))
    return cases


@dataclass(frozen=True)
class QuoteScores:
    """Precision and recall per verdict, accuracy per kind of case, located share, and latency."""

    precision: dict[str, float]
    recall: dict[str, float]
    accuracy_by_kind: dict[str, float]
    located: float  # share of exact/close verdicts on library quotes whose match spans the quoted words, right role
    credit: float  # share of quotes credited to someone whose crediting is judged right (nan when none)
    p50_ms: float
    p95_ms: float


def score_cases(library: Library, cases: list[QuoteCase]) -> tuple[QuoteScores, list[tuple[QuoteCase, str]]]:
    """Run every case; returns the scores and each case with the verdict it got."""
    _ = library.embedder.model  # time a warm app
    outcomes, latencies, located, locatable, credits = [], [], 0, 0, []
    for case in cases:
        began = time.perf_counter()
        check = verify_quote(library, case.quote)
        latencies.append((time.perf_counter() - began) * 1000)
        outcomes.append((case, check.verdict))
        if case.credited:
            credited = check.framing.credited if check.framing else ""
            credits.append(credited == case.credited and check.miscredited == case.miscredited)
        if case.doc_id and check.verdict in ("exact", "close"):
            locatable += 1
            quoted = words(library.documents[case.doc_id].text[case.start : case.end], case.start)
            first, last = quoted[0][0], quoted[-1][1]  # a match must run from the first word quoted to the last
            located += any(
                m.document.doc_id == case.doc_id and m.start <= first and last <= m.end and m.role == case.role
                for m in check.matches
            )
    verdicts = VERDICTS
    predicted = Counter(v for _, v in outcomes)
    expected = Counter(c.expected for c, _ in outcomes)
    right = Counter(v for c, v in outcomes if c.expected == v)
    kinds = Counter(c.kind for c, _ in outcomes)
    right_kind = Counter(c.kind for c, v in outcomes if c.expected == v)
    scores = QuoteScores(
        precision={v: right[v] / predicted[v] if predicted[v] else float("nan") for v in verdicts},
        recall={v: right[v] / expected[v] if expected[v] else float("nan") for v in verdicts},
        accuracy_by_kind={k: right_kind[k] / n for k, n in kinds.items()},
        located=located / locatable if locatable else float("nan"),
        credit=sum(credits) / len(credits) if credits else float("nan"),
        p50_ms=metrics.percentile(latencies, 0.5),
        p95_ms=metrics.percentile(latencies, 0.95),
    )
    return scores, outcomes


def scaled_library(library: Library, copies: int) -> Library:
    """The library ``copies`` times over, for timing quote lookup at scale; copy 0 is the library itself.

    In every other copy each word gets the copy's number appended, so the copies
    are as distinct as other documents would be and share no three-word runs.
    Sentence vectors are repeated too, so the paraphrase step scans as many.
    """
    documents = list(library.stored.documents)
    for copy in range(1, copies):
        for document in library.stored.documents:
            text = re.sub(r"\w+", lambda m, c=copy: f"{m.group()}{c}", document.text)
            documents.append(replace(document, doc_id=f"{document.doc_id}-copy{copy}", text=text))
    stored = replace(
        library.stored,
        documents=tuple(documents),
        quotes=build_quote_index([d.text for d in documents]),
        sentence_vectors=np.tile(library.stored.sentence_vectors, (copies, 1)),
        sentence_spans=np.tile(library.stored.sentence_spans, (copies, 1)),
    )
    return Library(stored, library.index_dir, library.embedder)
