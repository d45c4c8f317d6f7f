"""Statistical secrecy of pooled figures: primary rules, secondary suppression, LP audit.

Nothing pooled over cooperatives is shown before this module has decided, cell by cell, whether
it may be published. A *cell* is one pooled figure (a territory × sector × size band…) fed as the
plain list of its contributions ``(cooperative_id, value)``; a *table* is a set of cells and, if
published, its totals. The method follows the Eurostat/ESSnet *Handbook on Statistical Disclosure
Control* (Hundepool et al., version 1.2, 2010, ch. 4 « Magnitude tabular data » and ch. 5
« Frequency tables »; also Hundepool et al., *Statistical Disclosure Control*, Wiley, 2012) and
the τ-ARGUS manual (CBS Statistics Netherlands).

Primary rules (a cell failing one is *primary* suppressed):

* **frequency** — fewer than ``min_contributors`` (3) cooperatives contribute a non-zero value
  (for survey tables: take part). With one or two contributors, each one learns the other's
  figure or the reader learns a single cooperative's.
* **dominance** (magnitude tables: headcount, jobs, hours…) — the largest contributor's share of
  the cell exceeds ``dominance_share`` (85 %): the (n = 1, k = 85) dominance rule.
* **respondents** (survey tables: WHO-5, COPSOQ…) — fewer than ``min_respondents`` (5) people
  answered.

Margins (row, column and grand totals) are cells too: they get the same primary rules, from the
union of their contributions.

Secondary suppression. Published totals let a reader recompute a hidden cell by difference, so
more cells are hidden until no hidden cell can be recomputed. Tables are seen as cells linked by
linear relations (each line of the table sums to its total); hiding a set of cells leaves the
reader with a system of equations and non-negativity constraints whose solutions bound each
hidden cell. The method is the *hypercube* idea of τ-ARGUS (Repsilber's GHMITER): every primary
cell is placed in a *protecting pattern* of hidden cells along which values can shift without
changing any published figure — a pair of cells in the same line for a one-dimensional table with
its total, a rectangle (2 rows × 2 columns, margins included) for a two-dimensional table. A
pattern whose cells all have positive values lets the primary cell move up and down by amounts
computed directly from those values; among the patterns giving at least the required protection
(``protection_ratio``, 10 % of the cell value each way), the one hiding the least value is
chosen. Consequently every line containing a hidden cell contains at least two.

Audit. Patterns are sufficient, not necessary, and combinations of zeros can defeat them, so the
result is then *audited* by linear programming (scipy's HiGHS): for every hidden cell, minimise
and maximise its value subject to the published cells, the published totals, the table's
additivity and non-negativity. A hidden primary cell must have ``low ≤ v(1 − p)`` and
``high ≥ v(1 + p)``; every hidden cell, primary or secondary, must have ``low < high`` (no exact
disclosure). Failing cells get another pattern; if no pattern can be added, the cheapest
remaining cell in one of the failing cell's lines is hidden; this repeats to a fixed point. If
even that cannot protect the table (a zero-valued primary cell with nothing to pair it with), the
table is marked unsafe and :meth:`ProtectedTable.published_values` refuses to give anything.

Limits, stated in docs/indicators.md: tables are protected one at a time (two tables sharing
cells — the same figures by région and by département — must be protected together, which this
module does not do yet); the intruder modelled is an outside reader (the dominance rule, not the
intervals, protects against a contributor subtracting its own value); values must be additive
and non-negative (protect means through their numerators: sums of scores and respondent counts).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Final, Generic, TypeVar

import numpy as np
from scipy.optimize import linprog

from maillage.indicators.formulas.base import Issue, issue

__all__ = [
    "REASON_MESSAGES",
    "TOTAL",
    "CellDecision",
    "CellInput",
    "DisclosureError",
    "Interval",
    "InvalidTableError",
    "ProtectedTable",
    "Reason",
    "SecrecyRules",
    "TableKind",
    "audit_intervals",
    "primary_reasons",
    "protect_1d",
    "protect_2d",
]


class TableKind(StrEnum):
    FREQUENCY = "frequence"  # counts of people (employees, associates…)
    MAGNITUDE = "grandeur"  # amounts: headcount, hours, turnover, capital…
    SURVEY = "enquete"  # additive survey figures (sum of scores, respondents…)


class Reason(StrEnum):
    FREQUENCY = "frequence"
    DOMINANCE = "dominance"
    RESPONDENTS = "repondants"
    SECONDARY = "secondaire"
    EVOLUTION = "evolution"  # forced by the caller: a difference between years would reveal it


REASON_MESSAGES: Final[Mapping[Reason, str]] = {
    Reason.FREQUENCY: "Secret statistique : moins de {min_contributors} coopératives.",
    Reason.DOMINANCE: (
        "Secret statistique : une coopérative représente plus de {dominance_pct} % du total."
    ),
    Reason.RESPONDENTS: "Secret statistique : moins de {min_respondents} répondants.",
    Reason.SECONDARY: (
        "Secret statistique : masqué pour qu'une autre case ne puisse pas être recalculée à "
        "partir des totaux."
    ),
    Reason.EVOLUTION: (
        "Secret statistique : masqué pour que l'écart avec l'année publiée précédente ne révèle "
        "pas les chiffres de moins de {min_contributors} coopératives."
    ),
}


@dataclass(frozen=True, slots=True)
class SecrecyRules:
    """Thresholds of the primary rules and the required protection of primary cells."""

    min_contributors: int = 3
    dominance_share: float = 0.85
    min_respondents: int = 5
    protection_ratio: float = 0.10

    def __post_init__(self) -> None:
        if self.min_contributors < 1 or self.min_respondents < 0:
            raise ValueError("thresholds must be positive")
        if not 0 < self.dominance_share <= 1 or not 0 <= self.protection_ratio <= 1:
            raise ValueError("dominance_share in (0, 1], protection_ratio in [0, 1]")

    def message(self, reason: Reason) -> str:
        return REASON_MESSAGES[reason].format(
            min_contributors=self.min_contributors,
            dominance_pct=f"{self.dominance_share * 100:g}",
            min_respondents=self.min_respondents,
        )


@dataclass(frozen=True, slots=True)
class CellInput:
    """One cell's raw material: contributions ``(cooperative_id, value)`` and, for survey
    tables, the number of respondents. A cooperative may appear several times (establishments);
    its values are added."""

    contributions: Sequence[tuple[Hashable, float]] = ()
    respondents: int | None = None


class _Total(Enum):
    TOTAL = "total"

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Final = _Total.TOTAL
"""Key of a margin: ``TOTAL`` in 1-D tables, ``(r, TOTAL)``, ``(TOTAL, c)``, ``(TOTAL, TOTAL)``."""

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class CellDecision(Generic[K]):
    """Whether a cell is shown: its value if published, ``None`` and the reasons otherwise."""

    key: K
    published: bool
    value: float | None
    reasons: tuple[Reason, ...] = ()
    messages: tuple[str, ...] = ()

    @property
    def suppressed(self) -> bool:
        return not self.published

    @property
    def primary(self) -> bool:
        return any(r is not Reason.SECONDARY for r in self.reasons)


@dataclass(frozen=True, slots=True)
class Interval:
    """Range of values a reader can deduce for a hidden cell from what is published."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


