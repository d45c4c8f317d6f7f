"""Reads of the directory: the list and the page of an organisation."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Organisation


def organisation_list() -> QuerySet[Organisation]:
    """All organisations by name, with what the list shows (commune) in the same query."""
    return Organisation.objects.select_related("commune").order_by("name", "pk")


def organisation_get(slug: str) -> Organisation:
    """One organisation with its place (commune → département → union), or 404."""
    return get_object_or_404(
        Organisation.objects.select_related("commune__departement__union", "sector"), slug=slug
    )
