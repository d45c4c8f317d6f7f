"""LEXIMIN selection probabilities by column generation on a free solver (HiGHS).

Method: Flanigan, Gölz, Gupta, Hennig, Procaccia, "Fair algorithms for selecting citizens'
assemblies", Nature 596, 548-552 (2021), Methods, "LEXIMIN": maximise the lowest selection
probability; fix the probabilities that cannot rise any further; maximise the lowest of the
others; and so on. Each stage is the linear program, over distributions ``x`` on feasible panels,

    maximise z  s.t.  sum_{P ∋ i} x_P >= z      for every volunteer i not yet fixed (set U)
                      sum_{P ∋ i} x_P >= f_i    for every fixed volunteer (set F)
                      sum_P x_P = 1, x >= 0,

solved by column generation: its dual (weights ``y_i >= 0`` with ``sum_U y_i = 1`` and a cap
``ŷ``) is priced by the ILP "feasible panel of maximal ``sum y_i``"
(:class:`~maillage.sortition.panels.PanelOracle`); a panel heavier than ``ŷ`` enters the
restricted LP, otherwise the stage is optimal. Every volunteer with ``y_i > 0`` in an optimal dual
is then at ``z`` in *every* optimal distribution (complementary slackness), so it is fixed. The
first stage is exactly MAXIMIN.

This module re-implements the Sortition Foundation's Gurobi-only ``find_distribution_leximin``
(``sortition-algorithms``, GPL-3.0) on HiGHS. For speed, the pricing ILP is kept alive across
iterations and stops at its first improving panel (:meth:`PanelOracle.price`), each run feeds the
LP several columns (HiGHS's intermediate solutions and one-swap neighbours), and pricing is first
tried at a smoothed dual (Wentges); none of this weakens the stopping rule, which is a complete
ILP search at the LP's own dual. Safeguards:

* tight LP tolerances (1e-9) and an exact pricing ILP (gap 1e-9): each stage ends with a
  *certificate* ``gap`` such that the true stage optimum is at most ``z + gap`` (weak duality);
  stage one's certificate bounds the true maximin;
* fixed probabilities are never relaxed by an arbitrary constant; instead a final LP over all
  generated panels minimises the largest deviation ``|p_i - f_i|``;
* the result is checked, not trusted: weights are clipped, renormalised, every panel is checked
  against the quotas and households, marginals are recomputed from the panels, and the run fails
  loudly if any deviates from its LEXIMIN value by more than ``1e-6``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray

from maillage.sortition.panels import PanelOracle
from maillage.sortition.problem import Panel, SortitionProblem

PRICING_EPS = 1e-9
"""A panel enters the LP only if it beats the dual cap by more than this."""
STAGE_GAP = 1e-8
"""A stage ends when the exact ILP proves no panel beats the dual cap by more than this."""
FIX_EPS = 1e-7
"""Dual weight above which a volunteer's probability is fixed at the stage value."""
EXACT_TOL = 1e-6
"""Largest accepted gap between a recomputed marginal and its LEXIMIN value."""
WEIGHT_FLOOR = 1e-12
"""Panel weights below this are dropped before renormalising."""
NEIGHBOURS = 5
"""One-swap neighbours of each priced panel offered to the LP (if they beat the cap)."""
SMOOTHING = 0.5
"""Weight of the previous pricing point in the smoothed dual (Wentges); 0 disables it."""
PRUNE_ROWS_FACTOR = 2
"""Slack panel rows are dropped from the stage LP when it has more than this many per volunteer."""

Progress = Callable[[str], None]


class LeximinNumericalError(RuntimeError):
    """The final verification failed: the distribution does not realise the computed values."""


@dataclass(frozen=True)
class Stage:
    """One outer iteration: the value reached and how many volunteers it fixed."""

    value: float
    fixed: int
    columns: int
    certified_gap: float
    lp_solves: int
    ilp_solves: int


