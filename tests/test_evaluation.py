"""The evaluation command: metrics against hand-computed values, TREC runs read back independently."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from pathlib import Path

import pytest

from evaluation import metrics
from evaluation.cli import format_table
from evaluation.datasets import DatasetError, load_beir, load_gold_questions
from evaluation.runner import beir_library, evaluate_beir, evaluate_gold, gold_spans
from evaluation.trec import write_run
from index import PROJECT_ROOT
from tests.test_cli import run

PASSAGES = {
    "d1": "The lighthouse on the northern cape was built in 1881 from local granite.",
    "d2": "Ferries to the island leave every two hours from the old harbour in summer.",
    "d3": "The granite quarry closed in 1950 after seventy years of work.",
    "d4": "Herring fishing was the main trade of the village until the 1960s.",
    "d5": "The island ferry timetable changes in winter, with two sailings a day.",
}
QUERIES = {"q1": "When was the lighthouse built?", "q2": "How often does the ferry to the island run?"}
QRELS = [("q1", "d1", 2), ("q1", "d3", 0), ("q2", "d2", 2), ("q2", "d5", 1)]


@pytest.fixture(scope="module")
def tiny_beir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("beir") / "tiny"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": "", "text": t}) for i, t in PASSAGES.items())
    )
    (folder / "queries.jsonl").write_text("\n".join(json.dumps({"_id": i, "text": t}) for i, t in QUERIES.items()))
    (folder / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t{s}\n" for q, d, s in QRELS)
    )
    return folder


def test_ndcg_by_hand():
    # ranked grades 0, 2, 1 against the ideal 2, 1; gains 2^g - 1 are 3 and 1:
    # DCG = 3/log2(3) + 1/log2(4); IDCG = 3/log2(2) + 1/log2(3)
    expected = (3 / math.log2(3) + 1 / 2) / (3 + 1 / math.log2(3))
    assert metrics.ndcg([0, 2, 1], [2, 1, 0], k=10) == pytest.approx(expected)
    assert metrics.ndcg([0, 2, 1], [2, 1, 0], k=1) == 0.0
    assert metrics.ndcg([2, 1], [2, 1], k=10) == pytest.approx(1.0)


def test_recall_mrr_hit_and_percentile_by_hand():
    assert metrics.recall([0, 1, 0, 2], relevant_count=3, k=100) == pytest.approx(2 / 3)
    assert metrics.recall([0, 1, 0, 2], relevant_count=3, k=2) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([0, 0, 1], k=10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([0, 0, 1], k=2) == 0.0
    assert metrics.hit([0, 1], 1) == 0.0 and metrics.hit([0, 1], 2) == 1.0
    assert metrics.percentile([5, 1, 3, 2, 4], 0.5) == 3 and metrics.percentile(list(range(1, 101)), 0.95) == 95


def ranking_as_trec_eval_reads_it(run_file: Path) -> dict[str, list[str]]:
    """Each query's documents in the order trec_eval scores them: by score, ties by document id
    descending; the rank column is ignored. Shares no code with the project."""
    scored: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for line in run_file.read_text().splitlines():
        qid, q0, doc, _rank, score, _tag = line.split()
        assert q0 == "Q0"
        scored[qid].append((float(score), doc))
    return {qid: [doc for _, doc in sorted(items, reverse=True)] for qid, items in scored.items()}


def independent_mrr_at_10(run_file: Path, qrels: list[tuple[str, str, int]]) -> float:
    """MRR@10 straight from the run file's text, sharing no code with the project."""
    relevant = {(q, d) for q, d, grade in qrels if grade > 0}
    ranking = ranking_as_trec_eval_reads_it(run_file)
    total = 0.0
    for qid in {q for q, _, _ in qrels}:
        for rank, doc in enumerate(ranking.get(qid, [])[:10], start=1):
            if (qid, doc) in relevant:
                total += 1 / rank
                break
    return total / len({q for q, _, _ in qrels})


