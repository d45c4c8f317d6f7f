"""Reads on territories used across the platform: autocomplete, search, ancestry, zones.

The autocomplete answers from `CommuneSearchKey`, one B-tree range scan on a normalised key:
`key >= q AND key < q || '\\uffff'` on SQLite, `key LIKE 'q%'` on PostgreSQL (served by the
varchar_pattern_ops index whatever the database collation), except for crowded prefixes whose
answer is precomputed in `CommuneSearchPrefix` (ranking.py). See benchmarks/territories.py.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from .enums import ZoneLevel
from .geo import distance_km
from .loader import PREFIX_TOP_N
from .models import (
    Commune,
    CommuneSearchKey,
    CommuneSearchPrefix,
    Departement,
    Epci,
    MunicipalArrondissement,
    PostalCode,
    Region,
    Union,
)
from .text import expand_abbreviations, normalise

__all__ = [
    "Ancestry",
    "CommuneMatch",
    "CommuneSearch",
    "commune_ancestry",
    "commune_autocomplete",
    "commune_in_zone",
    "commune_resolve",
    "commune_search",
    "commune_zones",
    "communes_for_postal_code",
    "distance_km",
    "union_departements",
]

Zone = tuple[str, str]
FRANCE_CODE = "fr"
MIN_NAME_LENGTH = 2


def _prefix(field_name: str, prefix: str) -> Q:
    """An index-friendly "starts with" on an ASCII column (see the module docstring)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field_name}__startswith": prefix})
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix + "\uffff"})


@dataclass(frozen=True)
class CommuneMatch:
    """One autocomplete answer: enough to show and link a commune without another query."""

    code: str
    name: str
    departement_code: str
    postal_codes: tuple[str, ...]
    population: int

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "postal_codes": list(self.postal_codes),
            "departement": self.departement_code,
        }


_MATCH_FIELDS = ("commune_id", "name", "departement_code", "postal_codes", "population")


def _match(row: tuple) -> CommuneMatch:
    code, name, departement, postal_codes, population = row
    return CommuneMatch(code, name, departement, tuple(postal_codes.split()), population)


def _matches_for(ids: list[str]) -> list[CommuneMatch]:
    """Display rows for communes, in the given order (one query on the full-name keys)."""
    if not ids:
        return []
    rows = CommuneSearchKey.objects.filter(commune_id__in=ids, is_full_name=True).values_list(
        *_MATCH_FIELDS
    )
    by_code = {row[0]: _match(row) for row in rows}
    return [by_code[code] for code in ids if code in by_code]


def _by_postal_prefix(digits: str, limit: int) -> list[CommuneMatch]:
    matching = PostalCode.objects.filter(_prefix("code", digits)).values("commune_id")
    ids = list(
        Commune.objects.filter(pk__in=matching)
        .order_by("-population", "code")
        .values_list("code", flat=True)[:limit]
    )
    if not ids and len(digits) == 5:
        commune = commune_resolve(digits)
        ids = [commune.pk] if commune else []
    return _matches_for(ids)


