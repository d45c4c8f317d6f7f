"""Re-importing a stock file: what changed is written, what did not is left untouched."""

from __future__ import annotations

import pytest

from maillage.directory.imports.sirene import sirene_import
from maillage.directory.models import Establishment, Organisation

from .conftest import ASSO, SCOP, estab, unit

pytestmark = pytest.mark.usefixtures("reference")


def test_a_reimport_writes_changes_and_leaves_unchanged_rows_alone(sirene_files):
    units = [unit(SCOP), unit(ASSO, categorieJuridiqueUniteLegale="9220")]
    files = sirene_files(units, [estab(SCOP, 1), estab(ASSO, 1)])
    sirene_import(unites=files[0], etablissements=files[1], progress_stream=None)
    before = {o.siren: o.updated_at for o in Organisation.objects.all()}
    sites_before = {e.siret: e.updated_at for e in Establishment.objects.all()}

    units[1] = unit(ASSO, categorieJuridiqueUniteLegale="9220", denominationUniteLegale="NOUVEAU")
    files = sirene_files(
        units, [estab(SCOP, 1), estab(ASSO, 1, libelleVoieEtablissement="DES LILAS")]
    )
    sirene_import(unites=files[0], etablissements=files[1], progress_stream=None)

    scop, asso = Organisation.objects.get(siren=SCOP), Organisation.objects.get(siren=ASSO)
    assert asso.name == "NOUVEAU" and asso.updated_at > before[ASSO]
    assert scop.updated_at == before[SCOP]
    moved = Establishment.objects.get(organisation=asso)
    assert moved.address == "12 Rue DES LILAS"
    assert moved.updated_at > sites_before[moved.siret]
    unchanged = Establishment.objects.get(organisation=scop)
    assert unchanged.updated_at == sites_before[unchanged.siret]
