"""The panel ILP on HiGHS: find the feasible panel of maximal weight (the pricing problem).

Column generation for maximin and LEXIMIN (Flanigan, Gölz, Gupta, Hennig, Procaccia, "Fair
algorithms for selecting citizens' assemblies", Nature 596, 2021, Methods) repeatedly asks: given
a weight ``y_i`` per volunteer, which feasible panel maximises ``sum_{i in P} y_i``? That is an
ILP with one binary per volunteer, one row for the panel size, one ranged row per quota and one
``<= 1`` row per household. The model is built once with :mod:`highspy`; each query only changes
the objective, so HiGHS re-solves from its presolved structure.

A swap local search (remove one member, add one non-member, keep every quota) runs first: it is
exact for the pricing decision whenever it finds an improving panel, and costs microseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray

from maillage.sortition.problem import Panel, SortitionProblem


@dataclass(frozen=True)
class PricingAnswer:
    """Best panel found, its weight, and a proven upper bound on every panel's weight."""

    members: NDArray[np.int64]
    value: float
    bound: float
    others: list[NDArray[np.int64]] = field(default_factory=list)


class InfeasibleQuotas(Exception):
    """No panel satisfies the quotas; run :func:`maillage.sortition.quotas.diagnose`."""


class PanelOracle:
    """Reusable HiGHS model of the feasible panels of ``problem``."""

    def __init__(
        self,
        problem: SortitionProblem,
        *,
        seed: int = 0,
        forced_out: Iterable[int] = (),
    ) -> None:
        self.problem = problem
        self.n = len(problem.people)
        a = problem.incidence.astype(np.float64)
        self.quota_rows = a
        self.qmin = np.array([q.min for q in problem.quotas], dtype=np.float64)
        self.qmax = np.array([q.max for q in problem.quotas], dtype=np.float64)
        self.household_of = np.full(self.n, -1, dtype=np.int64)
        for home, group in enumerate(problem.households):
            self.household_of[group] = home
        rows: list[NDArray[np.float64]] = [np.ones(self.n), *a]
        lower = [float(problem.panel_size), *self.qmin]
        upper = [float(problem.panel_size), *self.qmax]
        for group in problem.households:
            row = np.zeros(self.n)
            row[group] = 1.0
            rows.append(row)
            lower.append(0.0)
            upper.append(1.0)
        matrix = np.vstack(rows)
        col_upper = np.ones(self.n)
        col_upper[list(forced_out)] = 0.0
        self._h = highspy.Highs()
        h = self._h
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", seed)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-10)
        # Restarts re-presolve the model; on these small pricing ILPs they cost more than they save.
        h.setOptionValue("mip_allow_restart", False)
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.num_row_ = matrix.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = col_upper
        lp.row_lower_ = np.array(lower)
        lp.row_upper_ = np.array(upper)
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.integrality_ = [highspy.HighsVarType.kInteger] * self.n
        nz_cols, nz_rows = np.nonzero(matrix.T)  # column-major order, as HiGHS wants
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(nz_cols, np.arange(self.n + 1)).astype(np.int32)
        lp.a_matrix_.index_ = nz_rows.astype(np.int32)
        lp.a_matrix_.value_ = matrix[nz_rows, nz_cols]
        h.passModel(lp)
        self._all = np.arange(self.n, dtype=np.int32)
        self.allowed = col_upper > 0.5
        self.solves = 0
        self.heuristic_hits = 0

    def best(
        self,
        weights: NDArray[np.float64],
        *,
        target: float | None = None,
        starts: Sequence[NDArray[np.int64]] = (),
    ) -> PricingAnswer:
        """The panel maximising ``weights``; with ``target``, any panel beating it may do.

        ``starts`` are known panels (index arrays) from which a swap local search tries to beat
        ``target`` before the exact ILP is called; the returned ``bound`` is then not proven
        (``inf``), which is fine since the caller only needs an improving column.
        """
        if target is not None:
            for start in starts:
                found = self.improve(weights, start, target)
                if found is not None:
                    self.heuristic_hits += 1
                    return PricingAnswer(found, float(weights[found].sum()), float("inf"))
        h = self._h
        h.changeColsCost(self.n, self._all, weights.astype(np.float64))
        h.run()
        self.solves += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InfeasibleQuotas("No panel satisfies the quotas.")
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"HiGHS pricing failed: {h.modelStatusToString(status)}")
        values = np.asarray(h.getSolution().col_value)
        members = np.flatnonzero(values > 0.5)
        info = h.getInfo()
        value = float(weights[members].sum())
        bound = max(value, float(info.mip_dual_bound))
        return PricingAnswer(members, value, bound)

    def price(self, weights: NDArray[np.float64], cap: float) -> PricingAnswer:
        """A panel heavier than ``cap`` if one exists (not necessarily the heaviest), else a proof.

        The ILP stops at its first solution above ``cap`` (HiGHS ``objective_target``), which is
        usually close to the best and several times cheaper than proving optimality. When it
        finds none, the search is complete and ``bound`` is a proven upper bound. The improving
        solutions met on the way are returned in ``others``. Weights are scaled so that the cap
        is 1, which keeps HiGHS's absolute tolerances meaningful.
        """
        if cap <= 0:
            return self.best(weights)
        h = self._h
        scaled = weights.astype(np.float64) / cap
        h.changeColsCost(self.n, self._all, scaled)
        h.setOptionValue("objective_target", 1.0 + 1e-7)
        h.setOptionValue("mip_improving_solution_save", True)
        try:
            h.run()
        finally:
            h.setOptionValue("objective_target", -highspy.kHighsInf)
            h.setOptionValue("mip_improving_solution_save", False)
        self.solves += 1
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            raise InfeasibleQuotas("No panel satisfies the quotas.")
        complete = status == highspy.HighsModelStatus.kOptimal
        if not complete and status != highspy.HighsModelStatus.kObjectiveTarget:
            raise RuntimeError(f"HiGHS pricing failed: {h.modelStatusToString(status)}")
        members = np.flatnonzero(np.asarray(h.getSolution().col_value) > 0.5)
        value = float(weights[members].sum())
        others: list[NDArray[np.int64]] = []
        for saved in h.getSavedMipSolutions():
            other = np.flatnonzero(np.asarray(saved.col_value) > 0.5)
            if len(other) == len(members) and float(weights[other].sum()) > cap:
                others.append(other)
        bound = max(value, float(h.getInfo().mip_dual_bound) * cap) if complete else float("inf")
        return PricingAnswer(members, value, bound, others)

    def is_valid(self, members: NDArray[np.int64]) -> bool:
        """Whether the index set is a feasible panel (quotas, size, households, exclusions)."""
        if len(members) != self.problem.panel_size or not self.allowed[members].all():
            return False
        counts = self.quota_rows[:, members].sum(axis=1)
        if np.any(counts < self.qmin - 0.5) or np.any(counts > self.qmax + 0.5):
            return False
        hh = self.household_of[members]
        hh = hh[hh >= 0]
        return len(np.unique(hh)) == len(hh)

    def _swap_gains(
        self, weights: NDArray[np.float64], members: NDArray[np.int64], inside: NDArray[np.bool_]
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Gain of every swap (member row, outsider column); ``-inf`` where a swap is infeasible.

        A swap (member ``m`` out, outsider ``o`` in) keeps every quota iff, on each quota row at
        its minimum, ``o`` has the value whenever ``m`` has it, and on each row at its maximum,
        ``m`` has it whenever ``o`` has it; all swaps are scored at once with two matrix products.
        """
        a = self.quota_rows
        outsiders = np.flatnonzero(~inside & self.allowed)
        counts = a[:, members].sum(axis=1)
        gain = weights[outsiders][None, :] - weights[members][:, None]
        low = counts <= self.qmin + 0.5
        high = counts >= self.qmax - 0.5
        a_m, a_o = a[:, members], a[:, outsiders]
        bad = a_m[low].T @ (1.0 - a_o[low]) + (1.0 - a_m[high]).T @ a_o[high]
        gain[bad > 0.5] = -np.inf
        if self.problem.households:
            owner = np.full(len(self.household_of) + 1, -1, dtype=np.int64)
            hm = self.household_of[members]
            owner[hm[hm >= 0]] = np.flatnonzero(hm >= 0)
            ho = self.household_of[outsiders]
            blocker = np.where(ho >= 0, owner[np.maximum(ho, 0)], -1)
            clash = (blocker[None, :] >= 0) & (blocker[None, :] != np.arange(len(members))[:, None])
            gain[clash] = -np.inf
        return gain, outsiders

    def improve(
        self, weights: NDArray[np.float64], start: NDArray[np.int64], target: float
    ) -> NDArray[np.int64] | None:
        """Best-improvement swaps from ``start`` to a local optimum; returned if above ``target``.

        The "all swaps at once" scoring is :meth:`_swap_gains`.
        """
        members = np.array(start, dtype=np.int64)
        inside = np.zeros(self.n, dtype=bool)
        inside[members] = True
        for _ in range(2 * self.problem.panel_size):
            gain, outsiders = self._swap_gains(weights, members, inside)
            if outsiders.size == 0:
                return None
            flat = int(np.argmax(gain))
            km, ko = divmod(flat, gain.shape[1])
            if gain[km, ko] <= 1e-12:
                break
            m, o = members[km], outsiders[ko]
            members[km] = o
            inside[m], inside[o] = False, True
        if weights[members].sum() > target:
            return np.sort(members)
        return None

    def neighbours(
        self, weights: NDArray[np.float64], members: NDArray[np.int64], target: float, limit: int
    ) -> list[NDArray[np.int64]]:
        """Up to ``limit`` feasible one-swap neighbours of ``members`` heavier than ``target``.

        The best swaps first, each member swapped out at most once, so the panels differ. Near an
        optimal dual, the optimal distribution mixes many panels of (almost) equal weight; the
        neighbours of a priced panel are such panels, found for the price of one matrix product.
        """
        members = np.asarray(members, dtype=np.int64)
        inside = np.zeros(self.n, dtype=bool)
        inside[members] = True
        gain, outsiders = self._swap_gains(weights, members, inside)
        if outsiders.size == 0 or limit <= 0:
            return []
        slack = float(weights[members].sum()) - target
        best_per_member = gain.max(axis=1)
        found: list[NDArray[np.int64]] = []
        for km in np.argsort(-best_per_member)[:limit]:
            if best_per_member[km] + slack <= 0:
                break
            swapped = members.copy()
            swapped[km] = outsiders[int(np.argmax(gain[km]))]
            found.append(np.sort(swapped))
        return found

    def to_panel(self, members: NDArray[np.int64]) -> Panel:
        """Index array to a frozenset of volunteer ids."""
        ids = self.problem.ids
        return frozenset(ids[j] for j in members)
