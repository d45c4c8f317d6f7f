"""Plain-data description of a sortition instance: the pool, the quotas, the panel size.

Everything in :mod:`maillage.sortition` is a pure function over these frozen dataclasses, so the
algorithms can be tested and benchmarked without a database (see ``docs/decisions/sortition.md``).

Vocabulary follows Flanigan, Gölz, Gupta, Hennig, Procaccia, "Fair algorithms for selecting
citizens' assemblies", Nature 596 (2021): a *pool* of volunteers, each with one *value* per
*feature*; *quotas* bound how many panel members carry each value; a *panel* (or committee) is a
set of exactly ``panel_size`` volunteers meeting every quota. Optionally, at most one member per
*household* (in Maillage: per cooperative) may sit on the panel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

Panel = frozenset[str]


class SortitionInputError(ValueError):
    """The instance is malformed (duplicate ids, unknown feature, min > max...)."""


@dataclass(frozen=True)
class Volunteer:
    """One person in the pool.

    ``id`` is an opaque identifier (never a name); ``household`` groups volunteers of whom at most
    one may be selected when the problem enables ``exclusive_households`` (e.g. same cooperative).
    """

    id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True, order=True)
class Quota:
    """Inclusive bounds on how many panel members have ``feature == value``."""

    feature: str
    value: str
    min: int
    max: int

    @property
    def label(self) -> str:
        """Human-readable ``feature=value`` used in messages and records."""
        return f"{self.feature}={self.value}"


@dataclass(frozen=True, eq=False)
class SortitionProblem:
    """A pool, its quotas and the panel size; the input of every algorithm in this package.

    Feature values present in the pool but absent from the quotas of a constrained feature are
    unconstrained (``0..panel_size``); see :meth:`normalised`. Features without any quota are
    ignored.
    """

    people: tuple[Volunteer, ...]
    quotas: tuple[Quota, ...]
    panel_size: int
    exclusive_households: bool = False

    @classmethod
    def build(
        cls,
        people: Iterable[Volunteer],
        quotas: Iterable[Quota],
        panel_size: int,
        *,
        exclusive_households: bool = False,
    ) -> SortitionProblem:
        """Validate the input and return the normalised problem (quotas completed and sorted)."""
        problem = cls(
            people=tuple(people),
            quotas=tuple(quotas),
            panel_size=panel_size,
            exclusive_households=exclusive_households,
        )
        return problem.normalised()

    def normalised(self) -> SortitionProblem:
        """Check ids and quotas; add ``0..panel_size`` quotas for unlisted values; sort quotas."""
        ids = [p.id for p in self.people]
        if len(set(ids)) != len(ids):
            raise SortitionInputError("Duplicate volunteer ids in the pool.")
        if self.panel_size < 1:
            raise SortitionInputError("The panel size must be at least 1.")
        seen: set[tuple[str, str]] = set()
        for q in self.quotas:
            if (q.feature, q.value) in seen:
                raise SortitionInputError(f"Two quotas for {q.label}.")
            seen.add((q.feature, q.value))
            if q.min < 0 or q.max < 0:
                raise SortitionInputError(f"Negative bound for {q.label}.")
        features = {q.feature for q in self.quotas}
        extra: list[Quota] = []
        for person in self.people:
            for feature in features:
                if feature not in person.features:
                    raise SortitionInputError(f"Volunteer {person.id} has no value for {feature}.")
                key = (feature, person.features[feature])
                if key not in seen:
                    seen.add(key)
                    extra.append(Quota(feature, key[1], 0, self.panel_size))
        return SortitionProblem(
            people=self.people,
            quotas=tuple(sorted((*self.quotas, *extra))),
            panel_size=self.panel_size,
            exclusive_households=self.exclusive_households,
        )

    @cached_property
    def ids(self) -> list[str]:
        """Volunteer ids in pool order; index ``j`` is column ``j`` of :attr:`incidence`."""
        return [p.id for p in self.people]

    @cached_property
    def index(self) -> dict[str, int]:
        """Position of each volunteer id in the pool."""
        return {p.id: j for j, p in enumerate(self.people)}

    @cached_property
    def incidence(self) -> NDArray[np.int8]:
        """Matrix ``A[q, j] = 1`` when volunteer ``j`` has the value of quota ``q``."""
        a = np.zeros((len(self.quotas), len(self.people)), dtype=np.int8)
        row = {(q.feature, q.value): r for r, q in enumerate(self.quotas)}
        for j, person in enumerate(self.people):
            for feature, value in person.features.items():
                r = row.get((feature, value))
                if r is not None:
                    a[r, j] = 1
        return a

    @cached_property
    def households(self) -> list[list[int]]:
        """Groups of volunteer indices sharing a household (only groups of two or more)."""
        if not self.exclusive_households:
            return []
        groups: dict[str, list[int]] = {}
        for j, person in enumerate(self.people):
            if person.household is not None:
                groups.setdefault(person.household, []).append(j)
        return [g for g in groups.values() if len(g) > 1]

    def counts(self, panel: Iterable[str]) -> dict[str, int]:
        """Number of panel members per quota label."""
        cols = [self.index[i] for i in panel]
        totals = self.incidence[:, cols].sum(axis=1) if cols else np.zeros(len(self.quotas))
        return {q.label: int(c) for q, c in zip(self.quotas, totals, strict=True)}

    def panel_violations(self, panel: Iterable[str]) -> list[str]:
        """Every reason why ``panel`` is not a valid panel (empty list when it is)."""
        members = list(panel)
        problems: list[str] = []
        unknown = [i for i in members if i not in self.index]
        if unknown:
            return [f"Unknown volunteers: {', '.join(sorted(unknown))}."]
        if len(set(members)) != len(members):
            problems.append("A volunteer appears twice.")
        if len(set(members)) != self.panel_size:
            problems.append(f"{len(set(members))} members instead of {self.panel_size}.")
        counts = self.counts(set(members))
        for q in self.quotas:
            c = counts[q.label]
            if not q.min <= c <= q.max:
                problems.append(f"{q.label}: {c} members, quota {q.min}..{q.max}.")
        if self.exclusive_households:
            seen: dict[str, str] = {}
            for i in sorted(set(members)):
                h = self.people[self.index[i]].household
                if h is None:
                    continue
                if h in seen:
                    problems.append(f"{seen[h]} and {i} share household {h}.")
                seen[h] = i
        return problems

    def snapshot(self) -> dict[str, object]:
        """JSON-serialisable description of the quotas and the settings (for run records)."""
        return {
            "panel_size": self.panel_size,
            "pool_size": len(self.people),
            "exclusive_households": self.exclusive_households,
            "quotas": [
                {"feature": q.feature, "value": q.value, "min": q.min, "max": q.max}
                for q in self.quotas
            ],
        }


def marginals(
    problem: SortitionProblem, panels: Sequence[Panel], weights: Sequence[float]
) -> dict[str, float]:
    """Selection probability of each volunteer when ``panels`` are drawn with ``weights``."""
    probs = dict.fromkeys(problem.ids, 0.0)
    for panel, w in zip(panels, weights, strict=True):
        for i in panel:
            probs[i] += w
    return probs
