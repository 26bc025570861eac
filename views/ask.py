"""The Ask page: one question, the sentences that answer it and the ranked passages, with citations."""

from __future__ import annotations

import streamlit as st

from index import VerbatimError
from retrieval import Answer, Hit, Library, ask
from retrieval.highlight import answer_sentence_html, cite_link, escaped, highlighted_html, label_text
from views.shared import (
    build_key,
    html_block,
    kept_in_address,
    kept_question,
    opened_page,
    seeded,
    seeded_count,
    seeded_documents,
    show_error,
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
  the answer is given with a caution naming it; so is an answer in other words than
  those of a speaker the question names ("What did Lavrov say…").

Filters in the sidebar limit the search to some documents or to one role.
Each citation is a link to the **Cite** page, which shows the passage in its
context and the citation to copy. **Compare** answers one question in each
document side by side; **Cite** also checks whether a pasted quote was really said.
**Library** adds your own documents (txt, md, html, htm, pdf, docx), edits their
metadata and removes them (after you tick that the file is to be deleted).
"""


ROLE_CHOICES = {"All speakers": "all", "Answers only": "answer", "Questions only": "question"}


@st.cache_data(show_spinner=False, max_entries=256)
def cached_answer(_library: Library, build: str, question: str, doc_ids: tuple[str, ...], role: str, k: int) -> Answer:
    """The answer to a question with these filters, remembered across reruns of the same ``build``."""
    return ask(_library, question, k=k, doc_ids=doc_ids or None, role=role)


def sidebar_filters(library: Library) -> tuple[tuple[str, ...], str, int]:
    """The document, role and result-count filters chosen in the sidebar, kept in the address
    (``doc``, ``role``, ``k``) beside the question."""
    role_names = {role: name for name, role in ROLE_CHOICES.items()}
    seeded_documents(library, "filter_docs", [])
    seeded("filter_role", role_names.get(st.query_params.get("role", "")), "All speakers")
    seeded_count("filter_k", 5, 20)
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
    for caution in answer.cautions():
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


def ask_page() -> None:
    """Ask: one question, the best answer sentences and ranked passages from the whole library."""
    purpose = "Ask the library. Every answer is cited to the exact words of its source."
    library = opened_page("Ask", purpose, "How to read the results", HELP)
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
