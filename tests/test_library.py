"""Bringing your own documents: formats, adding, replacing, removing, bad input, concurrency."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import PROJECT_ROOT, store
from index.build import build_index
from index.embedding import DEFAULT_MODEL, resolve_model
from index.errors import DocumentError, IndexMissingError, LibraryError
from index.formats import MAX_DOCUMENT_BYTES, MAX_UNPACKED_BYTES, docx_text, extract, html_text
from index.manage import add_documents, remove_document, set_metadata
from index.store import read_index
from retrieval import Library, StaleIndexError, ask
from tests.fixtures.documents import HOSTILE_HTML, locked_pdf, make_docx, make_pdf, zip_bomb_docx

BRIDGE_PDF = make_pdf(
    [
        "Briefing on the river bridge\nQuestion: When will the new river bridge open to traffic?\n"
        "Answer: The new river bridge opens to traffic in May, after the load tests.",
        "Answer: Tolls on the bridge will stay below two euros for residents of the district.",
    ]
)
PORT_DOCX = make_docx(
    [
        ("Heading 1", "Port authority report"),
        ("Normal", "Answer: Container traffic through the port grew by 12 percent."),
    ]
)
LOCKED_PDF = locked_pdf(BRIDGE_PDF, "secret")
FERRY_TXT = b"Question: Does the night ferry still run?\nAnswer: The night ferry was cancelled for the winter season.\n"


@pytest.fixture
def library_dirs(tmp_path) -> tuple[Path, Path]:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    results = add_documents(corpus, [("ferry.txt", FERRY_TXT)])
    assert results[0].status == "added"
    build_index(corpus, index)
    return corpus, index


def test_every_format_is_indexed_with_exact_spans_into_the_stored_text(library_dirs):
    corpus, index = library_dirs
    files = [("bridge.pdf", BRIDGE_PDF), ("port.docx", PORT_DOCX), ("harbour.html", HOSTILE_HTML.encode())]
    assert [r.status for r in add_documents(corpus, files)] == ["added"] * 3
    build_index(corpus, index)
    library = Library.open(index, corpus)
    for passage in library.passages:
        document = library.documents[passage.doc_id]
        source = PROJECT_ROOT / document.source if not Path(document.source).is_absolute() else Path(document.source)
        assert source.read_bytes().decode("utf-8")[passage.start : passage.end] == passage.text
    bridge = library.documents["bridge"]
    assert bridge.original.endswith("bridge.pdf") and bridge.source.endswith(".text/bridge.pdf.txt")
    tolls = ask(library, "How much is the bridge toll for residents?").hits[0].passage
    assert tolls.doc_id == "bridge" and tolls.label.endswith("p. 2")
    head = tolls.label.rsplit(" ¶", 1)[0]
    assert library.passage(head).doc_id == "bridge"  # a PDF passage is found by its turn, as any other
    port = ask(library, "How much did container traffic grow?").sentences[0]
    assert "12 percent" in port.text and port.passage.role == "answer"
    harbour_text = library.documents["harbour"].text
    assert "alert" not in harbour_text and "steal" not in harbour_text and "Home" not in harbour_text
    assert "The harbour works end in October" in harbour_text


@pytest.mark.parametrize(
    ("damaged", "content"),
    [
        ("harbour.html.json", b"{not json"),
        ("harbour.html.txt", b"The harbour works end in March.\n"),
        ("harbour.html.txt", None),
    ],
    ids=["damaged", "edited", "deleted"],
)
def test_a_damaged_or_edited_text_copy_is_extracted_again_not_cited(library_dirs, damaged, content):
    corpus, index = library_dirs
    add_documents(corpus, [("harbour.html", HOSTILE_HTML.encode())])
    build_index(corpus, index)
    copy = corpus / ".text" / damaged
    if content is None:
        copy.unlink()
    else:
        copy.write_bytes(content)
    with pytest.raises(StaleIndexError, match="extracted from harbour.html, which citations point into"):
        Library.open(index, corpus)  # the text cited is not on disk as indexed until a build stores it again
    build_index(corpus, index)
    text = Library.open(index, corpus).documents["harbour"].text
    assert "The harbour works end in October" in text and "March" not in text
    assert (corpus / ".text" / "harbour.html.txt").read_text(encoding="utf-8") == text


def test_a_copy_extracted_by_an_older_verbatim_is_extracted_again(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("harbour.html", HOSTILE_HTML.encode())])
    build_index(corpus, index)
    info_path = corpus / ".text" / "harbour.html.json"
    info = json.loads(info_path.read_text(encoding="utf-8"))
    (corpus / ".text" / "harbour.html.txt").write_text("The harbour works end in March.\n", encoding="utf-8")
    info.update(text_sha256=hashlib.sha256(b"The harbour works end in March.\n").hexdigest(), extraction_version=1)
    info_path.write_text(json.dumps(info), encoding="utf-8")
    build_index(corpus, index)
    text = Library.open(index, corpus).documents["harbour"].text
    assert "The harbour works end in October" in text and "March" not in text


def test_opening_a_library_only_reads_its_folder(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("harbour.html", HOSTILE_HTML.encode())])
    build_index(corpus, index)
    shutil.rmtree(corpus / ".text")
    with pytest.raises(StaleIndexError, match="python -m index build"):  # the cited text is gone: a build restores it
        Library.open(index, corpus)
    assert not (corpus / ".text").exists()  # opening wrote nothing
    assert "The harbour works end in October" in Library.open(index).documents["harbour"].text  # as last built


def test_the_text_of_a_converted_file_removed_by_hand_goes_with_it(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("port.docx", PORT_DOCX)])
    build_index(corpus, index)
    assert (corpus / ".text" / "port.docx.txt").exists()
    (corpus / "port.docx").unlink()
    build_index(corpus, index)
    assert not (corpus / ".text" / "port.docx.txt").exists() and not (corpus / ".text" / "port.docx.json").exists()


def test_definition_lists_keep_a_label_and_its_words_on_their_own_lines():
    page = b"<dl><dt>Question:</dt><dd>Will you run?</dd><dt>Minister Jones:</dt><dd>No.</dd></dl><ul><li>A</li></ul>"
    assert html_text(Path("port.html"), page).text == "Question:\nWill you run?\nMinister Jones:\nNo.\nA\n"


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ('\ufeff<meta charset="windows-1252"><p>Café crème at the summit.</p>'.encode(), "Café crème at the summit.\n"),
        (b'<meta charset="utf-16"><p>The summit opens in Geneva.</p>', "The summit opens in Geneva.\n"),
        ('<meta charset="utf-8"><p>Café at the summit.</p>'.encode("utf-16"), "Café at the summit.\n"),
        (b'<meta charset="utf16"><p>The summit opens in Geneva.</p>', "The summit opens in Geneva.\n"),
        (b'<meta charset="iso-8859-1"><p>\x93Yes,\x94 he said.</p>', "“Yes,” he said.\n"),
        ("<p>Set charset=latin1 in the form.</p><p>Café.</p>".encode(), "Set charset=latin1 in the form.\nCafé.\n"),
        ('<meta name="description" content="charset=shift_jis"><p>Café.</p>'.encode(), "Café.\n"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Caf\xe9 \x81.</p>',
            "Café \x81.\n",
        ),
    ],
    ids=[
        "byte-order mark over a declared charset",
        "utf-16 declared, utf-8 saved",
        "utf-16 with its mark",
        "utf16 declared",
        "latin-1 read as windows-1252",
        "charset in the text",
        "charset in a description",
        "content type's charset, with a byte windows-1252 leaves undefined",
    ],
)
def test_a_page_is_read_in_the_encoding_a_browser_would_use(page, text):
    assert html_text(Path("summit.html"), page).text == text


def test_a_page_that_is_not_the_encoding_it_declares_says_so():
    page = '<meta charset="utf-8"><p>Café crème at the summit.</p>'.encode("latin-1")
    with pytest.raises(DocumentError, match="is HTML that is not valid utf-8 \\(at byte 28\\)"):
        html_text(Path("summit.html"), page)


def test_a_page_that_leaves_out_its_closing_head_tag_keeps_its_body():
    page = b"<html><head><title>Port</title><body><p>The harbour opens at dawn.</p><script>x()</script></body>"
    assert html_text(Path("port.html"), page).text == "The harbour opens at dawn.\n"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><form action='/x'><p>Answer: The harbour opens at dawn.</p></form></body></html>",
        b"<html><body><header><h1>Port news</h1><p>Answer: The harbour opens at dawn.</p></body></html>",
    ],
    ids=["page inside a form", "header never closed"],
)
def test_a_page_whose_text_sits_inside_page_chrome_keeps_it(page):
    assert "Answer: The harbour opens at dawn." in html_text(Path("port.html"), page).text


def test_a_page_nested_a_hundred_thousand_deep_is_read_at_once():
    """Closing each of 100,000 nested <nav> once searched all the open ones: minutes, not a second."""
    depth = 100_000
    page = b"<p>Minister Jones: The dams hold.</p>" + b"<nav>" * depth + b"menu" + b"</nav>" * depth + b"<p>Thanks.</p>"
    assert extract(Path("deep.html"), page).text == "Minister Jones: The dams hold.\nThanks.\n"


def test_word_tables_are_read_row_by_row_in_document_order():
    data = make_docx(
        [("Normal", "Answer: Tariffs are listed below."), ("Table", "Goods|Tariff"), ("Table", "Steel|25 percent")]
    )
    text = docx_text(Path("tariffs.docx"), data).text
    assert text == "Answer: Tariffs are listed below.\nGoods\tTariff\nSteel\t25 percent\n"


def test_table_cells_stay_apart_and_rows_stay_lines():
    table = b"<table><tr><th>City</th><th>Flights</th></tr><tr><td>Moscow</td><td>12</td></tr></table>"
    assert html_text(Path("flights.html"), table).text == "City\tFlights\nMoscow\t12\n"


def test_adding_one_document_embeds_only_its_text_and_keeps_other_ids(library_dirs):
    corpus, index = library_dirs
    before = {p.passage_id for p in read_index(index).passages}
    add_documents(corpus, [("bridge.pdf", BRIDGE_PDF)])
    report = build_index(corpus, index)
    stored = read_index(index)
    bridge = next(d for d in stored.documents if d.doc_id == "bridge")
    new_texts = {p.text for p in stored.passages if p.doc_id == "bridge"} | {
        bridge.text[s:e] for row, s, e in stored.sentence_spans.tolist() if stored.passages[row].doc_id == "bridge"
    }
    assert report.embedded == len(new_texts)  # identical texts (a one-sentence passage) are embedded once
    assert before <= {p.passage_id for p in stored.passages}

    remove_document(corpus, "bridge")
    report = build_index(corpus, index)
    assert report.embedded == 0
    assert {p.passage_id for p in read_index(index).passages} == before
    assert not (corpus / ".text" / "bridge.pdf.txt").exists()


def test_a_library_built_with_another_model_keeps_it_when_documents_change(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    add_documents(corpus, [("ferry.txt", FERRY_TXT)])
    chosen = resolve_model(DEFAULT_MODEL)  # the bundled model named by its folder: another model to the index
    build_index(corpus, index, chosen)
    add_documents(corpus, [("port.docx", PORT_DOCX)])
    report = build_index(corpus, index)  # as `python -m index add` and the app's upload run it
    assert read_index(index).manifest["model"] == chosen
    assert report.reused > 0 and report.embedded == 1  # the port's one-sentence passage, nothing else


def test_the_same_content_is_recognised_and_a_same_name_replaces(library_dirs):
    corpus, _ = library_dirs
    assert add_documents(corpus, [("copy-of-ferry.txt", FERRY_TXT)])[0].status == "duplicate"
    assert add_documents(corpus, [("ferry.txt", FERRY_TXT)])[0].message == "is already in the library"
    changed = FERRY_TXT.replace(b"winter", b"summer")
    kept = add_documents(corpus, [("ferry.txt", changed)], replace=False)[0]
    assert (kept.status, (corpus / "ferry.txt").read_bytes()) == ("exists", FERRY_TXT)  # the app's default
    assert add_documents(corpus, [("ferry.txt", changed)])[0].status == "updated"
    assert (corpus / "ferry.txt").read_bytes() == changed
    assert not (corpus / "copy-of-ferry.txt").exists()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "is empty"),
        ("picture.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "is not a PDF"),
        ("notes.docx", b"just some text pretending", "is not a Word"),
        ("cut.docx", PORT_DOCX[: len(PORT_DOCX) // 2], "is a Word document cut short or damaged"),
        ("binary.txt", b"abc\x00\x01\x02" * 100, "looks binary"),
        ("latin1.txt", "Déclaration du ministre à Genève".encode("latin-1"), "not valid UTF-8"),
        ("windows.txt", "Answer: The ferry runs.".encode("utf-16"), "is UTF-16 text; re-save it with UTF-8"),
        ("locked.pdf", LOCKED_PDF, "is password-protected"),
        ("scan.pdf", make_pdf([""]), "no text layer"),
        ("huge.txt", b"a" * (MAX_DOCUMENT_BYTES + 1), "is 52,428,801 bytes; the limit is 50 MiB"),
        ("bomb.docx", zip_bomb_docx(MAX_UNPACKED_BYTES), "it may be a zip bomb"),
        ("../escape.txt", FERRY_TXT, "unsafe file name"),
        ("folder/inner.txt", FERRY_TXT, "unsafe file name"),
        (".hidden.txt", FERRY_TXT, "unsafe file name"),
        ("tool.exe", b"MZ", "unsupported type"),
        ("Ferry.TXT", b"Answer: The volcano erupted again this morning.", "same document id as ferry.txt"),
    ],
)
def test_bad_input_is_rejected_with_a_reason_and_nothing_is_written(library_dirs, name, content, problem):
    corpus, index = library_dirs
    before = sorted(p.name for p in corpus.iterdir())
    result = add_documents(corpus, [(name, content)])[0]
    assert result.status == "rejected" and problem in result.message
    assert sorted(p.name for p in corpus.iterdir()) == before
    assert not (corpus.parent / "escape.txt").exists()
    assert build_index(corpus, index).up_to_date  # the library is untouched


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (lambda corpus: (corpus / "library.json").write_text('{"ferry.txt": {"title": 5}}'), "must be text, not 5"),
    ],
    ids=["metadata typo"],
)
def test_a_document_already_indexed_is_never_dropped_for_a_problem_with_its_file(library_dirs, break_it, problem):
    corpus, index = library_dirs
    break_it(corpus)
    with pytest.raises(LibraryError, match=problem) as refused:
        build_index(corpus, index)
    assert "left as it was" in str(refused.value)
    library = Library.open(index)
    assert ask(library, "Does the night ferry still run?").hits[0].passage.text == (
        "The night ferry was cancelled for the winter season."
    )


@pytest.mark.parametrize("newcomer", ["ferry.md", "FERRY.TXT"])
def test_a_file_put_beside_an_indexed_one_under_its_id_is_skipped_and_cannot_remove_it(library_dirs, newcomer):
    corpus, index = library_dirs
    (corpus / newcomer).write_bytes(b"Answer: The volcano erupted at dawn.\n")  # put there by hand: same id
    (corpus / "lake.txt").write_bytes(b"Answer: The lake freezes every January.\n")
    report = build_index(corpus, index)  # the newcomer is named, and never taken for the indexed document
    assert [(Path(p.path).name, "same document id as ferry.txt" in str(p)) for p in report.problems] == [
        (newcomer, True)
    ]
    assert store.indexed_files(index) == {"ferry": "ferry.txt", "lake": "lake.txt"}
    library = Library.open(index, corpus)  # the index is up to date with the folder as it is
    assert ask(library, "Does the night ferry still run?").hits[0].passage.text == (
        "The night ferry was cancelled for the winter season."
    )
    with pytest.raises(LibraryError, match="both give the document id 'ferry'"):
        remove_document(corpus, "ferry")
    assert (corpus / "ferry.txt").exists() and (corpus / newcomer).exists()


def test_a_removed_document_leaves_the_index_even_while_another_file_is_broken(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("port.docx", PORT_DOCX), ("lake.txt", b"Answer: The lake freezes every January.\n")])
    build_index(corpus, index)
    (corpus / "ferry.txt").write_bytes(b"Answer: \xff not UTF-8 any more\n")
    remove_document(corpus, "port")
    report = build_index(corpus, index, after_removal=True)  # as `index remove` and the Library page run it
    assert [Path(problem.path).name for problem in report.problems] == ["ferry.txt"]  # reported, not hidden
    assert set(store.indexed_files(index)) == {"lake"}  # the port's words are gone, whatever else is broken


def test_removing_from_a_mistyped_folder_names_it_and_creates_nothing(tmp_path):
    with pytest.raises(LibraryError, match="there is no library folder"):
        remove_document(tmp_path / "corpsu", "ferry")
    with pytest.raises(LibraryError, match="there is no library folder"):
        set_metadata(tmp_path / "corpsu", "ferry", {"title": "Ferry"})
    assert not (tmp_path / "corpsu").exists()


def test_removing_the_last_document_deletes_the_index_and_its_text(library_dirs, tmp_path):
    corpus, index = library_dirs
    (tmp_path / "empty-by-mistake").mkdir()
    with pytest.raises(LibraryError, match="no readable documents"):
        build_index(tmp_path / "empty-by-mistake", index)  # an empty folder named by mistake
    assert Library.open(index).passages  # ...leaves the index alone

    remove_document(corpus, "ferry")
    report = build_index(corpus, index, after_removal=True)
    assert report.documents == 0 and "library is empty" in report.summary()
    assert not any(b"night ferry" in f.read_bytes() for f in index.rglob("*") if f.is_file())
    with pytest.raises(IndexMissingError):
        Library.open(index)


def test_removing_the_last_searchable_document_deletes_the_index_and_its_text(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("headings.txt", b"Agenda\n\nHarbour works\n")])  # read, but nothing to search
    build_index(corpus, index)
    remove_document(corpus, "ferry")
    with pytest.raises(LibraryError, match="nothing to search in headings.txt(.|\n)*the index was deleted"):
        build_index(corpus, index, after_removal=True)
    assert not any(b"night ferry" in f.read_bytes() for f in index.rglob("*") if f.is_file())


def test_an_interrupted_rebuild_after_a_removal_keeps_the_old_index_and_its_embeddings(library_dirs):
    corpus, index = library_dirs
    add_documents(corpus, [("port.txt", b"Answer: The port opens at dawn every day of the year.\n")])
    build_index(corpus, index)
    remove_document(corpus, "port")

    def interrupt(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, index, progress=interrupt, after_removal=True)
    assert len(Library.open(index).documents) == 2  # replaced by the next build, which embeds nothing
    with pytest.raises(LibraryError, match="still holds the removed document's text"):
        build_index(corpus, index, model_name=str(corpus / "no-such-model"), after_removal=True)
    assert build_index(corpus, index).embedded == 0


def test_thousands_of_tiny_files_are_taken_in_one_call(tmp_path):
    files = [(f"note-{i:04d}.txt", f"Answer: Note number {i} is about the harbour.\n".encode()) for i in range(2000)]
    results = add_documents(tmp_path / "corpus", files)
    assert [r.status for r in results] == ["added"] * 2000
    assert len(list((tmp_path / "corpus").glob("note-*.txt"))) == 2000


def test_metadata_edits_change_the_citations(library_dirs):
    corpus, index = library_dirs
    set_metadata(corpus, "ferry", {"title": "Ferry briefing", "short_title": "Ferry briefing", "date": "2025-03-02"})
    build_index(corpus, index)
    library = Library.open(index, corpus)
    assert library.passages[0].label.startswith("Ferry briefing, 2 Mar 2025 — Q1")


def test_two_processes_adding_at_once_both_end_up_in_the_index(library_dirs, tmp_path):
    corpus, index = library_dirs
    (tmp_path / "a.txt").write_text("Answer: The museum reopens on Friday with a gallery of ship models.\n")
    (tmp_path / "b.txt").write_text("Answer: The lighthouse keeper retires next spring after forty years.\n")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    command = [sys.executable, "-m", "index", "add", "--corpus", str(corpus), "--index", str(index)]
    runs = [
        subprocess.Popen([*command, str(tmp_path / name)], cwd=PROJECT_ROOT, env=env) for name in ("a.txt", "b.txt")
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    assert {d.doc_id for d in Library.open(index, corpus).stored.documents} == {"ferry", "a", "b"}


def test_a_timestamped_passage_opens_by_its_label_with_or_without_the_time(library_dirs):
    corpus, index = library_dirs
    podcast = (
        b"Arctic podcast\n\n[00:00:05] Anna Petrova: Where do the icebreakers sail this winter?\n\n"
        b"[00:00:12] Ivan Sidorov: Along the whole Northern Sea Route, from Murmansk to the Bering Strait.\n"
    )
    assert add_documents(corpus, [("podcast.txt", podcast)])[0].status == "added"
    build_index(corpus, index)
    library = Library.open(index, corpus)
    answer = next(p for p in library.passages if p.doc_id == "podcast" and "Murmansk" in p.text)
    assert answer.label == "podcast — Turn 2 ¶1, 00:00:12" and answer.speaker == "Ivan Sidorov"
    for typed in ("podcast — Turn 2 ¶1, 00:00:12", "Podcast - turn 2 ¶1", "podcast — Turn 2"):
        assert library.passage(typed) == answer
