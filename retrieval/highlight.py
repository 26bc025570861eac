"""Document text, answer sentences, citation links and quote diffs as safe HTML. Pure functions, no Streamlit."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from index.records import Passage
from retrieval.citations import citation_link
from retrieval.quote_diff import DiffPart
from retrieval.records import AnswerSentence

# Streamlit passes this HTML through a Markdown parser first: "$...$" would become
# LaTeX and "*", "_", "`", "[", "~" formatting, changing the words shown. As character
# references these characters are displayed literally.
_MARKDOWN_ACTIVE = str.maketrans({c: f"&#{ord(c)};" for c in "$*_`[]~#\\|"})


def _escape(text: str) -> str:
    return html.escape(text, quote=False).translate(_MARKDOWN_ACTIVE)


def highlighted_html(text: str, offset: int, spans: Sequence[tuple[int, int]], numbers: Sequence[int] = ()) -> str:
    """``text`` (which starts at ``offset`` in its document) as escaped HTML with ``spans`` in <mark>.

    Every character of the text is escaped, so document content can never
    become markup, HTML or Markdown. ``numbers[i]``, when given, is shown after span ``i`` as its
    citation number. Spans outside the text are ignored; overlapping ones merge.
    """
    pieces, cursor = [], 0
    marks = sorted(
        (max(s - offset, 0), min(e - offset, len(text)), numbers[i] if i < len(numbers) else None)
        for i, (s, e) in enumerate(spans)
        if s - offset < len(text) and e - offset > 0
    )
    for start, end, number in marks:
        start = max(start, cursor)
        if start >= end:
            continue
        pieces.append(_escape(text[cursor:start]))
        note = f"<sup>[{number}]</sup>" if number is not None else ""
        pieces.append(f"<mark>{_escape(text[start:end])}</mark>{note}")
        cursor = end
    pieces.append(_escape(text[cursor:]))
    return "".join(pieces).replace("\n", "<br>")


def escaped(text: str) -> str:
    """Plain text made safe to place inside the HTML the app renders: no markup, no Markdown."""
    return _escape(text).replace("\n", "<br>")


_LABEL_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$<>&])")


def label_text(text: str) -> str:
    """Plain text for a Streamlit label or message, which render Markdown (links, emphasis,
    ":red[...]", ":smile:", "$...$") but not HTML: every active character backslash-escaped."""
    return _LABEL_ACTIVE.sub(r"\\\1", text)


def cite_link(passage: Passage, start: int | None = None, end: int | None = None, label: str = "") -> str:
    """The citation label (the passage's own by default) as a link that opens the passage on the Cite page."""
    href = escaped(citation_link(passage, start, end))
    return f'<a class="citation" href="{href}" target="_self">{escaped(label or passage.label)}</a>'


def answer_sentence_html(number: int, sentence: AnswerSentence, after: str = "") -> str:
    """A numbered answer sentence in quotation marks, its speaker and its citation link, then ``after``."""
    return (
        f'<p class="answer-sentence">[{number}] “{escaped(sentence.text)}”<br>'
        f"<small>— <b>{escaped(sentence.passage.speaker or 'unattributed')}</b>, "
        f"{cite_link(sentence.passage, sentence.start, sentence.end)} {after}</small></p>"
    )


def diff_html(diff: Sequence[DiffPart]) -> str:
    """A quote's word-level diff as HTML: source words the quote lacks struck through, its own words underlined."""
    parts = []
    for part in diff:
        if part.op == "equal":
            parts.append(escaped(part.quote))
        if part.op in ("changed", "omitted") and part.source:
            parts.append(f"<del>{escaped(part.source)}</del>")
        if part.op in ("changed", "added") and part.quote:
            parts.append(f"<ins>{escaped(part.quote)}</ins>")
    return " ".join(parts)
