"""One page of directory search results, without counting or sorting a huge set.

At national scale a common word ("association", "services") matches most of the 160,000
organisations; ranking, counting or sorting all of them by distance costs hundreds of
milliseconds. Every order here reads at most `RESULT_CAP` + 1 candidates:

- the count stops at `RESULT_CAP` (the page says "plus de 1 000"), except for the empty
  search, which counts the directory;
- relevance ranks every match when there are at most `RESULT_CAP` of them (bm25 on SQLite,
  ts_rank on PostgreSQL). Beyond, it ranks the first `RESULT_CAP` organisations whose name
  matches every word, then the first `RESULT_CAP` matches (in index order, which costs no
  sort), and lists the rest after them in index order;
- distance takes the nearest establishment of each candidate when there are at most
  `RESULT_CAP`; beyond, it narrows the radius (1/16, then 1/4 of it) until the smaller circle
  holds the page: organisations outside a circle are farther than every one inside it, so
  the order is exact. Only a page past the first `RESULT_CAP` results is sorted in SQL;
- by name, the candidates are sorted here when there are at most `NAME_SORT_CAP` of them,
  by the database up to `NAME_WALK_FROM` (totals exact), and beyond, where they are dense,
  the database walks its name index and stops after the page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.functions import Lower

from maillage.territories.text import normalise

from .filters import SORT_DISTANCE, SORT_RELEVANCE, SearchQuery

__all__ = ["RESULT_CAP", "FoundPage", "page_of_ids"]

RESULT_CAP = 1000
NAME_SORT_CAP = 5000
NAME_WALK_FROM = 30_000
# Fractions of the radius tried, smallest first, before sorting by distance in SQL.
RINGS = (1 / 16, 1 / 4)

Candidates = Callable[[float | None], QuerySet[Any]]
Distances = Callable[[SearchQuery, list[int]], dict[int, float]]


@dataclass
class FoundPage:
    """Organisation ids of one page, in order, and what is known of the whole set."""

    ids: list[int]
    number: int
    total: int
    capped: bool
    has_more: bool
    distances_d2: dict[int, float] = field(default_factory=dict)


def page_of_ids(
    query: SearchQuery,
    candidates: Candidates,
    *,
    titles: QuerySet[Any] | None,
    page_size: int,
    count_all: bool,
    distances: Distances,
) -> FoundPage:
    """The page `query.page` of the organisations `candidates(None)` gives, in the query's
    order; `candidates(km)` gives them within a smaller radius. `titles` are the candidates
    whose name matches the text (None without text). A page past the end of a counted set
    shows the last one."""
    found = _page(query, query.page, candidates, titles, page_size, count_all, distances)
    if not found.ids and query.page > 1 and not found.capped and found.total:
        last = math.ceil(found.total / page_size)
        found = _page(query, last, candidates, titles, page_size, count_all, distances)
    return found


def _page(
    query: SearchQuery,
    number: int,
    candidates: Candidates,
    titles: QuerySet[Any] | None,
    page_size: int,
    count_all: bool,
    distances: Distances,
) -> FoundPage:
    offset = (number - 1) * page_size
    sort = query.effective_sort
    if sort == SORT_DISTANCE and query.near is not None:
        found = _by_distance(query, number, offset, page_size, candidates, distances)
    elif sort == SORT_RELEVANCE and titles is not None:
        found = _by_relevance(number, offset, page_size, candidates(None), titles)
    else:
        found = _by_name(number, offset, page_size, candidates(None), count_all)
    if query.near is not None and not found.distances_d2 and found.ids:
        found.distances_d2 = distances(query, found.ids)
    return found


def _finish(number: int, ids: list[int], page_size: int, total: int, capped: bool) -> FoundPage:
    return FoundPage(
        ids=ids[:page_size],
        number=number,
        total=total,
        capped=capped,
        has_more=len(ids) > page_size,
    )


def _by_name(
    number: int, offset: int, page_size: int, candidates: QuerySet[Any], count_all: bool
) -> FoundPage:
    # Unordered first, so that the database starts from its most selective index; when
    # they are few, they are sorted here, else the name index is walked for the page only.
    # The name index is no help when the matches all sort late ("SCIC …" after 100,000
    # "Association …"), so sorting here goes up to NAME_SORT_CAP, a few milliseconds.
    rows = list(candidates.order_by().values_list("pk", "name")[: NAME_SORT_CAP + 1])
    if len(rows) <= NAME_SORT_CAP:
        rows.sort(key=lambda r: (name_key(r[1]), r[0]))
        ids = [pk for pk, _name in rows[offset : offset + page_size + 1]]
        return _finish(number, ids, page_size, len(rows), False)
    counted = candidates.order_by()[: NAME_WALK_FROM + 1].count()
    if counted <= NAME_WALK_FROM:
        # Too many to sort here, too few to trust the name index: the database sorts them
        # (on an expression, so that it cannot choose to walk the index instead).
        order: list[Any] = [Lower("name"), "pk"]
        total, capped = counted, False
    else:
        # Dense enough for the name index: walked from the start, stopped after the page.
        order = ["name", "pk"]
        total, capped = NAME_WALK_FROM, True
        if count_all:
            total, capped = candidates.order_by().count(), False
    ids = list(
        candidates.order_by(*order).values_list("pk", flat=True)[offset : offset + page_size + 1]
    )
    return _finish(number, ids, page_size, total, capped)


def name_key(name: str) -> str:
    """Sort key of a name: case and accents aside ("Électricité" among the E)."""
    return normalise(name)


def _window(candidates: QuerySet[Any], size: int) -> list[tuple[int, float, str]]:
    """The first `size` candidates as (pk, rank, name), ranked for these rows only.

    SQLite's FTS5 hands its rows out in rowid order, so asking for that order costs nothing
    and keeps the window the same from one page to the next. PostgreSQL would have to read
    every match to sort them, or walk the primary key testing every document: it is left
    to take the cheapest way to `size` matches (a GIN bitmap when they are few, a scan that
    stops early when they are many).
    """
    if connection.vendor != "postgresql":
        candidates = candidates.order_by("hit")
    else:
        candidates = candidates.order_by()
    return list(candidates.values_list("pk", "rank", "name")[:size])


def _ranked(rows: list[tuple[int, float, str]]) -> list[int]:
    return [pk for pk, _rank, _name in sorted(rows, key=lambda r: (r[1], name_key(r[2]), r[0]))]


def _by_relevance(
    number: int,
    offset: int,
    page_size: int,
    candidates: QuerySet[Any],
    titles: QuerySet[Any],
) -> FoundPage:
    # `hit` and `rank` come from search._with_text: the rank is computed for these rows only.
    window = _window(candidates, RESULT_CAP + 1)
    if len(window) <= RESULT_CAP:
        ordered = _ranked(window)
        return _finish(
            number, ordered[offset : offset + page_size + 1], page_size, len(window), False
        )
    named = _window(titles, RESULT_CAP)
    named_ids = {row[0] for row in named}
    ordered = _ranked(named) + _ranked([row for row in window if row[0] not in named_ids])
    ids = ordered[offset : offset + page_size + 1]
    if len(ids) <= page_size:
        skip = max(0, offset - len(ordered))
        rest = candidates.exclude(pk__in=ordered).order_by("hit").values_list("pk", flat=True)
        ids += list(rest[skip : skip + page_size + 1 - len(ids)])
    return _finish(number, ids, page_size, RESULT_CAP, True)


def _by_distance(
    query: SearchQuery,
    number: int,
    offset: int,
    page_size: int,
    candidates: Candidates,
    distances: Distances,
) -> FoundPage:
    need = offset + page_size + 1
    rows = list(candidates(None).values_list("pk", "name")[: RESULT_CAP + 1])
    if len(rows) <= RESULT_CAP:
        return _nearest_first(query, number, offset, page_size, rows, len(rows), False, distances)
    assert query.radius_km is not None
    widest: QuerySet[Any] = candidates(None)
    for fraction in RINGS:
        within = candidates(query.radius_km * fraction)
        rows = list(within.values_list("pk", "name")[: RESULT_CAP + 1])
        if len(rows) > RESULT_CAP:
            if need <= RESULT_CAP:
                widest = within  # holds more than the page: its nearest are the nearest
            break
        if len(rows) >= need:
            return _nearest_first(
                query, number, offset, page_size, rows, RESULT_CAP, True, distances
            )
    from .search import nearest_d2

    ids = list(
        widest.annotate(distance_d2=nearest_d2(query))
        .order_by("distance_d2", "name", "pk")
        .values_list("pk", flat=True)[offset:need]
    )
    return _finish(number, ids, page_size, RESULT_CAP, True)


def _nearest_first(
    query: SearchQuery,
    number: int,
    offset: int,
    page_size: int,
    rows: list[tuple[int, str]],
    total: int,
    capped: bool,
    distances: Distances,
) -> FoundPage:
    d2 = distances(query, [pk for pk, _name in rows])
    ordered = sorted(rows, key=lambda r: (d2.get(r[0], math.inf), name_key(r[1]), r[0]))
    found = _finish(
        number,
        [pk for pk, _name in ordered[offset : offset + page_size + 1]],
        page_size,
        total,
        capped,
    )
    found.distances_d2 = {pk: d2[pk] for pk in found.ids if pk in d2}
    return found
