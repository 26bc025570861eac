"""Answering a question: ranked passages, the sentences in them that answer, and whether any do."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

import numpy as np

from index.lexical import analyse
from retrieval.facts import NUMBER_WORDS, extract_facts
from retrieval.framing import name_words
from retrieval.library import Library
from retrieval.records import Answer, AnswerSentence, Hit
from retrieval.search import check_question, rank
from retrieval.spelling import is_respelling, skeleton

# Below this cosine similarity between question and best passage, the library is
# taken not to address the question: questions far from its subject (cooking,
# astronomy) score under 0.25; those on neighbouring subjects often score higher.
ANSWERABLE_SIMILARITY = 0.35
# A question naming a person, place or year the library never mentions ("relations
# with Australia", "the 1986 Reykjavik summit") is not addressed, however similar the
# passages about neighbouring topics are. A name is let through when the best passage
# matches as well as a typical answered question does (the median best similarity
# over the 52 dev questions of eval/ is 0.62), since another spelling or a capital
# standing for its country (Kyiv for Kiev, Tehran for Iran) still gets answered; the
# answer still names it, since the passages may be about a neighbour ("Africa" for
# "Australia"). A year has no other spelling, so an unknown year is never let through.
UNKNOWN_NAME_OVERRULE = 0.6
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b([A-Z][\w’'-]+|\d{4})\b")
_YEAR = re.compile(r"\d{4}")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
# Answer sentences are drawn from this many of the best passages.
SENTENCE_SOURCES = 5
# Share of a sentence's score that comes from its passage's rank: a sentence that
# matches well in a passage that matches well beats a lucky sentence elsewhere.
PASSAGE_SHARE = 0.3
# A question of the form "When ...?" or "How many ...?" is answered by a date or a
# figure (in digits or words); a sentence that states one gets this much added to its score.
ANSWER_TYPE_BONUS = 0.1
_EXPECTS = (
    (re.compile(r"(?i)^\s*(when|since when|on what date|in what year|what year|what date)\b"), "date"),
    (re.compile(r"(?i)^\s*(how (many|much|big|large|long)|what (share|percentage|number|amount))\b"), "figure"),
)


def expected_fact(question: str) -> str:
    """ "date" or "figure" when the question's form asks for one, else ""."""
    return next((kind for pattern, kind in _EXPECTS if pattern.search(question)), "")


def states(kind: str, sentence: str) -> bool:
    """Whether the sentence states a fact of this kind ("date" or "figure"); a figure may be
    written in words ("only five exist", "three meetings")."""
    if any(fact.kind == kind for fact in extract_facts(sentence)):
        return True
    return kind == "figure" and any(word in NUMBER_WORDS for word in re.findall(r"[a-z]+", sentence.lower()))


def unknown_names(library: Library, question: str, doc_ids: Sequence[str] | None = None) -> tuple[str, ...]:
    """Capitalised words (not opening a sentence) and four-digit years of the question that no passage
    (of the documents ``doc_ids``, when given) contains, in any spelling: a name the library spells
    otherwise ("Kyiv" for its "Kiev") is known. Capitalised words in a row are one name, named whole
    when any of its words is unknown ("New Zealand", though the library mentions "New")."""

    @cache  # a name is looked up again when its run is judged
    def known(name: str) -> bool:
        spellings = (name, *(other for other in library.names.get(skeleton(name), ()) if is_respelling(name, other)))
        return any(all(library.mentions(term, doc_ids) for term in analyse(spelling)) for spelling in spellings)

    question = question.strip()
    matches = list(_NAME.finditer(question))
    # In a question written in Title Case every word is capitalised: only unknown words make its names.
    title_case = 2 * len(matches) > len(question.split())
    runs: list[list[re.Match]] = []  # capitalised words in a row, one name ("New Zealand"); a year alone
    for match in matches:
        if title_case and known(match.group(1)):
            continue
        joins = runs and question[runs[-1][-1].end() : match.start()] == " "
        if joins and not _YEAR.fullmatch(match.group(1)) and not _YEAR.fullmatch(runs[-1][-1].group(1)):
            runs[-1].append(match)
        else:
            runs.append([match])
    return tuple(" ".join(m.group(1) for m in run) for run in runs if not all(known(m.group(1)) for m in run))


