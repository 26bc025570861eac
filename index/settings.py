"""Where the library lives and which model embeds it: one frozen settings object."""

from __future__ import annotations

import argparse
import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from index.corpus import PROJECT_ROOT


@dataclass(frozen=True)
class Settings:
    """The corpus folder, the index's data directory and the embedding model."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "data" / "index"
    model: str | None = None  # None: the model the index was built with, DEFAULT_MODEL for a new one

    @classmethod
    def from_env(cls) -> Settings:
        """The defaults, overridden by VERBATIM_CORPUS, VERBATIM_INDEX and VERBATIM_MODEL when set.

        Read at each call, so the app and the tests can point at another library.
        """
        defaults = cls()
        return cls(
            corpus_dir=Path(os.environ.get("VERBATIM_CORPUS") or defaults.corpus_dir),
            index_dir=Path(os.environ.get("VERBATIM_INDEX") or defaults.index_dir),
            model=os.environ.get("VERBATIM_MODEL") or defaults.model,
        )


def add_location_options(parser: argparse.ArgumentParser) -> None:
    """The --corpus and --index options every command shares."""
    settings = Settings.from_env()
    parser.add_argument(
        "--corpus",
        type=Path,
        default=settings.corpus_dir,
        help="folder of documents: .txt, .md, .html, .htm, .pdf, .docx (default: %(default)s; env VERBATIM_CORPUS)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        default=settings.index_dir,
        help="data directory of the index (default: %(default)s; env VERBATIM_INDEX)",
    )


def index_command(action: str, corpus_dir: Path, index_dir: Path) -> str:
    """The ``python -m index`` command that does ``action`` ("build", "add PATH...") to this library,
    its folders quoted for a shell."""
    return f"python -m index {action} --corpus {shlex.quote(str(corpus_dir))} --index {shlex.quote(str(index_dir))}"
