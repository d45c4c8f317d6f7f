"""Text relevance: BM25 over counted documents gives the same scores as over word lists."""

from __future__ import annotations

import pytest

from maillage.exchange.relevance import BM25, term_counts, tokens

TEXTS = [
    "Menuiserie bois : fenêtres, portes et escaliers sur mesure",
    "Peinture intérieure et ravalement de façades",
    "Fenêtres PVC et aluminium, pose et rénovation",
    "Bois de chauffage",
]


def test_term_counts_counts_the_stemmed_words():
    length, counts = term_counts("Fenêtres et fenêtre en bois")
    assert length == 3
    assert counts[tokens("fenêtres")[0]] == 2
    assert term_counts("Fenêtres et fenêtre en bois") is term_counts("Fenêtres et fenêtre en bois")


def test_bm25_over_counted_documents_scores_like_over_word_lists():
    query = tokens("Remplacement de fenêtres en bois")
    listed = BM25([tokens(t) for t in TEXTS])
    counted = BM25.from_counts([term_counts(t) for t in TEXTS])
    for index in range(len(TEXTS)):
        assert counted.normalised(query, index) == pytest.approx(listed.normalised(query, index))
        assert counted.matched_terms(query, index) == listed.matched_terms(query, index)
    assert counted.df(tokens("fenêtres")[0]) == 2
    assert counted.normalised(query, 1) == 0.0
    assert counted.normalised(query, 0) > counted.normalised(query, 3) > 0
