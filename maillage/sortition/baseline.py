"""Adapters to the ``sortition-algorithms`` package (Sortition Foundation, GPL-3.0).

Two baselines, both on the free HiGHS backend:

* its MAXIMIN (Flanigan et al., Nature 2021: column generation on the maximin LP), whose minimum
  selection probability our LEXIMIN must match;
* its LEGACY greedy algorithm (the Sortition Foundation's historical method), whose selection
  probabilities are only known by simulation.

The package's own LEXIMIN needs Gurobi, which Maillage never requires; see
:mod:`maillage.sortition.leximin` for ours. GPL-3.0 code may be combined with Maillage's
AGPL-3.0-or-later (GPL-3.0 section 13).
"""

from __future__ import annotations

import functools
import logging
import random
from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from sortition_algorithms.committee_generation import (
    find_distribution_maximin,
    find_random_sample_legacy,
)
from sortition_algorithms.features import FeatureCollection, FeatureValueMinMax
from sortition_algorithms.people import People
from sortition_algorithms.utils import set_random_provider

from maillage.sortition.problem import Panel, SortitionProblem

HOUSEHOLD_COLUMN = "maillage_household"


def _quiet() -> None:
    """The package logs every retry and heuristic round; keep only errors."""
    for name in ("sortition_algorithms", "sortition_algorithms_user"):
        logging.getLogger(name).setLevel(logging.ERROR)


def to_package(problem: SortitionProblem) -> tuple[FeatureCollection, People, list[str]]:
    """The problem as the package's ``(features, people, check_same_address_columns)``."""
    features: FeatureCollection = {}
    for q in problem.quotas:
        features.setdefault(q.feature, {})[q.value] = FeatureValueMinMax(
            min=q.min, max=q.max, min_flex=0, max_flex=max(q.max, problem.panel_size)
        )
    people = People(columns_to_keep=[HOUSEHOLD_COLUMN])
    for row, person in enumerate(problem.people):
        data = {f: person.features[f] for f in features}
        # A volunteer without household is alone in a household of their own.
        data[HOUSEHOLD_COLUMN] = person.household or f"\x00{person.id}"
        people.add(person.id, data, features, row)
    address_columns = [HOUSEHOLD_COLUMN] if problem.exclusive_households else []
    return features, people, address_columns


def package_maximin(
    problem: SortitionProblem, *, seed: int | None = None
) -> tuple[list[Panel], list[float]]:
    """The package's maximin distribution ``(panels, weights)`` computed with HiGHS.

    ``seed`` seeds the package's global random provider (which also seeds Python's global
    ``random`` module). Its stopping tolerance is 5e-4 on the dual gap, so its minimum
    probability may be slightly below the true maximin; ours is certified (see ``leximin``).
    """
    features, people, address_columns = to_package(problem)
    if seed is not None:
        set_random_provider(seed)
    _quiet()
    panels, weights, _report = find_distribution_maximin(
        features, people, problem.panel_size, address_columns, solver_backend="highspy"
    )
    return [frozenset(p) for p in panels], [float(w) for w in weights]


def legacy_panel(problem: SortitionProblem, rng: random.Random) -> tuple[Panel, int]:
    """One panel from the package's LEGACY algorithm, re-implemented with numpy.

    Step for step the logic of ``find_random_sample_legacy`` (version 0.12.15), consuming the
    same random numbers, so that with ``rng = random.Random(seed)`` it returns the very panel
    the package returns after ``set_random_provider(seed)`` (checked by the tests); it is only
    about 50 times faster, which makes 10,000-draw estimates affordable. Returns the panel and
    the number of failed attempts before it.
    """
    failures = 0
    while True:
        members = _legacy_attempt(problem, rng)
        if members is not None:
            return frozenset(problem.ids[j] for j in members), failures
        failures += 1


@functools.lru_cache(maxsize=4)
def _legacy_arrays(
    problem: SortitionProblem,
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    a = problem.incidence.astype(bool)
    qmin = np.array([q.min for q in problem.quotas], dtype=np.int64)
    qmax = np.array([q.max for q in problem.quotas], dtype=np.int64)
    codes: dict[str, int] = {}
    household = np.array(
        [
            codes.setdefault(p.household if p.household is not None else f"\x00{p.id}", len(codes))
            for p in problem.people
        ],
        dtype=np.int64,
    )
    return a, qmin, qmax, household


def _legacy_attempt(problem: SortitionProblem, rng: random.Random) -> list[int] | None:
    a, qmin, qmax, household = _legacy_arrays(problem)
    alive = np.ones(len(problem.people), dtype=bool)
    remaining = a.sum(axis=1)
    selected = np.zeros(len(problem.quotas), dtype=np.int64)

    def remove(people: NDArray[np.int64]) -> bool:
        # The package fails when a value with unmet minimum loses its last remaining person.
        nonlocal remaining
        if people.size == 0:
            return True
        alive[people] = False
        touched = a[:, people].any(axis=1)
        remaining = remaining - a[:, people].sum(axis=1)
        return not np.any(touched & (remaining == 0) & (selected < qmin))

    for r in np.flatnonzero(qmax == 0):
        if not remove(np.flatnonzero(alive & a[r])):
            return None
    chosen: list[int] = []
    mins, maxs = qmin.tolist(), qmax.tolist()
    rows = range(len(mins))
    for count in range(problem.panel_size):
        best_ratio, best_row, position = -100.0, -1, -1
        sel, rem = selected.tolist(), remaining.tolist()
        for r in rows:
            needed = mins[r] - sel[r]
            if needed > 0 and rem[r] < needed:
                return None
            if rem[r] == 0 or maxs[r] == 0:
                continue
            ratio = max(needed, 0) / float(rem[r])
            if ratio > best_ratio:
                best_ratio, best_row = ratio, r
                position = rng.randrange(rem[r]) + 1
        if best_row < 0:
            return None
        person = int(np.flatnonzero(alive & a[best_row])[position - 1])
        chosen.append(person)
        mates = np.array([], dtype=np.int64)
        if problem.exclusive_households:
            mates = np.flatnonzero(alive & (household == household[person]))
            mates = mates[mates != person]
        if not remove(np.array([person])):
            return None
        selected += a[:, person]
        if not remove(mates):
            return None
        for r in np.flatnonzero(a[:, person] & (selected == qmax)):
            if not remove(np.flatnonzero(alive & a[r])):
                return None
        if count < problem.panel_size - 1 and not alive.any():
            return None
    if np.any(selected < qmin) or np.any(selected > qmax):
        return None
    return chosen


def legacy_marginals(
    problem: SortitionProblem,
    *,
    draws: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, float], int]:
    """Estimate the LEGACY algorithm's selection probabilities over ``draws`` panels.

    Returns the empirical probabilities and the number of failed attempts (the greedy algorithm
    sometimes paints itself into a corner and restarts; failures are not draws).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducing the package's own generator
    hits: Counter[str] = Counter()
    failures = 0
    for done in range(1, draws + 1):
        panel, failed = legacy_panel(problem, rng)
        failures += failed
        hits.update(panel)
        if progress is not None:
            progress(done)
    return {i: hits[i] / draws for i in problem.ids}, failures


def package_legacy_panel(problem: SortitionProblem, *, seed: int) -> Panel:
    """One panel from the package's own LEGACY implementation (slow; used to check ours)."""
    features, people, address_columns = to_package(problem)
    set_random_provider(seed)
    _quiet()
    panels, _ = find_random_sample_legacy(
        people, features, problem.panel_size, address_columns, max_attempts=10_000
    )
    return frozenset(panels[0])