def test_tied_scores_are_written_so_outside_scorers_keep_our_order(tmp_path):
    run = {"q1": [("a", 0.5), ("b", 0.5), ("c", 0.5), ("d", 0.1)], "q2": [("x", 1 / 61), ("y", 1 / 61)]}
    write_run(tmp_path / "tied.trec", run, "tag")
    assert ranking_as_trec_eval_reads_it(tmp_path / "tied.trec") == {"q1": ["a", "b", "c", "d"], "q2": ["x", "y"]}


def _write_beir(folder: Path, corpus: list, queries: list, qrels: str) -> Path:
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(row) for row in corpus))
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(row) for row in queries))
    (folder / "qrels" / "test.tsv").write_text(qrels)
    return folder


GOOD_DOC, GOOD_QUERY, GOOD_QRELS = (
    {"_id": "d1", "text": "The ferry runs."},
    {"_id": "q1", "text": "ferry"},
    "q1\td1\t1\n",
)


@pytest.mark.parametrize(
    ("corpus", "queries", "qrels", "problem"),
    [
        ([GOOD_DOC], [GOOD_QUERY], "query-id\tcorpus-id\tscore\n", "no query of queries.jsonl has judgements"),
        ([GOOD_DOC], [GOOD_QUERY], "q9\td1\t1\n", "no query of queries.jsonl has judgements"),
        ([{"_id": "d1", "title": "Ferry"}], [GOOD_QUERY], GOOD_QRELS, "corpus.jsonl:1: 'text' is missing"),
        ([GOOD_DOC], [GOOD_QUERY, {"_id": "q2", "text": " "}], GOOD_QRELS, "queries.jsonl:2: 'text' is blank"),
        (
            [GOOD_DOC],
            [GOOD_QUERY, {"_id": "q1", "text": "boat"}],
            GOOD_QRELS,
            "queries.jsonl:2: the id 'q1' is used twice",
        ),
        ([GOOD_DOC, {"_id": "d1", "text": "Again."}], [GOOD_QUERY], GOOD_QRELS, "the id 'd1' is used twice"),
        ([{"_id": "doc one", "text": "x"}], [GOOD_QUERY], GOOD_QRELS, "contains white space"),
        ([GOOD_DOC, [1, 2]], [GOOD_QUERY], GOOD_QRELS, "corpus.jsonl:2: expected a JSON object"),
        (
            [GOOD_DOC],
            [{"_id": "q1", "text": ["ferry"]}],
            GOOD_QRELS,
            "queries.jsonl:1: 'text' must be text, not [\"ferry\"]",
        ),
        ([{"_id": "d1", "text": "Caf\xe9"}], [GOOD_QUERY], GOOD_QRELS, "corpus.jsonl is not UTF-8 (byte 26)"),
        ([GOOD_DOC], [GOOD_QUERY], "q1\td1\n", "test.tsv:1: expected 3 columns (query-id corpus-id score) or 4"),
        ([GOOD_DOC], [GOOD_QUERY], "query-id\tcorpus-id\tscore\nq1\td1\t0.5\n", "test.tsv:2: the score '0.5' is not"),
        ([GOOD_DOC], [GOOD_QUERY], "q1\td1\t0.5\nq1\td1\t1\n", "test.tsv:1: the score '0.5' is not"),
    ],
)
def test_a_malformed_beir_folder_is_named_line_by_line(tmp_path, corpus, queries, qrels, problem):
    folder = _write_beir(tmp_path / "set", corpus, queries, qrels)
    corpus_file = folder / "corpus.jsonl"
    corpus_file.write_bytes(corpus_file.read_bytes().replace(b"\\u00e9", b"\xe9"))  # "é" as its one Latin-1 byte
    with pytest.raises(DatasetError, match=re.escape(problem)):
        load_beir(folder)


def test_grades_written_as_decimals_count(tmp_path):
    assert load_beir(_write_beir(tmp_path / "set", [GOOD_DOC], [GOOD_QUERY], "q1\td1\t2.0\n")).qrels == {
        "q1": {"d1": 2}
    }


