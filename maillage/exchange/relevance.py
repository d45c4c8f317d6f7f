"""Text relevance between a need and what suppliers say they do: BM25 over French words.

Pure functions, no database. Text is folded (accents, case, punctuation) by the territories'
``normalise``, French stop words are dropped and each word is reduced by a light stemmer that
strips plural and a few derivation suffixes, so that "menuiseries", "menuisier" and
"menuiserie" meet on "menuis", "rénovation" and "rénover" on "renov".

Scoring is Okapi BM25 (k1 = 1.2, b = 0.75) with the usual non-negative idf
``ln(1 + (N − n + 0.5) / (n + 0.5))``, the statistics being those of the documents given (the
prefiltered candidates of one need). ``BM25.normalised`` divides by the score the query would
get against a document of average length holding each of its words once, capped at 1, so
values mean the same from one need to the next: 1 when every query word is found.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from maillage.territories.text import normalise

K1 = 1.2
B = 0.75
MIN_STEM = 4
TERM_COUNTS_CACHE = 100_000
"""Offer and presentation texts kept counted in memory (a few hundred bytes each)."""

STOPWORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "il",
        "ils",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "me",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "etre",
        "avoir",
        "est",
        "sont",
        "ete",
        "tout",
        "tous",
        "toute",
        "toutes",
        "plus",
        "moins",
        "tres",
        "non",
        "sans",
        "sous",
        "chez",
        "entre",
        "afin",
        "ainsi",
        "comme",
        "dont",
        "donc",
        "lors",
        "si",
        "leur",
        "cet",
    ]
)

# Longest first; (suffix, replacement). A suffix is removed only if MIN_STEM letters remain.
_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("issements", ""),
            ("issement", ""),
            ("ements", ""),
            ("ement", ""),
            ("ations", ""),
            ("ation", ""),
            ("ateurs", ""),
            ("ateur", ""),
            ("atrices", ""),
            ("atrice", ""),
            ("eries", ""),
            ("erie", ""),
            ("ieres", ""),
            ("iere", ""),
            ("iers", ""),
            ("ier", ""),
            ("iennes", ""),
            ("ienne", ""),
            ("iens", ""),
            ("ien", ""),
            ("iques", "ic"),
            ("ique", "ic"),
            ("ites", ""),
            ("ite", ""),
            ("istes", ""),
            ("iste", ""),
            ("ismes", ""),
            ("isme", ""),
            ("euses", ""),
            ("euse", ""),
            ("eurs", ""),
            ("eur", ""),
            ("ives", ""),
            ("ive", ""),
            ("ifs", ""),
            ("if", ""),
            ("elles", ""),
            ("elle", ""),
            ("ees", ""),
            ("ee", ""),
            ("es", ""),
            ("er", ""),
            ("ez", ""),
            ("e", ""),
            ("s", ""),
            ("x", ""),
        ],
        key=lambda pair: -len(pair[0]),
    )
)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The light stem of a folded word ("menuiseries" → "menuis", "isolation" → "isol")."""
    for _round in range(2):
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= MIN_STEM:
                word = word[: len(word) - len(suffix)] + replacement
                break
        else:
            break
    return word


def tokens(text: str) -> list[str]:
    """Folded, stop-word-free, stemmed words of a French text."""
    return [stem(w) for w in normalise(text).split() if w not in STOPWORDS and len(w) > 1]


@lru_cache(maxsize=TERM_COUNTS_CACHE)
def term_counts(text: str) -> tuple[int, Mapping[str, int]]:
    """The number of words of a text and how often each occurs, kept in process memory: the
    same offers are read for need after need. The mapping is shared: do not change it."""
    words = tokens(text)
    return len(words), Counter(words)


class BM25:
    """BM25 statistics over a small collection (the candidates of one need)."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self._setup([Counter(d) for d in documents], [len(d) for d in documents])

    @classmethod
    def from_counts(cls, documents: Sequence[tuple[int, Mapping[str, int]]]) -> BM25:
        """Statistics over documents already counted (``term_counts``): nothing is re-read."""
        bm25 = cls.__new__(cls)
        bm25._setup([counts for _length, counts in documents], [n for n, _c in documents])
        return bm25

    def _setup(self, frequencies: Sequence[Mapping[str, int]], lengths: list[int]) -> None:
        self.size = len(frequencies)
        self.lengths = lengths
        self.average = (sum(lengths) / self.size) if self.size else 0.0
        self.frequencies = frequencies
        # Document frequencies are only ever asked for the query's terms: counted on demand.
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        """How many documents hold ``term``."""
        n = self._df.get(term)
        if n is None:
            n = self._df[term] = sum(1 for counts in self.frequencies if term in counts)
        return n

    def idf(self, term: str) -> float:
        n = self.df(term)
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))

    def score(self, query: Iterable[str], index: int) -> float:
        """Okapi BM25 of document ``index`` for the query terms (repeats count once)."""
        counts = self.frequencies[index]
        length = self.lengths[index]
        norm = K1 * (1 - B + B * length / self.average) if self.average else K1
        total = 0.0
        for term in set(query):
            tf = counts.get(term, 0)
            if tf:
                total += self.idf(term) * tf * (K1 + 1) / (tf + norm)
        return total

    def ceiling(self, query: Iterable[str]) -> float:
        """The score of a document of average length holding every query word once."""
        return sum(self.idf(term) for term in set(query))

    def normalised(self, query: Sequence[str], index: int) -> float:
        """Score in [0, 1]: BM25 divided by its ceiling for this query."""
        top = self.ceiling(query)
        return min(1.0, self.score(query, index) / top) if top > 0 else 0.0

    def matched_terms(self, query: Iterable[str], index: int) -> list[str]:
        counts = self.frequencies[index]
        return sorted({t for t in query if t in counts})
