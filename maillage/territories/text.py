"""Text normalisation for place names: one pure function shared by the loader and the lookups.

Everything that compares names (autocomplete, search suggestions, the search keys written at
load time) goes through `normalise`, so "Saint-Étienne", "saint etienne" and "SAINT ÉTIENNE"
meet on the same key. Keys are plain ASCII (a-z, 0-9, single spaces), which keeps prefix range
queries correct under any collation that orders ASCII bytewise.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not split into base letter + accent, and the
# typographic punctuation that must separate words rather than vanish.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "’": " ",
        "‘": " ",
        "ʼ": " ",
        "–": " ",
        "—": " ",
        "«": " ",
        "»": " ",
    }
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

# Abbreviations people type for the first word of a name ("St-Étienne", "Ste Foy").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Words a multi-word name is not searched from ("Le Mans" is found by "mans", not by "le"
# alone, which would match thousands of names); the full name is always a key.
STOPWORDS = frozenset(
    {"l", "d", "le", "la", "les", "lez", "de", "du", "des", "en", "sur", "sous", "et", "aux", "au"}
)


def normalise(text: str) -> str:
    """Lower-case ASCII form of a name: no accents, no case, hyphens and apostrophes as spaces.

    >>> normalise("L'Haÿ-les-Roses")
    'l hay les roses'
    """
    if not text.isascii():
        # Decompose, then let the ASCII encoder drop the combining accents (and any letter
        # outside the Latin alphabet, which no French place name needs).
        text = text.translate(_LIGATURES)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def expand_abbreviations(normalised: str) -> str:
    """Spell out a leading "st"/"ste" so that "st etienne" finds "saint etienne"."""
    first, _, rest = normalised.partition(" ")
    if first in _ABBREVIATIONS and rest:
        return f"{_ABBREVIATIONS[first]} {rest}"
    return normalised


def search_keys(name: str) -> list[str]:
    """The keys under which a name is found by prefix: the whole name, then each later word.

    "Saint-Étienne-de-Fursac" → ["saint etienne de fursac", "etienne de fursac", "fursac"]:
    typing "etienne" or "fursac" then finds it with the same indexed prefix query.
    """
    return keys_of_normalised(normalise(name))


def keys_of_normalised(full: str) -> list[str]:
    """`search_keys` for a name already normalised."""
    if not full:
        return []
    words = full.split(" ")
    keys = [full]
    for index in range(1, len(words)):
        if words[index] in STOPWORDS or words[index].isdigit():
            continue
        keys.append(" ".join(words[index:]))
    return keys