@pytest.mark.parametrize(
    "qrels",
    [
        "query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td2\t1\n",  # BEIR, with its header
        "\ufeffq1\td1\t2\nq2\td2\t1\n",  # no header, saved with a byte order mark
        "q1 0 d1 2\nq2 0 d2 1\n",  # TREC, as trec_eval reads it
        "q1\t0\td1\t2\nq2\t0\td2\t1\n",  # TREC with tabs, as the official MS MARCO files
    ],
)
def test_qrels_in_the_beir_and_trec_layouts_give_the_same_judgements(tmp_path, qrels):
    queries = [GOOD_QUERY, {"_id": "q2", "text": "boat"}]
    dataset = load_beir(_write_beir(tmp_path / "set", [GOOD_DOC, {"_id": "d2", "text": "A boat."}], queries, qrels))
    assert dataset.qrels == {"q1": {"d1": 2}, "q2": {"d2": 1}}


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([], "holds no questions"),
        (["[1, 2]"], "gold.jsonl:1: expected a JSON object"),
        ([{"id": "a", "question": "  ", "gold": []}], "gold.jsonl:1: 'question' is blank"),
        ([{"id": "a", "question": "Why?", "gold": [{"doc": "x.txt", "quote": ""}]}], "'quote' is blank"),
        ([{"id": "a", "question": "Why?", "gold": []}, {"id": "a", "question": "How?", "gold": []}], "used twice"),
        ([{"id": "a b", "question": "Why?", "gold": []}], "contains white space"),
        ([{"id": "a", "question": "Why?", "gold": "x.txt"}], "'gold' must be a list"),
        ([{"id": "a", "question": ["Why?"], "gold": []}], "gold.jsonl:1: 'question' must be text"),
        (
            [{"id": "a", "question": "Why? " * 500, "gold": []}],
            "gold.jsonl:1: the question is over the 2,000-character",
        ),
    ],
)
def test_a_malformed_gold_file_is_named_line_by_line(tmp_path, lines, problem):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines))
    with pytest.raises(DatasetError, match=re.escape(problem)):
        load_gold_questions(path)


def test_a_gold_quote_under_the_wrong_document_says_so(library, tmp_path):
    path = tmp_path / "gold.jsonl"
    quote = "delegations from 35 states and six multilateral organisations"
    row = {
        "id": "kazan",
        "question": "Who came to Kazan?",
        "gold": [{"doc": "mfa-answers-2024-diplomacy.txt", "quote": quote}],
    }
    path.write_text(json.dumps(row))
    with pytest.raises(DatasetError, match="is not in mfa-answers-2024-diplomacy.txt"):
        evaluate_gold(library, load_gold_questions(path), ["hybrid"])


def test_beir_evaluation_and_its_trec_run_agree(tiny_beir, tmp_path):
    dataset = load_beir(tiny_beir)
    library = beir_library(dataset, tmp_path / "cache", "all-MiniLM-L6-v2")
    results = evaluate_beir(library, dataset, ["dense", "bm25"])
    dense = results[0]
    assert dense.metrics["MRR@10"] == 1.0 and dense.metrics["Recall@100"] == 1.0
    run_file = tmp_path / "dense.trec"
    write_run(run_file, dense.run, "verbatim-dense")
    assert independent_mrr_at_10(run_file, QRELS) == pytest.approx(dense.metrics["MRR@10"])
    lines = run_file.read_text().splitlines()
    assert lines[0].split()[0] == "q1" and lines[0].split()[2] == "d1" and lines[0].split()[3] == "1"
    assert [doc for doc, _ in results[1].run["q1"]] == ["d1"]  # BM25 ranks only passages sharing a term
    assert "MRR@10" in format_table(results) and "p95_ms" in format_table(results)


