"""SIRENE stock import: scope, mapping by header, places, errors, strictness, resumability."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from maillage.directory.enums import Family, PointPrecision
from maillage.directory.imports.engine import ImportRefused
from maillage.directory.imports.reading import FileRefused, detect_encoding
from maillage.directory.imports.samples import make_siren, make_siret
from maillage.directory.imports.sirene import sirene_import
from maillage.directory.models import Establishment, Organisation

from .conftest import ASSO, PARTIAL, SA_PLAIN, SCOP, estab, unit

pytestmark = pytest.mark.usefixtures("reference")


def run(unites: Path, etablissements: Path, **options):
    return sirene_import(
        unites=unites, etablissements=etablissements, progress_stream=None, **options
    )


def report_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def basic_files(sirene_files, layout: str = "new"):
    return sirene_files(
        [
            unit(SCOP, sigleUniteLegale="LPC"),
            unit(ASSO, categorieJuridiqueUniteLegale="9220", denominationUniteLegale="ASSO"),
            unit(
                SA_PLAIN,
                categorieJuridiqueUniteLegale="5599",
                economieSocialeSolidaireUniteLegale="N",
            ),
        ],
        [
            estab(SCOP, 1),
            estab(
                SCOP,
                2,
                codeCommuneEtablissement="75104",
                codePostalEtablissement="75004",
                enseigne1Etablissement="ATELIER PARIS",
                etatAdministratifEtablissement="F",
            ),
            estab(ASSO, 1),
            estab(SA_PLAIN, 1),
        ],
        layout=layout,
    )


def test_keeps_cooperatives_and_ess_units_and_their_establishments(sirene_files):
    result = run(*basic_files(sirene_files))

    scop = Organisation.objects.get(siren=SCOP)
    assert scop.family == Family.SCOP
    assert scop.legal_category == "5458"
    assert scop.acronym == "LPC"
    assert scop.is_ess
    assert scop.sector.code == "43.32A"
    assert scop.headcount_band == "11"
    assert str(scop.creation_date) == "2010-05-12"
    assert scop.commune_id == "42218"  # the head office's commune
    assert scop.slug.endswith(SCOP)
    asso = Organisation.objects.get(siren=ASSO)
    assert asso.family == Family.OTHER_ESS
    assert not Organisation.objects.filter(siren=SA_PLAIN).exists()

    head, paris = scop.establishments.order_by("siret")
    assert head.is_headquarters and head.is_active
    assert head.address == "12 Rue DE LA PAIX"
    assert head.point_precision == PointPrecision.COMMUNE  # no coordinates in the file
    assert paris.commune_id == "75056"  # arrondissement 75104 → Paris
    assert paris.name == "ATELIER PARIS"
    assert not paris.is_active
    assert Establishment.objects.count() == 3
    assert (result.unites.rows, result.unites.kept, result.unites.written) == (3, 2, 2)
    assert (result.etablissements.rows, result.etablissements.kept) == (4, 3)
    assert result.errors == 0


def test_old_layout_without_ess_flag_keeps_ess_by_status(sirene_files):
    run(*basic_files(sirene_files, layout="old"))
    assert set(Organisation.objects.values_list("siren", flat=True)) == {SCOP, ASSO}
    assert Organisation.objects.get(siren=ASSO).is_ess


def test_columns_are_found_by_name_whatever_their_order(tmp_path, sirene_files):
    unites, etablissements = basic_files(sirene_files)
    for path in (unites, etablissements):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        order = list(reversed(range(len(rows[0]))))
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([[row[i] for i in order] for row in rows])
    run(unites, etablissements)
    assert Establishment.objects.count() == 3
    assert Organisation.objects.get(siren=SCOP).family == Family.SCOP


def test_old_naf_nomenclatures_leave_the_sector_empty(sirene_files):
    files = sirene_files(
        [unit(SCOP, activitePrincipaleUniteLegale="74.1A",
              nomenclatureActivitePrincipaleUniteLegale="NAFRev1")],
        [estab(SCOP)],
    )  # fmt: skip
    result = run(*files)
    assert result.errors == 0
    assert Organisation.objects.get(siren=SCOP).sector is None


def test_partial_diffusion_keeps_neither_address_nor_point(sirene_files):
    files = sirene_files(
        [unit(PARTIAL, statutDiffusionUniteLegale="P")],
        [estab(PARTIAL, statutDiffusionEtablissement="P", libelleVoieEtablissement="[ND]",
               numeroVoieEtablissement="[ND]", coordonneeLambertAbscisseEtablissement="[ND]",
               coordonneeLambertOrdonneeEtablissement="[ND]")],
    )  # fmt: skip
    run(*files)
    organisation = Organisation.objects.get(siren=PARTIAL)
    assert organisation.diffusion_partial
    place = organisation.establishments.get()
    assert place.diffusion_partial
    assert place.address == ""
    assert place.latitude is None and place.longitude is None
    assert place.point_precision == PointPrecision.NONE
    assert place.commune_id == "42218"


def test_lambert_93_coordinates_become_wgs84(sirene_files):
    files = sirene_files(
        [unit(SCOP)],
        [estab(SCOP, codeCommuneEtablissement="75104",
               coordonneeLambertAbscisseEtablissement="652469.0",
               coordonneeLambertOrdonneeEtablissement="6862035.0")],
    )  # fmt: skip
    run(*files)
    place = Establishment.objects.get()
    # Checked with pyproj (EPSG:2154 → EPSG:4326): the Hôtel de Ville side of the Seine.
    assert place.latitude == pytest.approx(48.85660, abs=1e-4)
    assert place.longitude == pytest.approx(2.35220, abs=1e-4)
    assert place.point_precision == PointPrecision.ADDRESS


def test_overseas_coordinates_use_the_local_utm(sirene_files):
    files = sirene_files(
        [unit(SCOP)],
        [estab(SCOP, codeCommuneEtablissement="97411", codePostalEtablissement="97400",
               coordonneeLambertAbscisseEtablissement="338568.3",
               coordonneeLambertOrdonneeEtablissement="7690475.4")],
    )  # fmt: skip
    run(*files)
    place = Establishment.objects.get()
    assert place.latitude == pytest.approx(-20.8789, abs=1e-4)  # Saint-Denis de La Réunion
    assert place.longitude == pytest.approx(55.4481, abs=1e-4)


def test_running_twice_gives_the_same_result(sirene_files):
    files = basic_files(sirene_files)
    run(*files)
    first = list(Establishment.objects.order_by("siret").values())
    organisations = list(Organisation.objects.order_by("siren").values("id", "siren", "slug"))
    run(*files)
    assert list(Organisation.objects.order_by("siren").values("id", "siren", "slug")) == (
        organisations
    )
    again = list(Establishment.objects.order_by("siret").values())
    for row in first + again:
        row.pop("updated_at")
    assert again == first


def test_a_family_set_by_the_union_survives_a_reimport(sirene_files):
    files = sirene_files(
        [unit(SCOP, categorieJuridiqueUniteLegale="5460")], [estab(SCOP)]
    )  # "Autre SARL coopérative": other_coop from SIRENE
    run(*files)
    Organisation.objects.filter(siren=SCOP).update(family=Family.SCIC)
    run(*files)
    assert Organisation.objects.get(siren=SCOP).family == Family.SCIC


def test_bad_lines_are_reported_and_skipped(sirene_files, tmp_path):
    bad_unit = make_siren(10000010)
    files = sirene_files(
        [
            unit(SCOP),
            unit("123456789"),  # Luhn fails
            unit(bad_unit, categorieJuridiqueUniteLegale="5457"),  # no such category
            unit(make_siren(10000011), activitePrincipaleUniteLegale="99.99Z"),
        ],
        [
            estab(SCOP, 1),
            estab(SCOP, 2, codeCommuneEtablissement="42999"),  # no such commune
            estab(SCOP, 3, siret=make_siret(SCOP, 3)[:-1] + "0"),  # bad key
            estab(SCOP, 4, trancheEffectifsEtablissement="77"),
        ],
    )
    errors = tmp_path / "erreurs.csv"
    result = run(*files, errors_path=errors)
    assert result.errors == 6
    rows = report_rows(errors)
    assert [(r["fichier"], r["ligne"], r["colonne"]) for r in rows] == [
        ("stockUniteLegale.csv", "3", "siren"),
        ("stockUniteLegale.csv", "4", "categorieJuridiqueUniteLegale"),
        ("stockUniteLegale.csv", "5", "activitePrincipaleUniteLegale"),
        ("stockEtablissement.csv", "3", "codeCommuneEtablissement"),
        ("stockEtablissement.csv", "4", "siret"),
        ("stockEtablissement.csv", "5", "trancheEffectifsEtablissement"),
    ]
    assert rows[0]["valeur"] == "123456789"
    assert "Luhn" in rows[0]["motif"]
    assert "inconnu" in rows[3]["motif"]
    assert Organisation.objects.count() == 1
    assert Establishment.objects.count() == 1


def test_wrong_column_count_is_a_line_error(sirene_files):
    unites, etablissements = sirene_files([unit(SCOP)], [estab(SCOP, 1), estab(SCOP, 2)])
    with etablissements.open("a", encoding="utf-8") as handle:
        handle.write("a,b,c\n")
    result = run(unites, etablissements)
    assert result.errors == 1
    (row,) = report_rows(result.report)
    assert row["ligne"] == "4"
    assert "3 colonnes au lieu de" in row["motif"]
    assert Establishment.objects.count() == 2


def test_missing_required_header_names_it_and_lists_those_found(sirene_files, tmp_path):
    unites, _ = sirene_files([unit(SCOP)], [])
    etablissements = tmp_path / "etab.csv"
    etablissements.write_text("siren,siret,etablissementSiege\n", encoding="utf-8")
    with pytest.raises(FileRefused) as excinfo:
        run(unites, etablissements)
    message = str(excinfo.value)
    assert "etatAdministratifEtablissement" in message
    assert "codeCommuneEtablissement" in message
    assert "Colonnes trouvées : siren, siret, etablissementSiege" in message
    assert not Organisation.objects.exists()


def test_strict_refuses_everything_on_one_bad_line(sirene_files):
    files = sirene_files(
        [unit(SCOP), unit(ASSO, categorieJuridiqueUniteLegale="9220")],
        [estab(SCOP, 1), estab(ASSO, 1, codeCommuneEtablissement="00000")],
    )
    with pytest.raises(ImportRefused) as excinfo:
        run(*files, strict=True, batch_size=1)
    assert excinfo.value.errors == 1
    assert not Organisation.objects.exists()
    assert not Establishment.objects.exists()
    assert report_rows(excinfo.value.report)[0]["colonne"] == "codeCommuneEtablissement"


def test_strict_writes_a_clean_file(sirene_files):
    run(*basic_files(sirene_files), strict=True)
    assert Establishment.objects.count() == 3


class Crash(Exception):
    pass


def test_interrupted_import_resumes_after_the_last_committed_batch(sirene_files):
    sirens = [make_siren(20000000 + i) for i in range(10)]
    files = sirene_files([unit(s) for s in sirens], [estab(s) for s in sirens])

    def crash_on_batch_four(number: int) -> None:
        if number == 4:  # units: batches 1–3 (3, 3, 3… of 10 rows), crash in the 4th
            raise Crash

    with pytest.raises(Crash):
        run(*files, batch_size=3, on_batch=crash_on_batch_four)
    # Batches 1–3 are committed, the 4th rolled back: nothing half-written.
    assert Organisation.objects.count() == 9
    checkpoint = files[0].with_name(files[0].name + ".checkpoint.json")
    assert checkpoint.exists()

    seen = []
    result = run(*files, batch_size=3, on_batch=seen.append)
    assert result.resumed == {"unites": 10}
    assert Organisation.objects.count() == 10
    assert Establishment.objects.count() == 10
    assert result.unites.rows == 10 and result.unites.written == 10
    assert not checkpoint.exists()


def test_a_changed_file_is_not_resumed(sirene_files):
    sirens = [make_siren(20000000 + i) for i in range(4)]
    files = sirene_files([unit(s) for s in sirens], [estab(s) for s in sirens])

    def crash(number: int) -> None:
        if number == 2:
            raise Crash

    with pytest.raises(Crash):
        run(*files, batch_size=2, on_batch=crash)
    files = sirene_files([unit(s) for s in sirens[:3]], [estab(s) for s in sirens])
    result = run(*files, batch_size=2)
    assert result.resumed == {}


def test_latin1_files_are_detected(sirene_files):
    files = sirene_files(
        [unit(SCOP, denominationUniteLegale="COOPÉRATIVE DES ÉCRINS")],
        [estab(SCOP, libelleVoieEtablissement="CHEMIN DES FRÊNES")],
        encoding="cp1252",
    )
    assert detect_encoding(files[0]) == "cp1252"
    run(*files)
    assert Organisation.objects.get().name == "COOPÉRATIVE DES ÉCRINS"
    assert Establishment.objects.get().address.endswith("FRÊNES")


def test_a_wrong_byte_in_a_utf8_file_names_line_and_offset(sirene_files, monkeypatch):
    # The encoding is guessed from the first megabytes; here, from the header line only.
    monkeypatch.setattr("maillage.directory.imports.reading.SAMPLE_BYTES", 200)
    unites, etablissements = sirene_files(
        [unit(SCOP, denominationUniteLegale="COOPÉRATIVE")], [estab(SCOP, 1), estab(SCOP, 2)]
    )
    data = etablissements.read_bytes().split(b"\n")
    data[2] = data[2].replace(b"DE LA PAIX", b"DE LA P\xc9 PAIX")
    etablissements.write_bytes(b"\n".join(data))
    result = run(unites, etablissements)
    (row,) = report_rows(result.report)
    assert row["ligne"] == "3"
    offset = len(b"\n".join(data[:2])) + 1 + data[2].index(b"\xc9")
    assert f"0xC9 à la position {offset}" in row["motif"]
    assert Establishment.objects.count() == 1


def test_command_reports_and_refuses_in_strict_mode(sirene_files):
    files = sirene_files([unit(SCOP)], [estab(SCOP, 1, codeCommuneEtablissement="00000")])
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="Import refusé"):
        call_command(
            "import_sirene", "--unites", files[0], "--etablissements", files[1], "--strict",
            stdout=out, stderr=err,
        )  # fmt: skip
    call_command(
        "import_sirene", "--unites", files[0], "--etablissements", files[1],
        stdout=out, stderr=err,
    )  # fmt: skip
    assert "1 ligne(s) en erreur" in out.getvalue()
    assert "lignes/s" in err.getvalue()
