"""``python -m retrieval eval``: measure retrieval on a BEIR folder or a gold-quote file."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from evaluation.datasets import load_beir, load_gold_questions
from evaluation.runner import ModeResult, asked_query, beir_library, evaluate_beir, evaluate_gold
from evaluation.trec import write_run
from index import PROJECT_ROOT, Settings
from index.settings import add_location_options
from retrieval import MODES, Library
from retrieval.errors import MAX_QUESTION_CHARS

DEFAULT_MODES = ",".join(MODES)


def add_eval_parser(commands: argparse._SubParsersAction) -> None:
    """Register the ``eval`` command."""
    parser = commands.add_parser(
        "eval",
        help="measure retrieval quality and latency on an evaluation data set",
        description="Measure every mode side by side. DATASET is a BEIR folder (corpus.jsonl, queries.jsonl, "
        "qrels/test.tsv), indexed into its own cached index, or a gold-quote JSONL file evaluated against the library.",
    )
    parser.add_argument("dataset", type=Path, metavar="DATASET", help="BEIR folder or gold-quote .jsonl file")
    parser.add_argument(
        "--modes", default=DEFAULT_MODES, help=f"comma-separated, of {','.join(MODES)} (default: %(default)s)"
    )
    parser.add_argument("--run", metavar="FILE", help="write the ranking as a TREC run (FILE.MODE with several modes)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument(
        "--eval-cache",
        type=Path,
        default=PROJECT_ROOT / "data" / "eval",
        help="where BEIR indexes are kept (default: %(default)s)",
    )
    add_location_options(parser)


def format_table(results: list[ModeResult]) -> str:
    """The figures of every mode side by side, one column per mode."""
    names = list(results[0].metrics) + ["p50_ms", "p95_ms"]
    width = max(len(n) for n in names) + 2
    lines = [" " * width + "".join(f"{r.mode:>10}" for r in results)]
    for name in names:
        values = [{**r.metrics, **r.latency}[name] for r in results]
        shown = [f"{v:>10.1f}" if name.endswith("_ms") else f"{v:>10.3f}" for v in values]
        lines.append(f"{name:<{width}}" + "".join(shown))
    return "\n".join(lines)


def run_files(given: str, modes: list[str]) -> dict[str, Path]:
    """The TREC run file of each mode (FILE, or FILE.MODE with several modes); ValueError when one cannot be written.

    Checked before the evaluation starts, so a mistyped path never costs the figures of a long run.
    """
    run = Path(given)
    if not run.name or run.is_dir() or given.endswith("/"):
        raise ValueError(f"--run {given} is a folder; give a file name")
    if not run.parent.is_dir():
        raise ValueError(f"--run {given}: there is no folder {run.parent}")
    if not os.access(run.parent, os.W_OK):  # also false on a read-only disk, even for root
        raise ValueError(f"--run {given}: the folder {run.parent} cannot be written in")
    return {mode: run if len(modes) == 1 else run.with_name(f"{run.name}.{mode}") for mode in modes}


def run_eval(args: argparse.Namespace) -> int:
    """Run the evaluation the arguments describe; print the figures; returns the exit status."""
    modes = list(dict.fromkeys(m.strip() for m in args.modes.split(",") if m.strip()))
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        given = f"unknown mode {', '.join(unknown)}" if unknown else "no mode given"
        print(f"error: {given}; choose from {', '.join(MODES)}", file=sys.stderr)
        return 2
    try:
        files = run_files(args.run, modes) if args.run else {}
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    def show_progress(stage: str, done: int, total: int) -> None:
        if stage == "passages" and (done == total or done % 640 == 0):
            print(f"embedding the data set's passages: {done}/{total}", file=sys.stderr, flush=True)

    if args.dataset.is_dir():
        dataset = load_beir(args.dataset)
        library = beir_library(dataset, args.eval_cache, Settings.from_env().model, show_progress)
        results = evaluate_beir(library, dataset, modes)
        size = f"{len(library.documents)} documents in {len(library.passages)} passages, {len(dataset.queries)} queries"
        size += f"; {dataset.unjudged} queries without judgements left out" if dataset.unjudged else ""
        empty = len(dataset.corpus) - len(library.documents)
        size += f"; {empty} documents without text left out" if empty else ""
        cut = sum(asked_query(q) != q for q in dataset.queries.values())
        size += f"; {cut} cut to their first {MAX_QUESTION_CHARS:,} characters" if cut else ""
    else:
        questions = load_gold_questions(args.dataset)
        library = Library.open(args.index, args.corpus)
        results = evaluate_gold(library, questions, modes)
        size = f"{len(questions)} questions, {len(library.passages)} passages"
    for result in results:
        if result.mode in files:
            write_run(files[result.mode], result.run, f"verbatim-{result.mode}")
    if args.json:
        figures = {r.mode: {**r.metrics, **r.latency} for r in results}
        clean = {
            m: {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in f.items()}
            for m, f in figures.items()
        }
        print(json.dumps({"dataset": str(args.dataset), "size": size, "modes": clean}))
    else:
        print(f"{args.dataset} ({size})\n{format_table(results)}")
    return 0
