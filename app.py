"""Verbatim in the browser: the Ask, Compare, Cite and Library pages. Display only: what is
searched, answered and checked is decided in retrieval/ and index/.

Run with ``streamlit run app.py``. VERBATIM_CORPUS, VERBATIM_INDEX and
VERBATIM_MODEL choose another library or model.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import streamlit as st

from index import Settings, VerbatimError
from index.build import BuildReport, build_index, nothing_to_search
from index.corpus import corpus_signature
from index.formats import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES
from index.manage import add_documents, document_files, remove_document, set_metadata
from index.records import Passage
from retrieval import Answer, AnswerSentence, Hit, Library, ask
from retrieval.citations import (
    CITE_PAGE,
    PastedCitation,
    app_root,
    as_markdown,
    as_plain,
    as_quotation,
    citation_link,
    pasted_citation,
)
from retrieval.compare import Column, Comparison, compare, to_markdown
from retrieval.highlight import answer_sentence_html, cite_link, diff_html, escaped, highlighted_html, label_text
from retrieval.quotes import (
    ASSEMBLED_TEXT,
    MISCREDITED_TEXT,
    MIXED_TEXT,
    VERDICT_TEXT,
    QuoteCheck,
    QuoteMatch,
    verify_quote,
)

HELP = """
**Ask** a question in your own words. Verbatim finds the passages of the library
that answer it and marks the sentences that answer best.

- **Answer** lists those sentences, each numbered. The number points to its passage below.
- Every passage shows its **citation**: document, date, the question it belongs to
  (Q7 = the seventh question of the transcript) and its paragraph (¶2), then
  the page of a PDF or the last timestamp of a recorded transcript.
  The words shown are exactly the source's words at that place.
- **Speaker and role**: *answer* passages are the official's own words (answers and
  opening remarks); *question* passages are the questioner's. Only answers are
  offered as answer sentences, unless you search questions only. A question is
  never listed above the best answer it got.
- **Context** under a passage opens the passages before and after it, and for an
  answer the question it replies to.
- When nothing in the library addresses the question, Verbatim says so and lists
  the closest passages for reference only. It judges this by how well the passages
  match and whether they name what you asked about, so a question on a neighbouring
  subject, or one asking for a detail a passage leaves out, can still be answered
  with the closest passages: read the cited words before relying on them. When the
  passages match well although the library never mentions a name of the question,
  the answer is given with a caution naming it.

Filters in the sidebar limit the search to some documents or to one role.
Each citation is a link to the **Cite** page, which shows the passage in its
context and the citation to copy. **Compare** answers one question in each
document side by side; **Cite** also checks whether a pasted quote was really said.
**Library** adds your own documents (txt, md, html, htm, pdf, docx), edits their
metadata and removes them (after you tick that the file is to be deleted).
"""
CITE_HELP = f"""
Paste a quote, with or without its quotation marks, as you have it. The verdict:

- {VERDICT_TEXT["exact"]}
- {VERDICT_TEXT["close"]} Struck-through words are the source's, underlined ones the
  quote's; a changed figure, month, qualifier or negation is flagged in red.
- {ASSEMBLED_TEXT}
- {VERDICT_TEXT["partial"]} Each sentence no place has is listed.
- {VERDICT_TEXT["paraphrase"]}
- {VERDICT_TEXT["not_found"]}

