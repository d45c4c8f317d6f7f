"""The exact solve (sparse LAPJVsp, column generation, an LP certificate) and the first-come
greedy baseline shown beside it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .problem import _Problem

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
