"""Scope 1 and Scope 2 (location-based) emissions and the versioned factor table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maillage.indicators.formulas import Status, Unit
from maillage.indicators.formulas.emissions import (
    ELECTRICITY_LOCATION_KIND,
    Activity,
    FactorTableError,
    convert,
    factor_table_from_dict,
    load_factor_table,
    scope1_emissions,
    scope2_location_based,
)

GAS = "giec2006:v2-ch1-t1.4:gaz-naturel:co2"
DIESEL = "giec2006:v2-ch1-t1.4:gazole-fioul-domestique:co2"
SHIPPED = (
    Path(__file__).resolve().parents[2] / "maillage/indicators/formulas/emission_factors_v1.json"
)

# A table for tests only: the factor value is made up (year 2099) and says so.
TEST_TABLE = factor_table_from_dict(
    {
        "table": "test",
        "version": "0",
        "factors": [
            {
                "id": "test:electricite:FR:2099",
                "label": "Valeur fictive pour les tests",
                "kind": ELECTRICITY_LOCATION_KIND,
                "scope": 2,
                "gas": "CO2e",
                "value": 0.05,
                "emission_unit": "kg",
                "activity_unit": "kWh",
                "zone": "FR",
                "year": 2099,
                "source": "fictif (tests)",
            },
            {
                "id": "test:co2e:combustible",
                "label": "Valeur fictive pour les tests",
                "kind": "combustion",
                "scope": 1,
                "gas": "CO2e",
                "value": 1.0,
                "emission_unit": "kg",
                "activity_unit": "kWh_PCI",
                "source": "fictif (tests)",
            },
            {
                "id": GAS,
                "label": "gaz",
                "kind": "combustion",
                "scope": 1,
                "gas": "CO2",
                "value": 56100,
                "emission_unit": "kg",
                "activity_unit": "TJ_PCI",
                "source": "GIEC 2006",
            },
        ],
    }
)


def test_shipped_table_loads_and_every_factor_cites_its_source():
    table = load_factor_table()
    assert table.ref == "maillage-facteurs-emission@v1"
    assert table.factors
    for f in table.factors:
        assert f.source and f.url.startswith("https://")
    raw = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert raw["notes"], "the shipped table explains what it leaves out"


def test_shipped_ipcc_defaults():
    table = load_factor_table()
    values = {f.id: f.value for f in table.factors}
    assert values[GAS] == 56_100
    assert values[DIESEL] == 74_100


def test_exact_energy_conversions_and_refused_ones():
    assert convert(100, "MWh_PCI", "TJ_PCI") == pytest.approx(0.36)
    assert convert(1, "kWh_PCI", "GJ_PCI") == pytest.approx(0.0036)
    assert convert(1, "kWh_PCS", "kWh_PCI") is None  # PCS → PCI depends on the gas
    assert convert(1, "L", "TJ_PCI") is None
    assert convert(1, "furlong", "kWh") is None


def test_scope1_hand_computed():
    # 100 MWh PCI of natural gas = 0.36 TJ × 56 100 kg/TJ = 20 196 kg CO2
    r = scope1_emissions([Activity(GAS, 100, "MWh_PCI")], load_factor_table())
    assert r.ok and r.value == pytest.approx(20_196.0) and r.unit is Unit.KG_CO2
    # plus 10 GJ of diesel: 0.01 TJ × 74 100 = 741 kg
    r = scope1_emissions(
        [Activity(GAS, 100, "MWh_PCI"), Activity(DIESEL, 10, "GJ_PCI")], load_factor_table()
    )
    assert r.value == pytest.approx(20_937.0)
    assert len(r.details["lignes"]) == 2  # type: ignore[arg-type]


def test_scope1_unit_mismatch_unknown_factor_and_negative_quantity():
    table = load_factor_table()
    r = scope1_emissions([Activity(GAS, 1000, "kWh_PCS")], table)
    assert r.status is Status.INVALID and r.issue_keys == ("unite_incompatible",)
    assert "activites[0].unite" in r.reason and "TJ_PCI" in r.reason
    r = scope1_emissions([Activity("ademe:inconnu", 1, "kWh")], table)
    assert r.issue_keys == ("facteur_inconnu",)
    r = scope1_emissions([Activity(GAS, -1, "MWh_PCI")], table)
    assert r.issues[0].field == "activites[0].quantite" and r.issues[0].key == "negatif"
    r = scope1_emissions([Activity(GAS, 1, "parsecs")], table)
    assert r.issue_keys == ("unite_inconnue",)


def test_scope1_never_sums_co2_with_co2e():
    r = scope1_emissions(
        [Activity(GAS, 1, "TJ_PCI"), Activity("test:co2e:combustible", 1, "kWh_PCI")], TEST_TABLE
    )
    assert r.status is Status.INVALID and r.issue_keys == ("gaz_incompatibles",)


def test_scope1_refuses_a_scope2_factor():
    r = scope1_emissions([Activity("test:electricite:FR:2099", 1, "kWh")], TEST_TABLE)
    assert r.issue_keys == ("portee_incorrecte",)


def test_scope2_without_a_factor_for_the_year_is_not_computable():
    r = scope2_location_based(electricity=10_000, year=2023, table=load_factor_table())
    assert r.status is Status.NOT_COMPUTABLE and r.issue_keys == ("facteur_absent_annee",)
    assert "2023" in r.reason


def test_scope2_location_based_hand_computed():
    r = scope2_location_based(electricity=10_000, year=2099, table=TEST_TABLE)
    assert r.ok and r.value == pytest.approx(500.0) and r.unit is Unit.KG_CO2E
    assert r.details["facteur"] == "test:electricite:FR:2099"
    assert scope2_location_based(
        electricity=10, unit="MWh", year=2099, table=TEST_TABLE
    ).value == pytest.approx(500.0)
    bad = scope2_location_based(electricity=10, unit="kWh_PCI", year=2099, table=TEST_TABLE)
    assert bad.issue_keys == ("unite_incompatible",)
    assert scope2_location_based(electricity=10, year=2098, table=TEST_TABLE).status is (
        Status.NOT_COMPUTABLE
    )


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"value": -1}, "value"),
        ({"activity_unit": "bushel"}, "unknown unit"),
        ({"emission_unit": "t"}, "emission_unit"),
        ({"source": ""}, "missing source"),
        ({"scope": 4}, "scope"),
    ],
)
def test_factor_table_validation(patch, message):
    factor = {
        "id": "x",
        "label": "x",
        "kind": "combustion",
        "scope": 1,
        "gas": "CO2",
        "value": 1,
        "emission_unit": "kg",
        "activity_unit": "kWh_PCI",
        "source": "s",
    }
    factor.update(patch)
    with pytest.raises(FactorTableError, match=message):
        factor_table_from_dict({"table": "t", "version": "1", "factors": [factor]})


def test_factor_table_rejects_duplicates_and_missing_keys():
    f = {
        "id": "x",
        "label": "x",
        "kind": "k",
        "scope": 1,
        "gas": "CO2",
        "value": 1,
        "emission_unit": "kg",
        "activity_unit": "kWh",
        "source": "s",
    }
    with pytest.raises(FactorTableError, match="duplicate"):
        factor_table_from_dict({"table": "t", "version": "1", "factors": [f, f]})
    with pytest.raises(FactorTableError, match="version"):
        factor_table_from_dict({"table": "t", "factors": []})
