"""Directory search: full text, filters, distance, and the page of results (reads only).

One selector, two databases. The text is folded and stemmed in Python (stemmer.py) at index
and at query time, and every query word is matched as a prefix of an indexed stem:

- SQLite: an FTS5 table over `SearchDocument`, ranked by bm25 (name ×10, the rest ×1);
- PostgreSQL: a generated tsvector column (`french_unaccent` configuration, name weighted A)
  with a GIN index, ranked by ts_rank.

Both are created by migration 0003_search_documents outside the model state (PostgreSQL's
title-only vector by 0006), filled by search_index.py, and reached here through
`QuerySet.extra` (a join on the index and its rank, which the ORM cannot spell).

Places are codes and points, never polygons (see docs/architecture.md): an organisation is in a
territory or a radius when its head office or one of its active establishments is; distances
use a local flat-Earth projection around the searched commune (well under 1 % off at the radii
a directory uses), which keeps them plain SQL arithmetic on both databases.

"Intervenes in" a commune reads offers for all of France through their index, zones up the
commune's hierarchy, and circles of radius offers cut beforehand into grid cells
(`SearchReach`, written with the documents by search_index.py).

A page never ranks, counts or sorts the whole set of matches: ranking.py reads a bounded
number of candidates and says "plus de 1 000" when there are more (`RESULT_CAP`).

Searches that find nothing look for close words in the vocabulary of indexed words
(`SearchWord`, difflib) and answer for the corrected text, saying so.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from maillage.territories.enums import ZoneLevel
from maillage.territories.models import Commune

from .enums import ZoneMode
from .filters import SORT_DISTANCE, SORT_RELEVANCE, SearchQuery
from .models import (
    Establishment,
    Offer,
    OfferZone,
    Organisation,
    SearchReach,
    SearchWord,
)
from .ranking import RESULT_CAP, page_of_ids
from .search_index import reach_cell, search_document_refresh
from .stemmer import query_terms, words

__all__ = [
    "PAGE_SIZE",
    "RESULT_CAP",
    "ResultPage",
    "SearchResults",
    "establishments_matching",
    "organisations_matching",
    "search",
    "search_document_refresh",
    "suggest",
]

PAGE_SIZE = 20
KM_PER_DEGREE = 111.195  # one degree of latitude (mean Earth radius)
SUGGESTION_CUTOFF = 0.75

FTS_TABLE = "directory_search_fts"
DOC_TABLE = "directory_searchdocument"
ORG_TABLE = "directory_organisation"


# --- Filters -------------------------------------------------------------------------------


def _planar_d2(lat_field: str, lon_field: str, commune: Commune) -> ExpressionWrapper:
    """Squared distance in km² from the commune's point, flat-Earth around it (plain SQL)."""
    assert commune.latitude is not None and commune.longitude is not None
    kx = KM_PER_DEGREE * math.cos(math.radians(commune.latitude))
    dx = (F(lon_field) - commune.longitude) * kx
    dy = (F(lat_field) - commune.latitude) * KM_PER_DEGREE
    return ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField())


def _box(prefix: str, commune: Commune, radius_km: float) -> Q:
    """The bounding box of the circle, which the (latitude, longitude) index serves."""
    assert commune.latitude is not None and commune.longitude is not None
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(0.01, math.cos(math.radians(commune.latitude))))
    return Q(
        **{
            f"{prefix}latitude__gte": commune.latitude - dlat,
            f"{prefix}latitude__lte": commune.latitude + dlat,
            f"{prefix}longitude__gte": commune.longitude - dlon,
            f"{prefix}longitude__lte": commune.longitude + dlon,
        }
    )


def _zone_q(level: str, code: str) -> Q:
    """Establishments whose commune lies in the zone (level, code).

    Above the commune, the zone's communes are listed first (a few hundred at most through
    their own indexes), then their establishments through the (commune, organisation) index.
    """
    zone = ZoneLevel(level)
    if zone == ZoneLevel.COMMUNE:
        return Q(commune_id=code)
    lookups = {
        ZoneLevel.EPCI: "epci_id",
        ZoneLevel.DEPARTEMENT: "departement_id",
        ZoneLevel.REGION: "region_id",
        ZoneLevel.UNION: "departement__union_id",
    }
    return Q(commune_id__in=Commune.objects.filter(**{lookups[zone]: code}).values("code"))