def _by_name_prefix(normalised: str, limit: int) -> list[CommuneMatch]:
    """Crowded prefixes are read precomputed; any other is a short range scan (ranking.py)."""
    if limit <= PREFIX_TOP_N:
        ids = list(
            CommuneSearchPrefix.objects.filter(prefix=normalised)
            .order_by("rank")
            .values_list("commune_id", flat=True)[:limit]
        )
        if ids:
            return _matches_for(ids)
    exact_full = Case(
        When(Q(key=normalised, is_full_name=True), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    rows = (
        CommuneSearchKey.objects.filter(_prefix("key", normalised))
        .order_by(exact_full, "-population", "commune_id")
        .values_list(*_MATCH_FIELDS)[: limit * 2]
    )
    # A commune reached through two keys ("saint" in Saint-Martin-de-Saint-Maixent) once.
    unique: dict[str, CommuneMatch] = {}
    for row in rows:
        unique.setdefault(row[0], _match(row))
    return list(unique.values())[:limit]


def commune_autocomplete(q: str, limit: int = 10) -> list[CommuneMatch]:
    """Communes for a search box: by name prefix or by postal code, best first.

    Accents, case, hyphens and apostrophes do not matter ("saint etienne", "St-Étienne",
    "ST ETIENNE"); any later word of a name is also a starting point ("etienne" finds
    Saint-Étienne). A name equal to the query comes first, then by population. Digits are read
    as a postal-code prefix (then, for five digits, an INSEE or arrondissement code). Queries
    shorter than two characters return nothing. Two queries at most.
    """
    q = (q or "").strip()
    compact = q.replace(" ", "")
    if compact.isdigit():
        return _by_postal_prefix(compact[:5], limit) if len(compact) >= 2 else []
    normalised = expand_abbreviations(normalise(q))
    if len(normalised) < MIN_NAME_LENGTH:
        return []
    return _by_name_prefix(normalised, limit)


def commune_resolve(code: str) -> Commune | None:
    """The commune for an INSEE code, including an arrondissement's code (75101 → Paris)."""
    code = (code or "").strip().upper()
    commune = Commune.objects.select_related("departement").filter(pk=code).first()
    if commune is not None:
        return commune
    arrondissement = (
        MunicipalArrondissement.objects.select_related("commune__departement")
        .filter(pk=code)
        .first()
    )
    return arrondissement.commune if arrondissement else None


def communes_for_postal_code(code: str) -> list[Commune]:
    """Every commune served by a postal code, most populated first."""
    return list(
        Commune.objects.filter(
            pk__in=PostalCode.objects.filter(code=code.strip()).values("commune_id")
        )
        .select_related("departement")
        .order_by("-population", "name")
    )


@dataclass
class CommuneSearch:
    """What the search page shows: results, or what was not found and close suggestions."""

    query: str
    communes: list[CommuneMatch] = field(default_factory=list)
    is_postal_code: bool = False
    suggested_communes: list[CommuneMatch] = field(default_factory=list)
    suggested_postal_codes: list[str] = field(default_factory=list)


def _similar_names(normalised: str, limit: int) -> list[CommuneMatch]:
    """Names close to a query that matched nothing (a typo): difflib among same-initial names."""
    candidates: dict[str, list[str]] = {}
    for code, name_search in Commune.objects.filter(
        _prefix("name_search", normalised[0])
    ).values_list("code", "name_search"):
        candidates.setdefault(name_search, []).append(code)
    close = difflib.get_close_matches(normalised, list(candidates), n=limit, cutoff=0.6)
    codes = [code for name in close for code in candidates[name]][:limit]
    return _matches_for(codes)


def commune_search(q: str, limit: int = 50) -> CommuneSearch:
    """The search page: like the autocomplete with more results, plus suggestions on a miss."""
    q = (q or "").strip()
    result = CommuneSearch(query=q)
    compact = q.replace(" ", "")
    result.is_postal_code = compact.isdigit()
    if not q:
        return result
    result.communes = commune_autocomplete(q, limit=limit)
    if result.communes:
        return result
    if result.is_postal_code:
        # Postal codes sharing the longest possible prefix, down to the département's two digits.
        for length in range(min(len(compact), 5) - 1, 1, -1):
            codes = list(
                PostalCode.objects.filter(_prefix("code", compact[:length]))
                .order_by("code")
                .values_list("code", flat=True)
                .distinct()[:10]
            )
            if codes:
                result.suggested_postal_codes = codes
                break
    else:
        normalised = normalise(q)
        if normalised:
            result.suggested_communes = _similar_names(normalised, limit=8)
    return result


# --- Walking up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ancestry:
    """A commune and every territory above it."""

    commune: Commune
    epci: Epci | None
    departement: Departement
    region: Region
    union: Union | None

    def zones(self) -> list[Zone]:
        """(level, code) pairs from the commune up to France, as matching code expects."""
        zones: list[Zone] = [(ZoneLevel.COMMUNE.value, self.commune.code)]
        if self.epci is not None:
            zones.append((ZoneLevel.EPCI.value, self.epci.siren))
        zones.append((ZoneLevel.DEPARTEMENT.value, self.departement.code))
        zones.append((ZoneLevel.REGION.value, self.region.code))
        if self.union is not None:
            zones.append((ZoneLevel.UNION.value, self.union.slug))
        zones.append((ZoneLevel.FRANCE.value, FRANCE_CODE))
        return zones


def commune_ancestry(code: str) -> Ancestry | None:
    """EPCI, département, région and union of a commune (or arrondissement) code; one query."""
    code = (code or "").strip().upper()
    related = ("epci", "departement__union", "region")
    commune = Commune.objects.select_related(*related).filter(pk=code).first()
    if commune is None:
        arrondissement = (
            MunicipalArrondissement.objects.filter(pk=code)
            .select_related(*(f"commune__{name}" for name in related))
            .first()
        )
        if arrondissement is None:
            return None
        commune = arrondissement.commune
    return Ancestry(
        commune=commune,
        epci=commune.epci,
        departement=commune.departement,
        region=commune.region,
        union=commune.departement.union,
    )


def commune_zones(commune: Commune) -> list[Zone]:
    """The (level, code) pairs a commune belongs to, from itself up to France."""
    union_id = (
        commune.departement.union_id
        if Commune.departement.is_cached(commune)
        else Departement.objects.filter(pk=commune.departement_id)
        .values_list("union_id", flat=True)
        .first()
    )
    zones: list[Zone] = [(ZoneLevel.COMMUNE.value, commune.code)]
    if commune.epci_id:
        zones.append((ZoneLevel.EPCI.value, commune.epci_id))
    zones.append((ZoneLevel.DEPARTEMENT.value, commune.departement_id))
    zones.append((ZoneLevel.REGION.value, commune.region_id))
    if union_id:
        zones.append((ZoneLevel.UNION.value, union_id))
    zones.append((ZoneLevel.FRANCE.value, FRANCE_CODE))
    return zones


def commune_in_zone(commune: Commune, level: str, code: str) -> bool:
    """Whether a commune lies in the zone (level, code); level "france" contains every commune.

    Levels are those of ZoneLevel. At most one query (the union), none when the commune was
    fetched with its département.
    """
    if level == ZoneLevel.FRANCE:
        return True
    if level == ZoneLevel.COMMUNE:
        return commune.code == code
    if level == ZoneLevel.EPCI:
        return commune.epci_id == code
    if level == ZoneLevel.DEPARTEMENT:
        return commune.departement_id == code
    if level == ZoneLevel.REGION:
        return commune.region_id == code
    if level == ZoneLevel.UNION:
        return (ZoneLevel.UNION.value, code) in commune_zones(commune)
    raise ValueError(f"unknown zone level {level!r}")


# --- Lists for the pages -----------------------------------------------------------------------


def union_departements(union: Union) -> QuerySet[Departement]:
    """The départements a union covers (derived), with their région."""
    return union.departements.select_related("region").order_by("code")


def unions_with_departements() -> QuerySet[Union]:
    """Every union with its départements, for the index page (two queries)."""
    return Union.objects.prefetch_related(
        Prefetch("departements", queryset=Departement.objects.order_by("code"))
    ).order_by("short_name")


def regions_with_departements() -> QuerySet[Region]:
    """Every région with its départements (two queries)."""
    return Region.objects.prefetch_related(
        Prefetch("departements", queryset=Departement.objects.order_by("code"))
    ).order_by("name")


def departement_epcis(departement: Departement) -> QuerySet[Epci]:
    """EPCI having at least one commune in the département."""
    return Epci.objects.filter(
        pk__in=Commune.objects.filter(departement=departement).values("epci_id")
    ).order_by("name")


def epci_departements(epci: Epci) -> QuerySet[Departement]:
    """Départements an EPCI spans (a few EPCI straddle two)."""
    return Departement.objects.filter(
        pk__in=Commune.objects.filter(epci=epci).values("departement_id")
    ).order_by("code")
