"""Reads of the directory map: clusters for a viewport, and the establishments at one place.

The points of a search are loaded once into a per-process `GridIndex` (see clustering.py and
docs/decisions/map-clustering.md) and kept for the following requests: panning and zooming the
map then costs a few milliseconds and one small query (the cards of the single points drawn),
whatever the number of establishments. An index is kept per search (the filters of the search
form), a few searches at a time, most recently used first.

Freshness: every FRESHNESS_SECONDS an index checks, in one aggregate query, that the set it
holds (count, sum of ids, latest update) is still what the database says; a changed set is
rebuilt. `map_points_changed()` drops every index at once, in this process and (through the
cache version) in the others when the cache is shared; writes that move points in bulk call
it. An index is rebuilt anyway after MAX_AGE_SECONDS, for writes that bypass both. Cards are
always read from the database, so a point whose organisation has just been hidden is never
described, even before its index is refreshed.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum

from .clustering import Bbox, Clusters, GridIndex, unproject
from .enums import PointPrecision
from .filters import SearchQuery
from .models import Establishment
from .search import establishments_matching

FRESHNESS_SECONDS = 30
MAX_AGE_SECONDS = 600
MAX_INDEXES = 8
LIST_LIMIT = 50
NAME_MAX = 120  # characters of a name on a card
POINT_NAME_MAX = 60  # on a point (its label): keeps a screen full of points small
VERSION_KEY = "directory:map-index-version"
# URL parameters that change the order or the page of the list, not the set of points.
NOT_FILTERS = ("page", "tri")


def establishments_on_map(query: SearchQuery) -> QuerySet[Establishment]:
    """The establishments of the search that have a public point on the map.

    Partial diffusion (SIRENE "P") never has a point; the explicit conditions are a second lock
    on that door, independent of how the search builds its queryset.
    """
    return (
        establishments_matching(query)
        .filter(latitude__isnull=False, longitude__isnull=False, diffusion_partial=False)
        .exclude(point_precision=PointPrecision.NONE)
        .order_by()
    )


def query_key(query: SearchQuery) -> str:
    """A stable key for the set of points of a search (order and page left out)."""
    params = query.to_params()
    for name in NOT_FILTERS:
        params.pop(name, None)
    return "&".join(f"{k}={v}" for k, values in sorted(params.lists()) for v in sorted(values))


# --- Per-process indexes ----------------------------------------------------------------------


@dataclass
class _Entry:
    index: GridIndex
    fingerprint: tuple[Any, ...]
    built_at: float
    checked_at: float
    version: int


_indexes: OrderedDict[str, _Entry] = OrderedDict()
_lock = threading.Lock()


def _fingerprint(queryset: QuerySet[Establishment]) -> tuple[Any, ...]:
    row = queryset.aggregate(n=Count("id"), ids=Sum("id"), updated=Max("updated_at"))
    return (row["n"], row["ids"] or 0, row["updated"])


def _version() -> int:
    return int(cache.get(VERSION_KEY, 0))


def map_points_changed() -> None:
    """Forget every map index: the next request rebuilds from the database.

    Call after writes that move, add or hide points in bulk (imports, demo generation).
    """
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)
    with _lock:
        _indexes.clear()


def _build(queryset: QuerySet[Establishment], version: int) -> _Entry:
    fingerprint = _fingerprint(queryset)
    rows = list(queryset.values_list("id", "latitude", "longitude"))
    data = np.array(rows, dtype=np.float64).reshape(-1, 3)
    index = GridIndex.from_degrees(data[:, 0].astype(np.int64), data[:, 1], data[:, 2])
    now = time.monotonic()
    return _Entry(index, fingerprint, now, now, version)


def map_index_get(query: SearchQuery) -> GridIndex:
    """The index of the points of `query`, built or refreshed when needed."""
    key = query_key(query)
    version = _version()
    now = time.monotonic()
    with _lock:
        entry = _indexes.get(key)
        if entry is not None:
            _indexes.move_to_end(key)
    if entry is not None and (entry.version != version or now - entry.built_at > MAX_AGE_SECONDS):
        entry = None
    if entry is not None and now - entry.checked_at > FRESHNESS_SECONDS:
        if _fingerprint(establishments_on_map(query)) == entry.fingerprint:
            entry.checked_at = now
        else:
            entry = None
    if entry is None:
        entry = _build(establishments_on_map(query), version)
        with _lock:
            _indexes[key] = entry
            _indexes.move_to_end(key)
            while len(_indexes) > MAX_INDEXES:
                _indexes.popitem(last=False)
    return entry.index


def map_index_clear() -> None:
    """Drop this process's indexes (tests, and after a restore)."""
    with _lock:
        _indexes.clear()


# --- Payloads ---------------------------------------------------------------------------------


