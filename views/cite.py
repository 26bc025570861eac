"""The Cite page: a pasted quote checked against the library, or a citation opened in its context."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from index import VerbatimError
from index.records import Passage
from retrieval import Library
from retrieval.citations import (
    PastedCitation,
    app_root,
    as_markdown,
    as_plain,
    as_quotation,
    citation_link,
    pasted_citation,
)
from retrieval.highlight import cite_link, diff_html, escaped, highlighted_html, label_text
from retrieval.quotes import (
    ASSEMBLED_TEXT,
    MISCREDITED_TEXT,
    MIXED_TEXT,
    VERDICT_TEXT,
    QuoteCheck,
    QuoteMatch,
    verify_quote,
)
from views.shared import PAGE_PATHS, html_block, kept_in_address, opened_page, seeded, show_error

CITE_HELP = f"""
Paste a quote, with or without its quotation marks, as you have it. The verdict:

- {VERDICT_TEXT["exact"]}
- {VERDICT_TEXT["close"]} Struck-through words are the source's, underlined ones the
  quote's; a changed figure, month, qualifier or negation is flagged in red.
- {ASSEMBLED_TEXT}
- {VERDICT_TEXT["partial"]} Each piece no place has is listed.
- {VERDICT_TEXT["paraphrase"]}
- {VERDICT_TEXT["not_found"]}

Each place found names its speaker and role: a questioner's words are never the official's,
and words that run from one speaker into another are no one's quote. Pasted with its
attribution ("“…,” Lavrov said", "According to Lavrov, “…”"), a quote is checked by the words
in its quotation marks, and each place says whether its speaker is the one credited. The citation opens the
words in their context with the forms to copy. The box above the quote opens a citation:
a label, a passage id, or a citation or link copied from Verbatim.
"""


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
    purpose = "Paste a quote to see whether, where and by whom it was said; or open a citation."
    library = opened_page("Cite", purpose, "How to read the verdicts", CITE_HELP)
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
