"""Opening a built index for reading: the documents, passages, vectors and the model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from index import store
from index.corpus import scan_corpus
from index.embedding import Embedder
from index.errors import StoreError
from index.fingerprint import built_from
from index.labels import TIME
from index.lexical import analyse
from index.records import Document, Passage
from index.settings import index_command
from retrieval.citations import MAX_CITED_CHARS, PastedCitation, attribution, cited_span
from retrieval.errors import QueryError, StaleIndexError
from retrieval.spelling import names_by_skeleton


def _typed_label(label: str) -> str:
    """A citation label as a person may type it: one space between words, any dash, any case,
    "¶ 2" for "¶2", and the full stop that ends it in a sentence or a plain citation."""
    label = re.sub(r"\s+[-–—]+\s+", " — ", " ".join(label.split())).rstrip(".")
    label = label.replace("¶ ", "¶")
    return re.sub(r"(¶\d+[a-z]*)\s*[-–—]\s*(\d)", r"\1–\2", label).casefold()  # "¶1-2" for "¶1–2"


# The paragraph mark that ends a label: "¶4", "¶1–3" (paragraphs merged), "¶35b" (part of one),
# then the page for a PDF (", p. 4") and the last timestamp of a transcript (", 00:12:31").
_MARK = re.compile(
    r"^(?P<head>.*) ¶(?P<first>\d+)(?:–(?P<last>\d+))?(?P<part>[a-z]*)"
    rf"(?P<where>(?:, p\. \d+)?(?:, {TIME})?)$"
)


def _other_names(label: str) -> list[str]:
    """Labels a person may cite this passage by besides its own (typed form).

    Short paragraphs are merged into one passage ("Q7 ¶1–2"), and a long one is
    split ("¶35a", "¶35b"), so "Q7 ¶2" and "¶35" name the passage holding that
    paragraph or its start, with or without its page and timestamp; "Q7" and
    "Q7 question" name the turn's first passage.
    """
    mark = _MARK.match(label)
    if mark is None:
        return []
    head, first, where = mark["head"], int(mark["first"]), mark["where"]
    last = int(mark["last"] or first)
    names = [head, f"{head} ¶{first}{mark['part']}"]
    if mark["part"] in ("", "a"):
        names += [f"{head} ¶{paragraph}{suffix}" for paragraph in range(first, last + 1) for suffix in {where, ""}]
    return names


# Paragraphs from one to another, as a citation of words running on across a paragraph break
# names them: "Q1 ¶5–6", "¶35b–36a".
_WORD = re.compile(r"\w")
_RANGE = re.compile(r"¶(?P<first>\d+[a-z]*)–(?P<last>\d+)(?P<part>[a-z]*)")


@dataclass(frozen=True)
class Exchange:
    """One question and the answers to it, as index rows."""

    questions: tuple[int, ...]
    answers: tuple[int, ...]


@dataclass
class Library:
    """A loaded index. Shared between users of the app, so nothing here mutates after opening."""

    stored: store.StoredIndex
    index_dir: Path
    embedder: Embedder = field(repr=False)

    @classmethod
    def open(cls, index_dir: Path, corpus_dir: Path | None = None) -> Library:
        """Load the current build; with ``corpus_dir``, refuse an index built from other documents, or
        whose converted files' extracted text (what citations point into) is not on disk as extracted.

        Raises IndexMissingError / IndexFormatError (from ``index.errors``) or
        StaleIndexError, each saying what fixes it; with ``corpus_dir``, the command to run.
        """
        build = "" if corpus_dir is None else index_command("build", corpus_dir, index_dir)
        try:
            stored = store.read_index(index_dir)
        except StoreError as err:
            if build:
                raise err.with_command(build) from None
            raise
        model_name = stored.manifest["model"]
        if corpus_dir is None:
            return cls(stored, index_dir, Embedder(model_name))
        scan = scan_corpus(corpus_dir, keep_text=False, indexed=store.files_of(stored.manifest))
        if not built_from(scan, stored.manifest):
            unreadable = "".join(f"; {problem}" for problem in scan.problems)  # perhaps why
            raise StaleIndexError(
                f"the index in {index_dir} was built from other documents than {corpus_dir} holds now{unreadable}; "
                f"update it with: {build}"
            )
        if scan.unstored:
            raise StaleIndexError(
                f"the text extracted from {', '.join(scan.unstored)}, which citations point into, is not as stored "
                f"(edited or deleted by hand, or extracted by an older Verbatim); extract it again with: {build}"
            )
        return cls(stored, index_dir, Embedder(model_name))

    @cached_property
    def documents(self) -> dict[str, Document]:
        """Documents by id, in library order."""
        return {d.doc_id: d for d in self.stored.documents}

    @cached_property
    def passages(self) -> tuple[Passage, ...]:
        """Passages in index row order (reading order within each document)."""
        return self.stored.passages

    @cached_property
    def answerers(self) -> frozenset[str]:
        """The speakers of answers: the people and offices the library quotes, not their questioners."""
        return frozenset(p.speaker for p in self.passages if p.role == "answer" and p.speaker)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Index row of each passage id."""
        return {p.passage_id: row for row, p in enumerate(self.passages)}

    @cached_property
    def sentence_rows(self) -> dict[int, np.ndarray]:
        """Rows of ``stored.sentence_spans`` belonging to each passage row."""
        spans = self.stored.sentence_spans
        order = np.argsort(spans[:, 0], kind="stable")
        bounds = np.searchsorted(spans[order, 0], np.arange(len(self.passages) + 1))
        return {row: order[bounds[row] : bounds[row + 1]] for row in range(len(self.passages))}

    def sentence_row(self, passage: Passage, start: int) -> int:
        """Row in ``stored.sentence_vectors`` of the passage's sentence starting at ``start``."""
        rows = self.sentence_rows[self.row_of[passage.passage_id]]
        return int(rows[np.searchsorted(self.stored.sentence_spans[rows, 1], start)])

    @cached_property
    def names(self) -> dict[str, frozenset[str]]:
        """The names the documents mention, by spelling skeleton (see ``retrieval.spelling``)."""
        return names_by_skeleton(d.text for d in self.documents.values())

    @cached_property
    def term_row(self) -> dict[str, int]:
        """Row of each BM25 term in the weight matrix."""
        return {term: row for row, term in enumerate(self.stored.vocabulary)}

    @cached_property
    def lower_case_words(self) -> frozenset[str]:
        """The words the documents write in lower case somewhere: no proper name ("ministry", never "lavrov")."""
        return frozenset(word for d in self.documents.values() for word in re.findall(r"\w+", d.text) if word.islower())

    @cached_property
    def described_by(self) -> dict[str, frozenset[str]]:
        """The BM25 terms of each document's own description: its titles, place and speakers.

        A name may stand there only: "Lavrov" is in the Duma transcript's labels, not its passages.
        """
        described = {}
        for doc_id, document in self.documents.items():
            speakers = {self.passages[row].speaker for row in self.rows_by_document[doc_id]}
            words = " ".join((document.title, document.short_title, document.place, *speakers))
            described[doc_id] = frozenset(analyse(words))
        return described

    def mentions(self, term: str, doc_ids: Sequence[str] | None = None) -> bool:
        """Whether a passage, or a document's own description (see ``described_by``), holds the BM25
        ``term``; with ``doc_ids``, one of those documents."""
        chosen = doc_ids or tuple(self.documents)
        if any(term in self.described_by[doc_id] for doc_id in chosen):
            return True
        row = self.term_row.get(term)
        if row is None:
            return False
        if not doc_ids:
            return True
        bm25 = self.stored.bm25
        passages = bm25.indices[bm25.indptr[row] : bm25.indptr[row + 1]]
        return any(self.passages[int(p)].doc_id in doc_ids for p in passages)

    @cached_property
    def label_index(self) -> dict[str, int]:
        """Index row of each citation label in its typed-by-hand form (see ``_typed_label``).

        A passage's own label always finds it. So does the attribution of its
        quotation ("Sergey Lavrov, Duma Government Hour, 19 Feb 2025, Q7 ¶2"), with or
        without the speaker; these and the other names of ``_other_names`` find the
        first passage, in reading order, that they fit.
        """
        index = {_typed_label(p.label): row for row, p in enumerate(self.passages)}
        for row, passage in enumerate(self.passages):
            document_part, _, locator = passage.label.rpartition(" — ")
            quoted = attribution(passage, self.documents[passage.doc_id])
            for form in (passage.label, f"{document_part}, {locator}", quoted):
                for name in [_typed_label(form), *_other_names(_typed_label(form))]:
                    index.setdefault(name, row)
        return index

    def passage(self, passage_id_or_label: str) -> Passage:
        """The passage with this id or citation label; QueryError when there is none.

        A label is found however it was pasted or typed: in any case, with extra
        spaces, or with a hyphen or en dash for the em dash. A paragraph merged into
        a passage with its neighbours ("¶2" of "¶1–2") finds that passage, and so
        does a range of paragraphs that starts in it ("¶2–4", see ``cited``).
        """
        return self.cited(passage_id_or_label)[0]

    def cited(self, passage_id_or_label: str) -> tuple[Passage, int]:
        """The passage an id or citation label names, and the document offset where the words it
        cites end: the passage's end, or for a range that runs on into later paragraphs of the
        speaker's turn ("Q1 ¶5–6", the label of a quote across a paragraph break) the end of the
        last paragraph named. QueryError when there is no such passage or range."""
        key = passage_id_or_label.strip()
        row = self.row_of.get(key, self.label_index.get(_typed_label(key)))
        if row is not None:
            return self.passages[row], self.passages[row].end
        typed = _typed_label(key)
        paragraphs = _RANGE.search(typed)
        if paragraphs:
            head, where = typed[: paragraphs.start()], typed[paragraphs.end() :]
            first = self.label_index.get(f"{head}¶{paragraphs['first']}{where}")
            last = self.label_index.get(f"{head}¶{paragraphs['last']}{paragraphs['part']}")
            if first is not None and last is not None:
                passage = self.passages[first]
                end = self._paragraph_end(self.passages[last], paragraphs["part"])
                if passage.end <= end <= self.turn_end(passage):
                    return passage, end
        raise QueryError(
            f"no passage has the id or citation {passage_id_or_label!r}: mistyped, or its words were edited or "
            "removed since the citation was made"
        )

    def _paragraph_end(self, passage: Passage, part: str) -> int:
        """Where the paragraph that ``passage`` holds or starts ends: a paragraph named without a
        part ("¶36") runs through every part it was split into ("¶36a", "¶36b")."""
        mark = _MARK.match(passage.label)
        end = passage.end
        if part or mark is None or mark["part"] == "":
            return end
        for following in self.passages[self.row_of[passage.passage_id] + 1 :]:
            following_mark = _MARK.match(following.label)
            if not following_mark or (following_mark["head"], following_mark["first"]) != (mark["head"], mark["first"]):
                break
            end = following.end
        return end

    @cached_property
    def rows_by_document(self) -> dict[str, list[int]]:
        """Index rows of each document's passages, in reading order."""
        rows: dict[str, list[int]] = {doc_id: [] for doc_id in self.documents}
        for row, passage in enumerate(self.passages):
            rows[passage.doc_id].append(row)
        return rows

    @cached_property
    def passage_starts(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per document: the start offsets of its passages (sorted) and their index rows."""
        result = {}
        for doc_id, doc_rows in self.rows_by_document.items():
            rows = np.array(doc_rows, dtype=np.int64)
            starts = np.array([self.passages[r].start for r in doc_rows], dtype=np.int64)
            order = np.argsort(starts)
            result[doc_id] = (starts[order], rows[order])
        return result

    @cached_property
    def exchange_of(self) -> dict[int, Exchange]:
        """The question-and-answer exchange of each row that belongs to one; opening remarks belong to none."""
        answers: dict[tuple[str, int], list[int]] = {}
        for row, passage in enumerate(self.passages):
            if passage.question_start is not None:
                answers.setdefault((passage.doc_id, passage.question_start), []).append(row)
        result = {}
        for (doc_id, question_start), answer_rows in answers.items():
            starts, rows = self.passage_starts[doc_id]
            question_end = self.passages[answer_rows[0]].question_end
            lo, hi = np.searchsorted(starts, [question_start, question_end])
            exchange = Exchange(tuple(int(r) for r in rows[lo:hi]), tuple(answer_rows))
            result.update(dict.fromkeys(exchange.questions + exchange.answers, exchange))
        return result

    def passage_at(self, doc_id: str, offset: int) -> Passage | None:
        """The passage of the document whose span contains ``offset``, or None (a heading, boilerplate)."""
        starts, rows = self.passage_starts[doc_id]
        i = int(np.searchsorted(starts, offset, side="right")) - 1
        if i < 0:
            return None
        passage = self.passages[int(rows[i])]
        return passage if passage.start <= offset < passage.end else None

    def turn_end(self, passage: Passage) -> int:
        """Where the run of passages of the passage's speaker turn that it opens or continues ends:
        words cited from the passage may run on to there (a quote across a paragraph break)."""
        end = passage.end
        for following in self.passages[self.row_of[passage.passage_id] + 1 :]:
            if following.turn_key != passage.turn_key:
                break
            end = following.end
        return end

    def resolve_citation(self, citation: PastedCitation) -> tuple[Passage, tuple[int, int] | None, bool]:
        """The passage a citation names, the document span of the words it marks (a link's span, or a
        range label's paragraphs; None: the whole passage), and whether it gave a span that marks no
        words of the passage (mistyped, or cut short). QueryError when it names no passage."""
        passage, cited_end = self.cited(citation.key)
        span = cited_span(passage, citation.start, citation.end, self.cite_reach(passage))
        if span is None and cited_end > passage.end:
            return passage, (passage.start, cited_end), False
        return passage, span, span is None and bool(citation.start or citation.end)

    def cite_reach(self, passage: Passage) -> int:
        """How far words cited from the passage may run: on into later paragraphs, and into other
        speakers' turns (a quote check's match may), up to ``MAX_CITED_CHARS``."""
        return min(len(self.documents[passage.doc_id].text), passage.start + MAX_CITED_CHARS)

    def said_by_one(self, passage: Passage, end: int) -> bool:
        """Whether the words from the passage up to the document offset ``end`` are all its speaker's
        turn: they run into no other turn or section (a label or heading starts one; a timestamp or
        page number between paragraphs does not), and do not end in words outside the passages."""
        covered = passage.end  # the words up to here are the turn's
        for following in self.passages[self.row_of[passage.passage_id] + 1 :]:
            if following.doc_id != passage.doc_id or following.start >= end:
                break
            if following.turn_key != passage.turn_key:
                return False
            covered = following.end
        return _WORD.search(self.documents[passage.doc_id].text, covered, end) is None

    def span_label(self, passage: Passage, end: int) -> str:
        """The citation label of words that begin in ``passage`` and end at ``end``: its own label,
        or, when they run on into later paragraphs of the turn, one naming them all ("Q1 ¶5–6")."""
        last = self.passage_at(passage.doc_id, end - 1)
        first_mark, last_mark = _MARK.match(passage.label), _MARK.match(last.label) if last else None
        if last == passage or not (first_mark and last_mark) or first_mark["head"] != last_mark["head"]:
            return passage.label
        last_paragraph = (last_mark["last"] or last_mark["first"]) + last_mark["part"]
        first = first_mark["first"] + first_mark["part"]
        return f"{first_mark['head']} ¶{first}–{last_paragraph}{first_mark['where']}"

    def neighbours(self, passage: Passage, through: int = 0) -> list[Passage]:
        """The passage with the passages just before and after it in the same document, in reading order;
        after it, as many as hold words up to the document offset ``through`` (a citation running on)."""
        row = self.row_of[passage.passage_id]
        hi = row + 2  # one past the passage after the last that holds words up to ``through``
        while (
            hi < len(self.passages)
            and self.passages[hi - 1].doc_id == passage.doc_id
            and self.passages[hi - 2].end < through
        ):
            hi += 1
        lo, hi = max(0, row - 1), min(len(self.passages), hi)
        return [p for p in self.passages[lo:hi] if p.doc_id == passage.doc_id]

    def question_text(self, passage: Passage) -> str:
        """The words of the question an answer passage replies to, or an empty string."""
        if passage.question_start is None:
            return ""
        return self.documents[passage.doc_id].text[passage.question_start : passage.question_end]
