"""Consortium optimisation for multi-lot public tenders (intercoopération).

For a tender split into lots, propose the best *groupements* of complementary cooperatives that
together cover every lot, solved exactly as a mixed-integer programme on HiGHS (through
``scipy.optimize.milp``), with a greedy answer alongside so users see what optimisation buys.

The model, built sparsely on the (candidate, lot) pairs that exist::

    x[c, l] ∈ {0, 1}   candidate c executes lot l        (only when c scored lot l)
    y[c]    ∈ {0, 1}   candidate c is a member
    u[l]    ∈ [0, 1]   optional lot l stays uncovered     (integral through the lot row)

    maximise  Σ (w_q · score[c,l] − w_d · km[c] / 100) · x[c,l] − w_m · Σ y[c] − w_u · Σ u[l]
    s.t.      Σ_c x[c,l] = 1                 every required lot, exactly once
              Σ_c x[c,l] + u[l] = 1          every optional lot, or counted uncovered
              x[c,l] ≤ y[c]                  only members execute lots
              Σ_l x[c,l] ≤ cap[c] · y[c]     capacity (candidate's own, and the tender's cap)
              y[c] ≤ Σ_l x[c,l]              a member executes at least one lot
              Σ_c y[c] ≤ max_members         optional
              y[lead] = 1                    optional required lead (mandataire)

Distance is charged per lot executed (each lot means its own trips to the place of execution),
the member penalty once per member. The k best distinct consortia come from re-solving with a
no-good cut on ``y`` that forbids each member set already returned; because members execute at
least one lot, "distinct" means distinct sets of cooperatives actually working.

Everything here is plain data in, plain data out: no database, so it can be tested against brute
force and benchmarked at national scale (``benchmarks/consortium.py``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp
from scipy.sparse import csr_array

DISTANCE_UNIT_KM = 100.0
"""Distance weights are expressed per 100 km, so that weights stay of the order of a score."""

Indices = Sequence[int] | np.ndarray

OPTIMALITY_TOLERANCE = 1e-9
"""Relative MIP gap asked of HiGHS: below this, a consortium is reported as proven optimal."""


def _(message: str) -> str:
    """Translate through Django when its app registry is ready, else keep the French source.

    The algorithm also runs without Django set up (tests, benchmarks); the strings are still
    extracted by ``makemessages`` because they go through a function named ``_``.
    """
    if apps.ready and settings.configured:
        return gettext(message)
    return message


def _num(value: float, digits: int = 2) -> str:
    """A number the French way (decimal comma), the platform's default locale."""
    return f"{value:.{digits}f}".replace(".", ",")


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lot:
    """One lot of the tender. An optional lot may stay uncovered, at a penalty that is reported."""

    id: str
    required: bool = True
    label: str = ""

    @property
    def display(self) -> str:
        name = _("lot {id}").format(id=self.id)
        return f"{name} ({self.label})" if self.label else name


@dataclass(frozen=True)
class Candidate:
    """A cooperative that could join a consortium.

    ``scores`` maps a lot id to a match score in [0, 1]; a lot absent from it is one the
    cooperative cannot serve (scores for lots outside the tender are ignored). ``capacity`` is
    the number of lots it can take at once (None: as many as it scores).
    """

    id: str
    scores: Mapping[str, float]
    distance_km: float
    capacity: int | None = None
    name: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Weights:
    """How the objective trades match quality against distance, members and coverage.

    ``quality`` is earned per unit of score on each lot; ``distance_per_100km`` is paid per lot
    executed for each 100 km between the member and the place of execution; ``member`` is paid
    once per member (fewer partners are easier to coordinate); ``uncovered`` per optional lot left
    without a holder.
    """

    quality: float = 1.0
    distance_per_100km: float = 0.2
    member: float = 0.1
    uncovered: float = 1.0


