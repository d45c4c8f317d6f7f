from __future__ import annotations

from django.db.models import Count

from maillage.sectors.models import Sector
from maillage.territories.models import Commune, Departement, Epci, Region, Union


def reference_counts() -> dict[str, int]:
    """How much reference data is loaded, for the home page (six cheap COUNT queries)."""
    return {
        "communes": Commune.objects.count(),
        "epcis": Epci.objects.count(),
        "departements": Departement.objects.count(),
        "regions": Region.objects.count(),
        "unions": Union.objects.count(),
        "sectors": Sector.objects.aggregate(n=Count("pk"))["n"],
    }
