"""Indicators computed on a form's summary, through the pure formulas."""

from __future__ import annotations

import pytest

from maillage.indicators.catalogue import get_catalogue
from maillage.indicators.formulas.base import Status
from maillage.indicators.summary import compute, headline
from tests.indicators.factories import complete_values

CATALOGUE = get_catalogue()


def by_ref(lines):
    return {line.ref: line for line in lines if not line.title.startswith("Part des femmes")}


def test_complete_form_computes_the_headline_rates():
    lines = by_ref(compute(CATALOGUE, complete_values(), year=2025))
    assert lines["effectif_moyen@v1"].value == 10
    assert lines["taux_absence_sante@v1"].value == pytest.approx(590 / 15960 * 100)
    assert lines["taux_absence_compressible@v1"].value == pytest.approx(520 / 15960 * 100)
    assert lines["arrets_par_salarie@v1"].value == pytest.approx(0.8)
    assert lines["taux_rotation@v1"].value == pytest.approx(25.0)
    assert lines["taux_depart_hors_fin_cdd@v1"].value == pytest.approx(10.0)
    assert lines["taux_frequence_at@v1"].value == pytest.approx(1e6 / 15200)
    assert lines["taux_gravite_at@v1"].value == pytest.approx(10 * 1000 / 15200)
    assert lines["part_salaries_associes@v1"].value == pytest.approx(70.0)
    assert lines["part_capital_salaries@v1"].value == pytest.approx(80.0)
    assert lines["participation_ag@v1"].value == pytest.approx(87.5)
    scope1 = lines["emissions_scope1@v1"]
    assert scope1.ok and scope1.value == pytest.approx(30_000 * 0.0036 / 1000 * 56_100)
    bands = lines["arrets_par_duree@v1"]
    assert dict(bands.parts)["moins de 3 jours"] == pytest.approx(75.0)


def test_missing_inputs_say_which_field():
    lines = by_ref(compute(CATALOGUE, {}, year=2025))
    rotation = lines["taux_rotation@v1"]
    assert rotation.status is Status.NOT_COMPUTABLE
    assert "« Entrées » est manquant" in rotation.reason
    assert "mois 1, 2, 3" in lines["effectif_moyen@v1"].reason


def test_scope2_cannot_be_computed_without_a_factor_for_the_year():
    line = by_ref(compute(CATALOGUE, complete_values(), year=2025))[
        "emissions_scope2_localisation@v1"
    ]
    assert line.status is Status.NOT_COMPUTABLE
    assert "2025" in line.reason and "aucune année voisine" in line.reason


def test_fuel_in_litres_cannot_be_converted_to_the_shipped_factor():
    values = complete_values(
        combustible_gazole_fioul_quantite=500.0, combustible_gazole_fioul_unite="L"
    )
    line = by_ref(compute(CATALOGUE, values, year=2025))["emissions_scope1@v1"]
    assert line.status is Status.INVALID
    assert "activites" not in line.reason
    assert "« Consommation : gazole et fioul domestique » est exprimé en L" in line.reason
    assert "TJ_PCI" in line.reason


def test_invalid_values_give_the_formula_reason():
    values = complete_values(heures_theoriques=100.0)
    line = by_ref(compute(CATALOGUE, values, year=2025))["taux_absence_sante@v1"]
    assert line.status is Status.INVALID
    assert "dépassent les heures théoriques" in line.reason


def test_headline_counts():
    counts = headline(compute(CATALOGUE, complete_values(), year=2025))
    assert counts["ok"] >= 14 and counts["invalide"] == 0
