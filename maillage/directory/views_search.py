"""The directory search page and its exports (CSV, GeoJSON).

Thin views: `filters.SearchQuery.from_params` reads the query string, `search` answers. The
page and the htmx fragment come from the same templates (the fragment is the results partial
the page includes), so a search works the same with or without JavaScript, and its URL
(pushed by htmx) reproduces it when shared.

Exports carry no personal data: no contact e-mail or phone, nothing about CAE entrepreneurs,
and no point or address for an establishment under partial diffusion.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _

from . import search
from .enums import Family, HeadcountBand
from .filters import SORTS, ZONE_LEVELS, SearchQuery
from .models import Label, Organisation

MAP_TEMPLATE = "directory/map/_map.html"
EXPORT_CHUNK = 2000


@lru_cache(maxsize=1)
def _map_available() -> bool:
    """Whether the map component is installed (another part of the directory provides it)."""
    try:
        get_template(MAP_TEMPLATE)
    except TemplateDoesNotExist:
        return False
    return True


def _sort_choices() -> list[tuple[str, str]]:
    labels = {
        "pertinence": _("Pertinence"),
        "distance": _("Distance"),
        "nom": _("Nom"),
    }
    return [(value, labels[value]) for value in SORTS]


def _zone_level_choices() -> list[tuple[str, str]]:
    from maillage.territories.enums import ZoneLevel

    return [(level, str(ZoneLevel(level).label)) for level in ZONE_LEVELS]


def search_page(request: HttpRequest) -> HttpResponse:
    """The directory: one search box, filters, the list beside the map.

    An htmx request gets the results fragment only (the form stays as typed); a plain GET gets
    the whole page. A value that cannot be understood is reported and left out.
    """
    query, errors = SearchQuery.from_params(request.GET)
    results = search.search(query)
    params = query.to_params()
    base_url = reverse("directory:index")
    pages = {
        "previous": (
            params_url(base_url, query, results.page.previous_page_number())
            if results.page.has_previous()
            else ""
        ),
        "next": (
            params_url(base_url, query, results.page.next_page_number())
            if results.page.has_next()
            else ""
        ),
    }
    export_params = query.to_params(page=1).urlencode()
    context: dict[str, Any] = {
        "query": query,
        "errors": errors,
        "results": results,
        "pages": pages,
        "typed": request.GET,
        "share_url": request.build_absolute_uri(
            f"{base_url}?{params.urlencode()}" if params else base_url
        ),
        "query_string": params.urlencode(),
        "export_params": export_params,
        "map_enabled": _map_available(),
        # The map shows the whole search: neither the list's page nor its order.
        "map_params": _map_params(query),
    }
    if getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        response = render(request, "directory/search/_results.html", context)
        # The address bar gets the canonical link (codes, no empty fields): the one to share.
        response["HX-Push-Url"] = f"{base_url}?{params.urlencode()}" if params else base_url
        # Lets the map (or anything else on the page) follow the search.
        response["HX-Trigger"] = json.dumps({"directory-search": {"query": params.urlencode()}})
        return response
    context.update(
        {
            "family_choices": Family.choices,
            "headcount_choices": [c for c in HeadcountBand.choices if c[0] != HeadcountBand.NN],
            "label_choices": list(Label.objects.values_list("slug", "name")),
            "zone_level_choices": _zone_level_choices(),
            "sort_choices": _sort_choices(),
        }
    )
    return render(request, "directory/search/index.html", context)


def _map_params(query: SearchQuery) -> str:
    params = query.to_params(page=1)
    params.pop("tri", None)
    return params.urlencode()


def params_url(base_url: str, query: SearchQuery, page: int) -> str:
    """The URL of another page of the same search."""
    encoded = query.to_params(page=page).urlencode()
    return f"{base_url}?{encoded}" if encoded else base_url


# --- Exports ------------------------------------------------------------------------------

CSV_HEADERS = [
    "nom",
    "sigle",
    "famille",
    "siren",
    "commune",
    "code_commune",
    "departement",
    "code_naf",
    "secteur",
    "tranche_effectif",
    "labels",
    "site_web",
    "fiche",
    "demonstration",
]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _organisation_rows(query: SearchQuery, site: str) -> Iterator[list[str]]:
    organisations = (
        search.organisations_matching(query)
        .select_related("commune", "sector")
        .prefetch_related("labels")
    )
    for organisation in organisations.iterator(chunk_size=EXPORT_CHUNK):
        commune = organisation.commune
        yield [
            organisation.name,
            organisation.acronym,
            organisation.get_family_display(),
            organisation.siren or "",
            commune.name if commune else "",
            commune.code if commune else "",
            commune.departement_id if commune else "",
            organisation.sector.code if organisation.sector else "",
            organisation.sector.display_label if organisation.sector else "",
            organisation.get_headcount_band_display(),
            ", ".join(label.name for label in organisation.labels.all()),
            organisation.website,
            site + reverse("directory:detail", args=[organisation.slug]),
            "oui" if organisation.is_synthetic else "non",
        ]


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The organisations of a search as CSV (UTF-8 with BOM, for spreadsheets)."""
    query, _errors = SearchQuery.from_params(request.GET)
    site = request.build_absolute_uri("/").rstrip("/")
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(CSV_HEADERS)
        for row in _organisation_rows(query, site):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="annuaire-maillage.csv"'
    return response


def export_geojson(request: HttpRequest) -> StreamingHttpResponse:
    """The located establishments of a search as a GeoJSON FeatureCollection (RFC 7946)."""
    query, _errors = SearchQuery.from_params(request.GET)
    site = request.build_absolute_uri("/").rstrip("/")
    establishments = (
        search.establishments_matching(query)
        .select_related("organisation", "commune", "sector")
        .order_by("organisation__name", "pk")
    )

    def features() -> Iterator[str]:
        yield '{"type": "FeatureCollection", "features": ['
        first = True
        for establishment in establishments.iterator(chunk_size=EXPORT_CHUNK):
            organisation: Organisation = establishment.organisation
            if not organisation.is_published:
                continue
            feature = {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(establishment.longitude or 0.0, 6),
                        round(establishment.latitude or 0.0, 6),
                    ],
                },
                "properties": {
                    "nom": organisation.name,
                    "enseigne": establishment.name,
                    "famille": organisation.get_family_display(),
                    "siret": establishment.siret or "",
                    "siege": establishment.is_headquarters,
                    "commune": establishment.commune.name if establishment.commune else "",
                    "code_commune": establishment.commune_id or "",
                    "code_naf": establishment.sector.code if establishment.sector else "",
                    "precision": establishment.point_precision,
                    "fiche": site + reverse("directory:detail", args=[organisation.slug]),
                    "demonstration": organisation.is_synthetic,
                },
            }
            yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
            first = False
        yield "]}"

    response = StreamingHttpResponse(features(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="annuaire-maillage.geojson"'
    return response