def test_gold_quote_evaluation_on_the_bundled_library(library, tmp_path):
    questions = load_gold_questions(PROJECT_ROOT / "eval" / "seed-qa-dev.jsonl")
    extra = tmp_path / "mixed.jsonl"
    extra.write_text(
        json.dumps(
            {"id": "brazil", "question": "What is the population of Brazil?", "kind": "unanswerable", "gold": []}
        )
        + "\n"
        + json.dumps(
            {
                "id": "kazan",
                "question": "How many delegations came to the BRICS summit in Kazan?",
                "kind": "single",
                "gold": [
                    {"doc": "elsewhere.txt", "quote": "delegations from 35 states and six multilateral organisations"}
                ],
            }
        )
    )
    hybrid = evaluate_gold(library, questions + load_gold_questions(extra), ["hybrid"])[0]
    assert hybrid.metrics["R@5"] >= 0.9 and hybrid.metrics["answer-sentence@3"] >= 0.75
    assert hybrid.metrics["recognised unanswerable"] == 1.0 and hybrid.metrics["spans exact"] == 1.0
    assert len(hybrid.run) == len(questions) + 2


def test_a_question_judged_unanswerable_gets_no_credit_for_sentences_it_does_not_show(library, tmp_path):
    quote = "delegations from 35 states and six multilateral organisations"
    path = tmp_path / "gold.jsonl"
    rows = [
        {"id": "kazan", "question": "How many delegations came to the BRICS summit in Kazan?"},
        {"id": "kazan-1987", "question": "How many delegations came to the BRICS summit in Kazan in 1987?"},
    ]
    for row in rows:
        row["gold"] = [{"doc": "duma-government-hour-2025-02-19.txt", "quote": quote}]
    for row, credit in zip(rows, (1.0, 0.0), strict=True):
        path.write_text(json.dumps(row))
        metrics = evaluate_gold(library, load_gold_questions(path), ["hybrid"])[0].metrics
        assert metrics["answered"] == credit and metrics["answer-sentence@3"] == credit


def test_a_beir_title_is_searched_with_its_text(tmp_path):
    corpus = [{"_id": "d0", "title": "Eiffel Tower", "text": ""}, GOOD_DOC, {"_id": "d2", "text": "Paris buses."}]
    dataset = load_beir(_write_beir(tmp_path / "set", corpus, [{"_id": "q1", "text": "Eiffel Tower"}], "q1\td0\t1\n"))
    library = beir_library(dataset, tmp_path / "cache", "all-MiniLM-L6-v2")
    for result in evaluate_beir(library, dataset, ["bm25", "dense"]):
        assert result.run["q1"][0][0] == "d0", result.mode


def test_a_gold_quote_said_twice_counts_at_either_place(library, tmp_path):
    path = tmp_path / "gold.jsonl"
    quote = "between the Russian Federation and the"
    gold = [{"doc": "mfa-answers-2024-diplomacy.txt", "quote": quote}]
    path.write_text(json.dumps({"id": "treaties", "question": "Which treaties were signed?", "gold": gold}))
    spans = gold_spans(library, load_gold_questions(path)[0])
    text = library.documents["mfa-answers-2024-diplomacy"].text
    assert len(spans) == 3 and all(text[start:end] == quote for _, start, end in spans)


def test_a_run_file_that_cannot_be_written_is_refused_before_the_evaluation(tmp_path):
    result = run("retrieval", "eval", "eval/seed-qa-dev.jsonl", "--run", str(tmp_path / "missing" / "run.trec"))
    assert result.returncode == 2 and f"there is no folder {tmp_path / 'missing'}" in result.stderr
    result = run("retrieval", "eval", "eval/seed-qa-dev.jsonl", "--run", f"{tmp_path}/runs/")
    assert result.returncode == 2 and "is a folder; give a file name" in result.stderr


def test_a_beir_query_longer_than_a_question_may_be_is_still_evaluated(tmp_path):
    essay = {"_id": "q1", "text": "Does the ferry run? " * 150}  # 3,000 characters
    dataset = load_beir(_write_beir(tmp_path / "set", [GOOD_DOC], [essay], GOOD_QRELS))
    library = beir_library(dataset, tmp_path / "cache", "all-MiniLM-L6-v2")
    assert evaluate_beir(library, dataset, ["hybrid"])[0].metrics["nDCG@10"] == 1.0
