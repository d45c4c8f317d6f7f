"""Consortium optimisation: exact answers checked against brute force, and the plain words."""

from __future__ import annotations

import itertools
import random

import pytest

from maillage.exchange.consortium import (
    DISTANCE_UNIT_KM,
    Candidate,
    ConsortiumConstraints,
    Lot,
    Weights,
    greedy_consortium,
    propose_consortia,
)

# --- Brute force, written independently of the module --------------------------------------


def _objective(
    assignment: dict[str, str], lots: list[Lot], cands: dict[str, Candidate], w: Weights
) -> float:
    quality = sum(w.quality * cands[c].scores[lot] for lot, c in assignment.items())
    distance = sum(
        w.distance_per_100km * cands[c].distance_km / DISTANCE_UNIT_KM for c in assignment.values()
    )
    members = len(set(assignment.values()))
    uncovered = sum(1 for lot in lots if not lot.required and lot.id not in assignment)
    return quality - distance - w.member * members - w.uncovered * uncovered


def brute_force(
    lots: list[Lot],
    candidates: list[Candidate],
    w: Weights,
    cons: ConsortiumConstraints,
) -> dict[frozenset[str], float]:
    """Best objective of every feasible member set, by enumerating every assignment."""
    cands = {c.id: c for c in candidates}
    options = []
    for lot in lots:
        able = [c.id for c in candidates if lot.id in c.scores]
        options.append(able + ([None] if not lot.required else []))
    best: dict[frozenset[str], float] = {}
    for choice in itertools.product(*options):
        assignment = {lot.id: c for lot, c in zip(lots, choice, strict=True) if c is not None}
        counts: dict[str, int] = {}
        for c in assignment.values():
            counts[c] = counts.get(c, 0) + 1
        limit = cons.max_lots_per_member
        if any(n > (cands[c].capacity or n) for c, n in counts.items()):
            continue
        if limit is not None and any(n > limit for n in counts.values()):
            continue
        members = frozenset(counts)
        if cons.max_members is not None and len(members) > cons.max_members:
            continue
        if cons.lead is not None and cons.lead not in members:
            continue
        value = _objective(assignment, lots, cands, w)
        if value > best.get(members, -float("inf")):
            best[members] = value
    return best


def random_instance(
    rng: random.Random, n_lots: int, n_cands: int, p_serve: float = 0.5
) -> tuple[list[Lot], list[Candidate]]:
    lots = [Lot(id=str(i + 1), required=rng.random() > 0.3) for i in range(n_lots)]
    candidates = []
    for c in range(n_cands):
        scores = {lot.id: round(rng.random(), 2) for lot in lots if rng.random() < p_serve}
        candidates.append(
            Candidate(
                id=f"c{c}",
                scores=scores,
                distance_km=round(rng.uniform(1, 400), 1),
                capacity=rng.choice([None, 1, 1, 2]),
            )
        )
    return lots, candidates


def _check_against_brute_force(
    lots: list[Lot],
    candidates: list[Candidate],
    w: Weights,
    cons: ConsortiumConstraints,
    k: int,
) -> None:
    truth = brute_force(lots, candidates, w, cons)
    proposal = propose_consortia(lots, candidates, weights=w, constraints=cons, k=k)
    if not truth:
        assert not proposal.feasible
        assert proposal.message
        return
    assert proposal.feasible, proposal.message
    expected = sorted(truth.values(), reverse=True)[:k]
    got = [c.objective for c in proposal.consortia]
    assert got == pytest.approx(expected, abs=1e-7)
    cands = {c.id: c for c in candidates}
    seen = set()
    for consortium in proposal.consortia:
        assert consortium.proven_optimal
        members = frozenset(consortium.members)
        assert members not in seen  # distinct
        seen.add(members)
        assert members == frozenset(consortium.assignment.values())
        # The reported objective is the one of the reported assignment.
        assert consortium.objective == pytest.approx(
            _objective(dict(consortium.assignment), lots, cands, w), abs=1e-9
        )
        assert truth[members] == pytest.approx(consortium.objective, abs=1e-7)
    if proposal.greedy is not None:
        assert proposal.greedy.objective <= proposal.consortia[0].objective + 1e-9
        assert proposal.greedy_gap_pct is not None and proposal.greedy_gap_pct >= -1e-7
        assert frozenset(proposal.greedy.members) in truth  # greedy answers are feasible


# --- Tests ---------------------------------------------------------------------------------


