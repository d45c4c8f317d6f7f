"""Pages of the NAF nomenclature: the sections, a live search and one page per node."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django_htmx.middleware import HtmxDetails

from .models import Nomenclature, Sector, SectorLevel
from .selectors import sector_ancestors, sector_search, sector_tree


class HtmxHttpRequest(HttpRequest):
    """What django-htmx's middleware adds to every request, for the type checker."""

    htmx: HtmxDetails


SEARCH_LIMIT = 20
JSON_LIMIT_MAX = 50


def index(request: HttpRequest) -> HttpResponse:
    """The 21 sections with their divisions, and the search box."""
    return render(request, "sectors/index.html", {"tree": sector_tree(depth=2), "q": ""})


def _sector_json(sector: Sector) -> dict[str, object]:
    return {
        "code": sector.code,
        "label": sector.display_label,
        "level": sector.level,
        "level_label": str(SectorLevel(sector.level).label),
        "section": sector.section_code,
        "url": sector.get_absolute_url(),
    }


def search(request: HtmxHttpRequest) -> HttpResponse:
    """Search by label words or code prefix.

    Three renderings of the same results: the fragment for htmx (live results under the box),
    JSON with ``?format=json`` for other apps' pickers, the full page otherwise (no JavaScript).
    """
    q = request.GET.get("q", "").strip()[:100]
    nomenclature = request.GET.get("nomenclature", Nomenclature.NAF_REV2)
    if nomenclature not in Nomenclature.values:
        nomenclature = Nomenclature.NAF_REV2
    limit = SEARCH_LIMIT
    if request.GET.get("format") == "json":
        try:
            limit = max(1, min(int(request.GET.get("limit", SEARCH_LIMIT)), JSON_LIMIT_MAX))
        except ValueError:
            limit = SEARCH_LIMIT
    results = sector_search(q, nomenclature=nomenclature, limit=limit) if q else []
    if request.GET.get("format") == "json":
        return JsonResponse({"q": q, "results": [_sector_json(s) for s in results]})
    context = {"q": q, "results": results, "searched": bool(q)}
    if request.htmx:
        return render(request, "sectors/_results.html", context)
    return render(request, "sectors/search.html", context)


def detail(request: HttpRequest, nomenclature: str, code: str) -> HttpResponse:
    """One node: its breadcrumb up to the section and the nodes right under it."""
    if nomenclature not in Nomenclature.values:
        raise Http404
    sector = get_object_or_404(Sector, nomenclature=nomenclature, code=code)
    return render(
        request,
        "sectors/detail.html",
        {
            "sector": sector,
            "ancestors": sector_ancestors(sector),
            "children": list(sector.children.order_by("code")),
        },
    )
