"""Rank the suppliers that can serve a need: pure functions fed plain data (candidate dicts).

A candidate is an organisation or a public CAE entrepreneur; it brings *activities*: each of its
active offers, plus its own NAF registration (an activity with no offer, delivered within
``IMPLICIT_RADIUS_KM`` of its nearest establishment). Each activity is scored against the need
and the candidate keeps its best one. The score, in [0, 1], is a weighted sum::

    score = 0.35·sector + 0.25·text + 0.15·zone + 0.10·distance + 0.05·size + 0.10·answers

- **sector**: closeness in the NAF hierarchy between the activity's code and the closest of the
  need's codes (``sector_closeness``): inside the node asked for or the same sub-class 1.0,
  same class 0.75, group 0.5, division 0.3, section 0.1, else 0.
- **text**: BM25 of the activity's title, description and keywords against the need's title and
  description, normalised to [0, 1] (``relevance.BM25.normalised``).
- **zone**: 1 when the activity's intervention zone covers the whole place of execution (all of
  France; a zone that is the place or contains it, matched up the hierarchy commune → EPCI →
  département → région; a radius from its origin reaching the place's point), 0.5 when it covers
  part of it (a zone inside the place, or a radius reaching it within the place's extent), 0 when
  it does not reach it: such an activity is not eligible at all.
- **distance**: ``1 / (1 + km / 25)`` from the nearest establishment (or the offer's origin) to
  the place's reference point: 1 on site, 0.5 at 25 km, 0.2 at 100 km.
- **size**: whether the headcount suits the budget band (``BUDGET_MIN_HEADCOUNT``); 0.5 unknown.
- **answers**: responsiveness to earlier needs, ``(answered + 1) / (solicited + 2)`` (Laplace's
  rule: 0.5 with no history, so newcomers are neither favoured nor punished).

An activity is eligible when its zone reaches the place and it is close enough in the NAF tree
(division or better) or says enough of the need's words (text ≥ ``MIN_TEXT``). Each match
carries its reasons in plain French ("même sous-classe NAF 43.32A", "intervient dans tout le
département Rhône (69)", "à 12 km", "a répondu à 3 besoins sur 4").

``alert_matches`` decides whether a subscription (sectors and territory) wants a need.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NotRequired, TypedDict

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from maillage.territories.geo import haversine_km

from .relevance import BM25, term_counts, tokens

Zone = tuple[str, str]
Point = tuple[float, float]

IMPLICIT_RADIUS_KM = 50.0
"""Where an organisation without a published offer is assumed to work around its sites."""

MIN_SECTOR = 0.3
"""Division or closer: below that, only the text can make an activity eligible."""

MIN_TEXT = 0.35
"""Share of the need's words (idf-weighted) an activity must say to be eligible on text alone."""

DISTANCE_HALF_KM = 25.0

# Rough radius of each level of place, to judge a radius that reaches a wide place partly.
PLACE_EXTENT_KM = {"commune": 3.0, "epci": 15.0, "departement": 50.0, "region": 150.0}

BUDGET_MIN_HEADCOUNT = {"": 0, "lt40k": 0, "lt90k": 1, "lt221k": 3, "lt1m": 6, "gt1m": 10}

_CLOSENESS = {5: 1.0, 4: 0.75, 3: 0.5, 2: 0.3, 1: 0.1, 0: 0.0}


def _(message: str) -> str:
    """Translate through Django when it is set up, else keep the French source (benchmarks)."""
    if apps.ready and settings.configured:
        return gettext(message)
    return message


@dataclass(frozen=True)
class Weights:
    """Weights of the score's components; they sum to 1 so the score stays in [0, 1]."""

    sector: float = 0.35
    text: float = 0.25
    zone: float = 0.15
    distance: float = 0.10
    size: float = 0.05
    answers: float = 0.10


DEFAULT_WEIGHTS = Weights()


# --- Input ------------------------------------------------------------------------------------


