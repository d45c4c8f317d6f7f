"""Small sortition instances with known answers."""

from __future__ import annotations

import pytest

from maillage.sortition.leximin import LeximinResult, find_leximin
from maillage.sortition.problem import Quota, SortitionProblem, Volunteer
from maillage.sortition.synthetic import generate_problem


def people(rows: list[tuple[str, dict[str, str], str | None]]) -> list[Volunteer]:
    """Volunteers from ``(id, features, household)`` rows."""
    return [Volunteer(i, f, h) for i, f, h in rows]


@pytest.fixture(scope="session")
def symmetric() -> SortitionProblem:
    """8 volunteers, 2 per (gender, age) cell, panel of 4 with 2 of each gender and age."""
    rows = [
        (f"{g}{a}{k}", {"genre": g, "age": a}, None)
        for g in ("F", "H")
        for a in ("jeune", "aine")
        for k in (1, 2)
    ]
    quotas = [
        Quota("genre", "F", 2, 2),
        Quota("genre", "H", 2, 2),
        Quota("age", "jeune", 2, 2),
        Quota("age", "aine", 2, 2),
    ]
    return SortitionProblem.build(people(rows), quotas, 4)


@pytest.fixture(scope="session")
def second_level() -> SortitionProblem:
    """Two ``a`` and three ``b`` volunteers, panel of one of each.

    MAXIMIN only guarantees 1/3 to everyone (each ``b``); it may give the ``a`` volunteers 2/3
    and 1/3. LEXIMIN also equalises the second level: 1/2 each.
    """
    rows = [("a1", {"g": "a"}, None), ("a2", {"g": "a"}, None)]
    rows += [(f"b{k}", {"g": "b"}, None) for k in (1, 2, 3)]
    return SortitionProblem.build(people(rows), [Quota("g", "a", 1, 1), Quota("g", "b", 1, 1)], 2)


@pytest.fixture(scope="session")
def generated() -> SortitionProblem:
    """A skewed pool of 30 volunteers, panel of 6, four features, cooperatives exclusive."""
    return generate_problem(pool_size=30, panel_size=6, n_features=4, seed=7, slack=0.15)


@pytest.fixture(scope="session")
def generated_leximin(generated: SortitionProblem) -> LeximinResult:
    """LEXIMIN of :func:`generated`, computed once for the session."""
    return find_leximin(generated, seed=1)
