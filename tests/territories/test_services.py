"""Unions: seeding the default map and deriving each département's union from coverage."""

from __future__ import annotations

import pytest

from maillage.territories.models import Departement, Union, UnionCoverage
from maillage.territories.services import departement_unions_derive, unions_seed

from .factories import DepartementFactory, RegionFactory, UnionCoverageFactory, UnionFactory

pytestmark = pytest.mark.django_db


def _union_of(code: str) -> str | None:
    return Departement.objects.get(code=code).union_id


def test_default_map(territories):
    assert _union_of("27") == "ile-de-france-centre-haute-normandie-outre-mer"  # Eure
    assert _union_of("75") == "ile-de-france-centre-haute-normandie-outre-mer"
    assert _union_of("14") == "ouest"  # Calvados
    assert _union_of("69") == "auvergne-rhone-alpes"  # Rhône
    assert _union_of("42") == "auvergne-rhone-alpes"


def test_departement_piece_wins_over_region_and_follows_changes():
    region = RegionFactory(code="R1")
    alone = DepartementFactory(code="D1", region=region)
    other = DepartementFactory(code="D2", region=region)
    by_region = UnionCoverageFactory(level="region", code="R1").union
    by_departement = UnionCoverageFactory(level="departement", code="D1").union
    assert departement_unions_derive() == 2
    alone.refresh_from_db()
    other.refresh_from_db()
    assert alone.union == by_departement
    assert other.union == by_region
    UnionCoverage.objects.filter(level="departement").delete()
    assert departement_unions_derive() == 1
    alone.refresh_from_db()
    assert alone.union == by_region


def test_seed_keeps_operator_edits(territories):
    Union.objects.filter(slug="ouest").update(short_name="Ouest (modifié)")
    UnionCoverage.objects.filter(level="departement", code="14").delete()
    other = UnionFactory()
    UnionCoverage.objects.create(union=other, level="departement", code="14")
    stats = unions_seed()
    assert stats.created == 0
    departement_unions_derive()
    assert Union.objects.get(slug="ouest").short_name == "Ouest (modifié)"
    assert _union_of("14") == other.slug
    # An explicit reset restores the default map.
    UnionCoverage.objects.filter(union=other).delete()
    unions_seed(reset=True)
    departement_unions_derive()
    assert Union.objects.get(slug="ouest").short_name == "Ouest"
    assert _union_of("14") == "ouest"


def test_admin_save_rederives(territories, admin_client):
    piece = UnionCoverage.objects.get(level="departement", code="27")
    response = admin_client.post(
        f"/admin/territories/unioncoverage/{piece.pk}/change/",
        {"union": "ouest", "level": "departement", "code": "27"},
    )
    assert response.status_code == 302
    assert _union_of("27") == "ouest"
