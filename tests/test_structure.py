"""Structure, passages and spans of the bundled transcripts, checked against the source files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.chunking import chunk_document
from index.corpus import DocumentSettings
from index.formats import docx_text, html_text, pdf_text
from index.records import Document
from index.sentences import sentence_spans
from index.structure import classify, turns
from tests.conftest import source_text
from tests.fixtures.documents import make_docx, make_pdf, with_footnotes

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


def test_unlabelled_sections_of_a_report_are_cited_by_their_headings(embedder):
    text = (
        "## Background\n\nThe agency was founded in 1990 to oversee the rivers of the region and their banks.\n\n"
        "## Scope\n\nThis review covers the years 2019 to 2023 and all forty monitoring sites of the agency.\n\n"
        "## Results\n\nNitrate fell by twelve percent, while lead rose at three of the forty monitoring sites.\n\n"
        "## Results\n\nPhosphate stayed where it was at every site, as it has done since the year 2015.\n"
    )
    labels = [p.label for p in _chunked(text, embedder)]
    assert labels == ["Notes — Opening remarks ¶1", "Notes — Scope ¶1", "Notes — Results ¶1", "Notes — Results (2) ¶1"]


def test_a_table_is_no_ones_words_and_is_cited_as_a_table(embedder):
    text = (
        "Question: Which districts have a boil notice?\n\nDirector Okafor: Two of them, as the table shows.\n\n"
        "District\tStatus\nNorth\tBoil notice in force\nSouth\tClear\n\nQuestion: Thank you.\n"
    )
    assert _turns_of(text) == [
        ("Questioner", "question", "", "Which districts have a boil notice?"),
        ("Director Okafor", "answer", "", "Two of them, as the table shows."),
        ("", "answer", "", "District\tStatus North\tBoil notice in force South\tClear"),
        ("Questioner", "question", "", "Thank you."),
    ]
    assert [p.label for p in _chunked(text, embedder)][2] == "Notes — Table ¶1–3"


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
    initials = "They met É. Dupont and С. Лавров in Geneva. Talks began."
    assert [initials[s:e] for s, e in sentence_spans(initials)] == [initials[:43], "Talks began."]
    titles = "The right hon. Lady left a black hole. Sen. Hale met Gov. Moore on Jan. 6 in Albany. Rep. Diaz did not."
    assert [titles[s:e] for s, e in sentence_spans(titles)] == [
        "The right hon. Lady left a black hole.",
        "Sen. Hale met Gov. Moore on Jan. 6 in Albany.",
        "Rep. Diaz did not.",
    ]
    months = "I spoke to Jan. He agreed. Talks were held on 6 Jan. The next round follows."
    assert len(sentence_spans(months)) == 4  # a month's abbreviation goes on only to its day


def test_sentences_end_in_scripts_without_capitals_or_spaces_too():
    chinese = "中方坚决反对单边加征关税。我们将采取必要措施！你们呢？"
    assert [chinese[s:e] for s, e in sentence_spans(chinese)] == [
        "中方坚决反对单边加征关税。",
        "我们将采取必要措施！",
        "你们呢？",
    ]
    arabic = "موقفنا واضح. لن نقبل ذلك؟ شكرا"
    assert [arabic[s:e] for s, e in sentence_spans(arabic)] == ["موقفنا واضح.", "لن نقبل ذلك؟", "شكرا"]
    assert len(sentence_spans("The talks resumed, approx. five days later.")) == 1


def test_no_passage_is_longer_than_the_model_reads_whatever_its_script(embedder):
    chinese = "毛宁：" + "中方坚决反对单边主义和保护主义，我们将采取必要措施维护自身的正当权益" * 12 + "。\n"
    unbroken = "Answer: " + "x/" * 700 + "\n"  # a pasted link: every "/" is a word piece
    for text in (chinese, chinese.replace("，", "。"), unbroken):
        passages = _chunked(text, embedder)
        assert len(passages) > 1
        assert all(embedder.count_tokens(p.text) <= embedder.passage_budget for p in passages)
        assert "".join(p.text for p in passages) == text[text.index(passages[0].text[:5]) :].strip()


def test_captions_without_a_stop_are_cut_into_even_passages_counting_each_span_a_few_times(embedder):
    words = [f"{word}{i % 7}" for i, word in enumerate(("so", "we", "think", "the", "talks", "go", "on") * 600)]
    text = "CAPTIONS: " + " ".join(words) + "\n"
    counted = []

    def count(span: str) -> int:
        counted.append(span)
        return embedder.count_tokens(span)

    document = Document(doc_id="captions", source="captions.txt", title="Captions", short_title="Captions", text=text)
    passages = chunk_document(document, DocumentSettings(), count, embedder.passage_budget)
    sizes = [embedder.count_tokens(p.text) for p in passages]
    assert len(passages) > 20 and max(sizes) <= embedder.passage_budget and max(sizes) - min(sizes) <= 4
    assert " ".join(p.text for p in passages) == " ".join(words)
    # a count per word, or two, made a megabyte of captions take minutes to cut
    assert len(counted) < len(words) / 4


def test_every_sentence_of_the_index_lies_inside_its_passage(library):
    for row, start, end in library.stored.sentence_spans.tolist():
        passage = library.passages[row]
        assert passage.start <= start < end <= passage.end


def _turns_of(text: str, **settings) -> list[tuple[str, str, str, str]]:
    """(speaker, role, section, words) of each turn of a transcript."""
    return [
        (turn.speaker, turn.role, turn.section, " ".join(text[s:e] for s, e in turn.paragraphs))
        for turn in turns(text, DocumentSettings(**settings))
    ]


def _speakers_of(text: str) -> list[str]:
    """The speaker of each turn of a transcript, in order."""
    return [speaker for speaker, _, _, _ in _turns_of(text)]


def test_an_unpunctuated_line_inside_a_turn_stays_in_it():
    text = (
        "Arctic briefing\n\n"
        "Question: I have a question in two parts. First, the shipping route.\n"
        "And the second part of my question concerns the icebreakers\n"
        "Will Russia build more nuclear icebreakers?\n\n"
        "Sergey Lavrov: Yes, we will build three more by 2030.\n"
    )
    question, answer = _turns_of(text)
    assert question[:3] == ("Questioner", "question", "Arctic briefing")
    assert question[3].endswith("concerns the icebreakers Will Russia build more nuclear icebreakers?")
    assert answer == ("Sergey Lavrov", "answer", "Arctic briefing", "Yes, we will build three more by 2030.")
    assert turns(text, DocumentSettings())[1].question is not None  # the answer knows its question


def test_in_a_transcript_without_full_stops_a_short_line_is_speech_not_a_heading():
    captions = (
        "Podcast episode 12\n\n"
        "Speaker 1  0:01\nSo we met the minister today\n\n"
        "Speaker 2  0:05\nWhat did he say about the border\n\n"
        "Speaker 1  0:09\nHe said it stays open\nAnd we will do it firmly\n\n"
        "Speaker 2  0:15\nThank you\n"
    )
    assert [(speaker, section, words) for speaker, _, section, words in _turns_of(captions)] == [
        ("Speaker 1", "Podcast episode 12", "So we met the minister today"),
        ("Speaker 2", "Podcast episode 12", "What did he say about the border"),
        ("Speaker 1", "Podcast episode 12", "He said it stays open And we will do it firmly"),
        ("Speaker 2", "Podcast episode 12", "Thank you"),
    ]
    panel = (
        "Energy panel\n\nModerator: Welcome to the panel on energy.\n\nTom Ward: Right\n\n"
        "Moderator: Solar first. How fast is it growing?\n\nTom Ward: Sure\n\nModerator: Great\n\n"
        "Tom Ward: It doubled in three years.\n\nModerator: Yes\n\nSession Two - Nuclear Power\n\n"
        "Moderator: Absolutely\n\nTom Ward: Two reactors open this year.\n"
    )
    assert _turns_of(panel)[-1][2] == "Session Two - Nuclear Power"  # many one-word replies, still headings


def test_a_heading_standing_apart_or_introducing_a_turn_is_still_a_heading():
    text = (
        "Title\n\nAnswer: The port is open.\n\n"
        "Shipping\n\nAnswer: Ships leave at dawn.\n"
        "Fishing\nAnswer: Cod is scarce.\n"
    )
    assert [turn[2] for turn in _turns_of(text)] == ["Title", "Shipping", "Fishing"]
    assert [turn[2] for turn in _turns_of(text.replace("Shipping", "## Shipping"))] == ["Title", "Shipping", "Fishing"]


def test_speaker_labels_in_the_forms_transcripts_use():
    text = (
        "Sergey Lavrov:\nThe label stands on its own line.\n\n"
        "ZAKHAROVA: A one-word name in capitals.\n\n"
        "Peskov: A one-word name used twice.\n\n"
        "Émile Dupont: A name with an accent.\n\n"
        "Peskov: The second time.\n\n"
        "Note: a single capitalised word used once is prose, not a speaker.\n"
    )
    assert [(speaker, words[:12]) for speaker, _, _, words in _turns_of(text)] == [
        ("Sergey Lavrov", "The label st"),
        ("ZAKHAROVA", "A one-word n"),
        ("Peskov", "A one-word n"),
        ("Émile Dupont", "A name with "),
        ("Peskov", "The second t"),
    ]
    assert _turns_of(text)[-1][3].endswith("Note: a single capitalised word used once is prose, not a speaker.")


def test_a_word_and_colon_opening_a_remark_is_not_a_speaker():
    text = (
        "Sergey Lavrov: We discussed the alliance.\n"
        "NATO: it keeps moving east, and we see it.\n"
        "NOTE: the figures are preliminary.\n\n"
        "Warning: the ferry may be late.\n\n"
        "Editor’s Note: the exchange was cut for length.\n\n"
        "Question: And the roads?\n\n"
        "Warning: roads may be closed.\n"
    )
    assert [(speaker, words[-22:]) for speaker, _, _, words in _turns_of(text)] == [
        ("Sergey Lavrov", "exchange was cut for length."[-22:]),
        ("Questioner", "Warning: roads may be closed."[-22:]),
    ]
    listed = (
        "Question: What are your priorities?\n\nMINISTER: There are several.\nSecurity: we will expand patrols.\n"
        "Economy: we will cut taxes.\nEU: we will stay close to our partners.\n\nQuestion: Thank you, Minister.\n"
    )
    assert _speakers_of(listed) == ["Questioner", "MINISTER", "Questioner"]
    one_turn_a_line = "SMITH: Welcome.\nLAVROV: Thank you.\nNATO: it keeps moving east.\nSMITH: Next question.\n"
    assert _speakers_of(one_turn_a_line) == ["SMITH", "LAVROV", "SMITH"]
    pdf_lines = (
        "Maria Zakharova: Good afternoon.\nWe will start with Ukraine.\nUSA: We have seen the statement.\n"
        "Question: What about Syria?\nMaria Zakharova: Our position is known.\n"
    )
    assert _speakers_of(pdf_lines) == [
        "Maria Zakharova",
        "Questioner",
        "Maria Zakharova",
    ]
    spoken = "INTERVIEWER: Who else was there?\n\nWIFE: um, I was there too.\n\nINTERVIEWER: Thank you.\n"
    assert _speakers_of(spoken) == ["INTERVIEWER", "WIFE", "INTERVIEWER"]


def test_a_transcript_of_one_turn_a_line_credits_a_speaker_who_speaks_once():
    text = (
        "Interview\n"
        "SMITH: Welcome to the programme, Minister.\nLAVROV: Thank you for having me.\n"
        "SMITH: Let us start with Ukraine.\nLAVROV: We have said many times what we want.\n"
        "JONES: May I add a question from the audience?\nLAVROV: Of course, please.\n"
    )
    assert _speakers_of(text) == ["SMITH", "LAVROV"] * 2 + ["JONES", "LAVROV"]
    assert _speakers_of("Interview\nPUTIN: Good evening.\n" + text[10:])[0] == "PUTIN"


def test_the_words_under_a_label_standing_alone_are_the_speakers_not_a_heading():
    text = "Briefing\n\nQuestion:\n\nThank you minister\n\nQuestion:\nSergey Lavrov: We agree.\n"
    found = turns(text, DocumentSettings())
    assert [(turn.number, turn.speaker, turn.section) for turn in found] == [
        (1, "Questioner", "Briefing"),
        (2, "Sergey Lavrov", "Briefing"),
    ]
    assert text[slice(*found[0].paragraphs[0])] == "Thank you minister"
    hearing = (
        "Senate hearing on the budget\n\nSENATOR WARREN:\n\nThank you Mr Chairman\n\n"
        "SECRETARY YELLEN:\n\nThank you Senator we are watching the banks closely\n\nSENATOR WARREN:\n\nI yield back\n"
    )
    assert [(speaker, words[:9]) for speaker, _, _, words in _turns_of(hearing)] == [
        ("SENATOR WARREN", "Thank you"),
        ("SECRETARY YELLEN", "Thank you"),
        ("SENATOR WARREN", "I yield b"),
    ]


def test_a_markdown_heading_is_a_heading_even_without_blank_lines_around_it():
    text = "Answer: The port is open.\n## Background\nThe port opened in 1900.\n"
    assert [(section, words) for _, _, section, words in _turns_of(text)] == [
        ("", "The port is open."),
        ("Background", "The port opened in 1900."),
    ]
    for wrapped in (  # not Markdown: the line before stops mid-sentence
        "Answer: It was Resolution\n# 2334 of the Security Council\nwas adopted then.\n",
        "Answer: It was Resolution\n# 2334 of the Security Council.\nIt was adopted in December.\n",
    ):
        assert [section for _, _, section, _ in _turns_of(wrapped)] == [""]
    notes = "# Notes\n\nWe met on Monday.\n### Next steps\n- Draft a plan\n## Risks\nCosts may rise.\n"
    assert [section for _, _, section, _ in _turns_of(notes)] == ["Notes", "Next steps", "Risks"]


def test_labels_with_a_timestamp_or_an_aside_name_the_speaker():
    text = (
        "[00:12:31] Steve Rosenberg: Will Russia recognise the vote?\n\n"
        "00:12:40 Sergey Lavrov (via interpreter): We will study it first.\n\n"
        "Maria Zakharova (00:13:02): The ministry will comment later.\n"
    )
    assert [(speaker, words) for speaker, _, _, words in _turns_of(text)] == [
        ("Steve Rosenberg", "Will Russia recognise the vote?"),
        ("Sergey Lavrov", "We will study it first."),
        ("Maria Zakharova", "The ministry will comment later."),
    ]


def test_numbered_speakers_and_labels_closed_by_a_timestamp_as_transcription_services_write_them():
    rev = (
        "Speaker 1 (00:00:05):\nWelcome. What did you agree today?\n\nSpeaker 2 (00:00:09):\nTo meet in March.\n\n"
        "Speaker 1 (00:01:15):\nThank you.\n\nSpeaker 3 (00:01:20):\nMay I add something?\n"
    )
    assert _speakers_of(rev) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 3"]
    otter = "Jane Doe  0:03\nHello everyone.\n\nJohn Smith  0:15\nThanks for having me.\n\nJane Doe  0:20\nSure.\n"
    assert [(speaker, words) for speaker, _, _, words in _turns_of(otter)] == [
        ("Jane Doe", "Hello everyone."),
        ("John Smith", "Thanks for having me."),
        ("Jane Doe", "Sure."),
    ]
    # A number or a closing time alone makes no speaker: steps, figures and a programme's sessions are prose,
    # even when one of them recurs.
    report = (
        "Sergey Lavrov: Here is the plan.\n\nStep 1: open the file.\n\nStep 2: read it.\n\n"
        "Step 1: switch it off.\n\nFigure 1: Nitrate by site.\n\nFigure 1: Nitrate by site.\n"
    )
    assert _speakers_of(report) == ["Sergey Lavrov"]
    agenda = (
        "Answer: The programme follows.\n\nOpening Session 9:00\nWelcome by the minister.\n\nCoffee Break 10:30\n"
        "Tea and coffee.\n\nPanel One 11:00\nEnergy security.\n\nCoffee Break 15:30\nTea again.\n"
    )
    assert _speakers_of(agenda) == [""]
    assert _turns_of(agenda)[0][3].endswith("Coffee Break 15:30 Tea again.")


def test_a_citation_carries_the_transcripts_last_timestamp_but_not_a_pages_publication_time(embedder):
    text = (
        "16:37\n\nPodcast on the Arctic\n\n"
        "[00:00:05.250] Anna Petrova: Welcome. Where do the icebreakers sail this winter?\n\n"
        "[00:00:12] Ivan Sidorov: Along the whole Northern Sea Route, from the port of Murmansk in the west "
        "to the Bering Strait in the east, with a stop at Sabetta.\n\n"
        "[00:04:40]\n\nThey escort the convoys of tankers and container ships every week of the season.\n"
    )
    labels = [p.label for p in _chunked(text, embedder)]
    assert labels == [
        "Notes — Turn 1 ¶1, 00:00:05.250",
        "Notes — Turn 2 ¶1, 00:00:12",
        "Notes — Turn 2 ¶2, 00:04:40",
    ]
    published = "16:37\n\nQuestion: Is the railway line finished?\nAnswer: It will be completed by next year.\n"
    assert [p.label for p in _chunked(published, embedder)] == ["Notes — Q1 question", "Notes — Q1 ¶1"]
    later = published.replace("Answer:", "[00:01:05] Answer:") + "[00:02:10] Question: And the bridge?\n"
    assert [p.label for p in _chunked(later, embedder)][:2] == ["Notes — Q1 question", "Notes — Q1 ¶1, 00:01:05"]
    from_the_start = "0:00\nWelcome to the show, where we talk about the Arctic.\n0:05\nToday, the icebreakers.\n"
    assert [p.label for p in _chunked(from_the_start, embedder)] == ["Notes — Opening remarks ¶1–2, 0:00"]


def test_labels_as_official_parliamentary_and_markdown_transcripts_write_them():
    briefing = (
        "MS. JEAN-PIERRE: Good afternoon, everyone.\n\nQ Thank you, Karine. Will the President veto the farm bill?\n\n"
        "MS. JEAN-PIERRE: I'm not going to get ahead of the President.\n\nQ. And on Ukraine?\n\n"
        "MS. JEAN-PIERRE: Nothing new.\n\nQ and A sessions resume on Monday.\n"
    )
    assert [(speaker, role, words[:9]) for speaker, role, _, words in _turns_of(briefing)] == [
        ("MS. JEAN-PIERRE", "answer", "Good afte"),
        ("Questioner", "question", "Thank you"),
        ("MS. JEAN-PIERRE", "answer", "I'm not g"),
        ("Questioner", "question", "And on Uk"),
        ("MS. JEAN-PIERRE", "answer", "Nothing n"),
    ]
    assert _turns_of(briefing)[-1][3].endswith("Nothing new. Q and A sessions resume on Monday.")
    hansard = (
        "Mr Speaker: Order. I call Kemi Badenoch.\n\n"
        "Mrs Kemi Badenoch (North West Essex) (Con): Will the Prime Minister rule out raising taxes?\n\n"
        "The Prime Minister (Keir Starmer): No.\n\nFROM THE FLOOR: What about the budget?\n\n"
        "Ursula von der Leyen: We decided to act on energy prices.\n\nDate of Birth: not given.\n"
    )
    assert _speakers_of(hansard) == [
        "Mr Speaker",
        "Mrs Kemi Badenoch",
        "The Prime Minister",
        "FROM THE FLOOR",
        "Ursula von der Leyen",
    ]
    # A lone "Q" opening a sentence asks nothing; in a briefing the questions are many.
    assert _speakers_of("Answer: The road works end soon.\n\nQ Street was closed for repairs today.\n") == [""]
    asked = "Q Mr. President: will you sign the bill?\n\nTHE PRESIDENT: Yes.\n\nQ And when?\n\nTHE PRESIDENT: Soon.\n"
    assert _turns_of(asked)[0][:2] == ("Questioner", "question")
    shouted = "Secretary Blinken: Good morning.\n\nQ Thank you.\n\nSECRETARY BLINKEN: Next.\n\nQ And Iran?\n"
    assert _speakers_of(shouted) == ["Secretary Blinken", "Questioner", "Secretary Blinken", "Questioner"]
    markdown = "**Question:** What are your priorities?\n\n**Minister Jones**: The economy, then housing.\n"
    assert [(speaker, words) for speaker, _, _, words in _turns_of(markdown)] == [
        ("Questioner", "What are your priorities?"),
        ("Minister Jones", "The economy, then housing."),
    ]


def test_in_a_briefing_that_labels_only_its_questions_the_paragraph_after_a_question_answers_it():
    briefing = (
        "Press briefing on the harbour\n\nQ. When will the harbour open?\n\n"
        "The harbour opens in May, after the final safety inspection.\n\nThe ferries follow in June.\n\n"
        "Q. Thank you. A second question, on the cost.\n\nWho pays for it?\n\n"
        "Last week the mayor said the region would. Is that still so? Thank you.\n\n"
        "The city and the region pay for it together.\n"
    )
    assert [(speaker, role, words[:20]) for speaker, role, _, words in _turns_of(briefing)] == [
        ("Questioner", "question", "When will the harbou"),
        ("", "answer", "The harbour opens in"),  # both paragraphs: no label ends the answer
        ("Questioner", "question", "Thank you. A second "),  # it has not asked yet, then asks twice
        ("", "answer", "The city and the reg"),
    ]
    assert _turns_of(briefing)[1][3].endswith("The ferries follow in June.")
    assert _turns_of(briefing)[2][3].endswith("Is that still so? Thank you.")
    answered_by = _turns_of(briefing, speakers={"Answer": "Harbour Authority"})  # as "Answer:" would be
    assert [speaker for speaker, role, _, _ in answered_by if role == "answer"] == ["Harbour Authority"] * 2
    # Where the answers are labelled, a paragraph after a question is more of it.
    labelled = "Q. Thank you.\n\nOn the harbour: when?\n\nMS. LEE: In May.\n\nQ. And the ferries.\n\nMS. LEE: June.\n"
    assert [role for _, role, _, _ in _turns_of(labelled)] == ["question", "answer", "question", "answer"]
    assert _turns_of(labelled)[0][3] == "Thank you. On the harbour: when?"


def test_office_holders_particles_invisible_marks_and_interviewers_as_transcripts_write_them():
    commons = (
        "Mr Speaker: I call the Secretary of State.\n\n"
        "The Secretary of State for Defence (John Healey): We will spend 2.5 percent of GDP on defence.\n\n"
        "The Chancellor of the Exchequer (Rachel Reeves): The rules are the rules.\n\n"
        "Mr\xa0Speaker: Order. I call the shadow Minister.\n\n"
        "The Secretary of State for Energy Security and Net Zero (Ed Miliband): Bills will come down.\n\n"
        "The Minister of State, Ministry of Defence (Luke Pollard): We agree.\n\n"
        "The Treaty of Rome (1957): It founded the EEC.\n\n"
        "The Case for Reform (Executive Summary): This paper argues for change.\n\n"
        "The Leader of the House of Lords (Baroness Smith of Basildon) (Lab): My Lords, I beg to move.\n\n"
        "**The Secretary of State for Defence (John Healey):** I beg to move.\n\n"
        "The Chancellor of the Exchequer (Rachel Reeves):\nYes, I do.\n"
    )
    assert _speakers_of(commons) == [
        "Mr Speaker",
        "The Secretary of State for Defence",
        "The Chancellor of the Exchequer",
        "Mr Speaker",
        "The Secretary of State for Energy Security and Net Zero",
        "The Minister of State, Ministry of Defence",  # a treaty's year, a paper's summary: no office holder
        "The Leader of the House of Lords",
        "The Secretary of State for Defence",
        "The Chancellor of the Exchequer",
    ]
    assert _speakers_of("The report of the committee on the budget for next year was late: nobody asked.\n") == [""]
    talks = "Kaja Kallas: We stand ready to help.\n\nAsaad al-Shaibani: The Syrian people have waited for years.\n"
    assert _speakers_of(talks) == ["Kaja Kallas", "Asaad al-Shaibani"]
    arabic = "\u200fمراسل الجزيرة: ما موقفكم؟\n\n\u200fالمتحدث الرسمي: نرحب بالحوار.\n\n" * 2
    assert _speakers_of(arabic) == ["مراسل الجزيرة", "المتحدث الرسمي"] * 2
    assert (
        _speakers_of("زاخاروفا\u200f: نعم.\n\nمراسل: لماذا؟\n\n" * 2) == ["زاخاروفا", "مراسل"] * 2
    )  # mark before colon
    interview = (
        "Interviewer: The flood last April damaged four hundred homes. Where does the rebuilding stand?\n\n"
        "Mayor Grant: Half of them are rebuilt.\n\nInterviewer: And the rest?\n\nMayor Grant: Next year.\n\n"
        "Reporter 2: Who pays?\n"
    )
    assert [(speaker, role) for speaker, role, _, _ in _turns_of(interview)] == [
        ("Interviewer", "question"),
        ("Mayor Grant", "answer"),
        ("Interviewer", "question"),
        ("Mayor Grant", "answer"),
        ("Reporter 2", "question"),
    ]
    byline = "Floods hit the valley\n\nReporter: Jane Doe\n\nThe river burst its banks on Monday.\n"
    minutes = "Minutes\n\nChair: Jane Smith.\nSecretary: Bob Jones\n\nApologies were received.\n"
    notice = "Host: the city of Kazan.\n\nGuest: Wi-Fi password is guest123.\n\nTickets are free.\n"
    for fields in (byline, minutes, notice):  # a one-word label used once is a field, not a speaker
        assert {speaker for speaker, _, _, _ in _turns_of(fields)} == {""}


def test_prose_after_a_heading_goes_to_the_opening_speaker_only_before_the_first_label():
    townhall = (
        "Welcome to the town hall on transport.\n\n"
        "**Commissioner Reyes:** Thank you. I will walk through the plan.\n\n## Buses\n\n"
        "We will add forty new electric buses by 2026.\n"
    )
    assert [(speaker, words[:20]) for speaker, _, _, words in _turns_of(townhall, opening_speaker="Moderator")] == [
        ("Moderator", "Welcome to the town "),
        ("Commissioner Reyes", "Thank you. I will wa"),
        ("", "We will add forty ne"),  # the commissioner's, or a statement the heading introduces: no one's
    ]


def test_labels_and_sentences_in_scripts_without_capitals_or_latin_stops():
    text = (
        "Question: What is China's response to the new tariffs?\n\n毛宁：中方坚决反对。我们将采取必要措施。\n\n"
        "Question: And Iran?\n\nمحمد عباس: موقفنا واضح\n\nQuestion: And India?\n\n毛宁：我们欢迎对话\n\n"
        "Question: And Iraq?\n\nمحمد عباس: نعم\n"
    )
    assert [(speaker, words) for speaker, _, _, words in _turns_of(text)][1::2] == [
        ("毛宁", "中方坚决反对。我们将采取必要措施。"),
        ("محمد عباس", "موقفنا واضح"),
        ("毛宁", "我们欢迎对话"),
        ("محمد عباس", "نعم"),
    ]
    # Without capitals to tell a name, a label used once is prose: "the minister said: talks go on",
    # here the answer of no one named (the question is the document's only label).
    said = "Question: And the talks?\n\nقال الوزير: إن المحادثات مستمرة.\n"
    assert _turns_of(said)[1] == ("", "answer", "", "قال الوزير: إن المحادثات مستمرة.")
    quoted = "Answer: The sign at the border read:\n\nभारत में आपका स्वागत है।\n\nAnd then we crossed.\n"
    assert _turns_of(quoted) == [
        ("", "answer", "", "The sign at the border read: भारत में आपका स्वागत है। And then we crossed.")
    ]
    named = "Question: Will you run?\n\nursula: No.\n"
    assert _speakers_of(named) == ["Questioner", ""]
    assert [s for s, _, _, _ in _turns_of(named, speakers={"ursula": "Ursula von der Leyen"})][
        1
    ] == "Ursula von der Leyen"


def test_stage_directions_stay_in_the_turn_and_field_names_are_no_speakers():
    speech = (
        "Rally in Ohio\n\nTHE PRESIDENT: Thank you all for coming.\n\n(Applause)\n\n"
        "We passed the biggest climate bill in history.\n\n[crosstalk]\n\nAnd we are not done yet.\n"
    )
    assert _turns_of(speech) == [
        (
            "THE PRESIDENT",
            "answer",
            "Rally in Ohio",
            "Thank you all for coming. (Applause) We passed the biggest climate bill in history. [crosstalk] "
            "And we are not done yet.",
        )
    ]
    report = (
        "Sergey Lavrov: We welcome the agreement.\n\nKey Findings: The deal cuts tariffs on grain.\n\n"
        "Note to Editors: Photos are available.\n\nOn Ukraine: talks continue.\n\nKimiko Date: I agree.\n"
    )
    assert [(speaker, words[:12]) for speaker, _, _, words in _turns_of(report)] == [
        ("Sergey Lavrov", "We welcome t"),
        ("Kimiko Date", "I agree."),
    ]
    assert "Key Findings: The deal" in _turns_of(report)[0][3]


def test_a_journalist_named_in_the_metadata_asks_the_question():
    text = "Steve Rosenberg: Will Russia recognise the vote?\n\nSergey Lavrov: We will study it first.\n"
    roles = [(speaker, role) for speaker, role, _, _ in _turns_of(text, questioners=("Steve Rosenberg",))]
    assert roles == [("Steve Rosenberg", "question"), ("Sergey Lavrov", "answer")]
    in_capitals = text + "\nSTEVE ROSENBERG: And the sanctions?\n\nLAVROV: Nothing new.\n\nANSWER: Nothing at all.\n"
    named = {"Lavrov": "Sergey Lavrov", "Answer": "Foreign Ministry"}
    roles = [
        (who, role) for who, role, _, _ in _turns_of(in_capitals, questioners=("Steve Rosenberg",), speakers=named)
    ]
    assert roles[2:] == [("Steve Rosenberg", "question"), ("Sergey Lavrov", "answer"), ("Foreign Ministry", "answer")]


def test_html_and_word_headings_between_paragraphs_name_their_sections():
    page = b"<h1>Briefing</h1><p>Answer: The port is open.</p><h2>Fishing</h2><p>Cod is scarce.</p>"
    word = make_docx(
        [
            ("Heading 1", "Briefing"),
            ("Normal", "Answer: The port is open."),
            ("Heading 2", "Fishing"),
            ("Normal", "Cod is scarce."),
        ]
    )
    for text in (html_text(Path("b.html"), page).text, docx_text(Path("b.docx"), word).text):
        assert [(section, words) for _, _, section, words in _turns_of(text)] == [
            ("Briefing", "The port is open."),
            ("Fishing", "Cod is scarce."),
        ]


def test_a_word_documents_footnotes_are_text_under_their_own_heading():
    minutes = make_docx([("Heading 1", "Minutes"), ("Normal", "Chair: The motion passed, Mr Haas voting against.")])
    notes = (
        '<w:footnote w:id="1"><w:p><w:r><w:t></w:t></w:r></w:p></w:footnote>'  # an empty note keeps its number
        '<w:footnote w:id="2"><w:p><w:r><w:t>Mr Haas asked that his reason</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>be recorded in full.</w:t><w:tab/><w:t>See p.</w:t><w:br/><w:t>4.</w:t></w:r></w:p>"
        "</w:footnote>"
    )
    word = with_footnotes(minutes, notes)
    text = docx_text(Path("m.docx"), word).text
    assert text.endswith("\n\nFootnotes\n\n2. Mr Haas asked that his reason be recorded in full. See p. 4.\n")
    speech = _turns_of(text, opening_speaker="Ms Okafor")
    assert speech[-1][:3] == ("", "answer", "Footnotes")  # the document's note, no speaker's
    damaged = with_footnotes(minutes, "<w:footnote><w:p>")
    assert docx_text(Path("d.docx"), damaged).text == "Minutes\n\nChair: The motion passed, Mr Haas voting against.\n"


def test_a_pdfs_running_heads_and_feet_are_left_out():
    pages = [
        f"Hearing on the harbour\nMS. OKAFOR: The dredging {said} on schedule.\n"
        f"11/27/26, 9:15 AM\nfile:///hearing.html {n}/3"
        for n, said in ((1, "is"), (2, "remains"), (3, "stays"))
    ]
    text = pdf_text(Path("h.pdf"), make_pdf(pages)).text
    assert "file:///" not in text and "AM" not in text and "Hearing on the harbour" not in text
    assert text.count("MS. OKAFOR: The dredging") == 3
    two = pdf_text(Path("t.pdf"), make_pdf(["Answer:\nThe port is open.", "Answer:\nThe port is closed."])).text
    assert two.count("Answer:") == 2  # a label alone on its line is the speaker's, not the printer's


def test_a_heading_inside_left_out_page_chrome_leaves_no_blank_line_behind():
    page = b"<p>Answer: The port is open and</p><nav><h2>Menu</h2></nav><p>ships leave at dawn.</p>"
    assert html_text(Path("p.html"), page).text == "Answer: The port is open and\nships leave at dawn.\n"
    minified = b"<p>The talks went well<aside><h3>Related</h3><a href='/x'>Visas</a></aside>and resume in May.</p>"
    assert html_text(Path("m.html"), minified).text == "The talks went well\nand resume in May.\n"
    quoted = (
        b"<p>The governor spoke.</p><blockquote><p>We are asking for calm.</p>"
        b"<footer>Statement from the Governor's office</footer></blockquote><footer>Contact us</footer>"
    )
    assert html_text(Path("q.html"), quoted).text == (
        "The governor spoke.\nWe are asking for calm.\nStatement from the Governor's office\n"
    )  # a quotation's source is kept, the page's footer is not
    inline = b"<p>The governor said: <q>We are asking for <q>calm</q>.</q> Then she left.</p>"
    assert html_text(Path("i.html"), inline).text == "The governor said: “We are asking for ‘calm’.” Then she left.\n"
    unclosed = (
        b"<article><p>She said:</p><blockquote><p>We stay.</p><aside>Ad</aside></article><footer>(c) News</footer>"
    )
    assert html_text(Path("u.html"), unclosed).text == "She said:\nWe stay.\n"  # the page's footer stays out
    in_div = b"<body><div><p>Text.</p><blockquote><p>Quote.</div><footer>Copyright Site 2024</footer></body>"
    assert html_text(Path("d.html"), in_div).text == "Text.\nQuote.\n"
    kept = b"<blockquote><div><p>We stay.</p></div><footer>The Governor</footer></blockquote><footer>Site</footer>"
    assert html_text(Path("k.html"), kept).text == "We stay.\nThe Governor\n"


def test_sentences_end_before_any_alphabets_capital_a_dash_or_a_blank_line():
    text = "We met in Paris. Élysée officials came.\n\n— Well, no\n\nA paragraph without a full stop\n\nNext."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "We met in Paris.",
        "Élysée officials came.",
        "— Well, no",
        "A paragraph without a full stop",
        "Next.",
    ]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "old mac"])
def test_line_endings_of_any_system_read_the_same(newline):
    text = "Briefing\n\nQuestion: Will the port open?\nSoon?\n\nSergey Lavrov: It opens in May.\n\nNext part.\n"
    converted = text.replace("\n", newline)
    assert [turn[:3] for turn in _turns_of(converted)] == [turn[:3] for turn in _turns_of(text)]
    assert len(sentence_spans(converted)) == len(sentence_spans(text))
    wrapped = f"A line without a stop{newline}goes on here."
    assert sentence_spans(wrapped) == [(0, len(wrapped))]