Each place found names its speaker and role: a questioner's words are never the official's,
and words that run from one speaker into another are no one's quote. Pasted with its
attribution ("“…,” Lavrov said", "According to Lavrov, “…”"), a quote is checked by the words
in its quotation marks, and each place says whether its speaker is the one credited. The citation opens the
words in their context with the forms to copy. The box above the quote opens a citation:
a label, a passage id, or a citation or link copied from Verbatim.
"""
PAGE_PATHS = ("ask", "compare", CITE_PAGE, "library")  # in the order of the navigation
ROLE_CHOICES = {"All speakers": "all", "Answers only": "answer", "Questions only": "question"}
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


@st.cache_data(show_spinner=False, max_entries=256)
def cached_answer(_library: Library, build: str, question: str, doc_ids: tuple[str, ...], role: str, k: int) -> Answer:
    """The answer to a question with these filters, remembered across reruns of the same ``build``."""
    return ask(_library, question, k=k, doc_ids=doc_ids or None, role=role)


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


def sidebar_filters(library: Library) -> tuple[tuple[str, ...], str, int]:
    """The document, role and result-count filters chosen in the sidebar, kept in the address
    (``doc``, ``role``, ``k``) beside the question."""
    params = st.query_params
    role_names = {role: name for name, role in ROLE_CHOICES.items()}
    k_given = params.get("k", "")
    seeded("filter_docs", params.get_all("doc") or None, [])
    seeded("filter_role", role_names.get(params.get("role", "")), "All speakers")
    seeded("filter_k", int(k_given) if k_given.isdigit() and 1 <= int(k_given) <= 20 else None, 5)
    # a document removed since, or named by a stale link, is no longer offered, and the search says so
    gone = [d for d in st.session_state.filter_docs if d not in library.documents]
    if gone:
        st.warning(label_text(f"No longer in the library, so not searched: {', '.join(gone)}."))
        st.session_state.filter_docs = [d for d in st.session_state.filter_docs if d in library.documents]
    with st.sidebar:
        st.header("Filters")
        docs = st.multiselect(
            "Documents",
            options=list(library.documents),
            format_func=lambda doc_id: library.documents[doc_id].short_title,
            placeholder="All documents",
            key="filter_docs",
        )
        role = ROLE_CHOICES[st.radio("Whose words", list(ROLE_CHOICES), key="filter_role")]
        k = st.slider("Passages to show", min_value=1, max_value=20, key="filter_k")
    kept_in_address("filter_docs", "doc", list(docs))
    kept_in_address("filter_role", "role", [] if role == "all" else [role])
    kept_in_address("filter_k", "k", [] if k == 5 else [str(k)])
    return tuple(docs), role, k


def anchor(hit: Hit) -> str:
    """The HTML id of a passage's card, for links from answer sentences."""
    return "passage-" + hit.passage.passage_id.rsplit(":", 1)[-1]


def show_answer(answer: Answer) -> None:
    """The numbered answer sentences with their citations, or a plain 'not addressed'."""
    if not answer.answerable:
        reference = " The closest passages are listed below for reference, not as answers."
        st.warning(label_text(answer.not_addressed() + reference))
        return
    st.subheader("Answer")
    if caution := answer.unmentioned():
        st.warning(label_text(caution))
    if not answer.sentences:
        st.info("No answer sentences among the passages found; see the passages below.")
    for number, sentence in enumerate(answer.sentences, start=1):
        hit = next(h for h in answer.hits if h.passage == sentence.passage)
        below = f'<a href="#{anchor(hit)}">(passage below)</a>'
        st.markdown(answer_sentence_html(number, sentence, below), unsafe_allow_html=True)


def show_hit(library: Library, answer: Answer, rank: int, hit: Hit) -> None:
    """One ranked passage: citation, speaker, section, the text with answers marked, context."""
    p = hit.passage
    numbers = {(s.start, s.end): i for i, s in enumerate(answer.sentences, start=1)}
    with st.container(border=True):
        section = f" · {escaped(p.section)}" if p.section else ""
        st.markdown(
            f'<div id="{anchor(hit)}"><b>{rank}. {cite_link(p)}</b><br>'
            f"<small>{escaped(hit.document.title)}{section}<br>"
            f"Speaker: <b>{escaped(p.speaker or 'unattributed')}</b> ({p.role}) · score {hit.score:.3f}</small></div>",
            unsafe_allow_html=True,
        )
        marked = highlighted_html(p.text, p.start, hit.highlights, [numbers[s] for s in hit.highlights])
        st.markdown(f'<div class="passage">{marked}</div>', unsafe_allow_html=True)
        with st.expander("Context"):
            question = library.question_text(p)
            if question:
                html_block(f"<small><b>Question:</b> {escaped(question)}</small>")
            for neighbour in library.neighbours(p):
                body = escaped(neighbour.text)
                if neighbour == p:
                    body = f"<b>{body}</b>"
                html_block(f"<small>{cite_link(neighbour)}</small><br>{body}")


