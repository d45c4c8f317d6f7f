"""Quota feasibility diagnosis, run before any draw.

When no panel can meet the quotas, organisers need to know *which* quotas conflict, *by how
much*, and what the nearest feasible set of quotas is. Three layers:

1. arithmetic checks with plain messages (sum of minimums above the panel size, a value with
   fewer volunteers than its minimum, fewer cooperatives than seats...);
2. a minimal conflicting set of bounds (a deletion filter: drop each bound in turn and keep it
   out if the rest is still infeasible; what remains cannot all hold, yet any one of them can
   be given up to make the rest feasible);
3. the nearest feasible relaxation: an ILP with one slack per lower and per upper bound,
   minimising the total number of seats by which the quotas must move (in the spirit of
   ``_relax_infeasible_quotas`` in ``sortition-algorithms``, with unit weights).

Quotas follow Flanigan, Gölz, Gupta, Hennig, Procaccia, Nature 596 (2021).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import highspy
import numpy as np

from maillage.sortition.panels import InfeasibleQuotas, PanelOracle
from maillage.sortition.problem import Quota, SortitionProblem


@dataclass(frozen=True)
class Issue:
    """A plain-language problem found by arithmetic alone; ``amount`` is the shortfall in seats."""

    code: str
    message: str
    quotas: tuple[str, ...] = ()
    amount: int = 0


@dataclass(frozen=True)
class Bound:
    """One side of a quota: ``count(feature=value) >= value`` (min) or ``<= value`` (max)."""

    label: str
    side: str
    value: int

    def __str__(self) -> str:
        return f"{self.label} {'>=' if self.side == 'min' else '<='} {self.value}"


@dataclass(frozen=True)
class Relaxation:
    """A quota the nearest feasible relaxation changes, with its old and new bounds."""

    label: str
    min: int
    max: int
    new_min: int
    new_max: int


@dataclass
class Diagnosis:
    """Whether a panel exists and, if not, why and how to fix the quotas."""

    feasible: bool
    issues: list[Issue] = field(default_factory=list)
    conflict: list[Bound] = field(default_factory=list)
    relaxations: list[Relaxation] = field(default_factory=list)
    total_relaxation: int = 0
    relaxable: bool = True

    def messages(self) -> list[str]:
        """Everything an organiser should read, in order."""
        if self.feasible:
            return ["The quotas can be met."]
        lines = [issue.message for issue in self.issues]
        if self.conflict:
            lines.append(
                "These bounds cannot all hold together: "
                + "; ".join(str(b) for b in self.conflict)
                + "."
            )
        if not self.relaxable:
            lines.append("No change of quotas helps: the pool itself is too small.")
        for r in self.relaxations:
            lines.append(
                f"Nearest feasible quotas: {r.label} from {r.min}..{r.max} to "
                f"{r.new_min}..{r.new_max}."
            )
        return lines

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        data = asdict(self)
        data["conflict"] = [str(b) for b in self.conflict]
        data["messages"] = self.messages()
        return data


def arithmetic_issues(problem: SortitionProblem) -> list[Issue]:
    """Checks that need no solver; any issue here makes the quotas infeasible."""
    k = problem.panel_size
    issues: list[Issue] = []
    if len(problem.people) < k:
        issues.append(
            Issue(
                "pool_too_small",
                f"The pool has {len(problem.people)} volunteers for {k} seats.",
                amount=k - len(problem.people),
            )
        )
    if problem.exclusive_households:
        homes = {p.household if p.household is not None else f"\0{p.id}" for p in problem.people}
        if len(homes) < k:
            issues.append(
                Issue(
                    "too_few_households",
                    f"Only {len(homes)} cooperatives are represented for {k} seats "
                    "(at most one member per cooperative).",
                    amount=k - len(homes),
                )
            )
    available = problem.incidence.sum(axis=1)
    for q, count in zip(problem.quotas, available, strict=True):
        if q.min > q.max:
            issues.append(
                Issue(
                    "min_above_max",
                    f"{q.label}: minimum {q.min} above maximum {q.max}.",
                    (q.label,),
                )
            )
        if q.min > count:
            issues.append(
                Issue(
                    "not_enough_volunteers",
                    f"{q.label}: minimum {q.min} but only {int(count)} volunteers.",
                    (q.label,),
                    int(q.min - count),
                )
            )
        if q.min > k:
            issues.append(
                Issue(
                    "min_above_panel",
                    f"{q.label}: minimum {q.min} above panel size {k}.",
                    (q.label,),
                )
            )
    by_feature: dict[str, list[tuple[Quota, int]]] = {}
    for q, count in zip(problem.quotas, available, strict=True):
        by_feature.setdefault(q.feature, []).append((q, int(count)))
    for feature, rows in by_feature.items():
        labels = tuple(q.label for q, _ in rows)
        low = sum(q.min for q, _ in rows)
        high = sum(min(q.max, c) for q, c in rows)
        if low > k:
            issues.append(
                Issue(
                    "sum_of_minimums",
                    f"{feature}: minimums add up to {low}, above the panel size {k}.",
                    labels,
                    low - k,
                )
            )
        if high < k:
            issues.append(
                Issue(
                    "sum_of_maximums",
                    f"{feature}: at most {high} seats can be filled (maximums capped by "
                    f"volunteers available), below the panel size {k}.",
                    labels,
                    k - high,
                )
            )
    return issues


def is_feasible(problem: SortitionProblem) -> bool:
    """Whether at least one panel meets every quota (an ILP feasibility check)."""
    try:
        PanelOracle(problem).best(np.zeros(len(problem.people)))
    except InfeasibleQuotas:
        return False
    return True


def _with_bounds(problem: SortitionProblem, kept: set[Bound]) -> SortitionProblem:
    quotas = []
    for q in problem.quotas:
        low = q.min if Bound(q.label, "min", q.min) in kept else 0
        high = q.max if Bound(q.label, "max", q.max) in kept else problem.panel_size
        quotas.append(replace(q, min=low, max=high))
    return replace(problem, quotas=tuple(quotas))


def minimal_conflict(problem: SortitionProblem) -> list[Bound]:
    """A minimal set of quota bounds that cannot hold together (deletion filter)."""
    k = problem.panel_size
    bounds = [Bound(q.label, "min", q.min) for q in problem.quotas if q.min > 0]
    bounds += [Bound(q.label, "max", q.max) for q in problem.quotas if q.max < k]
    kept = set(bounds)
    if is_feasible(_with_bounds(problem, set())):
        for b in bounds:
            if not is_feasible(_with_bounds(problem, kept - {b})):
                kept.discard(b)
    else:
        return []  # the pool (size or cooperatives) is the problem, not the quotas
    return [b for b in bounds if b in kept]


def nearest_relaxation(problem: SortitionProblem) -> tuple[list[Relaxation], int] | None:
    """The quotas closest to the given ones (total seats moved) that some panel meets."""
    n, k = len(problem.people), problem.panel_size
    a = problem.incidence
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    x = [h.addBinary() for _ in range(n)]
    lo = [h.addIntegral(lb=0, ub=q.min) for q in problem.quotas]
    hi = [h.addIntegral(lb=0, ub=k) for q in problem.quotas]
    h.addConstr(sum(x) == k)
    for r, q in enumerate(problem.quotas):
        members = [x[j] for j in np.flatnonzero(a[r])]
        count = sum(members) if members else 0
        h.addConstr(count + lo[r] >= q.min)
        h.addConstr(count - hi[r] <= q.max)
    for group in problem.households:
        h.addConstr(sum(x[j] for j in group) <= 1)
    h.minimize(sum(lo) + sum(hi))
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    changes = []
    for r, q in enumerate(problem.quotas):
        d_lo, d_hi = round(h.val(lo[r])), round(h.val(hi[r]))
        if d_lo or d_hi:
            changes.append(Relaxation(q.label, q.min, q.max, q.min - d_lo, q.max + d_hi))
    return changes, round(h.getInfo().objective_function_value)


def diagnose(problem: SortitionProblem) -> Diagnosis:
    """Full diagnosis: arithmetic issues, a minimal conflicting set, the nearest relaxation."""
    issues = arithmetic_issues(problem)
    if not issues and is_feasible(problem):
        return Diagnosis(feasible=True)
    relaxed = nearest_relaxation(problem)
    if relaxed is None:
        return Diagnosis(feasible=False, issues=issues, relaxable=False)
    relaxations, total = relaxed
    return Diagnosis(
        feasible=False,
        issues=issues,
        conflict=minimal_conflict(problem),
        relaxations=relaxations,
        total_relaxation=total,
    )
