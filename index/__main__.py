"""Command line of the ingest side: build, add, remove, status."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index import Settings, VerbatimError
from index.build import build_index
from index.corpus import LoadedDocument, scan_corpus
from index.embedding import DEFAULT_MODEL
from index.errors import LibraryError, StoreError
from index.fingerprint import built_from, text_digest
from index.formats import MAX_DOCUMENT_BYTES
from index.manage import add_documents, remove_document
from index.settings import add_location_options, index_command
from index.store import current_build, files_of, read_index


def show_progress(stage: str, done: int, total: int) -> None:
    """Progress of embedding on standard error: live on a terminal, one line per stage otherwise."""
    if stage in ("passages", "sentences", "sentences in context") and (done == total or sys.stderr.isatty()):
        print(f"\rembedding {stage}: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _changes(documents: tuple[LoadedDocument, ...], manifest: dict) -> str:
    """What differs between the documents and the build: "new: a; changed: b; removed: c", or why else."""
    indexed = manifest.get("indexed", {})
    texts = {loaded.document.doc_id: text_digest(loaded.document) for loaded in documents}
    kinds = {
        "new": [doc_id for doc_id in texts if doc_id not in indexed],
        "changed": [
            doc_id for doc_id, digest in texts.items() if indexed.get(doc_id, {}).get("sha256") not in (None, digest)
        ],
        "removed": [doc_id for doc_id in indexed if doc_id not in texts],
    }
    named = "; ".join(f"{kind}: {', '.join(ids)}" for kind, ids in kinds.items() if ids)
    return named or "the metadata, the model or Verbatim's way of reading documents changed"


def _cannot_add(path: Path) -> str:
    """Why the file at ``path`` cannot be read for adding, or an empty string."""
    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        return f"over the {MAX_DOCUMENT_BYTES // 2**20} MiB limit"
    return ""


def status(corpus: Path, index: Path) -> int:
    """Print the library's documents, the index's model, size and health; 1 when it needs a rebuild."""
    try:
        stored = read_index(index)
    except StoreError as err:
        print(f"index: {err.with_command(index_command('build', corpus, index))}")
        return 1
    manifest = stored.manifest
    size = sum(p.stat().st_size for p in current_build(index).iterdir())
    built = manifest.get("created", "?")
    print(f"index: {index} (format {manifest['format_version']}, built {built}, {size / 2**20:.1f} MiB)")
    print(f"model: {manifest['model']}, {manifest['dimension']} dimensions")
    counts = {d.doc_id: 0 for d in stored.documents}
    for passage in stored.passages:
        counts[passage.doc_id] += 1
    for document in stored.documents:
        indexed = manifest.get("indexed", {}).get(document.doc_id, {}).get("at", "?")
        print(
            f"  {document.doc_id}: {document.title} ({document.date or 'no date'}), "
            f"{counts[document.doc_id]} passages, indexed {indexed}"
        )
    scan = scan_corpus(corpus, keep_text=False, indexed=files_of(manifest))
    for problem in scan.problems:
        print(f"problem: {problem}")
    build = index_command("build", corpus, index)
    if not scan.documents:
        print(f"health: {corpus} holds no readable documents; the index holds them as last built")
        print(f"add some with: {index_command('add PATH...', corpus, index)}")
        return 1
    if not built_from(scan, manifest):
        fix = "fix the problems above, then run" if scan.problems else "run"
        print(f"health: out of date with {corpus} ({_changes(scan.documents, manifest)})")
        print(f"{fix}: {build}")
        return 1
    if scan.unstored:
        print(
            f"health: the text extracted from {', '.join(scan.unstored)}, which citations point into, is not as "
            "stored (edited or deleted by hand, or extracted by an older Verbatim)"
        )
        print(f"extract it again with: {build}")
        return 1
    print("health: every file matches its checksum; up to date with the corpus")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m index", description="Build and change Verbatim's library.")
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
        help="sentence-transformers model name or local folder, to build with another model (default: "
        f"env VERBATIM_MODEL, else the index's own model, else {DEFAULT_MODEL}, bundled)",
    )
    add = commands.add_parser(
        "add",
        help="add or replace documents (.txt .md .html .htm .pdf .docx) and update the index",
        description="Copy documents into the corpus folder and update the index. A file with the content of a "
        "document already there is skipped; one with the name of an existing document replaces it.",
    )
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a document file to add")
    add_location_options(add)
    remove = commands.add_parser(
        "remove",
        help="remove a document and update the index",
        description="Delete a document from the corpus folder, with its metadata and extracted text, and update "
        "the index.",
    )
    remove.add_argument("doc_id", metavar="DOC_ID", help="the document's id, as `status` lists it")
    add_location_options(remove)
    status_parser = commands.add_parser(
        "status",
        help="list the documents and check the index's health",
        description="List the indexed documents, check every index file against its checksum and say whether "
        "the index is up to date with the corpus folder. Exits with 1 when it needs a build.",
    )
    add_location_options(status_parser)
    args = parser.parse_args(argv)

    changed = ""  # what add or remove changed in the folder before the build
    try:
        if args.command == "status":
            return status(args.corpus, args.index)
        status_code = 0
        if args.command == "add":
            if not args.corpus.is_dir():  # a mistyped --corpus must not become a library of one file
                raise LibraryError(f"there is no library folder {args.corpus}; create it first for a new library")
            files = []
            for path in args.paths:
                why = _cannot_add(path)
                if why:
                    print(f"rejected {path}: {why}", file=sys.stderr)
                    status_code = 1
                    continue
                files.append((path.name, path.read_bytes()))
            results = add_documents(args.corpus, files)
            for result in results:
                print(f"{result.status} {result.name}: {result.message}")
                status_code |= result.status == "rejected"
            written = [result.name for result in results if result.status in ("added", "updated")]
            if written:
                changed = f"{', '.join(written)} {'is' if len(written) == 1 else 'are'} in the library folder"
        if args.command == "remove":
            removed = remove_document(args.corpus, args.doc_id)
            print(f"removed {removed}")
            changed = f"{removed} is gone from the library folder"
        model = getattr(args, "model", Settings.from_env().model)
        report = build_index(
            args.corpus, args.index, model_name=model, progress=show_progress, after_removal=args.command == "remove"
        )
    except VerbatimError as err:
        print(f"error: {err}", file=sys.stderr)
        if changed:  # the folder changed, the index did not: say so, and how to finish
            print(
                f"{changed}, but the index was not updated; fix the problem above, then run: "
                f"{index_command('build', args.corpus, args.index)}",
                file=sys.stderr,
            )
        return 1
    print(report.summary())
    return status_code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader (head, less) stopped reading: not an error
        sys.exit(0)
