"""Lookups the importers need, loaded once into plain dicts: legal categories, communes, NAF."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from maillage.directory.enums import Family, HeadcountBand

DATA_DIR = Path(__file__).resolve().parent / "data"
LEGAL_CATEGORIES_FILE = DATA_DIR / "legal_categories.csv"
COOPERATIVE_FAMILIES = frozenset(
    {Family.SCOP, Family.SCIC, Family.CAE, Family.HABITANTS, Family.OTHER_COOP}
)
HEADCOUNT_BANDS = frozenset(HeadcountBand.values)


@dataclass(frozen=True)
class LegalCategory:
    """One code of the INSEE legal-category nomenclature (level III), as the import uses it."""

    code: str
    label: str
    family: str  # "" when the category says nothing about the family
    ess_by_status: bool


@cache
def legal_categories() -> dict[str, LegalCategory]:
    """The shipped mapping (data/legal_categories.csv, see data/NOTICE.md), by code."""
    with LEGAL_CATEGORIES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: LegalCategory(
                code=row["code"],
                label=row["label"],
                family=row["family"],
                ess_by_status=row["ess_by_status"] == "1",
            )
            for row in csv.DictReader(handle, delimiter=";")
        }


def cooperative_codes() -> frozenset[str]:
    """Legal categories that are cooperatives (kept whatever the ESS flag says)."""
    return frozenset(code for code, cat in legal_categories().items() if cat.family)


@dataclass(frozen=True)
class CommuneRef:
    code: str
    departement: str
    latitude: float | None
    longitude: float | None


def commune_lookup() -> dict[str, CommuneRef]:
    """Every commune and arrondissement municipal code → the commune it belongs to."""
    from maillage.territories.models import Commune, MunicipalArrondissement

    communes = {
        code: CommuneRef(code, dep, lat, lon)
        for code, dep, lat, lon in Commune.objects.values_list(
            "code", "departement_id", "latitude", "longitude"
        ).iterator(chunk_size=5000)
    }
    for code, commune_code in MunicipalArrondissement.objects.values_list("code", "commune_id"):
        if commune_code in communes:
            communes[code] = communes[commune_code]
    return communes


def sector_lookup() -> dict[str, int]:
    """NAF rév. 2 code ("43.32A", and the 5-character "4332A") → Sector id, every level."""
    from maillage.sectors.models import Sector

    ids: dict[str, int] = {}
    for code, pk in Sector.objects.filter(nomenclature="naf2").values_list("code", "id"):
        ids[code] = pk
        ids.setdefault(code.replace(".", ""), pk)
    return ids


# Collectivités d'outre-mer and other codes outside the shipped territories: kept, no commune.
OUTSIDE_TERRITORIES_PREFIXES = ("975", "977", "978", "98", "99")
