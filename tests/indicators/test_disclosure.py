"""Statistical secrecy (maillage/indicators/disclosure.py): primary rules, secondary suppression
and the property that no hidden cell can be recomputed from what is published.

The property tests audit every protected table with a linear program written here from scratch
with ``scipy.optimize.linprog`` (independent of the module's own audit): for each hidden cell,
minimise and maximise it subject to the published cells, the published totals, additivity and
non-negativity; min and max must differ, and a primary cell must be able to move by at least the
protection ratio both ways.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from maillage.indicators.disclosure import (
    TOTAL,
    CellInput,
    DisclosureError,
    InvalidTableError,
    ProtectedTable,
    Reason,
    SecrecyRules,
    TableKind,
    audit_intervals,
    primary_reasons,
    protect_1d,
    protect_2d,
)

MAG = TableKind.MAGNITUDE


def cell(*values: float, start: int = 0, respondents: int | None = None) -> CellInput:
    return CellInput([(f"coop{start + i}", v) for i, v in enumerate(values)], respondents)


# --- primary rules -------------------------------------------------------------------------------


def test_frequency_rule_needs_three_cooperatives():
    assert primary_reasons(cell(10, 20), MAG) == (Reason.FREQUENCY,)
    assert primary_reasons(cell(10, 20, 30), MAG) == ()
    # the same cooperative twice (two establishments) is one contributor
    twice = CellInput([("a", 10), ("a", 10), ("b", 10)])
    assert primary_reasons(twice, MAG) == (Reason.FREQUENCY,)
    # a cooperative contributing zero does not count for counts and magnitudes
    assert primary_reasons(cell(10, 20, 0), TableKind.FREQUENCY) == (Reason.FREQUENCY,)


def test_dominance_rule_above_85_percent_for_magnitudes_only():
    assert primary_reasons(cell(90, 5, 5), MAG) == (Reason.DOMINANCE,)
    assert primary_reasons(cell(85, 10, 5), MAG) == ()  # exactly 85 % is allowed
    assert primary_reasons(cell(90, 5, 5), TableKind.FREQUENCY) == ()
    both = primary_reasons(cell(95, 5), MAG)
    assert both == (Reason.FREQUENCY, Reason.DOMINANCE)


def test_respondents_rule_for_survey_cells():
    survey = TableKind.SURVEY
    assert primary_reasons(cell(10, 20, 30, respondents=4), survey) == (Reason.RESPONDENTS,)
    assert primary_reasons(cell(10, 20, 30, respondents=5), survey) == ()
    # respondents from fewer than three cooperatives still break the frequency rule
    assert primary_reasons(cell(10, 20, respondents=40), survey) == (Reason.FREQUENCY,)


def test_rules_are_configurable_and_checked():
    rules = SecrecyRules(min_contributors=5, dominance_share=0.5)
    assert primary_reasons(cell(10, 10, 10, 10), MAG, rules) == (Reason.FREQUENCY,)
    assert primary_reasons(cell(60, 10, 10, 10, 10), MAG, rules) == (Reason.DOMINANCE,)
    with pytest.raises(ValueError):
        SecrecyRules(dominance_share=1.5)


def test_invalid_contributions_name_the_cell_and_the_rule():
    with pytest.raises(InvalidTableError) as err:
        protect_1d({"a": cell(10, -1, 3)}, kind=MAG)
    assert err.value.issues[0].key == "negatif"
    assert "'a'" in err.value.issues[0].field and "contributions[1]" in err.value.issues[0].field
    with pytest.raises(InvalidTableError) as err:
        protect_1d({"a": cell(1, 2, 3)}, kind=TableKind.SURVEY)
    assert err.value.issues[0].key == "manquant"
    with pytest.raises(InvalidTableError):
        protect_2d({("x", "y"): cell(1, 2, 3)}, rows=["a"], cols=["y"], kind=MAG)


# --- one-dimensional tables ----------------------------------------------------------------------


def test_1d_single_primary_gets_the_smallest_complement():
    table = {
        "A": cell(10, start=0),  # one cooperative: primary
        "B": cell(20, 20, 20, start=10),
        "C": cell(10, 10, 10, start=20),
        "D": cell(10, 20, 20, start=30),
    }
    pt = protect_1d(table, kind=MAG)
    assert pt.safe
    assert pt.suppressed_keys == ("A", "C")
    assert pt.cells["A"].reasons == (Reason.FREQUENCY, Reason.DOMINANCE)
    assert pt.cells["C"].reasons == (Reason.SECONDARY,)
    assert pt.cells[TOTAL].published and pt.cells[TOTAL].value == 150
    assert pt.audit["A"].low == pytest.approx(0) and pt.audit["A"].high == pytest.approx(40)
    values = pt.published_values()
    assert values["A"] is None and values["B"] == 60


def test_1d_complement_must_give_the_required_protection():
    # A = 100 (primary); C = 5 would let A move up by 5 only (< 10 %): B = 30 is chosen instead
    table = {"A": cell(100), "B": cell(10, 10, 10, start=5), "C": cell(2, 2, 1, start=9)}
    pt = protect_1d(table, kind=MAG)
    assert set(pt.suppressed_keys) == {"A", "B"}


def test_1d_without_total_only_primary_cells_are_hidden():
    table = {"A": cell(10), "B": cell(20, 20, 20, start=10)}
    pt = protect_1d(table, kind=MAG, with_total=False)
    assert pt.suppressed_keys == ("A",) and TOTAL not in pt.cells


def test_1d_primary_total_is_hidden_too():
    pt = protect_1d({"A": cell(10), "B": cell(20, start=5)}, kind=MAG)
    assert set(pt.suppressed_keys) == {"A", "B", TOTAL}
    assert pt.cells[TOTAL].reasons == (Reason.FREQUENCY,)
    assert pt.safe


def test_survey_margins_add_respondents():
    table = {k: cell(10, 10, 10, start=3 * i, respondents=3) for i, k in enumerate("ABC")}
    pt = protect_1d(table, kind=TableKind.SURVEY)
    assert set(pt.suppressed_keys) == {"A", "B", "C"}
    assert pt.cells[TOTAL].published  # 9 respondents from 9 cooperatives


def test_empty_cells_are_published_zeros_and_never_complements():
    table = {"A": cell(10), "E": CellInput(), "B": cell(10, 10, 10, start=3)}
    pt = protect_1d(table, kind=MAG)
    assert pt.cells["E"].published and pt.cells["E"].value == 0
    assert set(pt.suppressed_keys) == {"A", "B"}


def test_messages_explain_each_reason():
    pt = protect_1d({"A": cell(95, 5, 1), "B": cell(10, 10, 10, start=5)}, kind=MAG)
    assert pt.cells["A"].messages == (
        "Secret statistique : une coopérative représente plus de 85 % du total.",
    )
    assert "recalculée" in pt.cells["B"].messages[0]


def test_unsafe_table_refuses_to_give_values():
    unsafe = ProtectedTable(cells={}, safe=False, unsafe_cells=("A",))
    with pytest.raises(DisclosureError):
        unsafe.published_values()


# --- two-dimensional tables ----------------------------------------------------------------------


def grid(values: list[list[list[float]]]) -> dict[tuple[int, int], CellInput]:
    """Rows of cells, each cell the list of its cooperatives' values (fresh ids everywhere)."""
    out: dict[tuple[int, int], CellInput] = {}
    n = 0
    for i, row in enumerate(values):
        for j, contributions in enumerate(row):
            if contributions:
                out[(i, j)] = CellInput([(f"c{n + k}", v) for k, v in enumerate(contributions)])
                n += len(contributions)
    return out