@dataclass(frozen=True)
class ConsortiumConstraints:
    """Constraints from the tender or from the cooperatives themselves.

    ``max_lots_per_member`` is the buyer's limit on lots awarded to one holder (a rule a tender
    may set, code de la commande publique art. R2113-1); it applies on top of each candidate's own
    capacity.
    """

    max_members: int | None = None
    lead: str | None = None
    max_lots_per_member: int | None = None


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """The objective of one consortium, term by term (higher total is better)."""

    quality: float
    distance_cost: float
    member_penalty: float
    uncovered_penalty: float

    @property
    def total(self) -> float:
        return self.quality - self.distance_cost - self.member_penalty - self.uncovered_penalty


@dataclass(frozen=True)
class MemberExplanation:
    """Why one member is in the consortium, in a sentence a delegate can read aloud."""

    candidate_id: str
    lots: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Consortium:
    """One proposed consortium: who does which lot, what it scores and how sure we are."""

    rank: int
    members: tuple[str, ...]
    assignment: Mapping[str, str]
    uncovered: tuple[str, ...]
    breakdown: Breakdown
    proven_optimal: bool
    mip_gap: float | None
    explanations: tuple[MemberExplanation, ...]

    @property
    def objective(self) -> float:
        return self.breakdown.total


@dataclass(frozen=True)
class ConsortiumProposal:
    """The answer for one tender: the k best consortia, the greedy answer and their difference.

    When no consortium exists, ``feasible`` is False, ``infeasible_lots`` names the lots that
    cannot be covered (when the cause is a lot) and ``message`` says it plainly.
    """

    feasible: bool
    consortia: tuple[Consortium, ...]
    greedy: Consortium | None
    greedy_note: str
    greedy_gap_pct: float | None
    infeasible_lots: tuple[str, ...]
    message: str
    solve_seconds: float
    stats: Mapping[str, int] = field(default_factory=dict)

    @property
    def best(self) -> Consortium | None:
        return self.consortia[0] if self.consortia else None


# --- Instance ---------------------------------------------------------------------------------


@dataclass
class _Instance:
    """The sparse pairs the model is built on, and everything needed to explain a solution."""

    lots: list[Lot]
    candidates: list[Candidate]  # only those scoring at least one lot
    pair_cand: np.ndarray  # int, one entry per (candidate, lot) pair that exists
    pair_lot: np.ndarray
    pair_score: np.ndarray
    pair_value: np.ndarray  # quality − distance cost of executing that pair
    cap: np.ndarray  # effective capacity per candidate
    lead: int | None  # candidate index

    @property
    def optional(self) -> list[int]:
        return [i for i, lot in enumerate(self.lots) if not lot.required]


def _instance(
    lots: Sequence[Lot],
    candidates: Sequence[Candidate],
    weights: Weights,
    constraints: ConsortiumConstraints,
) -> _Instance:
    lot_index = {lot.id: i for i, lot in enumerate(lots)}
    if len(lot_index) != len(lots):
        raise ValueError("Duplicate lot id.")
    if len({c.id for c in candidates}) != len(candidates):
        raise ValueError("Duplicate candidate id.")
    kept: list[Candidate] = []
    pc: list[int] = []
    pl: list[int] = []
    ps: list[float] = []
    for cand in candidates:
        if cand.distance_km < 0 or not math.isfinite(cand.distance_km):
            raise ValueError(f"Candidate {cand.id}: distance must be a finite number ≥ 0.")
        rows = []
        for lot_id, score in cand.scores.items():
            if lot_id not in lot_index:
                continue  # a score kept from another tender: not a lot of this one
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"Candidate {cand.id}: score for lot {lot_id} not in [0, 1].")
            rows.append((lot_index[lot_id], float(score)))
        if not rows or (cand.capacity is not None and cand.capacity <= 0):
            continue
        index = len(kept)
        kept.append(cand)
        for lot_i, score in sorted(rows):
            pc.append(index)
            pl.append(lot_i)
            ps.append(score)
    pair_cand = np.asarray(pc, dtype=np.int64)
    pair_lot = np.asarray(pl, dtype=np.int64)
    pair_score = np.asarray(ps, dtype=float)
    km = np.array([c.distance_km for c in kept], dtype=float)
    pair_value = (
        weights.quality * pair_score - weights.distance_per_100km * km[pair_cand] / DISTANCE_UNIT_KM
        if len(kept)
        else np.zeros(0)
    )
    served = np.bincount(pair_cand, minlength=len(kept))
    cap = served.copy()
    for i, cand in enumerate(kept):
        if cand.capacity is not None:
            cap[i] = min(cap[i], cand.capacity)
        if constraints.max_lots_per_member is not None:
            cap[i] = min(cap[i], constraints.max_lots_per_member)
    lead = None
    if constraints.lead is not None:
        lead = next((i for i, c in enumerate(kept) if c.id == constraints.lead), None)
    return _Instance(
        lots=list(lots),
        candidates=kept,
        pair_cand=pair_cand,
        pair_lot=pair_lot,
        pair_score=pair_score,
        pair_value=pair_value,
        cap=cap,
        lead=lead,
    )