def named_speakers(library: Library, question: str) -> tuple[str, ...]:
    """The library's answering speakers the question names, in any transliteration: by every word that
    tells whom the speaker's name names ("the Russian Foreign Ministry", "Sergey Viktorovich Lavrov"),
    or by its last word where that is a proper name, one the library never writes in lower case
    ("Lavrov", "Foreign Minister Lavrov"; not the "Ministry" of "the Ministry of Defence")."""
    asked = [name_words(run) for run in _CAPITALISED_RUN.findall(question)]

    def among(word: str, words: list[str]) -> bool:
        return any(is_respelling(word, other) for other in words)

    def named(speaker: str) -> bool:
        own = name_words(speaker)
        if not own:
            return False
        if any(all(among(word, run) for word in own) for run in asked):
            return True
        return own[-1] not in library.lower_case_words and any(among(own[-1], run) for run in asked)

    return tuple(sorted(speaker for speaker in library.answerers if named(speaker)))


def answer_sentences(
    library: Library, hits: Sequence[Hit], vector: np.ndarray, count: int, role: str = "answer", expects: str = ""
) -> list[AnswerSentence]:
    """The ``count`` sentences of the best hits with the given role that best answer the question.

    A sentence scores by its similarity to the question, read alone and read
    after the sentence before it in its speaker turn, and by its passage's score. With ``expects``
    ("date" or "figure"), sentences stating such a fact score higher. A
    questioner's words restate the question; they are never offered as its
    answer unless questions are what was asked for (``role="question"``).
    """
    sources = [h for h in hits if h.passage.role == role][:SENTENCE_SOURCES]
    if not sources:
        return []
    best = max(h.score for h in sources) or 1.0
    stored = library.stored
    scored = []
    for hit in sources:
        rows = library.sentence_rows[library.row_of[hit.passage.passage_id]]
        # Similarity of the sentence alone and read after the one before it: an
        # answer that leans on that sentence ("This document...") is found by the second.
        similarity = (stored.sentence_vectors[rows] @ vector + stored.context_vectors[rows] @ vector) / 2
        for sentence_row, sim in zip(rows, similarity, strict=True):
            _, start, end = (int(x) for x in stored.sentence_spans[sentence_row])
            score = (1 - PASSAGE_SHARE) * float(sim) + PASSAGE_SHARE * hit.score / best
            if expects and states(expects, hit.document.text[start:end]):
                score += ANSWER_TYPE_BONUS
            scored.append((score, start, end, hit))
    scored.sort(key=lambda item: -item[0])
    return [
        AnswerSentence(
            text=hit.document.text[start:end],
            start=start,
            end=end,
            score=score,
            passage=hit.passage,
            document=hit.document,
        )
        for score, start, end, hit in scored[:count]
    ]


def ask(
    library: Library,
    question: str,
    k: int = 10,
    doc_ids: Sequence[str] | None = None,
    role: str = "all",
    mode: str = "hybrid",
    sentences: int = 3,
    vector: np.ndarray | None = None,
) -> Answer:
    """Answer one question from the library: sentences with citations, ranked passages, answerability.

    ``vector``, the question's embedding when the caller already has it, lets several
    searches for one question (a comparison's columns) embed it once.
    Raises QueryError for an empty or overlong question or an unknown filter.
    """
    question = check_question(question)
    if vector is None:
        vector = library.embedder.encode_query(question)
    hits = rank(library, question, vector, k=k, doc_ids=doc_ids, role=role, mode=mode)
    best = max((h.dense for h in hits), default=0.0)
    missing = unknown_names(library, question, doc_ids)
    speakers = named_speakers(library, question)
    overruled = best >= UNKNOWN_NAME_OVERRULE and not any(_YEAR.fullmatch(name) for name in missing)
    chosen = set(doc_ids or ())
    searched = "The library" if not chosen else "This document" if len(chosen) == 1 else "This choice of documents"
    if best < ANSWERABLE_SIMILARITY or (missing and not overruled):
        # The passages are listed for reference only: nothing in them is offered as an answer.
        return Answer(question, False, (), tuple(hits), missing, searched, speakers)
    found = answer_sentences(
        library, hits, vector, sentences, "question" if role == "question" else "answer", expected_fact(question)
    )
    highlighted = [
        replace(h, highlights=tuple((s.start, s.end) for s in found if s.passage == h.passage)) for h in hits
    ]
    # names let through are named; so are other speakers' words than the question's speaker's
    return Answer(question, True, tuple(found), tuple(highlighted), missing, searched, speakers)
