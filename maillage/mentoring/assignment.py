"""Mentoring and sponsorship assignment: all open requests at once, optimally.

A new cooperative asks for a sponsor (*parrainage* by an established cooperative) or a mentor (a
person). Volunteers declare the territories they cover, their sector families, topics, how many
newcomers they can follow at once (``capacity``) and how many they already follow
(``current_load``). This module proposes the assignment of every open request that

1. assigns as many requests as possible (a request is only ever paired with an *eligible*
   volunteer: same kind, covers the request's territory, knows its topic, has room), then
2. among those, minimises the total cost, a weighted sum of distance, sector-family mismatch,
   inexperience and load.

Load is convex: a volunteer's capacity is expanded into unit *slots*; the slot that brings the
load to L costs ``load_step · (L − 1)`` on top of the pair cost, so the second newcomer costs more
than the first and nobody carries too much while others are idle. Slots of one volunteer differ
only by that increasing term, so an optimum always fills them in order and the total load term of
a volunteer is exactly ``load_step · L(L − 1)/2`` minus what the existing load already paid.

This is a rectangular assignment problem (requests × slots), solved by LAPJVsp
(``scipy.sparse.csgraph.min_weight_full_bipartite_matching``) on a *sparse* graph: each request
keeps only its K cheapest eligible volunteers. Pruning is made exact by column generation with a
linear-programming certificate: from the matching we compute dual prices (shortest paths in the
residual graph), price every pruned pair, add those with a negative reduced cost and solve again.
When no pruned pair prices out, LP duality proves the assignment optimal for the full problem;
``proven_optimal`` reports it.

A dummy slot per request, at a cost larger than any assignment can save, keeps the matching full
when capacity runs short, and turns "as many as possible" into part of the same minimisation.

Plain data in, plain data out, no database: ``benchmarks/mentoring_assignment.py`` measures it on
1,000 requests × 5,000 volunteers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

EARTH_RADIUS_KM = 6371.0088  # as maillage.territories.geo.haversine_km
DISTANCE_UNIT_KM = 100.0
DEFAULT_K = 12
"""Eligible volunteers kept per request before column generation; any K gives the same answer."""

KIND_SPONSOR = "sponsor"
KIND_MENTOR = "mentor"
KIND_AMBASSADOR = "ambassador"

Zone = tuple[str, str]
"""A territory as a (level, code) pair, as everywhere on the platform: ("departement", "69")."""


def _(message: str) -> str:
    """Translate through Django when its app registry is ready, else keep the French source.

    The algorithm also runs without Django set up (tests, benchmarks); the strings are still
    extracted by ``makemessages`` because they go through a function named ``_``.
    """
    if apps.ready and settings.configured:
        return gettext(message)
    return message


def _num(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """An open request from a new cooperative.

    ``zones`` are all the zones that contain the cooperative's place (its commune, EPCI,
    département, région, union, ("france", "FR")), so that a volunteer covering any of them
    covers the request. ``topic`` None means any volunteer of the right kind will do. ``arrival``
    orders requests for the first-come baseline (ties keep input order).
    """

    id: str
    kind: str
    sector_family: str
    latitude: float
    longitude: float
    zones: frozenset[Zone]
    topic: str | None = None
    arrival: float = 0.0


@dataclass(frozen=True)
class Volunteer:
    """A sponsor cooperative or a mentor, with what it covers and how much room it has."""

    id: str
    kind: str
    sector_families: frozenset[str]
    territories: frozenset[Zone]
    latitude: float
    longitude: float
    capacity: int
    current_load: int = 0
    experience_years: float = 0.0
    topics: frozenset[str] = frozenset()
    name: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Weights:
    """The cost of a pairing, in points: per 100 km, for a different sector family, for lack of
    experience (linear up to ``full_experience_years``), and per unit of load already carried."""

    distance_per_100km: float = 1.0
    sector_mismatch: float = 0.5
    inexperience: float = 0.5
    load_step: float = 0.3
    full_experience_years: float = 10.0


@dataclass(frozen=True)
class Overrides:
    """A delegate's decisions: pairs imposed (honoured even outside the volunteer's territory or
    topics, but never beyond its capacity or across kinds) and pairs ruled out."""

    fixed: frozenset[tuple[str, str]] = frozenset()
    forbidden: frozenset[tuple[str, str]] = frozenset()


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """The terms of one pairing's cost (the load term is the marginal cost of its slot)."""

    distance_km: float
    distance: float
    sector: float
    inexperience: float
    load: float

    @property
    def total(self) -> float:
        return self.distance + self.sector + self.inexperience + self.load