def _cards(ids: list[int]) -> dict[int, list[Any]]:
    """The card of each establishment (id → [name, enseigne, slug, family, commune, demo]).

    Read with the visibility conditions again, so a card hidden since the index was built is
    simply not drawn.
    """
    if not ids:
        return {}
    rows = (
        Establishment.objects.filter(
            pk__in=ids,
            is_active=True,
            organisation__is_published=True,
            diffusion_partial=False,
            latitude__isnull=False,
        )
        .order_by()
        .values_list(
            "id",
            "name",
            "organisation__name",
            "organisation__slug",
            "organisation__family",
            "organisation__is_synthetic",
            "commune__name",
            "commune__departement_id",
        )
    )
    cards = {}
    for pk, sign, org_name, slug, family, synthetic, commune, departement in rows:
        place = f"{commune} ({departement})" if commune else ""
        enseigne = sign if sign and sign != org_name else ""
        cards[pk] = [_short(org_name), _short(enseigne), slug, family, place, int(synthetic)]
    return cards


def _short(text: str, limit: int = NAME_MAX) -> str:
    """A name cut for a card (a raison sociale may run to 255 characters)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _round(values: np.ndarray, digits: int) -> list[float]:
    return [round(float(v), digits) for v in values]


def clusters_payload(clusters: Clusters, zoom: int) -> dict[str, Any]:
    """Compact JSON for the map (short keys, rounded degrees).

    `n`: establishments in the viewport; `c`: clusters as
    [lat, lon, count, south, west, north, east, stacked (all at one place: 1)];
    `p`: points as [lat, lon, id, name, family, demo] (the rest of the card comes from
    `map_card` when the point is opened: a screen full of points stays under 50 KB).
    """
    lat, lon = unproject(clusters.x, clusters.y)
    south, west = unproject(clusters.min_x, clusters.max_y + 1)
    north, east = unproject(clusters.max_x + 1, clusters.min_y)
    stacked = (clusters.min_x == clusters.max_x) & (clusters.min_y == clusters.max_y)
    digits = 5 if zoom >= 10 else 4
    cluster_rows = [
        [la, lo, int(n), s, w, no, e, int(st)]
        for la, lo, n, s, w, no, e, st in zip(
            _round(lat, digits),
            _round(lon, digits),
            clusters.count,
            _round(south, 5),
            _round(west, 5),
            _round(north, 5),
            _round(east, 5),
            stacked,
            strict=True,
        )
    ]
    return {
        "z": zoom,
        "n": clusters.total,
        "c": cluster_rows,
        "p": _points(clusters.point_ids, clusters.point_x, clusters.point_y),
    }


def _points(ids: np.ndarray, x: np.ndarray, y: np.ndarray) -> list[list[Any]]:
    cards = _cards([int(i) for i in ids])
    lat, lon = unproject(x + 0.5, y + 0.5)
    points = []
    for pk, la, lo in zip(ids, _round(lat, 5), _round(lon, 5), strict=True):
        card = cards.get(int(pk))
        if card is not None:
            name, _enseigne, _slug, family, _place, demo = card
            points.append([la, lo, int(pk), _short(name, POINT_NAME_MAX), family, demo])
    return points


def map_clusters(
    query: SearchQuery, bbox: Bbox, zoom: int, *, extent: bool = False
) -> dict[str, Any]:
    """What the map draws for the establishments of `query` in `bbox` at `zoom`.

    With `extent`, `b` gives [south, west, north, east] of the search's points (most of them),
    for the map to move there when the search changes. Raises clustering.ViewportTooLarge for
    a viewport no screen shows at that zoom.
    """
    index = map_index_get(query)
    payload = clusters_payload(index.clusters(bbox, zoom), zoom)
    if extent:
        box = index.extent()
        if box is not None:
            south, west = unproject(box.west, box.south + 1)
            north, east = unproject(box.east + 1, box.north)
            payload["b"] = [round(float(v), 4) for v in (south, west, north, east)]
    return payload


def map_place_list(query: SearchQuery, bbox: Bbox) -> dict[str, Any]:
    """The establishments of `query` inside `bbox` (a cluster that zooming cannot split).

    `n` how many; `p` the first LIST_LIMIT cards by name, as [id, name, enseigne, slug, family,
    commune, demo] (the points of `map_clusters` without their coordinates).
    """
    index = map_index_get(query)
    ids = index.ids_within(bbox)
    cards = _cards([int(i) for i in ids[: LIST_LIMIT * 4]])
    rows = sorted(
        ([pk, *card] for pk, card in cards.items()), key=lambda r: (r[1].casefold(), r[0])
    )
    return {"n": int(ids.size), "p": rows[:LIST_LIMIT]}


def map_card(pk: int) -> dict[str, Any]:
    """The card of one establishment of the map, in the layout of `map_place_list` (`p` is
    empty when the establishment is not, or no longer, public)."""
    card = _cards([pk]).get(pk)
    return {"n": int(card is not None), "p": [[pk, *card]] if card is not None else []}