def test_tiny_tender_known_optimum_and_explanations():
    lots = [Lot("1"), Lot("2"), Lot("3")]
    candidates = [
        Candidate("near", {"1": 0.9, "2": 0.6}, distance_km=12, capacity=2, name="Coop Près"),
        Candidate("spec", {"2": 0.92}, distance_km=30),
        Candidate("far", {"1": 0.95, "3": 0.8}, distance_km=500),
        Candidate("mid", {"3": 0.7}, distance_km=50),
    ]
    w = Weights(quality=1.0, distance_per_100km=0.2, member=0.1)
    proposal = propose_consortia(lots, candidates, weights=w, k=1)
    best = proposal.best
    assert best is not None and best.proven_optimal
    # near+spec+mid: 0.9+0.92+0.7 − 0.2·(12+30+50)/100 − 0.3 = 2.036; merging lots 1–2 on
    # "near" saves a member but loses 0.32 of quality: 0.9+0.6+0.7 − 0.2·0.74 − 0.2 = 1.852.
    assert dict(best.assignment) == {"1": "near", "2": "spec", "3": "mid"}
    assert best.objective == pytest.approx(2.036)
    assert best.breakdown.member_penalty == pytest.approx(0.3)
    texts = {e.candidate_id: e.text for e in best.explanations}
    assert "meilleure correspondance pour le lot 2 (0,92)" in texts["spec"]
    assert "Coop Près prend le lot 1" in texts["near"]
    assert "à 12 km" in texts["near"]
    # "far" is the best match for lot 3 but 500 km away: "mid" is 2nd of 2 on lot 3.
    assert "0,70 pour le lot 3 (2e sur 2)" in texts["mid"]


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_on_random_small_tenders(seed):
    rng = random.Random(seed)
    lots, candidates = random_instance(rng, rng.randint(1, 4), rng.randint(2, 6))
    w = Weights(
        quality=1.0,
        distance_per_100km=rng.choice([0.0, 0.2, 1.0]),
        member=rng.choice([0.0, 0.1, 0.5]),
        uncovered=rng.choice([0.2, 1.0]),
    )
    able = [c.id for c in candidates if c.scores]
    cons = ConsortiumConstraints(
        max_members=rng.choice([None, None, 1, 2]),
        lead=rng.choice([None, None, *able]) if able else None,
        max_lots_per_member=rng.choice([None, None, 1, 2]),
    )
    _check_against_brute_force(lots, candidates, w, cons, k=rng.choice([1, 3, 5]))


@pytest.mark.parametrize("seed", range(10))
def test_dominance_pruning_keeps_the_k_best(seed):
    """Many single-trade candidates per lot: the pruned model must still give the true k best."""
    rng = random.Random(1000 + seed)
    lots = [Lot(str(i + 1)) for i in range(3)]
    candidates = [
        Candidate(f"s{c}", {str(rng.randint(1, 3)): round(rng.random(), 2)}, rng.uniform(1, 200))
        for c in range(9)
    ]
    candidates.append(Candidate("multi", {"1": 0.5, "2": 0.5, "3": 0.5}, 20.0, capacity=1))
    w = Weights(member=rng.choice([0.0, 0.3]))
    for k in (1, 2, 4):
        _check_against_brute_force(lots, candidates, w, ConsortiumConstraints(), k=k)


def test_k_best_are_distinct_and_ordered():
    rng = random.Random(7)
    lots, candidates = random_instance(rng, 4, 8, p_serve=0.7)
    proposal = propose_consortia(lots, candidates, k=5)
    sets = [frozenset(c.members) for c in proposal.consortia]
    assert len(sets) == 5 and len(set(sets)) == 5
    objectives = [c.objective for c in proposal.consortia]
    assert objectives == sorted(objectives, reverse=True)
    assert [c.rank for c in proposal.consortia] == [1, 2, 3, 4, 5]


def test_fewer_than_k_when_few_consortia_exist():
    lots = [Lot("1")]
    candidates = [Candidate("a", {"1": 0.8}, 10), Candidate("b", {"1": 0.5}, 10)]
    proposal = propose_consortia(lots, candidates, k=5)
    assert [c.members for c in proposal.consortia] == [("a",), ("b",)]


def test_lot_nobody_can_serve_is_named():
    lots = [Lot("1"), Lot("2"), Lot("3")]
    candidates = [Candidate("a", {"1": 0.8, "2": 0.4}, 10)]
    proposal = propose_consortia(lots, candidates)
    assert not proposal.feasible
    assert proposal.infeasible_lots == ("3",)
    assert "Aucune coopérative candidate ne peut prendre le lot 3" in proposal.message


def test_several_orphan_lots_are_all_named():
    lots = [Lot("1"), Lot("2"), Lot("3"), Lot("4", required=False)]
    proposal = propose_consortia(lots, [Candidate("a", {"1": 0.8}, 10)])
    assert proposal.infeasible_lots == ("2", "3")
    assert "les lots 2 et 3" in proposal.message


def test_capacity_shortfall_is_diagnosed():
    lots = [Lot("1"), Lot("2"), Lot("3")]
    candidates = [
        Candidate("a", {"1": 0.8, "2": 0.7}, 10, capacity=1),
        Candidate("b", {"3": 0.9}, 10),
    ]
    proposal = propose_consortia(lots, candidates)
    assert not proposal.feasible
    assert len(proposal.infeasible_lots) == 1 and proposal.infeasible_lots[0] in {"1", "2"}
    assert "1 lot(s) obligatoire(s)" in proposal.message