def test_2d_hand_example_cheapest_rectangle():
    # cell (0, 0) has a single cooperative; the cheapest rectangle through it is (0,0), (0,1),
    # (1,0), (1,1) (values 12, 11 and 9: 32 hidden besides the primary cell's 5). Shifting by δ
    # along it (+δ on (0,0) and (1,1), −δ on (0,1) and (1,0)) keeps every total: (0,0) can go
    # down to 0 and up by min(12, 11) = 11.
    cells = grid(
        [
            [[5], [4, 4, 4], [20, 20, 20]],
            [[4, 4, 3], [3, 3, 3], [20, 20, 20]],
            [[30, 30, 30], [30, 30, 30], [30, 30, 30]],
        ]
    )
    pt = protect_2d(cells, rows=[0, 1, 2], cols=[0, 1, 2], kind=MAG)
    assert pt.safe
    assert set(pt.suppressed_keys) == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert pt.cells[(0, 0)].reasons == (Reason.FREQUENCY, Reason.DOMINANCE)
    assert pt.cells[(1, 1)].reasons == (Reason.SECONDARY,)
    assert pt.cells[(0, TOTAL)].published and pt.cells[(TOTAL, TOTAL)].value == sum(
        v for c in cells.values() for _, v in c.contributions
    )
    iv = pt.audit[(0, 0)]
    assert iv.low == pytest.approx(0) and iv.high == pytest.approx(5 + 11)


