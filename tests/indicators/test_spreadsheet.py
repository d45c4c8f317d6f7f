"""Spreadsheet template and import: columns matched by header, all or nothing."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from maillage.indicators.catalogue import get_catalogue
from maillage.indicators.spreadsheet import parse_upload, template_csv, template_xlsx
from tests.indicators.factories import complete_values

CATALOGUE = get_catalogue()


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_template_has_one_row_per_field_and_round_trips():
    values = complete_values(revision_resultat="observations", vivant_pratiques=["aucune"])
    content = template_xlsx(CATALOGUE, values, title="Test")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("clé", "libellé", "unité", "valeur")
    keys = [r[0] for r in rows[1:]]
    assert len(keys) == len(CATALOGUE) - len(CATALOGUE.unit_fields())
    assert "combustible_gaz_naturel_unite" not in keys
    result = parse_upload(CATALOGUE, content, "modele.xlsx")
    assert result.ok, result.issues
    for key, value in values.items():
        assert result.values[key] == value, key


def test_csv_template_round_trips():
    values = complete_values()
    content = template_csv(CATALOGUE, values)
    assert content.startswith(b"\xef\xbb\xbf") and b";" in content
    result = parse_upload(CATALOGUE, content, "modele.csv")
    assert result.ok
    assert result.values["heures_theoriques"] == values["heures_theoriques"]


def test_headers_are_matched_whatever_the_case_accents_and_order():
    content = xlsx(
        [["VALEUR", "Cle", "Unite"], [42, "entrees", "personnes"], [3.5, "etp_moyen", None]]
    )
    result = parse_upload(CATALOGUE, content, "f.xlsx")
    assert result.ok, result.issues
    assert result.values == {"entrees": 42, "etp_moyen": 3.5}


def test_unknown_column_is_named_with_the_expected_ones():
    content = xlsx([["clé", "Montant déclaré"], ["entrees", 4]])
    result = parse_upload(CATALOGUE, content, "f.xlsx")
    assert not result.ok and result.values == {}
    [issue] = result.issues
    assert issue.rule == "colonne_inconnue"
    assert "« Montant déclaré »" in issue.message
    for column in ("« clé »", "« libellé »", "« unité »", "« valeur »"):
        assert column in issue.message


def test_missing_value_column():
    result = parse_upload(CATALOGUE, xlsx([["clé", "libellé"], ["entrees", "Entrées"]]), "f.xlsx")
    assert "« valeur » introuvable" in result.issues[0].message


def test_all_or_nothing_and_every_error_listed():
    content = "clé;valeur;unité\r\nentrees;4;\r\ninconnue;1;\r\nheures_theoriques;beaucoup;\r\n"
    result = parse_upload(CATALOGUE, content.encode("utf-8"), "f.csv")
    assert result.values == {}
    assert [i.line for i in result.issues] == [3, 4]
    assert "clé inconnue « inconnue »" in result.issues[0].message
    assert "Heures théoriques travaillées" in result.issues[1].message


def test_units_in_the_unit_column():
    content = (
        "clé;valeur;unité\r\n"
        "combustible_gazole_fioul_quantite;1 200,5;L\r\n"
        "combustible_gaz_naturel_quantite;30000;kwh pcs\r\n"
    )
    result = parse_upload(CATALOGUE, content.encode(), "f.csv")
    assert result.ok, result.issues
    assert result.values["combustible_gazole_fioul_quantite"] == 1200.5
    assert result.values["combustible_gaz_naturel_unite"] == "kWh_PCS"

    bad = "clé;valeur;unité\r\ncombustible_gazole_fioul_quantite;10;kg\r\nelectricite_kwh;3;MWh\r\n"
    result = parse_upload(CATALOGUE, bad.encode(), "f.csv")
    assert [i.rule for i in result.issues] == ["unite_incompatible", "unite_differente"]
    assert "kWh" in result.issues[1].message and "MWh" in result.issues[1].message


def test_windows_encoded_csv_with_commas():
    content = 'Clé,Valeur\r\nheures_theoriques,"12,5"\r\n'.encode("cp1252")
    result = parse_upload(CATALOGUE, content, "f.csv")
    assert result.ok and result.values == {"heures_theoriques": 12.5}


def test_garbage_and_empty_files():
    assert parse_upload(CATALOGUE, b"PK\x03\x04nonsense", "f.xlsx").issues[0].rule == "format"
    assert parse_upload(CATALOGUE, b"", "f.csv").issues[0].rule == "vide"
    assert parse_upload(CATALOGUE, b"x" * (3 * 1024 * 1024), "f.csv").issues[0].rule == "taille"