def test_member_cap_makes_it_infeasible():
    lots = [Lot("1"), Lot("2")]
    candidates = [Candidate("a", {"1": 0.8}, 10), Candidate("b", {"2": 0.9}, 10)]
    proposal = propose_consortia(lots, candidates, constraints=ConsortiumConstraints(max_members=1))
    assert not proposal.feasible
    assert len(proposal.infeasible_lots) == 1


def test_lead_is_honoured_or_refused_plainly():
    lots = [Lot("1"), Lot("2")]
    candidates = [
        Candidate("a", {"1": 0.9, "2": 0.9}, 10),
        Candidate("b", {"2": 0.3}, 300),
        Candidate("c", {}, 5),
    ]
    led = propose_consortia(lots, candidates, constraints=ConsortiumConstraints(lead="b"))
    assert led.best is not None and "b" in led.best.members
    assert "mandataire imposé" in next(
        e.text for e in led.best.explanations if e.candidate_id == "b"
    )
    refused = propose_consortia(lots, candidates, constraints=ConsortiumConstraints(lead="c"))
    assert not refused.feasible and "mandataire" in refused.message


def test_optional_lot_left_uncovered_when_covering_costs_more():
    lots = [Lot("1"), Lot("2", required=False)]
    candidates = [Candidate("a", {"1": 0.9}, 10), Candidate("far", {"2": 0.1}, 800)]
    w = Weights(distance_per_100km=0.2, uncovered=0.5)
    best = propose_consortia(lots, candidates, weights=w, k=1).best
    assert best is not None
    # Covering lot 2 earns 0.1 − 1.6 − 0.1 = −1.6, worse than the −0.5 penalty.
    assert best.uncovered == ("2",)
    assert best.breakdown.uncovered_penalty == pytest.approx(0.5)


def test_greedy_can_be_strictly_worse_and_the_gap_is_reported():
    # Three lots with two candidates each: greedy starts with lot 1 and gives it to its best
    # match "a" (capacity 1), which then cannot take lot 3 where it is excellent.
    lots = [Lot("1"), Lot("2"), Lot("3")]
    candidates = [
        Candidate("a", {"1": 0.8, "2": 0.4, "3": 1.0}, 10, capacity=1),
        Candidate("b", {"1": 0.5, "2": 0.6}, 10),
        Candidate("c", {"3": 0.5}, 10, capacity=1),
    ]
    w = Weights(member=0.3, distance_per_100km=0.0)
    proposal = propose_consortia(lots, candidates, weights=w)
    greedy, note = greedy_consortium(lots, candidates, weights=w)
    assert note == "" and greedy is not None and proposal.greedy is not None
    assert proposal.greedy.objective == pytest.approx(greedy.objective)
    assert dict(greedy.assignment) == {"1": "a", "2": "b", "3": "c"}  # 1.9 − 0.9 = 1.0
    assert proposal.best is not None
    assert dict(proposal.best.assignment) == {"1": "b", "2": "b", "3": "a"}  # 2.1 − 0.6
    assert proposal.best.objective == pytest.approx(1.5)
    assert proposal.greedy_gap_pct == pytest.approx(100 / 3)


def test_greedy_stuck_is_reported_not_hidden():
    # Every lot has two candidates, so greedy goes in order: lot 1 → "a", lot 2 → "b" (their
    # best matches), and lot 3, which only "a" and "b" could take, is left with nobody.
    lots = [Lot("1"), Lot("2"), Lot("3")]
    candidates = [
        Candidate("a", {"1": 0.9, "3": 0.2}, 10, capacity=1),
        Candidate("b", {"2": 0.9, "3": 0.2}, 10, capacity=1),
        Candidate("c", {"1": 0.5, "2": 0.5}, 10, capacity=1),
    ]
    proposal = propose_consortia(lots, candidates)
    assert proposal.feasible and proposal.best is not None
    assert proposal.best.assignment["3"] in {"a", "b"}
    assert proposal.greedy is None and proposal.greedy_gap_pct is None
    assert "Le glouton reste bloqué au lot 3" in proposal.greedy_note


def test_bad_scores_are_refused():
    with pytest.raises(ValueError):
        propose_consortia([Lot("1")], [Candidate("a", {"1": 1.5}, 10)])
    with pytest.raises(ValueError):
        propose_consortia([Lot("1"), Lot("1")], [Candidate("a", {"1": 0.5}, 10)])


def test_scores_for_other_tenders_are_ignored():
    proposal = propose_consortia([Lot("1")], [Candidate("a", {"1": 0.5, "99": 0.9}, 10)])
    assert proposal.best is not None and dict(proposal.best.assignment) == {"1": "a"}


def test_fifty_candidates_solve_to_proven_optimality():
    rng = random.Random(3)
    lots, candidates = random_instance(rng, 6, 50, p_serve=0.25)
    lots = [Lot(lot.id) for lot in lots]
    proposal = propose_consortia(lots, candidates, k=3)
    assert proposal.feasible
    assert all(c.proven_optimal for c in proposal.consortia)
    assert proposal.greedy is None or proposal.greedy_gap_pct >= -1e-7
