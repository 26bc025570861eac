"""Names that different transliterations spell differently: Kiev and Kyiv, Kharkov and Kharkiv, Odessa and Odesa.

Transliterations from another alphabet disagree mostly on vowels and doubled
letters, so two spellings of one name keep the same consonants in the same order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]+")
_WORD = re.compile(r"\b\w[\w’'-]*")


def skeleton(name: str) -> str:
    """The name's first letter, then its consonants and digits; case, accents, vowels and doubled letters dropped."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii() and c.isalnum())
    rest = re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouy]", "", letters[1:]))
    return letters[:1] + rest


def _edits(a: str, b: str) -> int:
    """Levenshtein distance: the fewest letters inserted, deleted or changed to turn ``a`` into ``b``."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def is_respelling(name: str, known: str) -> bool:
    """Whether ``known`` may be ``name`` in another transliteration.

    Same skeleton, lengths within one letter, at most two letters changed: Kyiv
    and Kiev are; Sri and Syria, Reagan and Region, G8 and G20 are not.
    """
    a, b = name.lower(), known.lower()
    return skeleton(a) == skeleton(b) and abs(len(a) - len(b)) <= 1 and _edits(a, b) <= 2


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
