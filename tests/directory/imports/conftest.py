"""Reference data and SIRENE file builders for the import tests."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.directory.imports.samples import (
    ESTAB_COLUMNS_NEW,
    ESTAB_COLUMNS_OLD,
    UNIT_COLUMNS_NEW,
    UNIT_COLUMNS_OLD,
    make_siren,
    make_siret,
    write_csv,
)

SCOP = make_siren(10000001)
ASSO = make_siren(10000002)
SA_PLAIN = make_siren(10000003)
PARTIAL = make_siren(10000004)


@pytest.fixture
def reference(db):
    """Communes of Paris, the Loire and La Réunion, and the NAF nomenclature."""
    call_command(
        "load_reference_data", "--departements", "75,42,974", stdout=StringIO(), stderr=StringIO()
    )


def unit(siren: str, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "siren": siren,
        "statutDiffusionUniteLegale": "O",
        "dateCreationUniteLegale": "2010-05-12",
        "trancheEffectifsUniteLegale": "11",
        "etatAdministratifUniteLegale": "A",
        "denominationUniteLegale": f"UNITE {siren}",
        "categorieJuridiqueUniteLegale": "5458",
        "activitePrincipaleUniteLegale": "43.32A",
        "nomenclatureActivitePrincipaleUniteLegale": "NAFRev2",
        "economieSocialeSolidaireUniteLegale": "O",
    }
    row.update(values)
    return row


def estab(siren: str, nic: int = 1, **values: object) -> dict[str, object]:
    siret = make_siret(siren, nic)
    row: dict[str, object] = {
        "siren": siren,
        "nic": siret[9:],
        "siret": siret,
        "statutDiffusionEtablissement": "O",
        "trancheEffectifsEtablissement": "03",
        "etablissementSiege": "true" if nic == 1 else "false",
        "numeroVoieEtablissement": "12",
        "typeVoieEtablissement": "RUE",
        "libelleVoieEtablissement": "DE LA PAIX",
        "codePostalEtablissement": "42000",
        "codeCommuneEtablissement": "42218",
        "etatAdministratifEtablissement": "A",
        "activitePrincipaleEtablissement": "43.32A",
        "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
    }
    row.update(values)
    return row


@pytest.fixture
def sirene_files(tmp_path):
    """Write a pair of SIRENE files; returns (unites, etablissements) paths."""

    def build(
        units: list[dict[str, object]],
        estabs: list[dict[str, object]],
        *,
        layout: str = "new",
        encoding: str = "utf-8",
        name: str = "stock",
    ) -> tuple[Path, Path]:
        unit_columns = UNIT_COLUMNS_NEW if layout == "new" else UNIT_COLUMNS_OLD
        estab_columns = ESTAB_COLUMNS_NEW if layout == "new" else ESTAB_COLUMNS_OLD
        return (
            write_csv(tmp_path / f"{name}UniteLegale.csv", unit_columns, units, encoding=encoding),
            write_csv(
                tmp_path / f"{name}Etablissement.csv", estab_columns, estabs, encoding=encoding
            ),
        )

    return build
