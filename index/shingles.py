"""The quote index: every run of three words in the library, hashed, pointing at its position.

Looking a quote up costs a few binary searches, however large the library, and the
word spans lead back to the exact characters of the source.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE = 3
# Apostrophes split words ("Russia’s" -> "Russia", "s"), so a quote may end where a
# possessive begins and straight and curly apostrophes never matter. Combining accents
# (an "é" typed as "e" + U+0301) are not \w but belong to their word.
# Chinese and Japanese put no spaces between words, so each of their characters counts
# as a word: a quote of a whole sentence is then a run of words like any other.
UNSPACED = "\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(rf"[{UNSPACED}]|(?:(?![{UNSPACED}])\w)(?:(?![{UNSPACED}])[\w{_MARKS}])*")


def word_form(word: str) -> str:
    """The form words are compared in: composed accents (NFC), lower case."""
    return unicodedata.normalize("NFC", word).lower()


def words(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """The words of ``text`` as (start, end, normal form), spans shifted by ``offset``.

    Punctuation is not part of words and the normal form is ``word_form``, so quotation
    marks, apostrophes, dashes, white space, case and how an accent is encoded never
    decide whether words match.
    """
    return [(offset + m.start(), offset + m.end(), word_form(m.group())) for m in _WORD.finditer(text)]


def shingle_hash(run: Sequence[str]) -> int:
    """A stable 63-bit hash of a run of normalised words."""
    digest = hashlib.blake2b(" ".join(run).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1


@dataclass(frozen=True)
class QuoteIndex:
    """Word spans of every document and the sorted hashes of their three-word runs."""

    token_spans: np.ndarray  # int64 (words, 2): start, end in the word's document
    token_docs: np.ndarray  # int32 (words,): document row of each word
    shingle_hashes: np.ndarray  # int64 (shingles,), sorted
    shingle_tokens: np.ndarray  # int64 (shingles,): global index of each shingle's first word


def build_quote_index(texts: Sequence[str]) -> QuoteIndex:
    """The quote index of the documents' texts, documents in the given order."""
    spans, docs, hashes, firsts = [], [], [], []
    for row, text in enumerate(texts):
        found = words(text)
        base = len(spans)
        spans += [(s, e) for s, e, _ in found]
        docs += [row] * len(found)
        forms = [w for _, _, w in found]
        for i in range(len(forms) - SHINGLE + 1):
            hashes.append(shingle_hash(forms[i : i + SHINGLE]))
            firsts.append(base + i)
    order = np.argsort(np.array(hashes, dtype=np.int64), kind="stable")
    return QuoteIndex(
        token_spans=np.array(spans, dtype=np.int64).reshape(-1, 2),
        token_docs=np.array(docs, dtype=np.int32),
        shingle_hashes=np.array(hashes, dtype=np.int64)[order],
        shingle_tokens=np.array(firsts, dtype=np.int64)[order],
    )