@dataclass(frozen=True)
class Pairing:
    """One proposed pairing, with the facts behind it and a sentence that says them."""

    request_id: str
    volunteer_id: str
    cost: Cost
    same_family: bool
    experience_years: float
    load_after: int
    capacity: int
    fixed: bool
    text: str


@dataclass(frozen=True)
class NearOption:
    """A volunteer a delegate might ask anyway, and what keeps it from being eligible."""

    volunteer_id: str
    distance_km: float
    covers_territory: bool
    knows_topic: bool
    free_capacity: int


@dataclass(frozen=True)
class Unassigned:
    """A request left without a pairing: the reason (a code and a sentence) and options."""

    request_id: str
    reason: str
    text: str
    nearest: tuple[NearOption, ...]


@dataclass(frozen=True)
class Baseline:
    """The first-come greedy: each request, in arrival order, takes its cheapest volunteer."""

    assigned: int
    total_cost: float
    cost_ratio: float | None  # greedy / optimum, when both assign the same number
    pairs: tuple[tuple[str, str], ...] = ()  # (request id, volunteer id), fixed pairs included


@dataclass(frozen=True)
class AssignmentResult:
    """The proposal for all open requests, with its certificate and the greedy beside it."""

    pairings: tuple[Pairing, ...]
    unassigned: tuple[Unassigned, ...]
    total_cost: float
    proven_optimal: bool
    greedy: Baseline
    solve_seconds: float
    stats: Mapping[str, int] = field(default_factory=dict)

    def volunteer_of(self, request_id: str) -> str | None:
        return next((p.volunteer_id for p in self.pairings if p.request_id == request_id), None)


# Reason codes, most fundamental first.
REASON_NO_KIND = "no_kind"
REASON_NO_TERRITORY = "no_territory"
REASON_NO_TOPIC = "no_topic"
REASON_FULL = "full"
REASON_FORBIDDEN = "forbidden"
REASON_CONTENTION = "contention"


# --- Problem ----------------------------------------------------------------------------------


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many (same formula as territories.geo.haversine_km)."""
    phi1, phi2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points as unit vectors, so that many distances need one square root each."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord_km(lat: float, lon: float, xyz: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many unit vectors: 2R·asin(chord / 2), which is the
    haversine formula written with the chord, exact and cheaper."""
    here = _unit(np.array([lat]), np.array([lon]))[0]
    # |a − b|² = 2 − 2 a·b for unit vectors; the cancellation costs well under a metre.
    chord = np.sqrt(np.maximum(2.0 - 2.0 * (xyz @ here), 0.0))
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))


def _km(req: Request, problem: _Problem, j: int) -> float:
    return float(_haversine(req.latitude, req.longitude, problem.lat[[j]], problem.lon[[j]])[0])


@dataclass
class _Problem:
    """Volunteers as arrays, the zone index, and every eligible (request, volunteer) pair in CSR
    form (``ptr`` over open requests) with its pair cost (everything but the load term)."""

    requests: list[Request]
    volunteers: list[Volunteer]
    weights: Weights
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray
    experience: np.ndarray
    load: np.ndarray  # current load plus fixed pairs
    free: np.ndarray  # capacity − load
    families: list[frozenset[str]]
    topics: list[frozenset[str]]
    family_matrix: np.ndarray  # volunteer × family vocabulary, bool
    family_code: dict[str, int]
    topic_matrix: np.ndarray  # volunteer × topic vocabulary, bool
    topic_code: dict[str, int]
    by_zone: dict[Zone, np.ndarray]
    forbidden: dict[int, set[int]]
    open_rows: list[int]  # request indices still to assign
    ptr: np.ndarray
    vol: np.ndarray
    base: np.ndarray

    def slot_cost(self, v: np.ndarray | int, k: np.ndarray | int) -> np.ndarray:
        """Marginal load cost of a volunteer's k-th free slot (k from 0)."""
        return self.weights.load_step * (self.load[v] + k)


