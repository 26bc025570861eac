"""The words of a quote pasted with its HTML: what the page showed, not its markup."""

from __future__ import annotations

import html
import re

# A tag or comment; attribute values may hold "<" or ">", and attributes need no value.
_MARKUP = re.compile(
    r"""<!--.*?-->|<(/?)([A-Za-z][\w-]*)(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*\s*/?>""",
    re.S,
)
# Elements that break a line where they stand, so the words either side stay apart.
_BLOCK = re.compile(
    r"article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|img|li|main|nav|ol|p|pre"
    r"|section|table|tbody|td|th|thead|tr|ul"
)
_INLINE = re.compile(
    r"a|abbr|b|bdi|bdo|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr"
)


def has_markup(quote: str) -> bool:
    """Whether the quote holds anything that reads as an HTML tag or comment."""
    return _MARKUP.search(quote) is not None


def shown_text(quote: str) -> str:
    """The quote as a browser shows it: comments and tags gone, entities read, white space single.

    An HTML element's tag goes, and so does any tag the quote also closes (a site's
    own elements); an unknown tag never closed ("<inaudible>") is the source's words.
    """
    closed = {tag[2].lower() for tag in _MARKUP.finditer(quote) if tag[1]}

    def replace(tag: re.Match) -> str:
        name = (tag[2] or "").lower()
        if _BLOCK.fullmatch(name):
            return " "
        if tag[2] is None or _INLINE.fullmatch(name) or name in closed:
            return ""
        return tag[0]

    return " ".join(html.unescape(_MARKUP.sub(replace, quote)).split())
