"""From requests and volunteers to a sparse cost structure: distances, eligibility, costs."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .model import DISTANCE_UNIT_KM, EARTH_RADIUS_KM, Overrides, Request, Volunteer, Weights, Zone

# --- Problem ----------------------------------------------------------------------------------


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many (same formula as territories.geo.haversine_km)."""
    phi1, phi2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points as unit vectors, so that many distances need one square root each."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord_km(lat: float, lon: float, xyz: np.ndarray) -> np.ndarray:
    """Great-circle km from one point to many unit vectors: 2R·asin(chord / 2), which is the
    haversine formula written with the chord, exact and cheaper."""
    here = _unit(np.array([lat]), np.array([lon]))[0]
    # |a − b|² = 2 − 2 a·b for unit vectors; the cancellation costs well under a metre.
    chord = np.sqrt(np.maximum(2.0 - 2.0 * (xyz @ here), 0.0))
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / 2))


def _km(req: Request, problem: _Problem, j: int) -> float:
    return float(_haversine(req.latitude, req.longitude, problem.lat[[j]], problem.lon[[j]])[0])


@dataclass
class _Problem:
    """Volunteers as arrays, the zone index, and every eligible (request, volunteer) pair in CSR
    form (``ptr`` over open requests) with its pair cost (everything but the load term)."""

    requests: list[Request]
    volunteers: list[Volunteer]
    weights: Weights
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray
    experience: np.ndarray
    load: np.ndarray  # current load plus fixed pairs
    free: np.ndarray  # capacity − load
    families: list[frozenset[str]]
    topics: list[frozenset[str]]
    family_matrix: np.ndarray  # volunteer × family vocabulary, bool
    family_code: dict[str, int]
    topic_matrix: np.ndarray  # volunteer × topic vocabulary, bool
    topic_code: dict[str, int]
    by_zone: dict[Zone, np.ndarray]
    forbidden: dict[int, set[int]]
    open_rows: list[int]  # request indices still to assign
    ptr: np.ndarray
    vol: np.ndarray
    base: np.ndarray

    def slot_cost(self, v: np.ndarray | int, k: np.ndarray | int) -> np.ndarray:
        """Marginal load cost of a volunteer's k-th free slot (k from 0)."""
        return self.weights.load_step * (self.load[v] + k)


def _vocabulary(sets: Sequence[frozenset[str]]) -> tuple[np.ndarray, dict[str, int]]:
    """A boolean membership matrix (item × word) so that lookups stay vectorised."""
    code = {word: n for n, word in enumerate(sorted(set().union(*sets)))} if sets else {}
    matrix = np.zeros((len(sets), max(1, len(code))), dtype=bool)
    rows = [row for row, words in enumerate(sets) for _w in words]
    cols = [code[w] for words in sets for w in words]
    matrix[rows, cols] = True
    return matrix, code


def _has(matrix: np.ndarray, code: Mapping[str, int], word: str, idx: np.ndarray) -> np.ndarray:
    if word not in code:
        return np.zeros(len(idx), dtype=bool)
    return matrix[idx, code[word]]


def _pair_costs(
    weights: Weights,
    km: np.ndarray,
    same_family: np.ndarray,
    experience: np.ndarray,
) -> np.ndarray:
    mismatch = ~same_family
    green = np.clip(1.0 - experience / weights.full_experience_years, 0.0, 1.0)
    return (
        weights.distance_per_100km * km / DISTANCE_UNIT_KM
        + weights.sector_mismatch * mismatch
        + weights.inexperience * green
    )