def test_2d_margins_get_primary_rules():
    # row 0 holds two cooperatives in all: its total is primary
    cells = grid([[[5], [7]], [[10, 10, 10], [10, 10, 10]]])
    pt = protect_2d(cells, rows=[0, 1], cols=[0, 1], kind=MAG)
    assert pt.cells[(0, TOTAL)].reasons == (Reason.FREQUENCY,)
    assert pt.safe
    independent_audit_2d(cells, 2, 2, pt, SecrecyRules())


# --- property tests ------------------------------------------------------------------------------


def extended_values(cells: dict[tuple[int, int], CellInput], nr: int, nc: int) -> np.ndarray:
    v = np.zeros((nr + 1, nc + 1))
    for (i, j), c in cells.items():
        v[i, j] = sum(x for _, x in c.contributions)
    v[:nr, nc] = v[:nr, :nc].sum(axis=1)
    v[nr, :nc] = v[:nr, :nc].sum(axis=0)
    v[nr, nc] = v[:nr, :nc].sum()
    return v


def key_of(i: int, j: int, nr: int, nc: int) -> tuple[object, object]:
    return (i if i < nr else TOTAL, j if j < nc else TOTAL)


def independent_audit_2d(
    cells: dict[tuple[int, int], CellInput], nr: int, nc: int, pt: ProtectedTable, rules
) -> None:
    """Assert that no hidden cell is exactly derivable and primaries keep their protection."""
    v = extended_values(cells, nr, nc)
    hidden = [
        (i, j)
        for i in range(nr + 1)
        for j in range(nc + 1)
        if not pt.cells[key_of(i, j, nr, nc)].published
    ]
    if not hidden:
        return
    pos = {c: k for k, c in enumerate(hidden)}

    def term(i: int, j: int, coef: float, row: np.ndarray) -> float:
        if (i, j) in pos:
            row[pos[(i, j)]] += coef
            return 0.0
        return coef * v[i, j]

    a_eq, b_eq = [], []
    for i in range(nr + 1):  # Σ_j x[i, j] = x[i, total]
        row = np.zeros(len(hidden))
        known = sum(term(i, j, 1.0, row) for j in range(nc)) + term(i, nc, -1.0, row)
        a_eq.append(row)
        b_eq.append(-known)
    for j in range(nc + 1):  # Σ_i x[i, j] = x[total, j]
        row = np.zeros(len(hidden))
        known = sum(term(i, j, 1.0, row) for i in range(nr)) + term(nr, j, -1.0, row)
        a_eq.append(row)
        b_eq.append(-known)
    a, b = np.array(a_eq), np.array(b_eq)
    for (i, j), k in pos.items():
        c = np.zeros(len(hidden))
        c[k] = 1
        lo = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)
        low = lo.fun
        high = math.inf if hi.status == 3 else -hi.fun
        assert high - low > 1e-6, f"cell {(i, j)} derivable: [{low}, {high}]"
        decision = pt.cells[key_of(i, j, nr, nc)]
        if decision.primary:
            need = rules.protection_ratio * v[i, j]
            assert low <= v[i, j] - need + 1e-6 and high >= v[i, j] + need - 1e-6


def random_table(rng: random.Random, nr: int, nc: int, empty_share: float):
    rows: list[list[list[float]]] = []
    for _ in range(nr):
        row: list[list[float]] = []
        for _ in range(nc):
            if rng.random() < empty_share:
                row.append([])
            else:
                k = rng.choice([1, 1, 2, 3, 3, 4, 6])
                row.append([float(rng.randint(1, 60)) for _ in range(k)])
        rows.append(row)
    return grid(rows)


