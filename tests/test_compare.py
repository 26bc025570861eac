"""Comparing documents on one question: per-document columns, flagged differences, exports."""

from __future__ import annotations

import json
import re

import pytest

from index.build import build_index
from retrieval import Library
from retrieval.answers import ask
from retrieval.compare import compare, to_markdown
from retrieval.errors import QueryError
from retrieval.facts import extract_facts
from tests.conftest import gold_span, seed_questions, source_text, write_transcript
from tests.test_cli import run

COMPARE_QUESTIONS = [q for q in seed_questions() if q["kind"] == "compare"]


@pytest.mark.parametrize("question", COMPARE_QUESTIONS, ids=[q["id"] for q in COMPARE_QUESTIONS])
def test_each_document_column_holds_its_gold_quote_in_its_first_three_passages(library, question):
    comparison = compare(library, question["question"], k=3)
    columns = {c.doc_id: c for c in comparison.columns}
    for gold in question["gold"]:
        start, end = gold_span(library, gold)
        column = columns[gold["doc_id"]]
        assert column.addressed
        assert any(h.passage.start < end and start < h.passage.end for h in column.answer.hits[:3])
        assert all(h.passage.doc_id == gold["doc_id"] for h in column.answer.hits)


@pytest.mark.parametrize(
    ("question", "left", "right"),
    [
        ("When did Putin propose the Eurasian security initiative?", "July 14, 2023", "June 14, 2024"),
        ("How many Soviet war memorials are there in China?", "approximately 80", "more than 80"),
    ],
)
def test_the_real_discrepancies_between_the_transcripts_are_flagged(library, question, left, right):
    comparison = compare(library, question)
    differing = [c for c in comparison.contrasts if not c.agree]
    stated = {(c.left.fact.text, c.right.fact.text) for c in differing}
    assert any(left in a and right in b for a, b in stated), stated
    for contrast in differing:  # a flag points at the exact words of each source
        for side in (contrast.left, contrast.right):
            text = source_text(side.sentence.document.source)
            assert text[side.fact.start : side.fact.end] == side.fact.text


@pytest.mark.parametrize(
    "question",
    [
        "When did the Moscow–Pyongyang strategic partnership pact formally take effect?",
        "When is the Chinese leader expected to come to the Russian capital this year?",
        "What did Russia decide in autumn 2024 regarding Georgians who want to move to Russia for education, jobs"
        " or residence?",
    ],
)
def test_dates_of_unrelated_events_are_not_set_against_each_other(library, question):
    """Each transcript's best sentence states a date, but of another event: neither a difference nor an agreement."""
    comparison = compare(library, question)
    assert all(column.addressed for column in comparison.columns)
    assert [c for c in comparison.contrasts if c.kind == "date"] == []


def test_a_document_that_does_not_address_the_question_says_so(library):
    comparison = compare(library, "What is the population of Brazil?")
    assert [c.addressed for c in comparison.columns] == [False, False]
    assert comparison.contrasts == ()
    assert "*This document does not seem to address this question.*" in to_markdown(comparison)
    for column in comparison.to_dict()["documents"]:  # weak matches are listed, never offered as answers
        assert column["answer"] == [] and column["passages"]


def test_a_document_that_never_names_what_the_question_asks_about_does_not_address_it(library):
    """The MFA answers never mention the Caspian Sea, though the Duma transcript does."""
    comparison = compare(library, "What is the status of the Caspian Sea convention ratification in Iran?")
    addressed = {c.doc_id: c.addressed for c in comparison.columns}
    assert addressed == {"duma-government-hour-2025-02-19": True, "mfa-answers-2024-diplomacy": False}
    assert ask(library, "What is the Caspian Sea convention?", doc_ids=["mfa-answers-2024-diplomacy"]).unknown_names
    assert "This document does not seem to address this question. It never mentions Caspian Sea." in to_markdown(
        comparison
    )
    assert comparison.to_dict()["documents"][1]["unknown_names"] == ["Caspian Sea"]
    # A name a document gives only in its speaker labels or title is still its own: "Lavrov" in the Duma transcript.
    lavrov = compare(library, "What did Lavrov say about Syria?")
    assert all(column.addressed for column in lavrov.columns)