class InvalidTableError(ValueError):
    """The input table breaks a rule (negative value, unknown row…); ``issues`` says which."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = tuple(issues)


class DisclosureError(RuntimeError):
    """Raised instead of returning figures from a table the audit could not make safe."""


@dataclass(frozen=True)
class ProtectedTable(Generic[K]):
    """Decisions for every cell (margins included), the audit, and whether the table is safe.

    ``audit`` holds, for each hidden cell, the interval a reader can deduce; it is an internal
    quality record derived from the true values, not something to publish.
    """

    cells: Mapping[K, CellDecision[K]]
    safe: bool
    audit: Mapping[K, Interval] = field(default_factory=dict)
    unsafe_cells: tuple[K, ...] = ()

    def published_values(self) -> dict[K, float | None]:
        """Key → value (``None`` when hidden). Raises :class:`DisclosureError` if unsafe."""
        if not self.safe:
            raise DisclosureError(
                "le tableau ne peut pas être publié : l'audit de secret statistique a échoué "
                f"pour {len(self.unsafe_cells)} case(s)"
            )
        return {k: d.value for k, d in self.cells.items()}

    @property
    def suppressed_keys(self) -> tuple[K, ...]:
        return tuple(k for k, d in self.cells.items() if not d.published)


# --- primary rules ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Cell:
    per_coop: dict[Hashable, float]
    respondents: int | None
    present: set[Hashable]

    @property
    def value(self) -> float:
        return float(sum(self.per_coop.values()))

    @property
    def empty(self) -> bool:
        return not self.present


def _aggregate(cells: Sequence[CellInput]) -> _Cell:
    pairs = [pair for c in cells for pair in c.contributions]
    per_coop: dict[Hashable, float] = dict(pairs)
    if len(per_coop) != len(pairs):  # a cooperative listed more than once: add its values
        per_coop = defaultdict(float)
        for coop, v in pairs:
            per_coop[coop] += v
        per_coop = dict(per_coop)
    respondents: int | None = None
    for c in cells:
        if c.respondents is not None:
            respondents = (respondents or 0) + c.respondents
    return _Cell(per_coop, respondents, set(per_coop))


def _primary(cell: _Cell, kind: TableKind, rules: SecrecyRules) -> tuple[Reason, ...]:
    if cell.empty:
        return ()
    reasons: list[Reason] = []
    if kind is TableKind.SURVEY:
        contributors = len(cell.present)
    else:
        contributors = sum(1 for v in cell.per_coop.values() if v > 0)
    if contributors < rules.min_contributors:
        reasons.append(Reason.FREQUENCY)
    if kind is TableKind.MAGNITUDE:
        total = cell.value
        if total > 0 and max(cell.per_coop.values()) > rules.dominance_share * total:
            reasons.append(Reason.DOMINANCE)
    if kind is TableKind.SURVEY and (cell.respondents or 0) < rules.min_respondents:
        reasons.append(Reason.RESPONDENTS)
    return tuple(reasons)


def primary_reasons(
    cell: CellInput, kind: TableKind, rules: SecrecyRules | None = None
) -> tuple[Reason, ...]:
    """The primary rules one cell breaks (empty tuple: publishable on its own)."""
    _validate({"cell": cell}, kind)
    return _primary(_aggregate([cell]), kind, rules or SecrecyRules())


_NUMBER_TYPES: Final = frozenset({int, float})


def _plainly_valid(cell: CellInput) -> bool:
    """Fast path for large tables: every value an int or float, finite and non-negative."""
    values = [v for _coop, v in cell.contributions]
    if not set(map(type, values)) <= _NUMBER_TYPES:
        return False
    array = np.fromiter(values, dtype=float, count=len(values))
    return bool(np.isfinite(array).all() and (array >= 0).all())


def _validate(cells: Mapping[Any, CellInput], kind: TableKind) -> None:
    issues: list[Issue] = []
    for key, cell in cells.items():
        if _plainly_valid(cell) and (cell.respondents is None or cell.respondents >= 0):
            if kind is TableKind.SURVEY and cell.contributions and cell.respondents is None:
                issues.append(issue("manquant", f"cases[{key!r}].repondants"))
            continue
        name = f"cases[{key!r}]"
        for i, (_coop, v) in enumerate(cell.contributions):
            f = f"{name}.contributions[{i}]"
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise TypeError(f"{f}: expected a number, got {type(v).__name__}")
            if not math.isfinite(v):
                issues.append(issue("non_fini", f, value=v))
            elif v < 0:
                issues.append(issue("negatif", f, value=v))
        if cell.respondents is not None and cell.respondents < 0:
            issues.append(issue("negatif", f"{name}.repondants", value=cell.respondents))
        if kind is TableKind.SURVEY and cell.contributions and cell.respondents is None:
            issues.append(issue("manquant", f"{name}.repondants"))
    if issues:
        raise InvalidTableError(issues)


# --- linear-programming audit -----------------------------------------------------------------

Relation = Sequence[tuple[int, float]]


def audit_intervals(
    values: Sequence[float],
    suppressed: Sequence[bool],
    relations: Sequence[Relation],
    *,
    solver: str = "highs",
) -> dict[int, Interval]:
    """For each hidden cell, the min and max compatible with everything published.

    ``relations`` are the table's additivity constraints, each a list of ``(cell, coefficient)``
    whose weighted sum is zero (a line and its total: ``+1`` per cell, ``-1`` for the total).
    Variables are the hidden cells, bounded below by zero; published cells are constants.
    ``high`` is ``inf`` when nothing bounds the cell from above.

    ``solver="highs"`` keeps one HiGHS model (through highspy, the solver behind
    ``scipy.optimize.linprog``) and only changes its objective between the 2 × hidden-cell
    solves, several times faster than ``solver="scipy"``, which calls ``linprog`` afresh each
    time; both give the same intervals (the tests check it).
    """
    hidden = [i for i, s in enumerate(suppressed) if s]
    if not hidden:
        return {}
    col = {cell: k for k, cell in enumerate(hidden)}
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    for rel in relations:
        row = np.zeros(len(hidden))
        b = 0.0
        used = False
        for cell, coef in rel:
            if cell in col:
                row[col[cell]] += coef
                used = True
            else:
                b -= coef * values[cell]
        if used:
            rows.append(row)
            rhs.append(b)
    if not rows:
        return {i: Interval(0.0, math.inf) for i in hidden}
    a_eq, b_eq = np.vstack(rows), np.asarray(rhs)
    if solver == "highs":
        bounds = _bounds_highs(a_eq, b_eq)
    elif solver == "scipy":
        bounds = _bounds_scipy(a_eq, b_eq)
    else:
        raise ValueError(f"unknown solver {solver!r}")
    return {cell: Interval(max(0.0, lo), hi) for cell, (lo, hi) in zip(hidden, bounds, strict=True)}


def _bounds_scipy(a_eq: np.ndarray, b_eq: np.ndarray) -> list[tuple[float, float]]:
    n = a_eq.shape[1]
    out: list[tuple[float, float]] = []
    for k in range(n):
        c = np.zeros(n)
        c[k] = 1.0
        lo = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if lo.status != 0 or hi.status not in (0, 3):
            raise RuntimeError(f"audit LP failed: {lo.message} / {hi.message}")
        out.append((float(lo.fun), math.inf if hi.status == 3 else float(-hi.fun)))
    return out


def _bounds_highs(a_eq: np.ndarray, b_eq: np.ndarray) -> list[tuple[float, float]]:
    import highspy
    from scipy.sparse import csc_matrix

    n_rows, n = a_eq.shape
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, n_rows
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.full(n, highspy.kHighsInf)
    lp.row_lower_ = b_eq
    lp.row_upper_ = b_eq
    m = csc_matrix(a_eq)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = m.indptr
    lp.a_matrix_.index_ = m.indices
    lp.a_matrix_.value_ = m.data
    h.passModel(lp)
    index = np.arange(n, dtype=np.int32)
    unbounded = {
        highspy.HighsModelStatus.kUnbounded,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,  # the true values are feasible
    }
    out: list[tuple[float, float]] = []
    for k in range(n):
        ends: list[float] = []
        for sense in (1.0, -1.0):
            c = np.zeros(n)
            c[k] = sense
            h.changeColsCost(n, index, c)
            h.run()
            status = h.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                ends.append(sense * h.getInfo().objective_function_value)
            elif sense < 0 and status in unbounded:
                ends.append(math.inf)
            else:
                raise RuntimeError(f"audit LP failed: {h.modelStatusToString(status)}")
        out.append((ends[0], ends[1]))
    return out


# --- secondary suppression engine -------------------------------------------------------------

Pattern = tuple[tuple[int, ...], tuple[int, ...]]  # cells (target first), signs (+1/-1)


@dataclass
class _Engine:
    values: list[float]
    empty: list[bool]
    primary: list[bool]
    relations: list[list[tuple[int, float]]]
    patterns: Callable[[int], Iterable[Pattern]]
    is_margin: list[bool]
    rules: SecrecyRules
    suppressed: list[bool] = field(default_factory=list)
    tol: float = 0.0

    def __post_init__(self) -> None:
        self.suppressed = list(self.primary)
        scale = max([1.0, *(abs(v) for v in self.values)])
        # HiGHS solves these small LPs far more precisely than this; values are usually whole
        # numbers, so a genuine interval is never this narrow.
        self.tol = 1e-7 * scale

    def need(self, i: int) -> float:
        return self.rules.protection_ratio * self.values[i] if self.primary[i] else 0.0

    def usable(self, i: int) -> bool:
        return self.suppressed[i] or (not self.empty[i] and self.values[i] > 0)

    def room(self, pattern: Pattern) -> tuple[float, float]:
        cells, signs = pattern
        up = min(
            (self.values[c] for c, s in zip(cells, signs, strict=True) if s < 0), default=math.inf
        )
        down = min(self.values[c] for c, s in zip(cells, signs, strict=True) if s > 0)
        return up, down

    def sufficient(self, i: int, up: float, down: float) -> bool:
        need, v, tol = self.need(i), self.values[i], self.tol
        return up >= need - tol and down >= min(need, v) - tol and up + down > tol

    def protect(self, i: int, *, require_new: bool) -> bool:
        """Hide the cheapest pattern protecting cell ``i``; True if cells were added."""
        best: tuple[tuple[float, int, int], Pattern] | None = None
        fallback: tuple[tuple[float, float, int], Pattern] | None = None
        for pattern in self.patterns(i):
            cells = pattern[0]
            if not all(self.usable(c) for c in cells):
                continue
            new = [c for c in cells if not self.suppressed[c]]
            up, down = self.room(pattern)
            ok = self.sufficient(i, up, down)
            if not new:
                if ok and not require_new:
                    return False  # already protected by hidden cells
                continue
            cost = (sum(self.values[c] for c in new), len(new), sum(self.is_margin[c] for c in new))
            if ok:
                if best is None or cost < best[0]:
                    best = (cost, pattern)
            elif up + down > self.tol:
                score = (-min(up, down), cost[0], cost[1])
                if fallback is None or score < fallback[0]:
                    fallback = (score, pattern)
        chosen = best[1] if best else fallback[1] if fallback else None
        if chosen is None:
            return False
        for c in chosen[0]:
            self.suppressed[c] = True
        return True

    def audit_ok(self, i: int, interval: Interval) -> bool:
        v, need, tol = self.values[i], self.need(i), self.tol
        return (
            interval.high - interval.low > tol
            and interval.low <= v - need + tol
            and interval.high >= v + need - tol
        )

    def lines_of(self, i: int) -> Iterator[list[tuple[int, float]]]:
        return (rel for rel in self.relations if any(c == i for c, _ in rel))

    def run(self) -> tuple[bool, dict[int, Interval], list[int]]:
        order = sorted((i for i, p in enumerate(self.primary) if p), key=lambda i: -self.values[i])
        for i in order:
            self.protect(i, require_new=False)
        for _ in range(len(self.values) + 1):
            intervals = audit_intervals(self.values, self.suppressed, self.relations)
            failing = [i for i, iv in intervals.items() if not self.audit_ok(i, iv)]
            if not failing:
                return True, intervals, []
            progress = False
            for i in failing:
                progress |= self.protect(i, require_new=True)
            if progress:
                continue
            candidates = {
                c
                for i in failing
                for rel in self.lines_of(i)
                for c, _ in rel
                if not self.suppressed[c] and not self.empty[c] and self.values[c] > 0
            }
            if not candidates:
                return False, intervals, failing
            cheapest = min(candidates, key=lambda c: (self.values[c], self.is_margin[c], c))
            self.suppressed[cheapest] = True
        intervals = audit_intervals(self.values, self.suppressed, self.relations)
        failing = [i for i, iv in intervals.items() if not self.audit_ok(i, iv)]
        return not failing, intervals, failing


def _pair_sign(coef_a: float, coef_b: float) -> int:
    """Sign of b's shift when a shifts by +δ in a line Σ coef·x = 0 holding only a and b."""
    return -1 if coef_a / coef_b > 0 else 1


