"""What every page of the app shares: the library, opened and kept up to date, error boxes, and
widget values kept in the address."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from index import Settings, VerbatimError
from index.build import BuildReport, build_index, nothing_to_search
from index.corpus import corpus_signature
from retrieval import Library
from retrieval.citations import CITE_PAGE
from retrieval.highlight import label_text

PAGE_PATHS = ("ask", "compare", CITE_PAGE, "library")  # in the order of the navigation
STAGES = {
    "reading": "Reading documents",
    "passages": "Embedding passages",
    "sentences": "Embedding sentences",
    "sentences in context": "Embedding sentences in context",
    "saving": "Saving",
}


@st.cache_resource(show_spinner="Loading the index and the model…", max_entries=2)
def open_library(corpus: str, index: str, signature: str) -> Library:
    """The library, opened once per process and corpus state, and shared read-only by every session.

    ``signature`` (the corpus folder's listing) is part of the key, so documents
    added or changed outside this session make the next page view check the index again.
    An empty ``corpus`` opens the index as last built, without comparing it with the folder.
    """
    library = Library.open(Path(index), Path(corpus) if corpus else None)
    _ = library.embedder.model  # load the model now rather than on the first question
    return library


def build_with_progress(settings: Settings, after_removal: bool = False) -> BuildReport:
    """Build or update the index, showing a progress bar (see ``build_index``)."""
    bar = st.progress(0.0, text="Bringing the index up to date…")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"{STAGES.get(stage, stage)}: {done}/{total}")

    try:
        report = build_index(settings.corpus_dir, settings.index_dir, settings.model, progress, after_removal)
    finally:
        bar.empty()
    return report


def build_warnings(report: BuildReport) -> list[str]:
    """What a person should know about a build: files skipped, files with nothing to search."""
    return [f"Skipped a file: {problem}" for problem in report.problems] + [
        nothing_to_search(name) for name in report.unsearchable
    ]


def load_library() -> Library | None:
    """The library, building the index first when it is missing, stale or damaged.

    When the build fails (a document's metadata is wrong, say), the index as last
    built is opened, with the reason shown: nothing already indexed becomes unsearchable.
    """
    settings = Settings.from_env()
    corpus, index, signature = str(settings.corpus_dir), str(settings.index_dir), corpus_signature(settings.corpus_dir)
    try:
        library = open_library(corpus, index, signature)
        if settings.model in (None, library.stored.manifest["model"]):
            return library
    except VerbatimError:  # missing, damaged or stale; or the folder's metadata cannot be read
        pass
    try:
        for warning in build_warnings(build_with_progress(settings)):
            st.warning(label_text(warning))
        open_library.clear()
        return open_library(corpus, index, signature)
    except VerbatimError as err:
        problem = err
    try:
        library = open_library("", index, signature)
    except VerbatimError:
        show_error(f"Cannot open the library: {problem}")
        return None
    show_error(f"Cannot bring the library up to date, so it is searched as last built: {problem}")
    return library


def opened_page(name: str, purpose: str, help_title: str = "", help_text: str = "") -> Library | None:
    """Start a page: its title, what it is for and its help, folded away; then the library, or None
    when it cannot be opened (the reason is shown)."""
    st.title(f"Verbatim — {name}")
    st.caption(purpose)
    if help_text:
        with st.expander(help_title):
            st.markdown(help_text)
    return load_library()


def build_key(library: Library) -> str:
    """What identifies the build's contents: answers cached under it are never shown for another build,
    such as one made after a document changed outside the app."""
    return library.stored.manifest["corpus_fingerprint"]


def html_block(html: str) -> None:
    """Render app-made HTML. Opening with a block tag makes Streamlit's Markdown parser leave the
    contents alone: inside a paragraph it would turn ":x:" into an emoji and "www.x.org" into a link."""
    st.markdown(f"<div>{html}</div>", unsafe_allow_html=True)


def show_error(message: str) -> None:
    """An error box whose words (a question, a file name, a URL parameter) are shown as typed, never as Markdown."""
    st.error(label_text(message))


def seeded(key: str, from_address: object, default: object) -> None:
    """Give the widget ``key`` its first value: what the address says (None: nothing), else
    what the session kept of it, else ``default``.

    Seeding once, rather than passing a default to the widget, keeps the widget's identity
    when the address changes; a default that changed would drop every second value typed.
    """
    if key not in st.session_state:
        kept = st.session_state.get(f"{key}_kept", default)
        st.session_state[key] = kept if from_address is None else from_address


def kept_in_address(key: str, param: str, address_form: list[str]) -> None:
    """Keep the widget ``key``'s value for the session, and in the address as ``param``
    (``address_form``; an empty list leaves it out), so Back after opening a citation, a
    bookmark, a shared link or a return from another page brings it back."""
    st.session_state[f"{key}_kept"] = st.session_state[key]  # Streamlit drops a widget's state on pages without it
    if st.query_params.get_all(param) != address_form:
        if address_form:
            st.query_params[param] = address_form
        else:
            del st.query_params[param]


def seeded_documents(library: Library, key: str, default: list[str]) -> None:
    """Seed the document choice ``key`` from the address (``doc``), and drop from it, with a warning,
    any document the library does not hold: removed since, or named by a mistyped or stale link."""
    seeded(key, list(dict.fromkeys(st.query_params.get_all("doc"))) or None, default)
    gone = [doc_id for doc_id in st.session_state[key] if doc_id not in library.documents]
    if gone:
        st.warning(
            label_text(f"Not in the library (removed, or named by a wrong link), so not searched: {', '.join(gone)}.")
        )
        st.session_state[key] = [doc_id for doc_id in st.session_state[key] if doc_id in library.documents]


def seeded_count(key: str, default: int, most: int) -> None:
    """Seed the slider ``key`` from the address (``k``) when it gives a whole number from 1 to ``most``."""
    given = st.query_params.get("k", "")
    seeded(key, int(given) if given.isdecimal() and 1 <= int(given) <= most else None, default)


def kept_question(key: str, placeholder: str) -> str:
    """The page's question box, its question kept in the address (``?q=``) and for the session."""
    seeded(key, st.query_params.get("q") or None, "")
    question = st.text_input("Question", key=key, placeholder=placeholder)
    kept_in_address(key, "q", [question] if question.strip() else [])
    return question