def _establishments_in_place(query: SearchQuery) -> QuerySet[Establishment]:
    """Active establishments within the query's territory and radius (no other filter)."""
    establishments = Establishment.objects.filter(is_active=True)
    if query.zone is not None:
        establishments = establishments.filter(_zone_q(*query.zone))
    if query.near is not None and query.radius_km:
        radius = float(query.radius_km)
        establishments = establishments.filter(_box("", query.near, radius)).alias(
            d2=_planar_d2("latitude", "longitude", query.near)
        )
        establishments = establishments.filter(d2__lte=radius * radius)
    return establishments


def _place_q(query: SearchQuery) -> Q | None:
    """Organisations with an active establishment (the head office is one) in the place asked."""
    if query.zone is None and query.near is None:
        return None
    return Q(pk__in=_establishments_in_place(query).values("organisation_id"))


def _intervenes_q(commune: Commune) -> Q:
    """Organisations with an active offer delivered in the commune.

    Zone mode "france" covers it; "zones" when one of the offer's zones contains it, at the
    commune, EPCI, département or région level (answered up the commune's hierarchy); "radius"
    when the commune lies within the radius of the offer's origin establishment, or of the
    head office when no origin is given.
    """
    ancestry = [(ZoneLevel.COMMUNE.value, commune.code)]
    if commune.epci_id:
        ancestry.append((ZoneLevel.EPCI.value, commune.epci_id))
    ancestry += [
        (ZoneLevel.DEPARTEMENT.value, commune.departement_id),
        (ZoneLevel.REGION.value, commune.region_id),
    ]
    zone_match = Q()
    for level, code in ancestry:
        zone_match |= Q(level=level, code=code)
    # Index-friendly parts, each a list of organisation ids, joined by one UNION (evaluated
    # once) rather than an OR of subqueries: PostgreSQL estimates the size of a UNION well
    # but not that of an OR, and then walks every organisation.
    parts = [
        # All of France: the (zone_mode, is_active, organisation_id) index alone.
        Offer.objects.filter(zone_mode=ZoneMode.FRANCE, is_active=True).values("organisation_id"),
        # From the zones (a few hundred rows through their (level, code) index) to the offers.
        OfferZone.objects.filter(
            zone_match, offer__is_active=True, offer__zone_mode=ZoneMode.ZONES
        ).values("offer__organisation_id"),
    ]
    if commune.latitude is not None and commune.longitude is not None:
        # Circles around the origin, else the head office, cut into grid cells beforehand
        # (search_index.SearchReach): the commune's cell, then the exact distance.
        parts.append(
            SearchReach.objects.filter(cell=reach_cell(commune.latitude, commune.longitude))
            .alias(d2=_planar_d2("latitude", "longitude", commune))
            .filter(d2__lte=F("radius_km") * F("radius_km"))
            .values("organisation_id")
        )
    parts = [part.order_by() for part in parts]
    return Q(pk__in=parts[0].union(*parts[1:]))


def _filtered(query: SearchQuery) -> QuerySet[Organisation]:
    """Published organisations passing every filter except the text."""
    organisations = Organisation.objects.filter(is_published=True)
    if query.families:
        organisations = organisations.filter(family__in=query.families)
    if query.headcount_bands:
        organisations = organisations.filter(headcount_band__in=query.headcount_bands)
    if query.sector is not None:
        from maillage.sectors.selectors import sector_subtree

        # As a list of ids (read once per search): the databases plan well for a list, badly
        # for the subtree query.
        if query.sector_ids is None:
            query.sector_ids = list(sector_subtree(query.sector).values_list("pk", flat=True))
        organisations = organisations.filter(sector_id__in=query.sector_ids)
    for slug in query.labels:
        organisations = organisations.filter(
            pk__in=Organisation.labels.through.objects.filter(label_id=slug).values(
                "organisation_id"
            )
        )
    place = _place_q(query)
    if place is not None:
        organisations = organisations.filter(place)
    if query.intervenes is not None:
        organisations = organisations.filter(_intervenes_q(query.intervenes))
    return organisations