def test_exports_round_trip_to_the_exact_source_spans(library):
    comparison = compare(library, "How many Soviet war memorials are there in China?")
    data = json.loads(json.dumps(comparison.to_dict(), ensure_ascii=False))
    assert data == comparison.to_dict()
    markdown = to_markdown(comparison)
    quoted = re.findall(r"^- “(.+)” — .+ \(`(.+):(\d+)-(\d+)`\)$", markdown, flags=re.M)
    assert len(quoted) == sum(len(c.answer.sentences) for c in comparison.columns)
    for text, source, start, end in quoted:
        assert source_text(source)[int(start) : int(end)] == text
    contrasted = re.findall(r"“([^”]+)” \([^()]+, `([^`]+):(\d+)-(\d+)`\)", markdown.split("differ or agree")[1])
    assert len(contrasted) == 2 * len(comparison.contrasts) > 0  # both statements of every contrast
    for text, source, start, end in contrasted:
        assert source_text(source)[int(start) : int(end)] == text


def test_a_question_typed_with_markup_is_exported_as_typed_never_as_a_link(library):
    typed = "What about **Syria** <b>now</b>, [see](javascript:alert(1)) &amp; #"
    markdown = to_markdown(compare(library, typed))
    heading = markdown.splitlines()[0]
    assert heading == r"# What about \*\*Syria\*\* \<b\>now\</b\>, \[see\](javascript:alert(1)) \&amp; \#"
    assert "[see](" not in markdown and "<b>" not in markdown


def test_a_comparison_of_one_document_is_refused_as_in_the_app(library):
    with pytest.raises(QueryError, match="a comparison needs at least two documents; only mfa-answers-2024"):
        compare(library, "Syria", doc_ids=["mfa-answers-2024-diplomacy"])


def test_compare_json_contract_on_the_command_line(bundled_index):
    questions = ["Syria", "When did Putin propose the Eurasian security initiative?"]
    stdin = "\n".join(questions) + "\n"
    result = run("retrieval", "compare", "--batch", "-", "--json", "--index", str(bundled_index), stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert {d["doc_id"] for d in line["documents"]} == {
            "mfa-answers-2024-diplomacy",
            "duma-government-hour-2025-02-19",
        }
        for document in line["documents"]:
            assert {"doc_id", "title", "addressed", "answer", "passages"} <= set(document)
            for item in document["answer"] + document["passages"]:
                assert item["doc_id"] == document["doc_id"]
                assert source_text(item["source"])[item["start"] : item["end"]] == item["text"]
    [difference] = lines[1]["differences"]  # the documents date the initiative differently
    assert difference["kind"] == "date" and difference["status"] == "differ"
    assert {s["text"] for s in difference["statements"]} == {"July 14, 2023", "June 14, 2024"}
    for statement in difference["statements"]:
        assert source_text(statement["source"])[statement["start"] : statement["end"]] == statement["text"]


def test_facts_are_what_the_words_say():
    text = (
        "On June 14, 2024, more than 80 sites and 1,200 people; the 80th anniversary in 2025; about 15% growth;"
        " held from October 31 to November 1, 2024, and on 22-24 May 2023; back on 31 October."
    )
    facts = [(f.kind, f.value, f.qualifier, f.noun) for f in extract_facts(text)]
    assert facts == [
        ("date", "2024-06-14", "", ""),
        ("figure", "80", "more than", "sites"),
        ("figure", "1200", "", "people"),
        ("figure", "15", "about", "percent"),
        ("date", "2024-10-31", "", ""),
        ("date", "2024-11-01", "", ""),
        ("date", "2023-05-22", "", ""),
        ("date", "2023-05-24", "", ""),
    ]
    ranges = [f.text for f in extract_facts(text) if f.kind == "date"][1:]
    assert ranges == ["October 31 to November 1, 2024"] * 2 + ["22-24 May 2023"] * 2  # each day quotes its range


def test_two_date_ranges_are_set_side_by_side_once(tmp_path):
    for name, days in (("a.txt", "October 22-24, 2024"), ("b.txt", "October 23-25, 2024")):
        write_transcript(tmp_path / "corpus", name, f"Answer: The summit took place on {days}, in Kazan.\n")
    build_index(tmp_path / "corpus", tmp_path / "index")
    comparison = compare(Library.open(tmp_path / "index"), "When did the summit take place?")
    [contrast] = comparison.contrasts  # each range's two days share its words: one line, not two
    assert (contrast.left.fact.text, contrast.right.fact.text) == ("October 22-24, 2024", "October 23-25, 2024")