def _breakdown(inst: _Instance, chosen: Indices, weights: Weights) -> Breakdown:
    """Objective terms of a set of chosen pair indices."""
    idx = np.asarray(chosen, dtype=np.int64)
    quality = float(weights.quality * inst.pair_score[idx].sum())
    km = np.array([inst.candidates[c].distance_km for c in inst.pair_cand[idx]], dtype=float)
    distance = float(weights.distance_per_100km * km.sum() / DISTANCE_UNIT_KM)
    members = len(set(inst.pair_cand[idx].tolist()))
    covered = set(inst.pair_lot[idx].tolist())
    uncovered = sum(1 for i, lot in enumerate(inst.lots) if not lot.required and i not in covered)
    return Breakdown(
        quality=quality,
        distance_cost=distance,
        member_penalty=weights.member * members,
        uncovered_penalty=weights.uncovered * uncovered,
    )


# --- Explanations -----------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("{head} et {last}").format(head=", ".join(items[:-1]), last=items[-1])


def _lots_phrase(lots: Sequence[Lot]) -> str:
    """« le lot 2 », « les lots 2 et 5 », with labels when the tender gives them."""
    if len(lots) == 1:
        return _("le {lot}").format(lot=lots[0].display)
    parts = [f"{lot.id} ({lot.label})" if lot.label else lot.id for lot in lots]
    return _("les lots {lots}").format(lots=_join(parts))


def _ordinal(rank: int) -> str:
    return _("1re") if rank == 1 else _("{n}e").format(n=rank)


def _explain(inst: _Instance, chosen: Indices, lead: int | None) -> tuple[MemberExplanation, ...]:
    """One sentence per member: which lots, how good a match on each, how far."""
    by_member: dict[int, list[int]] = {}
    for p in chosen:
        by_member.setdefault(int(inst.pair_cand[p]), []).append(int(p))
    ranking: dict[int, np.ndarray] = {}
    for lot_i in range(len(inst.lots)):
        ranking[lot_i] = np.sort(inst.pair_score[inst.pair_lot == lot_i])[::-1]
    out = []
    for cand_i in sorted(by_member, key=lambda c: (c != lead, min(inst.pair_lot[by_member[c]]))):
        cand = inst.candidates[cand_i]
        pairs = sorted(by_member[cand_i], key=lambda p: int(inst.pair_lot[p]))
        taken = [inst.lots[int(inst.pair_lot[p])] for p in pairs]
        details = []
        for p in pairs:
            lot = inst.lots[int(inst.pair_lot[p])]
            score = float(inst.pair_score[p])
            scores = ranking[int(inst.pair_lot[p])]
            rank = int(np.sum(scores > score + 1e-12)) + 1
            if rank == 1:
                details.append(
                    _("meilleure correspondance pour le {lot} ({score})").format(
                        lot=lot.display, score=_num(score)
                    )
                )
            else:
                details.append(
                    _("{score} pour le {lot} ({rank} sur {n})").format(
                        score=_num(score), lot=lot.display, rank=_ordinal(rank), n=len(scores)
                    )
                )
        text = _("{who} prend {lots} : {details}, à {km} km").format(
            who=cand.display,
            lots=_lots_phrase(taken),
            details=_join(details),
            km=_num(cand.distance_km, 0),
        )
        if cand_i == lead:
            text += _(" ; mandataire imposé")
        out.append(
            MemberExplanation(
                candidate_id=cand.id,
                lots=tuple(inst.lots[int(inst.pair_lot[p])].id for p in pairs),
                text=text + ".",
            )
        )
    return tuple(out)


