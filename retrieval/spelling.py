"""Names that different transliterations spell differently: Kiev and Kyiv, Kharkov and Kharkiv, Odessa and Odesa.

Transliterations from another alphabet disagree mostly on vowels and doubled
letters, so two spellings of one name keep the same consonants in the same places.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+")
_WORD = re.compile(r"\b\w[\w’'-]*")


_VOWELS = frozenset("aeiouy")


def _letters(name: str) -> str:
    """Lower case, accents dropped, doubled letters written once: "Odessa" -> "odesa"."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii() and c.isalnum())
    return re.sub(r"(.)\1+", r"\1", letters)


def skeleton(name: str) -> str:
    """The name's letters with every vowel written "_": two spellings of one name share it."""
    return "".join("_" if c in _VOWELS else c for c in _letters(name))


def is_respelling(name: str, known: str) -> bool:
    """Whether ``known`` may be ``name`` in another transliteration.

    Doubled letters aside, the same letters in the same places except that up to
    two vowels differ, in names of at least four letters: Kyiv and Kiev, Kharkiv and
    Kharkov, Odesa and Odessa are; Rutte and Route, Sahara and Sharaa, Sri and Syria,
    Austria and Australia are not.
    """
    a, b = _letters(name), _letters(known)
    if a == b:
        return True
    if len(a) < 4 or skeleton(a) != skeleton(b):  # equal skeletons have equal lengths
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) <= 2


def names_by_skeleton(texts: Iterable[str]) -> dict[str, frozenset[str]]:
    """Capitalised words of the texts that never occur in lower case there (names, not
    sentence openers such as "Many"), grouped by skeleton."""
    capitalised, lower = set(), set()
    for text in texts:
        capitalised.update(_CAPITALISED.findall(text))
        lower.update(w for w in _WORD.findall(text) if w.islower())
    groups: dict[str, set[str]] = {}
    for name in capitalised:
        if name.lower() not in lower:
            groups.setdefault(skeleton(name), set()).add(name)
    return {key: frozenset(names) for key, names in groups.items()}
