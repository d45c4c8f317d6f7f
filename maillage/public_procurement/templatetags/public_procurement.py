"""« Marchés publics remportés » on a directory organisation page: one include, two queries."""

from __future__ import annotations

from typing import Any

from django import template

from maillage.directory.models import Organisation

from ..selectors import contracts_won

register = template.Library()


@register.inclusion_tag("public_procurement/_contracts_won.html")
def contracts_won_section(organisation: Organisation) -> dict[str, Any]:
    awards, count = contracts_won(organisation)
    return {"organisation": organisation, "awards": awards, "count": count}