def _vocabulary(sets: Sequence[frozenset[str]]) -> tuple[np.ndarray, dict[str, int]]:
    """A boolean membership matrix (item × word) so that lookups stay vectorised."""
    code = {word: n for n, word in enumerate(sorted(set().union(*sets)))} if sets else {}
    matrix = np.zeros((len(sets), max(1, len(code))), dtype=bool)
    rows = [row for row, words in enumerate(sets) for _w in words]
    cols = [code[w] for words in sets for w in words]
    matrix[rows, cols] = True
    return matrix, code


def _has(matrix: np.ndarray, code: Mapping[str, int], word: str, idx: np.ndarray) -> np.ndarray:
    if word not in code:
        return np.zeros(len(idx), dtype=bool)
    return matrix[idx, code[word]]


def _pair_costs(
    weights: Weights,
    km: np.ndarray,
    same_family: np.ndarray,
    experience: np.ndarray,
) -> np.ndarray:
    mismatch = ~same_family
    green = np.clip(1.0 - experience / weights.full_experience_years, 0.0, 1.0)
    return (
        weights.distance_per_100km * km / DISTANCE_UNIT_KM
        + weights.sector_mismatch * mismatch
        + weights.inexperience * green
    )


def _problem(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    weights: Weights,
    overrides: Overrides,
) -> tuple[_Problem, list[tuple[int, int]]]:
    req_index = {r.id: i for i, r in enumerate(requests)}
    vol_index = {v.id: j for j, v in enumerate(volunteers)}
    if len(req_index) != len(requests) or len(vol_index) != len(volunteers):
        raise ValueError("Duplicate request or volunteer id.")
    for v in volunteers:
        if v.capacity < 0 or v.current_load < 0:
            raise ValueError(f"Volunteer {v.id}: capacity and load must be ≥ 0.")

    def resolve(pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        out = []
        for r_id, v_id in pairs:
            if r_id not in req_index or v_id not in vol_index:
                raise ValueError(f"Unknown request or volunteer in override ({r_id}, {v_id}).")
            out.append((req_index[r_id], vol_index[v_id]))
        return out

    fixed = resolve(overrides.fixed)
    forbidden_pairs = resolve(overrides.forbidden)
    if set(fixed) & set(forbidden_pairs):
        raise ValueError("A pair cannot be both imposed and ruled out.")
    if len({i for i, _j in fixed}) != len(fixed):
        raise ValueError("A request can be imposed on one volunteer only.")
    load = np.array([v.current_load for v in volunteers], dtype=np.int64)
    for i, j in fixed:
        if requests[i].kind != volunteers[j].kind:
            raise ValueError(
                f"Imposed pair ({requests[i].id}, {volunteers[j].id}): not the same kind."
            )
        load[j] += 1
    capacity = np.array([v.capacity for v in volunteers], dtype=np.int64)
    over = np.flatnonzero(load > np.maximum(capacity, [v.current_load for v in volunteers]))
    if len(over):
        raise ValueError(
            f"Imposed pairs exceed the capacity of volunteer {volunteers[over[0]].id}."
        )
    free = np.maximum(capacity - load, 0)

    kinds = sorted({v.kind for v in volunteers} | {r.kind for r in requests})
    kind_code = {k: n for n, k in enumerate(kinds)}
    lat = np.array([v.latitude for v in volunteers], dtype=float)
    lon = np.array([v.longitude for v in volunteers], dtype=float)
    kind = np.array([kind_code[v.kind] for v in volunteers], dtype=np.int64)
    xyz = _unit(lat, lon)
    experience = np.array([v.experience_years for v in volunteers], dtype=float)
    families = [v.sector_families for v in volunteers]
    topics = [v.topics for v in volunteers]
    family_matrix, family_code = _vocabulary(families)
    topic_matrix, topic_code = _vocabulary(topics)
    zone_lists: dict[Zone, list[int]] = {}
    room_lists: dict[tuple[int, Zone], list[int]] = {}
    for j, v in enumerate(volunteers):
        for zone in v.territories:
            zone_lists.setdefault(zone, []).append(j)
            if free[j] > 0:
                room_lists.setdefault((int(kind[j]), zone), []).append(j)
    by_zone = {z: np.asarray(js, dtype=np.int64) for z, js in zone_lists.items()}
    # The eligibility index: volunteers with room, by (kind, zone).
    with_room = {key: np.asarray(js, dtype=np.int64) for key, js in room_lists.items()}
    forbidden: dict[int, set[int]] = {}
    for i, j in forbidden_pairs:
        forbidden.setdefault(i, set()).add(j)

    fixed_rows = {i for i, _j in fixed}
    open_rows = [i for i in range(len(requests)) if i not in fixed_rows]
    ptr = [0]
    vols: list[np.ndarray] = []
    bases: list[np.ndarray] = []
    empty = np.zeros(0, dtype=np.int64)
    for i in open_rows:
        req = requests[i]
        idx = _eligible(req, kind_code[req.kind], with_room, forbidden.get(i, set()))
        if req.topic is not None:
            idx = idx[_has(topic_matrix, topic_code, req.topic, idx)]
        km = _chord_km(req.latitude, req.longitude, xyz[idx])
        same = _has(family_matrix, family_code, req.sector_family, idx)
        vols.append(idx)
        bases.append(_pair_costs(weights, km, same, experience[idx]))
        ptr.append(ptr[-1] + len(idx))
    problem = _Problem(
        requests=list(requests),
        volunteers=list(volunteers),
        weights=weights,
        lat=lat,
        lon=lon,
        kind=kind,
        experience=experience,
        load=load,
        free=free,
        families=families,
        topics=topics,
        family_matrix=family_matrix,
        family_code=family_code,
        topic_matrix=topic_matrix,
        topic_code=topic_code,
        by_zone=by_zone,
        forbidden=forbidden,
        open_rows=open_rows,
        ptr=np.asarray(ptr, dtype=np.int64),
        vol=np.concatenate(vols) if vols else empty,
        base=np.concatenate(bases) if bases else np.zeros(0),
    )
    return problem, fixed


def _eligible(
    req: Request,
    kind_code: int,
    with_room: Mapping[tuple[int, Zone], np.ndarray],
    forbidden: set[int],
) -> np.ndarray:
    """Volunteers of the request's kind and zones, with room, not ruled out (topic: caller)."""
    lists = [with_room[key] for z in req.zones if (key := (kind_code, z)) in with_room]
    if not lists:
        return np.zeros(0, dtype=np.int64)
    idx = lists[0] if len(lists) == 1 else np.unique(np.concatenate(lists))
    if forbidden:
        idx = idx[~np.isin(idx, list(forbidden))]
    return idx


# --- Exact solve ------------------------------------------------------------------------------


@dataclass
class _Graph:
    """The sparse assignment graph: rows are open requests with eligible volunteers, columns are
    the free slots of the volunteers kept somewhere, then one dummy column per row."""

    rows: np.ndarray  # positions in problem.open_rows
    col_vol: np.ndarray  # volunteer of each real column
    col_slot: np.ndarray  # slot index (0 = next free slot)
    first_col: np.ndarray  # volunteer → its first column (−1 when absent)
    edge_row: np.ndarray  # local row per edge
    edge_col: np.ndarray
    edge_cost: np.ndarray


PRICING_TOLERANCE = 1e-9
OFFSET = 1.0  # LAPJVsp ignores zero weights; every row takes one column, so a constant is free


def _graph(problem: _Problem, rows: np.ndarray, kept: np.ndarray, dummy: float) -> _Graph:
    """``kept`` holds positions into the eligible-pair arrays (CSR over open rows)."""
    local_row = np.full(len(problem.open_rows), -1, dtype=np.int64)
    local_row[rows] = np.arange(len(rows))
    vols = np.unique(problem.vol[kept])
    counts = problem.free[vols]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    col_vol = np.repeat(vols, counts)
    col_slot = np.arange(len(col_vol)) - np.repeat(starts, counts)
    first_col = np.full(len(problem.volunteers), -1, dtype=np.int64)
    first_col[vols] = starts
    n_real = len(col_vol)
    # Each kept pair fans out to every free slot of its volunteer.
    fan = problem.free[problem.vol[kept]]
    pair_rep = np.repeat(kept, fan)
    offsets = np.arange(len(pair_rep)) - np.repeat(np.cumsum(fan) - fan, fan)
    vol_rep = problem.vol[pair_rep]
    edge_col = first_col[vol_rep] + offsets
    edge_row = local_row[np.searchsorted(problem.ptr, pair_rep, side="right") - 1]
    edge_cost = problem.base[pair_rep] + problem.slot_cost(vol_rep, offsets) + OFFSET
    n_rows = len(rows)
    return _Graph(
        rows=rows,
        col_vol=col_vol,
        col_slot=col_slot,
        first_col=first_col,
        edge_row=np.concatenate([edge_row, np.arange(n_rows)]),
        edge_col=np.concatenate([edge_col, n_real + np.arange(n_rows)]),
        edge_cost=np.concatenate([edge_cost, np.full(n_rows, dummy)]),
    )


def _match(graph: _Graph) -> np.ndarray:
    """Column matched to each local row."""
    n_rows = len(graph.rows)
    n_cols = len(graph.col_vol) + n_rows
    matrix = csr_array((graph.edge_cost, (graph.edge_row, graph.edge_col)), shape=(n_rows, n_cols))
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    out = np.empty(n_rows, dtype=np.int64)
    out[row_ind] = col_ind
    return out


def _duals(graph: _Graph, match: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dual prices (u per row, p = −v ≥ 0 per column) certifying the matching on this graph.

    Complementary slackness asks u_i = c[i, m(i)] + p[m(i)] and u_i ≤ c[i, j] + p[j] on every
    edge, i.e. p[m(i)] ≤ p[j] + c[i, j] − c[i, m(i)]: shortest paths from the free columns
    (p = 0) along alternating paths. Bellman–Ford, vectorised; it converges in as many rounds as
    the longest chain of displacements, and cannot cycle when the matching is optimal.
    """
    n_rows = len(graph.rows)
    n_cols = len(graph.col_vol) + n_rows
    matched_cost = np.zeros(n_rows)
    is_match = graph.edge_col == match[graph.edge_row]
    matched_cost[graph.edge_row[is_match]] = graph.edge_cost[is_match]
    other = ~is_match
    src = graph.edge_col[other]
    dst = match[graph.edge_row[other]]
    w = graph.edge_cost[other] - matched_cost[graph.edge_row[other]]
    order = np.argsort(dst, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    heads = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]]) if len(dst) else np.zeros(0, int)
    targets = dst[heads]
    used = np.zeros(n_cols, dtype=bool)
    used[match] = True
    # Start matched columns high enough that any path weight (≥ −rows · max|w|) stays ≥ 0.
    big = (n_rows + 1) * (float(np.abs(w).max()) + 1.0) if len(w) else 0.0
    p = np.where(used, big, 0.0)
    for _round in range(n_cols + 1):
        if not len(dst):
            break
        best = np.minimum.reduceat(p[src] + w, heads)
        improve = best < p[targets] - 1e-12
        if not improve.any():
            break
        p[targets[improve]] = best[improve]
    else:
        raise RuntimeError("Negative cycle in the residual graph: the matching is not optimal.")
    u = matched_cost + p[match]
    return u, p


def _solve(problem: _Problem, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Optimal slots: (rows, volunteer per row or −1, slot per row, stats).

    Column generation: start from each row's k cheapest eligible volunteers, price the pruned
    pairs with the duals of the current optimum, add those with a negative reduced cost, repeat.
    The loop only ends on a certificate, so the result is optimal for the full problem.
    """
    n_open = len(problem.open_rows)
    n_vol = len(problem.volunteers)
    sizes = np.diff(problem.ptr)
    rows = np.flatnonzero(sizes > 0)
    if not len(rows):
        return rows, np.zeros(0, np.int64), np.zeros(0, np.int64), {"rounds": 0}
    everyone = np.arange(n_vol)
    slot0 = problem.slot_cost(everyone, 0)
    first_slot = problem.base + slot0[problem.vol]
    # Every assignment pays less than this per row, so one more assigned row always wins.
    last_slot = problem.slot_cost(everyone, np.maximum(problem.free - 1, 0))
    worst = float((problem.base + last_slot[problem.vol]).max())
    dummy = (n_open + 1) * (worst + OFFSET + 1.0)
    keep = np.zeros(len(problem.vol), dtype=bool)
    # floor[r]: a lower bound on the first-slot cost of row r's pruned pairs (inf: none pruned).
    floor = np.full(n_open, np.inf)
    for r in rows.tolist():
        lo, hi = problem.ptr[r], problem.ptr[r + 1]
        if hi - lo <= k:
            keep[lo:hi] = True
        else:
            part = np.argpartition(first_slot[lo:hi], k)
            keep[lo + part[:k]] = True
            floor[r] = first_slot[lo + part[k]]
    rounds = 0
    while True:
        rounds += 1
        graph = _graph(problem, rows, np.flatnonzero(keep), dummy)
        match = _match(graph)
        if not np.isfinite(floor).any():
            break
        u, p = _duals(graph, match)
        # Prices are ≥ 0 and slot costs increase, so entering a volunteer costs at least its
        # first slot: a row whose dual u does not exceed floor + OFFSET cannot price out.
        row_u = np.full(n_open, -np.inf)
        row_u[rows] = u
        suspects = np.flatnonzero(row_u > floor + OFFSET + PRICING_TOLERANCE)
        if not len(suspects):
            break
        # Cheapest way into each volunteer: its slots' cost plus their price; volunteers absent
        # from the graph have every slot free (price 0), the first one being the cheapest.
        gate = slot0 + OFFSET
        gate[graph.col_vol] = np.inf
        n_real = len(graph.col_vol)
        slot_gate = problem.slot_cost(graph.col_vol, graph.col_slot) + OFFSET + p[:n_real]
        np.minimum.at(gate, graph.col_vol, slot_gate)
        entering = 0
        for r in suspects.tolist():
            lo, hi = problem.ptr[r], problem.ptr[r + 1]
            out = lo + np.flatnonzero(~keep[lo:hi])
            reduced = problem.base[out] + gate[problem.vol[out]] - row_u[r]
            add = out[reduced < -PRICING_TOLERANCE]
            keep[add] = True
            entering += len(add)
            left = out[~keep[out]]
            floor[r] = first_slot[left].min() if len(left) else np.inf
        if not entering:
            break
    n_real = len(graph.col_vol)
    real = match < n_real
    vol = np.where(real, graph.col_vol[np.minimum(match, n_real - 1)], -1)
    slot = np.where(real, graph.col_slot[np.minimum(match, n_real - 1)], -1)
    stats = {"rounds": rounds, "kept_pairs": int(keep.sum()), "graph_edges": len(graph.edge_cost)}
    return rows, vol, slot, stats


# --- Greedy baseline --------------------------------------------------------------------------


def _greedy(problem: _Problem) -> tuple[int, float, list[tuple[str, str]]]:
    """First come, first served: in arrival order, each request takes its cheapest eligible
    volunteer with room left (pair cost plus the marginal cost of its next slot). Returns the
    count, the cost and the (request id, volunteer id) picks, so delegates see what differs."""
    taken = np.zeros(len(problem.volunteers), dtype=np.int64)
    order = sorted(
        range(len(problem.open_rows)),
        key=lambda r: (problem.requests[problem.open_rows[r]].arrival, r),
    )
    assigned, total = 0, 0.0
    picks: list[tuple[str, str]] = []
    for r in order:
        lo, hi = problem.ptr[r], problem.ptr[r + 1]
        if lo == hi:
            continue
        vols = problem.vol[lo:hi]
        room = taken[vols] < problem.free[vols]
        if not room.any():
            continue
        cost = problem.base[lo:hi] + problem.slot_cost(vols, taken[vols])
        cost[~room] = np.inf
        best = int(np.argmin(cost))
        taken[vols[best]] += 1
        assigned += 1
        total += float(cost[best])
        picks.append(
            (problem.requests[problem.open_rows[r]].id, problem.volunteers[int(vols[best])].id)
        )
    return assigned, total, picks


# --- Explanations -----------------------------------------------------------------------------


def _explain(
    volunteer: Volunteer, cost: Cost, same_family: bool, load_after: int, fixed: bool
) -> str:
    parts = [_("à {km} km").format(km=_num(cost.distance_km))]
    parts.append(_("même famille de secteurs") if same_family else _("autre famille de secteurs"))
    years = volunteer.experience_years
    parts.append(_("{n} ans d'expérience").format(n=_num(years)) if years >= 1 else _("débutant·e"))
    parts.append(_("charge après : {load}/{cap}").format(load=load_after, cap=volunteer.capacity))
    text = f"{volunteer.display} : " + " · ".join(parts)
    if fixed:
        text += " · " + _("imposé par le délégué")
    return text + "."


def _reason(problem: _Problem, i: int) -> tuple[str, str]:
    """Why request i has no pairing, from the most fundamental cause down."""
    req = problem.requests[i]
    kind_ok = np.array([v.kind == req.kind for v in problem.volunteers], dtype=bool)
    label = {KIND_SPONSOR: _("parrain"), KIND_AMBASSADOR: _("ambassadeur")}.get(
        req.kind, _("mentor")
    )
    if not kind_ok.any():
        return REASON_NO_KIND, _("Aucun {kind} n'est inscrit.").format(kind=label)
    zone = np.zeros(len(problem.volunteers), dtype=bool)
    for z in req.zones:
        if z in problem.by_zone:
            zone[problem.by_zone[z]] = True
    ok = kind_ok & zone
    if not ok.any():
        return REASON_NO_TERRITORY, _("Aucun {kind} ne couvre ce territoire.").format(kind=label)
    if req.topic is not None:
        everyone = np.arange(len(problem.volunteers))
        ok &= _has(problem.topic_matrix, problem.topic_code, req.topic, everyone)
        if not ok.any():
            return REASON_NO_TOPIC, _(
                "Aucun {kind} de ce territoire ne traite le thème « {topic} »."
            ).format(kind=label, topic=req.topic)
    roomy = ok & (problem.free > 0)
    if not roomy.any():
        return REASON_FULL, _("Les {n} {kind}(s) éligibles sont déjà à pleine capacité.").format(
            n=int(ok.sum()), kind=label
        )
    banned = problem.forbidden.get(i, set())
    if all(j in banned for j in np.flatnonzero(roomy).tolist()):
        return REASON_FORBIDDEN, _(
            "Les seuls {kind}s éligibles avec de la place ont été écartés par le délégué."
        ).format(kind=label)
    return REASON_CONTENTION, _(
        "Les {n} {kind}(s) éligibles avec de la place sont tous pris par d'autres demandes : "
        "il n'y a pas assez de places pour tout le monde dans ce territoire."
    ).format(n=int(roomy.sum()), kind=label)


def _nearest(
    problem: _Problem, i: int, remaining: np.ndarray, n: int = 3
) -> tuple[NearOption, ...]:
    """The nearest volunteers of the right kind, territory ignored, preferring those with room."""
    req = problem.requests[i]
    same_kind = np.flatnonzero(
        np.array([v.kind == req.kind for v in problem.volunteers], dtype=bool)
    )
    banned = problem.forbidden.get(i, set())
    same_kind = np.array([j for j in same_kind.tolist() if j not in banned], dtype=np.int64)
    if not len(same_kind):
        return ()
    km = _haversine(req.latitude, req.longitude, problem.lat[same_kind], problem.lon[same_kind])
    order = np.lexsort((km, remaining[same_kind] <= 0))[:n]
    out = []
    for pos in order.tolist():
        j = int(same_kind[pos])
        v = problem.volunteers[j]
        out.append(
            NearOption(
                volunteer_id=v.id,
                distance_km=float(km[pos]),
                covers_territory=bool(v.territories & req.zones),
                knows_topic=req.topic is None or req.topic in v.topics,
                free_capacity=int(remaining[j]),
            )
        )
    return tuple(out)


# --- Entry points -----------------------------------------------------------------------------


def assign(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    *,
    weights: Weights | None = None,
    overrides: Overrides | None = None,
    k: int = DEFAULT_K,
) -> AssignmentResult:
    """The optimal assignment of all open requests (see the module docstring for the model).

    Assigns as many requests as the eligible capacity allows, at the least total cost; reports
    each pairing with its reasons, each unassigned request with its cause and nearest options,
    and the first-come greedy's cost beside the optimum. ``k`` only tunes speed.
    """
    weights = weights or Weights()
    overrides = overrides or Overrides()
    started = time.perf_counter()
    problem, fixed = _problem(requests, volunteers, weights, overrides)
    rows, vol, slot, stats = _solve(problem, max(1, k))

    # Final loads, to explain each pairing with the load it leaves.
    final = problem.load.copy()
    np.add.at(final, vol[vol >= 0], 1)
    pairings: list[Pairing] = []
    total = 0.0
    fixed_taken: dict[int, int] = {}
    base_load = np.array([v.current_load for v in volunteers], dtype=np.int64)
    for i, j in fixed:
        req, v = requests[i], volunteers[j]
        km = _km(req, problem, j)
        level = base_load[j] + fixed_taken.get(j, 0)
        fixed_taken[j] = fixed_taken.get(j, 0) + 1
        pairings.append(_pairing(problem, req, v, km, int(final[j]), level, fixed=True))
        total += pairings[-1].cost.total
    for r, j, s in zip(rows.tolist(), vol.tolist(), slot.tolist(), strict=True):
        if j < 0:
            continue
        i = problem.open_rows[r]
        km = _km(requests[i], problem, j)
        level = int(problem.load[j] + s)
        pairings.append(
            _pairing(problem, requests[i], volunteers[j], km, int(final[j]), level, fixed=False)
        )
        total += pairings[-1].cost.total

    remaining = np.array([v.capacity for v in volunteers], dtype=np.int64) - final
    assigned_rows = {r for r, j in zip(rows.tolist(), vol.tolist(), strict=True) if j >= 0}
    unassigned = []
    for r, i in enumerate(problem.open_rows):
        if r in assigned_rows:
            continue
        code, text = _reason(problem, i)
        unassigned.append(
            Unassigned(
                request_id=requests[i].id,
                reason=code,
                text=text,
                nearest=_nearest(problem, i, remaining),
            )
        )

    greedy_assigned, greedy_open_cost, greedy_picks = _greedy(problem)
    open_cost = total - sum(p.cost.total for p in pairings if p.fixed)
    fixed_cost = total - open_cost
    optimal_open = len(assigned_rows)
    ratio = None
    if greedy_assigned == optimal_open and total > 0:
        ratio = (greedy_open_cost + fixed_cost) / total
    stats = {
        **stats,
        "eligible_pairs": len(problem.vol),
        "open_requests": len(problem.open_rows),
        "greedy_unassigned_extra": optimal_open - greedy_assigned,
    }
    return AssignmentResult(
        pairings=tuple(pairings),
        unassigned=tuple(unassigned),
        total_cost=total,
        proven_optimal=True,
        greedy=Baseline(
            assigned=greedy_assigned + len(fixed),
            total_cost=greedy_open_cost + fixed_cost,
            cost_ratio=ratio,
            pairs=tuple((requests[i].id, volunteers[j].id) for i, j in fixed) + tuple(greedy_picks),
        ),
        solve_seconds=time.perf_counter() - started,
        stats=stats,
    )


def reoptimise(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    *,
    fixed: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    weights: Weights | None = None,
) -> AssignmentResult:
    """A delegate's overrides: keep the imposed pairs, rule out the forbidden ones, and optimise
    everything else again."""
    return assign(
        requests,
        volunteers,
        weights=weights,
        overrides=Overrides(fixed=frozenset(fixed), forbidden=frozenset(forbidden)),
    )


def _pairing(
    problem: _Problem,
    req: Request,
    v: Volunteer,
    km: float,
    load_after: int,
    level: int,
    *,
    fixed: bool,
) -> Pairing:
    """``level`` is the load before this pairing's slot, which sets its marginal load cost."""
    w = problem.weights
    same = req.sector_family in v.sector_families
    cost = Cost(
        distance_km=km,
        distance=w.distance_per_100km * km / DISTANCE_UNIT_KM,
        sector=0.0 if same else w.sector_mismatch,
        inexperience=w.inexperience
        * min(1.0, max(0.0, 1.0 - v.experience_years / w.full_experience_years)),
        load=w.load_step * level,
    )
    return Pairing(
        request_id=req.id,
        volunteer_id=v.id,
        cost=cost,
        same_family=same,
        experience_years=v.experience_years,
        load_after=load_after,
        capacity=v.capacity,
        fixed=fixed,
        text=_explain(v, cost, same, load_after, fixed),
    )
