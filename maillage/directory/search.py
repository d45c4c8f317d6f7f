"""Directory search: full text, filters, distance; the search documents that feed it.

One selector, two databases. The text is folded and stemmed in Python (stemmer.py) at index
and at query time, and every query word is matched as a prefix of an indexed stem:

- SQLite: an FTS5 table over `SearchDocument`, ranked by bm25 (name ×10, the rest ×1);
- PostgreSQL: a generated tsvector column (`french_unaccent` configuration, name weighted A)
  with a GIN index, ranked by ts_rank.

Both are created by migration 0003_search_documents outside the model state, and reached here
through `QuerySet.extra` (a join on the index and its rank, which the ORM cannot spell).

Places are codes and points, never polygons (see docs/architecture.md): an organisation is in a
territory or a radius when its head office or one of its active establishments is; distances
use a local flat-Earth projection around the searched commune (well under 1 % off at the radii
a directory uses), which keeps them plain SQL arithmetic on both databases.

Searches that find nothing look for close words in the vocabulary of indexed words
(`SearchWord`, difflib) and answer for the corrected text, saying so.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from maillage.territories.enums import ZoneLevel
from maillage.territories.models import Commune

from .enums import Visibility, ZoneMode
from .filters import SORT_DISTANCE, SORT_RELEVANCE, SearchQuery
from .models import (
    Entrepreneur,
    Establishment,
    Offer,
    OfferZone,
    Organisation,
    SearchDocument,
    SearchWord,
)
from .stemmer import index_text, query_terms, words

__all__ = [
    "PAGE_SIZE",
    "SearchResults",
    "establishments_matching",
    "organisations_matching",
    "search",
    "search_document_refresh",
    "suggest",
]

PAGE_SIZE = 20
KM_PER_DEGREE = 111.195  # one degree of latitude (mean Earth radius)
REFRESH_CHUNK = 2000
SUGGESTION_CUTOFF = 0.75
# Offers delivered "within a radius" are looked for among establishments this close at most.
MAX_OFFER_RADIUS_KM = 300

FTS_TABLE = "directory_search_fts"
DOC_TABLE = "directory_searchdocument"
ORG_TABLE = "directory_organisation"


# --- Search documents (writes) -------------------------------------------------------------


def _document(organisation: Organisation) -> tuple[str, str, list[str]]:
    """(title, body) as the index stores them, and the folded words for the vocabulary."""
    title_parts = [organisation.name, organisation.acronym]
    body_parts = [organisation.description]
    if organisation.sector is not None:
        body_parts.append(organisation.sector.display_label)
    public = organisation.public_ents  # type: ignore[attr-defined]
    public_ids = {entrepreneur.pk for entrepreneur in public}
    for offer in organisation.offers.all():
        # Offers of an entrepreneur whose profile is not public stay out of the index.
        if offer.entrepreneur_id is not None and offer.entrepreneur_id not in public_ids:
            continue
        body_parts += [offer.title, offer.description, offer.keywords.replace(",", " ")]
        if offer.sector is not None:
            body_parts.append(offer.sector.display_label)
    for entrepreneur in public:
        body_parts.append(entrepreneur.activity)
    title_text = " ".join(p for p in title_parts if p)
    body_text = " ".join(p for p in body_parts if p)
    return (
        index_text(title_text),
        index_text(body_text),
        words(title_text) + words(body_text),
    )


def search_document_refresh(
    *,
    organisation_ids: Iterable[int] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Rebuild the search documents of these organisations (all of them when None).

    Call it after writing an organisation, its offers or its entrepreneurs; imports and the
    demo generator call it once at the end, without ids. A full rebuild also recounts the
    vocabulary; a partial one only adds the new words. Returns the number of documents
    written. Rerunnable: a document is replaced, never duplicated.
    """
    full = organisation_ids is None
    ids: list[int] = (
        list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        if organisation_ids is None
        else sorted(set(organisation_ids))
    )
    vocabulary: Counter[str] = Counter()
    written = 0
    public = Entrepreneur.objects.filter(visibility=Visibility.PUBLIC)
    for start in range(0, len(ids), REFRESH_CHUNK):
        chunk = ids[start : start + REFRESH_CHUNK]
        organisations = (
            Organisation.objects.filter(pk__in=chunk)
            .select_related("sector")
            .prefetch_related(
                Prefetch(
                    "offers",
                    queryset=Offer.objects.filter(is_active=True)
                    .select_related("sector")
                    .order_by("pk"),
                ),
                Prefetch("entrepreneurs", queryset=public.order_by("pk"), to_attr="public_ents"),
            )
        )
        documents = []
        for organisation in organisations:
            title, body, found = _document(organisation)
            vocabulary.update(set(found))
            documents.append(SearchDocument(organisation=organisation, title=title, body=body))
        with transaction.atomic():
            SearchDocument.objects.filter(organisation_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(documents)
        written += len(documents)
        if progress is not None:
            progress(f"  documents de recherche {written}/{len(ids)}")
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


def _zone_q(prefix: str, level: str, code: str) -> Q:
    """Rows whose commune (reached through `prefix`) lies in the zone (level, code)."""
    lookups = {
        ZoneLevel.COMMUNE: "commune_id",
        ZoneLevel.EPCI: "commune__epci_id",
        ZoneLevel.DEPARTEMENT: "commune__departement_id",
        ZoneLevel.REGION: "commune__region_id",
        ZoneLevel.UNION: "commune__departement__union_id",
    }
    return Q(**{prefix + lookups[ZoneLevel(level)]: code})


def _establishments_in_place(query: SearchQuery) -> QuerySet[Establishment]:
    """Active establishments within the query's territory and radius (no other filter)."""
    establishments = Establishment.objects.filter(is_active=True)
    if query.zone is not None:
        establishments = establishments.filter(_zone_q("", *query.zone))
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
    offers = Offer.objects.filter(is_active=True)
    # Index-friendly parts, each a list of organisation ids, joined by one UNION (evaluated
    # once) rather than an OR that would be checked organisation by organisation.
    parts = [
        offers.filter(zone_mode=ZoneMode.FRANCE).values("organisation_id"),
        offers.filter(
            zone_mode=ZoneMode.ZONES,
            pk__in=OfferZone.objects.filter(zone_match).values("offer_id"),
        ).values("organisation_id"),
    ]
    if commune.latitude is not None and commune.longitude is not None:
        # Origin, else the head office: offers drawn from establishments near enough that
        # the largest radius could reach the commune (a bounding box the index serves).
        origins = Establishment.objects.filter(
            _box("", commune, MAX_OFFER_RADIUS_KM), is_active=True
        )
        parts.append(
            offers.filter(zone_mode=ZoneMode.RADIUS, origin_id__in=origins.values("pk"))
            .alias(o2=_planar_d2("origin__latitude", "origin__longitude", commune))
            .filter(o2__lte=F("radius_km") * F("radius_km"))
            .values("organisation_id")
        )
        head_offices = origins.filter(is_headquarters=True)
        parts.append(
            offers.filter(
                zone_mode=ZoneMode.RADIUS,
                origin__isnull=True,
                organisation_id__in=head_offices.values("organisation_id"),
            )
            .alias(
                h2=Subquery(
                    head_offices.filter(organisation_id=OuterRef("organisation_id"))
                    .annotate(d2=_planar_d2("latitude", "longitude", commune))
                    .values("d2")[:1],
                    output_field=FloatField(),
                )
            )
            .filter(h2__lte=F("radius_km") * F("radius_km"))
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

        organisations = organisations.filter(sector__in=sector_subtree(query.sector))
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


def _with_text(organisations: QuerySet[Organisation], terms: list[str]) -> QuerySet[Organisation]:
    """Only organisations whose document matches every term (as a prefix), with a `rank`
    (lower is better) to sort by."""
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{term}:*" for term in terms)
        to_tsquery = "to_tsquery('public.french_unaccent'::regconfig, %s)"
        # Terms are folded stems (a-z, 0-9) and travel as parameters anyway.
        return organisations.extra(  # noqa: S610
            tables=[DOC_TABLE],
            where=[
                f"{DOC_TABLE}.organisation_id = {ORG_TABLE}.id",
                f"{DOC_TABLE}.vector @@ {to_tsquery}",
            ],
            params=[tsquery],
            select={"rank": f"-ts_rank({DOC_TABLE}.vector, {to_tsquery})"},
            select_params=[tsquery],
        )
    match = " ".join(f'"{term}"*' for term in terms)
    return organisations.extra(  # noqa: S610
        tables=[FTS_TABLE],
        where=[f"{FTS_TABLE} MATCH %s", f"{FTS_TABLE}.rowid = {ORG_TABLE}.id"],
        params=[match],
        select={"rank": f"bm25({FTS_TABLE}, 10.0, 1.0)"},
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
        nearest = (
            Establishment.objects.filter(
                organisation_id=OuterRef("pk"), is_active=True, latitude__isnull=False
            )
            .annotate(d2=_planar_d2("latitude", "longitude", query.near))
            .order_by("d2")
            .values("d2")[:1]
        )
        organisations = organisations.annotate(
            distance_d2=Coalesce(
                Subquery(nearest, output_field=FloatField()),
                _planar_d2("commune__latitude", "commune__longitude", query.near),
            )
        )
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
class SearchResults:
    """One page of results and what the page says about them."""

    query: SearchQuery
    page: Page
    total: int
    suggestion: str | None = None
    corrected: bool = False
    rows: list[Organisation] = field(default_factory=list)


def _page(query: SearchQuery, page_size: int) -> tuple[Page, list[Organisation]]:
    paginator = Paginator(organisations_matching(query), page_size)
    page = paginator.get_page(query.page)
    rows = list(page.object_list)
    for organisation in rows:
        d2 = getattr(organisation, "distance_d2", None)
        organisation.distance_km = math.sqrt(d2) if d2 is not None else None  # type: ignore[attr-defined]
    return page, rows


def search(query: SearchQuery, *, page_size: int = PAGE_SIZE) -> SearchResults:
    """Run a search: a page of organisations, the total, and a correction for a typo.

    When the text finds nothing and a close spelling exists, the results are those of the
    corrected text (`corrected` is set) and `suggestion` carries it for "Vouliez-vous dire".
    Costs a count and a page query, plus a few index reads when there is nothing to show.
    """
    page, rows = _page(query, page_size)
    results = SearchResults(query=query, page=page, total=page.paginator.count, rows=rows)
    if results.total == 0 and query.q:
        suggestion = suggest(query.q)
        if suggestion and suggestion != query.q:
            results.suggestion = suggestion
            corrected_query = SearchQuery(**{**query.__dict__, "q": suggestion})
            page, rows = _page(corrected_query, page_size)
            if page.paginator.count:
                results.page, results.rows = page, rows
                results.total = page.paginator.count
                results.corrected = True
    return results
