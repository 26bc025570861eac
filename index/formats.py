"""Text out of the formats people keep documents in: plain text, Markdown, HTML, PDF, Word.

For a converted format (HTML, PDF, Word) the extracted text is what citations point
into; the library stores it beside the original, so spans stay checkable.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from index.errors import DocumentError

TEXT_SUFFIXES = (".txt", ".md")
CONVERTED_SUFFIXES = (".html", ".htm", ".pdf", ".docx")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
# What a Word document may unpack to: twice the file limit, room for any real one (its
# text compresses about tenfold, its pictures not at all).
MAX_UNPACKED_BYTES = 2 * MAX_DOCUMENT_BYTES


# Raised whenever extraction changes, so stored copies made by an older Verbatim are extracted again.
EXTRACTION_VERSION = 8


@dataclass(frozen=True)
class Extracted:
    """A document's text and, for a PDF, where each page starts in it."""

    text: str
    page_starts: tuple[int, ...] = field(default=())


def _require_words(path: Path, text: str, why_none: str) -> str:
    if not re.search(r"\w\w", text):
        raise DocumentError(str(path), why_none)
    return text


def decode_text(path: Path, data: bytes) -> str:
    """Bytes of a text file as UTF-8 text, or a DocumentError naming why they are not."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(str(path), "is UTF-16 text; re-save it with UTF-8 encoding")
    if b"\x00" in data[:8192]:
        raise DocumentError(str(path), "looks binary (it contains NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(
            str(path), f"is not valid UTF-8 (byte {err.start}); re-save it with UTF-8 encoding"
        ) from None
    return _require_words(path, text, "is empty: it contains no words")


class _HtmlText(HTMLParser):
    """Collects the readable text of a page: no scripts or styles and, with ``chrome=False``, no
    navigation, headers, footers or asides."""

    NEVER_TEXT = {"script", "style", "noscript", "template", "svg", "head"}
    CHROME = {"nav", "header", "footer", "aside"}
    BLOCKS = {"p", "div", "br", "li", "tr", "section", "article", "blockquote", "main", "hr", "pre", "address"}
    BLOCKS |= {"ul", "ol", "dl", "dt", "dd", "table", "caption", "figure", "figcaption", "details", "summary"}
    HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
    CONTAINERS = {"div", "section", "article", "main", "body", "td", "li"}
    CELLS = {"td", "th"}

    def __init__(self, chrome: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = self.NEVER_TEXT if chrome else self.NEVER_TEXT | self.CHROME
        self.parts: list[str] = []
        self.skipped: list[str] = []  # the open elements whose text is left out, innermost last
        self.open_skipped: Counter[str] = Counter()  # how many of each are open, so a close costs no search
        # Per open <blockquote>, how many containers opened inside it are open: a <footer> in one names
        # the quote's source, no page chrome; a container closing that opened before it closes it too.
        self.quotations: list[int] = []
        self.inline_quotes = 0  # open <q>s: one inside another takes single quotation marks

    def _close(self, tag: str) -> None:
        # Closing an element also closes whatever was left open inside it.
        if self.open_skipped[tag]:
            while (inner := self.skipped.pop()) != tag:
                self.open_skipped[inner] -= 1
            self.open_skipped[tag] -= 1

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self._close("head")  # HTML5 lets a page leave out </head>
        if tag in self.skip and not (tag == "footer" and self.quotations):
            self.skipped.append(tag)
            self.open_skipped[tag] += 1
        if tag in self.CONTAINERS and self.quotations:
            self.quotations[-1] += 1
        if tag == "blockquote":
            self.quotations.append(0)
        self._break(tag, opening=True)
        if tag == "q":  # a browser shows an inline quotation between quotation marks
            self.inline_quotes += 1
            self._data("“" if self.inline_quotes % 2 else "‘")

    def handle_endtag(self, tag):
        if tag in self.skip:
            self._close(tag)
        if tag == "blockquote" and self.quotations:
            self.quotations.pop()
        if tag in self.CONTAINERS:
            while self.quotations and not self.quotations[-1]:  # a blockquote left open ends with what holds it
                self.quotations.pop()
            if self.quotations:
                self.quotations[-1] -= 1
        self._break(tag, opening=False)
        if tag == "q" and self.inline_quotes:
            self._data("”" if self.inline_quotes % 2 else "’")
            self.inline_quotes -= 1

    def _break(self, tag: str, opening: bool) -> None:
        """The separator an element puts between the words before and after it."""
        if tag in self.BLOCKS or tag in self.CHROME:
            self.parts.append("\n")
        elif tag in self.HEADINGS:
            # Inside left-out chrome a heading's blank line would split the paragraph around it.
            self.parts.append("\n" if self.skipped else _APART)
        elif tag in self.CELLS and opening:
            self.parts.append("\t")

    def handle_data(self, data):
        self._data(data.replace(_APART.strip(), " "))

    def _data(self, text: str) -> None:
        if not self.skipped:
            self.parts.append(text)


# Marks a line break that stays a blank line: around a heading, which is how the
# structure reader tells a heading from a line of running text.
_APART = "\n\x00\n"


def _tidy(text: str) -> str:
    """One line per block, white space collapsed (but for the tab between table cells), no blank lines
    except one where ``_APART`` marks it."""
    lines = [
        "\t".join(" ".join(cell.split()) for cell in line.split("\t") if cell.strip()) for line in text.splitlines()
    ]
    kept: list[str] = []
    for line in lines:
        if line == _APART.strip():
            if kept and kept[-1]:
                kept.append("")
        elif line:
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


# The bytes 0x80-0x9F that Windows-1252 reads as letters and signs ("“" for 0x93), from their Latin-1 reading.
_WINDOWS_1252 = {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
# A <meta> tag and its attributes, as a browser looks for the page's charset in its first bytes.
_META = re.compile(r"<meta\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _declared_charset(head: str) -> str | None:
    """The charset a page's <meta> declares: its ``charset`` attribute, or the ``charset=`` in the
    content of one that stands for the Content-Type header (never one in a description's text)."""
    for meta in _META.finditer(head):
        attributes = {name.lower(): "".join(values) for name, *values in _ATTRIBUTE.findall(meta.group(1))}
        if attributes.get("charset"):
            return attributes["charset"].strip()
        if attributes.get("http-equiv", "").lower() == "content-type":
            declared = re.search(r"charset\s*=\s*([\w.:-]+)", attributes.get("content", ""), re.I)
            if declared:
                return declared.group(1)
    return None


def _html_encoding(data: bytes) -> str:
    """The encoding a browser reads the page in: its byte-order mark's, else the charset its <meta>
    declares, else UTF-8. As browsers do, a page declaring UTF-16 or UTF-32 without the mark (saved
    as UTF-8 by an editor) is UTF-8, and one declaring Latin-1 or ASCII is Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    declared = _declared_charset(data[:2048].decode("ascii", "ignore"))
    if not declared:
        return "utf-8"
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        return declared  # refused by name when the page is read
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return "cp1252" if name in ("iso8859-1", "ascii") else name


def html_text(path: Path, data: bytes) -> Extracted:
    """The main text of an HTML page, one block per line; markup and scripts never survive."""
    encoding = _html_encoding(data)
    try:
        # Windows-1252 as browsers read it: the five bytes Python's cp1252 leaves undefined are control characters
        markup = data.decode("latin-1").translate(_WINDOWS_1252) if encoding == "cp1252" else data.decode(encoding)
    except LookupError:
        raise DocumentError(str(path), f"is HTML in an encoding unknown here ({encoding}); save it as UTF-8") from None
    except UnicodeDecodeError as err:
        raise DocumentError(
            str(path),
            f"is HTML that is not valid {encoding} (at byte {err.start}), the encoding it is read in; save it as UTF-8",
        ) from None
    for chrome in (False, True):
        # Page chrome is left out, unless that leaves nothing: a <header> never
        # closed holds the whole page.
        parser = _HtmlText(chrome)
        parser.feed(markup)
        text = _tidy("".join(parser.parts))
        if re.search(r"\w\w", text):
            break
    return Extracted(_require_words(path, text, "has no readable text"))


def pdf_text(path: Path, data: bytes) -> Extracted:
    """The text of every page, pages separated by a blank line, with where each page starts."""
    if not data.startswith(b"%PDF"):
        raise DocumentError(str(path), "is not a PDF, whatever its name says")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(str(path), "is password-protected; save a copy without the password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DependencyError:
        raise DocumentError(str(path), "is encrypted (AES); save a copy without protection") from None
    except DocumentError:
        raise
    except Exception as err:  # a parser of untrusted files can fail in any way
        raise DocumentError(str(path), f"is a damaged PDF ({err})") from None
    text, starts = "", []
    for page in _without_running_lines(pages):
        starts.append(len(text))
        text += _tidy(page) + "\n"
    why = "has no text layer (a scanned PDF?); run it through OCR first"
    return Extracted(_require_words(path, text, why), tuple(starts))


# How many lines at the top and at the bottom of a page may be its running head or foot.
_RUNNING_LINES = 2


def _without_running_lines(pages: list[str]) -> list[str]:
    """The pages without their running heads and feet: a line among the first or last few of a
    page that, digits aside ("Page 3 of 20", "1/2"), stands there on most pages. It is the
    printer's, never the document's words, and would otherwise land inside a speaker's turn."""

    def form(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    def edges(lines: list[str]) -> set[int]:  # the first and last few lines that hold words
        filled = [i for i, line in enumerate(lines) if line.strip()]
        return set(filled[:_RUNNING_LINES] + filled[-_RUNNING_LINES:])

    paged = [page.splitlines() for page in pages]
    counts = Counter(shape for lines in paged for shape in {form(lines[i]) for i in edges(lines)})
    # On two pages only a numbered line ("1/2") is surely the printer's; a label alone on its line never is.
    running = {
        shape
        for shape, count in counts.items()
        if 2 * count > len(pages) and (count >= 3 or count == 2 and "#" in shape) and not shape.endswith((":", "："))
    }
    if not running:
        return pages
    return [
        "\n".join(line for i, line in enumerate(lines) if not (i in edges(lines) and form(line) in running))
        for lines in paged
    ]


def docx_text(path: Path, data: bytes) -> Extracted:
    """The paragraphs of a Word document, headings and tables included, one per line, then its notes."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):  # a zip's first entry, without the directory at its end
            raise DocumentError(str(path), "is a Word document cut short or damaged; copy or save it again")
        raise DocumentError(str(path), "is not a Word (.docx) document, whatever its name says")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES:  # read in full, a small file of repeated bytes fills the memory
        raise DocumentError(
            str(path), f"unpacks to {unpacked:,} bytes, more than {MAX_UNPACKED_BYTES:,}; it may be a zip bomb"
        )
    import docx

    try:
        lines = [line for block in docx.Document(io.BytesIO(data)).iter_inner_content() for line in _docx_lines(block)]
        lines += _docx_notes(data)
    except Exception as err:  # a parser of untrusted files can fail in any way
        raise DocumentError(str(path), f"is a damaged Word document ({err})") from None
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"
    return Extracted(_require_words(path, text, "has no text"))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The headings Word's notes are put under: what stands there is the document's, no speaker's.
NOTE_HEADINGS = {"footnotes": "Footnotes", "endnotes": "Endnotes"}


def _docx_notes(data: bytes) -> list[str]:
    """The footnotes, then the endnotes, of a Word document: each under its heading (``NOTE_HEADINGS``),
    one numbered line per note in the order the document keeps them. python-docx reads neither;
    notes that cannot be read are left out, and the body still stands."""
    from docx.oxml.parser import parse_xml  # lxml with entities left unresolved
    from lxml.etree import XMLSyntaxError

    lines = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for part, heading in NOTE_HEADINGS.items():
            try:
                root = parse_xml(archive.read(f"word/{part}.xml"))
            except (KeyError, XMLSyntaxError):  # no such notes, or damaged ones
                continue
            kept = root.iterchildren(f"{_W}{part[:-1]}")  # w:footnote or w:endnote
            notes = [_note_text(note) for note in kept if note.get(f"{_W}type") in (None, "normal")]
            if any(notes):
                lines += ["", heading, ""]
                lines += [f"{number}. {note}" for number, note in enumerate(notes, start=1) if note]
    return lines


def _note_text(note) -> str:
    """A note's words, its paragraphs, table cells, tabs and line breaks apart by spaces."""
    words = []
    for paragraph in note.iter(f"{_W}p"):
        for element in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            words.append((element.text or "") if element.tag == f"{_W}t" else " ")
        words.append(" ")
    return " ".join("".join(words).split())


def _unique(cells: list) -> list:
    """The cells of a row, a merged cell (listed once per grid column it spans) once."""
    return list({id(cell._tc): cell for cell in cells}.values())


def _docx_lines(block) -> list[str]:
    """The non-blank lines of a paragraph, or of a table: one line per row, its cells (a merged one once) apart by tabs.

    A heading stands between blank lines, which is how the structure reader knows it.
    """
    if hasattr(block, "rows"):
        cells = ((" ".join(cell.text.split()) for cell in _unique(row.cells)) for row in block.rows)
        rows = ("\t".join(cell for cell in row if cell) for row in cells)
        return [row for row in rows if row]
    if not block.text.strip():
        return []
    heading = block.style is not None and block.style.name.startswith(("Heading", "Title"))
    return ["", block.text.strip(), ""] if heading else [block.text.strip()]


def check_size(path: Path, size: int) -> None:
    """A DocumentError when a file of ``size`` bytes is over the limit: checked before it is read, so a
    stray huge file never fills the memory."""
    if size > MAX_DOCUMENT_BYTES:
        limit = f"{MAX_DOCUMENT_BYTES // 2**20} MiB ({MAX_DOCUMENT_BYTES:,} bytes)"
        raise DocumentError(str(path), f"is {size:,} bytes; the limit is {limit}")


def extract(path: Path, data: bytes) -> Extracted:
    """The text of a file of any supported format, or a DocumentError that says what is wrong."""
    check_size(path, len(data))
    if not data.strip():
        raise DocumentError(str(path), "is empty")
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return Extracted(decode_text(path, data))
    if suffix in (".html", ".htm"):
        return html_text(path, data)
    if suffix == ".pdf":
        return pdf_text(path, data)
    if suffix == ".docx":
        return docx_text(path, data)
    raise DocumentError(str(path), f"has an unsupported type; Verbatim reads {', '.join(SUPPORTED_SUFFIXES)}")
