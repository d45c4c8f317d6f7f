"""The versioned catalogue: every field declared once, with definition and reference; values
read the French way."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.indicators.catalogue import (
    CATALOGUES,
    VSME_EDITION,
    FieldType,
    ParseError,
    Section,
    display_value,
    fold,
    get_catalogue,
    parse_value,
)
from maillage.indicators.formulas.absenteeism import AbsenceCategory

ROOT = Path(__file__).resolve().parents[2]


def test_pure_modules_import_without_django():
    code = (
        "import sys\n"
        "import maillage.indicators.catalogue, maillage.indicators.validation\n"
        "import maillage.indicators.summary, maillage.indicators.spreadsheet\n"
        "import maillage.indicators.survey\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr


def test_every_field_has_a_definition_a_reference_and_a_section():
    catalogue = get_catalogue()
    assert len(catalogue) > 90
    for f in catalogue:
        assert f.key and f.label and f.definition and f.reference, f.key
        assert f.key in f.help_text or f.definition in f.help_text
        assert "Référence" in f.help_text


def test_versions_are_registered_and_sections_cover_the_issue():
    assert "2025.1" in CATALOGUES
    catalogue = get_catalogue("2025.1")
    assert {s for s, _t, _f in catalogue.sections()} == set(Section)
    with pytest.raises(KeyError):
        get_catalogue("1999.9")


def test_what_the_issue_asks_is_collected():
    catalogue = get_catalogue()
    keys = {f.key for f in catalogue}
    assert {f"effectif_mois_{i:02d}" for i in range(1, 13)} <= keys
    assert {f"absence_heures_{c.value}" for c in AbsenceCategory} <= keys
    assert {f"absence_jours_{c.value}" for c in AbsenceCategory} <= keys
    for reason in (
        "demission",
        "licenciement_autre",
        "fin_cdd",
        "fin_periode_essai",
        "retraite",
        "deces",
        "mutation",
    ):
        assert f"sorties_{reason}" in keys
    for key in (
        "heures_formation",
        "arrets_moins_3_jours",
        "arrets_3_a_90_jours",
        "arrets_plus_90_jours",
        "jours_perdus_at",
        "revision_date",
        "revision_resultat",
        "excedents_part_travail",
        "remuneration_plus_haute",
        "electricite_kwh",
        "electricite_renouvelable_pct",
        "eau_prelevee_m3",
        "dechets_recycles_t",
        "sites_zones_sensibles",
        "vivant_pratiques",
    ):
        assert key in keys


def test_vsme_datapoints_record_their_edition():
    catalogue = get_catalogue()
    vsme = [f for f in catalogue if "VSME" in f.reference]
    assert len(vsme) >= 10
    assert all(f.edition == VSME_EDITION for f in vsme)
    assert VSME_EDITION == "VSME 2024-12 (EFRAG)"
    assert VSME_EDITION in catalogue["electricite_kwh"].help_text


def test_fuel_quantities_have_a_unit_field():
    catalogue = get_catalogue()
    f = catalogue["combustible_gaz_naturel_quantite"]
    assert f.unit_field == "combustible_gaz_naturel_unite"
    assert catalogue[f.unit_field].default == "kWh_PCS"
    assert f.unit_field in catalogue.unit_fields()


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("heures_theoriques", "15 960,5", 15960.5),
        ("heures_theoriques", "15\u202f960", 15960),
        ("heures_theoriques", 12.25, 12.25),
        ("effectif_mois_01", "12", 12),
        ("effectif_mois_01", 12.0, 12),
        ("effectif_mois_01", "12,5", 12.5),  # kept; the rule « non_entier » reports it
        ("effectif_mois_01", "-3", -3),  # kept; the rule « negatif » reports it
        ("capital_social", "12 345,6", "12345.60"),
        ("electricite_renouvelable_pct", "35 %", 35.0),
        ("revision_date", "14/03/2024", "2024-03-14"),
        ("revision_date", dt.datetime(2024, 3, 14, 10, 0), "2024-03-14"),
        ("revision_resultat", "conforme, AVEC observations", "observations"),
        ("revision_resultat", "mesures_correctives", "mesures_correctives"),
        ("vivant_pratiques", "Aucune pratique à ce jour", ["aucune"]),
        ("vivant_pratiques", "siege_vivant ; raison_etre", ["siege_vivant", "raison_etre"]),
        ("heures_theoriques", "", None),
        ("heures_theoriques", None, None),
    ],
)
def test_parse_value(key, raw, expected):
    assert parse_value(get_catalogue()[key], raw) == expected


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("heures_theoriques", "beaucoup"),
        ("heures_theoriques", "nan"),
        ("revision_date", "hier"),
        ("revision_resultat", "excellent"),
        ("heures_theoriques", True),
    ],
)
def test_parse_value_refuses_unreadable(key, raw):
    with pytest.raises(ParseError):
        parse_value(get_catalogue()[key], raw)


def test_display_value_is_french():
    catalogue = get_catalogue()
    assert display_value(catalogue["heures_theoriques"], 15960.5) == "15\u202f960,5"
    assert display_value(catalogue["capital_social"], "12345.60") == "12\u202f345,60"
    assert display_value(catalogue["revision_date"], "2024-03-14") == "14/03/2024"
    assert display_value(catalogue["revision_resultat"], "conforme").startswith("Conforme")
    assert display_value(catalogue["heures_theoriques"], None) == ""


def test_fold_ignores_case_accents_and_separators():
    assert fold("  CLÉ ") == "cle" == fold("Cle")
    assert fold("Unité_de-mesure") == "unite de mesure"


def test_money_fields_are_never_floats():
    catalogue = get_catalogue()
    for f in catalogue:
        if f.type is FieldType.MONEY:
            assert isinstance(parse_value(f, 10.5), str)
