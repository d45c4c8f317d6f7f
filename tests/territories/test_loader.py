"""Loading the shipped file: counts, idempotence, partial loads, refusal of bad files."""

from __future__ import annotations

import hashlib
import json
import lzma
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillage.territories.loader import DEFAULT_PATH, ReferenceDataError
from maillage.territories.models import (
    Commune,
    CommuneSearchKey,
    Departement,
    Epci,
    MunicipalArrondissement,
    PostalCode,
    Region,
    Union,
)
from maillage.territories.services import reference_data_load

from .conftest import DEPARTEMENTS


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Region, Departement, Epci, Commune, PostalCode, CommuneSearchKey, Union)
    }


@pytest.mark.django_db
def test_full_shipped_file_counts():
    stats = reference_data_load()
    assert Commune.objects.count() == 34_875
    assert Epci.objects.count() == 1_255
    assert Departement.objects.count() == 101
    assert Region.objects.count() == 18
    assert Union.objects.count() == 9
    assert MunicipalArrondissement.objects.count() == 45
    assert PostalCode.objects.count() > 35_000
    # Every département of the platform's scope has a union under the default map.
    assert not Departement.objects.filter(union__isnull=True).exists()
    assert stats.tables["communes"].created == 34_875


@pytest.mark.django_db
def test_partial_load_is_idempotent(territories):
    before = _counts()
    assert before["Departement"] == len(DEPARTEMENTS)
    assert Commune.objects.filter(departement_id="42").count() > 300
    again = reference_data_load(departements=DEPARTEMENTS)
    assert again.written == 0
    assert _counts() == before


@pytest.mark.django_db
def test_reload_repairs_edits_and_removes_stray_rows(territories):
    Commune.objects.filter(code="42218").update(name="Saint-Etienne (modifié)", population=1)
    Commune.objects.create(
        code="42999", name="Fantôme", name_search="fantome", departement_id="42", region_id="84"
    )
    stats = reference_data_load(departements=DEPARTEMENTS)
    assert stats.tables["communes"].updated == 1
    assert stats.tables["communes"].deleted == 1
    saint_etienne = Commune.objects.get(code="42218")
    assert saint_etienne.name == "Saint-Étienne"
    assert saint_etienne.population > 170_000
    assert not Commune.objects.filter(code="42999").exists()


@pytest.mark.django_db
def test_partial_load_leaves_other_departements_alone(territories):
    reference_data_load(departements=["42"])
    assert Commune.objects.filter(departement_id="75").exists()


@pytest.fixture
def copied_file(tmp_path):
    shutil.copy(DEFAULT_PATH, tmp_path / DEFAULT_PATH.name)
    shutil.copy(DEFAULT_PATH.with_name("manifest.json"), tmp_path / "manifest.json")
    return tmp_path / DEFAULT_PATH.name


def _rewrite_manifest_for(path):
    """Make the manifest match whatever is in the file now (to reach the later checks)."""
    manifest_path = path.with_name("manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["files"][path.name]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing", "file not found"),
        ("truncated", "does not match the manifest"),
        ("not_xz", "does not decompress"),
        ("bad_version", "format version"),
        ("missing_table", "missing or empty table 'communes'"),
        ("no_manifest", "no manifest"),
    ],
)
def test_bad_file_is_refused_and_database_unchanged(territories, copied_file, damage, message):
    before = _counts()
    if damage == "missing":
        copied_file.unlink()
    elif damage == "truncated":
        copied_file.write_bytes(copied_file.read_bytes()[:1000])
    elif damage == "not_xz":
        copied_file.write_bytes(b"this is not xz at all")
        _rewrite_manifest_for(copied_file)
    elif damage in {"bad_version", "missing_table"}:
        document = json.loads(lzma.decompress(copied_file.read_bytes()))
        if damage == "bad_version":
            document["format_version"] = 99
        else:
            del document["communes"]
        copied_file.write_bytes(lzma.compress(json.dumps(document).encode()))
        _rewrite_manifest_for(copied_file)
    elif damage == "no_manifest":
        copied_file.with_name("manifest.json").unlink()
    with pytest.raises(ReferenceDataError, match=message) as excinfo:
        reference_data_load(path=copied_file, departements=DEPARTEMENTS)
    assert str(copied_file) in str(excinfo.value)
    assert _counts() == before
    # The command turns it into a CommandError naming the file and the problem.
    with pytest.raises(CommandError, match=message) as command_error:
        call_command(
            "load_reference_data",
            "--skip-sectors",
            f"--territories-file={copied_file}",
            "--departements=42",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert copied_file.name in str(command_error.value)
    assert _counts() == before


@pytest.mark.django_db
def test_command_loads_departements_and_reports_progress():
    out, err = StringIO(), StringIO()
    call_command(
        "load_reference_data", "--skip-sectors", "--departements", "42,75", stdout=out, stderr=err
    )
    assert Departement.objects.count() == 2
    assert "Données de référence chargées" in out.getvalue()
    assert "communes" in err.getvalue()


@pytest.mark.django_db
def test_command_loads_sectors_in_the_same_run_when_available():
    pytest.importorskip("maillage.sectors.loader")
    call_command(
        "load_reference_data", "--departements", "42", stdout=StringIO(), stderr=StringIO()
    )
    assert Commune.objects.filter(departement_id="42").exists()


@pytest.mark.django_db
def test_unknown_departement_is_refused():
    with pytest.raises(ReferenceDataError, match="unknown départements"):
        reference_data_load(departements=["00"])
    assert Region.objects.count() == 0
