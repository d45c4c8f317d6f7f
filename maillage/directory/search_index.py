"""The search documents and the vocabulary the directory search reads (writes only).

One document per organisation: its name and acronym (`title`), and its description, sector
label, active offers (except those of entrepreneurs whose profile is not public) and public
entrepreneurs' activities (`body`), folded and stemmed by stemmer.py. The full-text index over
them (FTS5 on SQLite, a tsvector column on PostgreSQL) follows the table by itself
(migration 0003_search_documents).

Built from plain column values (`values_list`), never model instances, with the sector labels
read once: at national scale (≈ 160,000 organisations) a full rebuild is bound by the text
folding, not by the ORM.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction

from maillage.sectors.models import Sector

from .enums import Visibility, ZoneMode
from .models import (
    Entrepreneur,
    Establishment,
    Offer,
    Organisation,
    SearchDocument,
    SearchReach,
    SearchWord,
)
from .stemmer import stem, words

__all__ = ["reach_cell", "reach_cells", "search_document_refresh"]

REFRESH_CHUNK = 4000
INSERT_BATCH = 500
CELLS_PER_DEGREE = 2
KM_PER_DEGREE = (
    111.195  # as in search.py  # rows per INSERT statement (SQLite caps it lower by itself)
)


def _folded(parts: Iterable[str]) -> list[str]:
    return words(" ".join(p for p in parts if p))


def _documents(
    ids: list[int], sector_labels: dict[int, str]
) -> Iterable[tuple[int, str, str, list[str]]]:
    """(organisation id, title, body, words) for the organisations of `ids` that exist."""
    offers: defaultdict[int, list[tuple[int | None, str, str, str, int | None]]] = defaultdict(list)
    for org_id, entrepreneur_id, title, description, keywords, sector_id in (
        Offer.objects.filter(organisation_id__in=ids, is_active=True)
        .order_by("pk")
        .values_list(
            "organisation_id", "entrepreneur_id", "title", "description", "keywords", "sector_id"
        )
    ):
        offers[org_id].append((entrepreneur_id, title, description, keywords, sector_id))
    entrepreneurs: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    for cae_id, pk, activity in (
        Entrepreneur.objects.filter(cae_id__in=ids, visibility=Visibility.PUBLIC)
        .order_by("pk")
        .values_list("cae_id", "pk", "activity")
    ):
        entrepreneurs[cae_id].append((pk, activity))
    rows = (
        Organisation.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "name", "acronym", "description", "sector_id")
    )
    for pk, name, acronym, description, sector_id in rows:
        body = [description, sector_labels.get(sector_id or 0, "")]
        public = entrepreneurs.get(pk, [])
        public_ids = {public_id for public_id, _activity in public}
        for owner_id, title, offer_description, keywords, offer_sector in offers.get(pk, []):
            # Offers of an entrepreneur whose profile is not public stay out of the index.
            if owner_id is not None and owner_id not in public_ids:
                continue
            body += [title, offer_description, keywords.replace(",", " ")]
            body.append(sector_labels.get(offer_sector or 0, ""))
        body += [activity for _pk, activity in public]
        title_words = _folded([name, acronym])
        body_words = _folded(body)
        yield (
            pk,
            " ".join(stem(w) for w in title_words),
            " ".join(stem(w) for w in body_words),
            title_words + body_words,
        )


def reach_cell(latitude: float, longitude: float) -> int:
    """The grid cell (half a degree each way) of a point, as one integer."""
    return math.floor((latitude + 90) * CELLS_PER_DEGREE) * 10_000 + math.floor(
        (longitude + 180) * CELLS_PER_DEGREE
    )


def reach_cells(latitude: float, longitude: float, radius_km: float) -> list[int]:
    """Every cell holding a point that the search would find within `radius_km`.

    The search measures from the commune, flat-Earth at the commune's latitude: the box
    widens for the latitude of its edge farthest from the equator, which keeps it whole.
    """
    dlat = radius_km / KM_PER_DEGREE
    farthest = min(89.0, max(abs(latitude - dlat), abs(latitude + dlat)))
    dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(farthest)))
    low_row = math.floor((latitude - dlat + 90) * CELLS_PER_DEGREE)
    high_row = math.floor((latitude + dlat + 90) * CELLS_PER_DEGREE)
    low_col = math.floor((longitude - dlon + 180) * CELLS_PER_DEGREE)
    high_col = math.floor((longitude + dlon + 180) * CELLS_PER_DEGREE)
    return [
        row * 10_000 + col
        for row in range(low_row, high_row + 1)
        for col in range(low_col, high_col + 1)
    ]


def _reaches(ids: list[int]) -> list[SearchReach]:
    """Grid rows of the active radius offers of these organisations (see SearchReach)."""
    located = Establishment.objects.filter(
        is_active=True, latitude__isnull=False, longitude__isnull=False
    )
    offers = list(
        Offer.objects.filter(organisation_id__in=ids, is_active=True, zone_mode=ZoneMode.RADIUS)
        .filter(radius_km__gt=0)
        .values_list("organisation_id", "origin_id", "radius_km")
    )
    origins: dict[int, tuple[float, float]] = {}
    for pk, lat, lon in located.filter(
        pk__in={origin for _org, origin, _km in offers if origin is not None}
    ).values_list("pk", "latitude", "longitude"):
        if lat is not None and lon is not None:
            origins[pk] = (lat, lon)
    head_offices: dict[int, tuple[float, float]] = {}
    for org_id, lat, lon in (
        located.filter(
            is_headquarters=True,
            organisation_id__in={org for org, origin, _km in offers if origin is None},
        )
        .order_by("-pk")
        .values_list("organisation_id", "latitude", "longitude")
    ):
        if lat is not None and lon is not None:
            head_offices[org_id] = (lat, lon)  # the lowest pk wins
    rows: dict[tuple[int, int, float, float, int], None] = {}
    for org_id, origin_id, radius_km in offers:
        centre = origins.get(origin_id) if origin_id is not None else head_offices.get(org_id)
        if centre is None or not radius_km:
            continue
        for cell in reach_cells(centre[0], centre[1], radius_km):
            rows[(org_id, cell, centre[0], centre[1], radius_km)] = None
    return [
        SearchReach(organisation_id=org, cell=cell, latitude=lat, longitude=lon, radius_km=km)
        for org, cell, lat, lon, km in rows
    ]


def search_document_refresh(
    *,
    organisation_ids: Iterable[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Rebuild the search documents of these organisations (all of them when None).

    Call it after writing an organisation, its offers or its entrepreneurs; imports and the
    demo generator call it once at the end, without ids. A full rebuild also recounts the
    vocabulary; a partial one only adds the new words. Returns the number of documents
    written. Rerunnable: a document is replaced, never duplicated, and each chunk is written
    in its own transaction (an interrupted rebuild leaves whole documents).
    """
    full = organisation_ids is None
    ids: list[int] = (
        list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        if organisation_ids is None
        else sorted(set(organisation_ids))
    )
    sector_labels = dict(Sector.objects.values_list("pk", "display_label"))
    vocabulary: Counter[str] = Counter()
    written = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        rows = []
        for pk, title, body, found in _documents(chunk, sector_labels):
            vocabulary.update(set(found))
            rows.append(SearchDocument(organisation_id=pk, title=title, body=body))
        with transaction.atomic():
            SearchDocument.objects.filter(organisation_id__in=chunk).delete()
            # Multi-row INSERTs: SQLite's FTS5 flushes its pending terms at every statement
            # that fires the sync trigger, so one row per statement (executemany) would
            # write one index segment per document, hundreds of times slower.
            SearchDocument.objects.bulk_create(rows, batch_size=INSERT_BATCH)
            SearchReach.objects.filter(organisation_id__in=chunk).delete()
            SearchReach.objects.bulk_create(_reaches(chunk), batch_size=INSERT_BATCH)
        written += len(rows)
        if progress is not None:
            progress(f"  documents de recherche {written}/{len(ids)}")
    if full:
        # Documents of organisations deleted since (a full rebuild owns the whole table).
        SearchDocument.objects.exclude(
            organisation_id__in=Organisation.objects.values("pk")
        ).delete()
        SearchReach.objects.exclude(organisation_id__in=Organisation.objects.values("pk")).delete()
    _vocabulary_store(vocabulary, replace=full)
    return written


def _vocabulary_store(vocabulary: Counter[str], *, replace: bool) -> None:
    rows = [
        SearchWord(word=word, length=len(word), frequency=count)
        for word, count in vocabulary.items()
        if len(word) <= 40 and not word.isdigit()
    ]
    with transaction.atomic():
        if replace:
            SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