@dataclass
class LeximinResult:
    """A distribution over panels and the selection probabilities it gives.

    ``probabilities`` are recomputed from ``panels`` and ``weights``; ``targets`` are the
    LEXIMIN values the stages fixed; ``max_deviation`` is the largest difference between them.
    ``maximin_gap`` certifies that no distribution has a minimum probability above
    ``min(probabilities) + maximin_gap``. ``heuristic_columns`` counts the panels that entered
    the LP besides the one each ILP run returned (HiGHS's intermediate solutions, neighbours).
    """

    panels: list[Panel]
    weights: list[float]
    probabilities: dict[str, float]
    targets: dict[str, float]
    stages: list[Stage] = field(default_factory=list)
    maximin_gap: float = 0.0
    max_deviation: float = 0.0
    columns_generated: int = 0
    heuristic_columns: int = 0
    ilp_solves: int = 0
    seconds: float = 0.0

    @property
    def min_probability(self) -> float:
        """The lowest selection probability (the maximin value)."""
        return min(self.probabilities.values())

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form; panels as sorted id lists, in a canonical order."""
        order = sorted(range(len(self.panels)), key=lambda k: sorted(self.panels[k]))
        return {
            "panels": [sorted(self.panels[k]) for k in order],
            "weights": [self.weights[k] for k in order],
            "probabilities": self.probabilities,
            "targets": self.targets,
            "stages": [asdict(s) for s in self.stages],
            "maximin_gap": self.maximin_gap,
            "max_deviation": self.max_deviation,
            "columns_generated": self.columns_generated,
            "heuristic_columns": self.heuristic_columns,
            "ilp_solves": self.ilp_solves,
            "seconds": self.seconds,
        }


def _lp_solver() -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("dual_feasibility_tolerance", 1e-9)
    # Re-solves start from the previous basis; presolve would discard it.
    h.setOptionValue("presolve", "off")
    return h


class _Master:
    """The restricted stage LP in dual form (Flanigan et al., Methods): one row per panel.

    minimise ŷ - sum_F f_i y_i  s.t.  sum_{i in P} y_i <= ŷ for every known panel P,
    sum_U y_i = 1, y >= 0. A new panel is a violated row, which the dual simplex method
    re-optimises from the previous basis in a few pivots.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        h = self.h = _lp_solver()
        inf = highspy.kHighsInf
        h.addVars(n + 1, np.zeros(n + 1), np.full(n + 1, inf))  # y_0..y_{n-1}, then ŷ
        h.changeColCost(n, 1.0)
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        h.addRow(1.0, 1.0, n, np.arange(n, dtype=np.int32), np.ones(n))
        self.rows = 0
        self.keys: list[bytes] = []
        self.solves = 0
        self.iterations = 0

    def add_column(self, members: NDArray[np.int64], key: bytes) -> None:
        """Add the row of a panel (``key`` identifies it in :attr:`keys`)."""
        idx = np.append(members, self.n).astype(np.int32)
        vals = np.ones(len(idx))
        vals[-1] = -1.0
        self.h.addRow(-highspy.kHighsInf, 0.0, len(idx), idx, vals)
        self.keys.append(key)
        self.rows += 1

    def prune(self) -> list[bytes]:
        """Drop panel rows that are slack at the current optimum; return their keys.

        A dropped panel may be priced again later and then re-enters the LP.
        """
        sol = self.h.getSolution()
        activity = np.asarray(sol.row_value)[1:]
        slack = np.flatnonzero(activity < -1e-7)
        if not len(slack):
            return []
        self.h.deleteRows(len(slack), (slack + 1).astype(np.int32))
        dropped = set(slack.tolist())
        removed = [k for r, k in enumerate(self.keys) if r in dropped]
        self.keys = [k for r, k in enumerate(self.keys) if r not in dropped]
        self.rows -= len(slack)
        return removed

    def fix(self, i: int, value: float) -> None:
        self.h.changeCoeff(0, i, 0.0)
        self.h.changeColCost(i, -value)

    def solve(self) -> tuple[float, NDArray[np.float64], float, NDArray[np.float64]]:
        """Solve; return ``(z, y, ŷ, x)``: stage value, dual weights, cap, panel weights."""
        h = self.h
        h.run()
        self.solves += 1
        self.iterations += int(h.getInfo().simplex_iteration_count)
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise LeximinNumericalError(f"Stage LP not optimal: {h.modelStatusToString(status)}")
        sol = h.getSolution()
        values = np.asarray(sol.col_value)
        duals = np.abs(np.asarray(sol.row_dual)[1:])
        objective = float(h.getInfo().objective_function_value)
        return objective, values[: self.n], float(values[self.n]), duals


def _initial_columns(
    oracle: PanelOracle,
    rng: np.random.Generator,
    seeds: Iterable[Panel],
    random_rounds: int,
) -> tuple[list[NDArray[np.int64]], NDArray[np.bool_]]:
    """Some diverse panels, then panels covering every volunteer who is in any feasible panel.

    Covering is done greedily: maximise the number of still-uncovered volunteers in a panel
    (plus a small random tie-break). When that maximum is zero, the uncovered volunteers are in
    no feasible panel at all, which the ILP proves.
    """
    index = oracle.problem.index
    columns = [np.array(sorted(index[i] for i in p), dtype=np.int64) for p in seeds]
    if not columns:
        columns.append(oracle.best(np.zeros(oracle.n)).members)
    for _ in range(random_rounds):
        # Random weights, local search only: diverse panels for the price of a few swaps.
        found = oracle.improve(rng.random(oracle.n), columns[-1], -np.inf)
        if found is not None:
            columns.append(found)
    covered = np.zeros(oracle.n, dtype=bool)
    for c in columns:
        covered[c] = True
    while not covered.all():
        weights = (~covered).astype(np.float64) + 1e-3 * rng.random(oracle.n)
        members = oracle.improve(weights, columns[-1], -np.inf)
        if members is None or covered[members].all():
            members = oracle.best(weights).members
        if covered[members].all():
            break
        covered[members] = True
        columns.append(members)
    return columns, covered


