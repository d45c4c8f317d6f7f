"""The pricing oracle: early-stopping ILP with a proof, one-swap neighbours."""

from __future__ import annotations

import numpy as np
import pytest

from maillage.sortition import leximin
from maillage.sortition.leximin import find_leximin
from maillage.sortition.panels import PanelOracle
from maillage.sortition.problem import SortitionProblem


def _weights(problem: SortitionProblem, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(len(problem.people))


def test_price_finds_a_heavier_panel_when_one_exists(generated: SortitionProblem) -> None:
    oracle = PanelOracle(generated)
    w = _weights(generated, 1)
    best = oracle.best(w)
    cap = 0.9 * best.value
    answer = oracle.price(w, cap)
    assert answer.value > cap
    assert oracle.is_valid(answer.members)
    for other in answer.others:
        assert oracle.is_valid(other)
        assert w[other].sum() > cap


def test_price_proves_that_no_panel_beats_the_optimum(generated: SortitionProblem) -> None:
    oracle = PanelOracle(generated)
    w = _weights(generated, 2)
    best = oracle.best(w)
    answer = oracle.price(w, best.value * (1 + 1e-6))
    assert answer.value == pytest.approx(best.value, rel=1e-9)
    assert answer.bound <= best.value * (1 + 1e-8)


def test_neighbours_are_feasible_distinct_and_heavy_enough(generated: SortitionProblem) -> None:
    oracle = PanelOracle(generated)
    w = _weights(generated, 3)
    start = oracle.best(w).members
    target = 0.95 * float(w[start].sum())
    found = oracle.neighbours(w, start, target, 5)
    assert found
    assert len({c.tobytes() for c in found}) == len(found)
    for panel in found:
        assert oracle.is_valid(panel)
        assert float(w[panel].sum()) > target
        assert len(set(panel.tolist()) - set(start.tolist())) == 1
    assert oracle.neighbours(w, start, float(w[start].sum()), 5) == []


def test_smoothing_does_not_change_the_probabilities(
    generated: SortitionProblem, monkeypatch: pytest.MonkeyPatch
) -> None:
    smoothed = find_leximin(generated, seed=2)
    monkeypatch.setattr(leximin, "SMOOTHING", 0.0)
    monkeypatch.setattr(leximin, "NEIGHBOURS", 0)
    plain = find_leximin(generated, seed=2)
    for i in generated.ids:
        assert smoothed.probabilities[i] == pytest.approx(plain.probabilities[i], abs=1e-6)
