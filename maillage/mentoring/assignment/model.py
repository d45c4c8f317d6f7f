"""The assignment's vocabulary: requests, volunteers, weights and overrides in; pairings,
reasons and the greedy baseline out. Plain dataclasses, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext

EARTH_RADIUS_KM = 6371.0088  # as maillage.territories.geo.haversine_km
DISTANCE_UNIT_KM = 100.0
DEFAULT_K = 12
"""Eligible volunteers kept per request before column generation; any K gives the same answer."""

KIND_SPONSOR = "sponsor"
KIND_MENTOR = "mentor"
KIND_AMBASSADOR = "ambassador"

Zone = tuple[str, str]
"""A territory as a (level, code) pair, as everywhere on the platform: ("departement", "69")."""


def _(message: str) -> str:
    """Translate through Django when its app registry is ready, else keep the French source.

    The algorithm also runs without Django set up (tests, benchmarks); the strings are still
    extracted by ``makemessages`` because they go through a function named ``_``.
    """
    if apps.ready and settings.configured:
        return gettext(message)
    return message


def _num(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


# --- Input ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """An open request from a new cooperative.

    ``zones`` are all the zones that contain the cooperative's place (its commune, EPCI,
    département, région, union, ("france", "FR")), so that a volunteer covering any of them
    covers the request. ``topic`` None means any volunteer of the right kind will do. ``arrival``
    orders requests for the first-come baseline (ties keep input order).
    """

    id: str
    kind: str
    sector_family: str
    latitude: float
    longitude: float
    zones: frozenset[Zone]
    topic: str | None = None
    arrival: float = 0.0


@dataclass(frozen=True)
class Volunteer:
    """A sponsor cooperative or a mentor, with what it covers and how much room it has."""

    id: str
    kind: str
    sector_families: frozenset[str]
    territories: frozenset[Zone]
    latitude: float
    longitude: float
    capacity: int
    current_load: int = 0
    experience_years: float = 0.0
    topics: frozenset[str] = frozenset()
    name: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Weights:
    """The cost of a pairing, in points: per 100 km, for a different sector family, for lack of
    experience (linear up to ``full_experience_years``), and per unit of load already carried."""

    distance_per_100km: float = 1.0
    sector_mismatch: float = 0.5
    inexperience: float = 0.5
    load_step: float = 0.3
    full_experience_years: float = 10.0


@dataclass(frozen=True)
class Overrides:
    """A delegate's decisions: pairs imposed (honoured even outside the volunteer's territory or
    topics, but never beyond its capacity or across kinds) and pairs ruled out."""

    fixed: frozenset[tuple[str, str]] = frozenset()
    forbidden: frozenset[tuple[str, str]] = frozenset()


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """The terms of one pairing's cost (the load term is the marginal cost of its slot)."""

    distance_km: float
    distance: float
    sector: float
    inexperience: float
    load: float

    @property
    def total(self) -> float:
        return self.distance + self.sector + self.inexperience + self.load


@dataclass(frozen=True)
class Pairing:
    """One proposed pairing, with the facts behind it and a sentence that says them."""

    request_id: str
    volunteer_id: str
    cost: Cost
    same_family: bool
    experience_years: float
    load_after: int
    capacity: int
    fixed: bool
    text: str


@dataclass(frozen=True)
class NearOption:
    """A volunteer a delegate might ask anyway, and what keeps it from being eligible."""

    volunteer_id: str
    distance_km: float
    covers_territory: bool
    knows_topic: bool
    free_capacity: int


@dataclass(frozen=True)
class Unassigned:
    """A request left without a pairing: the reason (a code and a sentence) and options."""

    request_id: str
    reason: str
    text: str
    nearest: tuple[NearOption, ...]


@dataclass(frozen=True)
class Baseline:
    """The first-come greedy: each request, in arrival order, takes its cheapest volunteer."""

    assigned: int
    total_cost: float
    cost_ratio: float | None  # greedy / optimum, when both assign the same number
    pairs: tuple[tuple[str, str], ...] = ()  # (request id, volunteer id), fixed pairs included


@dataclass(frozen=True)
class AssignmentResult:
    """The proposal for all open requests, with its certificate and the greedy beside it."""

    pairings: tuple[Pairing, ...]
    unassigned: tuple[Unassigned, ...]
    total_cost: float
    proven_optimal: bool
    greedy: Baseline
    solve_seconds: float
    stats: Mapping[str, int] = field(default_factory=dict)

    def volunteer_of(self, request_id: str) -> str | None:
        return next((p.volunteer_id for p in self.pairings if p.request_id == request_id), None)


# Reason codes, most fundamental first.
REASON_NO_KIND = "no_kind"
REASON_NO_TERRITORY = "no_territory"
REASON_NO_TOPIC = "no_topic"
REASON_FULL = "full"
REASON_FORBIDDEN = "forbidden"
REASON_CONTENTION = "contention"
