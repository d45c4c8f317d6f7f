"""A light French stemmer for the directory search: pure functions, same at index and query time.

SQLite's FTS5 has no French stemmer, and PostgreSQL's Snowball one does not bring trades
together ("menuisier" → menuisi, "menuiserie" → menuiser). What people search in a directory of
cooperatives is mostly trades and activities, whose families share a root once a few derivation
suffixes are removed: menuisier / menuiserie / menuiseries → menuis; charpentier / charpente →
charpent; électricien / électricité / électrique → electric; boulanger / boulangerie → boulang.

The stemmer is deliberately light (it only strips the suffixes below, keeping at least
`MIN_STEM` letters) and the search matches stems as prefixes, so a root shared by a little
more than one family only widens the results a bit, while a missed family would lose them.
Text is folded with the territories' `normalise` first (accents, case, punctuation).
"""

from __future__ import annotations

from functools import lru_cache

from maillage.territories.text import normalise

MIN_STEM = 4
MAX_WORD = 40

# Longest first: the first suffix that leaves a long enough stem is removed.
_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            ("issements", ""),
            ("issement", ""),
            ("ements", ""),
            ("ement", ""),
            ("ations", "at"),
            ("ation", "at"),
            ("atrices", "at"),
            ("atrice", "at"),
            ("ateurs", "at"),
            ("ateur", "at"),
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
            ("ites", ""),
            ("ite", ""),
            ("iques", "ic"),
            ("ique", "ic"),
            ("ismes", ""),
            ("isme", ""),
            ("istes", ""),
            ("iste", ""),
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
            ("els", ""),
            ("el", ""),
            ("aux", "al"),
            ("ales", "al"),
            ("ale", "al"),
            ("ures", ""),
            ("ure", ""),
            ("nneries", "n"),
            ("nnerie", "n"),
            ("ers", ""),
            ("er", ""),
            ("ees", ""),
            ("ee", ""),
            ("es", ""),
            ("e", ""),
            ("s", ""),
            ("x", ""),
        ],
        key=lambda pair: -len(pair[0]),
    )
)

# Words too common to search on (articles, prepositions, conjunctions).
_STOPWORDS_TEXT = (
    "a au aux avec ce ces d dans de des du en et il ils l la le les leur leurs ma mais me "
    "mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes "
    "ton tu un une vos votre vous y"
)
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one folded word (a-z0-9): derivation and plural suffixes removed.

    >>> stem("menuiserie"), stem("menuisiers")
    ('menuis', 'menuis')
    """
    word = word[:MAX_WORD]
    if len(word) <= MIN_STEM or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= MIN_STEM:
            return word[: len(word) - len(suffix)] + replacement
    return word


def words(text: str) -> list[str]:
    """The folded words of a text, stop words and one-letter words left out (not stemmed)."""
    return [w for w in normalise(text).split() if len(w) > 1 and w not in STOPWORDS]


def index_text(text: str) -> str:
    """What the index stores for a text: its stems, space-separated."""
    return " ".join(stem(w) for w in words(text))


def query_terms(text: str) -> list[str]:
    """Distinct stems a query must all match (as prefixes), in the order typed."""
    return list(dict.fromkeys(stem(w) for w in words(text)))