def find_leximin(
    problem: SortitionProblem,
    *,
    seed: int = 0,
    initial_panels: Sequence[Panel] = (),
    random_rounds: int = 10,
    progress: Progress | None = None,
) -> LeximinResult:
    """The LEXIMIN distribution over feasible panels, verified to ``EXACT_TOL``.

    ``initial_panels`` (e.g. a maximin run's support) warm-start the column generation. ``seed``
    only affects which of several optimal distributions is returned, never the probabilities.
    Raises :class:`~maillage.sortition.panels.InfeasibleQuotas` when no panel exists.
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(seed)
    oracle = PanelOracle(problem, seed=seed)
    n = oracle.n
    columns, covered = _initial_columns(oracle, rng, initial_panels, random_rounds)
    known: set[bytes] = set()  # every panel generated (all go to the final LP)
    in_lp: set[bytes] = set()  # panels whose row is in the stage LP
    master = _Master(n)

    def add(members: NDArray[np.int64]) -> bool:
        """Put a panel's row in the LP; False if it is there already."""
        members = np.sort(members)
        key = members.tobytes()
        if key in in_lp:
            return False
        if key not in known:
            known.add(key)
            columns.append(members)
        in_lp.add(key)
        master.add_column(members, key)
        return True

    initial, columns = columns, []
    for c in initial:
        add(c)
    say(f"{len(columns)} initial panels; {int((~covered).sum())} volunteers in no panel")

    targets = np.full(n, np.nan)
    for i in np.flatnonzero(~covered):
        targets[i] = 0.0
        master.fix(int(i), 0.0)
    stages: list[Stage] = []
    heuristic = 0
    timing = {"lp": 0.0, "pricing": 0.0}

    while np.isnan(targets).any():
        unfixed = np.isnan(targets)
        lp_before, ilp_before = master.solves, oracle.solves
        centre: tuple[NDArray[np.float64], float] | None = None
        while True:
            if master.rows > PRUNE_ROWS_FACTOR * n:
                in_lp.difference_update(master.prune())
            t0 = time.perf_counter()
            z, y, cap, _ = master.solve()
            timing["lp"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            threshold = cap + PRICING_EPS
            answer = None
            if centre is not None and SMOOTHING > 0:
                # Wentges smoothing: price at a point between the previous pricing point and the
                # new dual, which oscillates less. Its panel is used only if it beats the true
                # cap; otherwise (a "mispricing") the true dual is priced, so a stage still ends
                # only on an exact proof at the LP's own dual.
                point = SMOOTHING * centre[0] + (1.0 - SMOOTHING) * y
                point_cap = SMOOTHING * centre[1] + (1.0 - SMOOTHING) * cap
                trial = oracle.price(point, point_cap)
                if float(y[trial.members].sum()) > threshold:
                    answer, centre = trial, (point, point_cap)
            at_dual = answer is None
            if answer is None:
                answer = oracle.price(y, cap)
                centre = (y, cap)
            entered = float(y[answer.members].sum()) > threshold and add(answer.members)
            # More columns from the same ILP run: the improving solutions HiGHS met on the way,
            # and the best one-swap neighbours of the panel it returned.
            extra = [c for c in answer.others if float(y[c].sum()) > threshold]
            extra += oracle.neighbours(y, answer.members, threshold, NEIGHBOURS)
            added = sum(add(c) for c in extra)
            heuristic += added
            timing["pricing"] += time.perf_counter() - t0
            if entered or added:
                continue
            # Only a search at the LP's own dual proves anything about the stage.
            gap = max(0.0, answer.bound - cap) if at_dual else float("inf")
            if gap <= STAGE_GAP:
                break
            # Not proven (the returned panel was already known): ask for the heaviest, exactly.
            exact = oracle.best(y)
            if exact.value > threshold and add(exact.members):
                continue
            gap = max(0.0, exact.bound - cap)
            break
        support = unfixed & (y > FIX_EPS)
        if not support.any():
            # Sum of y over U is 1, so some weight is at least 1/|U|; this is a safety net.
            support = unfixed & (y >= y[unfixed].max())
        for i in np.flatnonzero(support):
            targets[i] = z
            master.fix(int(i), z)
        stages.append(
            Stage(
                value=z,
                fixed=int(support.sum()),
                columns=len(columns),
                certified_gap=gap,
                lp_solves=master.solves - lp_before,
                ilp_solves=oracle.solves - ilp_before,
            )
        )
        say(
            f"stage {len(stages)}: p={z:.6f} fixes {int(support.sum())}, "
            f"{int(np.isnan(targets).sum())} left, {len(columns)} panels, gap {gap:.1e} "
            + " ".join(f"{k} {v:.1f}s" for k, v in timing.items())
            + f" ({master.solves} LPs, {master.iterations} pivots, {oracle.solves} ILPs)"
        )

    weights, deviation = _final_distribution(columns, targets, n)
    result = _verified(problem, oracle, columns, weights, targets)
    result.stages = stages
    result.maximin_gap = stages[0].certified_gap if stages else 0.0
    result.columns_generated = len(columns)
    result.heuristic_columns = heuristic
    result.ilp_solves = oracle.solves
    result.seconds = time.perf_counter() - started
    say(f"LEXIMIN done in {result.seconds:.1f}s, LP deviation {deviation:.1e}")
    return result


def _final_distribution(
    columns: list[NDArray[np.int64]], targets: NDArray[np.float64], n: int
) -> tuple[NDArray[np.float64], float]:
    """Weights over ``columns`` minimising ``max_i |p_i - targets_i|`` (a vertex: sparse)."""
    h = _lp_solver()
    inf = highspy.kHighsInf
    m = len(columns)
    h.addVars(m, np.zeros(m), np.full(m, inf))
    h.addVar(0.0, inf)  # d, column m
    h.changeColCost(m, 1.0)
    starts = np.zeros(m + 1, dtype=np.int32)
    rows_by_person: list[list[int]] = [[] for _ in range(n)]
    for k, c in enumerate(columns):
        for i in c:
            rows_by_person[i].append(k)
    for i in range(n):
        idx = np.array([*rows_by_person[i], m], dtype=np.int32)
        h.addRow(targets[i], inf, len(idx), idx, np.array([1.0] * (len(idx) - 1) + [1.0]))
        h.addRow(-inf, targets[i], len(idx), idx, np.array([1.0] * (len(idx) - 1) + [-1.0]))
    h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    del starts
    h.run()
    status = h.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise LeximinNumericalError(f"Final LP not optimal: {h.modelStatusToString(status)}")
    values = np.asarray(h.getSolution().col_value)
    return values[:m], float(values[m])


def _verified(
    problem: SortitionProblem,
    oracle: PanelOracle,
    columns: list[NDArray[np.int64]],
    raw_weights: NDArray[np.float64],
    targets: NDArray[np.float64],
) -> LeximinResult:
    """Clean the weights, recompute the marginals and check everything; raise if anything is off."""
    w = np.clip(raw_weights, 0.0, None)
    w[w < WEIGHT_FLOOR] = 0.0
    total = w.sum()
    if not 0.999 < total < 1.001:
        raise LeximinNumericalError(f"Panel weights sum to {total}, not 1.")
    w = w / total
    keep = np.flatnonzero(w > 0)
    p = np.zeros(oracle.n)
    panels: list[Panel] = []
    for k in keep:
        if not oracle.is_valid(columns[k]):
            raise LeximinNumericalError("A generated panel violates the quotas.")
        p[columns[k]] += w[k]
        panels.append(oracle.to_panel(columns[k]))
    for panel in panels[:1]:
        if problem.panel_violations(panel):  # independent re-check of the fast path
            raise LeximinNumericalError("A generated panel violates the quotas.")
    weights = w[keep]
    if abs(weights.sum() - 1.0) > 1e-12 or (weights < 0).any():
        raise LeximinNumericalError("The distribution is not a probability distribution.")
    deviation = float(np.abs(p - targets).max())
    if deviation > EXACT_TOL:
        raise LeximinNumericalError(
            f"Recomputed probabilities deviate from the LEXIMIN values by {deviation:.2e}."
        )
    ids = problem.ids
    return LeximinResult(
        panels=panels,
        weights=[float(v) for v in weights],
        probabilities={ids[j]: float(p[j]) for j in range(oracle.n)},
        targets={ids[j]: float(targets[j]) for j in range(oracle.n)},
        max_deviation=deviation,
    )


def lexicographic_compare(a: Iterable[float], b: Iterable[float], tol: float = EXACT_TOL) -> int:
    """Compare sorted probability vectors: 1 if ``a`` is leximin-better, -1 if worse, 0 if tied."""
    for u, v in zip(sorted(a), sorted(b), strict=True):
        if u > v + tol:
            return 1
        if u < v - tol:
            return -1
    return 0
