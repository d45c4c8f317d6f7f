"""Territory pages: index, région, union, département, EPCI, commune; search and autocomplete."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from . import selectors
from .models import Departement, Epci, Region, Union

COMMUNES_PER_PAGE = 50
AUTOCOMPLETE_LIMIT = 10


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "territories/index.html",
        {
            "unions": selectors.unions_with_departements(),
            "regions": selectors.regions_with_departements(),
        },
    )


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    departements = region.departements.select_related("union").order_by("code")
    return render(
        request,
        "territories/region_detail.html",
        {"region": region, "departements": departements},
    )


def union_detail(request: HttpRequest, slug: str) -> HttpResponse:
    union = get_object_or_404(Union, slug=slug)
    return render(
        request,
        "territories/union_detail.html",
        {
            "union": union,
            "coverage": union.coverage.order_by("level", "code"),
            "departements": selectors.union_departements(union),
        },
    )


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))


def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(
        Departement.objects.select_related("region", "union"), code=code.upper()
    )
    communes = departement.communes.select_related("epci").order_by("name", "code")
    return render(
        request,
        "territories/departement_detail.html",
        {
            "departement": departement,
            "epcis": selectors.departement_epcis(departement),
            "page": _page(request, communes),
        },
    )


def epci_detail(request: HttpRequest, siren: str) -> HttpResponse:
    epci = get_object_or_404(Epci, siren=siren)
    departements = list(selectors.epci_departements(epci).select_related("region", "union"))
    communes = epci.communes.select_related("departement").order_by("name", "code")
    return render(
        request,
        "territories/epci_detail.html",
        {"epci": epci, "departements": departements, "page": _page(request, communes)},
    )


def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    ancestry = selectors.commune_ancestry(code)
    if ancestry is None:
        return render(request, "territories/commune_not_found.html", {"code": code}, status=404)
    if ancestry.commune.code != code.upper():
        # An arrondissement's code (75101) leads to its commune's page.
        return redirect("territories:commune", code=ancestry.commune.code)
    commune = ancestry.commune
    return render(
        request,
        "territories/commune_detail.html",
        {
            "ancestry": ancestry,
            "commune": commune,
            "postal_codes": commune.postal_codes.order_by("code"),
            "arrondissements": commune.arrondissements.order_by("code"),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    result = selectors.commune_search(request.GET.get("q", ""))
    return render(request, "territories/search.html", {"result": result})


def autocomplete(request: HttpRequest) -> HttpResponse:
    """HTML fragment for htmx, JSON with ?format=json; a plain visit goes to the search page."""
    q = request.GET.get("q", "")
    if request.GET.get("format") == "json":
        matches = selectors.commune_autocomplete(q, limit=AUTOCOMPLETE_LIMIT)
        return JsonResponse([m.as_json() for m in matches], safe=False)
    if not getattr(request, "htmx", False):
        return redirect(f"{reverse('territories:search')}?{urlencode({'q': q})}")
    matches = selectors.commune_autocomplete(q, limit=AUTOCOMPLETE_LIMIT)
    return render(
        request,
        "territories/_autocomplete.html",
        {"matches": matches, "q": q.strip(), "too_short": len(q.strip()) < 2},
    )