def _with_text(
    organisations: QuerySet[Organisation], terms: list[str], *, in_title: bool = False
) -> QuerySet[Organisation]:
    """Only organisations whose document matches every term (as a prefix), with a `rank`
    (lower is better) and a `hit` (the index's row order, cheap to walk) to sort by.

    With `in_title`, every term must match the name or the acronym.
    """
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        to_tsquery = "to_tsquery('public.french_unaccent'::regconfig, %s)"
        # The title has its own indexed vector (migration 0006): name matches are found
        # through it, never by reading every document's weights.
        column = "title_vector" if in_title else "vector"
        # Terms are folded stems (a-z, 0-9) and travel as parameters anyway.
        return organisations.extra(  # noqa: S610
            tables=[DOC_TABLE],
            where=[
                f"{DOC_TABLE}.organisation_id = {ORG_TABLE}.id",
                f"{DOC_TABLE}.{column} @@ {to_tsquery}",
            ],
            params=[tsquery],
            select={
                "rank": f"-ts_rank({DOC_TABLE}.vector, {to_tsquery})",
                "hit": f"{DOC_TABLE}.organisation_id",
            },
            select_params=[tsquery],
        )
    match = " AND ".join(f'"{term}"*' for term in terms)
    if in_title:
        match = "{title} : (" + match + ")"
    return organisations.extra(  # noqa: S610
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE} MATCH %s", f"{FTS_TABLE}.rowid = {ORG_TABLE}.id"],
        params=[match],
        # The FTS5 table hands out its rows in rowid order: ordering by it costs no sort.
        select={"rank": f"bm25({FTS_TABLE}, 10.0, 1.0)", "hit": f"{FTS_TABLE}.rowid"},
    )


def _text_ids(terms: list[str]) -> RawSQL:
    """Ids of the organisations whose document matches every term, as a subquery (for
    `pk__in`, where the ranked join of `_with_text` cannot be used)."""
    # Table names are constants; the terms travel as a parameter.
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611
            f"SELECT organisation_id FROM {DOC_TABLE} "  # noqa: S608
            "WHERE vector @@ to_tsquery('public.french_unaccent'::regconfig, %s)",
            [" & ".join(f"{term}:*" for term in terms)],
        )
    return RawSQL(  # noqa: S611
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
        [" ".join(f'"{term}"*' for term in terms)],
    )


def nearest_d2(query: SearchQuery) -> Coalesce:
    """Squared distance (km²) from the searched commune to the organisation's nearest active
    establishment, else to its head office's commune (an expression to annotate)."""
    assert query.near is not None
    nearest = (
        Establishment.objects.filter(
            organisation_id=OuterRef("pk"), is_active=True, latitude__isnull=False
        )
        .annotate(d2=_planar_d2("latitude", "longitude", query.near))
        .order_by("d2")
        .values("d2")[:1]
    )
    return Coalesce(
        Subquery(nearest, output_field=FloatField()),
        _planar_d2("commune__latitude", "commune__longitude", query.near),
    )


def organisations_matching(query: SearchQuery) -> QuerySet[Organisation]:
    """Organisations matching the query, in the order asked, with what the list shows.

    Sorted by relevance (with text), by distance (with a commune; `distance_d2` in km² is
    annotated), else by name.
    """
    organisations = _filtered(query).select_related("commune", "sector")
    terms = query_terms(query.q)
    if terms:
        organisations = _with_text(organisations, terms)
    sort = query.effective_sort
    if query.near is not None:
        organisations = organisations.annotate(distance_d2=nearest_d2(query))
    if sort == SORT_DISTANCE and query.near is not None:
        return organisations.order_by(F("distance_d2").asc(nulls_last=True), "name", "pk")
    if sort == SORT_RELEVANCE and terms:
        return organisations.order_by(F("rank").asc(), "name", "pk")  # rank: from .extra()
    return organisations.order_by("name", "pk")


def establishments_matching(query: SearchQuery) -> QuerySet[Establishment]:
    """The points the map shows for a query: located, public establishments of the matching
    organisations, inside the territory and radius asked when there is one."""
    organisations = _filtered(query)
    terms = query_terms(query.q)
    if terms:
        organisations = organisations.filter(pk__in=_text_ids(terms))
    establishments = Establishment.objects.filter(
        organisation__in=organisations.values("pk"),
        latitude__isnull=False,
        longitude__isnull=False,
        diffusion_partial=False,
    )
    if query.zone is not None or query.near is not None:
        establishments = establishments.filter(pk__in=_establishments_in_place(query).values("pk"))
    else:
        establishments = establishments.filter(is_active=True)
    return establishments


# --- Suggestions ---------------------------------------------------------------------------


def _known_prefix(word: str) -> bool:
    return SearchWord.objects.filter(word__gte=word, word__lt=word + "\uffff").exists()