def _consortium(
    inst: _Instance,
    chosen: Indices,
    weights: Weights,
    *,
    rank: int,
    proven_optimal: bool,
    mip_gap: float | None,
) -> Consortium:
    chosen = sorted(int(p) for p in chosen)
    covered = {int(inst.pair_lot[p]) for p in chosen}
    members = sorted({int(inst.pair_cand[p]) for p in chosen})
    return Consortium(
        rank=rank,
        members=tuple(inst.candidates[c].id for c in members),
        assignment={
            inst.lots[int(inst.pair_lot[p])].id: inst.candidates[int(inst.pair_cand[p])].id
            for p in chosen
        },
        uncovered=tuple(lot.id for i, lot in enumerate(inst.lots) if i not in covered),
        breakdown=_breakdown(inst, chosen, weights),
        proven_optimal=proven_optimal,
        mip_gap=mip_gap,
        explanations=_explain(inst, chosen, inst.lead),
    )


# --- Exact model ------------------------------------------------------------------------------


def _dominated(inst: _Instance, k: int) -> np.ndarray:
    """Candidates that cannot belong to any of the k best consortia, as a boolean mask.

    A candidate that executes at most one lot (effective capacity 1) is dropped when, for every
    lot it could take, at least k cooperatives that serve *only* that lot do it strictly better.
    Swapping it for any of those gives k distinct consortia, same member count, strictly better
    objective; so no consortium containing it is among the k best. Most candidates of a large
    call are single-trade, so this shrinks the model a lot and never changes the answer.
    """
    n_cands = len(inst.candidates)
    served = np.bincount(inst.pair_cand, minlength=n_cands)
    single_pair = (served[inst.pair_cand] == 1) & (inst.cap[inst.pair_cand] >= 1)
    out = np.zeros(n_cands, dtype=bool)
    if k <= 0 or not n_cands:
        return out
    # For each lot, the k-th best value among single-lot specialists (−inf when fewer than k).
    kth = np.full(len(inst.lots), -np.inf)
    for lot_i in range(len(inst.lots)):
        values = np.sort(inst.pair_value[single_pair & (inst.pair_lot == lot_i)])[::-1]
        if len(values) >= k:
            kth[lot_i] = values[k - 1]
    beaten = inst.pair_value < kth[inst.pair_lot] - 1e-12
    # A specialist is beaten by k *others* only if it is not itself among the k best: the strict
    # comparison with the k-th value guarantees that.
    all_beaten = np.bincount(inst.pair_cand, weights=beaten, minlength=n_cands) == served
    out = all_beaten & (inst.cap <= 1)
    if inst.lead is not None:
        out[inst.lead] = False
    return out


@dataclass
class _Model:
    c: np.ndarray
    integrality: np.ndarray
    bounds: Bounds
    constraints: list[LinearConstraint]
    pair_ids: np.ndarray  # model pair → instance pair
    cand_ids: np.ndarray  # model candidate → instance candidate
    local: np.ndarray  # instance candidate → model candidate (−1 when left out)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_ids)

    @property
    def n_cands(self) -> int:
        return len(self.cand_ids)


