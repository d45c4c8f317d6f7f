"""Benchmark: free LEXIMIN (HiGHS) against the package's MAXIMIN and LEGACY algorithms.

Two generated pools shaped like self-selected volunteer pools (see
``maillage.sortition.synthetic``): small = 300 volunteers / panel of 30 / 6 features, large =
1,000 / 75 / 5, both with cooperatives as exclusive households. For each algorithm it prints the
minimum, median and Gini coefficient of the selection probabilities and the time taken; LEGACY
probabilities are estimated over ``--legacy-draws`` panels. Progress goes to stderr; the last
line of stdout is one JSON object whose keys end with their unit.

Reference times (Flanigan et al., Nature 2021, Gurobi): LEXIMIN 20 s on 312/35/6 and 434 s on
825/75/4. Goals here: small under 60 s, large under 600 s.

    .venv/bin/python benchmarks/sortition.py --instance small --legacy-draws 10000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from maillage.sortition.baseline import legacy_marginals, package_maximin
from maillage.sortition.leximin import find_leximin, lexicographic_compare
from maillage.sortition.lottery import round_to_lottery
from maillage.sortition.problem import SortitionProblem, marginals
from maillage.sortition.quotas import diagnose
from maillage.sortition.record import versions
from maillage.sortition.synthetic import generate_problem

INSTANCES = {"small": (300, 30, 6), "large": (1000, 75, 5)}
GOALS_S = {"small": 60, "large": 600}


def log(message: str) -> None:
    """Progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of the selection probabilities (0 = everyone equal)."""
    x = np.sort(values)
    n = len(x)
    if x.sum() == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def stats(prefix: str, probabilities: dict[str, float], seconds: Timing) -> dict[str, float]:
    """Minimum, median, Gini, wall and CPU time and machine load, with unit-suffixed keys."""
    v = np.array(list(probabilities.values()))
    log(
        f"  {prefix}: min {v.min():.5f}  median {np.median(v):.5f}  "
        f"gini {gini(v):.4f}  time {seconds.wall:.1f}s (CPU {seconds.cpu:.1f}s, "
        f"load {seconds.load:.1f})"
    )
    return {
        f"{prefix}_s": round(seconds.wall, 2),
        f"{prefix}_cpu_s": round(seconds.cpu, 2),
        f"{prefix}_load_ratio": round(seconds.load, 2),
        f"{prefix}_min_prob": float(v.min()),
        f"{prefix}_median_prob": float(np.median(v)),
        f"{prefix}_gini_ratio": round(gini(v), 6),
    }


T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds, and the 1-minute load average at the end.

    The benchmark machine may be shared: wall time then grows with the load, CPU time much less.
    """

    wall: float
    cpu: float
    load: float


def timed(fn: Callable[[], T]) -> tuple[T, Timing]:
    """Result and its timing."""
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, Timing(
        time.perf_counter() - started, time.process_time() - cpu, os.getloadavg()[0]
    )


def run_instance(name: str, legacy_draws: int, seed: int, skip: set[str]) -> dict[str, object]:
    """All algorithms on one instance; returns the figures for the JSON line."""
    pool, panel, features = INSTANCES[name]
    problem: SortitionProblem = generate_problem(
        pool_size=pool, panel_size=panel, n_features=features, seed=seed
    )
    log(f"{name}: pool {pool}, panel {panel}, {features} features, {len(problem.quotas)} quotas")
    diagnosis = diagnose(problem)
    if not diagnosis.feasible:
        raise SystemExit("\n".join(diagnosis.messages()))
    out: dict[str, object] = {}

    leximin, seconds = timed(
        lambda: find_leximin(problem, seed=seed, progress=lambda m: log(f"  leximin {m}"))
    )
    out.update(stats(f"{name}_leximin", leximin.probabilities, seconds))
    out[f"{name}_leximin_stages_count"] = len(leximin.stages)
    out[f"{name}_leximin_panels_count"] = len(leximin.panels)
    out[f"{name}_leximin_maximin_gap_prob"] = leximin.maximin_gap
    out[f"{name}_leximin_max_deviation_prob"] = leximin.max_deviation

    lottery, seconds = timed(lambda: round_to_lottery(problem, leximin.panels, leximin.weights))
    log(
        f"  lottery of 1000: max deviation {lottery.max_deviation:.5f} "
        f"(systematic {lottery.systematic_max_deviation:.5f}), {seconds.wall:.1f}s"
    )
    out[f"{name}_lottery_max_deviation_prob"] = lottery.max_deviation
    out[f"{name}_lottery_s"] = round(seconds.wall, 2)
    out[f"{name}_lottery_cpu_s"] = round(seconds.cpu, 2)

    if "maximin" not in skip:
        distribution, seconds = timed(lambda: package_maximin(problem, seed=seed))
        maximin = marginals(problem, *distribution)
        out.update(stats(f"{name}_maximin", maximin, seconds))
        lex = leximin.probabilities
        out[f"{name}_leximin_minus_maximin_min_prob"] = min(lex.values()) - min(maximin.values())
        out[f"{name}_leximin_vs_maximin_lexicographic"] = lexicographic_compare(
            lex.values(), maximin.values()
        )

    if "legacy" not in skip and legacy_draws > 0:
        step = max(1, legacy_draws // 10)

        def tick(done: int) -> None:
            if done % step == 0:
                log(f"  legacy {done}/{legacy_draws} draws")

        estimate, seconds = timed(
            lambda: legacy_marginals(problem, draws=legacy_draws, seed=seed, progress=tick)
        )
        legacy, failures = estimate
        out.update(stats(f"{name}_legacy", legacy, seconds))
        out[f"{name}_legacy_draws_count"] = legacy_draws
        out[f"{name}_legacy_failed_attempts_count"] = failures
    out[f"goal_{name}_s"] = GOALS_S[name]
    return out


def main() -> None:
    """Parse options, run, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", choices=["small", "large", "both"], default="both")
    parser.add_argument("--legacy-draws", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--skip", action="append", default=[], choices=["maximin", "legacy"], help="repeatable"
    )
    args = parser.parse_args()
    names = ["small", "large"] if args.instance == "both" else [args.instance]
    figures: dict[str, object] = {}
    for name in names:
        figures.update(run_instance(name, args.legacy_draws, args.seed, set(args.skip)))
    figures["versions"] = versions()
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
