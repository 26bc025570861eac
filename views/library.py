"""The Library page: the documents, adding, editing and removing them, and the index's health."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from index import Settings, VerbatimError
from index.formats import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES
from index.manage import add_documents, document_files, remove_document, set_metadata
from retrieval import Library
from retrieval.highlight import label_text
from views.shared import build_warnings, build_with_progress, load_library, open_library, show_error


def flash(kind: str, message: str) -> None:
    """Keep a message ("success", "info", "warning", "error") to show at the top of the Library page after the rerun
    that redraws the page: shown at once, it would vanish with the rerun."""
    st.session_state.setdefault("flashes", []).append((kind, label_text(message)))


def show_flashes() -> None:
    """The messages kept by ``flash``, once."""
    for kind, message in st.session_state.pop("flashes", []):
        {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}[kind](message)


def rebuild_and_redraw(settings: Settings, after_removal: bool = False) -> None:
    """Update the index after the library changed, reload it everywhere and redraw the page with the outcome."""
    try:
        report = build_with_progress(settings, after_removal)
        flash("success", f"Index updated: {report.documents} documents, {report.passages} passages.")
        for warning in build_warnings(report):
            flash("warning", warning)
    except VerbatimError as err:
        flash("error", f"Could not build the index: {err}")
    open_library.clear()
    st.rerun()


def upload_documents(settings: Settings) -> None:
    """The upload form: files are checked, added, then the index is updated."""
    suffixes = [s.lstrip(".") for s in SUPPORTED_SUFFIXES]
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            f"Add documents ({', '.join(suffixes)}; up to {MAX_DOCUMENT_BYTES // 2**20} MiB each)",
            type=suffixes,
            accept_multiple_files=True,
        )
        replace = st.checkbox(
            "Replace documents of the same name",
            help="The new file's text takes the place of the old one's: citations of passages whose words "
            "changed no longer open.",
        )
        submitted = st.form_submit_button("Add to the library")
    if not (submitted and files):
        return
    try:
        results = add_documents(settings.corpus_dir, [(f.name, f.getvalue()) for f in files], replace)
    except VerbatimError as err:  # the library folder itself cannot be written in
        show_error(str(err))
        return
    for result in results:
        kind = {"added": "success", "updated": "success", "duplicate": "info", "exists": "warning"}.get(
            result.status, "error"
        )
        message = f"{result.name}: {result.message}" if kind == "error" else f"{result.name} {result.message}"
        if result.status == "exists":
            message += "; tick “Replace documents of the same name” to replace it"
        flash(kind, message)
    if any(r.status in ("added", "updated") for r in results):
        rebuild_and_redraw(settings)
    show_flashes()


def edit_document(settings: Settings, library: Library, doc_id: str) -> None:
    """The metadata form and the remove button of one document."""
    document = library.documents[doc_id]
    shown = {
        "title": document.title,
        "short_title": document.short_title,
        "date": document.date,
        "place": document.place,
        "source": document.origin,
    }
    labels = {"short_title": "Short title (used in citations)", "date": "Date (YYYY-MM-DD)"}
    with st.form(f"edit-{doc_id}"):
        fields = {name: st.text_input(labels.get(name, name.capitalize()), value) for name, value in shown.items()}
        if st.form_submit_button("Save metadata"):
            # Only what was edited is saved: a short title shown because it follows
            # the title must go on following it when only the title changes.
            changed = {name: value for name, value in fields.items() if value != shown[name]}
            if changed:
                set_metadata(settings.corpus_dir, doc_id, changed)
                rebuild_and_redraw(settings)
    remove_control(settings, doc_id, Path(document.original or document.source).name)


def remove_control(settings: Settings, doc_id: str, file_name: str) -> None:
    """The remove button of one document, enabled once the deletion is confirmed."""
    sure = st.checkbox(
        label_text(f"Yes, delete {file_name} and its metadata (title, date, speakers) for good"), key=f"sure-{doc_id}"
    )
    if st.button(f"Remove {doc_id} from the library", key=f"remove-{doc_id}", disabled=not sure):
        remove_document(settings.corpus_dir, doc_id, file_name)
        rebuild_and_redraw(settings, after_removal=True)


def remove_unindexed(settings: Settings) -> None:
    """Removing documents while no index can be built from them, such as when none gives anything to search."""
    try:
        files = {doc_id: path.name for doc_id, path in document_files(settings.corpus_dir).items()}
    except OSError:  # no library folder: there is nothing to remove
        return
    chosen = st.selectbox("Remove a document", list(files), index=None) if files else None
    if chosen:
        try:
            remove_control(settings, chosen, files[chosen])
        except VerbatimError as err:
            show_error(str(err))


def library_page() -> None:
    """Library: the documents, adding and removing them, their metadata and the index's health."""
    st.title("Verbatim — Library")
    settings = Settings.from_env()
    show_flashes()
    library = load_library()
    if library is None:
        upload_documents(settings)
        remove_unindexed(settings)
        return
    manifest = library.stored.manifest
    by_document = library.rows_by_document
    rows = [
        {
            "document": d.doc_id,
            "title": d.title,
            "date": d.date,
            "speakers": ", ".join(sorted({library.passages[r].speaker for r in by_document[d.doc_id]} - {""})),
            "passages": len(by_document[d.doc_id]),
            "indexed": manifest.get("indexed", {}).get(d.doc_id, {}).get("at", ""),
        }
        for d in library.documents.values()
    ]
    st.dataframe(rows, hide_index=True)
    st.caption(
        f"Index: model {manifest['model']} ({manifest['dimension']} dimensions), "
        f"{manifest['passage_count']} passages, {manifest['sentence_count']} sentences, built {manifest['created']}; "
        "every file verified against its checksum."
    )
    upload_documents(settings)
    chosen = st.selectbox("Edit or remove a document", list(library.documents), index=None)
    if chosen:
        try:
            edit_document(settings, library, chosen)
        except VerbatimError as err:
            show_error(str(err))
