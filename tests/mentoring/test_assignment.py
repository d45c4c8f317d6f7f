"""Mentoring assignment: optimal against brute force, exact despite pruning, overrides, reasons."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from maillage.mentoring.assignment import (
    DISTANCE_UNIT_KM,
    KIND_MENTOR,
    KIND_SPONSOR,
    REASON_CONTENTION,
    REASON_FORBIDDEN,
    REASON_FULL,
    REASON_NO_KIND,
    REASON_NO_TERRITORY,
    REASON_NO_TOPIC,
    Request,
    Volunteer,
    Weights,
    assign,
    reoptimise,
)
from maillage.mentoring.assignment.problem import _chord_km, _unit
from maillage.territories.geo import haversine_km

FR = ("france", "FR")
LYON = (45.76, 4.84)
VILLEURBANNE = (45.77, 4.88)
GRENOBLE = (45.19, 5.72)
PARIS = (48.86, 2.35)


def zones(dep: str, region: str) -> frozenset[tuple[str, str]]:
    return frozenset({("departement", dep), ("region", region), FR})


def req(rid: str, where=LYON, *, kind=KIND_MENTOR, family="agri", topic=None, dep="69", arrival=0):
    return Request(
        id=rid,
        kind=kind,
        sector_family=family,
        latitude=where[0],
        longitude=where[1],
        zones=zones(dep, "84"),
        topic=topic,
        arrival=arrival,
    )


def vol(
    vid: str,
    where=LYON,
    *,
    kind=KIND_MENTOR,
    families=("agri",),
    territories=(("departement", "69"),),
    capacity=1,
    load=0,
    years=10.0,
    topics=(),
):
    return Volunteer(
        id=vid,
        kind=kind,
        sector_families=frozenset(families),
        territories=frozenset(territories),
        latitude=where[0],
        longitude=where[1],
        capacity=capacity,
        current_load=load,
        experience_years=years,
        topics=frozenset(topics),
    )


# --- Brute force, written independently of the module --------------------------------------


def eligible(r: Request, v: Volunteer) -> bool:
    return (
        r.kind == v.kind
        and bool(r.zones & v.territories)
        and (r.topic is None or r.topic in v.topics)
        and v.capacity - v.current_load > 0
    )


def pair_cost(r: Request, v: Volunteer, w: Weights) -> float:
    km = haversine_km(r.latitude, r.longitude, v.latitude, v.longitude)
    green = min(1.0, max(0.0, 1.0 - v.experience_years / w.full_experience_years))
    return (
        w.distance_per_100km * km / DISTANCE_UNIT_KM
        + (0.0 if r.sector_family in v.sector_families else w.sector_mismatch)
        + w.inexperience * green
    )


def brute_force(requests, volunteers, w: Weights) -> tuple[int, float]:
    """(most requests assignable, least cost among those), by trying every assignment."""
    options = [[None, *[j for j, v in enumerate(volunteers) if eligible(r, v)]] for r in requests]
    best = (-1, 0.0)
    for choice in itertools.product(*options):
        counts = [0] * len(volunteers)
        cost = 0.0
        for r, j in zip(requests, choice, strict=True):
            if j is None:
                continue
            v = volunteers[j]
            cost += pair_cost(r, v, w) + w.load_step * (v.current_load + counts[j])
            counts[j] += 1
        if any(v.current_load + c > v.capacity for v, c in zip(volunteers, counts, strict=True)):
            continue
        n = sum(j is not None for j in choice)
        if n > best[0] or (n == best[0] and cost < best[1]):
            best = (n, cost)
    return best


DEPS = [("69", LYON), ("38", GRENOBLE), ("75", PARIS)]


def random_instance(rng: random.Random, n_req: int, n_vol: int):
    requests = []
    for i in range(n_req):
        dep, (lat, lon) = rng.choice(DEPS)
        requests.append(
            Request(
                id=f"r{i}",
                kind=rng.choice([KIND_MENTOR, KIND_SPONSOR]),
                sector_family=rng.choice(["agri", "btp", "num"]),
                latitude=lat + rng.uniform(-0.3, 0.3),
                longitude=lon + rng.uniform(-0.3, 0.3),
                zones=zones(dep, "11" if dep == "75" else "84"),
                topic=rng.choice([None, "finances", "rh"]),
                arrival=rng.random(),
            )
        )
    volunteers = []
    for j in range(n_vol):
        dep, (lat, lon) = rng.choice(DEPS)
        cover = rng.choice(
            [{("departement", dep)}, {("region", "11" if dep == "75" else "84")}, {FR}]
        )
        capacity = rng.randint(0, 3)
        volunteers.append(
            Volunteer(
                id=f"v{j}",
                kind=rng.choice([KIND_MENTOR, KIND_SPONSOR]),
                sector_families=frozenset(rng.sample(["agri", "btp", "num"], rng.randint(1, 2))),
                territories=frozenset(cover),
                latitude=lat + rng.uniform(-0.3, 0.3),
                longitude=lon + rng.uniform(-0.3, 0.3),
                capacity=capacity,
                current_load=rng.randint(0, capacity),
                experience_years=rng.choice([0.0, 2.0, 8.0, 25.0]),
                topics=frozenset(rng.sample(["finances", "rh", "juridique"], rng.randint(1, 3))),
            )
        )
    return requests, volunteers


def check_feasible(result, requests, volunteers) -> None:
    by_id = {v.id: v for v in volunteers}
    counts: dict[str, int] = {}
    for p in result.pairings:
        counts[p.volunteer_id] = counts.get(p.volunteer_id, 0) + 1
    for vid, n in counts.items():
        assert by_id[vid].current_load + n <= by_id[vid].capacity
    assigned = [p.request_id for p in result.pairings]
    assert len(assigned) == len(set(assigned))
    unassigned = {u.request_id for u in result.unassigned}
    assert unassigned.isdisjoint(assigned)
    assert unassigned | set(assigned) == {r.id for r in requests}


# --- Tests ---------------------------------------------------------------------------------


def test_distance_matches_the_platform_haversine():
    pts = [LYON, GRENOBLE, PARIS, (43.3, 5.4), (48.1, -1.7)]
    lats, lons = zip(*pts, strict=True)
    xyz = _unit(np.array(lats), np.array(lons))
    for lat, lon in pts:
        got = _chord_km(lat, lon, xyz)
        expected = [haversine_km(lat, lon, a, b) for a, b in pts]
        assert got == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force_on_small_instances(seed):
    rng = random.Random(seed)
    requests, volunteers = random_instance(rng, rng.randint(1, 6), rng.randint(1, 4))
    w = Weights(load_step=rng.choice([0.0, 0.3, 2.0]), sector_mismatch=rng.choice([0.0, 0.5]))
    n, cost = brute_force(requests, volunteers, w)
    result = assign(requests, volunteers, weights=w, k=rng.choice([1, 2, 50]))
    assert result.proven_optimal
    assert len(result.pairings) == n
    assert result.total_cost == pytest.approx(cost, abs=1e-9)
    check_feasible(result, requests, volunteers)
    # The reported pairings add up to the reported total, term by term.
    assert sum(p.cost.total for p in result.pairings) == pytest.approx(result.total_cost)


@pytest.mark.parametrize("seed", range(8))
def test_pruning_with_column_generation_equals_the_full_solve(seed):
    rng = random.Random(100 + seed)
    requests, volunteers = random_instance(rng, 80, 40)
    w = Weights(load_step=rng.choice([0.1, 1.0]))
    full = assign(requests, volunteers, weights=w, k=10_000)
    assert full.stats["kept_pairs"] == full.stats["eligible_pairs"]
    for k in (1, 3):
        pruned = assign(requests, volunteers, weights=w, k=k)
        assert pruned.stats["kept_pairs"] < pruned.stats["eligible_pairs"]
        assert len(pruned.pairings) == len(full.pairings)
        assert pruned.total_cost == pytest.approx(full.total_cost, abs=1e-9)
        check_feasible(pruned, requests, volunteers)


def test_column_generation_adds_pairs_when_the_cheapest_are_contended():
    # Three requests at Lyon; the nearest volunteer has one slot. With k = 1 everyone keeps only
    # the near one, so the next round must bring in the others: the answer is still optimal.
    requests = [req(f"r{i}") for i in range(3)]
    volunteers = [
        vol("near", LYON),
        vol("mid", VILLEURBANNE),
        vol("far", GRENOBLE, territories=[FR]),
    ]
    result = assign(requests, volunteers, k=1)
    assert result.stats["rounds"] >= 2
    assert len(result.pairings) == 3
    assert result.total_cost == pytest.approx(brute_force(requests, volunteers, Weights())[1])


def test_capacity_and_convex_load_spread_the_work():
    requests = [req("r1"), req("r2")]
    big = vol("big", LYON, capacity=2)
    other = vol("other", VILLEURBANNE, capacity=1)
    spread = assign(requests, [big, other], weights=Weights(load_step=1.0))
    assert {p.volunteer_id for p in spread.pairings} == {"big", "other"}
    packed = assign(requests, [big, other], weights=Weights(load_step=0.0))
    # Without a load cost the nearer volunteer takes both (within its capacity).
    assert [p.volunteer_id for p in packed.pairings] == ["big", "big"]
    assert {p.load_after for p in packed.pairings} == {2}
    full = vol("full", LYON, capacity=2, load=2)
    assert assign([req("r1")], [full]).unassigned[0].reason == REASON_FULL


def test_pairing_is_explained():
    result = assign([req("r1", family="agri")], [vol("v", VILLEURBANNE, capacity=2, years=8)])
    (pairing,) = result.pairings
    assert pairing.same_family and pairing.load_after == 1 and pairing.capacity == 2
    assert "à 3 km" in pairing.text
    assert "même famille de secteurs" in pairing.text
    assert "8 ans d'expérience" in pairing.text
    assert "charge après : 1/2" in pairing.text


def test_overrides_are_respected_and_the_rest_reoptimised():
    requests = [req("r1"), req("r2")]
    volunteers = [
        vol("near", LYON),
        vol("mid", VILLEURBANNE),
        vol("paris", PARIS, territories=[("departement", "75")]),
    ]
    first = assign(requests, volunteers)
    assert {p.volunteer_id for p in first.pairings} == {"near", "mid"}
    # The delegate sends r1 to Paris (outside its territory) and rules out r2 with "mid".
    again = reoptimise(requests, volunteers, fixed=[("r1", "paris")], forbidden=[("r2", "mid")])
    assert again.volunteer_of("r1") == "paris"
    assert again.volunteer_of("r2") == "near"
    assert next(p for p in again.pairings if p.request_id == "r1").fixed
    assert "imposé par le délégué" in next(p.text for p in again.pairings if p.fixed)
    # Imposed pairs use capacity: with "near" imposed on r1, r2 cannot have it too.
    third = reoptimise(requests, volunteers, fixed=[("r1", "near")])
    assert third.volunteer_of("r2") == "mid"


def test_overrides_that_cannot_hold_are_refused():
    requests = [req("r1"), req("r2")]
    volunteers = [vol("v"), vol("s", kind=KIND_SPONSOR)]
    with pytest.raises(ValueError, match="capacity"):
        reoptimise(requests, volunteers, fixed=[("r1", "v"), ("r2", "v")])
    with pytest.raises(ValueError, match="kind"):
        reoptimise(requests, volunteers, fixed=[("r1", "s")])
    with pytest.raises(ValueError):
        reoptimise(requests, volunteers, fixed=[("r1", "v")], forbidden=[("r1", "v")])
    with pytest.raises(ValueError):
        reoptimise(requests, volunteers, forbidden=[("nobody", "v")])


@pytest.mark.parametrize(
    ("request_", "volunteers", "reason"),
    [
        (req("r", kind=KIND_SPONSOR), [vol("v")], REASON_NO_KIND),
        (req("r", dep="38", where=GRENOBLE), [vol("v")], REASON_NO_TERRITORY),
        (req("r", topic="juridique"), [vol("v", topics=["rh"])], REASON_NO_TOPIC),
        (req("r"), [vol("v", capacity=1, load=1)], REASON_FULL),
    ],
)
def test_unassignable_requests_say_why(request_, volunteers, reason):
    result = assign([request_], volunteers)
    (unassigned,) = result.unassigned
    assert unassigned.reason == reason
    assert unassigned.text


def test_forbidden_and_contention_reasons_and_nearest_options():
    volunteers = [
        vol("only", LYON),
        vol("grenoble", GRENOBLE, territories=[("departement", "38")], capacity=2),
        vol("paris", PARIS, territories=[("departement", "75")]),
    ]
    banned = reoptimise([req("r1")], volunteers, forbidden=[("r1", "only")])
    assert banned.unassigned[0].reason == REASON_FORBIDDEN
    result = assign([req("r1", arrival=0), req("r2", VILLEURBANNE, arrival=1)], volunteers)
    (left,) = result.unassigned
    assert left.reason == REASON_CONTENTION
    assert "pris par d'autres demandes" in left.text
    # Nearest options ignore territory, prefer room, and say what stands in the way.
    assert [o.volunteer_id for o in left.nearest] == ["grenoble", "paris", "only"]
    assert not left.nearest[0].covers_territory and left.nearest[0].free_capacity == 2
    assert left.nearest[0].distance_km == pytest.approx(90, abs=10)
    assert left.nearest[-1].free_capacity == 0


def test_assigns_as_many_as_possible_before_cost():
    # r1 can go to a or b, r2 only to a: the cheap pairing r1–a would leave r2 out.
    r1 = req("r1")
    r2 = req("r2", topic="rh")
    a = vol("a", LYON, topics=["rh"])
    b = vol("b", GRENOBLE, territories=[FR])
    result = assign([r1, r2], [a, b])
    assert result.volunteer_of("r1") == "b" and result.volunteer_of("r2") == "a"
    # The first-come greedy takes a for r1 and strands r2.
    assert result.greedy.assigned == 1 and result.greedy.cost_ratio is None
    assert result.stats["greedy_unassigned_extra"] == 1


@pytest.mark.parametrize("seed", range(10))
def test_greedy_is_never_better(seed):
    rng = random.Random(500 + seed)
    requests, volunteers = random_instance(rng, 60, 25)
    result = assign(requests, volunteers)
    assert result.greedy.assigned <= len(result.pairings)
    if result.greedy.assigned == len(result.pairings):
        assert result.greedy.total_cost >= result.total_cost - 1e-9
        assert result.greedy.cost_ratio is None or result.greedy.cost_ratio >= 1 - 1e-12


def test_nothing_to_do():
    result = assign([], [vol("v")])
    assert result.pairings == () and result.unassigned == () and result.total_cost == 0
    lonely = assign([req("r")], [])
    assert lonely.unassigned[0].reason == REASON_NO_KIND and lonely.unassigned[0].nearest == ()
