"""Statistical secrecy of pooled amounts shown by year, on top of maillage.indicators.disclosure.

The pages let a reader pick a year and a breakdown (région, sector…), so what they can collect
over several visits is, for each breakdown, a two-dimensional table *breakdown × year* with its
margins: the all-years figure of each row, the yearly totals, the grand total. Each such table is
protected as a whole with :func:`~maillage.indicators.disclosure.protect_2d` (primary rules,
secondary suppression, LP audit), so that no hidden cell can be recomputed from the same row in
other years.

Breakdowns share their margins (the yearly totals and the grand total are the same whatever the
breakdown): a margin is published only when every table publishes it. Hiding more than a
protection asked for never makes a table unsafe — the reader sees a subset of what it allowed.

A cell may have several kinds of contributors — a purchase tells what its buyer spent and what
its supplier sold — and each kind is protected on its own (``keyings``): a cell is published only
when every protection publishes it.

Limit: nested territories (départements inside régions) are not protected together; the pages
show the public région figures only and keep départements for union staff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from maillage.indicators.disclosure import (
    TOTAL,
    CellInput,
    SecrecyRules,
    TableKind,
    protect_2d,
)

Key = tuple[Hashable, Hashable]  # (row or TOTAL, year or TOTAL)


@dataclass(frozen=True)
class Entry:
    """An amount in one row of one table, one year, with its contributors (one per keying)."""

    table: str
    row: Hashable
    year: int
    contributors: tuple[Hashable, ...]
    amount: float


@dataclass(frozen=True)
class CellOutcome:
    published: bool
    messages: tuple[str, ...] = ()


def _order(values: Iterable[Hashable]) -> list[Hashable]:
    return sorted(set(values), key=str)


def protect_by_year(
    entries: Sequence[Entry], *, keyings: int, rules: SecrecyRules | None = None
) -> dict[str, dict[Key, CellOutcome]]:
    """For each table, every cell ``(row, year)`` and margin — ``(row, TOTAL)``,
    ``(TOTAL, year)``, ``(TOTAL, TOTAL)`` — published or hidden with the reasons."""
    by_table: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_table[entry.table].append(entry)
    years = _order(e.year for e in entries)
    out: dict[str, dict[Key, CellOutcome]] = {}
    for name, items in by_table.items():
        rows = _order(e.row for e in items)
        decisions: dict[Key, list[tuple[bool, tuple[str, ...]]]] = defaultdict(list)
        safe = True
        for k in range(keyings):
            contributions: dict[Key, list[tuple[Hashable, float]]] = defaultdict(list)
            for e in items:
                contributions[(e.row, e.year)].append(((k, e.contributors[k]), e.amount))
            cells = {key: CellInput(contributions=tuple(v)) for key, v in contributions.items()}
            protected = protect_2d(
                cells, rows=rows, cols=years, kind=TableKind.MAGNITUDE, rules=rules
            )
            safe = safe and protected.safe
            for key, decision in protected.cells.items():
                decisions[key].append((decision.published, decision.messages))  # type: ignore[index]
        unsafe = ("Secret statistique : tableau non publiable.",)
        out[name] = {
            key: CellOutcome(
                published=safe and all(p for p, _m in parts),
                messages=tuple(dict.fromkeys(m for _p, ms in parts for m in ms))
                or (() if safe else unsafe),
            )
            for key, parts in decisions.items()
        }
    # Shared margins: published only where every table publishes them.
    margins: list[Key] = [(TOTAL, y) for y in years]
    margins.append((TOTAL, TOTAL))
    for key in margins:
        outcomes = [decided[key] for decided in out.values() if key in decided]
        if outcomes and not all(o.published for o in outcomes):
            messages = tuple(dict.fromkeys(m for o in outcomes for m in o.messages)) or (
                "Secret statistique : masqué pour qu'une autre case ne puisse pas être "
                "recalculée à partir des totaux.",
            )
            for decided in out.values():
                if key in decided:
                    decided[key] = CellOutcome(False, messages)
    return out
