"""Union member lists: CSV and XLSX, tolerant headers, matching by SIREN, creation, errors."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from maillage.directory.enums import Family
from maillage.directory.imports.engine import ImportRefused
from maillage.directory.imports.members import members_import
from maillage.directory.imports.reading import FileRefused
from maillage.directory.imports.samples import make_siren, make_siret
from maillage.directory.models import Organisation
from tests.directory.factories import UnionFactory

KNOWN = make_siren(30000001)
NEW = make_siren(30000002)
OLD_MEMBER = make_siren(30000003)


@pytest.fixture
def union(db):
    return UnionFactory(slug="auvergne-rhone-alpes")


@pytest.fixture
def known(db):
    return Organisation.objects.create(
        siren=KNOWN, name="Coop connue", slug="coop-connue", family=Family.OTHER_COOP
    )


def run(path, **options):
    return members_import(path=path, progress_stream=None, **options)


def write_csv(path, text: str, encoding: str = "utf-8"):
    path.write_text(text, encoding=encoding)
    return path


def test_csv_list_with_french_headers(tmp_path, union, known):
    path = write_csv(
        tmp_path / "adherents.csv",
        "N° SIREN;RAISON SOCIALE;Famille;Date d'adhésion;Date de sortie;Courriel\n"
        f"{KNOWN};Coop connue;SCIC;01/03/2019;;contact@coop.example\n"
        f"{make_siret(NEW, 1)[:9]} ;Nouvelle Scop;Scop SARL;2021-06-15;;\n"
        f"{OLD_MEMBER};Ancienne;CAE;01/01/2010;31/12/2020;\n",
    )
    result = run(path, union="auvergne-rhone-alpes")
    assert result.errors == 0
    known.refresh_from_db()
    assert known.family == Family.SCIC
    assert known.is_union_member
    assert known.union_id == "auvergne-rhone-alpes"
    assert known.union_joined_on == dt.date(2019, 3, 1)
    assert known.contact_email == "contact@coop.example"
    created = Organisation.objects.get(siren=NEW)
    assert created.name == "Nouvelle Scop"
    assert created.family == Family.SCOP
    assert created.slug == f"nouvelle-scop-{NEW}"
    former = Organisation.objects.get(siren=OLD_MEMBER)
    assert not former.is_union_member
    assert former.union_left_on == dt.date(2020, 12, 31)


def test_xlsx_list_with_siret_and_date_cells(tmp_path, union):
    book = Workbook()
    sheet = book.active
    sheet.append(["Siret", "Nom", "Type", "Adhérent depuis", "E-mail"])
    sheet.append([int(make_siret(NEW, 1)), "Coop XLSX", "Coopérative d'habitants",
                  dt.datetime(2022, 9, 1), None])  # fmt: skip
    sheet.append([None, None, None, None, None])
    path = tmp_path / "adherents.xlsx"
    book.save(path)
    result = run(path)
    assert result.errors == 0
    organisation = Organisation.objects.get(siren=NEW)
    assert organisation.family == Family.HABITANTS
    assert organisation.union_joined_on == dt.date(2022, 9, 1)
    assert organisation.is_union_member


def test_member_import_is_idempotent(tmp_path, union, known):
    path = write_csv(
        tmp_path / "a.csv", f"SIREN,Nom,Famille\n{KNOWN},Coop connue,Scop\n{NEW},Nouvelle,Scic\n"
    )
    run(path)
    run(path)
    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(siren=NEW).family == Family.SCIC


def test_bad_member_lines_are_reported(tmp_path, union):
    path = write_csv(
        tmp_path / "a.csv",
        "SIREN;Nom;Famille;Date d'adhésion;Date de sortie;Email\n"
        "123456789;Faux;Scop;;;\n"
        f"{NEW};Sans famille;;;;\n"
        f"{make_siren(30000004)};Famille inconnue;Kolkhoze;;;\n"
        f"{make_siren(30000005)};Date;Scop;32/13/2020;;\n"
        f"{make_siren(30000006)};Dates;Scop;2020-01-01;2019-01-01;\n"
        f"{make_siren(30000007)};Mail;Scop;;;pas-un-mail\n"
        f"{make_siren(30000008)};Bonne;Scop;;;\n",
    )
    result = run(path)
    assert result.errors == 6
    assert Organisation.objects.get().name == "Bonne"
    text = result.report.read_text(encoding="utf-8-sig")
    assert "famille requise" in text
    assert "Kolkhoze" in text


def test_missing_headers_refuse_the_file(tmp_path, db):
    path = write_csv(tmp_path / "a.csv", "Code;Libellé\n1;2\n")
    with pytest.raises(
        FileRefused, match=r"SIREN ou SIRET, Nom.*Colonnes trouvées : Code, Libellé"
    ):
        run(path)


def test_strict_member_import_writes_nothing_on_error(tmp_path, union):
    path = write_csv(
        tmp_path / "a.csv", f"SIREN,Nom,Famille\n{NEW},Bonne,Scop\n{KNOWN},Mauvaise,Kolkhoze\n"
    )
    with pytest.raises(ImportRefused):
        run(path, strict=True)
    assert not Organisation.objects.exists()


def test_command_refuses_an_unknown_union(tmp_path, db):
    path = write_csv(tmp_path / "a.csv", f"SIREN,Nom,Famille\n{NEW},Bonne,Scop\n")
    with pytest.raises(CommandError, match="Union « nulle-part » inconnue"):
        call_command("import_members", path, "--union", "nulle-part", stdout=StringIO())
    out = StringIO()
    call_command("import_members", path, stdout=out, stderr=StringIO())
    assert "1 organisations à jour" in out.getvalue()