@pytest.mark.parametrize("seed", range(12))
def test_property_2d_no_hidden_cell_is_derivable(seed):
    rng = random.Random(seed)
    rules = SecrecyRules()
    for _ in range(6):
        nr, nc = rng.randint(1, 6), rng.randint(1, 6)
        cells = random_table(rng, nr, nc, empty_share=rng.choice([0.0, 0.15, 0.4]))
        pt = protect_2d(cells, rows=list(range(nr)), cols=list(range(nc)), kind=MAG)
        assert pt.safe, pt.unsafe_cells
        independent_audit_2d(cells, nr, nc, pt, rules)
        v = extended_values(cells, nr, nc)
        for i in range(nr + 1):
            for j in range(nc + 1):
                d = pt.cells[key_of(i, j, nr, nc)]
                if d.published:
                    assert d.value == pytest.approx(v[i, j])
                    assert not d.reasons
        # no line of the table (margins included) holds exactly one hidden cell
        hidden = np.array(
            [
                [not pt.cells[key_of(i, j, nr, nc)].published for j in range(nc + 1)]
                for i in range(nr + 1)
            ]
        )
        assert 1 not in set(hidden.sum(axis=0)) | set(hidden.sum(axis=1))


@pytest.mark.parametrize("seed", range(8))
def test_property_1d_no_hidden_cell_is_derivable(seed):
    rng = random.Random(1000 + seed)
    rules = SecrecyRules()
    for _ in range(10):
        n = rng.randint(1, 8)
        table = {
            f"k{i}": CellInput(
                [(f"c{i}-{k}", float(rng.randint(1, 50))) for k in range(rng.choice([1, 2, 3, 5]))]
            )
            for i in range(n)
        }
        pt = protect_1d(table, kind=MAG)
        assert pt.safe
        keys = [*table, TOTAL]
        values = [sum(v for _, v in table[k].contributions) for k in table]
        values.append(sum(values))
        hidden = [not pt.cells[k].published for k in keys]
        if sum(hidden) == 0:
            continue
        assert sum(hidden) >= 2 or not pt.cells[TOTAL].published or hidden[-1]
        # independent audit: Σ x_i − x_total = 0
        idx = [i for i, h in enumerate(hidden) if h]
        row = np.array([1.0 if i < n else -1.0 for i in idx])
        known = sum((1.0 if i < n else -1.0) * values[i] for i in range(n + 1) if not hidden[i])
        for k, i in enumerate(idx):
            c = np.zeros(len(idx))
            c[k] = 1
            lo = linprog(c, A_eq=[row], b_eq=[-known], bounds=(0, None), method="highs")
            hi = linprog(-c, A_eq=[row], b_eq=[-known], bounds=(0, None), method="highs")
            high = math.inf if hi.status == 3 else -hi.fun
            assert high - lo.fun > 1e-6
            if pt.cells[keys[i]].primary:
                need = rules.protection_ratio * values[i]
                assert lo.fun <= values[i] - need + 1e-6 and high >= values[i] + need - 1e-6


def test_fast_and_scipy_audits_agree():
    rng = random.Random(7)
    for _ in range(5):
        nr, nc = 4, 5
        cells = random_table(rng, nr, nc, 0.1)
        pt = protect_2d(cells, rows=list(range(nr)), cols=list(range(nc)), kind=MAG)
        v = extended_values(cells, nr, nc).ravel().tolist()
        hidden = [not d.published for d in pt.cells.values()]
        width = nc + 1
        rel = [
            [(i * width + j, 1.0 if j < nc else -1.0) for j in range(width)] for i in range(nr + 1)
        ]
        rel += [
            [(i * width + j, 1.0 if i < nr else -1.0) for i in range(nr + 1)] for j in range(width)
        ]
        fast = audit_intervals(v, hidden, rel)
        slow = audit_intervals(v, hidden, rel, solver="scipy")
        assert fast.keys() == slow.keys()
        for k in fast:
            assert fast[k].low == pytest.approx(slow[k].low, abs=1e-6)
            assert fast[k].high == pytest.approx(slow[k].high, abs=1e-6)


def test_audit_reports_an_exactly_derivable_cell():
    # x0 + x1 = total with x1 published: x0 is known exactly
    intervals = audit_intervals([4.0, 6.0, 10.0], [True, False, False], [[(0, 1), (1, 1), (2, -1)]])
    assert intervals[0].low == pytest.approx(4) and intervals[0].high == pytest.approx(4)
    assert intervals[0].width == pytest.approx(0)
