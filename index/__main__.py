"""Command line of the ingest side: ``python -m index build``."""

from __future__ import annotations

import argparse
import sys

from index import Settings, VerbatimError, build_index
from index.settings import add_location_options


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m index", description="Build Verbatim's search index.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build",
        help="build the index, or update it after documents changed",
        description="Build the index from the corpus folder, or bring it up to date. "
        "Only passages and sentences whose text is new are embedded.",
    )
    add_location_options(build)
    build.add_argument(
        "--model",
        default=Settings.from_env().model,
        help="sentence-transformers model name or local folder (default: %(default)s, bundled; env VERBATIM_MODEL)",
    )
    args = parser.parse_args(argv)

    def show_progress(stage: str, done: int, total: int) -> None:
        if stage in ("passages", "sentences") and (done == total or sys.stderr.isatty()):
            print(f"\rembedding {stage}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    try:
        report = build_index(args.corpus, args.index, model_name=args.model, progress=show_progress)
    except VerbatimError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error
        sys.exit(0)