def kept_question(key: str, placeholder: str) -> str:
    """The page's question box, its question kept in the address (``?q=``) and for the session."""
    seeded(key, st.query_params.get("q") or None, "")
    question = st.text_input("Question", key=key, placeholder=placeholder)
    kept_in_address(key, "q", [question] if question.strip() else [])
    return question


def ask_page() -> None:
    """Ask: one question, the best answer sentences and ranked passages from the whole library."""
    st.title("Verbatim — Ask")
    st.caption("Ask the library. Every answer is cited to the exact words of its source.")
    with st.expander("How to read the results"):
        st.markdown(HELP)
    library = load_library()
    if library is None:
        return
    doc_ids, role, k = sidebar_filters(library)
    question = kept_question("question", "e.g. What is NATO doing close to the Russian border?")
    if not question.strip():
        return
    try:
        answer = cached_answer(library, build_key(library), question, doc_ids, role, k)
    except VerbatimError as err:
        show_error(str(err))
        return
    if not answer.hits:  # nothing to judge the question by: the filters left no passage
        st.info("No passages match these filters.")
        return
    show_answer(answer)
    st.subheader("Passages")
    for rank, hit in enumerate(answer.hits, start=1):
        show_hit(library, answer, rank, hit)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_comparison(_library: Library, build: str, question: str, doc_ids: tuple[str, ...], k: int) -> Comparison:
    """The comparison of these documents on this question, remembered across reruns of the same ``build``."""
    return compare(_library, question, doc_ids=doc_ids or None, k=k)


def statement_link(sentence: AnswerSentence) -> str:
    """The citation of the sentence stating a date or figure, as a link that opens it marked."""
    return cite_link(sentence.passage, sentence.start, sentence.end)


def show_contrasts(comparison: Comparison) -> None:
    """Where the documents' answers state different or the same dates and figures."""
    st.subheader("Differences")
    addressed = sum(column.addressed for column in comparison.columns)
    if addressed < 2:
        st.info(
            ("No document" if not addressed else "Only one document")
            + " addresses this question, so there is nothing to compare."
        )
    elif not comparison.contrasts:
        st.info("The answers state no dates or figures that can be compared.")
    for contrast in comparison.contrasts:
        left, right = contrast.left, contrast.right
        text = (
            f"<b>{'Same' if contrast.agree else 'Different'} {contrast.kind}:</b> "
            f"“{escaped(left.fact.text)}” <small>({statement_link(left.sentence)})</small> vs "
            f"“{escaped(right.fact.text)}” <small>({statement_link(right.sentence)})</small>"
        )
        st.markdown(f'<p class="contrast-{"agree" if contrast.agree else "differ"}">{text}</p>', unsafe_allow_html=True)


def show_column(column: Column) -> None:
    """One document's own answer to the question, or a plain statement that it has none."""
    st.markdown(f"<h4>{escaped(column.title)}</h4>", unsafe_allow_html=True)
    if not column.addressed:
        st.info(label_text(column.answer.not_addressed()))
        return
    if caution := column.answer.unmentioned():
        st.warning(label_text(caution))
    for number, sentence in enumerate(column.answer.sentences, start=1):
        st.markdown(answer_sentence_html(number, sentence), unsafe_allow_html=True)
    for hit in column.answer.hits:
        with st.expander(label_text(hit.passage.label)):
            marked = highlighted_html(hit.passage.text, hit.passage.start, hit.highlights)
            html_block(f'<small>{cite_link(hit.passage)}</small><div class="passage">{marked}</div>')


