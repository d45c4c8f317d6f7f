"""Pages per territory (commune, EPCI, département, région, union) and per sector (NAF at any
level): figures, breakdowns and the list of organisations — the basis for a union's actions
per territory and per sector."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from maillage.sectors.selectors import sector_ancestors
from maillage.territories.enums import ZoneLevel

from . import selectors

PAGE_SIZE = 25


def territory(request: HttpRequest, level: str, code: str) -> HttpResponse:
    place = selectors.territory_get(level, code)
    page = Paginator(selectors.organisations_in(place.filter), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/pages/territory.html",
        {
            "territory": place,
            "level_label": ZoneLevel(place.level).label,
            "overview": selectors.territory_overview(place),
            "page": page,
            "map_params": urlencode({"niveau": place.level, "territoire": place.code}),
        },
    )


def sector(request: HttpRequest, code: str) -> HttpResponse:
    node = selectors.sector_get(code)
    page = Paginator(selectors.organisations_in(selectors.sector_filter(node)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/pages/sector.html",
        {
            "sector": node,
            "ancestors": sector_ancestors(node),
            "overview": selectors.sector_overview(node),
            "page": page,
            "map_params": urlencode({"secteur": node.code}),
        },
    )