class ActivityDict(TypedDict):
    """An offer (or, with ``offer_id`` None, the supplier's own NAF registration)."""

    offer_id: int | None
    title: str
    text: str
    sector_code: str | None
    section: str | None
    zone_mode: str  # "france" | "radius" | "zones"
    radius_km: NotRequired[float | None]
    origin: NotRequired[Point | None]
    zones: NotRequired[Sequence[Zone]]


class CandidateDict(TypedDict):
    """A supplier: an organisation, or a public CAE entrepreneur (``entrepreneur_id`` set)."""

    key: str
    organisation_id: int
    entrepreneur_id: int | None
    name: str
    family: str
    headcount: int | None
    points: Sequence[Point]
    activities: Sequence[ActivityDict]
    solicited: int
    answered: int


@dataclass(frozen=True)
class SectorRef:
    """A NAF node asked for by a need: its code ("43.32A", "43.3", "F") and its section letter."""

    code: str
    section: str


@dataclass(frozen=True)
class PlaceSpec:
    """The place of execution as codes.

    ``zones`` are the place itself and every zone containing it (its ancestry, up to France);
    ``inner`` are zones strictly inside it (the EPCI and communes of a département…), used to
    recognise partial coverage; ``labels`` give display names for reasons.
    """

    level: str
    code: str
    label: str
    point: Point | None
    zones: frozenset[Zone]
    inner: frozenset[Zone] = frozenset()
    labels: Mapping[Zone, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NeedSpec:
    """What is matched: the text, the NAF nodes, the place and the budget band."""

    text: str
    sectors: tuple[SectorRef, ...]
    place: PlaceSpec
    budget_band: str = ""


@dataclass(frozen=True)
class Match:
    """One ranked supplier, its best activity, the score's components and the reasons."""

    key: str
    organisation_id: int
    entrepreneur_id: int | None
    offer_id: int | None
    name: str
    score: float
    components: dict[str, float]
    distance_km: float | None
    reasons: list[str]


# --- Sector closeness -------------------------------------------------------------------------

_LEVEL_NAMES = {1: "section", 2: "division", 3: "groupe", 4: "classe", 5: "sous-classe"}


def naf_chain(code: str, section: str | None) -> list[str]:
    """The codes from the section down to ``code``: "43.32A" → ["F", "43", "43.3", "43.32",
    "43.32A"]; a section's letter alone → ["F"]."""
    return list(_naf_chain(code, section))


@lru_cache(maxsize=4096)
def _naf_chain(code: str, section: str | None) -> tuple[str, ...]:
    # The NAF has 1,728 nodes: every chain is built once per process.
    if code.isalpha():
        return (code,)
    digits = code.replace(".", "")
    chain = [section or "?", digits[:2]]
    if len(digits) >= 3:
        chain.append(f"{digits[:2]}.{digits[2]}")
    if len(digits) >= 4:
        chain.append(f"{digits[:2]}.{digits[2:4]}")
    if len(digits) >= 5:
        chain.append(code)
    return tuple(chain)


@dataclass(frozen=True)
class Closeness:
    """How close two NAF nodes are: the score, the shared level (1–5) and the shared code."""

    score: float
    level: int
    code: str
    inside: bool


def sector_closeness(need: SectorRef, code: str | None, section: str | None) -> Closeness:
    """Closeness of an activity's NAF code to a node the need asked for.

    An activity inside the node asked for (or the same sub-class) scores 1; otherwise the deepest
    common ancestor decides: class 0.75, group 0.5, division 0.3, section 0.1.
    """
    if not code:
        return Closeness(0.0, 0, "", False)
    wanted = _naf_chain(need.code, need.section)
    have = _naf_chain(code, section)
    if have[: len(wanted)] == wanted:
        return Closeness(1.0, len(wanted), wanted[-1], True)
    shared = 0
    for a, b in zip(wanted, have, strict=False):
        if a != b:
            break
        shared += 1
    return Closeness(_CLOSENESS[shared], shared, have[shared - 1] if shared else "", False)


def _closeness_reason(closeness: Closeness) -> str:
    level = _LEVEL_NAMES.get(closeness.level, "")
    if closeness.inside and closeness.level == 5:
        return _("même sous-classe NAF {code}").format(code=closeness.code)
    if closeness.inside:
        template = {
            1: "dans la section NAF {code} demandée",
            2: "dans la division NAF {code} demandée",
            3: "dans le groupe NAF {code} demandé",
            4: "dans la classe NAF {code} demandée",
        }[closeness.level]
        return _(template).format(code=closeness.code)
    return _("même {level} NAF {code}").format(level=level, code=closeness.code)


# --- Zone -------------------------------------------------------------------------------------

_ZONE_REASONS = {
    "commune": gettext_noop("intervient à {label}"),
    "epci": gettext_noop("intervient dans toute l'intercommunalité {label}"),
    "departement": gettext_noop("intervient dans tout le département {label}"),
    "region": gettext_noop("intervient dans toute la région {label}"),
    "union": gettext_noop("intervient sur tout le territoire de l'union {label}"),
}


def _km(value: float) -> str:
    return f"{value:.0f}"


_ZONE_FRANCE = gettext_noop("intervient dans toute la France")
_ZONE_PART = gettext_noop("intervient sur une partie du lieu : {label}")
_ZONE_OTHER = gettext_noop("intervient sur {label}")
_RADIUS_SITE = gettext_noop("établissement à {km} km du lieu")
_RADIUS_IN = gettext_noop("intervient dans un rayon de {radius} km")
_RADIUS_PART = gettext_noop("son rayon de {radius} km atteint une partie du lieu")

ZoneReason = tuple[str, tuple[tuple[str, str], ...]]
"""A reason not yet translated: its French template and its parameters."""

_NO_REASON: ZoneReason = ("", ())


def _reason_text(reason: ZoneReason) -> str:
    template, params = reason
    return _(template).format(**dict(params)) if template else ""


def _zone_score(
    activity: ActivityDict, place: PlaceSpec, nearest: Point | None, nearest_km: float | None
) -> tuple[float, ZoneReason]:
    """``zone_cover`` with the reason left untranslated (``nearest_km``: from ``nearest``)."""
    mode = activity["zone_mode"]
    if mode == "france":
        return 1.0, (_ZONE_FRANCE, ())
    if mode == "zones":
        zones = activity.get("zones") or ()
        for zone in zones:
            if zone in place.zones:
                label = place.labels.get(zone, zone[1])
                return 1.0, (_ZONE_REASONS.get(zone[0], _ZONE_OTHER), (("label", label),))
        for zone in zones:
            if zone in place.inner:
                return 0.5, (_ZONE_PART, (("label", place.labels.get(zone, zone[1])),))
        return 0.0, _NO_REASON
    # Radius: around the offer's origin, or (own registration) around the nearest site.
    radius = activity.get("radius_km")
    origin = activity.get("origin")
    implicit = activity["offer_id"] is None
    if implicit:
        radius = IMPLICIT_RADIUS_KM
    if not radius or place.point is None:
        return 0.0, _NO_REASON
    if origin is not None:
        km = haversine_km(origin[0], origin[1], place.point[0], place.point[1])
    elif nearest is not None and nearest_km is not None:
        km = nearest_km
    else:
        return 0.0, _NO_REASON
    if km <= radius:
        if implicit:
            return 1.0, (_RADIUS_SITE, (("km", _km(km)),))
        return 1.0, (_RADIUS_IN, (("radius", _km(radius)),))
    if km <= radius + PLACE_EXTENT_KM.get(place.level, 0.0):
        return 0.5, (_RADIUS_PART, (("radius", _km(radius)),))
    return 0.0, _NO_REASON


def zone_cover(
    activity: ActivityDict, place: PlaceSpec, nearest: Point | None
) -> tuple[float, str]:
    """Whether the activity's intervention zone covers the place: (1, 0.5 or 0, reason)."""
    nearest_km = (
        haversine_km(nearest[0], nearest[1], place.point[0], place.point[1])
        if nearest is not None and place.point is not None
        else None
    )
    score, reason = _zone_score(activity, place, nearest, nearest_km)
    return score, _reason_text(reason)


def nearest_point(
    points: Iterable[Point], target: Point | None
) -> tuple[Point | None, float | None]:
    """The candidate's point closest to the place, and its distance in km."""
    if target is None:
        return None, None
    best: Point | None = None
    best_km: float | None = None
    for point in points:
        km = haversine_km(point[0], point[1], target[0], target[1])
        if best_km is None or km < best_km:
            best, best_km = point, km
    return best, best_km


def distance_score(km: float | None) -> float:
    """1 on site, 0.5 at 25 km, 0.2 at 100 km; 0.3 when the distance is unknown."""
    if km is None:
        return 0.3
    return 1.0 / (1.0 + km / DISTANCE_HALF_KM)


def size_score(headcount: int | None, budget_band: str) -> float:
    """1 when the headcount reaches what the budget band suggests, less below; 0.5 unknown."""
    if headcount is None:
        return 0.5
    wanted = BUDGET_MIN_HEADCOUNT.get(budget_band, 0)
    if headcount >= wanted:
        return 1.0
    return (headcount + 1) / (wanted + 1)


def answers_score(answered: int, solicited: int) -> float:
    """Laplace's rule of succession on earlier answers: 0.5 with no history."""
    return (answered + 1) / (solicited + 2)


# --- Ranking ----------------------------------------------------------------------------------


def _activity_text(activity: ActivityDict) -> str:
    return f"{activity['title']} {activity['text']}"


_NO_CLOSENESS = Closeness(0.0, 0, "", False)


def rank(
    need: NeedSpec,
    candidates: Sequence[CandidateDict],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
    limit: int = 50,
) -> list[Match]:
    """The ``limit`` best suppliers for the need, best first (ties by name), with reasons.

    Zone and sector are checked first; text relevance is only computed for activities whose
    zone reaches the place, over those activities (their BM25 statistics). Reasons are put into
    words for the ``limit`` shown only.
    """
    place = need.place
    query = tokens(need.text)
    # The same few NAF codes recur across thousands of activities: one closeness per code.
    closeness_memo: dict[tuple[str | None, str | None], Closeness] = {}

    def closeness_of(code: str | None, section: str | None) -> Closeness:
        found = closeness_memo.get((code, section))
        if found is None:
            found = max(
                (sector_closeness(s, code, section) for s in need.sectors),
                key=lambda c: c.score,
                default=_NO_CLOSENESS,
            )
            closeness_memo[(code, section)] = found
        return found

    # Pass 1: zone and sector, cheap; keeps what can still be eligible.
    kept: list[tuple[int, int, float, ZoneReason, Closeness, float | None]] = []
    documents: list[tuple[int, Mapping[str, int]]] = []
    for ci, candidate in enumerate(candidates):
        nearest, nearest_km = nearest_point(candidate["points"], place.point)
        for ai, activity in enumerate(candidate["activities"]):
            zone, zone_reason = _zone_score(activity, place, nearest, nearest_km)
            if zone <= 0:
                continue
            closeness = closeness_of(activity["sector_code"], activity["section"])
            origin = activity.get("origin")
            km = nearest_km
            if origin is not None and place.point is not None:
                km = haversine_km(origin[0], origin[1], place.point[0], place.point[1])
            kept.append((ci, ai, zone, zone_reason, closeness, km))
            if query:
                documents.append(term_counts(_activity_text(activity)))
    bm25 = BM25.from_counts(documents) if query else None

    budget_band = need.budget_band
    best: dict[
        int, tuple[float, int, dict[str, float], tuple[int, Closeness, ZoneReason, float | None]]
    ]
    best = {}
    for di, (ci, ai, zone, zone_reason, closeness, km) in enumerate(kept):
        text = bm25.normalised(query, di) if bm25 is not None else 0.0
        if closeness.score < MIN_SECTOR and text < MIN_TEXT:
            continue
        candidate = candidates[ci]
        components = {
            "sector": closeness.score,
            "text": text,
            "zone": zone,
            "distance": distance_score(km),
            "size": size_score(candidate["headcount"], budget_band),
            "answers": answers_score(candidate["answered"], candidate["solicited"]),
        }
        score = (
            weights.sector * components["sector"]
            + weights.text * components["text"]
            + weights.zone * components["zone"]
            + weights.distance * components["distance"]
            + weights.size * components["size"]
            + weights.answers * components["answers"]
        )
        previous = best.get(ci)
        if previous is not None and previous[0] >= score:
            continue
        best[ci] = (score, ai, components, (di, closeness, zone_reason, km))

    top = heapq.nsmallest(
        limit, best.items(), key=lambda item: (-item[1][0], candidates[item[0]]["name"])
    )
    return [
        _match(candidates[ci], ai, score, components, (di, closeness, zone_reason, km), bm25, query)
        for ci, (score, ai, components, (di, closeness, zone_reason, km)) in top
    ]


def _match(
    candidate: CandidateDict,
    ai: int,
    score: float,
    components: dict[str, float],
    why: tuple[int, Closeness, ZoneReason, float | None],
    bm25: BM25 | None,
    query: Sequence[str],
) -> Match:
    """A ranked supplier with its reasons in words (translating them is most of the cost, so
    only for what is shown)."""
    activity = candidate["activities"][ai]
    di, closeness, zone_reason, km = why
    reasons: list[str] = []
    if closeness.score > 0:
        reasons.append(_closeness_reason(closeness))
    if components["text"] > 0 and bm25 is not None:
        words = bm25.matched_terms(query, di)
        reasons.append(
            _("offre « {title} » : {count} mot(s) du besoin").format(
                title=activity["title"], count=len(words)
            )
            if activity["offer_id"] is not None
            else _("sa présentation reprend {count} mot(s) du besoin").format(count=len(words))
        )
    reasons.append(_reason_text(zone_reason))
    if km is not None:
        reasons.append(_("à {km} km").format(km=_km(km)))
    if candidate["solicited"]:
        reasons.append(
            _("a répondu à {answered} besoin(s) sur {solicited}").format(
                answered=candidate["answered"], solicited=candidate["solicited"]
            )
        )
    return Match(
        key=candidate["key"],
        organisation_id=candidate["organisation_id"],
        entrepreneur_id=candidate["entrepreneur_id"],
        offer_id=activity["offer_id"],
        name=candidate["name"],
        score=round(score, 4),
        components={k: round(v, 4) for k, v in components.items()},
        distance_km=round(km, 1) if km is not None else None,
        reasons=reasons,
    )


# --- Alerts -----------------------------------------------------------------------------------


def alert_matches(
    *,
    alert_sectors: Sequence[SectorRef],
    alert_zone: Zone,
    need_sectors: Sequence[SectorRef],
    need_zones: Iterable[Zone],
) -> bool:
    """Whether a subscription wants a need.

    Sectors: none means every sector; otherwise one of the need's nodes must be inside one of
    the alert's nodes or contain it (an alert on 43 wants a need in 43.32A, and an alert on
    43.32A wants a need asking for the whole division 43). Territory: the need's place (or one of
    its lots' places) lies inside the alert's zone, given as the places' ancestries.
    """
    if alert_zone[0] != "france" and alert_zone not in set(need_zones):
        return False
    if not alert_sectors:
        return True
    for wanted in alert_sectors:
        for asked in need_sectors:
            if sector_closeness(wanted, asked.code, asked.section).inside:
                return True
            if sector_closeness(asked, wanted.code, wanted.section).inside:
                return True
    return False