def _decisions(
    keys: Sequence[K], engine: _Engine, rules: SecrecyRules, primaries: Sequence[tuple[Reason, ...]]
) -> dict[K, CellDecision[K]]:
    out: dict[K, CellDecision[K]] = {}
    for i, key in enumerate(keys):
        if engine.suppressed[i]:
            reasons = primaries[i] or (Reason.SECONDARY,)
            out[key] = CellDecision(
                key, False, None, reasons, tuple(rules.message(r) for r in reasons)
            )
        else:
            out[key] = CellDecision(key, True, engine.values[i])
    return out


def protect_1d(
    cells: Mapping[K, CellInput],
    *,
    kind: TableKind,
    rules: SecrecyRules | None = None,
    with_total: bool = True,
    forced: Iterable[K | _Total] = (),
) -> ProtectedTable[K | _Total]:
    """Protect a one-dimensional table (cells in the mapping's order), with its total if
    ``with_total``. Raises :class:`InvalidTableError` on invalid contributions.

    ``forced`` keys (``TOTAL`` included) are treated as primary cells whatever their
    contributions, with the reason ``evolution``: the caller knows another publication (the
    previous year's table) would reveal them, and they get protecting patterns like any primary
    cell."""
    rules = rules or SecrecyRules()
    _validate(cells, kind)
    keys: list[K | _Total] = list(cells)
    raw = [_aggregate([cells[k]]) for k in cells]
    n = len(raw)
    relations: list[list[tuple[int, float]]] = []
    patterns: dict[int, list[Pattern]] = {i: [] for i in range(n)}
    if with_total:
        keys.append(TOTAL)
        raw.append(_aggregate(list(cells.values())))
        line = [(i, 1.0) for i in range(n)] + [(n, -1.0)]
        relations.append(line)
        patterns[n] = []
        for (a, ca), (b, cb) in itertools.permutations(line, 2):
            patterns[a].append(((a, b), (1, _pair_sign(ca, cb))))
    primaries = [_primary(c, kind, rules) for c in raw]
    forced_keys = set(forced)
    primaries = [
        (*p, Reason.EVOLUTION) if keys[i] in forced_keys and not raw[i].empty else p
        for i, p in enumerate(primaries)
    ]
    engine = _Engine(
        values=[c.value for c in raw],
        empty=[c.empty for c in raw],
        primary=[bool(p) for p in primaries],
        relations=relations,
        patterns=lambda i: patterns.get(i, ()),
        is_margin=[False] * n + ([True] if with_total else []),
        rules=rules,
    )
    safe, intervals, failing = engine.run()
    return ProtectedTable(
        cells=_decisions(keys, engine, rules, primaries),
        safe=safe,
        audit={keys[i]: iv for i, iv in intervals.items()},
        unsafe_cells=tuple(keys[i] for i in failing),
    )


