"""Public procurement: the market held by the network, by territory and sector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from maillage.purchases.charts import bars_svg, data_uri

from . import perms, selectors
from .forms import MarketForm


def index(request: HttpRequest) -> HttpResponse:
    """« Marchés publics » : what the network holds of the public market, secret cells hidden
    for the public."""
    years = selectors.years_with_contracts()
    form = MarketForm(request.GET or None, years=years)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    table = selectors.market_held(
        dimension=data.get("dimension") or "region",
        year=data.get("year"),
        full=perms.sees_full_market(request.user),
        unknown_label=_("Non renseigné"),
    )
    chart = None
    if table.rows:
        chart = data_uri(
            bars_svg(
                [row.label for row in table.rows],
                [None if row.hidden else (row.network_cents or 0) / 100 for row in table.rows],
            )
        )
    return render(
        request, "public_procurement/index.html", {"form": form, "table": table, "chart": chart}
    )
