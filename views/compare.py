"""The Compare page: one question answered inside each chosen document, side by side."""

from __future__ import annotations

import json

import streamlit as st

from index import VerbatimError
from retrieval import AnswerSentence, Library
from retrieval.compare import Column, Comparison, compare, to_markdown
from retrieval.highlight import answer_sentence_html, cite_link, escaped, highlighted_html, label_text
from views.shared import (
    build_key,
    html_block,
    kept_in_address,
    kept_question,
    opened_page,
    seeded_count,
    seeded_documents,
    show_error,
)


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
    for caution in column.answer.cautions():
        st.warning(label_text(caution))
    for number, sentence in enumerate(column.answer.sentences, start=1):
        st.markdown(answer_sentence_html(number, sentence), unsafe_allow_html=True)
    for hit in column.answer.hits:
        with st.expander(label_text(hit.passage.label)):
            marked = highlighted_html(hit.passage.text, hit.passage.start, hit.highlights)
            html_block(f'<small>{cite_link(hit.passage)}</small><div class="passage">{marked}</div>')


def compare_page() -> None:
    """Compare: one question answered inside each chosen document, side by side, differences flagged."""
    library = opened_page(
        "Compare", "See what each document says on one question, and where their dates and figures differ."
    )
    if library is None:
        return
    every = list(library.documents)
    seeded_documents(library, "compare_docs", every)
    # Every document stays every document as the library grows: one added since is compared too.
    if st.session_state.compare_docs == st.session_state.get("compare_every", every):
        st.session_state.compare_docs = every
    st.session_state.compare_every = every
    seeded_count("compare_k", 3, 10)
    docs = st.multiselect(
        "Documents to compare",
        options=every,
        format_func=lambda doc_id: library.documents[doc_id].short_title,
        key="compare_docs",
    )
    k = st.slider("Passages per document", min_value=1, max_value=10, key="compare_k")
    # kept in the address, as the question is, so Back from a citation and a shared link bring them back
    kept_in_address("compare_docs", "doc", [] if docs == every else list(docs))
    kept_in_address("compare_k", "k", [] if k == 3 else [str(k)])
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
