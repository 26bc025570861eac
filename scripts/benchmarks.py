"""Regenerate docs/benchmarks.md: every figure the README quotes, measured on this machine.

Usage: .venv/bin/python scripts/benchmarks.py [--msmarco DIR]
Takes about a minute and a half on 2 cores once the msmarco-5k index is cached in data/eval/;
the first run embeds its 5,000 passages, about 4 minutes more.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluation.cli import format_table  # noqa: E402
from evaluation.datasets import load_beir, load_gold_questions  # noqa: E402
from evaluation.quote_set import generate_cases, handmade_cases, scaled_library, score_cases  # noqa: E402
from evaluation.runner import beir_library, evaluate_beir, evaluate_gold  # noqa: E402
from index import PROJECT_ROOT, Settings, embedding  # noqa: E402
from index.build import build_index  # noqa: E402
from index.chunking import chunk_document  # noqa: E402
from index.corpus import DocumentSettings  # noqa: E402
from index.records import Document  # noqa: E402
from retrieval import MODES, Library  # noqa: E402

GOLD_SETS = [
    name
    for name in (
        "eval/seed-qa-dev.jsonl",
        "eval/verbatim-qa.jsonl",
        "eval/unanswerable.jsonl",
        "eval/heldout-qa.jsonl",
    )
    if (PROJECT_ROOT / name).exists()
]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return (
        f"{date.today().isoformat()}, commit {commit.stdout.strip() or '?'}, {cpu}, "
        f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}"
    )


def passage_table(library: Library) -> list[str]:
    embedder = library.embedder
    rows = ["| document | passages | word pieces: min | median | p90 | max |", "|---|---|---|---|---|---|"]
    for doc_id, document in library.documents.items():
        sizes = sorted(embedder.count_tokens(p.text) for p in library.passages if p.doc_id == doc_id)
        p90 = sizes[int(0.9 * (len(sizes) - 1))]
        median = statistics.median(sizes)
        rows.append(f"| {document.short_title} | {len(sizes)} | {sizes[0]} | {median:.0f} | {p90} | {sizes[-1]} |")
    return rows


def timings(settings: Settings) -> list[str]:
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        report = build_index(settings.corpus_dir, Path(scratch) / "index", settings.model)
        cold = time.perf_counter() - began
        began = time.perf_counter()
        again = build_index(settings.corpus_dir, Path(scratch) / "index", settings.model)
        check = time.perf_counter() - began
        began = time.perf_counter()
        library = Library.open(Path(scratch) / "index", settings.corpus_dir)
        opened = time.perf_counter() - began
        command = [sys.executable, "-m", "retrieval", "ask", "What is Intervision?", "--index", f"{scratch}/index"]
        began = time.perf_counter()
        subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, check=True)
        first_answer = time.perf_counter() - began
        del library
    return [
        "| step | seconds |",
        "|---|---|",
        f"| cold build: {report.passages} passages, {report.sentences} sentences alone and in context; "
        f"{report.embedded} texts embedded | {cold:.1f} |",
        f"| up-to-date check, nothing embedded ({again.embedded} texts) | {check:.2f} |",
        f"| open the index (load and verify every file) | {opened:.2f} |",
        f"| `python -m retrieval ask` in a new process: imports, model load, first answer | {first_answer:.1f} |",
    ]


def caption_chunking(embedder: embedding.Embedder) -> list[str]:
    """Time to cut a megabyte of automatic captions, one line without a stop or a capital, into passages:
    the worst case of splitting, since every word is a piece of one overlong sentence."""
    rng = random.Random(7)
    vocabulary = ("so", "we", "think", "that", "the", "talks", "are", "going", "to", "go", "on", "and", "you", "know")
    text = "CAPTIONS: " + " ".join(rng.choice(vocabulary) for _ in range(300_000))
    document = Document(doc_id="captions", source="captions.txt", title="Captions", short_title="Captions", text=text)
    began = time.perf_counter()
    passages = chunk_document(document, DocumentSettings(), embedder.count_tokens, embedder.passage_budget)
    seconds = time.perf_counter() - began
    megabytes = len(text.encode()) / 1e6
    return [f"| cut {megabytes:.1f} MB of unpunctuated captions into {len(passages)} passages | {seconds:.1f} |"]


def busy_latency(library: Library) -> list[str]:
    """Hybrid latency on verbatim-qa with the cores idle and with one busy process beside it,
    the query encoded on one thread (as Verbatim does) and on all of torch's threads."""
    questions = load_gold_questions(PROJECT_ROOT / "eval" / "verbatim-qa.jsonl")
    one_thread = embedding._use_threads
    rows = [
        "| query encoded on | idle: p50 ms | p95 ms | one busy process beside: p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for name, threads in (("one thread (Verbatim)", one_thread), ("all threads", lambda count: one_thread(None))):
        embedding._use_threads = threads
        figures = []
        for busy in (False, True):
            hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
            try:
                figures.append(evaluate_gold(library, questions, ["hybrid"])[0].latency)
            finally:
                if hog:
                    hog.kill()
        rows.append(f"| {name} | " + " | ".join(f"{f['p50_ms']:.1f} | {f['p95_ms']:.1f}" for f in figures) + " |")
    embedding._use_threads = one_thread
    return rows


def quote_section(library: Library) -> list[str]:
    """Precision and recall per verdict on the verification set, and lookup latency at 1x and 100x."""
    cases = generate_cases(library, per_kind=20)
    handmade = PROJECT_ROOT / "eval" / "quotes-handmade.jsonl"
    if handmade.exists():
        cases += handmade_cases(handmade)
    scores, _ = score_cases(library, cases)
    kinds = Counter(c.kind for c in cases)
    out = [
        f"{len(cases)} quotes: " + ", ".join(f"{n} {kind}" for kind, n in kinds.items()) + ".",
        "",
        "| verdict | precision | recall |",
        "|---|---|---|",
        *(f"| {v} | {scores.precision[v]:.2f} | {scores.recall[v]:.2f} |" for v in scores.precision),
        "",
        "| kind of quote | right verdict |",
        "|---|---|",
        *(f"| {k} | {a:.2f} |" for k, a in scores.accuracy_by_kind.items()),
        "",
        f"Exact and close verdicts pointing at the quoted place with the right role: {scores.located:.2f}.",
        f"Quotes credited to a name whose crediting is judged right (the name found, and whether the source "
        f"gives the words to someone else): {scores.credit:.2f}.",
        "",
    ]
    began = time.perf_counter()
    scaled = scaled_library(library, 100)
    built = time.perf_counter() - began
    at_scale, _ = score_cases(scaled, [c for c in cases if c.kind not in ("paraphrase",)])
    words_count = len(scaled.stored.quotes.token_docs)
    out += [
        "| library | words | quote check p50 ms | p95 ms |",
        "|---|---|---|---|",
        f"| bundled | {len(library.stored.quotes.token_docs):,} | {scores.p50_ms:.1f} | {scores.p95_ms:.1f} |",
        f"| 100 x bundled (synthetic) | {words_count:,} | {at_scale.p50_ms:.1f} | {at_scale.p95_ms:.1f} |",
        "",
        f"Building the 100 x quote index took {built:.0f} s. At 100 x, paraphrase cases are left out (their passages "
        "exist only once); not-found quotes still scan every sentence vector.",
    ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--msmarco", type=Path, default=PROJECT_ROOT.parent / "shared" / "eval" / "msmarco-5k")
    args = parser.parse_args()
    settings = Settings.from_env()
    build_index(settings.corpus_dir, settings.index_dir, settings.model)
    library = Library.open(settings.index_dir, settings.corpus_dir)
    out = [
        "# Benchmarks",
        "",
        "Generated by `.venv/bin/python scripts/benchmarks.py`; do not edit by hand.",
        "",
        f"Machine: {machine()}.",
        "",
        "## Passages of the bundled corpus",
        "",
        *passage_table(library),
        "",
        "## Build and open",
        "",
        *timings(settings),
        *caption_chunking(library.embedder),
        "",
        "## Retrieval quality and latency",
        "",
    ]
    modes = list(MODES)
    for name in GOLD_SETS:
        questions = load_gold_questions(PROJECT_ROOT / name)
        results = evaluate_gold(library, questions, modes)
        out += [
            f"`python -m retrieval eval {name} --modes {','.join(modes)}` ({len(questions)} questions):",
            "",
            "```",
            format_table(results),
            "```",
            "",
        ]
    out += [
        "Query latency on `eval/verbatim-qa.jsonl` (hybrid) while the cores are shared, as with a browser or a "
        "build running beside the app:",
        "",
        *busy_latency(library),
        "",
        "## Quote verification",
        "",
        *quote_section(library),
        "",
    ]
    if args.msmarco.exists():
        dataset = load_beir(args.msmarco)
        beir = beir_library(dataset, PROJECT_ROOT / "data" / "eval", settings.model)
        results = evaluate_beir(beir, dataset, modes)
        out += [
            f"`python -m retrieval eval {args.msmarco} --modes {','.join(modes)}` "
            f"({len(dataset.corpus)} passages, {len(dataset.queries)} queries; the model saw MS MARCO in training):",
            "",
            "```",
            format_table(results),
            "```",
            "",
        ]
    target = PROJECT_ROOT / "docs" / "benchmarks.md"
    target.write_text("\n".join(out), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
