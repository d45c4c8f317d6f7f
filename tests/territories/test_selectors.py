"""Lookups: autocomplete, resolving codes, walking up, zones, distance, search suggestions."""

from __future__ import annotations

import pytest

from maillage.territories.models import Commune
from maillage.territories.selectors import (
    commune_ancestry,
    commune_autocomplete,
    commune_in_zone,
    commune_resolve,
    commune_search,
    commune_zones,
    communes_for_postal_code,
    distance_km,
)

pytestmark = pytest.mark.django_db


def _names(q: str, limit: int = 10) -> list[str]:
    return [match.name for match in commune_autocomplete(q, limit=limit)]


@pytest.mark.parametrize(
    "q",
    ["saint etienne", "Saint-Étienne", "SAINT ÉTIENNE", "saint eti", "st etienne", "st-étienne"],
)
def test_autocomplete_finds_saint_etienne_first(territories, q):
    assert _names(q)[0] == "Saint-Étienne"


def test_autocomplete_by_postal_code(territories):
    matches = commune_autocomplete("42000")
    assert [m.name for m in matches] == ["Saint-Étienne"]
    assert matches[0].as_json() == {
        "code": "42218",
        "name": "Saint-Étienne",
        "postal_codes": ["42000", "42100", "42230"],
        "departement": "42",
    }
    assert _names("75001") == ["Paris"]
    assert _names("420")[0] == "Saint-Étienne"  # a prefix of postal codes


def test_autocomplete_accents_and_exact_first(territories):
    assert _names("Évry")[:2] == ["Évry", "Évry-Courcouronnes"]
    assert _names("evry") == _names("Évry")
    assert _names("EVRY")[0] == "Évry"


def test_autocomplete_inside_multi_word_names(territories):
    assert "Saint-Étienne" in _names("etienne")
    assert _names("etienne")[0] == "Saint-Étienne"


def test_autocomplete_short_or_empty_queries(territories):
    assert commune_autocomplete("") == []
    assert commune_autocomplete("s") == []
    assert commune_autocomplete("4") == []
    assert len(commune_autocomplete("sa", limit=5)) == 5
    assert len(commune_autocomplete("sa", limit=40)) == 40  # past the precomputed top


def test_crowded_prefix_is_ranked_by_population(territories):
    names = _names("sa")
    assert names[0] == "Saint-Étienne"
    assert len(names) == len(set(names)) == 10


def test_resolve_codes(territories):
    assert commune_resolve("75101").name == "Paris"
    assert commune_resolve("42218").name == "Saint-Étienne"
    assert commune_resolve("00000") is None
    assert [c.name for c in communes_for_postal_code("42000")] == ["Saint-Étienne"]


def test_ancestry_and_zones(territories, django_assert_num_queries):
    with django_assert_num_queries(1):
        ancestry = commune_ancestry("42218")
        zones = ancestry.zones()
    assert ancestry.epci.name == "Saint-Étienne Métropole"
    assert ancestry.departement.code == "42"
    assert ancestry.region.name == "Auvergne-Rhône-Alpes"
    assert ancestry.union.slug == "auvergne-rhone-alpes"
    assert zones == [
        ("commune", "42218"),
        ("epci", ancestry.epci.siren),
        ("departement", "42"),
        ("region", "84"),
        ("union", "auvergne-rhone-alpes"),
        ("france", "fr"),
    ]
    assert commune_zones(ancestry.commune) == zones
    # An arrondissement walks up through its commune.
    assert commune_ancestry("69381").commune.name == "Lyon"
    assert commune_ancestry("nope") is None


def test_commune_in_zone_at_every_level(territories):
    saint_etienne = Commune.objects.get(code="42218")
    epci = saint_etienne.epci_id
    for level, inside, outside in [
        ("commune", "42218", "75056"),
        ("epci", epci, "200054781"),
        ("departement", "42", "69"),
        ("region", "84", "11"),
        ("union", "auvergne-rhone-alpes", "ouest"),
    ]:
        assert commune_in_zone(saint_etienne, level, inside), level
        assert not commune_in_zone(saint_etienne, level, outside), level
    assert commune_in_zone(saint_etienne, "france", "fr")
    # Eure is in the Île-de-France union although Normandie is not.
    evreux = Commune.objects.get(code="27229")
    assert commune_in_zone(evreux, "union", "ile-de-france-centre-haute-normandie-outre-mer")
    assert commune_in_zone(evreux, "region", "28")
    with pytest.raises(ValueError):
        commune_in_zone(saint_etienne, "canton", "x")


def test_distance_paris_lyon(territories):
    paris = Commune.objects.get(code="75056")
    lyon = Commune.objects.get(code="69123")
    assert distance_km(paris, lyon) == pytest.approx(392, abs=5)
    assert distance_km(paris, Commune(code="x")) is None


def test_search_suggestions(territories):
    found = commune_search("saint etienne")
    assert found.communes[0].name == "Saint-Étienne"
    typo = commune_search("sant etiene")
    assert not typo.communes
    assert "Saint-Étienne" in [m.name for m in typo.suggested_communes]
    postal = commune_search("42999")
    assert postal.is_postal_code and not postal.communes
    assert postal.suggested_postal_codes
    assert all(code.startswith("42") for code in postal.suggested_postal_codes)
