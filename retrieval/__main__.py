"""Command line of the query side: ``python -m retrieval ask|compare|cite|eval``."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from evaluation.cli import add_eval_parser, run_eval
from index import VerbatimError
from index.settings import add_location_options
from retrieval import MODES, ROLE_FILTERS, Answer, Library, ask
from retrieval.compare import Comparison, compare
from retrieval.errors import QueryError
from retrieval.quotes import MISCREDITED_TEXT, MIXED_TEXT, QuoteCheck, QuoteMatch, verify_quote
from retrieval.records import passage_item

# Characters that end a line for Python's splitlines but not in JSON Lines: escaped in --json output.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\u0085\u2028\u2029"}


def read_questions(args: argparse.Namespace) -> list[str]:
    """The question given, or the non-blank lines of ``--batch`` (``-`` reads standard input)."""
    if args.batch is None:
        return [args.question]
    try:
        text = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        where = "standard input" if args.batch == "-" else args.batch
        raise QueryError(f"{where} is not UTF-8 text (byte {err.start}); save it with UTF-8 encoding") from None
    return [line for line in text.splitlines() if line.strip()]


def format_answer(answer: Answer) -> str:
    """A person's reading of an answer: sentences with numbered citations, then passages."""
    lines = [f"Q: {answer.question}"]
    if not answer.hits:
        why = "the filters leave none, or (with --mode bm25) none shares a word with the question"
        return "\n".join([*lines, f"No passages match: {why}."])
    if not answer.answerable:
        lines.append(f"{answer.not_addressed()} Closest passages, for reference:")
    else:
        lines += [f"! {caution}" for caution in answer.cautions()]
    lines += _sentence_lines(answer)
    lines.append("Passages:")
    for number, hit in enumerate(answer.hits, start=1):
        who = hit.passage.speaker or "unattributed"
        lines.append(f"  {number}. {hit.passage.label} ({who}, {hit.passage.role}; score {hit.score:.3f})")
        lines.append(textwrap.indent(textwrap.fill(hit.passage.text, 96), "     "))
    return "\n".join(lines)


def format_comparison(comparison: Comparison) -> str:
    """A person's reading of a comparison: the contrasts first, then each document's answer."""
    lines = [f"Q: {comparison.question}"]
    lines += [f"  ! {c.describe()}" for c in comparison.contrasts if not c.agree]
    lines += [f"  = {c.describe()}" for c in comparison.contrasts if c.agree]
    for column in comparison.columns:
        lines.append(f"== {column.title} ({column.doc_id})")
        if not column.addressed:
            lines.append(f"  {column.answer.not_addressed()}")
            continue
        lines += [f"  ! {caution}" for caution in column.answer.cautions()]
        lines += _sentence_lines(column.answer)
    return "\n".join(lines)


def _sentence_lines(answer: Answer) -> list[str]:
    """The numbered answer sentences, each with its speaker and citation."""
    lines = []
    for number, sentence in enumerate(answer.sentences, start=1):
        lines.append(f"  [{number}] {sentence.text}")
        lines.append(f"      — {sentence.passage.speaker or 'unattributed'}, {sentence.passage.label}")
    return lines


def format_check(check: QuoteCheck) -> str:
    """A person's reading of a quote check: the verdict, then each place with who said it and the diff."""
    lines = [f"Quote: {check.quote}", f"Verdict: {check.message}"]
    if check.framing:
        lines.insert(1, f"Around it, the writer's words: {check.framing.frame}")
    if check.miscredited:
        lines.append("! " + MISCREDITED_TEXT.format(credited=check.framing.credited))
    lines += [f"! Not in the library in these words: “{piece.text}”" for piece in check.unfound]
    for match in check.matches:
        lines += _match_lines(match)
    for piece in check.unfound:
        if piece.nearest:
            lines += [
                f"The nearest the library has to “{piece.text}”, and no quotation of it:",
                *_match_lines(piece.nearest),
            ]
    return "\n".join(lines)


def _match_lines(match: QuoteMatch) -> list[str]:
    """One place found for a quote: citation, speaker, warnings, its words and how the quote differs."""
    who = f"{match.speaker or 'unattributed'} ({match.role or 'outside any passage'})"
    lines = [f"  {match.citation} — {who}, similarity {match.similarity:.2f}"]
    if match.role == "mixed":
        lines.append(f"  ! {MIXED_TEXT}")
    if match.credit_note:
        lines.append(f"  {'!' if match.miscredited else '·'} {match.credit_note}")
    lines += [f"  ! {change}" for change in (*match.meaning_changes, *match.editors_words)]
    lines.append(textwrap.indent(textwrap.fill(match.text, 96), "     "))
    changes = [d for d in match.diff if d.op != "equal"]
    return lines + [f"     {d.op}: quote “{d.quote}” / source “{d.source}”" for d in changes]


def json_line(item: dict) -> str:
    """The item as one line of JSON, text as written. The line and paragraph separators U+2028 and
    U+2029 and the next-line mark U+0085, which a Word file or web page may hold, are escaped:
    JSON allows them raw, but readers that split text into lines (Python's ``splitlines``) break there."""
    return json.dumps(item, ensure_ascii=False).translate(_LINE_BREAKS)


