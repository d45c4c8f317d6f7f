"""The directory the DECP fixtures (data/*.json) refer to: three cooperatives whose SIRET and
SIREN appear in the files, and the places of performance they name."""

from __future__ import annotations

from typing import Any

from maillage.directory.enums import Family
from maillage.directory.models import Establishment, Organisation
from maillage.territories.models import Commune, PostalCode
from tests.directory.factories import DepartementFactory, RegionFactory
from tests.purchases.factories import section

DATA_SIRENS = {
    "a": ("900000019", "90000001900019", "42", "F"),  # linked by SIRET
    "b": ("900000027", None, "69", "J"),  # no establishment: linked by SIREN
    "c": ("900000035", "90000003500015", "42", "N"),
}
OUTSIDE_SIRET = "90000005000014"


def build_directory() -> dict[str, Any]:
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    loire = DepartementFactory(code="42", name="Loire", region=region)
    rhone = DepartementFactory(code="69", name="Rhône", region=region)
    st_etienne = Commune.objects.create(
        code="42218",
        name="Saint-Étienne",
        name_search="saint etienne",
        departement=loire,
        region=region,
    )
    lyon = Commune.objects.create(
        code="69123", name="Lyon", name_search="lyon", departement=rhone, region=region
    )
    PostalCode.objects.create(code="42000", commune=st_etienne)
    communes = {"42": st_etienne, "69": lyon}
    labels = {"F": "construction", "J": "information et communication", "N": "services"}
    out: dict[str, Any] = {"communes": communes}
    for key, (siren, siret, dep, sec) in DATA_SIRENS.items():
        organisation = Organisation.objects.create(
            name=f"Scop {key.upper()}",
            slug=f"scop-{key}",
            family=Family.SCOP,
            siren=siren,
            commune=communes[dep],
            sector=section(sec, labels[sec]),
        )
        if siret:
            Establishment.objects.create(
                organisation=organisation, siret=siret, is_headquarters=True, commune=communes[dep]
            )
        out[key] = organisation
    return out
