"""Benchmark: optimal mentoring/sponsorship assignment, 1,000 requests × 5,000 volunteers.

Generates seeded French-like instances (points in lat 42–51, lon −4.5–8, clustered around towns;
a grid of ~90 départements grouped in ~12 régions; volunteers covering their département, a
neighbour, their région or all of France; capacities 1–3 with some existing load; ten sector
families, eight topics), solves each exactly, compares with the first-come greedy. Progress on
stderr; the last line of stdout is one JSON object.

    .venv/bin/python benchmarks/mentoring_assignment.py [--runs 5] [--requests 1000]
        [--volunteers 5000] [--check-full]

``--dense`` makes every volunteer eligible for every request (5 million pairs): the worst case
for the pruning. ``--check-full`` also solves every run without pruning (K = all eligible
volunteers) and checks that the cost is the same: the certificate, verified the slow way.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time

import numpy as np

from maillage.mentoring.assignment import (
    KIND_MENTOR,
    KIND_SPONSOR,
    Request,
    Volunteer,
    assign,
)

GOAL_SOLVE_S = 2.0
FAMILIES = [f"famille-{n}" for n in range(10)]
TOPICS = [
    "gouvernance",
    "finances",
    "commercial",
    "juridique",
    "rh",
    "production",
    "numerique",
    "transmission",
]
LAT0, LAT1, LON0, LON1 = 42.0, 51.0, -4.5, 8.0
DEP_LAT, DEP_LON = 1.0, 1.25  # a département is one grid cell, a région 3 × 3 cells


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int((lat - LAT0) // DEP_LAT), int((lon - LON0) // DEP_LON)


def _zones(lat: float, lon: float) -> frozenset[tuple[str, str]]:
    row, col = _cell(lat, lon)
    return frozenset(
        {
            ("departement", f"{row}-{col}"),
            ("region", f"{row // 3}-{col // 3}"),
            ("france", "FR"),
        }
    )


def _points(rng: np.random.Generator, n: int, towns: np.ndarray) -> np.ndarray:
    near = rng.random(n) < 0.65
    pts = np.column_stack([rng.uniform(LAT0, LAT1, n), rng.uniform(LON0, LON1, n)])
    which = rng.integers(0, len(towns), n)
    pts[near] = towns[which[near]] + rng.normal(0, 0.3, (int(near.sum()), 2))
    pts[:, 0] = np.clip(pts[:, 0], LAT0, LAT1 - 1e-6)
    pts[:, 1] = np.clip(pts[:, 1], LON0, LON1 - 1e-6)
    return pts


def generate(
    seed: int, n_requests: int, n_volunteers: int
) -> tuple[list[Request], list[Volunteer]]:
    """A seeded instance with French-like geography and realistic spreads."""
    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(43, 50, 30), rng.uniform(-3, 7, 30)])
    family_p = rng.dirichlet(np.full(len(FAMILIES), 2.0))
    volunteers = []
    for j, (lat, lon) in enumerate(_points(rng, n_volunteers, towns)):
        row, col = _cell(lat, lon)
        zones = _zones(lat, lon)
        roll = rng.random()
        if roll < 0.50:
            territories = {z for z in zones if z[0] == "departement"}
        elif roll < 0.75:
            d_row, d_col = (row, col + 1) if rng.random() < 0.5 else (row + 1, col)
            territories = {z for z in zones if z[0] == "departement"}
            territories.add(("departement", f"{d_row}-{d_col}"))
        elif roll < 0.93:
            territories = {z for z in zones if z[0] == "region"}
        else:
            territories = {("france", "FR")}
        capacity = int(rng.integers(1, 4))
        volunteers.append(
            Volunteer(
                id=f"v{j}",
                kind=KIND_MENTOR if rng.random() < 0.6 else KIND_SPONSOR,
                sector_families=frozenset(
                    rng.choice(FAMILIES, size=int(rng.integers(1, 3)), replace=False, p=family_p)
                ),
                territories=frozenset(territories),
                latitude=float(lat),
                longitude=float(lon),
                capacity=capacity,
                current_load=int(rng.binomial(capacity, 0.25)),
                experience_years=float(np.round(rng.exponential(8.0), 1)),
                topics=frozenset(
                    rng.choice(TOPICS, size=int(rng.integers(1, 4)), replace=False).tolist()
                ),
            )
        )
    requests = []
    arrivals = rng.permutation(n_requests)
    for i, (lat, lon) in enumerate(_points(rng, n_requests, towns)):
        requests.append(
            Request(
                id=f"r{i}",
                kind=KIND_MENTOR if rng.random() < 0.5 else KIND_SPONSOR,
                sector_family=str(rng.choice(FAMILIES, p=family_p)),
                latitude=float(lat),
                longitude=float(lon),
                zones=_zones(lat, lon),
                topic=str(rng.choice(TOPICS)) if rng.random() < 0.7 else None,
                arrival=float(arrivals[i]),
            )
        )
    return requests, volunteers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--volunteers", type=int, default=5000)
    parser.add_argument("--check-full", action="store_true")
    parser.add_argument(
        "--dense",
        action="store_true",
        help="worst case: every volunteer a mentor covering all France, no topics",
    )
    args = parser.parse_args()

    times: list[float] = []
    ratios: list[float] = []
    proven = 0
    unassigned: list[int] = []
    greedy_short: list[int] = []
    for seed in range(args.runs):
        requests, volunteers = generate(seed, args.requests, args.volunteers)
        if args.dense:
            volunteers = [
                dataclasses.replace(v, kind=KIND_MENTOR, territories=frozenset({("france", "FR")}))
                for v in volunteers
            ]
            requests = [dataclasses.replace(r, kind=KIND_MENTOR, topic=None) for r in requests]
        started = time.perf_counter()
        result = assign(requests, volunteers)
        times.append(time.perf_counter() - started)
        proven += result.proven_optimal
        unassigned.append(len(result.unassigned))
        greedy_short.append(result.stats["greedy_unassigned_extra"])
        if result.greedy.cost_ratio is not None:
            ratios.append(result.greedy.cost_ratio)
        check = ""
        if args.check_full:
            full = assign(requests, volunteers, k=args.volunteers)
            assert len(full.pairings) == len(result.pairings)
            assert abs(full.total_cost - result.total_cost) < 1e-6, (full, result)
            check = f", full solve agrees ({full.solve_seconds:.2f} s)"
        reasons: dict[str, int] = {}
        for u in result.unassigned:
            reasons[u.reason] = reasons.get(u.reason, 0) + 1
        print(
            f"seed {seed}: {times[-1]:.3f} s, {len(result.pairings)} pairings, "
            f"unassigned {reasons or 0}, cost {result.total_cost:.2f}, "
            f"greedy {result.greedy.total_cost:.2f} ({result.greedy.assigned} assigned), "
            f"stats {dict(result.stats)}{check}",
            file=sys.stderr,
        )
    print(
        json.dumps(
            {
                "requests": args.requests,
                "volunteers": args.volunteers,
                "dense": args.dense,
                "runs": args.runs,
                "solve_p50_s": round(statistics.median(times), 4),
                "solve_max_s": round(max(times), 4),
                "proven_optimal_runs": proven,
                "unassigned_mean": round(statistics.fmean(unassigned), 1),
                "greedy_cost_ratio": round(statistics.fmean(ratios), 4) if ratios else None,
                "greedy_fewer_assigned_mean": round(statistics.fmean(greedy_short), 2),
                "goal_solve_s": GOAL_SOLVE_S,
            }
        )
    )


if __name__ == "__main__":
    main()
