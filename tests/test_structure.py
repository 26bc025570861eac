"""Structure, passages and spans of the bundled transcripts, checked against the source files."""

from __future__ import annotations

import re

import pytest

from index.chunking import chunk_document
from index.corpus import DocumentSettings
from index.records import Document
from index.sentences import sentence_spans
from index.structure import classify
from tests.conftest import source_text

BOILERPLATE = [
    "back to top",
    "Некорректно указаны даты",
    "Дополнительные инструменты поиска",
    "mid.ru",
    "Source:",
    "Contents:",
    "16:37",
    "86-24-01-2025",
]
LABEL_AT_LINE_START = re.compile(r"(?m)^(Question|Answer|Sergey Lavrov):")


@pytest.fixture(scope="module")
def passages_by_doc(bundled_documents, embedder):
    return {
        loaded.document.doc_id: chunk_document(
            loaded.document, loaded.settings, embedder.count_tokens, embedder.passage_budget
        )
        for loaded in bundled_documents
    }


def test_every_passage_is_the_exact_slice_of_its_source_file(library):
    for passage in library.passages:
        text = source_text(library.documents[passage.doc_id].source)
        assert text[passage.start : passage.end] == passage.text


def test_boilerplate_never_becomes_a_passage(library):
    for passage in library.passages:
        for junk in BOILERPLATE:
            assert junk not in passage.text, (passage.label, junk)


def test_mfa_headings_are_the_sections_of_the_contents(bundled_documents):
    mfa = next(d for d in bundled_documents if d.document.doc_id == "mfa-answers-2024-diplomacy")
    text = mfa.document.text
    headings = [text[p.start : p.end] for p in classify(text, mfa.settings) if p.kind == "heading"]
    assert len(headings) == 26  # the title and the 25 topics listed in the contents
    assert "Syria update" in headings and "Russian-Italian relations" in headings


def test_duma_transcript_starts_after_the_scraping_artefact(passages_by_doc):
    first = passages_by_doc["duma-government-hour-2025-02-19"][0]
    assert first.text.startswith("Mr Volodin,")
    assert first.speaker == "Sergey Lavrov" and first.role == "answer"
    assert "Opening remarks" in first.label


def test_speakers_and_roles_follow_the_labels(passages_by_doc):
    mfa = passages_by_doc["mfa-answers-2024-diplomacy"]
    duma = passages_by_doc["duma-government-hour-2025-02-19"]
    assert {(p.speaker, p.role) for p in mfa} == {("Journalist", "question"), ("Foreign Ministry", "answer")}
    assert {(p.speaker, p.role) for p in duma} == {("State Duma deputy", "question"), ("Sergey Lavrov", "answer")}
    assert len({p.turn for p in duma if p.role == "question"}) == 16
    assert len({p.turn for p in mfa if p.role == "question"}) == 25


def test_no_passage_crosses_a_speaker_turn_or_a_heading(library):
    for passage in library.passages:
        assert not LABEL_AT_LINE_START.search(passage.text), passage.label
        assert not passage.text.startswith(("Question:", "Answer:", "Sergey Lavrov:")), "labels are metadata, not words"
    headings = {p.section for p in library.passages if p.section}
    for passage in library.passages:
        for line in passage.text.splitlines():
            assert line.strip() not in headings


def test_soft_wrapped_line_stays_in_its_paragraph(library):
    wrapped = [p for p in library.passages if "addressing the issue of defining" in p.text]
    assert len(wrapped) == 1 and "direct baselines" in wrapped[0].text


def test_answers_know_the_question_they_answer(library):
    department = next(p for p in library.passages if "The Second African Department has been created." in p.text)
    assert "embassies" in library.question_text(department)
    for passage in library.passages:
        if passage.role == "question":
            assert passage.question_start is None


def test_nothing_the_model_reads_is_truncated(library, embedder):
    for passage in library.passages:
        assert embedder.count_tokens(passage.text) <= embedder.passage_budget <= embedder.max_tokens


def test_citation_labels_are_unique_and_readable(library):
    labels = [p.label for p in library.passages]
    assert len(set(labels)) == len(labels)
    assert "Duma Government Hour, 19 Feb 2025 — Q7 ¶3" in labels
    assert "MFA answers on 2024 diplomacy, 24 Jan 2025 — Q1 question ¶1" in labels


def _chunked(text: str, embedder) -> list:
    document = Document(doc_id="notes", source="notes.txt", title="Notes", short_title="Notes", text=text)
    return chunk_document(document, DocumentSettings(), embedder.count_tokens, embedder.passage_budget)


def test_a_byte_order_mark_does_not_hide_the_first_speaker_label(embedder):
    text = "\ufeffQuestion: Is the railway line finished?\nAnswer: It will be completed by the end of next year.\n"
    question, answer = _chunked(text, embedder)
    assert (question.role, question.text) == ("question", "Is the railway line finished?")
    assert answer.role == "answer" and answer.question_start == question.start
    assert "Q1" in answer.label and "Q1 question" in question.label


def test_every_part_of_a_very_long_paragraph_has_its_own_citation(embedder):
    sentences = (f"Elephant number {i} walked across the savanna looking for water and food." for i in range(400))
    passages = _chunked("Answer: " + " ".join(sentences) + "\n", embedder)
    labels = [p.label for p in passages]
    assert len(passages) > 26 and len(set(labels)) == len(labels)
    assert labels[26].endswith("¶1aa")


def test_passage_ids_are_stable_across_chunking_runs(bundled_documents, embedder, passages_by_doc):
    again = {
        loaded.document.doc_id: chunk_document(
            loaded.document, loaded.settings, embedder.count_tokens, embedder.passage_budget
        )
        for loaded in bundled_documents
    }
    for doc_id, passages in passages_by_doc.items():
        assert [p.passage_id for p in passages] == [p.passage_id for p in again[doc_id]]
        assert len({p.passage_id for p in passages}) == len(passages)


def test_sentences_cover_every_word_and_respect_abbreviations():
    text = 'Mr. Smith met Dr. Jones on Monday. He said: "We agree!" Then V. Putin spoke… And 35 states came.'
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met Dr. Jones on Monday.",
        'He said: "We agree!"',
        "Then V. Putin spoke…",
        "And 35 states came.",
    ]
    assert " ".join(text[s:e] for s, e in spans) == text


def test_every_sentence_of_the_index_lies_inside_its_passage(library):
    for row, start, end in library.stored.sentence_spans.tolist():
        passage = library.passages[row]
        assert passage.start <= start < end <= passage.end