def _model(
    inst: _Instance,
    weights: Weights,
    constraints: ConsortiumConstraints,
    *,
    keep: np.ndarray | None = None,
    slack_required: bool = False,
) -> _Model:
    """The sparse MIP on the kept candidates. With ``slack_required``, required lots may go
    uncovered too and the objective only counts them: the diagnosis of an infeasible tender."""
    if keep is None:
        keep = np.ones(len(inst.candidates), dtype=bool)
    cand_ids = np.flatnonzero(keep)
    pair_ids = np.flatnonzero(keep[inst.pair_cand])
    local = np.full(len(inst.candidates), -1, dtype=np.int64)
    local[cand_ids] = np.arange(len(cand_ids))
    pair_cand = local[inst.pair_cand[pair_ids]]
    pair_lot = inst.pair_lot[pair_ids]
    cap = inst.cap[cand_ids].astype(float)

    n_pairs, n_cands, n_lots = len(pair_ids), len(cand_ids), len(inst.lots)
    slack_lots = list(range(n_lots)) if slack_required else inst.optional
    n_slack = len(slack_lots)
    n = n_pairs + n_cands + n_slack
    y0, u0 = n_pairs, n_pairs + n_cands
    if slack_required:
        c = np.zeros(n)
        c[u0:] = [1.0 if inst.lots[i].required else 0.0 for i in slack_lots]
    else:
        c = np.concatenate(
            [
                -inst.pair_value[pair_ids],
                np.full(n_cands, weights.member),
                np.full(n_slack, weights.uncovered),
            ]
        )
    integrality = np.concatenate([np.ones(n_pairs + n_cands), np.zeros(n_slack)])
    lb = np.zeros(n)
    if inst.lead is not None and local[inst.lead] >= 0:
        lb[y0 + local[inst.lead]] = 1.0
    bounds = Bounds(lb, np.ones(n))

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []
    r = 0

    def add(row: np.ndarray, col: np.ndarray, val: np.ndarray) -> None:
        rows.append(row)
        cols.append(col)
        vals.append(val)

    pairs = np.arange(n_pairs)
    # Cover each lot exactly once (slack counted as a cover that costs).
    add(r + pair_lot, pairs, np.ones(n_pairs))
    add(r + np.asarray(slack_lots, dtype=np.int64), u0 + np.arange(n_slack), np.ones(n_slack))
    lo.append(np.ones(n_lots))
    hi.append(np.ones(n_lots))
    r += n_lots
    # x[c,l] ≤ y[c]
    add(r + pairs, pairs, np.ones(n_pairs))
    add(r + pairs, y0 + pair_cand, -np.ones(n_pairs))
    lo.append(np.full(n_pairs, -np.inf))
    hi.append(np.zeros(n_pairs))
    r += n_pairs
    # y[c] ≤ Σ x[c,·] ≤ cap[c]·y[c]: two rows per candidate.
    cands = np.arange(n_cands)
    add(r + pair_cand, pairs, np.ones(n_pairs))
    add(r + cands, y0 + cands, -cap)
    add(r + n_cands + pair_cand, pairs, -np.ones(n_pairs))
    add(r + n_cands + cands, y0 + cands, np.ones(n_cands))
    lo.append(np.full(2 * n_cands, -np.inf))
    hi.append(np.zeros(2 * n_cands))
    r += 2 * n_cands
    if constraints.max_members is not None:
        add(np.full(n_cands, r), y0 + cands, np.ones(n_cands))
        lo.append(np.array([-np.inf]))
        hi.append(np.array([float(constraints.max_members)]))
        r += 1
    matrix = csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n)
    )
    return _Model(
        c=c,
        integrality=integrality,
        bounds=bounds,
        constraints=[LinearConstraint(matrix, np.concatenate(lo), np.concatenate(hi))],
        pair_ids=pair_ids,
        cand_ids=cand_ids,
        local=local,
    )


def _no_good(model: _Model, members: Sequence[int]) -> LinearConstraint:
    """Forbid exactly this member set: Σ_{c∈S} (1 − y_c) + Σ_{c∉S} y_c ≥ 1."""
    row = np.zeros(len(model.c))
    row[model.n_pairs : model.n_pairs + model.n_cands] = 1.0
    row[model.n_pairs + model.local[np.asarray(members, dtype=np.int64)]] = -1.0
    return LinearConstraint(row[np.newaxis, :], 1.0 - len(members), np.inf)


def _solve(model: _Model, extra: list[LinearConstraint], time_limit_s: float) -> OptimizeResult:
    return milp(
        model.c,
        integrality=model.integrality,
        bounds=model.bounds,
        constraints=[*model.constraints, *extra],
        options={"time_limit": time_limit_s, "mip_rel_gap": OPTIMALITY_TOLERANCE},
    )


# --- Greedy -----------------------------------------------------------------------------------