def compare_page() -> None:
    """Compare: one question answered inside each chosen document, side by side, differences flagged."""
    st.title("Verbatim — Compare")
    st.caption("See what each document says on one question, and where their dates and figures differ.")
    library = load_library()
    if library is None:
        return
    docs = st.multiselect(
        "Documents to compare",
        options=list(library.documents),
        default=list(library.documents),
        format_func=lambda doc_id: library.documents[doc_id].short_title,
    )
    k = st.slider("Passages per document", min_value=1, max_value=10, value=3)
    question = kept_question("compare_question", "e.g. How many Soviet war memorials are there in China?")
    if not question.strip():
        return
    if len(docs) < 2:
        st.warning("Choose at least two documents to compare.")
        return
    try:
        comparison = cached_comparison(library, build_key(library), question, tuple(docs), k)
    except VerbatimError as err:
        show_error(str(err))
        return
    show_contrasts(comparison)
    for column, place in zip(comparison.columns, st.columns(len(comparison.columns)), strict=True):
        with place:
            show_column(column)
    st.download_button("Download as Markdown", to_markdown(comparison), "comparison.md", "text/markdown")
    st.download_button(
        "Download as JSON", json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1), "comparison.json"
    )


def show_in_context(library: Library, passage: Passage, start: int | None, end: int | None) -> None:
    """A passage between its neighbours, the cited words marked, with the forms to copy it in."""
    document = library.documents[passage.doc_id]
    spans = [(start, end)] if start is not None and end is not None else [(passage.start, passage.end)]
    question = library.question_text(passage)
    if question:
        html_block(f"<small><b>Question:</b> {escaped(question)}</small>")
    for neighbour in library.neighbours(passage, through=spans[0][1]):
        body = highlighted_html(neighbour.text, neighbour.start, spans)  # cited words may run on into the next
        who = f"{escaped(neighbour.speaker or 'unattributed')} ({neighbour.role})"
        css = "cited-passage" if neighbour == passage else "passage"
        label = escaped(neighbour.label) if neighbour == passage else cite_link(neighbour)  # step to a neighbour
        st.markdown(f'<div class="{css}"><small>{label} · {who}</small><br>{body}</div>', unsafe_allow_html=True)
    cited = document.text[spans[0][0] : spans[0][1]]
    labelled = replace(passage, label=library.span_label(passage, spans[0][1]))  # "¶5–6" when the words run on
    mixed = not library.said_by_one(passage, spans[0][1])
    if mixed:
        st.warning("These words run past the speaker's turn, into another's or a heading: no one person said them all.")
    st.caption("Copy the citation" + (" (no quotation: no one person said all these words)" if mixed else ""))
    st.code(as_plain(labelled, document, start, end), language=None, wrap_lines=True)
    # Absolute, so the link still opens this passage when pasted into notes or a draft.
    base = app_root(st.context.url or "", PAGE_PATHS)
    st.code(as_markdown(labelled, citation_link(passage, start, end, base)), language=None, wrap_lines=True)
    if not mixed:
        st.code(as_quotation(cited, labelled, document), language=None, wrap_lines=True)


def show_check(library: Library, check: QuoteCheck) -> None:
    """The verdict on a quote and every place that supports it."""
    banner = {"exact": st.success, "close": st.warning, "paraphrase": st.info}.get(check.verdict, st.error)
    (st.error if check.assembled else banner)(check.message)
    for piece in check.unfound:
        st.error(label_text(f"Not in the library in these words: “{piece.text}”"))
    if check.miscredited:
        st.error(label_text(MISCREDITED_TEXT.format(credited=check.framing.credited)))
    if check.framing:
        st.caption(
            label_text(f"Checked: the words in quotation marks. The writer's words around them: {check.framing.frame}")
        )
    for match in check.matches:
        show_match(match, with_diff=check.verdict in ("close", "partial", "paraphrase"))
    for piece in check.unfound:
        if piece.nearest:
            st.caption(label_text(f"The nearest the library has to “{piece.text}”, and no quotation of it:"))
            show_match(piece.nearest, with_diff=True)


