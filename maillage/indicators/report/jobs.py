"""Jobs toward 100,000: cooperative jobs and cooperatives by year, territory and sector.

The congress's horizon (« Vers le cap 100 000 ? ») is the movement's target of 100,000
cooperative jobs and 5,000 cooperatives. This module counts, for each year, the member
cooperatives at the end of the year (joined on or before 31 December, not left by then) and
their jobs, by région and by NAF section, and puts them through the secrecy rules:

* jobs are a magnitude table (at least three cooperatives with jobs, none above 85 % of the
  cell); cooperatives a frequency table (at least three);
* each year is a one-dimensional table per breakdown with its total, protected by
  :func:`~maillage.indicators.disclosure.protect_1d`; the two breakdowns of a year share the
  total, so a total hidden in one is hidden in the other;
* **differences between years**: publishing a cell for two years publishes their difference,
  i.e. the jobs of the cooperatives that joined or left (or changed) in between. When that
  difference comes from fewer than three cooperatives (or one dominates it), the later cell is
  hidden (reason ``evolution``) and the next year is compared with the last published one. The
  tables are protected again with those cells forced hidden until nothing changes.

Jobs of a year are the cooperative's average headcount from its validated campaign form of that
year when there is one, otherwise its headcount in the directory — the directory keeps only the
current headcount, so earlier years carry today's headcount of the cooperatives then members.
Members without a membership date are counted in the current year only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from maillage.indicators.disclosure import (
    TOTAL,
    CellInput,
    ProtectedTable,
    Reason,
    SecrecyRules,
    TableKind,
    primary_reasons,
    protect_1d,
)

__all__ = ["TARGET_COOPERATIVES", "TARGET_JOBS", "MemberRecord", "build_jobs"]

TARGET_JOBS: Final = 100_000
TARGET_COOPERATIVES: Final = 5_000
TARGET_SOURCE: Final = (
    "Objectif du mouvement : 100 000 emplois coopératifs et 5 000 coopératives (congrès régional "
    "du 20 novembre 2025, atelier « Développer l'emploi coopératif — Vers le cap 100 000 ? »)."
)
DIMENSIONS: Final = ("region", "secteur")


@dataclass(frozen=True)
class MemberRecord:
    """A cooperative of the movement: where it is, its directory headcount, the years it joined
    and left its union (``None``: unknown / still a member), and its campaign headcounts."""

    coop: Hashable
    region: str
    sector: str
    headcount: float | None
    joined: int | None
    left: int | None
    campaign_headcounts: Mapping[int, float] = field(default_factory=dict)

    def member_at_end_of(self, year: int, current_year: int) -> bool:
        if self.joined is None:
            return year == current_year
        return self.joined <= year and (self.left is None or self.left > year)

    def jobs(self, year: int) -> float:
        return float(self.campaign_headcounts.get(year, self.headcount or 0))

    def key(self, dimension: str) -> str:
        return self.region if dimension == "region" else self.sector


Cells = dict[str, dict[Hashable, float]]  # category → cooperative → value


def _cells(
    records: Sequence[MemberRecord], year: int, current_year: int, dimension: str, kind: str
) -> Cells:
    out: Cells = defaultdict(dict)
    for r in records:
        if r.member_at_end_of(year, current_year):
            out[r.key(dimension)][r.coop] = r.jobs(year) if kind == "jobs" else 1.0
    return dict(out)


def _protect(
    cells: Cells, kind: TableKind, rules: SecrecyRules, forced: set[Any]
) -> ProtectedTable[Any]:
    inputs = {k: CellInput(tuple(v.items())) for k, v in sorted(cells.items())}
    return protect_1d(inputs, kind=kind, rules=rules, forced=forced)


def _flow_reveals(
    before: Mapping[Hashable, float], after: Mapping[Hashable, float], kind: TableKind, rules: Any
) -> bool:
    flow = tuple(
        (c, abs(after.get(c, 0.0) - before.get(c, 0.0)))
        for c in set(before) | set(after)
        if after.get(c, 0.0) != before.get(c, 0.0)
    )
    return bool(flow) and bool(primary_reasons(CellInput(flow), kind, rules))


def _series(
    records: Sequence[MemberRecord],
    years: Sequence[int],
    current_year: int,
    measure: str,
    rules: SecrecyRules,
) -> tuple[dict[tuple[str, int], Cells], dict[tuple[str, int], ProtectedTable[Any]]]:
    kind = TableKind.MAGNITUDE if measure == "jobs" else TableKind.FREQUENCY
    cells = {
        (d, y): _cells(records, y, current_year, d, measure) for d in DIMENSIONS for y in years
    }
    totals = {
        k: {c: v for cell in table_cells.values() for c, v in cell.items()}
        for k, table_cells in cells.items()
    }
    reveals: dict[tuple[str, Any, int, int], bool] = {}

    def value_of(d: str, y: int, key: Any) -> Mapping[Hashable, float]:
        return totals[(d, y)] if key is TOTAL else cells[(d, y)].get(key, {})

    forced: dict[tuple[str, int], set[Any]] = defaultdict(set)
    tables: dict[tuple[str, int], ProtectedTable[Any]] = {}
    done: dict[tuple[str, int], frozenset[Any]] = {}
    while True:  # forced sets only grow and are bounded by the cells: this ends
        for k, c in cells.items():
            if k not in tables or done[k] != frozenset(forced[k]):  # only what changed
                tables[k] = _protect(c, kind, rules, forced[k])
                done[k] = frozenset(forced[k])
        changed = False
        for y in years:
            if any(tables[(d, y)].cells[TOTAL].suppressed for d in DIMENSIONS):
                for d in DIMENSIONS:
                    if not tables[(d, y)].cells[TOTAL].suppressed:
                        forced[(d, y)].add(TOTAL)
                        changed = True
        for d in DIMENSIONS:
            keys = {k for y in years for k in cells[(d, y)]} | {TOTAL}
            for key in keys:
                last: int | None = None
                for y in years:
                    decision = tables[(d, y)].cells.get(key)
                    if decision is not None and decision.suppressed:
                        continue
                    if last is not None and decision is not None:
                        memo = (d, key, last, y)  # cells never change between rounds
                        if memo not in reveals:
                            reveals[memo] = _flow_reveals(
                                value_of(d, last, key), value_of(d, y, key), kind, rules
                            )
                        if reveals[memo]:
                            forced[(d, y)].add(key)
                            changed = True
                            continue
                    last = y
        if not changed:
            break
    return cells, tables


def _row(key: Any, label: str, decision: Any, rules: SecrecyRules, n: int) -> dict[str, Any]:
    if decision.published:
        return {"key": key, "label": label, "published": True, "value": decision.value, "n": n}
    reasons = [r for r in decision.reasons if r is not Reason.SECONDARY] or [Reason.SECONDARY]
    return {
        "key": key,
        "label": label,
        "published": False,
        "reasons": [str(r) for r in reasons],
        "message": " ".join(rules.message(r) for r in reasons),
    }


def build_jobs(
    records: Sequence[MemberRecord],
    *,
    years: Sequence[int],
    current_year: int,
    labels: Mapping[str, Mapping[str, str]],
    rules: SecrecyRules | None = None,
) -> dict[str, Any]:
    """Series and breakdowns of jobs and cooperatives, every figure through the secrecy rules."""
    rules = rules or SecrecyRules()
    years = sorted(years)
    results = {m: _series(records, years, current_year, m, rules) for m in ("jobs", "coops")}
    series = []
    breakdowns: dict[str, dict[str, Any]] = {}
    for y in years:
        point: dict[str, Any] = {"year": y}
        year_out: dict[str, Any] = {}
        for measure, (cells, tables) in results.items():
            total = tables[("region", y)].cells[TOTAL]
            point[measure] = _row("total", "Ensemble", total, rules, 0)
            for d in DIMENSIONS:
                table = tables[(d, y)]
                rows = [
                    _row(k, labels[d].get(k, k), table.cells[k], rules, len(cells[(d, y)][k]))
                    for k in sorted(cells[(d, y)], key=lambda k: labels[d].get(k, k))
                ]
                year_out.setdefault(d, {})[measure] = rows
        series.append(point)
        breakdowns[str(y)] = year_out
    latest = next(
        (
            p
            for p in reversed(series)
            if p["jobs"]["published"] and p["coops"]["published"] and p["coops"]["value"]
        ),
        None,
    )
    progress = None
    if latest is not None:
        progress = {
            "year": latest["year"],
            "jobs": latest["jobs"]["value"],
            "coops": latest["coops"]["value"],
            "jobs_pct": latest["jobs"]["value"] / TARGET_JOBS * 100,
            "coops_pct": latest["coops"]["value"] / TARGET_COOPERATIVES * 100,
        }
    return {
        "years": years,
        "series": series,
        "breakdowns": breakdowns,
        "targets": {"jobs": TARGET_JOBS, "coops": TARGET_COOPERATIVES, "source": TARGET_SOURCE},
        "progress": progress,
        "rules": {
            "min_contributors": rules.min_contributors,
            "dominance_pct": rules.dominance_share * 100,
        },
    }
