"""Quote verification and citation lookup on the bundled corpus."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace

import pytest

from evaluation.quote_set import generate_cases, handmade_cases, score_cases
from index import PROJECT_ROOT
from index.build import build_index
from retrieval import Library, QueryError
from retrieval.citations import (
    app_root,
    as_markdown,
    as_plain,
    as_quotation,
    attribution,
    citation_link,
    cited_span,
)
from retrieval.framing import framing, same_speaker
from retrieval.highlight import diff_html
from retrieval.quote_diff import DiffPart
from retrieval.quotes import verify_quote
from tests.conftest import source_text, write_transcript
from tests.test_cli import run

HANDMADE = PROJECT_ROOT / "eval" / "quotes-handmade.jsonl"


@pytest.fixture(scope="module")
def mechanical(library):
    return score_cases(library, generate_cases(library, per_kind=8))


def test_quotes_from_the_library_get_the_right_verdict_at_the_right_place(mechanical):
    scores, outcomes = mechanical
    wrong = [(case.kind, verdict, case.quote) for case, verdict in outcomes if case.expected != verdict]
    assert not wrong
    assert scores.located == 1.0  # every exact/close verdict points at the quoted place, with the right role
    assert scores.credit == 1.0  # "…,” Sergey Lavrov said" credits its speaker; "…,” Dmitry Peskov said" does not


def test_a_misquote_is_close_with_the_changed_words_in_the_diff_never_exact(library):
    check = verify_quote(library, "Russian-Italian relations are in a deep crisis, the worst one since World War I")
    assert check.verdict == "close"
    changes = {(d.op, d.quote, d.source) for d in check.matches[0].diff if d.op != "equal"}
    assert changes == {("added", "deep", ""), ("changed", "I", "II")}
    match = check.matches[0]
    assert source_text(match.document.source)[match.start : match.end] == match.text


@pytest.mark.parametrize(
    ("quote", "warning"),
    [
        (
            "including more than 300,000 Russian citizens living there",
            "A figure differs: the quote has “300,000” where the source has “200,000”.",
        ),
        (
            "the Union's total GDP grew by 4.5 percent compared to the same period",
            "A figure differs: the quote has “4.5” where the source has “4.2”.",
        ),
        (
            "including more than 200 Russian citizens living there",
            "A figure differs: the quote has “200” where the source has “200,000”.",
        ),
        (
            "5 percent compared to the same period in",
            "A figure differs: the quote has “5” where the source has “4.2”.",
        ),
        (
            "Chisinau’s policy of imposing artificial obstacles to the region’s basic livelihood is acceptable",
            "A negation differs: the quote has “acceptable” where the source has “unacceptable”.",
        ),
        (
            "Our primary concern is not the well-being of the people in Transnistria",
            "A negation differs: the quote adds “not”, which the source lacks.",
        ),
        ("Our main concern is the well-being of the people in Transnistria", None),
        (
            "Our primary concern is [not] the well-being of the people in Transnistria",
            "A negation differs: the quote adds “[not]”, which the source lacks.",
        ),
        ("We have opened three new embassies in Africa and plan to open 7 more within two years", None),
        (
            "Vladimir Putin proposed this initiative during a meeting with the Foreign Ministry leadership on July 14",
            "A date differs: the quote has “July” where the source has “June”.",
        ),
        ("Zelensky’s presidential term expired on 20 May 2024", None),
        ("Zelensky’s presidential term expired on May 20th, 2024", None),
        (
            "In China, approximately 80 sites dedicated to our fallen soldiers have been registered",
            "A figure's qualifier differs: the quote has “approximately” where the source has “more than”.",
        ),
        ("which have been created over years through attempts to drag Ukraine to NATO", None),
    ],
    ids=[
        "figure",
        "decimal",
        "figure cut short",
        "figure cut at the quote's start",
        "prefix",
        "added not",
        "harmless",
        "editor's not",
        "digits for words",
        "month",
        "day before month",
        "ordinal",
        "qualifier",
        "to for into",
    ],
)
def test_a_close_quote_that_turns_a_figure_or_a_negation_around_is_flagged(library, quote, warning):
    check = verify_quote(library, quote)
    assert check.verdict == "close"
    assert check.matches[0].meaning_changes == ((warning,) if warning else ())
    assert check.matches[0].to_dict()["meaning_changes"] == ([warning] if warning else [])


@pytest.mark.parametrize(
    "quote, warning",
    [
        (
            "Zelensky's term as president ran out on May 20, 2023.",
            "A figure differs: the quote has “2023” where the source has “2024”.",
        ),
        (
            "A temporary truce or freezing the conflict are acceptable solutions.",
            "A negation differs: the quote has “acceptable” where the source has “unacceptable”.",
        ),
    ],
    ids=["figure", "negation"],
)
def test_a_paraphrase_that_turns_a_figure_or_a_negation_around_is_flagged(library, quote, warning):
    check = verify_quote(library, quote)
    assert check.verdict == "paraphrase"
    assert warning in check.matches[0].meaning_changes


def test_a_sic_is_no_word_of_an_exact_quote(library):
    check = verify_quote(library, "Maia Sandu holds Romanian [sic] citizenship")
    assert check.verdict == "exact" and check.matches[0].text == "Maia Sandu holds Romanian citizenship"


@pytest.mark.parametrize(
    "quote, left_out",
    [
        ("Chisinau’s policy of imposing artificial obstacles is unacceptable", ["to the region’s basic livelihood"]),
        ("We stand for a truly final solution", ["just and lasting"]),
        (
            "Western countries continue to supply the Kiev regime with weapons and intelligence data",
            ["increasingly more advanced and longer-range", "instructors, communications"],
        ),
    ],
    ids=["two words after the cut", "one word after the cut", "two cuts"],
)
def test_words_cut_from_a_quote_without_a_mark_show_as_omitted_never_as_changed(library, quote, left_out):
    check = verify_quote(library, quote)
    assert check.verdict == "close"
    match = check.matches[0]
    assert [d.source for d in match.diff if d.op != "equal"] == left_out
    assert match.text.endswith(quote.split()[-1])  # the citation runs to the quote's last word


def test_a_changed_last_word_found_far_on_is_a_change_not_a_cut(library):
    check = verify_quote(library, "which have been created over years through attempts to drag Ukraine into Russia")
    assert check.verdict == "close"
    assert [(d.quote, d.source) for d in check.matches[0].diff if d.op != "equal"] == [("Russia", "NATO")]


def test_a_quote_joined_from_sentences_said_apart_is_flagged_and_each_checked(library):
    check = verify_quote(
        library,
        "A temporary ceasefire and a conflict freeze are unacceptable solutions. They have wasted about $900 "
        "billion on that.",
    )
    assert (check.verdict, check.assembled) == ("close", True)
    assert [m.citation.rsplit(" — ", 1)[1] for m in check.matches] == ["Q1 ¶1", "Q1 ¶5"]
    assert check.matches[1].meaning_changes == ("A figure differs: the quote has “900” where the source has “200”.",)
    deputy_then_minister = verify_quote(
        library,
        "Washington perceives this as a method to foment discontent within Cuba. In October 2024, President "
        "Vladimir Putin issued a set of instructions",
    )
    assert deputy_then_minister.assembled and [m.role for m in deputy_then_minister.matches] == ["question", "answer"]
    for short in ("We are ready. The West is not.", "We will not accept. We are ready to discuss."):
        assert verify_quote(library, short).verdict == "not_found"  # a few common words stand anywhere
    # A short sentence of rare words stands on its own; a short one of common words goes with the one
    # before it, and both were said there; sentences that each stand as they are beat a match with changes.
    arctic = "As for the Arctic Council, no one has kicked us out. "
    for stitched in (arctic, arctic + "This is impossible to do. "):
        check = verify_quote(library, stitched + "Maia Sandu holds Romanian citizenship.")
        assert (check.verdict, check.assembled) == ("close", True)
        assert [m.citation.rsplit(" — ", 1)[1] for m in check.matches] == ["Q7 ¶5", "Q3 ¶2"]
        assert check.matches[0].text == stitched.strip(" .") and not any(m.diff for m in check.matches)
        assert check.message.startswith("Close, but assembled")
    # Sentences that stand inside one close match were said together: a cut and a change are just close.
    embassies = verify_quote(
        library,
        "As I noted earlier, we are establishing additional embassies. … By 2026, embassies are planned in Gambia, "
        "Liberia, the Comoros, Niger, Sierra Leone, Togo, and South Sudan – totalling eight embassies.",
    )
    assert (embassies.verdict, embassies.assembled, len(embassies.matches)) == ("close", False, 1)
    said_together = "The ultimate goal is to hold general elections, the results of which will be recognised by all. "
    assert not verify_quote(library, said_together + "Undoubtedly, this is a challenging").assembled
    assert not verify_quote(library, said_together + "Undoubtedly, this is an easy").assembled  # close, one place


def test_a_sentence_said_in_two_places_does_not_make_a_quote_from_one_of_them_assembled(tmp_path):
    signed = "Answer: The treaty was signed in Geneva by both delegations last spring."
    write_transcript(tmp_path / "corpus", "a-first.txt", signed + "\n")
    write_transcript(
        tmp_path / "corpus",
        "b-second.txt",
        signed + " It entered into force after ratification by the parliaments of both countries.\n",
    )
    build_index(tmp_path / "corpus", tmp_path / "index")
    check = verify_quote(
        Library.open(tmp_path / "index"),
        "The treaty was signed in Geneva by both delegations last spring. It entered into force after "
        "ratification by the parliament of both countries.",
    )
    assert (check.verdict, check.assembled) == ("close", False)
    assert check.matches[0].document.doc_id == "b-second"


def test_a_quote_across_a_paragraph_break_is_cited_to_both_paragraphs(library):
    check = verify_quote(
        library,
        "These activities cannot create conditions for peace talks. A serious factor precluding the talks "
        "is the loss of legitimacy by the Ukrainian authorities.",
    )
    match = check.matches[0]
    assert (check.verdict, match.citation) == ("exact", "MFA answers on 2024 diplomacy, 24 Jan 2025 — Q1 ¶5–6")
    assert match.text.endswith("the loss of legitimacy by the Ukrainian authorities")
    assert match.passage.end < match.end <= library.turn_end(match.passage)


def test_a_quote_that_drops_the_sources_own_brackets_is_warned_of_the_editors_words(library):
    unbracketed = verify_quote(library, "which would only allow the West to re-arm Ukraine")
    assert unbracketed.verdict == "exact"
    assert unbracketed.matches[0].editors_words == (
        "The source puts “the West” in square brackets: an editor's words, not the speaker's.",
    )
    assert verify_quote(library, "which would only allow [the West] to re-arm Ukraine").matches[0].editors_words == ()
    reworded = verify_quote(library, "which would only allow the Western countries to re-arm Ukraine")
    assert reworded.matches[0].editors_words == unbracketed.matches[0].editors_words  # still the editor's, reworded
    for left_out in (  # the bracketed words left out, beside another change
        "decisions to resume the air services and cancel visas for short-term Georgian visits",
        "which would only let to re-arm Ukraine",
    ):
        assert verify_quote(library, left_out).matches[0].editors_words == ()


def test_markup_pasted_with_a_quote_is_not_taken_for_words(library):
    check = verify_quote(library, "<b>NATO</b> continued its **confrontational** policies")
    assert check.verdict == "exact" and check.quote == "NATO continued its **confrontational** policies"
    for pasted in (
        '<abbr title="North Atlantic Treaty Organization">NATO</abbr> continued its confrontational policies',
        '<a href="https://example.org/?a>b" target="_blank" data-track>NATO</a> continued its confrontational policies',
        "<h2>NATO continued its <ins>confrontational</ins> policies</h2>",
        '<div class="post-body"><p>NATO continued<br/>its confrontational policies',  # never closed
        "<!-- quote -->NATO&nbsp;continued its <my-term>confrontational</my-term> policies",
    ):
        check = verify_quote(library, pasted)
        assert check.verdict == "exact" and check.quote == "NATO continued its confrontational policies"
    assert verify_quote(library, "NATO&nbsp;continued its confrontational policies").verdict == "exact"
    # Misquoted in both readings: the one without the tags is the closer, and cites the sentence itself.
    said = "We began discussions on current issues with the State Duma deputies on February 6 of this year."
    check = verify_quote(library, f"<p>{said.replace('issues', 'really')}</p>")
    assert check.verdict == "close" and check.matches[0].text == said[:-1] and "<p>" not in check.quote
    with pytest.raises(QueryError, match="at least 3 words"):
        verify_quote(library, "<p></p><br><div>Syria</div>")


def test_an_ellipsis_is_read_as_an_omitted_middle(library):
    check = verify_quote(library, "Russian-Italian relations are in a crisis… since World War II")
    assert check.verdict == "close"
    assert [d.source for d in check.matches[0].diff if d.op == "omitted"] == ["the worst one"]


@pytest.mark.parametrize(
    "quote",
    [
        "Our primary concern is the well-being of the people in [Moldova's breakaway region of] Transnistria",
        "Our primary concern is the well-being of the people in Transnistria, including [the] Russian citizens",
        "The question is highly relevant. Our primary concern is the well-being of the people [...] Transnistria",
    ],
    ids=["insertion", "replacing the source's words", "bracketed ellipsis"],
)
def test_an_editors_words_in_square_brackets_stand_for_the_sources_own(library, quote):
    check = verify_quote(library, quote)
    assert check.verdict == "close"
    match = check.matches[0]
    assert (match.speaker, match.citation) == ("Sergey Lavrov", "Duma Government Hour, 19 Feb 2025 — Q3 ¶1")
    # The editor's words show as theirs, never as the speaker's; the speaker's words all match.
    assert {d.op for d in match.diff} <= {"equal", "added", "omitted"}
    assert all(d.quote.startswith("[") and d.quote.endswith("]") for d in match.diff if d.op == "added")


def test_questioners_words_are_attributed_to_the_questioner(library):
    check = verify_quote(library, "What is happening with the persecution of Orthodox believers in Ukraine?")
    assert check.verdict == "exact"
    match = check.matches[0]
    assert (match.speaker, match.role) == ("Journalist", "question")
    assert "(question)" in as_quotation(match.text, match.passage, match.document)


def test_a_citation_label_is_found_however_it_was_pasted(library):
    label = next(p.label for p in library.passages if p.label.endswith("— Q7 ¶3"))
    for typed in (label, f"  {label} ", label.replace(" — ", " - "), label.replace(" — ", " – "), label.upper()):
        assert library.passage(typed).label == label
    passage = library.passage(label)
    quoted = attribution(passage, library.documents[passage.doc_id])  # as the quotation copy writes it
    for pasted in (f"{label}.", label.replace("¶3", "¶ 3"), quoted, quoted.removeprefix("Sergey Lavrov, ")):
        assert library.passage(pasted) == passage
    with pytest.raises(QueryError, match="no passage has the id or citation"):
        library.passage(label.replace("Q7", "Q70"))


def test_a_paragraph_cited_by_its_own_number_finds_the_passage_that_holds_it(library):
    merged = next(p.label for p in library.passages if p.label.endswith("— Q7 ¶1–2"))  # two short paragraphs
    head = merged.removesuffix(" ¶1–2")
    for typed in (f"{head} ¶2", f"{head} ¶1", f"{head} ¶1-2", head):
        assert library.passage(typed).label == merged
    assert library.passage(f"{head} question").label == f"{head} question ¶1"
    split = next(p.label for p in library.passages if p.label.endswith("¶35a"))  # a long paragraph in parts
    assert library.passage(split.removesuffix("a")).label == split


def test_the_label_of_a_quote_across_a_paragraph_break_opens_every_paragraph_it_names(library):
    check = verify_quote(
        library,
        "These activities cannot create conditions for peace talks. A serious factor precluding the talks "
        "is the loss of legitimacy by the Ukrainian authorities.",
    )
    match = check.matches[0]  # cited "… Q1 ¶5–6", as the copy forms write it
    first = match.passage
    passage, end = library.cited(match.citation.replace("–", "-"))
    assert passage == first and library.passage_at(first.doc_id, end - 1).label.endswith("Q1 ¶6")
    assert end == library.passage_at(first.doc_id, end - 1).end and match.end <= end
    split = next(p for p in library.passages if p.label.endswith("¶35a"))  # a paragraph in two parts
    before = library.passages[library.row_of[split.passage_id] - 1]
    assert library.cited(split.label.replace("¶35a", "¶34–35")) == (
        before,
        library.passages[library.row_of[split.passage_id] + 1].end,
    )
    for beyond in ("Q1 ¶6–5", "Q1 ¶5–40", "Q1 ¶8–9"):  # backwards, past the answer, into the next question
        with pytest.raises(QueryError, match="no passage has the id or citation"):
            library.cited(match.citation.replace("Q1 ¶5–6", beyond))


def test_quotation_with_attribution_and_link():
    from index.records import Document, Passage

    document = Document("duma", "corpus/duma.txt", "Government Hour", "Duma Government Hour", "2025-02-19")
    text = "We need to focus on action."
    passage = Passage(
        "duma:abc",
        "duma",
        10,
        10 + len(text),
        text,
        "",
        "Sergey Lavrov",
        "answer",
        14,
        "Duma Government Hour, 19 Feb 2025 — Q7 ¶2",
    )
    assert attribution(passage, document) == "Sergey Lavrov, Duma Government Hour, 19 Feb 2025, Q7 ¶2"
    assert as_quotation(text, passage, document) == (
        "“We need to focus on action.” — Sergey Lavrov, Duma Government Hour, 19 Feb 2025, Q7 ¶2"
    )
    assert as_quotation("We need to act.\n\nNow.", passage, document).startswith("“We need to act. Now.” — ")
    assert citation_link(passage, 12, 20) == "cite?passage=duma%3Aabc&start=2&end=10"
    # An edit earlier in the document moves the passage; the link still marks the same words.
    moved = replace(passage, start=passage.start + 7, end=passage.end + 7)
    marked = cited_span(moved, "2", "10")
    assert marked is not None and moved.text[marked[0] - moved.start : marked[1] - moved.start] == text[2:10]
    assert cited_span(passage, "2", "999") is None and cited_span(passage, "5", "5") is None
    assert cited_span(passage, "2", "30", until=passage.end + 20) == (12, 40)  # on into the turn's next paragraph
    assert cited_span(passage, "30", "35", until=passage.end + 20) is None  # but it must begin in this one
    assert cited_span(passage, "-1", "4") is None and cited_span(passage, None, "4") is None
    assert cited_span(passage, "²", "5") is None  # a digit to str.isdigit, not to int()
    assert cited_span(passage, "1", "9" * 5000) is None  # int() refuses over 4,300 digits
    assert as_plain(passage, document, 18, 22).endswith("corpus/duma.txt, characters 18–22.")
    assert as_plain(passage, document).endswith(f"characters 10–{10 + len(text)}.")
    bracketed = replace(passage, label="Hour [draft] — Q7 ¶2")
    assert as_markdown(bracketed, "cite?passage=x") == r"[Hour \[draft\] — Q7 ¶2](cite?passage=x)"
    pages = ("ask", "cite")
    for page_url, root in [
        ("http://localhost:8501/ask", "http://localhost:8501"),
        ("http://localhost:8501/", "http://localhost:8501"),  # the default page has no path
        ("https://example.org/verbatim/cite", "https://example.org/verbatim"),  # served under a prefix
        ("https://example.org/asking", "https://example.org/asking"),
    ]:
        assert app_root(page_url, pages) == root
    assert citation_link(passage, base=app_root("http://localhost:8501/ask", pages)) == (
        "http://localhost:8501/cite?passage=duma%3Aabc"
    )


def library_of(tmp_path, name: str, text: str) -> Library:
    """A library of one transcript, built in ``tmp_path``."""
    write_transcript(tmp_path / "corpus", name, text)
    build_index(tmp_path / "corpus", tmp_path / "index")
    return Library.open(tmp_path / "index")


def test_an_accent_typed_another_way_is_still_the_exact_words(tmp_path):
    said = "Answer: Le ministre a parlé de l'économie française à Genève. Il a dit que la croissance était forte.\n"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "composed.txt").write_text(unicodedata.normalize("NFC", said), encoding="utf-8")
    (tmp_path / "corpus" / "decomposed.txt").write_text(
        unicodedata.normalize("NFD", said.replace("Genève", "Montréal")), encoding="utf-8"
    )
    build_index(tmp_path / "corpus", tmp_path / "index")
    library = Library.open(tmp_path / "index")
    typed_decomposed = verify_quote(library, unicodedata.normalize("NFD", "l'économie française à Genève"))
    typed_composed = verify_quote(library, unicodedata.normalize("NFC", "l'économie française à Montréal"))
    for check, doc_id in ((typed_decomposed, "composed"), (typed_composed, "decomposed")):
        assert check.verdict == "exact" and check.matches[0].document.doc_id == doc_id


def test_a_misquote_whose_opening_words_the_question_also_used_is_still_close(tmp_path):
    library = library_of(
        tmp_path,
        "museum.txt",
        "Question: What did the minister say about the old museum in Berlin?\n"
        "Answer: The minister said the old museum in Berlin is closed for renovation until next spring.\n",
    )
    check = verify_quote(library, "the old museum in Munich is closed for renovation")
    assert check.verdict == "close" and check.matches[0].role == "answer"
    assert check.matches[0].text == "the old museum in Berlin is closed for renovation"


def test_a_speakers_own_trailing_off_and_a_stage_direction_left_out_are_no_change(tmp_path):
    library = library_of(
        tmp_path,
        "senate.txt",
        "Senator Hale: We’ll see… The votes aren’t there yet, and the leader knows it.\n\n"
        "Senator Ruiz: The company will pay for every dollar of the cleanup. [Laughter.] I know, I know.\n",
    )
    trailing = verify_quote(library, "We’ll see… The votes aren’t there yet")  # the source's own "…"
    assert trailing.verdict == "exact" and trailing.matches[0].speaker == "Senator Hale"
    without = verify_quote(library, "The company will pay for every dollar of the cleanup. I know, I know.")
    assert without.matches[0].editors_words == ()  # "[Laughter.]" left out, not passed off as spoken
    spoken = verify_quote(library, "every dollar of the cleanup. Laughter. I know")
    assert spoken.matches[0].editors_words == (
        "The source puts “Laughter.” in square brackets: an editor's words, not the speaker's.",
    )


def test_angle_brackets_that_are_the_sources_own_words_are_kept(tmp_path):
    library = library_of(
        tmp_path,
        "talks.txt",
        "Answer: The minister paused <inaudible> and said the talks would resume in March.\n"
        "Answer: Options <b and c> were rejected by the committee last week.\n",
    )
    for pasted, quote in (
        ("<i>paused</i> <inaudible> and said the talks", "paused <inaudible> and said the talks"),
        ("Options <b and c> were rejected by the committee", "Options <b and c> were rejected by the committee"),
    ):
        check = verify_quote(library, pasted)
        assert check.verdict == "exact" and check.quote == quote


def test_unrelated_sentence_is_not_found(library):
    assert verify_quote(library, "The weather in Paris is lovely in the spring").verdict == "not_found"


@pytest.mark.parametrize(("quote", "message"), [("the", "at least 3 words"), ("a " * 1500, "the limit is")])
def test_bad_quotes_get_a_clear_message(library, quote, message):
    with pytest.raises(QueryError, match=message):
        verify_quote(library, quote)


def test_paraphrases_and_fabrications_are_never_presented_as_quotations(library):
    scores, outcomes = score_cases(library, handmade_cases(HANDMADE))
    assert all(verdict not in ("exact", "close") for _, verdict in outcomes)
    # A fabricated quote must not be vouched for. Similarity of meaning cannot tell a
    # paraphrase from a plausible fabrication on the same topic, so the paraphrase
    # threshold is set high: few paraphrases are recognised (docs/benchmarks.md).
    assert scores.accuracy_by_kind["fabricated"] >= 0.9
    assert scores.precision["paraphrase"] >= 0.7


def test_cite_command_line_json_and_lookup(bundled_index):
    quotes = ["Russian-Italian relations are in a crisis, the worst one since World War II", "two words"]
    result = run("retrieval", "cite", "--batch", "-", "--json", "--index", str(bundled_index), stdin="\n".join(quotes))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1 and "error" in lines[1] and lines[1]["quote"] == "two words"
    assert lines[0]["verdict"] == "exact" and lines[0]["quote"] == quotes[0]
    match = lines[0]["matches"][0]
    assert {
        "doc_id",
        "title",
        "source",
        "start",
        "end",
        "text",
        "speaker",
        "role",
        "citation",
        "similarity",
        "diff",
    } <= set(match)
    assert source_text(match["source"])[match["start"] : match["end"]] == match["text"]
    shown = run("retrieval", "cite", "--id", match["citation"], "--index", str(bundled_index))
    assert shown.returncode == 0 and ">> " + match["citation"] in shown.stdout
    missing = run("retrieval", "cite", "--id", "no-such-passage", "--index", str(bundled_index))
    assert missing.returncode == 1 and "no passage has the id" in missing.stderr


def test_handmade_paraphrases_point_at_real_sentences():
    rows = [json.loads(line) for line in HANDMADE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert {row["expected"] for row in rows} == {"paraphrase", "not_found"}
    for row in rows:
        if row["expected"] == "paraphrase":
            assert (PROJECT_ROOT / "corpus" / row["doc"]).read_text(encoding="utf-8").count(row["source"]) == 1


def test_words_that_run_from_one_speaker_into_another_are_no_ones_quote(library):
    spliced = "Eastern Europe? Sergey Lavrov: Although it is my belief that words are important"
    match = verify_quote(library, spliced).matches[0]
    assert match.role == "mixed" and match.speaker == "State Duma deputy, then Sergey Lavrov"
    assert [who for who, _ in match.speakers] == ["State Duma deputy", "Sergey Lavrov"]
    labelled = verify_quote(library, "Question: What can the Foreign Ministry say about NATO’s anti-Russia policies?")
    assert labelled.verdict == "exact"  # the label is not a word anyone spoke, so it does not split the quote
    assert (labelled.matches[0].speaker, labelled.matches[0].role) == ("Journalist", "question")


def test_a_quote_in_a_script_written_without_spaces_is_checked_character_by_character(tmp_path):
    library = library_of(
        tmp_path,
        "briefing.txt",
        "Question: What is China's response to the new tariffs?\n\n"
        "Answer: 中方坚决反对单边加征关税。我们将采取必要措施维护自身权益。我们不接受任何形式的官方往来。\n",
    )
    exact = verify_quote(library, "我们将采取必要措施")
    assert exact.verdict == "exact" and exact.matches[0].text == "我们将采取必要措施"
    changed = verify_quote(library, "我们将采取一切措施维护自身权益")
    assert changed.verdict == "close" and changed.matches[0].text == "我们将采取必要措施维护自身权益"
    assert [(p.quote, p.source) for p in changed.matches[0].diff if p.op == "changed"] == [("一切", "必要")]
    dropped_not = verify_quote(library, "我们接受任何形式的官方往来")  # "we accept" for "we do not accept"
    assert dropped_not.verdict == "close"
    assert dropped_not.matches[0].meaning_changes == ("A negation differs: the quote leaves out the source's “不”.",)


def test_the_diff_shows_struck_source_words_and_underlined_quote_words_as_inert_html(library):
    check = verify_quote(library, "Russian-Italian relations are in a crisis, the worst one since World War I")
    assert check.verdict == "close"
    shown = diff_html(check.matches[0].diff)
    assert "<del>II</del> <ins>I</ins>" in shown and shown.startswith("Russian-Italian relations are in a crisis")
    hostile = diff_html([DiffPart("changed", "<script>alert(1)</script> $x$", "[link](https://evil.example)")])
    assert "<script>" not in hostile and "$x$" not in hostile and "[link]" not in hostile


def test_words_outside_every_passage_are_cited_by_where_they_stand(library):
    check = verify_quote(library, "Prospects of a visa-free travel between Russia and China")  # contents and heading
    assert check.verdict == "exact" and len(check.matches) == 2
    for match in check.matches:
        assert match.passage is None and match.role == ""
        assert match.citation == f"MFA answers on 2024 diplomacy, 24 Jan 2025 — characters {match.start}–{match.end}"
        assert source_text(match.document.source)[match.start : match.end] == match.text


def test_words_said_by_one_speaker_end_at_the_next_turn_or_heading(tmp_path, library):
    long = " ".join(["Fares stay as they are for residents of the islands, and children travel free."] * 4)
    talk = library_of(
        tmp_path,
        "talk.md",
        f"Question: Will the ferry run?\n\nAnswer: The ferry stops for the winter season entirely. {long}\n\n"
        f"It resumes in spring. {long}\n\n00:01:30\n\nTickets go on sale in March. {long}\n\n"
        "# Closing statement from the harbour authority\n\nThe harbour closes at six.\n",
    )
    answer = next(p for p in talk.passages if p.text.startswith("The ferry stops"))
    text = talk.documents["talk"].text
    assert talk.said_by_one(answer, text.index("entirely.") + len("entirely."))
    assert talk.said_by_one(answer, text.index("in spring.") + len("in spring."))  # a paragraph of the same turn
    assert talk.passage_at("talk", text.index("00:01:30")) is None  # the timestamp line is in no passage
    assert talk.said_by_one(answer, text.index("in March.") + len("in March."))  # but in the turn
    assert not talk.said_by_one(answer, text.index("Closing statement") + len("Closing statement"))  # a heading
    question = next(p for p in talk.passages if p.role == "question")
    assert not talk.said_by_one(question, text.index("The ferry stops") + len("The ferry stops"))  # the answer
    first = next(p for p in library.passages if p.text.endswith("cannot create conditions for peace talks."))
    assert library.said_by_one(first, library.turn_end(first))


STAND_OUR_GROUND = (
    "We don’t seek to harm anyone, but we will stand our ground when it comes to what is rightfully ours."
)


@pytest.mark.parametrize(
    ("pasted", "credited", "note"),
    [
        (
            f"Lavrov said: “{STAND_OUR_GROUND}”",
            "Lavrov",
            "Credited to Lavrov: the source gives these words to “Sergey Lavrov”.",
        ),
        (
            f"“{STAND_OUR_GROUND[:-1]},” Maria Zakharova told reporters.",
            "Maria Zakharova",
            "The quote credits Maria Zakharova, but the source gives these words to “Sergey Lavrov”.",
        ),
    ],
)
def test_a_quote_pasted_with_its_attribution_is_checked_by_its_quoted_words_and_whom_it_credits(
    library, pasted, credited, note
):
    check = verify_quote(library, pasted)
    assert check.verdict == "exact"  # the writer's "Lavrov said:" is no word of the quote
    assert check.quote.rstrip(".,") == STAND_OUR_GROUND.rstrip(".")
    assert check.framing.credited == credited and "“…”" in check.framing.frame
    (match,) = check.matches
    assert match.speaker == "Sergey Lavrov" and match.text == STAND_OUR_GROUND.rstrip(".")
    assert match.credit_note == note
    assert check.miscredited == (credited != "Lavrov") == match.miscredited


def test_the_ministrys_written_answers_and_a_deputys_question_are_not_lavrovs(library):
    written = verify_quote(
        library, "Lavrov said: “Russian-Italian relations are in a crisis, the worst one since World War II.”"
    )
    assert written.verdict == "exact" and written.miscredited
    assert written.matches[0].speaker == "Foreign Ministry"
    asked = verify_quote(
        library,
        "“What response measures does the Foreign Ministry plan to take for the expansion of Arctic cooperation "
        "with friendly countries?” Sergey Lavrov asked.",
    )
    assert asked.verdict == "exact" and asked.miscredited
    assert asked.matches[0].credit_note.endswith("“State Duma deputy”, asking a question.")


def test_a_quotation_split_by_its_attribution_is_checked_as_one_and_a_partial_quote_on_its_own(library):
    split = verify_quote(library, "“We don’t seek to harm anyone,” Lavrov said, “but we will stand our ground.”")
    assert split.verdict == "exact" and split.framing.frame == "“…” Lavrov said, “…”"
    assert split.matches[0].text == "We don’t seek to harm anyone, but we will stand our ground"
    partial = verify_quote(library, "According to Lavrov, “no one has kicked us out” of the Arctic Council.")
    assert partial.verdict == "exact" and not partial.miscredited
    assert partial.matches[0].text == "no one has kicked us out"


def test_a_source_that_quotes_someone_is_checked_whole_slips_included(library):
    sentence = (
        "intends to support the bloody neo-Nazi Kiev regime across the board and “as long as it takes,” "
        "as Prime Minister Giorgia Meloni likes to say"
    )
    assert verify_quote(library, sentence).framing is None  # stands as pasted, its marks the source's own
    slip = verify_quote(library, sentence.replace("bloody ", ""))
    assert slip.verdict == "close" and slip.framing is None  # not "exact" for the four words in the marks
    assert [(d.op, d.source) for d in slip.matches[0].diff if d.op != "equal"] == [("omitted", "bloody")]


@pytest.mark.parametrize(
    ("pasted", "parts", "credited"),
    [
        ("He said: ‘We don’t seek to harm anyone.’", ("We don’t seek to harm anyone.",), ""),  # an apostrophe inside
        ("A deputy asked Lavrov: «What will the ministry do next?»", ("What will the ministry do next?",), ""),
        ("„Wir sind bereit“, sagte er, said The Foreign Ministry", ("Wir sind bereit",), "Foreign Ministry"),
        ("“We are ready,” Lavrov said, “but the West is not.”", ("We are ready,", "but the West is not."), "Lavrov"),
        # quotations inside the quotation are its words, whatever the marks
        (
            "‘They oppose the “general line” and “agents of influence”,’ the ministry said.",
            ("They oppose the “general line” and “agents of influence”,",),
            "",
        ),
        (
            '"We moved staff to "dangerous" areas, primarily Africa," Lavrov said.',
            ('We moved staff to "dangerous" areas, primarily Africa,',),
            "Lavrov",
        ),
        (
            "‘They aim to strengthen BRICS’ resilience against sanctions,’ Lavrov said.",
            ("They aim to strengthen BRICS’ resilience against sanctions,",),
            "Lavrov",
        ),
        # whom the words around them credit
        (
            "“We are ready to talk,” said Russia’s Foreign Minister Sergey Lavrov.",
            ("We are ready to talk,",),
            "Foreign Minister Sergey Lavrov",
        ),
        (
            "“We are ready to talk,” said Lavrov’s spokeswoman Maria Zakharova.",
            ("We are ready to talk,",),
            "Maria Zakharova",
        ),
        ("According to Lavrov’s ministry, “we are ready to talk”", ("we are ready to talk",), ""),
        ("“We are ready to talk,” Russia’s Foreign Minister told the Duma.", ("We are ready to talk,",), ""),
        ("“We are ready to talk,” TASS quoted Lavrov as saying.", ("We are ready to talk,",), "Lavrov"),
        ("“We are ready to talk,” Lavrov later said.", ("We are ready to talk,",), "Lavrov"),
        ("Peskov said Lavrov had told deputies that “we are ready to talk”.", ("we are ready to talk",), "Lavrov"),
        ("On Wednesday Lavrov said: “We are ready to talk”", ("We are ready to talk",), "Lavrov"),
        ("BREAKING: “We are ready to talk”", ("We are ready to talk",), ""),
        ("“We are ready to talk,” the minister said, according to TASS.", ("We are ready to talk,",), ""),
        # a news outlet reports the words; it is not credited with saying them
        ("According to TASS, “we are ready to talk”", ("we are ready to talk",), ""),
        ("According to the Financial Times, “we are ready to talk”", ("we are ready to talk",), ""),
        ("According to Maria Zakharova, “we are ready to talk”", ("we are ready to talk",), "Maria Zakharova"),
        (
            "According to Press Secretary Dmitry Peskov, “we are ready”",
            ("we are ready",),
            "Press Secretary Dmitry Peskov",
        ),
        ("Lavrov said: “We are ready to talk.” Putin said nothing.", ("We are ready to talk.",), "Lavrov"),
        ("“We are ready to talk,” said Kremlin spokesman Dmitry Peskov.", ("We are ready to talk,",), "Dmitry Peskov"),
        ("Lavrov said Russia is “ready to talk to everyone”.", ("ready to talk to everyone",), "Lavrov"),
        # half-copied: one mark, the other taken as at the end or the start
        ("Lavrov said: “We are ready to talk.", ("We are ready to talk.",), "Lavrov"),
        ("We are ready to talk.” Lavrov said.", ("We are ready to talk.",), "Lavrov"),
    ],
)
def test_quotation_marks_and_credits_are_read_as_writers_use_them(pasted, parts, credited):
    found = framing(pasted)
    assert (found.parts, found.credited) == (parts, credited)


@pytest.mark.parametrize(
    ("credited", "speaker", "same"),
    [
        ("Lavrov", "Sergey Lavrov", True),
        ("Sergei Lavrov", "Sergey Lavrov", True),  # another transliteration
        ("Foreign Minister Sergey Lavrov", "Sergey Lavrov", True),
        ("Russian Foreign Ministry", "Foreign Ministry", True),
        ("Defence Ministry", "Foreign Ministry", False),
        ("Lavrov", "Foreign Ministry", False),
        ("Maria Zakharova", "Sergey Lavrov", False),
    ],
)
def test_a_credited_name_names_a_speaker_when_the_words_that_tell_who_agree(credited, speaker, same):
    assert same_speaker(credited, speaker) == same


@pytest.mark.parametrize(
    "pasted",
    [
        "They talk about the so-called “rules-based world order” that nobody has seen.",  # no one credited
        "“We are ready to talk.”",  # nothing outside the marks
        "Lavrov said it was “very good”.",  # two words in marks: not enough to check
    ],
)
def test_marks_that_credit_no_one_are_part_of_the_quote(pasted):
    assert framing(pasted) is None


def test_cite_command_line_shows_the_writers_words_and_a_miscredit(bundled_index):
    pasted = f"Peskov said: “{STAND_OUR_GROUND}”"
    shown = run("retrieval", "cite", pasted, "--index", str(bundled_index))
    assert "Around it, the writer's words: Peskov said: “…”" in shown.stdout
    assert "! Miscredited: the quote credits Peskov" in shown.stdout
    item = json.loads(run("retrieval", "cite", pasted, "--json", "--index", str(bundled_index)).stdout)
    assert (item["verdict"], item["frame"], item["credited"], item["miscredited"]) == (
        "exact",
        "Peskov said: “…”",
        "Peskov",
        True,
    )
    assert item["matches"][0]["speaker"] == "Sergey Lavrov" and item["matches"][0]["miscredited"]
    invented = "The volcano museum in Reykjavik has asked us for seventeen purple umbrellas."
    partly = run("retrieval", "cite", f"{STAND_OUR_GROUND} {invented}", "--json", "--index", str(bundled_index))
    assert [piece["text"] for piece in json.loads(partly.stdout)["unfound"]] == [invented]


def test_a_quote_with_a_sentence_no_one_said_is_partly_found_never_vouched_for(library):
    said = "As for the Arctic Council, no one has kicked us out."
    invented = "Our delegation will travel to the volcano festival in Lisbon next summer."
    check = verify_quote(library, f"{said} {invented}")
    assert check.verdict == "partial" and [piece.text for piece in check.unfound] == [invented]
    (match,) = check.matches
    assert match.text == said.rstrip(".") and match.speaker == "Sergey Lavrov"
    assert source_text(match.document.source)[match.start : match.end] == match.text
    both_said = verify_quote(library, f"{said} Maia Sandu holds Romanian citizenship.")
    assert both_said.verdict == "close" and both_said.assembled and not both_said.unfound


def test_a_speaker_named_as_the_transcript_labels_him_is_still_the_writers_credit(library):
    # "Sergey Lavrov" also stands in the source, as the label before these words
    words = "Our primary concern is the well-being of the people in Transnistria"
    check = verify_quote(library, f"Sergey Lavrov said: “{words}”")
    assert check.verdict == "exact" and check.matches[0].text == words
    assert check.framing.credited == "Sergey Lavrov" and not check.miscredited


def test_json_output_stays_one_line_per_quote_whatever_separators_the_text_holds(bundled_index):
    quote = "Russian-Italian relations are in a crisis,\u2028the worst one since World War II\u0085"
    result = run("retrieval", "cite", quote, "--json", "--index", str(bundled_index))
    (line,) = result.stdout.splitlines()  # U+2028 and U+0085 end a line for splitlines
    item = json.loads(line)
    assert item["verdict"] == "exact" and "\u2028" in item["quote"]


def test_a_quotation_split_around_an_invented_part_is_partial_never_close(library):
    said = "We need to focus on action, not adopt the stance of the offended"
    for invented in ("We will win this war.", "We will never give up a metre of the Arctic shelf to anyone."):
        check = verify_quote(library, f"“{said},” Lavrov said, adding: “{invented}”")
        assert check.verdict == "partial" and [piece.text for piece in check.unfound] == [invented]
    reversed_order = verify_quote(
        library, "“This is impossible to do,” Lavrov said. “As for the Arctic Council, no one has kicked us out.”"
    )
    assert reversed_order.verdict == "close" and reversed_order.assembled  # both said, in the other order
    assert [m.text for m in reversed_order.matches] == [
        "This is impossible to do",
        "As for the Arctic Council, no one has kicked us out",
    ]


def test_an_invented_sentence_among_long_real_ones_is_partial(library):
    real = [
        "Our positions are strong, supported by agreements that regulate our territorial relations.",
        "We have such agreements with nearly all of our neighbours.",
        "Therefore, we must continue doing our work.",
    ]
    invented = "We will deploy new missiles to the Arctic shelf."
    check = verify_quote(library, " ".join([*real[:2], invented, real[2]]))
    assert check.verdict == "partial" and [piece.text for piece in check.unfound] == [invented]
    assert [m.text for m in check.matches] == [sentence.rstrip(".") for sentence in real]


def test_credits_are_checked_on_every_piece_and_against_answerers_only_for_questioners(library):
    partly = verify_quote(
        library,
        "Lavrov said: “A temporary ceasefire and a conflict freeze are unacceptable solutions. "
        "We will never sit at the table with the Kiev regime under any circumstances.”",
    )
    assert partly.verdict == "partial" and partly.miscredited  # the found sentence is the ministry's
    defence = verify_quote(
        library, "“A temporary ceasefire and a conflict freeze are unacceptable solutions,” the Defence Ministry said."
    )
    assert defence.miscredited
    question = (
        "Is it not time for Russia to employ migration regulation more flexibly to advance our national interests?"
    )
    slutsky = verify_quote(library, f"Leonid Slutsky asked Lavrov: “{question}”")
    assert (
        slutsky.matches[0].credit == "unknown" and not slutsky.miscredited
    )  # the source says only "State Duma deputy"
    assert "names the questioner only as “State Duma deputy”" in slutsky.matches[0].credit_note
    assert verify_quote(library, f"Lavrov said: “{question}”").miscredited
    mixed = verify_quote(
        library,
        "“As for the Arctic Council, no one has kicked us out,” Lavrov said. "
        "“A temporary ceasefire and a conflict freeze are unacceptable solutions.”",
    )
    assert mixed.assembled and mixed.miscredited  # one of its pieces is the ministry's


def test_quoted_as_saying_is_a_credit_not_a_paraphrase(library):
    check = verify_quote(
        library,
        "“A temporary ceasefire and a conflict freeze are unacceptable solutions,” TASS quoted Lavrov as saying.",
    )
    assert check.verdict == "exact" and check.framing.credited == "Lavrov" and check.miscredited


def test_a_quotation_copied_without_its_closing_mark_is_still_taken_apart(library):
    check = verify_quote(library, "Lavrov said: “We have created a new department, the Second African Department.")
    assert check.verdict == "exact" and check.framing.credited == "Lavrov" and not check.miscredited


def test_a_split_quotation_partly_found_keeps_the_writers_words_out_and_its_credit(library):
    check = verify_quote(library, "“We have created a new department,” Peskov said, “the Second Asian Department.”")
    assert check.verdict == "partial" and [piece.text for piece in check.unfound] == [
        "the Second Asian Department."
    ]  # it is "African"
    assert check.matches[0].text == "We have created a new department" and check.miscredited


def test_a_piece_not_found_comes_with_the_nearest_wording_the_library_has(library):
    check = verify_quote(
        library, "As for the Arctic Council, no one has kicked us out. Maia Sandu holds Moldovan citizenship."
    )
    assert check.verdict == "partial"
    (piece,) = check.unfound
    assert (
        piece.text == "Maia Sandu holds Moldovan citizenship."
        and piece.nearest.text == "Maia Sandu holds Romanian citizenship"
    )
    assert [(d.op, d.quote, d.source) for d in piece.nearest.diff if d.op != "equal"] == [
        ("changed", "Moldovan", "Romanian")
    ]
    assert piece.to_dict()["nearest"]["citation"] == piece.nearest.citation


def test_a_credit_whose_other_words_the_source_shares_still_sets_the_quotation_apart(library):
    # "the West is" stands in the source just before the quoted words; "Putin said" does not
    words = "not ready yet to accept and apply the principles of the UN Charter in their entirety"
    putin = verify_quote(library, f"Putin said the West is “{words}”.")
    assert putin.verdict == "exact" and putin.matches[0].text == words and putin.miscredited
    lavrov = verify_quote(library, f"Lavrov said the West is “{words}”.")
    assert lavrov.verdict == "exact" and not lavrov.miscredited


def test_a_short_invented_sentence_after_a_real_one_is_partial_not_a_change(library):
    said = "A temporary ceasefire and a conflict freeze are unacceptable solutions."
    check = verify_quote(library, f"{said} We will win.")  # "We will win" aligns with other words of the source
    assert check.verdict == "partial" and [piece.text for piece in check.unfound] == ["We will win."]
    assert check.matches[0].text.startswith(said.rstrip("."))
