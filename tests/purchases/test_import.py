"""CSV import of a buyer's purchases: columns by name, per-line errors, « hors réseau »,
atomic or all-or-nothing, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.directory.imports.reading import FileRefused
from maillage.purchases.importing import errors_csv, import_purchases
from maillage.purchases.models import Purchase

from .factories import headquarters_siret, siret_of

UNKNOWN_SIRET = siret_of("732829320", 74)


def _csv(coops, *extra: str) -> bytes:
    joinery = headquarters_siret(coops["joinery"])
    software = headquarters_siret(coops["software"])
    lines = [
        "Date;Fournisseur;SIRET du fournisseur;Objet;Montant HT",
        f"14/03/2025;Menuiserie du Gier;{joinery};Fenêtres;1 234,56",
        f"2025-04-02;Code Commun;{software};Site web;3 000",
        f"05/05/2025;Papeterie Durand;{UNKNOWN_SIRET};Papier;99,90",
        *extra,
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_valid_file_is_written_with_unknown_sirets_kept_outside(coops):
    report = import_purchases(_csv(coops), buyer=coops["buyer"])
    assert report.errors == []
    assert (report.created_in_network, report.created_outside) == (2, 1)
    outside = Purchase.objects.get(supplier__isnull=True)
    assert outside.supplier_name == "Papeterie Durand"
    assert outside.supplier_siret == UNKNOWN_SIRET
    assert outside.amount_cents == 9990
    fenetres = Purchase.objects.get(description="Fenêtres")
    assert fenetres.supplier == coops["joinery"]
    assert fenetres.amount_cents == 123456
    assert fenetres.date == dt.date(2025, 3, 14)
    assert fenetres.source == "import"


def test_bad_lines_are_reported_with_line_column_value_and_why_and_the_rest_is_written(coops):
    data = _csv(
        coops,
        "06/05/2025;Erreur;1234567890123;Truc;10",  # 13 digits
        "07/05/2025;Erreur;73282932000075;Truc;10",  # wrong check digit
        "31/02/2025;Erreur;" + UNKNOWN_SIRET + ";Truc;10",
        "08/05/2025;Erreur;" + UNKNOWN_SIRET + ";Truc;dix euros",
        "08/05/2025;Soi-même;" + headquarters_siret(coops["buyer"]) + ";Truc;10",
    )
    report = import_purchases(data, buyer=coops["buyer"])
    assert report.created == 3
    assert [(e.line, e.column) for e in report.errors] == [
        (5, "SIRET du fournisseur"),
        (6, "SIRET du fournisseur"),
        (7, "Date"),
        (8, "Montant HT"),
        (9, "SIRET"),
    ]
    first = report.errors[0]
    assert first.value == "1234567890123"
    assert "14 chiffres" in first.reason
    assert "clé de contrôle" in report.errors[1].reason
    assert "ligne 5, colonne « SIRET du fournisseur », valeur « 1234567890123 »" in str(first)
    assert errors_csv(report).startswith("\ufeffligne;colonne;valeur;motif")
    assert Purchase.objects.count() == 3


def test_strict_writes_nothing_when_a_line_is_bad(coops):
    data = _csv(coops, "06/05/2025;Erreur;123;Truc;10")
    report = import_purchases(data, buyer=coops["buyer"], strict=True)
    assert report.refused
    assert len(report.errors) == 1
    assert not Purchase.objects.exists()
    report = import_purchases(_csv(coops), buyer=coops["buyer"], strict=True)
    assert not report.refused
    assert Purchase.objects.count() == 3


def test_reimport_adds_nothing_but_identical_lines_of_one_file_both_count(coops):
    twice = headquarters_siret(coops["joinery"])
    data = _csv(coops, f"14/03/2025;Menuiserie du Gier;{twice};Fenêtres;1 234,56")
    first = import_purchases(data, buyer=coops["buyer"])
    assert first.created == 4  # the same invoice twice in the file: two purchases
    second = import_purchases(data, buyer=coops["buyer"])
    assert (second.created, second.already_imported) == (0, 4)
    assert Purchase.objects.count() == 4


def test_windows_encoding_and_comma_separator(coops):
    siret = headquarters_siret(coops["joinery"])
    text = f'SIRET,Montant,Date,Libellé\n{siret},"1 500,00",01/02/2025,Menuiserie été\n'
    report = import_purchases(text.encode("cp1252"), buyer=coops["buyer"])
    assert report.encoding == "cp1252"
    assert report.created == 1
    assert Purchase.objects.get().description == "Menuiserie été"


def test_missing_column_refuses_the_file_naming_it(coops):
    with pytest.raises(FileRefused, match=r"Montant.*Colonnes trouvées : SIRET, Date"):
        import_purchases(b"SIRET;Date\n1;2\n", buyer=coops["buyer"], source="achats.csv")
    with pytest.raises(FileRefused, match="vide"):
        import_purchases(b"", buyer=coops["buyer"])


def test_upload_through_the_page(client, coops, people):
    client.force_login(people["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("achats.csv", _csv(coops, "06/05/2025;X;123;Truc;10"))
    url = f"/intercooperation/achats/{coops['buyer'].slug}/import/"
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 achats dans le réseau enregistrés" in content
    assert "1 achat hors réseau enregistré" in content
    assert "un SIRET a 14 chiffres, celui-ci en a 3" in content
    errors = client.get(url + "erreurs.csv")
    assert "5;SIRET du fournisseur;123" in errors.content.decode()


def test_command(coops, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    source = tmp_path / "achats.csv"
    source.write_bytes(_csv(coops, "06/05/2025;X;123;Truc;10"))
    with pytest.raises(CommandError, match="rien n'est importé"):
        call_command("import_purchases", coops["buyer"].slug, str(source), "--strict")
    assert not Purchase.objects.exists()
    call_command("import_purchases", coops["buyer"].siren, str(source))
    captured = capsys.readouterr()
    assert "2 achats dans le réseau et 1 hors réseau enregistrés" in captured.out
    assert "ligne 5, colonne « SIRET du fournisseur »" in captured.err
    assert (tmp_path / "achats.csv.errors.csv").exists()
