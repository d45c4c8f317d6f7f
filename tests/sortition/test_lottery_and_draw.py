"""Transparent lottery: rounding bound, stable hash, reproducible and verifiable draw."""

from __future__ import annotations

import copy
import json

import pytest

from maillage.sortition.draw import DrawVerificationError, draw_index, verify_draw
from maillage.sortition.leximin import LeximinResult
from maillage.sortition.lottery import (
    canonical_bytes,
    lottery_hash,
    make_pseudonyms,
    probability_bound,
    publication,
    published_probabilities,
    round_to_lottery,
)
from maillage.sortition.problem import SortitionProblem


@pytest.fixture(scope="module")
def lottery_doc(
    generated: SortitionProblem, generated_leximin: LeximinResult
) -> tuple[object, dict[str, object], dict[str, str]]:
    lottery = round_to_lottery(generated, generated_leximin.panels, generated_leximin.weights)
    pseudonyms = make_pseudonyms(generated.ids, b"secret of the organisers")
    return lottery, publication(lottery, pseudonyms), pseudonyms


def test_rounding_keeps_every_probability_within_the_stated_bound(
    generated: SortitionProblem, generated_leximin: LeximinResult, lottery_doc
) -> None:
    lottery, _, _ = lottery_doc
    assert len(lottery.panels) == 1000
    for i in generated.ids:
        deviation = abs(float(lottery.probabilities[i]) - generated_leximin.probabilities[i])
        assert deviation <= lottery.max_deviation + 1e-12
    assert probability_bound(lottery) <= lottery.max_deviation <= 2 / 1000
    assert lottery.max_deviation <= lottery.systematic_max_deviation
    for panel in set(lottery.panels):
        assert generated.panel_violations(panel) == []


def test_published_hash_is_stable(
    generated: SortitionProblem, generated_leximin: LeximinResult, lottery_doc
) -> None:
    _, document, pseudonyms = lottery_doc
    again = round_to_lottery(generated, generated_leximin.panels, generated_leximin.weights)
    assert lottery_hash(publication(again, pseudonyms)) == lottery_hash(document)
    # Round trip through a file does not change the hash.
    assert lottery_hash(json.loads(json.dumps(document, indent=2))) == lottery_hash(document)


def test_canonical_serialisation_is_pinned() -> None:
    document = {
        "format": "maillage-sortition-lottery/1",
        "lottery_size": 2,
        "panel_size": 1,
        "pool": ["AAAA-BBBB", "ÉÉÉÉ-CCCC"],
        "panels": [["AAAA-BBBB"], ["ÉÉÉÉ-CCCC"]],
    }
    assert (
        canonical_bytes(document)
        == (
            '{"format":"maillage-sortition-lottery/1","lottery_size":2,"panel_size":1,'
            '"panels":[["AAAA-BBBB"],["ÉÉÉÉ-CCCC"]],"pool":["AAAA-BBBB","ÉÉÉÉ-CCCC"]}'
        ).encode()
    )
    assert lottery_hash(document) == (
        "2e4a41ac4c12731551a772978c6eb88091ea73b35c9d4a43b5332868502b14bd"
    )


def test_published_probabilities_are_counts_over_1000(lottery_doc) -> None:
    lottery, document, pseudonyms = lottery_doc
    published = published_probabilities(document)
    for person, pseudonym in pseudonyms.items():
        numerator, denominator = published[pseudonym].split("/")
        assert denominator == "1000"
        assert int(numerator) / 1000 == float(lottery.probabilities[person])


def test_pseudonyms_are_stable_and_distinct(generated: SortitionProblem) -> None:
    first = make_pseudonyms(generated.ids, b"k")
    assert first == make_pseudonyms(generated.ids, b"k")
    assert len(set(first.values())) == len(first)
    assert first != make_pseudonyms(generated.ids, b"other key")


def test_draw_is_reproducible_and_verifiable(lottery_doc) -> None:
    _, document, _ = lottery_doc
    announced = lottery_hash(document)
    seed = "Loto du 14 juillet : 3 17 22 38 41"
    index = draw_index(announced, seed, 1000)
    assert index == draw_index(announced, "  " + seed + "\n", 1000)
    assert 0 <= index < 1000
    verified = verify_draw(document, announced, seed, claimed_index=index)
    assert verified.panel == tuple(document["panels"][index])
    assert verify_draw(document, announced, seed).index == index


def test_draw_formula_is_pinned() -> None:
    # int(sha256(b"abc" + b"42").hexdigest(), 16) % 1000, computed independently.
    import hashlib

    expected = int(hashlib.sha256(b"abc42").hexdigest(), 16) % 1000
    assert draw_index("abc", "42", 1000) == expected


def test_verification_rejects_tampering(lottery_doc) -> None:
    _, document, _ = lottery_doc
    announced = lottery_hash(document)
    tampered = copy.deepcopy(document)
    tampered["panels"][0], tampered["panels"][-1] = tampered["panels"][-1], tampered["panels"][0]
    with pytest.raises(DrawVerificationError):
        verify_draw(tampered, announced, "seed")
    index = draw_index(announced, "seed", 1000)
    with pytest.raises(DrawVerificationError):
        verify_draw(document, announced, "seed", claimed_index=(index + 1) % 1000)