def show_passage(library: Library, key: str, as_json: bool = False) -> int:
    """Print a passage looked up by id or citation label, with its neighbours and the question it answers;
    ">>" marks the cited passage, and every paragraph a range label ("Q1 ¶5–6") names.

    As JSON: ``{"passage", "cited", "question", "neighbours"}``, passages as items of ``ask``; ``cited``
    gives where the words the id or label names end and their citation (a range's, "Q1 ¶5–6").
    """
    try:
        passage, cited_end = library.cited(key)
    except VerbatimError as err:
        if as_json:
            print(json_line({"id": key, "error": str(err)}))
        else:
            print(f"error: {err}", file=sys.stderr)
        return 1
    question = library.question_text(passage)
    if as_json:
        item = {
            "passage": passage_item(passage, library.documents[passage.doc_id]),
            "cited": {"end": cited_end, "citation": library.span_label(passage, cited_end)},
            "question": question,
            "neighbours": [
                passage_item(n, library.documents[n.doc_id]) for n in library.neighbours(passage, through=cited_end)
            ],
        }
        print(json_line(item))
        return 0
    if question:
        print(f"Question: {question}\n")
    for neighbour in library.neighbours(passage, through=cited_end):
        marker = ">>" if neighbour == passage or passage.end <= neighbour.start < cited_end else "  "
        print(f"{marker} {neighbour.label} ({neighbour.speaker or 'unattributed'}, {neighbour.role})")
        print(textwrap.indent(textwrap.fill(neighbour.text, 96), f"{marker}    ") + "\n")
    return 0


def add_question_options(parser: argparse.ArgumentParser, default_k: int, per: str) -> None:
    """The options ``ask`` and ``compare`` share: the question or a batch, k (passages ``per`` result or
    document), documents, JSON, locations."""
    asked = parser.add_mutually_exclusive_group()
    asked.add_argument("question", nargs="?", metavar="QUESTION", help="the question (omit with --batch)")
    asked.add_argument("--batch", metavar="FILE", help="every non-blank line of FILE (- for standard input), in order")
    parser.add_argument("--k", type=int, default=default_k, help=f"passages per {per} (default: %(default)s)")
    parser.add_argument("--doc", nargs="+", metavar="DOC_ID", help="only these documents")
    parser.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    add_location_options(parser)


def answer_all(
    args: argparse.Namespace,
    respond: Callable[[Library, str], object],
    show: Callable,
    to_json: Callable = lambda result, library: result.to_dict(),
    asked: str = "question",
) -> int:
    """Open the library, answer every question in order, print each result or its error in place.

    An error line of ``--json`` names the input under ``asked`` ("question" or
    "quote"), the key that results of the command use for it.
    """
    try:
        library = Library.open(args.index, args.corpus)
        questions = read_questions(args)
    except (VerbatimError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    status = 0
    for question in questions:
        try:
            result = respond(library, question)
        except VerbatimError as err:
            status = 1
            if args.json:
                print(json_line({asked: question, "error": str(err)}))
            else:
                print(f"error: {err}", file=sys.stderr)
            continue
        print(json_line(to_json(result, library)) if args.json else show(result) + "\n")
    return status


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m retrieval", description="Search Verbatim's index.")
    commands = parser.add_subparsers(dest="command", required=True)
    ask_parser = commands.add_parser(
        "ask",
        help="answer a question with cited sentences and passages",
        description="Answer questions from the indexed library. Build the index first: python -m index build.",
    )
    add_question_options(ask_parser, default_k=5, per="answer")
    ask_parser.add_argument(
        "--role", choices=ROLE_FILTERS, default="all", help="whose words to search (default: %(default)s)"
    )
    ask_parser.add_argument("--mode", choices=MODES, default="hybrid", help="ranking (default: %(default)s)")
    compare_parser = commands.add_parser(
        "compare",
        help="answer a question in each document separately and flag where they differ",
        description="Answer the question inside each document (default: all) and contrast the dates and "
        "figures their answers state.",
    )
    add_question_options(compare_parser, default_k=3, per="document")
    cite_parser = commands.add_parser(
        "cite",
        help="check whether a quote was said, where and by whom; or open a citation",
        description="Check a quote against the library: exact, close (with a word diff), partial (some sentences "
        "said, others not), paraphrase or not found; pasted with its attribution (“…,” Lavrov said), by the words "
        "in its quotation marks, and whether the source gives them to the one credited. "
        "With --id, show the passage with that id or citation label in its context.",
    )
    checked = cite_parser.add_mutually_exclusive_group()
    checked.add_argument("question", nargs="?", metavar="QUOTE", help="the quote (omit with --batch or --id)")
    checked.add_argument(
        "--batch", metavar="FILE", help="every non-blank line of FILE, a quote each (- for standard input)"
    )
    checked.add_argument(
        "--id", metavar="PASSAGE_ID_OR_LABEL", help="show this passage in context (with --json: as one JSON object)"
    )
    cite_parser.add_argument("--json", action="store_true", help="one JSON object per quote, one per line")
    add_location_options(cite_parser)
    add_eval_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "eval":
        try:
            return run_eval(args)
        except (VerbatimError, OSError) as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if args.command == "cite" and args.id:
        try:
            return show_passage(Library.open(args.index, args.corpus), args.id, args.json)
        except VerbatimError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    if args.question is None and args.batch is None:
        if args.command == "cite":
            parser.error("give a QUOTE, --batch FILE or --id PASSAGE_ID_OR_LABEL")
        after_doc = " (--doc takes every word after it: put the question first)" if args.doc else ""
        parser.error(f"give either a QUESTION or --batch FILE{after_doc}")
    if args.command == "cite":
        return answer_all(args, verify_quote, format_check, asked="quote")
    if args.command == "compare":
        return answer_all(args, lambda lib, q: compare(lib, q, doc_ids=args.doc, k=args.k), format_comparison)
    return answer_all(
        args,
        lambda lib, q: ask(lib, q, k=args.k, doc_ids=args.doc, role=args.role, mode=args.mode),
        format_answer,
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error
        sys.exit(0)
