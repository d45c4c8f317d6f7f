"""Quota feasibility diagnosis."""

from __future__ import annotations

from dataclasses import replace

from maillage.sortition.problem import Quota, SortitionProblem
from maillage.sortition.quotas import Bound, diagnose, is_feasible

from .conftest import people


def test_feasible_quotas(symmetric: SortitionProblem) -> None:
    assert diagnose(symmetric).feasible


def test_value_with_fewer_volunteers_than_its_minimum() -> None:
    rows = [("f1", {"g": "F"}, None), ("f2", {"g": "F"}, None)]
    rows += [(f"h{k}", {"g": "H"}, None) for k in range(4)]
    problem = SortitionProblem.build(
        people(rows), [Quota("g", "F", 3, 4), Quota("g", "H", 0, 4)], 4
    )
    diagnosis = diagnose(problem)
    assert not diagnosis.feasible
    codes = {i.code: i for i in diagnosis.issues}
    assert codes["not_enough_volunteers"].amount == 1
    assert "g=F: minimum 3 but only 2 volunteers." in diagnosis.messages()
    assert [(r.label, r.new_min, r.new_max) for r in diagnosis.relaxations] == [("g=F", 2, 4)]
    assert diagnosis.total_relaxation == 1


def test_sum_of_minimums_above_panel_size() -> None:
    rows = [(f"p{k}", {"g": "F" if k < 5 else "H"}, None) for k in range(10)]
    problem = SortitionProblem.build(
        people(rows), [Quota("g", "F", 3, 5), Quota("g", "H", 3, 5)], 5
    )
    diagnosis = diagnose(problem)
    issue = next(i for i in diagnosis.issues if i.code == "sum_of_minimums")
    assert issue.amount == 1
    assert diagnosis.total_relaxation == 1
    assert set(diagnosis.conflict) == {Bound("g=F", "min", 3), Bound("g=H", "min", 3)}


def test_cross_feature_conflict_found_and_relaxed() -> None:
    """Young volunteers are all men: 'two young' and 'one woman' cannot hold in a panel of 2."""
    rows = [(f"ym{k}", {"age": "jeune", "g": "H"}, None) for k in range(3)]
    rows += [(f"ow{k}", {"age": "aine", "g": "F"}, None) for k in range(3)]
    quotas = [Quota("age", "jeune", 2, 2), Quota("g", "F", 1, 2)]
    problem = SortitionProblem.build(people(rows), quotas, 2)
    diagnosis = diagnose(problem)
    assert not diagnosis.feasible
    assert diagnosis.issues == []  # invisible to arithmetic
    assert set(diagnosis.conflict) == {Bound("age=jeune", "min", 2), Bound("g=F", "min", 1)}
    assert diagnosis.total_relaxation == 1
    relaxed = {r.label: r for r in diagnosis.relaxations}
    new_quotas = tuple(
        replace(q, min=relaxed[q.label].new_min, max=relaxed[q.label].new_max)
        if q.label in relaxed
        else q
        for q in problem.quotas
    )
    assert is_feasible(replace(problem, quotas=new_quotas))
    assert diagnosis.to_dict()["feasible"] is False


def test_too_few_cooperatives() -> None:
    rows = [(f"p{k}", {"g": "a"}, f"coop{k % 2}") for k in range(6)]
    problem = SortitionProblem.build(
        people(rows), [Quota("g", "a", 0, 3)], 3, exclusive_households=True
    )
    diagnosis = diagnose(problem)
    assert not diagnosis.feasible
    assert not diagnosis.relaxable
    assert any(i.code == "too_few_households" for i in diagnosis.issues)
