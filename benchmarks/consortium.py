"""Benchmark: consortium optimisation for a 10-lot tender with 500 candidate cooperatives.

Generates seeded tenders (each candidate serves 1 to 3 lots, some lots are rare specialities,
scores skewed towards good matches, distances log-normal around 40 km), solves each exactly with
the three best consortia under two weightings, and compares with the greedy answer. Times are
for the whole call (model, k solves, greedy, explanations); ``best_only`` is k = 1. Progress on
stderr; the last line of stdout is one JSON object.

    .venv/bin/python benchmarks/consortium.py [--runs 20] [--lots 10] [--candidates 500] [--k 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import numpy as np

from maillage.exchange.consortium import Candidate, Lot, Weights, propose_consortia

GOAL_SOLVE_S = 2.0


def generate(seed: int, n_lots: int, n_candidates: int) -> tuple[list[Lot], list[Candidate]]:
    """A realistic tender: a few rare lots, most candidates single-trade, local firms closer."""
    rng = np.random.default_rng(seed)
    lots = [Lot(id=str(i + 1), required=bool(rng.random() > 0.15)) for i in range(n_lots)]
    popularity = rng.gamma(1.5, 1.0, n_lots)
    popularity /= popularity.sum()
    candidates = []
    for c in range(n_candidates):
        n_served = int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15]))
        served = rng.choice(n_lots, size=n_served, replace=False, p=popularity)
        scores = {lots[i].id: float(np.clip(rng.beta(5, 2), 0.05, 1.0)) for i in served}
        distance = float(np.clip(rng.lognormal(np.log(40), 0.9), 1, 800))
        capacity = int(rng.integers(1, n_served + 1))
        candidates.append(
            Candidate(id=f"c{c}", scores=scores, distance_km=round(distance, 1), capacity=capacity)
        )
    return lots, candidates


SCENARIOS = {
    # The module's defaults: quality first, members cheap.
    "default": Weights(),
    # A buyer or a union that wants few partners and local ones: greedy suffers more here.
    "few_members": Weights(member=0.5, distance_per_100km=0.5),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="seeded tenders per scenario")
    parser.add_argument("--lots", type=int, default=10)
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()

    times: list[float] = []
    first: list[float] = []
    gaps: dict[str, list[float]] = {name: [] for name in SCENARIOS}
    proven = 0
    greedy_failed = 0
    for name, weights in SCENARIOS.items():
        for seed in range(args.runs):
            lots, candidates = generate(seed, args.lots, args.candidates)
            started = time.perf_counter()
            best_only = propose_consortia(lots, candidates, weights=weights, k=1)
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            proposal = propose_consortia(lots, candidates, weights=weights, k=args.k)
            times.append(time.perf_counter() - started)
            best = proposal.best
            assert best is not None and best_only.best is not None
            assert abs(best.objective - best_only.best.objective) < 1e-6
            proven += all(c.proven_optimal for c in proposal.consortia)
            if proposal.greedy_gap_pct is None:
                greedy_failed += 1
            else:
                gaps[name].append(proposal.greedy_gap_pct)
            gap = proposal.greedy_gap_pct
            print(
                f"{name} seed {seed:2d}: {times[-1]:.3f} s for {len(proposal.consortia)} "
                f"consortia (best alone {first[-1]:.3f} s; {proposal.stats['pairs']} pairs, "
                f"{proposal.stats['dominated']} candidates dominated), best "
                f"{best.objective:.3f} with {len(best.members)} members, greedy gap "
                f"{'stuck' if gap is None else f'{gap:.2f} %'}",
                file=sys.stderr,
            )

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 2) if values else None

    print(
        json.dumps(
            {
                "lots": args.lots,
                "candidates": args.candidates,
                "runs": len(times),
                "k": args.k,
                "solve_p50_s": round(statistics.median(times), 4),
                "solve_max_s": round(max(times), 4),
                "best_only_p50_s": round(statistics.median(first), 4),
                "best_only_max_s": round(max(first), 4),
                "proven_optimal_runs": proven,
                "greedy_gap_mean_pct": mean(gaps["default"]),
                "greedy_gap_mean_pct_few_members": mean(gaps["few_members"]),
                "greedy_gap_max_pct": round(max(g for v in gaps.values() for g in v), 2),
                "greedy_failed_runs": greedy_failed,
                "goal_solve_s": GOAL_SOLVE_S,
            }
        )
    )


if __name__ == "__main__":
    main()