def greedy_consortium(
    lots: Sequence[Lot],
    candidates: Sequence[Candidate],
    *,
    weights: Weights | None = None,
    constraints: ConsortiumConstraints | None = None,
) -> tuple[Consortium | None, str]:
    """What a careful person would do by hand, to show beside the optimum.

    Lots are taken hardest first (fewest candidates able to serve them); each goes to the
    candidate with the best marginal value (its quality minus its distance cost, minus the member
    penalty if it is not yet a member), within capacities and the member cap. A required lead
    first takes its own best lot. An optional lot stays uncovered when covering it would cost more
    than its penalty. Returns the consortium, or None and the reason greedy got stuck.
    """
    weights = weights or Weights()
    constraints = constraints or ConsortiumConstraints()
    inst = _instance(lots, candidates, weights, constraints)
    return _greedy(inst, weights, constraints)


def _greedy(
    inst: _Instance, weights: Weights, constraints: ConsortiumConstraints
) -> tuple[Consortium | None, str]:
    n_lots = len(inst.lots)
    by_lot: list[list[int]] = [[] for _ in range(n_lots)]
    for p, lot_i in enumerate(inst.pair_lot.tolist()):
        by_lot[lot_i].append(p)
    load = np.zeros(len(inst.candidates), dtype=np.int64)
    members: set[int] = set()
    chosen: list[int] = []
    done: set[int] = set()
    max_members = constraints.max_members if constraints.max_members is not None else 1 << 30

    if constraints.lead is not None:
        if inst.lead is None or max_members < 1:
            return None, _("Le glouton ne peut pas placer le mandataire imposé.")
        lead_pairs = [p for p in range(len(inst.pair_cand)) if inst.pair_cand[p] == inst.lead]
        best = max(lead_pairs, key=lambda p: inst.pair_value[p])
        members.add(inst.lead)
        load[inst.lead] += 1
        chosen.append(best)
        done.add(int(inst.pair_lot[best]))

    order = sorted(range(n_lots), key=lambda i: (len(by_lot[i]), i))
    for lot_i in order:
        if lot_i in done:
            continue
        best_p, best_gain = -1, -np.inf
        for p in by_lot[lot_i]:
            cand = int(inst.pair_cand[p])
            if load[cand] >= inst.cap[cand]:
                continue
            if cand not in members and len(members) >= max_members:
                continue
            gain = inst.pair_value[p] - (0.0 if cand in members else weights.member)
            if gain > best_gain:
                best_p, best_gain = p, gain
        lot = inst.lots[lot_i]
        if best_p < 0 or (not lot.required and best_gain < -weights.uncovered):
            if lot.required:
                return None, _(
                    "Le glouton reste bloqué au {lot} : les candidates qui pouvaient le prendre "
                    "sont déjà pleines ou le nombre maximal de membres est atteint."
                ).format(lot=lot.display)
            continue
        cand = int(inst.pair_cand[best_p])
        members.add(cand)
        load[cand] += 1
        chosen.append(best_p)
    return _consortium(inst, chosen, weights, rank=0, proven_optimal=False, mip_gap=None), ""


# --- Entry point ------------------------------------------------------------------------------


def _infeasible(
    message: str, lots: tuple[str, ...], started: float, greedy_note: str = ""
) -> ConsortiumProposal:
    return ConsortiumProposal(
        feasible=False,
        consortia=(),
        greedy=None,
        greedy_note=greedy_note,
        greedy_gap_pct=None,
        infeasible_lots=lots,
        message=message,
        solve_seconds=time.perf_counter() - started,
    )


def gap_pct(optimum: float, other: float) -> float:
    """How much worse ``other`` is than ``optimum``, in % of |optimum| (objectives may be < 0)."""
    return 100.0 * (optimum - other) / max(abs(optimum), 1e-9)