def show_match(match: QuoteMatch, with_diff: bool) -> None:
    """One place found for a quote: its citation link, speaker, warnings, diff and passage."""
    passage = match.passage
    role = "the questioner's words, not the official's" if match.role == "question" else match.role
    with st.container(border=True):
        cited = escaped(match.citation)
        link = cite_link(passage, match.link_start, match.end, match.citation) if passage else cited
        html_block(
            f"<b>{link}</b><br><small>Speaker: <b>{escaped(match.speaker or 'unattributed')}</b>"
            f" ({escaped(role or 'outside any passage')}) · similarity {match.similarity:.2f}</small>"
        )
        if match.role == "mixed":
            st.warning(MIXED_TEXT)
        if match.credit_note:
            (st.warning if match.miscredited else st.info)(label_text(match.credit_note))
        for change in (*match.meaning_changes, *match.editors_words):
            st.error(label_text(change))  # the quote's and the source's words, shown as typed
        if with_diff:
            st.markdown(f'<p class="quote-diff">{diff_html(match.diff)}</p>', unsafe_allow_html=True)
        shown = highlighted_html(passage.text, passage.start, [(match.start, match.end)]) if passage else ""
        html_block(f'<div class="passage">{shown or escaped(match.text)}</div>')


def open_citation(library: Library, citation: PastedCitation) -> bool:
    """Show the passage a citation names with the words it marks; or say why it cannot, and return False."""
    try:
        passage, span, refused = library.resolve_citation(citation)
    except VerbatimError as err:
        show_error(str(err))
        return False
    if refused:
        st.warning(
            "The citation's start and end do not mark words of this passage (mistyped, or cut short): "
            "the whole passage is shown as the citation."
        )
    show_in_context(library, passage, *(span or (None, None)))
    return True


def cite_page() -> None:
    """Cite: check a pasted quote against the library, or open a citation in its context."""
    st.title("Verbatim — Cite")
    st.caption("Paste a quote to see whether, where and by whom it was said; or open a citation.")
    with st.expander("How to read the verdicts"):
        st.markdown(CITE_HELP)
    library = load_library()
    if library is None:
        return
    params = st.query_params
    if "passage" in params:
        open_citation(library, PastedCitation(params.get("passage"), params.get("start"), params.get("end")))
        if st.button("Check a quote or open another citation"):
            st.query_params.clear()  # the sidebar's Cite keeps this address, so it would open this passage again
            st.rerun()
        return
    typed = st.text_input(
        "Citation to open: a label, a passage id, or a citation or link copied from Verbatim",
        placeholder="e.g. Duma Government Hour, 19 Feb 2025 — Q7 ¶3",
    )
    if typed.strip():
        if open_citation(library, pasted_citation(typed, library.documents.values())):
            return
        st.caption("To check words as a quote, paste them in the box below.")
    seeded("quote", params.get("quote") or None, "")
    quote = st.text_area("Quote to check", key="quote", placeholder="Paste the words exactly as you have them")
    kept_in_address("quote", "quote", [quote] if quote.strip() else [])  # so Back from a citation brings it back
    if not quote.strip():
        return
    try:
        check = verify_quote(library, quote)
    except VerbatimError as err:
        show_error(str(err))
        return
    show_check(library, check)


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


def main() -> None:
    """The app: the Ask, Compare, Cite and Library pages."""
    st.set_page_config(page_title="Verbatim", page_icon="❝", layout="wide")
    functions = (ask_page, compare_page, cite_page, library_page)
    pages = [
        st.Page(page, title=path.capitalize(), url_path=path, default=path == "ask")
        for page, path in zip(functions, PAGE_PATHS, strict=True)
    ]
    st.navigation(pages).run()


if __name__ == "__main__":
    main()
