"""The words of a quote pasted with its HTML: what the page showed, not its markup."""

from __future__ import annotations

import html
import re

# A script or style with its code, a comment, or a tag (attribute values may hold "<"
# or ">", and attributes need no value).
_MARKUP = re.compile(
    r"<(script|style)\b.*?</\1\s*>|<!--.*?-->"
    r"""|<(/?)([A-Za-z][\w-]*)(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*\s*/?>""",
    re.S | re.I,
)
_ENTITY = re.compile(r"&(?:[A-Za-z]+\d*|#\d+|#[xX][0-9A-Fa-f]+);")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero widths
# Elements that break a line where they stand, so the words either side stay apart.
_BLOCK = re.compile(
    r"article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|img|li|main|nav|ol|p|pre"
    r"|section|table|tbody|td|th|thead|tr|ul"
)
_INLINE = re.compile(
    r"a|abbr|b|bdi|bdo|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr"
)


def has_markup(quote: str) -> bool:
    """Whether the quote holds anything that reads as an HTML tag, comment or entity."""
    return _MARKUP.search(quote) is not None or _ENTITY.search(quote) is not None


def shown_text(quote: str) -> str:
    """The quote as a browser shows it: comments and tags gone, entities read, white space single.

    An HTML element's tag goes, and so does any tag the quote also closes (a site's
    own elements); an unknown tag never closed ("<inaudible>") is the source's words.
    """
    closed = {tag[3].lower() for tag in _MARKUP.finditer(quote) if tag[2]}

    def replace(tag: re.Match) -> str:
        name = (tag[3] or "").lower()
        if _BLOCK.fullmatch(name):
            return " "
        if tag[3] is None or _INLINE.fullmatch(name) or name in closed:
            return ""  # a script, a comment, or a tag inside a line of text
        return tag[0]

    return " ".join(html.unescape(_MARKUP.sub(replace, quote)).translate(_INVISIBLE).split())
