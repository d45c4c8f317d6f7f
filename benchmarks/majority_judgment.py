"""Benchmark the majority-judgment tally at national-congress scale.

Builds 10,000 ballots × 50 proposals of random grades (seeded; each proposal has its own skewed
grade distribution and its own share of ungraded ballots), then times, over repeated runs:

- the tally from the grades of every ballot (``tally_grades``: counting 500,000 cells, then
  ranking), the figure compared with the goal of well under one second;
- the ranking alone from merit profiles (``tally_profiles``, what a database aggregate feeds);
- the same under the "ignore missing grades" rule (ranking on shares, common-multiple sizes);
- the recomputation from the anonymous CSV export (parse + validate + tally).

Pure: no Django settings needed. Run from the repository root:

    python benchmarks/majority_judgment.py [--runs 20] [--voters 10000] [--proposals 50]

Progress goes to stderr; the last line of stdout is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from maillage.democracy.grades import SCALE
from maillage.democracy.majority_judgment import (
    MissingGradeRule,
    Tally,
    tally_ballot_export,
    tally_grades,
    tally_profiles,
)

GOAL_TALLY_MS = 1000


def build(voters: int, proposals: int, seed: int) -> dict[str, list[int | None]]:
    """Random grades per proposal: a skewed distribution around a proposal-specific mode."""
    rng = random.Random(seed)
    grades: dict[str, list[int | None]] = {}
    for i in range(proposals):
        mode = rng.randrange(7)
        spread = rng.uniform(0.6, 2.5)
        weights = [2.0 ** (-abs(g - mode) / spread) for g in range(7)]
        values: list[int | None] = list(rng.choices(range(7), weights, k=voters))
        for v in rng.sample(range(voters), int(voters * rng.uniform(0.0, 0.15))):
            values[v] = None
        grades[f"proposition-{i + 1:03d}"] = values
    return grades


def export_csv(grades: dict[str, list[int | None]], voters: int) -> str:
    """The anonymous ballot export of these grades."""
    keys: dict[int | None, str] = {None: "", **{int(g): g.key for g in SCALE}}
    names = list(grades)
    out = io.StringIO()
    out.write(",".join(["receipt", *names]) + "\r\n")
    for v in range(voters):
        cells = [keys[grades[p][v]] for p in names]
        out.write(f"R{v:06d}," + ",".join(cells) + "\r\n")
    return out.getvalue()


def timed(
    label: str, runs: int, action: Callable[[], Tally[str]]
) -> tuple[list[float], Tally[str]]:
    """Run ``action`` ``runs`` times; return the durations in ms and the last result."""
    durations = []
    result = action()  # warm-up, not timed
    for run in range(1, runs + 1):
        start = time.perf_counter()
        result = action()
        durations.append((time.perf_counter() - start) * 1000)
        print(f"  {label}: run {run}/{runs} {durations[-1]:.1f} ms", file=sys.stderr)
    return durations, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print(f"building {args.voters} ballots × {args.proposals} proposals…", file=sys.stderr)
    grades = build(args.voters, args.proposals, args.seed)
    profiles = {
        p: [sum(1 for g in values if g == grade) for grade in range(7)]
        for p, values in grades.items()
    }
    text = export_csv(grades, args.voters)
    print(f"export: {len(text) / 1e6:.1f} MB", file=sys.stderr)

    tally_ms, tally = timed("tally from ballots", args.runs, lambda: tally_grades(grades))
    ranking_ms, ranked = timed(
        "ranking from profiles",
        args.runs,
        lambda: tally_profiles(profiles, ballots=args.voters),
    )
    ignore_ms, _ = timed(
        "ranking, missing ignored",
        args.runs,
        lambda: tally_profiles(profiles, missing_grades=MissingGradeRule.IGNORE),
    )
    csv_ms, recomputed = timed(
        "CSV recompute",
        max(3, args.runs // 4),
        lambda: tally_ballot_export(io.StringIO(text, newline="")),
    )
    assert ranked.order == tally.order == recomputed.order, "entry points disagree"
    top = tally.ranking[0]
    print(
        f"winner {top.proposal} ({top.gauge.label if top.gauge else '—'}); "
        f"{len(tally.groups)} distinct ranks",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "voters": args.voters,
                "proposals": args.proposals,
                "runs": args.runs,
                "tally_p50_ms": round(statistics.median(tally_ms), 2),
                "tally_max_ms": round(max(tally_ms), 2),
                "ranking_from_profiles_p50_ms": round(statistics.median(ranking_ms), 3),
                "ranking_ignore_missing_p50_ms": round(statistics.median(ignore_ms), 3),
                "csv_recompute_ms": round(statistics.median(csv_ms), 1),
                "csv_bytes": len(text),
                "goal_tally_ms": GOAL_TALLY_MS,
                "within_goal": max(tally_ms) < GOAL_TALLY_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