R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def protect_2d(
    cells: Mapping[tuple[R, C], CellInput],
    *,
    rows: Sequence[R],
    cols: Sequence[C],
    kind: TableKind,
    rules: SecrecyRules | None = None,
) -> ProtectedTable[tuple[R | _Total, C | _Total]]:
    """Protect a two-dimensional table published with its row, column and grand totals.

    ``cells`` maps ``(row, col)`` to its contributions; missing pairs are empty cells (published
    as 0: there is nobody to protect, and they are never used to protect others). Raises
    :class:`InvalidTableError` on invalid contributions or keys outside ``rows`` × ``cols``.
    """
    rules = rules or SecrecyRules()
    _validate(cells, kind)
    if len(set(rows)) != len(rows) or len(set(cols)) != len(cols):
        raise InvalidTableError(
            [
                issue(
                    "hors_bornes",
                    "lignes/colonnes",
                    low="valeurs",
                    high="distinctes",
                    value="doublon",
                )
            ]
        )
    row_index = {r: i for i, r in enumerate(rows)}
    col_index = {c: j for j, c in enumerate(cols)}
    unknown = [k for k in cells if k[0] not in row_index or k[1] not in col_index]
    if unknown:
        raise InvalidTableError(
            [
                issue("hors_bornes", f"cases[{k!r}]", low="lignes", high="colonnes", value=k)
                for k in unknown
            ]
        )
    nr, nc = len(rows), len(cols)
    width = nc + 1

    def idx(i: int, j: int) -> int:
        return i * width + j

    members: list[list[CellInput]] = [[] for _ in range((nr + 1) * width)]
    for (r, c), cell in cells.items():
        i, j = row_index[r], col_index[c]
        for target in (idx(i, j), idx(i, nc), idx(nr, j), idx(nr, nc)):
            members[target].append(cell)
    raw = [_aggregate(m) for m in members]
    keys: list[tuple[R | _Total, C | _Total]] = [
        (rows[i] if i < nr else TOTAL, cols[j] if j < nc else TOTAL)
        for i in range(nr + 1)
        for j in range(width)
    ]

    def a_row(j: int) -> float:
        return 1.0 if j < nc else -1.0

    def a_col(i: int) -> float:
        return 1.0 if i < nr else -1.0

    relations = [[(idx(i, j), a_row(j)) for j in range(width)] for i in range(nr + 1)]
    relations += [[(idx(i, j), a_col(i)) for i in range(nr + 1)] for j in range(width)]

    def rectangles(cell: int) -> Iterator[Pattern]:
        """Every 2 × 2 rectangle of the extended grid with ``cell`` as a corner, with the signs
        of a shift that keeps all lines (margins included) summing to their totals."""
        i1, j1 = divmod(cell, width)
        for i2, j2 in itertools.product(range(nr + 1), range(width)):
            if i2 == i1 or j2 == j1:
                continue
            s12 = _pair_sign(a_row(j1), a_row(j2))
            s21 = _pair_sign(a_col(i1), a_col(i2))
            yield ((cell, idx(i1, j2), idx(i2, j1), idx(i2, j2)), (1, s12, s21, s21 * s12))

    primaries = [_primary(c, kind, rules) for c in raw]
    engine = _Engine(
        values=[c.value for c in raw],
        empty=[c.empty for c in raw],
        primary=[bool(p) for p in primaries],
        relations=relations,
        patterns=rectangles,
        is_margin=[i == nr or j == nc for i in range(nr + 1) for j in range(width)],
        rules=rules,
    )
    safe, intervals, failing = engine.run()
    return ProtectedTable(
        cells=_decisions(keys, engine, rules, primaries),
        safe=safe,
        audit={keys[i]: iv for i, iv in intervals.items()},
        unsafe_cells=tuple(keys[i] for i in failing),
    )
