"""The command-line contract that scripts and evaluation rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from index import PROJECT_ROOT
from index.build import build_index
from retrieval import Answer
from retrieval.__main__ import format_answer
from tests.conftest import source_text, write_transcript

ITEM_FIELDS = {"text", "doc_id", "title", "source", "start", "end", "citation", "score"}
PASSAGE_FIELDS = ITEM_FIELDS | {"passage_id", "section", "speaker", "role"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=PROJECT_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)),
        timeout=300,
    )


def test_build_says_the_index_is_up_to_date(bundled_index):
    result = run("index", "build", "--index", str(bundled_index))
    assert result.returncode == 0
    assert "up to date" in result.stdout and "341 passages" in result.stdout
    assert "embedding" not in result.stderr  # nothing is embedded again


def test_batch_json_gives_one_object_per_question_in_order_with_exact_spans(bundled_index, tmp_path):
    questions = [
        "Which new department did the Foreign Ministry create?",
        "When will Intervision take place?",
        "Syria update",
    ]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n\n")
    result = run("retrieval", "ask", "--batch", str(batch), "--json", "--k", "4", "--index", str(bundled_index))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert len(line["passages"]) == 4 and line["answer"]
        for item in line["answer"] + line["passages"]:
            assert set(item) >= ITEM_FIELDS
            assert source_text(item["source"])[item["start"] : item["end"]] == item["text"]
        for passage in line["passages"]:
            assert set(passage) >= PASSAGE_FIELDS
        scores = [p["score"] for p in line["passages"]]
        assert scores == sorted(scores, reverse=True)


def test_filters_on_the_command_line(bundled_index):
    result = run(
        "retrieval",
        "ask",
        "Syria",
        "--json",
        "--role",
        "question",
        "--doc",
        "mfa-answers-2024-diplomacy",
        "--index",
        str(bundled_index),
    )
    passages = json.loads(result.stdout)["passages"]
    assert {(p["doc_id"], p["role"]) for p in passages} == {("mfa-answers-2024-diplomacy", "question")}


def test_bad_question_in_a_batch_is_reported_in_place(bundled_index):
    result = run(
        "retrieval",
        "ask",
        "--batch",
        "-",
        "--json",
        "--index",
        str(bundled_index),
        stdin="Syria\n" + "y" * 10_000 + "\nNATO\n",
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 1
    assert "error" in lines[1] and "10,000 characters" in lines[1]["error"]
    assert lines[0]["passages"] and lines[2]["passages"]


def test_a_batch_file_that_is_not_utf8_is_a_message_not_a_traceback(bundled_index, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_bytes("Qu'en est-il de la Syrie ?\n".encode("latin-1") + b"\xff\xfe\n")
    result = run("retrieval", "ask", "--batch", str(batch), "--index", str(bundled_index))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{batch} is not UTF-8 text" in result.stderr


def test_an_empty_search_says_the_filters_left_nothing_not_that_the_library_is_silent():
    text = format_answer(Answer("When does the harbour open?", answerable=False, sentences=(), hits=()))
    assert "No passages match: the filters leave none" in text and "does not seem to address" not in text


def test_a_question_swallowed_by_doc_is_explained():
    result = run("retrieval", "ask", "--doc", "mfa-answers-2024-diplomacy", "Syria bases")
    assert result.returncode == 2 and "put the question first" in result.stderr


def test_a_quote_given_with_a_citation_to_open_is_refused_not_ignored():
    result = run("retrieval", "cite", "--id", "Q1 ¶1", "Russian-Italian relations are in a crisis")
    assert result.returncode == 2 and "QUOTE: not allowed with argument --id" in result.stderr
    result = run("retrieval", "cite")
    assert result.returncode == 2 and "give a QUOTE, --batch FILE or --id" in result.stderr


def test_missing_index_is_a_message_naming_the_command_that_builds_this_library(tmp_path):
    corpus, index = tmp_path / "my corpus", tmp_path / "none"
    write_transcript(corpus, "ferry.txt", "Answer: The night ferry was cancelled for the winter season.\n")
    where = ("--corpus", str(corpus), "--index", str(index))
    for result in (run("retrieval", "ask", "Syria", *where), run("index", "status", *where)):
        assert result.returncode == 1 and "Traceback" not in result.stderr
        # the library's own folder, quoted: the default corpus built into this index would answer from other documents
        command = f"build one with: python -m index build --corpus '{corpus}' --index {index}"
        assert command in result.stdout + result.stderr


def test_adding_to_a_mistyped_library_folder_changes_nothing(tmp_path):
    (tmp_path / "note.txt").write_text("Answer: The ferry runs at night.\n")
    index = tmp_path / "index"
    note, mistyped = str(tmp_path / "note.txt"), str(tmp_path / "corpsu")
    result = run("index", "add", note, "--corpus", mistyped, "--index", str(index))
    assert result.returncode == 1 and "there is no library folder" in result.stderr
    assert not (tmp_path / "corpsu").exists() and not index.exists()
    (tmp_path / "corpus").mkdir()
    missing = run(
        "index", "add", str(tmp_path / "nota.txt"), "--corpus", str(tmp_path / "corpus"), "--index", str(index)
    )
    assert f"rejected {tmp_path / 'nota.txt'}: no such file" in missing.stderr


def test_an_added_document_whose_index_cannot_be_written_says_it_waits_for_a_build(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "note.txt").write_text("Answer: The ferry runs at night.\n")
    (tmp_path / "index").write_text("a file, not a folder")  # the index cannot be written there
    where = ("--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "index"))
    result = run("index", "add", str(tmp_path / "note.txt"), *where)
    assert result.returncode == 1 and "added note.txt" in result.stdout
    assert "note.txt is in the library folder, but the index was not updated" in result.stderr
    assert f"then run: python -m index build --corpus {tmp_path / 'corpus'}" in result.stderr


def test_status_tells_whether_the_index_holds_the_library_as_it_is(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    write_transcript(corpus, "ferry.txt", "Answer: The night ferry was cancelled for the winter season.\n")
    build_index(corpus, index)
    where = ("--corpus", str(corpus), "--index", str(index))
    healthy = run("index", "status", *where)
    assert healthy.returncode == 0 and "up to date with the corpus" in healthy.stdout
    (corpus / "library.json").write_text('{"ferry.txt": {"title": "Night ferry"}}', encoding="utf-8")
    stale = run("index", "status", *where)
    assert stale.returncode == 1 and "out of date" in stale.stdout and "metadata" in stale.stdout
    assert f"python -m index build --corpus {corpus} --index {index}" in stale.stdout  # this library, not the default
    write_transcript(corpus, "bus.txt", "Answer: The night bus replaces the ferry.\n")
    (corpus / "ferry.txt").write_text("Answer: The night ferry runs again.\n", encoding="utf-8")
    assert "(new: bus; changed: ferry)" in run("index", "status", *where).stdout
    (corpus / "library.json").write_text('{"ferry.txt": {"title": 5}}', encoding="utf-8")
    broken = run("index", "status", *where)
    assert broken.returncode == 1 and "must be text, not 5" in broken.stdout + broken.stderr
    for document in ("bus.txt", "ferry.txt", "library.json"):
        (corpus / document).unlink()
    emptied = run("index", "status", *where)
    assert emptied.returncode == 1 and f"add some with: python -m index add PATH... --corpus {corpus}" in emptied.stdout


def test_a_citation_opened_with_json_gives_the_passage_its_question_and_neighbours(bundled_index):
    opened = run(
        "retrieval",
        "cite",
        "--id",
        "Duma Government Hour, 19 Feb 2025 - Q7 ¶3",
        "--json",
        "--index",
        str(bundled_index),
    )
    assert opened.returncode == 0
    item = json.loads(opened.stdout)
    assert item["passage"]["citation"] == "Duma Government Hour, 19 Feb 2025 — Q7 ¶3"
    assert (
        source_text(item["passage"]["source"])[item["passage"]["start"] : item["passage"]["end"]]
        == (item["passage"]["text"])
    )
    assert item["question"] and item["passage"] in item["neighbours"]
    label = "MFA answers on 2024 diplomacy, 24 Jan 2025 — Q1 ¶5-8"  # a range, as a quote running on is cited
    as_json = json.loads(run("retrieval", "cite", "--id", label, "--json", "--index", str(bundled_index)).stdout)
    assert as_json["cited"]["citation"] == label.replace("-", "–")
    assert as_json["cited"]["end"] == as_json["neighbours"][-2]["end"]  # ¶8, then the passage after the range
    ranged = run("retrieval", "cite", "--id", label, "--index", str(bundled_index))
    assert [
        line.split(" — ")[1].split(" (")[0] for line in ranged.stdout.splitlines() if line.startswith(">> MFA")
    ] == [
        "Q1 ¶5",
        "Q1 ¶6",
        "Q1 ¶7",
        "Q1 ¶8",
    ]
    missing = run("retrieval", "cite", "--id", "nowhere", "--json", "--index", str(bundled_index))
    assert missing.returncode == 1 and "no passage has the id" in json.loads(missing.stdout)["error"]
