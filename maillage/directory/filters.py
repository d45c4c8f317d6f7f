"""The directory search as a value: parsing the query string, and writing it back.

`SearchQuery.from_params(request.GET)` reads what a visitor typed (or what a shared link
carries) into a `SearchQuery` and a list of messages about what could not be understood. A bad
value never stops the search: it is left out, its message is shown, and the rest still
applies. `to_params()` gives the canonical query string, so a link reproduces the search.

Parameter names are French, as the URLs of the platform are:

    q           text (names, descriptions, offers)
    famille     family (repeatable)                        scop, scic, cae…
    secteur     NAF code at any level, or label words      43.32A, 43, F, menuiserie
    niveau      level of the territory filter              commune, epci, departement, region, union
    territoire  code or name of that territory             42, Loire, 244200770
    commune     search around this commune (code, postal code or name)
    rayon       radius around it in km (default 30)
    intervient  offers delivered in this commune (code, postal code or name)
    effectif    headcount band (repeatable)                INSEE codes 00, 01, 02…
    label       label slug (repeatable)
    tri         pertinence, distance or nom
    page        page number

Resolving a commune, a sector, a territory or labels costs one query each, only when given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import QueryDict
from django.utils.translation import gettext as _

from maillage.territories.enums import ZoneLevel
from maillage.territories.text import normalise

from .enums import Family, HeadcountBand

if TYPE_CHECKING:
    from maillage.sectors.models import Sector
    from maillage.territories.models import Commune

__all__ = ["SORTS", "ZONE_LEVELS", "SearchQuery"]

MAX_TEXT = 200
DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 500
MAX_PAGE = 10_000

SORT_RELEVANCE = "pertinence"
SORT_DISTANCE = "distance"
SORT_NAME = "nom"
SORTS = (SORT_RELEVANCE, SORT_DISTANCE, SORT_NAME)

# Territory levels the filter accepts ("france" is no filter at all).
ZONE_LEVELS = (
    ZoneLevel.COMMUNE.value,
    ZoneLevel.EPCI.value,
    ZoneLevel.DEPARTEMENT.value,
    ZoneLevel.REGION.value,
    ZoneLevel.UNION.value,
)


@dataclass
class SearchQuery:
    """One directory search: what to look for, where, and how to sort.

    The resolved objects (commune rows, sector) ride along so that the search does not fetch
    them again; they are not part of equality nor of the URL.
    """

    q: str = ""
    families: list[str] = field(default_factory=list)
    sector_code: str = ""
    zone: tuple[str, str] | None = None
    near_commune: str = ""
    radius_km: float | None = None  # whole km as typed; the search may narrow it
    intervenes_in: str = ""
    headcount_bands: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    sort: str = ""
    page: int = 1

    # Resolved along the way (not compared, not in the URL).
    zone_name: str = field(default="", compare=False, repr=False)
    near: Commune | None = field(default=None, compare=False, repr=False)
    intervenes: Commune | None = field(default=None, compare=False, repr=False)
    sector: Sector | None = field(default=None, compare=False, repr=False)
    # The sector and every node under it, as ids: filled by the search the first time.
    sector_ids: list[int] | None = field(default=None, compare=False, repr=False)

    # --- Reading ---------------------------------------------------------------------------

    @classmethod
    def from_params(cls, params: QueryDict) -> tuple[SearchQuery, list[str]]:
        """The query a query string describes, and a message for every value not understood."""
        errors: list[str] = []
        query = cls()
        query.q = " ".join(params.get("q", "").split())[:MAX_TEXT]

        families = _many(params, "famille")
        query.families = [f for f in families if f in Family.values]
        if len(query.families) < len(families):
            errors.append(_("Famille inconnue : elle est ignorée."))

        bands = _many(params, "effectif")
        query.headcount_bands = [b for b in bands if b in HeadcountBand.values]
        if len(query.headcount_bands) < len(bands):
            errors.append(_("Tranche d'effectif inconnue : elle est ignorée."))

        query._read_labels(_many(params, "label"), errors)
        query._read_sector(params.get("secteur", "").strip()[:MAX_TEXT], errors)
        zone_text = params.get("territoire", "").strip()[:MAX_TEXT]
        query._read_zone(params.get("niveau", "").strip(), zone_text, errors)

        near_text = params.get("commune", "").strip()[:MAX_TEXT]
        if near_text:
            query.near = _resolve_commune(near_text)
            if query.near is None:
                errors.append(
                    _("Commune inconnue : « %(value)s ». La recherche autour d'elle est ignorée.")
                    % {"value": near_text}
                )
            elif query.near.latitude is None or query.near.longitude is None:
                errors.append(
                    _("La commune %(name)s n'a pas de position connue : pas de recherche autour.")
                    % {"name": query.near.name}
                )
                query.near = None
            else:
                query.near_commune = query.near.code
        radius_text = params.get("rayon", "").strip()
        if radius_text:
            try:
                radius = int(float(radius_text.replace(",", ".")))
            except ValueError:
                radius = 0
            if not 1 <= radius <= MAX_RADIUS_KM:
                errors.append(
                    _("Rayon non compris : donnez un nombre de kilomètres entre 1 et %(max)s.")
                    % {"max": MAX_RADIUS_KM}
                )
            else:
                query.radius_km = radius
        if query.near is not None and query.radius_km is None:
            query.radius_km = DEFAULT_RADIUS_KM
        if query.near is None:
            query.radius_km = None

        intervenes_text = params.get("intervient", "").strip()[:MAX_TEXT]
        if intervenes_text:
            query.intervenes = _resolve_commune(intervenes_text)
            if query.intervenes is None:
                errors.append(
                    _("Commune inconnue : « %(value)s ». Le filtre « intervient à » est ignoré.")
                    % {"value": intervenes_text}
                )
            else:
                query.intervenes_in = query.intervenes.code

        sort = params.get("tri", "").strip()
        if sort and sort not in SORTS:
            errors.append(_("Tri inconnu : les résultats sont triés par défaut."))
            sort = ""
        if sort == SORT_DISTANCE and query.near is None:
            errors.append(_("Pour trier par distance, choisissez une commune."))
            sort = ""
        query.sort = sort

        page_text = params.get("page", "").strip()
        if page_text:
            try:
                query.page = max(1, min(int(page_text), MAX_PAGE))
            except ValueError:
                query.page = 1
        return query, errors

    def _read_labels(self, slugs: list[str], errors: list[str]) -> None:
        if not slugs:
            return
        from .models import Label

        known = set(Label.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        self.labels = [s for s in slugs if s in known]
        unknown = [s for s in slugs if s not in known]
        if unknown:
            errors.append(
                _("Label inconnu : %(labels)s. Il est ignoré.") % {"labels": ", ".join(unknown)}
            )

    def _read_sector(self, text: str, errors: list[str]) -> None:
        if not text:
            return
        from maillage.sectors.models import Sector
        from maillage.sectors.selectors import code_prefix, sector_search

        prefix = code_prefix(text)
        sector: Sector | None
        if prefix is not None:
            sector = Sector.objects.filter(nomenclature="naf2", code=prefix).first()
        else:
            found = sector_search(text, limit=1)
            sector = found[0] if found else None
        if sector is None:
            errors.append(
                _("Secteur inconnu : « %(value)s ». Donnez un code NAF (ex. 43.32A) ou un libellé.")
                % {"value": text}
            )
            return
        self.sector = sector
        self.sector_code = sector.code

    def _read_zone(self, level: str, text: str, errors: list[str]) -> None:
        if not text:
            return
        if level not in ZONE_LEVELS:
            level = _guess_level(text)
        found = _resolve_zone(level, text)
        if found is None:
            errors.append(
                _("Territoire inconnu : « %(value)s » (%(level)s). Ce filtre est ignoré.")
                % {"value": text, "level": ZoneLevel(level).label}
            )
            return
        code, name = found
        self.zone = (level, code)
        self.zone_name = name

    # --- Writing ---------------------------------------------------------------------------

    def to_params(self, *, page: int | None = None) -> QueryDict:
        """The canonical query string for this search (codes, not names), optionally at `page`."""
        params = QueryDict(mutable=True)
        if self.q:
            params["q"] = self.q
        params.setlist("famille", list(self.families))
        if self.sector_code:
            params["secteur"] = self.sector_code
        if self.zone is not None:
            params["niveau"], params["territoire"] = self.zone
        if self.near_commune:
            params["commune"] = self.near_commune
            if self.radius_km:
                params["rayon"] = str(self.radius_km)
        if self.intervenes_in:
            params["intervient"] = self.intervenes_in
        params.setlist("effectif", list(self.headcount_bands))
        params.setlist("label", list(self.labels))
        if self.sort:
            params["tri"] = self.sort
        page = self.page if page is None else page
        if page > 1:
            params["page"] = str(page)
        return params

    # --- Derived -----------------------------------------------------------------------------

    @property
    def effective_sort(self) -> str:
        """The sort applied: as asked, else by relevance when there is text, else by name."""
        if self.sort:
            return self.sort
        return SORT_RELEVANCE if self.q else SORT_NAME

    @property
    def is_empty(self) -> bool:
        """Whether nothing narrows the search (the whole directory is listed)."""
        return not (
            self.q
            or self.families
            or self.sector_code
            or self.zone
            or self.near_commune
            or self.intervenes_in
            or self.headcount_bands
            or self.labels
        )


def _many(params: QueryDict, name: str) -> list[str]:
    """Every non-empty value of a repeatable parameter, also accepting comma-separated lists."""
    values: list[str] = []
    for raw in params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return list(dict.fromkeys(values))[:50]


def _resolve_commune(text: str) -> Commune | None:
    """A commune from an INSEE code, a postal code or a name (the best match), or None."""
    from maillage.territories.models import Commune
    from maillage.territories.selectors import (
        commune_autocomplete,
        commune_resolve,
        communes_for_postal_code,
    )

    compact = text.replace(" ", "")
    if len(compact) == 5 and (compact.isdigit() or compact[:2].upper() in ("2A", "2B")):
        commune = commune_resolve(compact)
        if commune is not None:
            return commune
        if compact.isdigit():
            communes = communes_for_postal_code(compact)
            return communes[0] if communes else None
        return None
    # "Saint-Étienne (42)" as the autocomplete shows it: the département narrows the name.
    name, _sep, rest = text.partition("(")
    departement = rest.rstrip(")").strip().upper()
    matches = commune_autocomplete(name, limit=10)
    if departement:
        matches = [m for m in matches if m.departement_code == departement] or matches
    if not matches:
        return None
    return Commune.objects.select_related("departement").filter(pk=matches[0].code).first()


def _guess_level(text: str) -> str:
    """The level a bare territory value most likely names (for links without `niveau`)."""
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 9:
        return ZoneLevel.EPCI.value
    if len(compact) == 5 and compact[:2].isalnum() and compact[2:].isdigit():
        return ZoneLevel.COMMUNE.value
    return ZoneLevel.DEPARTEMENT.value


def _resolve_zone(level: str, text: str) -> tuple[str, str] | None:
    """(code, name) of the territory of `level` a code or a name designates, or None."""
    from maillage.territories.models import Departement, Epci, Region, Union

    folded = normalise(text)
    if level == ZoneLevel.COMMUNE:
        commune = _resolve_commune(text)
        return (commune.code, str(commune)) if commune is not None else None
    if level == ZoneLevel.UNION:
        union = (
            Union.objects.filter(slug=text.strip().lower()).first()
            or Union.objects.filter(short_name__iexact=text.strip()).first()
            or Union.objects.filter(name__iexact=text.strip()).first()
        )
        return (union.slug, str(union)) if union is not None else None
    model: type[Departement] | type[Region] | type[Epci]
    if level == ZoneLevel.EPCI:
        model, key = Epci, "siren"
    elif level == ZoneLevel.REGION:
        model, key = Region, "code"
    else:
        model, key = Departement, "code"
    row = (
        model.objects.filter(**{key: text.strip().upper()}).values_list(key, "name").first()
        or model.objects.filter(name_search=folded).values_list(key, "name").first()
    )
    return (row[0], row[1]) if row is not None else None
