"""Pure pieces around the assignment: overlap components for ambassador events, and the greedy
pairs that ``assign`` now reports beside its totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maillage.mentoring.assignment import KIND_AMBASSADOR, Request, Volunteer, assign
from maillage.mentoring.selectors import overlap_components

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def span(start_h: float, end_h: float) -> tuple[datetime, datetime]:
    return T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h)


def test_overlap_components():
    intervals = [span(2, 4), span(0, 1), span(3, 5), span(5, 6), span(0.5, 2)]
    comp = overlap_components(intervals)
    assert comp[1] == comp[4]  # 0–1 and 0.5–2 overlap
    assert comp[0] == comp[2]  # 2–4 and 3–5 overlap
    assert comp[4] != comp[0]  # 0.5–2 touches 2–4 without overlapping
    assert comp[3] != comp[2]  # 5–6 touches 3–5
    assert overlap_components([]) == []


def test_greedy_pairs_match_greedy_count_and_include_fixed():
    zone = frozenset({("departement", "42")})
    requests = [
        Request(
            id=f"r{i}",
            kind=KIND_AMBASSADOR,
            sector_family="x",
            latitude=45.4,
            longitude=4.4 + i / 10,
            zones=zone,
            arrival=float(i),
        )
        for i in range(3)
    ]
    volunteers = [
        Volunteer(
            id=f"v{j}",
            kind=KIND_AMBASSADOR,
            sector_families=frozenset({"x"}),
            territories=zone,
            latitude=45.4,
            longitude=4.4 + j / 5,
            capacity=1,
        )
        for j in range(3)
    ]
    from maillage.mentoring.assignment import Overrides

    result = assign(requests, volunteers, overrides=Overrides(fixed=frozenset({("r2", "v0")})))
    assert len(result.greedy.pairs) == result.greedy.assigned
    assert ("r2", "v0") in result.greedy.pairs
    assert len({v for _r, v in result.greedy.pairs}) == len(result.greedy.pairs)
