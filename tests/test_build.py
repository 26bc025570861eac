"""Building, caching and persisting the index, including what happens when things go wrong."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index import PROJECT_ROOT, store
from index.build import build_index
from index.corpus import scan_corpus
from index.errors import IndexFormatError, IndexMissingError, LibraryError
from index.formats import MAX_DOCUMENT_BYTES
from index.store import current_build, read_index
from retrieval import Library, StaleIndexError
from tests.conftest import write_transcript

TRANSCRIPT = """Press conference on river trade
Question: What happened to grain exports along the river this spring?
Answer: Grain exports along the river doubled this spring because the new locks opened in March.
The barges now carry forty thousand tonnes a week.
Question: Will the ferry to the island resume?
Answer: The island ferry resumes in June, once the pier repairs are finished.
"""
SECOND = """Briefing on museums
Curator Anna Petrova: The museum of maritime history reopens on Friday with a new gallery of ship models.
"""


def small_corpus(folder: Path) -> Path:
    write_transcript(folder, "river-trade.txt", TRANSCRIPT)
    write_transcript(folder, "museums.md", SECOND)
    return folder


def test_second_open_of_an_up_to_date_index_embeds_nothing(bundled_index):
    report = build_index(PROJECT_ROOT / "corpus", bundled_index)
    assert report.up_to_date and report.embedded == 0


def test_a_paragraph_of_opening_remarks_is_read_after_the_one_before(tmp_path):
    remarks = (
        "The minister opened the session with a long statement about the new river dams in the north, "
        "which were designed to protect the valley towns from the spring floods of recent years.\n\n"
        "Considering the circumstances, they will be finished two years later than planned, in 2027, "
        "once the contractors have repaired the damage the floods did to the foundations last spring.\n\n"
        "Question: When will the dams be finished?\n\nAnswer: In 2027, as the minister said at the start.\n"
    )
    write_transcript(tmp_path / "corpus", "remarks.txt", remarks)
    build_index(tmp_path / "corpus", tmp_path / "index")
    stored = read_index(tmp_path / "index")
    opening = [i for i, (row, _, _) in enumerate(stored.sentence_spans.tolist()) if stored.passages[row].turn == 0]
    assert len({stored.passages[stored.sentence_spans[i][0]].passage_id for i in opening}) == 2  # two passages
    second = opening[1]  # "Considering the circumstances, ..." opens the second paragraph
    assert stored.context_hashes[second] != stored.sentence_hashes[second]


def test_rebuild_after_one_file_changes_embeds_only_the_new_text(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    first = build_index(corpus, tmp_path / "index")
    stored = read_index(tmp_path / "index")
    text_of = {d.doc_id: d.text for d in stored.documents}
    sentences = {text_of[stored.passages[r].doc_id][s:e] for r, s, e in stored.sentence_spans.tolist()}
    assert first.embedded == len({p.text for p in stored.passages} | sentences)  # identical texts: one embedding
    before = {p.passage_id: p for p in read_index(tmp_path / "index").passages}

    (corpus / "museums.md").write_text(
        SECOND + "\nCurator Anna Petrova: Entry is free on Sundays for students and pensioners.\n"
    )
    second = build_index(corpus, tmp_path / "index")
    assert second.embedded == 1  # one new passage of one sentence: one new text
    rebuilt = read_index(tmp_path / "index")
    assert first.reused == 0  # nothing came before it, whatever texts repeat within it
    assert second.reused == len({*rebuilt.passage_hashes, *rebuilt.sentence_hashes, *rebuilt.context_hashes}) - 1
    after = {p.passage_id: p for p in rebuilt.passages}
    assert set(before) < set(after)  # every old id survives: shared citations stay valid


def test_index_files_are_plain_data_with_a_manifest(tmp_path):
    build_index(small_corpus(tmp_path / "corpus"), tmp_path / "index")
    build = current_build(tmp_path / "index")
    manifest = json.loads((build / "manifest.json").read_text())
    assert manifest["format_version"] == 3 and manifest["model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384 and len(manifest["corpus_fingerprint"]) == 64
    assert not list(build.glob("*.pkl")) and not list(build.glob("*.pickle"))
    for npy in build.glob("*.npy"):
        np.load(npy, allow_pickle=False)


def test_unknown_format_version_is_refused_with_a_way_out(tmp_path):
    build_index(small_corpus(tmp_path / "corpus"), tmp_path / "index")
    manifest_path = current_build(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps(dict(manifest, format_version=99)))
    with pytest.raises(IndexFormatError, match="has format version 99; this Verbatim reads version .*; rebuild it$"):
        read_index(tmp_path / "index")


def test_damaged_file_is_detected_not_loaded(tmp_path):
    build_index(small_corpus(tmp_path / "corpus"), tmp_path / "index")
    vectors = current_build(tmp_path / "index") / "passage_vectors.npy"
    vectors.write_bytes(vectors.read_bytes()[:-16])
    with pytest.raises(IndexFormatError, match="missing or damaged"):
        read_index(tmp_path / "index")
    report = build_index(tmp_path / "corpus", tmp_path / "index")  # what the message tells the user to do
    assert not report.up_to_date
    assert len(read_index(tmp_path / "index").passages) == report.passages


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m.pop("model"), "'model' is missing"),
        (lambda m: m.pop("corpus_fingerprint"), "'corpus_fingerprint' is missing"),
        (lambda m: m.update(dimension="abc"), "'dimension' is missing or not int"),
        (lambda m: m.update(dimension=768), "but its manifest says 768 dimensions"),
        (lambda m: m.update(indexed=[1]), "'indexed' is not an object of documents"),
    ],
    ids=["no model", "no fingerprint", "dimension not a number", "dimension of another model", "documents a list"],
)
def test_a_damaged_manifest_is_refused_and_rebuilt(tmp_path, edit, message):
    build_index(small_corpus(tmp_path / "corpus"), tmp_path / "index")
    path = current_build(tmp_path / "index") / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexFormatError, match=re.escape(message)):
        read_index(tmp_path / "index")
    assert not build_index(tmp_path / "corpus", tmp_path / "index").up_to_date  # what the message tells
    assert read_index(tmp_path / "index").manifest["dimension"] == 384


def test_a_build_replaced_while_it_is_read_gives_way_to_the_new_one(tmp_path, monkeypatch):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index)
    old = read_index(index)
    read_build = store._read_build

    def replaced_midway(data_dir, build):
        # Another process writes a new build, and deletes this one, while it is read.
        monkeypatch.setattr(store, "_read_build", read_build)
        store.write_index(data_dir, replace(old, manifest={**old.manifest, "created": "later"}))
        return read_build(data_dir, build)

    monkeypatch.setattr(store, "_read_build", replaced_midway)
    assert read_index(index).manifest["created"] == "later"


def test_missing_index_says_how_to_build_it(tmp_path):
    with pytest.raises(IndexMissingError, match="build one with: python -m index build --corpus .* --index "):
        Library.open(tmp_path / "nothing-here", small_corpus(tmp_path / "corpus"))


def test_index_of_other_documents_is_reported_stale(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    build_index(corpus, tmp_path / "index")
    (corpus / "museums.md").write_text(SECOND.replace("Friday", "Saturday"))
    with pytest.raises(StaleIndexError, match="python -m index build"):
        Library.open(tmp_path / "index", corpus)
    (corpus / "museums.md").write_bytes(b"Caf\xe9 hours")  # a file gone bad: the message names it
    with pytest.raises(StaleIndexError, match=r"holds now; .*museums.md: .*not valid UTF-8"):
        Library.open(tmp_path / "index", corpus)


KILL_DURING_WRITE = """
import os, signal, sys
from pathlib import Path
import faiss
from index.build import build_index
real_serialize = faiss.serialize_index
def serialize_then_die(index):
    real_serialize(index)
    os.kill(os.getpid(), signal.SIGKILL)  # the build dies half-way through writing its files
