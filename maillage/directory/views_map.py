"""The directory map: clusters for a viewport (JSON), and the embeddable map (iframe).

Both read the filters of the directory search from the query string (`SearchQuery`), so the
map always shows the establishments the list shows. The widget also accepts the short forms
of embed links written by hand: `zone=epci:200046977` and `family=scop`.
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from .clustering import Bbox, ViewportTooLarge
from .filters import SearchQuery
from .map_index import map_card, map_clusters, map_place_list

MAX_ZOOM = 22
JSON_DUMPS = {"separators": (",", ":"), "ensure_ascii": False}
# Cached briefly by the browser: panning back and forth reuses answers.
CACHE_CONTROL = "max-age=30"


class BadViewport(ValueError):
    """The bbox or the zoom of a map request is missing or not understood."""


def search_params(params: QueryDict) -> QueryDict:
    """The search parameters, with the short forms of embed links (`zone=level:code`,
    `family=…`) turned into the search's own (`niveau`/`territoire`, `famille`)."""
    result = params.copy()
    zone = result.pop("zone", [])
    if zone and ":" in zone[0] and not result.get("territoire"):
        level, _sep, code = zone[0].partition(":")
        result["niveau"], result["territoire"] = level.strip(), code.strip()
    for family in result.pop("family", []):
        result.appendlist("famille", family)
    return result


def _viewport(params: QueryDict) -> tuple[Bbox, int]:
    try:
        west, south, east, north = (float(v) for v in params.get("bbox", "").split(","))
        zoom = int(params.get("zoom", ""))
    except ValueError as exc:
        raise BadViewport(_("Donnez bbox=ouest,sud,est,nord et zoom.")) from exc
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values) or not 0 <= zoom <= MAX_ZOOM:
        raise BadViewport(_("Emprise ou niveau de zoom hors limites."))
    if west > east or south > north:
        raise BadViewport(_("Emprise inversée : ouest ≤ est et sud ≤ nord."))
    return Bbox.from_degrees(west, south, east, north), zoom


def _json(payload: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params=JSON_DUMPS)
    if status == 200:
        response["Cache-Control"] = CACHE_CONTROL
    return response


@require_GET
def clusters(request: HttpRequest) -> JsonResponse:
    """Clusters and points of the search for `bbox=west,south,east,north` at `zoom`.

    With `liste=1`, the establishments inside `bbox` instead (a cluster of points at one
    place, which zooming cannot split); with `etablissement=<id>`, the card of one point;
    with `etendue=1`, also where the search's points are (`b`).
    Answers 400 with `{"error": …}` for a bad viewport.
    """
    card = request.GET.get("etablissement", "")
    if card:
        if not card.isdigit() or len(card) > 18:
            return _json({"error": _("Établissement inconnu.")}, status=400)
        return _json(map_card(int(card)))
    query, _errors = SearchQuery.from_params(search_params(request.GET))
    try:
        bbox, zoom = _viewport(request.GET)
        if request.GET.get("liste") == "1":
            return _json(map_place_list(query, bbox))
        extent = request.GET.get("etendue") == "1"
        return _json(map_clusters(query, bbox, zoom, extent=extent))
    except BadViewport as exc:
        return _json({"error": str(exc)}, status=400)
    except ViewportTooLarge:
        return _json({"error": _("Emprise trop grande pour ce niveau de zoom.")}, status=400)


@require_GET
@xframe_options_exempt
def widget(request: HttpRequest) -> HttpResponse:
    """The map alone, to embed in another site (any site may frame it)."""
    params = search_params(request.GET)
    query, errors = SearchQuery.from_params(params)
    canonical = query.to_params()
    canonical.pop("page", None)
    canonical.pop("tri", None)
    response = render(
        request,
        "directory/map/widget.html",
        {"map_params": canonical.urlencode(), "errors": errors, "query": query},
    )
    # X-Frame-Options is dropped by the decorator; CSP says the same to current browsers.
    response["Content-Security-Policy"] = "frame-ancestors *"
    return response
