"""LEXIMIN on HiGHS: known answers, agreement with MAXIMIN, numerical verification."""

from __future__ import annotations

import pytest

from maillage.sortition.baseline import package_maximin
from maillage.sortition.leximin import EXACT_TOL, LeximinResult, find_leximin, lexicographic_compare
from maillage.sortition.panels import InfeasibleQuotas
from maillage.sortition.problem import Quota, SortitionProblem, marginals

from .conftest import people


def test_symmetric_pool_gives_equal_probabilities(symmetric: SortitionProblem) -> None:
    result = find_leximin(symmetric)
    assert result.probabilities == pytest.approx(dict.fromkeys(symmetric.ids, 0.5), abs=1e-9)


def test_leximin_strictly_beats_a_maximin_distribution_on_the_second_level(
    second_level: SortitionProblem,
) -> None:
    result = find_leximin(second_level)
    expected = {"a1": 0.5, "a2": 0.5, "b1": 1 / 3, "b2": 1 / 3, "b3": 1 / 3}
    assert result.probabilities == pytest.approx(expected, abs=1e-9)
    # A distribution that is MAXIMIN-optimal (everyone gets at least 1/3) but not LEXIMIN.
    maximin_only = marginals(
        second_level,
        [frozenset({"a1", "b1"}), frozenset({"a1", "b2"}), frozenset({"a2", "b3"})],
        [1 / 3, 1 / 3, 1 / 3],
    )
    assert min(maximin_only.values()) == pytest.approx(result.min_probability)
    assert sorted(result.probabilities.values())[3] > sorted(maximin_only.values())[3] + 0.1
    assert lexicographic_compare(result.probabilities.values(), maximin_only.values()) == 1


def test_matches_package_maximin_and_is_lexicographically_at_least_as_good(
    second_level: SortitionProblem, symmetric: SortitionProblem
) -> None:
    for problem in (second_level, symmetric):
        ours = find_leximin(problem)
        panels, weights = package_maximin(problem, seed=3)
        theirs = marginals(problem, panels, weights)
        assert ours.min_probability == pytest.approx(min(theirs.values()), abs=1e-6)
        assert lexicographic_compare(ours.probabilities.values(), theirs.values()) >= 0


def _check_distribution(problem: SortitionProblem, result: LeximinResult) -> None:
    assert sum(result.weights) == pytest.approx(1.0, abs=1e-12)
    assert all(w > 0 for w in result.weights)
    for panel in result.panels:
        assert problem.panel_violations(panel) == []
    recomputed = marginals(problem, result.panels, result.weights)
    for i in problem.ids:
        assert recomputed[i] == pytest.approx(result.probabilities[i], abs=1e-12)
        assert abs(recomputed[i] - result.targets[i]) <= EXACT_TOL
    assert sum(recomputed.values()) == pytest.approx(problem.panel_size, abs=1e-9)


def test_generated_instance_is_verified_and_certified(
    generated: SortitionProblem, generated_leximin: LeximinResult
) -> None:
    _check_distribution(generated, generated_leximin)
    assert generated_leximin.maximin_gap <= 1e-7
    stages = [s.value for s in generated_leximin.stages]
    assert stages == sorted(stages)
    assert len(stages) >= 2  # the skew makes probabilities unequal


def test_exclusive_households_are_respected() -> None:
    rows = [(f"p{k}", {"genre": "F" if k % 2 else "H"}, f"coop{k // 2}") for k in range(6)]
    quotas = [Quota("genre", "F", 1, 2), Quota("genre", "H", 1, 2)]
    problem = SortitionProblem.build(people(rows), quotas, 3, exclusive_households=True)
    result = find_leximin(problem)
    for panel in result.panels:
        homes = [problem.people[problem.index[i]].household for i in panel]
        assert len(set(homes)) == 3
    assert result.probabilities == pytest.approx(dict.fromkeys(problem.ids, 0.5), abs=1e-9)


def test_volunteer_in_no_feasible_panel_gets_zero() -> None:
    rows = [("x", {"g": "rare"}, None)] + [(f"c{k}", {"g": "common"}, None) for k in range(4)]
    quotas = [Quota("g", "rare", 0, 0), Quota("g", "common", 2, 2)]
    result = find_leximin(SortitionProblem.build(people(rows), quotas, 2))
    assert result.probabilities["x"] == 0.0
    assert result.probabilities["c0"] == pytest.approx(0.5, abs=1e-9)


def test_infeasible_quotas_raise() -> None:
    rows = [(f"p{k}", {"g": "a"}, None) for k in range(3)]
    problem = SortitionProblem.build(people(rows), [Quota("g", "a", 0, 1)], 2)
    with pytest.raises(InfeasibleQuotas):
        find_leximin(problem)
