"""Command line of the query side: ``python -m retrieval ask``."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from evaluation.cli import add_eval_parser, run_eval
from index import VerbatimError
from index.settings import add_location_options
from retrieval import MODES, ROLE_FILTERS, Answer, Library, ask


def read_questions(args: argparse.Namespace) -> list[str]:
    """The question given, or the non-blank lines of ``--batch`` (``-`` reads standard input)."""
    if args.batch is None:
        return [args.question]
    if args.batch == "-":
        lines = sys.stdin.read().splitlines()
    else:
        lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def format_answer(answer: Answer) -> str:
    """A person's reading of an answer: sentences with numbered citations, then passages."""
    lines = [f"Q: {answer.question}"]
    if not answer.answerable:
        lines.append("The library does not seem to address this question. Closest passages, for reference:")
    for number, sentence in enumerate(answer.sentences if answer.answerable else (), start=1):
        lines.append(f"  [{number}] {sentence.text}")
        lines.append(f"      — {sentence.passage.speaker or 'unattributed'}, {sentence.passage.label}")
    lines.append("Passages:")
    for number, hit in enumerate(answer.hits, start=1):
        who = hit.passage.speaker or "unattributed"
        lines.append(f"  {number}. {hit.passage.label} ({who}, {hit.passage.role}; score {hit.score:.3f})")
        lines.append(textwrap.indent(textwrap.fill(hit.passage.text, 96), "     "))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="Search Verbatim's index.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask_parser = commands.add_parser(
        "ask",
        help="answer a question with cited sentences and passages",
        description="Answer questions from the indexed library. Build the index first: python -m index build.",
    )
    ask_parser.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask_parser.add_argument(
        "--batch", metavar="FILE", help="answer every line of FILE (- for standard input), in order"
    )
    ask_parser.add_argument("--k", type=int, default=5, help="passages to return (default: %(default)s)")
    ask_parser.add_argument("--doc", nargs="+", metavar="DOC_ID", help="search only these documents")
    ask_parser.add_argument(
        "--role", choices=ROLE_FILTERS, default="all", help="whose words to search (default: %(default)s)"
    )
    ask_parser.add_argument("--mode", choices=MODES, default="hybrid", help="ranking (default: %(default)s)")
    ask_parser.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    add_location_options(ask_parser)
    add_eval_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "eval":
        try:
            return run_eval(args)
        except (VerbatimError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if (args.question is None) == (args.batch is None):
        parser.error("give either a QUESTION or --batch FILE")

    try:
        library = Library.open(args.index, args.corpus)
        questions = read_questions(args)
    except (VerbatimError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    status = 0
    for question in questions:
        try:
            answer = ask(library, question, k=args.k, doc_ids=args.doc, role=args.role, mode=args.mode)
        except VerbatimError as err:
            status = 1
            if args.json:
                print(json.dumps({"question": question, "error": str(err)}, ensure_ascii=False))
            else:
                print(f"error: {err}", file=sys.stderr)
            continue
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
