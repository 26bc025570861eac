"""The Ask page through Streamlit's AppTest: what a person sees after asking."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from index import PROJECT_ROOT
from index.build import build_index
from retrieval.citations import as_markdown, as_plain, citation_link
from tests.conftest import write_transcript

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture
def app(bundled_index, monkeypatch) -> AppTest:
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception
    return app


def page_html(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def app_on_transcript(tmp_path, monkeypatch, name: str, text: str) -> AppTest:
    """The app, started, on a library of one transcript built in ``tmp_path``."""
    write_transcript(tmp_path / "corpus", name, text)
    build_index(tmp_path / "corpus", tmp_path / "index")
    monkeypatch.setenv("VERBATIM_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("VERBATIM_INDEX", str(tmp_path / "index"))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    return app


def test_question_gets_cited_answer_sentences_and_passages(app):
    app.text_input[0].input("How many Russian citizens live in Transnistria?").run()
    assert not app.exception
    assert [s.value for s in app.subheader] == ["Answer", "Passages"]
    html = page_html(app)
    assert "more than 200,000 Russian citizens living there" in html
    assert "<mark>" in html and "Duma Government Hour, 19 Feb 2025 — Q3" in html
    assert "Sergey Lavrov" in html


def test_filters_restrict_the_passages_shown(app):
    app.sidebar.multiselect[0].select("mfa-answers-2024-diplomacy")
    app.sidebar.slider[0].set_value(3)
    app.text_input[0].input("Relations with China").run()
    cards = [m.value for m in app.markdown if m.value.startswith('<div id="passage-')]
    assert len(cards) == 3 and all("MFA answers on 2024 diplomacy" in c for c in cards)


def test_unaddressed_question_is_said_plainly(app):
    app.text_input[0].input("What is the population of Brazil?").run()
    assert any("does not seem to address" in w.value for w in app.warning)
    assert "Answer" not in [s.value for s in app.subheader]
    assert app.markdown and "<mark" not in page_html(app)  # the passages are for reference: none marked as answers
    app.text_input[0].input("What is Russia's position on relations with Australia?").run()  # Africa matches well
    assert "Answer" in [s.value for s in app.subheader]
    assert [w.value for w in app.warning] == [
        r"The library never mentions Australia\: check that these answers are about what you asked\."
    ]
    app.text_input[0].input("What did Lavrov say about Japan?").run()  # only the Foreign Ministry speaks of Japan
    assert [w.value for w in app.warning] == [
        r"The question names “Sergey Lavrov”, but answers 1, 2, 3 are the words of “Foreign Ministry”\."
    ]


def test_overlong_question_gets_a_message(app):
    app.text_input[0].input("z" * 10_000).run()
    assert not app.exception
    assert any("10,000 characters" in e.value for e in app.error)


def test_document_html_is_shown_as_text_never_as_markup(tmp_path, monkeypatch):
    app = app_on_transcript(
        tmp_path,
        monkeypatch,
        "hostile.txt",
        'Question: Who runs the lighthouse?\nAnswer: The lighthouse keeper <img src=x onerror="alert(1)"> '
        "runs the lighthouse <script>alert('owned')</script> every night of the year.\n",
    )
    app.text_input[0].input("Who keeps the lighthouse?").run()
    html = page_html(app)
    assert "lighthouse keeper" in html
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html


def test_document_text_is_never_read_as_markdown_and_a_changed_file_is_never_answered_from_memory(
    tmp_path, monkeypatch
):
    said = "Answer: The referendum result :x: was rejected; see www.example.org or write to press@example.org.\n"
    app = app_on_transcript(tmp_path, monkeypatch, "vote.txt", said)
    app.text_input[0].input("What was the referendum result?").run()
    shown = [m.value for m in app.markdown if m.allow_html and "referendum" in m.value]
    assert len(shown) >= 3  # the answer sentence, the passage card, the passage in its context
    # Streamlit reads Markdown (":x:" as an emoji, bare addresses as links) inside a paragraph,
    # never inside an HTML block, which must open the element.
    assert all(re.match(r"<(div|p|h4)\b", html) for html in shown), shown

    (tmp_path / "corpus" / "vote.txt").write_text(said.replace("rejected", "approved"), encoding="utf-8")
    app.run()  # the next page view after the file changed on disk
    assert not app.exception
    html = page_html(app)
    assert "approved" in html and "rejected" not in html


def test_filters_that_leave_nothing_say_so_and_judge_nothing(tmp_path, monkeypatch):
    app = app_on_transcript(
        tmp_path, monkeypatch, "speech.txt", "Answer: The harbour opens at dawn every day of the year.\n"
    )
    app.sidebar.radio[0].set_value("Questions only")
    app.text_input[0].input("When does the harbour open?").run()
    assert [i.value for i in app.info] == ["No passages match these filters."]
    assert not app.warning and not app.subheader  # no verdict on the library from an empty search


def test_first_start_builds_the_missing_index(tmp_path, monkeypatch):
    write_transcript(
        tmp_path / "corpus", "one.txt", "Answer: The harbour opens at dawn and closes at dusk every day.\n"
    )
    monkeypatch.setenv("VERBATIM_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("VERBATIM_INDEX", str(tmp_path / "index"))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert not app.exception and not app.error
    assert (tmp_path / "index" / "CURRENT").exists()
    app.text_input[0].input("When does the harbour open?").run()
    assert "harbour opens at dawn" in page_html(app)


@pytest.mark.parametrize("metadata", ["{bad json", '{"one.txt": {"title": 5}}'], ids=["malformed", "wrong type"])
def test_a_broken_metadata_file_is_reported_and_the_library_searched_as_last_built(tmp_path, monkeypatch, metadata):
    app = app_on_transcript(
        tmp_path, monkeypatch, "one.txt", "Answer: The harbour opens at dawn and closes at dusk every day.\n"
    )
    (tmp_path / "corpus" / "library.json").write_text(metadata, encoding="utf-8")
    app.text_input[0].input("When does the harbour open?").run()
    assert not app.exception
    shown = app.error[0].value.replace("\\", "")  # as typed: Markdown's escapes taken out
    assert "searched as last built" in shown and "library.json" in shown
    assert "harbour opens at dawn" in page_html(app)


def compare_script():
    from views.compare import compare_page

    compare_page()


@pytest.fixture
def compare_app(bundled_index, monkeypatch) -> AppTest:
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    app = AppTest.from_function(compare_script, default_timeout=120)
    app.run()
    assert not app.exception
    return app


def test_compare_page_shows_each_document_and_flags_the_differing_dates(compare_app):
    compare_app.text_input[0].input("When did Putin propose the Eurasian security initiative?").run()
    assert not compare_app.exception
    html = page_html(compare_app)
    assert 'class="contrast-differ"' in html and "July 14, 2023" in html and "June 14, 2024" in html
    [differ] = [m.value for m in compare_app.markdown if 'class="contrast-differ"' in m.value]
    assert differ.count('<a class="citation" href="cite?passage=') == 2  # each statement opens its source
    assert "MFA answers on 2024 diplomacy, 24 Jan 2025 — Q9" in html
    assert "Duma Government Hour, 19 Feb 2025 — Opening remarks" in html
    assert len(compare_app.get("download_button")) == 2
    for expander in compare_app.expander:  # every passage listed opens on the Cite page
        assert '<a class="citation" href="cite?passage=' in "".join(m.value for m in expander.markdown)


def test_compare_page_says_when_a_document_does_not_address_the_question(compare_app):
    compare_app.text_input[0].input("What is the population of Brazil?").run()
    notes = [i.value for i in compare_app.info]
    assert r"This document does not seem to address this question\." in notes  # the MFA answers name Brazil
    assert r"This document does not seem to address this question\. It never mentions Brazil\." in notes  # the Duma


def cite_script():
    from views.cite import cite_page

    cite_page()


def quote_checked_on_cite_page(bundled_index, monkeypatch, quote: str) -> AppTest:
    """The Cite page on the bundled library after the quote was pasted into its quote box."""
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    app = AppTest.from_function(cite_script, default_timeout=120)
    app.run()
    app.text_area[0].input(quote).run()
    assert not app.exception
    return app


def test_cite_page_checks_a_misquote_and_shows_the_diff(bundled_index, monkeypatch):
    misquote = "Russian-Italian relations are in a deep crisis, the worst one since World War I"
    app = quote_checked_on_cite_page(bundled_index, monkeypatch, misquote)
    assert any(w.value.startswith("Close") for w in app.warning)
    html = page_html(app)
    assert "<ins>deep</ins>" in html and "<del>II</del>" in html and "Foreign Ministry" in html
    assert not app.error
    app.text_area[0].input("including more than 300,000 Russian citizens living there").run()
    # shown as plain text: every character Markdown would read is escaped
    assert [e.value for e in app.error] == [
        r"A figure differs\: the quote has “300,000” where the source has “200,000”\."
    ]


def test_cite_page_flags_a_quote_credited_to_someone_else(bundled_index, monkeypatch):
    pasted = "Maria Zakharova said: “Russian-Italian relations are in a crisis.”"
    app = quote_checked_on_cite_page(bundled_index, monkeypatch, pasted)
    assert [s.value for s in app.success] == ["Exact: these words are in the library."]
    assert [e.value for e in app.error][0].startswith(r"Miscredited\: the quote credits Maria Zakharova")
    assert any("Maria Zakharova said\\: “…”" in c.value for c in app.caption)
    assert any("“Foreign Ministry”" in w.value for w in app.warning)


def test_cite_page_lists_the_sentences_no_one_said(bundled_index, monkeypatch):
    invented = "Penguins from the Antarctic station will be exhibited at the zoo until autumn."
    pasted = f"As for the Arctic Council, nobody has thrown us out. {invented}"
    app = quote_checked_on_cite_page(bundled_index, monkeypatch, pasted)
    errors = [e.value for e in app.error]
    assert (
        errors[0].startswith("Partly found")
        and errors[1] == rf"Not in the library in these words\: “{invented[:-1]}\.”"
    )
    html = page_html(app)
    assert "Sergey Lavrov" in html and "<del>kicked</del>" in html  # the sentence found, with its changes


def test_cite_page_shows_the_nearest_wording_to_a_sentence_not_found(bundled_index, monkeypatch):
    pasted = "As for the Arctic Council, no one has kicked us out. Maia Sandu holds Moldovan citizenship."
    app = quote_checked_on_cite_page(bundled_index, monkeypatch, pasted)
    assert any(c.value.startswith("The nearest the library has to") for c in app.caption)
    html = page_html(app)
    assert "<del>Romanian</del>" in html and "<ins>Moldovan</ins>" in html


def test_cite_page_opens_a_citation_link_with_the_words_marked(bundled_index, library, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    passage = next(p for p in library.passages if "Second African Department has been created" in p.text)
    start = passage.start + passage.text.index("The Second African")
    end = start + len("The Second African Department has been created.")
    app = AppTest.from_function(cite_script, default_timeout=120)
    app.query_params.update(
        {"passage": passage.passage_id, "start": str(start - passage.start), "end": str(end - passage.start)}
    )
    app.run()
    assert not app.exception
    assert "<mark>The Second African Department has been created.</mark>" in page_html(app)
    neighbours = len(library.neighbours(passage)) - 1
    assert page_html(app).count('<a class="citation" href="cite?passage=') == neighbours > 0  # a step either way
    assert any("— Sergey Lavrov, Duma Government Hour, 19 Feb 2025" in c.value for c in app.code)


def test_a_cite_link_to_words_across_a_paragraph_break_marks_and_cites_both(bundled_index, library, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    first = next(p for p in library.passages if p.text.endswith("cannot create conditions for peace talks."))
    start = first.end - len("These activities cannot create conditions for peace talks.")
    end = library.turn_end(first)
    app = AppTest.from_function(cite_script, default_timeout=120)
    app.query_params.update(
        {"passage": first.passage_id, "start": str(start - first.start), "end": str(end - first.start)}
    )
    app.run()
    assert not app.exception and not app.warning
    html = page_html(app)
    assert "<mark>These activities cannot create conditions for peace talks.</mark>" in html
    assert "<mark>A serious factor precluding the talks" in html  # the next paragraph, marked too
    last = library.passage_at(first.doc_id, end - 1)
    assert f"<mark>{last.text[:40]}" in html  # and every paragraph after it the words run through
    copied = next(c.value for c in app.code if c.value.startswith(first.label + "–")).split(". ")[0]  # "… Q1 ¶5–6"
    typed = AppTest.from_function(cite_script, default_timeout=120)
    typed.run()
    typed.text_input[0].input(copied).run()  # the copied label opens both paragraphs, marked
    assert not typed.exception and not typed.error
    assert f"<mark>{first.text[:40]}" in page_html(
        typed
    ) and "<mark>A serious factor precluding the talks" in page_html(typed)


def test_a_cite_link_whose_span_is_not_in_the_passage_says_so_and_the_quote_box_stays_reachable(
    bundled_index, library, monkeypatch
):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    passage = library.passages[5]
    app = AppTest.from_function(cite_script, default_timeout=120)
    app.query_params.update({"passage": passage.passage_id, "start": "500", "end": "10"})
    app.run()
    assert any("do not mark words of this passage" in w.value for w in app.warning)
    app.button[0].click().run()
    assert not app.query_params and [t.label for t in app.text_area] == ["Quote to check"]


def test_a_crafted_cite_link_cannot_put_a_link_in_the_error(bundled_index, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    app = AppTest.from_function(cite_script, default_timeout=120)
    app.query_params.update({"passage": "[Official source verified](https://evil.example) **trust me**"})
    app.run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert "no passage has the id" in error
    assert "](" not in error and "**" not in error  # every Markdown character is escaped, so shown as typed


def library_script():
    from views.library import library_page

    library_page()


def test_library_page_lists_documents_edits_metadata_and_removes(tmp_path, monkeypatch):
    write_transcript(tmp_path / "corpus", "ferry.txt", "Answer: The night ferry was cancelled for the winter season.\n")
    write_transcript(tmp_path / "corpus", "museum.txt", "Answer: The museum reopens on Friday with a ship gallery.\n")
    build_index(tmp_path / "corpus", tmp_path / "index")
    monkeypatch.setenv("VERBATIM_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("VERBATIM_INDEX", str(tmp_path / "index"))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    app = AppTest.from_function(library_script, default_timeout=120)
    app.run()
    assert not app.exception
    assert list(app.dataframe[0].value["document"]) == ["ferry", "museum"]

    app.selectbox[0].select("ferry").run()
    app.text_input[1].input("Ferry notice")  # short title
    app.text_input[2].input("2025-03-02")  # date
    next(b for b in app.button if b.label == "Save metadata").click().run()
    assert not app.exception
    assert any("Index updated" in s.value and "2 documents" in s.value for s in app.success)  # kept over the redraw
    from retrieval import Library

    assert Library.open(tmp_path / "index").passages[0].label.startswith("Ferry notice, 2 Mar 2025")

    app.selectbox[0].select("ferry").run()
    app.text_input[2].input("2025-13-45")
    next(b for b in app.button if b.label == "Save metadata").click().run()
    assert any("not a day of the calendar" in e.value for e in app.error)
    assert Library.open(tmp_path / "index").passages[0].label.startswith("Ferry notice, 2 Mar 2025")

    app.selectbox[0].select("museum").run()
    app.text_input[0].input("Museum notice")  # the title only: the short title follows it
    next(b for b in app.button if b.label == "Save metadata").click().run()
    museum = next(p for p in Library.open(tmp_path / "index").passages if p.doc_id == "museum")
    assert museum.label.startswith("Museum notice")

    app.selectbox[0].select("museum").run()
    remove = next(b for b in app.button if b.label.startswith("Remove museum"))
    assert remove.disabled  # until the deletion is confirmed
    app.checkbox(key="sure-museum").check().run()
    next(b for b in app.button if b.label.startswith("Remove museum")).click().run()
    assert not app.exception
    assert list(app.dataframe[0].value["document"]) == ["ferry"]
    assert not (tmp_path / "corpus" / "museum.txt").exists()

    app.selectbox[0].select("ferry").run()
    app.checkbox(key="sure-ferry").check().run()
    next(b for b in app.button if b.label.startswith("Remove ferry")).click().run()
    assert not app.exception
    assert "no readable documents" in app.error[0].value  # and the upload form to add some
    assert not (tmp_path / "index" / "CURRENT").exists()  # the removed text is not kept in an old build


def test_a_document_that_stops_the_library_being_indexed_can_be_removed_on_the_library_page(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    for name in ("Captions.md", "captions.txt"):  # headings only; one document id for the two
        write_transcript(corpus, name, "Harbour at dawn\n\nFerries in winter\n")
    monkeypatch.setenv("VERBATIM_CORPUS", str(corpus))
    monkeypatch.setenv("VERBATIM_INDEX", str(tmp_path / "index"))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    app = AppTest.from_function(library_script, default_timeout=120)
    app.run()
    assert "nothing to search in Captions" in app.error[0].value

    for removed, left in (("Captions.md", ["captions.txt"]), ("captions.txt", [])):
        app.selectbox[0].select("captions").run()
        assert removed.replace(".", "\\.") in app.checkbox(key="sure-captions").label  # named is deleted
        app.checkbox(key="sure-captions").check().run()
        next(b for b in app.button if b.label.startswith("Remove captions")).click().run()
        assert not app.exception
        assert sorted(p.name for p in corpus.iterdir() if not p.name.startswith(".")) == left
    assert "no readable documents" in app.error[0].value


def test_the_question_is_kept_in_the_address_so_back_and_links_bring_it_back(bundled_index, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.text_input[0].input("How many Russian citizens live in Transnistria?").run()
    assert app.query_params["q"] == "How many Russian citizens live in Transnistria?"

    returning = AppTest.from_file(APP, default_timeout=120)  # a new session at that address
    returning.query_params["q"] = app.query_params["q"]
    returning.run()
    assert returning.text_input[0].value == "How many Russian citizens live in Transnistria?"
    assert "more than 200,000 Russian citizens living there" in page_html(returning)


def test_filters_are_kept_in_the_address_so_a_shared_link_gives_the_same_passages(bundled_index, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    app.sidebar.multiselect[0].select("mfa-answers-2024-diplomacy")
    app.sidebar.radio[0].set_value("Answers only")
    app.sidebar.slider[0].set_value(3)
    app.text_input[0].input("Relations with China").run()
    address = {name: app.query_params.get(name) for name in ("q", "doc", "role", "k")}
    assert address == {"q": "Relations with China", "doc": "mfa-answers-2024-diplomacy", "role": "answer", "k": "3"}

    shared = AppTest.from_file(APP, default_timeout=120)  # a new session opening that address
    for name, values in address.items():
        shared.query_params[name] = values
    shared.query_params["doc"] = ["mfa-answers-2024-diplomacy", "no-such-document"]  # a stale link
    shared.run()
    assert not shared.exception
    assert (shared.sidebar.multiselect[0].value, shared.sidebar.radio[0].value, shared.sidebar.slider[0].value) == (
        ["mfa-answers-2024-diplomacy"],
        "Answers only",
        3,
    )
    cards = [m.value for m in shared.markdown if m.value.startswith('<div id="passage-')]
    assert len(cards) == 3 and all("MFA answers on 2024 diplomacy" in c for c in cards)


def test_a_comparison_is_brought_back_by_its_address(bundled_index, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    compare = AppTest.from_function(compare_script, default_timeout=120)
    compare.query_params["q"] = "When did Putin propose the Eurasian security initiative?"
    compare.run()
    assert compare.text_input[0].value == compare.query_params["q"]
    assert "July 14, 2023" in page_html(compare)
    assert "doc" not in compare.query_params and "k" not in compare.query_params  # the defaults: every document, 3
    compare.slider[0].set_value(1).run()
    assert compare.query_params["k"] == "1" and len(compare.expander) == 2  # one passage per document
    shared = AppTest.from_function(compare_script, default_timeout=120)  # Back from a citation, or a shared link
    for name in ("q", "k"):
        shared.query_params[name] = compare.query_params[name]
    shared.query_params["doc"] = ["duma-government-hour-2025-02-19", "mfa-answers-2024-diplomacy", "gone"]
    shared.run()
    assert (shared.slider[0].value, len(shared.expander)) == (1, 2)
    assert shared.multiselect[0].value == ["duma-government-hour-2025-02-19", "mfa-answers-2024-diplomacy"]
    assert [w.value for w in shared.warning] == [
        r"Not in the library \(removed, or named by a wrong link\), so not searched\: gone\."
    ]


def test_a_comparison_of_every_document_takes_in_one_added_since(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_transcript(corpus, "a.txt", "Answer: The harbour opens in May, the port authority said.\n")
    write_transcript(corpus, "b.txt", "Answer: The harbour opens in June, the mayor said.\n")
    build_index(corpus, tmp_path / "index")
    monkeypatch.setenv("VERBATIM_CORPUS", str(corpus))
    monkeypatch.setenv("VERBATIM_INDEX", str(tmp_path / "index"))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    compare = AppTest.from_function(compare_script, default_timeout=120)
    compare.query_params["k"] = "²"  # a digit, but no number: the default
    compare.run()
    assert not compare.exception and compare.slider[0].value == 3
    assert compare.multiselect[0].value == ["a", "b"]
    write_transcript(corpus, "c.txt", "Answer: The harbour opens in July, the pier operator said.\n")
    compare.text_input[0].input("When does the harbour open?").run()  # the library is brought up to date first
    assert compare.multiselect[0].value == ["a", "b", "c"] and "doc" not in compare.query_params


def test_each_question_typed_in_turn_is_the_one_answered(app):
    questions = [
        "How many Russian citizens live in Transnistria?",
        "When will Intervision take place?",
        "Which new department did the Foreign Ministry create?",
        "Relations with China",
    ]
    for question in questions:
        app.text_input[0].input(question).run()
        assert app.text_input[0].value == question and app.query_params["q"] == question


@pytest.mark.parametrize(
    ("quote", "mixed"),
    [
        ("Sergey Lavrov: You’ve essentially answered your own question.", False),  # the label is no one's words
        ("Eastern Europe? Sergey Lavrov: Although it is my belief that words are important", True),
    ],
    ids=["quoted with its speaker label", "from a question into its answer"],
)
def test_the_link_of_a_checked_quote_opens_its_words_and_back_brings_the_quote_back(
    bundled_index, monkeypatch, quote, mixed
):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    check = AppTest.from_function(cite_script, default_timeout=120)
    check.run()
    check.text_area[0].input(quote).run()
    assert check.query_params["quote"] == quote  # Back from the citation finds the quote in the address
    href = html.unescape(re.search(r'<a class="citation" href="([^"]+)"', page_html(check)).group(1))
    opened = AppTest.from_function(cite_script, default_timeout=120)
    opened.query_params.update({name: values[0] for name, values in parse_qs(urlparse(href).query).items()})
    opened.run()
    assert not opened.exception and not any("do not mark words" in w.value for w in opened.warning)
    assert any("no one person said them all" in w.value for w in opened.warning) == mixed
    quotations = [c.value for c in opened.code if c.value.startswith("“")]
    assert len(quotations) == (0 if mixed else 1)  # words of two speakers are offered as no one's quotation
    assert (
        "<mark>Although it is my belief" in page_html(opened)
        if mixed
        else "<mark>You’ve essentially" in page_html(opened)
    )
    back = AppTest.from_function(cite_script, default_timeout=120)
    back.query_params["quote"] = quote
    back.run()
    assert back.text_area[0].value == quote and back.success  # the verdict is back too: exact


def test_a_stale_link_or_a_pasted_citation_never_leaves_the_page_without_a_way_on(bundled_index, library, monkeypatch):
    monkeypatch.setenv("VERBATIM_INDEX", str(bundled_index))
    monkeypatch.syspath_prepend(str(PROJECT_ROOT))
    stale = AppTest.from_function(cite_script, default_timeout=120)
    stale.query_params["passage"] = "duma-government-hour-2025-02-19:0123456789ab"
    stale.run()
    assert "edited or removed since the citation was made" in stale.error[0].value
    stale.button[0].click().run()
    assert [t.label for t in stale.text_area] == ["Quote to check"]
    passage = next(p for p in library.passages if "Second African Department has been created" in p.text)
    document = library.documents[passage.doc_id]
    words = "The Second African Department has been created."
    start = passage.start + passage.text.index(words)
    link = citation_link(passage, start, start + len(words), "http://localhost:8501")
    for pasted, marked in (  # the copy forms, for a few words of the passage
        (as_markdown(passage, link), words),  # a link marks its words
        (f'<a href="{link.replace("&", "&amp;")}">the source</a>.', words),  # in HTML too
        # the plain line's characters count from the document as it was then: its label decides
        (as_plain(passage, document, start, start + len(words)), passage.text[:40]),
    ):
        typed = AppTest.from_function(cite_script, default_timeout=120)
        typed.run()
        typed.text_input[0].input(pasted).run()
        assert not typed.error and not typed.warning and f"<mark>{marked}" in page_html(typed)
    for wrong in (words, "http://localhost:8501/cite?passage="):  # a quote, or a link cut short
        wrong_box = AppTest.from_function(cite_script, default_timeout=120)
        wrong_box.run()
        wrong_box.text_input[0].input(wrong).run()
        assert not wrong_box.exception and wrong_box.error
        assert [t.label for t in wrong_box.text_area] == ["Quote to check"]
