"""Comparing documents on one question: a column per document and the facts where they differ or agree."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from retrieval.answers import ask
from retrieval.errors import QueryError
from retrieval.facts import Fact, agree, extract_facts, same_subject
from retrieval.library import Library
from retrieval.records import Answer, AnswerSentence
from retrieval.search import allowed_rows, check_question

# Facts are read from each document's best answer sentence only: what the document
# answers, not everything its passages mention. Over 58 questions, reading two
# sentences per document flagged 4 distinct differences of which 2 were real (the
# others paired dates of unrelated events); reading one flagged 3, 2 of them real.
FACT_SENTENCES = 1
# Two facts confirm or contradict each other only when their sentences tell of the same
# event. Over the 102 questions of eval/, the one real discrepancy (the date Putin put
# forward the Eurasian security initiative) paired sentences of similarity 0.71; the six
# pairs of unrelated events (a visit in 2025 against a treaty of 2023) were 0.28-0.57.
SAME_EVENT_SIMILARITY = 0.6


@dataclass(frozen=True)
class Column:
    """One document's answer to the question, searched within that document alone."""

    doc_id: str
    title: str
    answer: Answer

    @property
    def addressed(self) -> bool:
        """Whether the document addresses the question at all."""
        return self.answer.answerable

    def to_dict(self) -> dict:
        """The JSON item of ``python -m retrieval compare --json``."""
        data = self.answer.to_dict()
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "addressed": self.addressed,
            "unknown_names": list(self.answer.unknown_names),
            "named_speakers": list(self.answer.named_speakers),
            "answer": data["answer"],
            "passages": data["passages"],
        }


@dataclass(frozen=True)
class StatedFact:
    """A fact together with the answer sentence (and so the citation) that states it."""

    fact: Fact
    sentence: AnswerSentence

    def quoted(self) -> str:
        """The words quoted, with their citation and ``source:start-end``."""
        where = f"{self.sentence.document.source}:{self.fact.start}-{self.fact.end}"
        return f"“{self.fact.text}” ({self.sentence.passage.label}, `{where}`)"

    def to_dict(self) -> dict:
        """The fact with the exact span and citation of its words."""
        s = self.sentence
        return {
            "doc_id": s.passage.doc_id,
            "text": self.fact.text,
            "value": self.fact.value,
            "qualifier": self.fact.qualifier,
            "source": s.document.source,
            "start": self.fact.start,
            "end": self.fact.end,
            "sentence": s.to_dict(),
            "citation": s.passage.label,
        }


@dataclass(frozen=True)
class Contrast:
    """Two documents' statements of the same kind of fact, and whether they say the same."""

    kind: str
    agree: bool
    left: StatedFact
    right: StatedFact

    def describe(self) -> str:
        """One line a reader can check: both statements with their citations and exact source spans."""
        verb = "agree" if self.agree else "differ"
        return f"{self.kind}s {verb}: {self.left.quoted()} vs {self.right.quoted()}"

    def to_dict(self) -> dict:
        """The JSON item of the ``differences`` list."""
        return {
            "kind": self.kind,
            "status": "agree" if self.agree else "differ",
            "statements": [self.left.to_dict(), self.right.to_dict()],
        }


@dataclass(frozen=True)
class Comparison:
    """The columns of every compared document and the contrasts between their answers."""

    question: str
    columns: tuple[Column, ...]
    contrasts: tuple[Contrast, ...]

    def to_dict(self) -> dict:
        """The JSON object of ``python -m retrieval compare --json`` and of the JSON export."""
        return {
            "question": self.question,
            "documents": [c.to_dict() for c in self.columns],
            "differences": [c.to_dict() for c in self.contrasts],
        }


def stated_facts(column: Column) -> list[StatedFact]:
    """The dates and figures of the column's best answer sentence (``FACT_SENTENCES`` of them), in order."""
    if not column.addressed:
        return []
    found = []
    for sentence in column.answer.sentences[:FACT_SENTENCES]:
        found += [StatedFact(f, sentence) for f in extract_facts(sentence.text, sentence.start)]
    return found


