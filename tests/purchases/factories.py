"""Cooperatives with valid SIREN/SIRET, NAF sections, two régions, and purchases between them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils.text import slugify

from maillage.directory.enums import Family
from maillage.directory.models import Establishment, Organisation
from maillage.purchases import services
from maillage.purchases.models import Purchase
from maillage.sectors.models import Sector, SectorLevel
from tests.directory.factories import CommuneFactory, DepartementFactory, RegionFactory

_serial = itertools.count(1)


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the digit that makes it pass the Luhn checksum."""
    for digit in "0123456789":
        candidate = prefix + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def new_siren() -> str:
    return luhn_complete(f"{800000000 // 10 + next(_serial):08d}")


def siret_of(siren: str, nic: int = 1) -> str:
    return luhn_complete(f"{siren}{nic:04d}")


def section(code: str, label: str) -> Sector:
    sector, _ = Sector.objects.get_or_create(
        nomenclature="naf2",
        code=code,
        defaults={
            "level": SectorLevel.SECTION,
            "label": label,
            "display_label": label,
            "label_search": label.lower(),
            "section_code": code,
        },
    )
    return sector


def place(departement: str = "42", region: str = "84") -> Any:
    names = {"84": "Auvergne-Rhône-Alpes", "11": "Île-de-France", "53": "Bretagne"}
    reg = RegionFactory(code=region, name=names.get(region, f"Région {region}"))
    dep = DepartementFactory(code=departement, region=reg, name=f"Département {departement}")
    return CommuneFactory(departement=dep, region=reg)


def cooperative(
    name: str | None = None,
    *,
    departement: str = "42",
    region: str = "84",
    sector: Sector | None = None,
    with_establishment: bool = True,
) -> Organisation:
    """A Scop with a SIREN, a head office establishment (SIRET = SIREN + 00001) and a commune."""
    name = name or f"Coopérative {next(_serial)}"
    commune = place(departement, region)
    siren = new_siren()
    organisation = Organisation.objects.create(
        name=name,
        slug=slugify(name)[:60] + f"-{siren}",
        family=Family.SCOP,
        commune=commune,
        siren=siren,
        sector=sector,
    )
    if with_establishment:
        Establishment.objects.create(
            organisation=organisation,
            siret=siret_of(siren),
            is_headquarters=True,
            commune=commune,
        )
    return organisation


def headquarters_siret(organisation: Organisation) -> str:
    assert organisation.siren
    return siret_of(organisation.siren)


def purchase(
    buyer: Organisation,
    supplier: Organisation | None = None,
    *,
    euros: int = 1000,
    date: dt.date | None = None,
    supplier_name: str = "",
) -> Purchase:
    return services.purchase_create(
        buyer=buyer,
        supplier=supplier,
        supplier_name=supplier_name or ("" if supplier else "Fournisseur hors réseau"),
        amount_cents=euros * 100,
        date=date or dt.date(2025, 3, 14),
    )
