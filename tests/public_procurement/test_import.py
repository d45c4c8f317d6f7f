"""Importing DECP files into the database: links to the directory, places, problems reported
with their position, idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.public_procurement.importing import DecpRefused, import_decp
from maillage.public_procurement.models import Award, Contract

from .factories import OUTSIDE_SIRET

DATA = Path(__file__).parent / "data"


def test_v2_nested_links_holders_by_siret_then_siren(directory):
    result = import_decp(DATA / "decp_v2.json")
    assert (result.read, result.written, result.left_out) == (3, 3, 0)
    assert result.skipped_concessions == 1
    assert (result.holders, result.holders_linked) == (4, 3)
    links = dict(Award.objects.values_list("identifier", "organisation__slug"))
    assert links == {
        "90000001900019": "scop-a",
        OUTSIDE_SIRET: None,
        "90000002700020": "scop-b",  # not an establishment of the directory: by SIREN
        "90000003500015": "scop-c",
    }
    first = Contract.objects.get(contract_id="2024-001")
    assert first.amount_cents == 12000050
    assert first.cpv_division == "45"
    assert (first.departement_id, first.region_id) == ("42", "84")  # postal code 42000
    assert Contract.objects.get(contract_id="2024-002").departement_id == "69"  # commune
    assert Contract.objects.get(contract_id="2024-003").departement_id == "42"  # département
    assert result.issues == []


def test_flattened_and_v1_layouts(directory):
    flat = import_decp(DATA / "decp_v2_flat.json")
    v1 = import_decp(DATA / "decp_v1.json")
    assert flat.shapes == {"v2-aplati": 2}
    assert v1.shapes == {"v1": 1}
    dotted = Contract.objects.get(contract_id="2025-011")
    assert dotted.buyer_id == "21690123100011"
    assert dotted.departement_id == "69"
    assert list(dotted.awards.values_list("name", "organisation__slug")) == [
        ("SCOP A", "scop-a"),
        ("", None),
    ]
    old = Contract.objects.get(contract_id="2019-77")
    assert (old.buyer_name, old.source_shape) == ("Ville de Lyon", "v1")
    assert old.awards.get().organisation == directory["c"]


def test_reimport_changes_nothing(directory):
    import_decp(DATA / "decp_v2.json")
    before = list(Contract.objects.order_by("pk").values_list("pk", "contract_id", "amount_cents"))
    again = import_decp(DATA / "decp_v2.json")
    assert again.written == 3
    after = list(Contract.objects.order_by("pk").values_list("pk", "contract_id", "amount_cents"))
    assert after == before
    assert Award.objects.count() == 4


def test_bad_file_reports_each_problem_with_its_position_and_keeps_the_rest(directory):
    result = import_decp(DATA / "decp_bad.json", batch_size=2)
    assert (result.read, result.written, result.left_out) == (5, 3, 2)
    messages = [str(issue) for issue in result.issues]
    assert any(
        m.startswith("marché n° 2, champ « (marché) »") and "JSON illisible" in m for m in messages
    )
    assert any(m.startswith("marché n° 3, champ « id »") for m in messages)
    assert (
        "marché n° 4 (id B-4), champ « titulaires[1].id », valeur « 9000000190001 » : SIRET "
        "malformé (13 caractères, 14 chiffres attendus) : titulaire gardé sans lien"
    ) in messages
    assert any("titulaires[2].id" in m and "clé de contrôle" in m for m in messages)
    assert any("« montant »" in m and "invraisemblable" in m for m in messages)
    assert any("« dateNotification »" in m and "2024-13-45" in m for m in messages)
    assert any("« codeCPV »" in m for m in messages)
    assert result.unknown_field_messages() == [
        "champ inconnu « champinvente » dans 2 marché(s), le premier n° 4 : ignoré"
    ]
    odd = Contract.objects.get(contract_id="B-4")
    assert odd.amount_cents is None and odd.notified_on is None
    # Holders with a bad SIRET are kept, unlinked: nothing is lost.
    assert list(odd.awards.values_list("identifier", "organisation")) == [
        ("9000000190001", None),
        ("90000001900018", None),
        ("FR12345678901", None),
    ]


def test_not_decp_is_refused(directory, tmp_path):
    path = tmp_path / "autre.json"
    path.write_text('{"data": []}', encoding="utf-8")
    with pytest.raises(DecpRefused):
        import_decp(path)


def test_command_reports_on_stderr_and_writes_the_report(directory, tmp_path, capsys):
    source = tmp_path / "decp.json"
    source.write_bytes((DATA / "decp_bad.json").read_bytes())
    call_command("import_decp", str(source))
    captured = capsys.readouterr()
    assert "5 marchés lus" in captured.err
    assert "SIRET malformé" in captured.err
    assert "3 marchés enregistrés, 2 laissés de côté" in captured.out
    report = (tmp_path / "decp.json.errors.csv").read_text(encoding="utf-8-sig")
    assert report.startswith("marché n°;id;champ;valeur;motif")
    bad = tmp_path / "pas-json.json"
    bad.write_text("bonjour", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_decp", str(bad))