faiss.serialize_index = serialize_then_die
build_index(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_build_killed_while_writing_leaves_the_previous_index_loadable(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    build_index(corpus, tmp_path / "index")
    old = read_index(tmp_path / "index")

    write_transcript(corpus, "third.txt", "Answer: A third document about harbour cranes and their repair schedule.\n")
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILL_DURING_WRITE), str(corpus), str(tmp_path / "index")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]

    survivor = read_index(tmp_path / "index")
    assert [p.passage_id for p in survivor.passages] == [p.passage_id for p in old.passages]
    report = build_index(corpus, tmp_path / "index")  # the next build finishes the job
    assert report.documents == 3
    assert len(list((tmp_path / "index" / "builds").iterdir())) == 1  # the half-written build is gone


def run_on_a_full_disk(*args: str, kib: int = 1) -> subprocess.CompletedProcess:
    """``python -m index ARGS`` where no file may grow past ``kib`` KiB: a full disk, as that process sees it."""
    return subprocess.run(
        ["bash", "-c", f"trap '' XFSZ; ulimit -f {kib}; exec \"$@\"", "-", sys.executable, "-m", "index", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
    )


def test_a_build_the_disk_refuses_says_so_and_keeps_the_previous_index(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index)
    old = read_index(index)
    write_transcript(corpus, "third.txt", "Answer: A third document about harbour cranes and their repair schedule.\n")

    child = run_on_a_full_disk("build", "--corpus", str(corpus), "--index", str(index))

    assert child.returncode == 1 and "Traceback" not in child.stderr
    assert f"cannot write the index in {index}" in child.stderr and "built before is unchanged" in child.stderr
    assert [p.name for p in (index / "builds").iterdir()] == [current_build(index).name]  # nothing half-written left
    assert [p.passage_id for p in read_index(index).passages] == [p.passage_id for p in old.passages]


def test_a_page_whose_extracted_text_the_disk_refuses_is_skipped_and_the_rest_indexed(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    paragraphs = "".join(f"<p>The harbour cranes were repaired in week {n}.</p>" for n in range(2000))
    (corpus / "cranes.html").write_text(f"<html><body>{paragraphs}</body></html>")  # its text: over 64 KiB

    child = run_on_a_full_disk("build", "--corpus", str(corpus), "--index", str(index), kib=64)

    assert child.returncode == 0 and "Traceback" not in child.stderr
    assert "2 documents" in child.stdout
    assert f"skipped {corpus / 'cranes.html'}: cannot write {corpus / '.text' / 'cranes.html.txt'}" in child.stdout


def test_a_document_the_disk_refuses_is_rejected_by_name_and_leaves_no_partial_file(tmp_path):
    corpus, index = small_corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index)
    large = write_transcript(
        tmp_path / "incoming", "long-speech.txt", "Answer: The harbour cranes were repaired.\n" * 100
    )

    child = run_on_a_full_disk("add", str(large), "--corpus", str(corpus), "--index", str(index))

    assert child.returncode == 1 and "Traceback" not in child.stderr
    assert f"rejected long-speech.txt: cannot write {corpus / 'long-speech.txt'}: File too large" in child.stdout
    assert sorted(p.name for p in corpus.iterdir()) == [".lock", "museums.md", "river-trade.txt"]


def test_bad_files_are_reported_and_skipped_without_losing_the_rest(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (corpus / "latin1.txt").write_bytes("Réunion à Genève, déclaration du ministre.".encode("latin-1"))
    (corpus / "huge.txt").write_bytes(b"a" * (MAX_DOCUMENT_BYTES + 1))
    problems = {Path(p.path).name: p.problem for p in scan_corpus(corpus).problems}
    assert "is empty" in problems["empty.txt"]
    assert "binary" in problems["binary.txt"]
    assert "not valid UTF-8" in problems["latin1.txt"] and "re-save it with UTF-8" in problems["latin1.txt"]
    assert "the limit is" in problems["huge.txt"]
    report = build_index(corpus, tmp_path / "index")
    assert report.documents == 2 and len(report.problems) == 4
    assert "skipped" in report.summary()


def test_a_huge_file_put_in_the_folder_is_refused_without_being_read(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    with (corpus / "captions.txt").open("wb") as huge:
        huge.truncate(4 * 2**30)  # 4 GiB of nothing, sparse on disk: reading it would take 4 GiB of memory
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problems = {Path(p.path).name: p.problem for p in scan_corpus(corpus).problems}
    assert "is 4,294,967,296 bytes; the limit is 50 MiB" in problems["captions.txt"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 2**20  # KiB: under 1 GiB more


def test_a_link_to_a_file_outside_the_library_is_not_read(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    (tmp_path / "private.txt").write_text("Answer: The password of the safe is 1234.\n")
    (corpus / "private.txt").symlink_to(tmp_path / "private.txt")
    scan = scan_corpus(corpus)
    assert "outside the library folder" in next(p.problem for p in scan.problems if p.path.endswith("private.txt"))
    assert not any("safe" in loaded.document.text for loaded in scan.documents)


def test_what_looks_like_a_document_but_is_not_read_is_reported_not_skipped_silently(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    write_transcript(corpus / "2024", "ferry.txt", "Answer: The ferry runs daily from May to October.\n")
    (corpus / "notes.txt").mkdir()
    os.mkfifo(corpus / "pipe.md")  # reading it would wait for ever
    (corpus / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (corpus / "images").mkdir()
    (corpus / "images" / "photo.png").write_bytes(b"\x89PNG")
    scan = scan_corpus(corpus)
    problems = {Path(p.path).name: p.problem for p in scan.problems}
    assert problems == {
        "2024": "is a subfolder holding documents (1), and only the library folder's own files are read; "
        f"move them up into {corpus} to index them",
        "gone.txt": "is a link to a file that does not exist",
        "notes.txt": "is a folder, not a document file",
        "pipe.md": "is a pipe or device, not a document file",
    }
    assert sorted(loaded.document.doc_id for loaded in scan.documents) == ["museums", "river-trade"]


def test_a_corpus_with_no_documents_is_an_error_not_an_empty_index(tmp_path):
    (tmp_path / "corpus").mkdir()
    with pytest.raises(LibraryError, match="no readable"):
        build_index(tmp_path / "corpus", tmp_path / "index")
    assert not (tmp_path / "index" / "CURRENT").exists()


def test_documents_with_nothing_to_search_are_an_error_not_an_empty_index(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.txt").write_text("Quarterly meeting notes\n")
    with pytest.raises(LibraryError, match="nothing to search in notes.txt"):
        build_index(tmp_path / "corpus", tmp_path / "index")
    assert not (tmp_path / "index" / "CURRENT").exists()

    write_transcript(tmp_path / "corpus", "ferry.txt", "Answer: The night ferry was cancelled for the winter.\n")
    for report in (
        build_index(tmp_path / "corpus", tmp_path / "index"),
        build_index(tmp_path / "corpus", tmp_path / "index"),
    ):
        assert report.unsearchable == ("notes.txt",)  # said again when the build is up to date
        assert "warning: nothing to search in notes.txt" in report.summary()


@pytest.mark.parametrize(
    ("field", "value", "shape"),
    [
        ("boilerplate", "^Menu$", "a list of patterns"),
        ("speakers", "Answer", "an object mapping labels"),
        ("title", ["Government", "Hour"], "must be text"),
        ("speakers", {"Answer": None}, "must be text"),
    ],
)
def test_metadata_of_the_wrong_shape_names_the_field(tmp_path, field, value, shape):
    corpus = small_corpus(tmp_path / "corpus")
    name = sorted(p.name for p in corpus.glob("*.txt"))[0]
    (corpus / "library.json").write_text(json.dumps({name: {field: value}}))
    problems = [str(p) for p in scan_corpus(corpus).problems]
    assert any(name in p and field in p and shape in p for p in problems), problems


def test_metadata_saved_with_a_byte_order_mark_is_read(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    name = sorted(p.name for p in corpus.glob("*.txt"))[0]
    (corpus / "library.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({name: {"title": "Notepad"}}).encode())
    assert "Notepad" in [loaded.document.title for loaded in scan_corpus(corpus).documents]


def test_broken_metadata_file_names_the_problem(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    (corpus / "library.json").write_text("{not json")
    with pytest.raises(LibraryError, match="library.json: not valid JSON"):
        scan_corpus(corpus)


def test_a_query_encoded_on_one_thread_leaves_the_next_build_every_thread(embedder):
    import torch

    before = torch.get_num_threads()
    query = embedder.encode_query("When does the ferry run?")
    assert torch.get_num_threads() == 1  # one short text: see Embedder.encode_query
    batch = embedder.encode(["When does the ferry run?", "The museum reopens."])
    assert torch.get_num_threads() == before
    assert np.allclose(query, batch[0], atol=1e-5)  # the thread count never changes a vector