def _same_event(library: Library, a: AnswerSentence, b: AnswerSentence) -> bool:
    vectors = library.stored.sentence_vectors
    similarity = vectors[library.sentence_row(a.passage, a.start)] @ vectors[library.sentence_row(b.passage, b.start)]
    return float(similarity) >= SAME_EVENT_SIMILARITY


def contrasts(library: Library, columns: Sequence[Column]) -> list[Contrast]:
    """For each pair of documents, the facts about the same subject, flagged as agreeing or differing.

    Facts are paired only when their sentences tell of the same event, and a fact
    is paired with at most one fact of the other document, preferring an agreeing one.
    The days of a date range share its words, so two ranges are set side by side
    once: agreeing when any of their days do.
    """
    result: list[Contrast] = []
    for left, right in combinations(columns, 2):
        right_facts = stated_facts(right)
        for mine in stated_facts(left):
            candidates = [
                theirs
                for theirs in right_facts
                if same_subject(mine.fact, theirs.fact) and _same_event(library, mine.sentence, theirs.sentence)
            ]
            if not candidates:
                continue
            match = next((c for c in candidates if agree(mine.fact, c.fact)), candidates[0])
            right_facts.remove(match)
            contrast = Contrast(mine.fact.kind, agree(mine.fact, match.fact), mine, match)
            same_words = next((c for c in result if _places(c) == _places(contrast)), None)
            if same_words is None:
                result.append(contrast)
            elif contrast.agree and not same_words.agree:
                result[result.index(same_words)] = contrast
    return result


def _places(contrast: Contrast) -> tuple:
    """Where both statements of a contrast stand."""
    left, right = contrast.left, contrast.right
    return (left.sentence.document.doc_id, left.fact.start, right.sentence.document.doc_id, right.fact.start)


def compare(library: Library, question: str, doc_ids: Sequence[str] | None = None, k: int = 3) -> Comparison:
    """Answer the question separately inside each document, then contrast their facts.

    Each column is searched within its document alone, so one document's passages
    never crowd out another's. Raises QueryError for a bad question or document id.
    """
    question = check_question(question)
    chosen = list(dict.fromkeys(doc_ids or library.documents))
    allowed_rows(library, chosen, "all")  # a QueryError naming any unknown document id
    if len(chosen) < 2:
        held = f"the library holds only {chosen[0]}" if len(library.documents) == 1 else f"only {chosen[0]} was chosen"
        raise QueryError(f"a comparison needs at least two documents; {held}")
    vector = library.embedder.encode_query(question)
    columns = tuple(
        Column(doc_id, library.documents[doc_id].title, ask(library, question, k=k, doc_ids=[doc_id], vector=vector))
        for doc_id in chosen
    )
    return Comparison(question, columns, tuple(contrasts(library, columns)))


# What would start a link, emphasis, code, HTML or a character reference in Markdown, or close a heading.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>~|#&])")


def _as_written(text: str) -> str:
    """Typed text (a question, and the messages that quote its names) as Markdown that shows it as
    typed, on one line: never a link, emphasis or HTML."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", " ".join(text.split()))


def to_markdown(comparison: Comparison) -> str:
    """The comparison as Markdown: each document's answers with citations and source spans, then the contrasts.

    Every quotation is followed by ``source:start-end``, the exact place of its words, which are
    left as the source has them; the question and what quotes it are shown as typed.
    """
    lines = [f"# {_as_written(comparison.question)}", ""]
    for column in comparison.columns:
        lines += [f"## {_as_written(column.title)}", ""]
        if not column.addressed:
            lines += [f"*{_as_written(column.answer.not_addressed())}*", ""]
            continue
        for caution in column.answer.cautions():
            lines += [f"*{_as_written(caution)}*", ""]
        for sentence in column.answer.sentences:
            lines.append(
                f"- “{sentence.text}” — {sentence.passage.speaker or 'unattributed'}, {sentence.passage.label} "
                f"(`{sentence.document.source}:{sentence.start}-{sentence.end}`)"
            )
        lines.append("")
    lines += ["## Where the documents differ or agree", ""]
    lines += [f"- {c.describe()}" for c in comparison.contrasts] or ["- No dates or figures to compare."]
    return "\n".join(lines) + "\n"