def propose_consortia(
    lots: Sequence[Lot],
    candidates: Sequence[Candidate],
    *,
    weights: Weights | None = None,
    constraints: ConsortiumConstraints | None = None,
    k: int = 3,
    time_limit_s: float = 10.0,
) -> ConsortiumProposal:
    """The k best distinct consortia for a multi-lot tender, exactly, with the greedy beside.

    Each consortium is optimal among those not already listed (proven by HiGHS to a relative gap
    of ``OPTIMALITY_TOLERANCE``, or flagged with its gap when the time limit stops the search).
    When no consortium can exist the proposal says why: the lots nobody can serve, or the lots
    that cannot be covered together under capacities, member cap and lead.
    """
    weights = weights or Weights()
    constraints = constraints or ConsortiumConstraints()
    started = time.perf_counter()
    if not lots:
        raise ValueError("A tender needs at least one lot.")
    if k < 1:
        raise ValueError("Ask for at least one consortium (k ≥ 1).")
    inst = _instance(lots, candidates, weights, constraints)

    served = set(inst.pair_lot.tolist())
    orphans = tuple(lot.id for i, lot in enumerate(inst.lots) if lot.required and i not in served)
    if orphans:
        message = _(
            "Aucune coopérative candidate ne peut prendre {lots} : il faut élargir l'appel à "
            "candidatures pour {them}."
        ).format(
            lots=_lots_phrase([lot for lot in inst.lots if lot.id in orphans]),
            them=_("ce lot") if len(orphans) == 1 else _("ces lots"),
        )
        return _infeasible(message, orphans, started)
    if constraints.lead is not None and inst.lead is None:
        return _infeasible(
            _("Le mandataire imposé ({lead}) ne peut prendre aucun lot de cet appel.").format(
                lead=constraints.lead
            ),
            (),
            started,
        )

    dropped = _dominated(inst, k)
    model = _model(inst, weights, constraints, keep=~dropped)
    cuts: list[LinearConstraint] = []
    found: list[Consortium] = []
    for rank in range(1, k + 1):
        remaining = max(0.1, time_limit_s - (time.perf_counter() - started))
        res = _solve(model, cuts, remaining)
        if res.x is None:
            if rank == 1 and res.status == 2:
                return _diagnose(inst, weights, constraints, started)
            break
        chosen = model.pair_ids[np.flatnonzero(res.x[: model.n_pairs] > 0.5)]
        gap = float(res.mip_gap) if res.mip_gap is not None else None
        found.append(
            _consortium(
                inst,
                chosen,
                weights,
                rank=rank,
                proven_optimal=res.status == 0,
                mip_gap=gap,
            )
        )
        members = sorted({int(inst.pair_cand[p]) for p in chosen})
        cuts.append(_no_good(model, members))

    greedy, note = _greedy(inst, weights, constraints)
    gap_value = gap_pct(found[0].objective, greedy.objective) if greedy and found else None
    return ConsortiumProposal(
        feasible=bool(found),
        consortia=tuple(found),
        greedy=greedy,
        greedy_note=note,
        greedy_gap_pct=gap_value,
        infeasible_lots=(),
        message="" if found else _("Le solveur n'a trouvé aucun groupement dans le temps imparti."),
        solve_seconds=time.perf_counter() - started,
        stats={
            "pairs": len(inst.pair_cand),
            "candidates": len(inst.candidates),
            "dominated": int(dropped.sum()),
            "model_pairs": model.n_pairs,
            "variables": len(model.c),
        },
    )


def _diagnose(
    inst: _Instance, weights: Weights, constraints: ConsortiumConstraints, started: float
) -> ConsortiumProposal:
    """Every lot has candidates, yet no consortium exists: find the fewest required lots that
    must be given up, and name them."""
    model = _model(inst, weights, constraints, slack_required=True)
    res = _solve(model, [], 10.0)
    if res.x is None:
        return _infeasible(
            _(
                "Les contraintes imposées (mandataire, nombre maximal de membres) ne laissent "
                "aucun groupement possible."
            ),
            (),
            started,
        )
    slack = res.x[model.n_pairs + model.n_cands :]  # one per lot, in lot order
    stuck = tuple(
        inst.lots[i].id for i in range(len(inst.lots)) if inst.lots[i].required and slack[i] > 0.5
    )
    return _infeasible(
        _(
            "Chaque lot a des candidates, mais elles ne suffisent pas à tout couvrir ensemble "
            "(capacités, nombre maximal de membres, mandataire) : au mieux, {n} lot(s) "
            "obligatoire(s) resteraient sans titulaire, par exemple {lots}."
        ).format(n=len(stuck), lots=_lots_phrase([lot for lot in inst.lots if lot.id in stuck])),
        stuck,
        started,
    )