def _problem(
    requests: Sequence[Request],
    volunteers: Sequence[Volunteer],
    weights: Weights,
    overrides: Overrides,
) -> tuple[_Problem, list[tuple[int, int]]]:
    req_index = {r.id: i for i, r in enumerate(requests)}
    vol_index = {v.id: j for j, v in enumerate(volunteers)}
    if len(req_index) != len(requests) or len(vol_index) != len(volunteers):
        raise ValueError("Duplicate request or volunteer id.")
    for v in volunteers:
        if v.capacity < 0 or v.current_load < 0:
            raise ValueError(f"Volunteer {v.id}: capacity and load must be ≥ 0.")

    def resolve(pairs: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
        out = []
        for r_id, v_id in pairs:
            if r_id not in req_index or v_id not in vol_index:
                raise ValueError(f"Unknown request or volunteer in override ({r_id}, {v_id}).")
            out.append((req_index[r_id], vol_index[v_id]))
        return out

    fixed = resolve(overrides.fixed)
    forbidden_pairs = resolve(overrides.forbidden)
    if set(fixed) & set(forbidden_pairs):
        raise ValueError("A pair cannot be both imposed and ruled out.")
    if len({i for i, _j in fixed}) != len(fixed):
        raise ValueError("A request can be imposed on one volunteer only.")
    load = np.array([v.current_load for v in volunteers], dtype=np.int64)
    for i, j in fixed:
        if requests[i].kind != volunteers[j].kind:
            raise ValueError(
                f"Imposed pair ({requests[i].id}, {volunteers[j].id}): not the same kind."
            )
        load[j] += 1
    capacity = np.array([v.capacity for v in volunteers], dtype=np.int64)
    over = np.flatnonzero(load > np.maximum(capacity, [v.current_load for v in volunteers]))
    if len(over):
        raise ValueError(
            f"Imposed pairs exceed the capacity of volunteer {volunteers[over[0]].id}."
        )
    free = np.maximum(capacity - load, 0)

    kinds = sorted({v.kind for v in volunteers} | {r.kind for r in requests})
    kind_code = {k: n for n, k in enumerate(kinds)}
    lat = np.array([v.latitude for v in volunteers], dtype=float)
    lon = np.array([v.longitude for v in volunteers], dtype=float)
    kind = np.array([kind_code[v.kind] for v in volunteers], dtype=np.int64)
    xyz = _unit(lat, lon)
    experience = np.array([v.experience_years for v in volunteers], dtype=float)
    families = [v.sector_families for v in volunteers]
    topics = [v.topics for v in volunteers]
    family_matrix, family_code = _vocabulary(families)
    topic_matrix, topic_code = _vocabulary(topics)
    zone_lists: dict[Zone, list[int]] = {}
    room_lists: dict[tuple[int, Zone], list[int]] = {}
    for j, v in enumerate(volunteers):
        for zone in v.territories:
            zone_lists.setdefault(zone, []).append(j)
            if free[j] > 0:
                room_lists.setdefault((int(kind[j]), zone), []).append(j)
    by_zone = {z: np.asarray(js, dtype=np.int64) for z, js in zone_lists.items()}
    # The eligibility index: volunteers with room, by (kind, zone).
    with_room = {key: np.asarray(js, dtype=np.int64) for key, js in room_lists.items()}
    forbidden: dict[int, set[int]] = {}
    for i, j in forbidden_pairs:
        forbidden.setdefault(i, set()).add(j)

    fixed_rows = {i for i, _j in fixed}
    open_rows = [i for i in range(len(requests)) if i not in fixed_rows]
    ptr = [0]
    vols: list[np.ndarray] = []
    bases: list[np.ndarray] = []
    empty = np.zeros(0, dtype=np.int64)
    for i in open_rows:
        req = requests[i]
        idx = _eligible(req, kind_code[req.kind], with_room, forbidden.get(i, set()))
        if req.topic is not None:
            idx = idx[_has(topic_matrix, topic_code, req.topic, idx)]
        km = _chord_km(req.latitude, req.longitude, xyz[idx])
        same = _has(family_matrix, family_code, req.sector_family, idx)
        vols.append(idx)
        bases.append(_pair_costs(weights, km, same, experience[idx]))
        ptr.append(ptr[-1] + len(idx))
    problem = _Problem(
        requests=list(requests),
        volunteers=list(volunteers),
        weights=weights,
        lat=lat,
        lon=lon,
        kind=kind,
        experience=experience,
        load=load,
        free=free,
        families=families,
        topics=topics,
        family_matrix=family_matrix,
        family_code=family_code,
        topic_matrix=topic_matrix,
        topic_code=topic_code,
        by_zone=by_zone,
        forbidden=forbidden,
        open_rows=open_rows,
        ptr=np.asarray(ptr, dtype=np.int64),
        vol=np.concatenate(vols) if vols else empty,
        base=np.concatenate(bases) if bases else np.zeros(0),
    )
    return problem, fixed


def _eligible(
    req: Request,
    kind_code: int,
    with_room: Mapping[tuple[int, Zone], np.ndarray],
    forbidden: set[int],
) -> np.ndarray:
    """Volunteers of the request's kind and zones, with room, not ruled out (topic: caller)."""
    lists = [with_room[key] for z in req.zones if (key := (kind_code, z)) in with_room]
    if not lists:
        return np.zeros(0, dtype=np.int64)
    idx = lists[0] if len(lists) == 1 else np.unique(np.concatenate(lists))
    if forbidden:
        idx = idx[~np.isin(idx, list(forbidden))]
    return idx