def suggest(text: str) -> str | None:
    """The text with each unknown word replaced by the closest indexed word, or None.

    A word is unknown when no indexed word starts with it. Candidates share its first letter
    and are at most two letters longer or shorter; difflib picks the closest, then the most
    frequent ("menuserie" → "menuiserie").
    """
    typed = words(text)
    if not typed:
        return None
    corrected: list[str] = []
    changed = False
    for word in typed:
        if word.isdigit() or len(word) < 3 or _known_prefix(word):
            corrected.append(word)
            continue
        candidates = dict(
            SearchWord.objects.filter(
                length__gte=len(word) - 2,
                length__lte=len(word) + 2,
                word__gte=word[0],
                word__lt=word[0] + "\uffff",
            ).values_list("word", "frequency")
        )
        close = difflib.get_close_matches(word, list(candidates), n=5, cutoff=SUGGESTION_CUTOFF)
        if not close:
            corrected.append(word)
            continue
        best_ratio = difflib.SequenceMatcher(None, word, close[0]).ratio()
        ties = [
            c for c in close if difflib.SequenceMatcher(None, word, c).ratio() >= best_ratio - 1e-9
        ]
        corrected.append(max(ties, key=lambda c: candidates[c]))
        changed = True
    return " ".join(corrected) if changed else None


# --- The search page -----------------------------------------------------------------------


@dataclass
class ResultPage:
    """One page of a search: its number, and whether others come before and after.

    The total is exact up to `RESULT_CAP`; beyond, the search only knows there are more (it
    never counts a huge set), so there is no last page number (`num_pages` is None).
    """

    number: int
    page_size: int
    total: int
    capped: bool
    has_more: bool

    def has_next(self) -> bool:
        return self.has_more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def num_pages(self) -> int | None:
        if self.capped:
            return None
        return max(1, math.ceil(self.total / self.page_size))


@dataclass
class SearchResults:
    """One page of results and what the page says about them.

    `total` is exact unless `capped`: then more than `total` (= RESULT_CAP) organisations
    match, and the page says "plus de 1 000".
    """

    query: SearchQuery
    page: ResultPage
    total: int
    capped: bool = False
    suggestion: str | None = None
    corrected: bool = False
    rows: list[Organisation] = field(default_factory=list)


def search(query: SearchQuery, *, page_size: int = PAGE_SIZE) -> SearchResults:
    """Run a search: a page of organisations, the total, and a correction for a typo.

    When the text finds nothing and a close spelling exists, the results are those of the
    corrected text (`corrected` is set) and `suggestion` carries it for "Vouliez-vous dire".
    Reads a bounded number of candidates whatever the size of the directory (see
    `ranking.py`): two to five queries, plus a few index reads when nothing is found.
    """
    results = _results(query, page_size)
    if results.total == 0 and query.q:
        suggestion = suggest(query.q)
        if suggestion and suggestion != query.q:
            results.suggestion = suggestion
            corrected = _results(SearchQuery(**{**query.__dict__, "q": suggestion}), page_size)
            if corrected.total:
                results.page, results.rows = corrected.page, corrected.rows
                results.total, results.capped = corrected.total, corrected.capped
                results.corrected = True
    return results


def _results(query: SearchQuery, page_size: int) -> SearchResults:
    terms = query_terms(query.q)

    def candidates(radius_km: float | None) -> QuerySet[Organisation]:
        narrowed = query if radius_km is None else replace(query, radius_km=radius_km)
        found = _filtered(narrowed)
        return _with_text(found, terms) if terms else found

    titles = _with_text(_filtered(query), terms, in_title=True) if terms else None
    found = page_of_ids(
        query,
        candidates,
        titles=titles,
        page_size=page_size,
        count_all=query.is_empty,
        distances=_distances,
    )
    by_pk = Organisation.objects.select_related("commune", "sector").in_bulk(found.ids)
    rows = [by_pk[pk] for pk in found.ids if pk in by_pk]
    for organisation in rows:
        d2 = found.distances_d2.get(organisation.pk)
        organisation.distance_km = math.sqrt(d2) if d2 is not None else None  # type: ignore[attr-defined]
    page = ResultPage(
        number=found.number,
        page_size=page_size,
        total=found.total,
        capped=found.capped,
        has_more=found.has_more,
    )
    return SearchResults(query=query, page=page, total=found.total, capped=found.capped, rows=rows)


def _distances(query: SearchQuery, ids: list[int]) -> dict[int, float]:
    """Squared distance (km²) from the searched commune to the nearest active, located
    establishment of each of these organisations (those without one are left out)."""
    assert query.near is not None
    distances: dict[int, float] = {}
    located = Establishment.objects.filter(
        organisation_id__in=ids, is_active=True, latitude__isnull=False, longitude__isnull=False
    )
    for org_id, d2 in (
        located.order_by()
        .annotate(d2=_planar_d2("latitude", "longitude", query.near))
        .values_list("organisation_id", "d2")
    ):
        if org_id not in distances or d2 < distances[org_id]:
            distances[org_id] = d2
    return distances
