"""Rules on a form's values: each names the field and the rule, with the formulas' messages."""

from __future__ import annotations

import pytest

from maillage.indicators.catalogue import get_catalogue
from maillage.indicators.validation import missing_for_submission, validate
from tests.indicators.factories import complete_values

CATALOGUE = get_catalogue()


def rules(values):
    return {(i.field, i.rule) for i in validate(CATALOGUE, values)}


def test_complete_values_break_no_rule():
    assert validate(CATALOGUE, complete_values()) == []
    assert missing_for_submission(CATALOGUE, complete_values()) == []


def test_empty_draft_breaks_no_rule_but_cannot_be_submitted():
    assert validate(CATALOGUE, {}) == []
    missing = missing_for_submission(CATALOGUE, {})
    assert {i.field for i in missing} >= {"effectif_mois_01", "heures_theoriques"}
    assert missing[0].rule == "manquant"
    assert "est manquant" in missing[0].message


def test_absences_above_theoretical_hours():
    issues = validate(
        CATALOGUE, complete_values(heures_theoriques=500.0, absence_heures_maladie_longue=100.0)
    )
    [found] = [i for i in issues if i.rule == "absences_superieures_heures_theoriques"]
    assert found.field == "heures_theoriques"
    assert "690" in found.message and "500" in found.message
    assert "Heures théoriques travaillées" in found.message


def test_exits_above_headcount_and_entries():
    issues = validate(CATALOGUE, complete_values(effectif_debut=2, entrees=1, sorties_deces=3))
    [found] = [i for i in issues if i.rule == "sorties_superieures_effectif_et_entrees"]
    assert found.field.startswith("sorties_")
    assert "(5)" in found.message and "(3)" in found.message


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("heures_travaillees", -1.0, "negatif"),
        ("effectif_mois_03", 10.5, "non_entier"),
        ("electricite_renouvelable_pct", 120.0, "hors_bornes"),
        ("capital_social", "-5.00", "negatif"),
    ],
)
def test_field_rules_name_the_field(key, value, rule):
    issues = [i for i in validate(CATALOGUE, complete_values(**{key: value})) if i.field == key]
    assert [i.rule for i in issues] == [rule]
    assert CATALOGUE[key].label in issues[0].message


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"salaries_associes": 11}, "salaries_associes"),
        ({"capital_salaries": "25000.00"}, "capital_salaries"),
        ({"ag_presents": 9}, "ag_presents"),
        ({"associes_femmes": 9}, "associes_femmes"),
        ({"dechets_total_t": 1.0, "dechets_recycles_t": 2.0}, "dechets_recycles_t"),
        ({"sites_total": 1, "sites_zones_sensibles": 2}, "sites_zones_sensibles"),
        (
            {
                "excedents_total": "100.00",
                "excedents_reserves": "80.00",
                "excedents_part_travail": "40.00",
            },
            "excedents_part_travail",
        ),
        ({"accidents_avec_arret": 3}, "accidents_avec_arret"),
    ],
)
def test_parts_may_not_exceed_their_whole(overrides, field):
    assert (field, "partie_superieure_au_tout") in rules(complete_values(**overrides))


def test_fuel_units():
    assert ("combustible_gazole_fioul_quantite", "unite_incompatible") in rules(
        complete_values(
            combustible_gazole_fioul_quantite=100.0, combustible_gazole_fioul_unite="kg"
        )
    )
    assert ("combustible_essence_quantite", "unite_inconnue") in rules(
        complete_values(combustible_essence_quantite=100.0, combustible_essence_unite="litres")
    )
    # A unit of the right kind is accepted even when no factor converts it: the summary says so.
    assert (
        rules(
            complete_values(
                combustible_gazole_fioul_quantite=100.0, combustible_gazole_fioul_unite="L"
            )
        )
        == set()
    )


def test_a_negative_figure_is_not_reported_twice():
    issues = validate(CATALOGUE, complete_values(salaries_associes=-1))
    assert [i.rule for i in issues if i.field == "salaries_associes"] == ["negatif"]
