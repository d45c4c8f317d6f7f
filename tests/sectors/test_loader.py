"""Loading the shipped NAF rév. 2 file: totals, idempotence, refusals, transactions."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import F

from maillage.core.reference import ReferenceDataError
from maillage.directory.models import Organisation
from maillage.sectors.loader import NAF_REV2_FILE, load_naf
from maillage.sectors.models import Nomenclature, Sector, SectorLevel

pytestmark = pytest.mark.django_db

EXPECTED = {
    SectorLevel.SECTION: 21,
    SectorLevel.DIVISION: 88,
    SectorLevel.GROUP: 272,
    SectorLevel.CLASS: 615,
    SectorLevel.SUBCLASS: 732,
}


def _counts() -> dict[int, int]:
    return {
        level: Sector.objects.filter(nomenclature="naf2", level=level).count()
        for level in SectorLevel.values
    }


def _snapshot() -> list[tuple]:
    return list(
        Sector.objects.order_by("nomenclature", "code").values_list(
            "pk",
            "nomenclature",
            "code",
            "level",
            "label",
            "display_label",
            "label_search",
            "parent_id",
            "section_code",
        )
    )


def test_shipped_file_loads_with_insee_totals(django_assert_max_num_queries):
    messages: list[str] = []
    # Bulk writes: SQLite's 999-parameter limit splits the inserts into ~20 batches, PostgreSQL
    # into 5; one query per row would be 1,728.
    with django_assert_max_num_queries(30):
        stats = load_naf(progress=messages.append)
    assert _counts() == EXPECTED
    assert stats == {"total": 1728, "created": 1728, "updated": 0, "unchanged": 0, "deleted": 0}
    assert messages[-1].startswith("NAF rév. 2 : 1728 secteurs")

    menuiserie = Sector.objects.select_related("parent__parent__parent__parent").get(
        nomenclature="naf2", code="43.32A"
    )
    assert menuiserie.label == "Travaux de menuiserie bois et PVC"
    assert menuiserie.label_search == "travaux de menuiserie bois et pvc"
    assert menuiserie.section_code == "F"
    chain = [menuiserie.parent, menuiserie.parent.parent, menuiserie.parent.parent.parent]
    assert [s.code for s in chain] == ["43.32", "43.3", "43"]
    assert chain[-1].parent.code == "F"
    assert chain[-1].parent.parent is None


def test_sections_keep_official_label_and_get_a_sentence_case_one(naf):
    section = Sector.objects.get(nomenclature="naf2", code="A")
    assert section.label == "AGRICULTURE, SYLVICULTURE ET PÊCHE"
    assert section.display_label == "Agriculture, sylviculture et pêche"
    assert str(section) == "A — Agriculture, sylviculture et pêche"
    # The source has a trailing space here and line breaks in 88.99A: tidied, wording kept.
    assert Sector.objects.get(code="O").label == "ADMINISTRATION PUBLIQUE"
    assert Sector.objects.get(code="88.99A").label == (
        "Autre accueil ou accompagnement sans hébergement d’enfants et d’adolescents"
    )
    # Below the section, the official label is already in sentence case.
    assert not Sector.objects.filter(level__gt=1).exclude(display_label=F("label")).exists()


def test_second_run_changes_nothing(naf, django_assert_max_num_queries):
    before = _snapshot()
    with django_assert_max_num_queries(1):
        stats = load_naf()
    assert stats == {"total": 1728, "created": 0, "updated": 0, "unchanged": 1728, "deleted": 0}
    assert _snapshot() == before


def test_reload_repairs_edits_and_removes_stale_codes_of_its_nomenclature_only(naf):
    keep_pk = Sector.objects.get(nomenclature="naf2", code="43.32A").pk
    Sector.objects.filter(nomenclature="naf2", code="43.32A").update(label="Bricolage")
    section = Sector.objects.get(nomenclature="naf2", code="F")
    Sector.objects.create(
        nomenclature="naf2",
        code="99.99Z",
        level=5,
        label="Obsolète",
        display_label="Obsolète",
        label_search="obsolete",
        section_code="U",
    )
    other = Sector.objects.create(
        nomenclature=Nomenclature.NAF_2025,
        code="F",
        level=1,
        label="CONSTRUCTION",
        display_label="Construction",
        label_search="construction",
        section_code="F",
    )

    stats = load_naf()

    assert stats["updated"] == 1
    assert stats["deleted"] == 1
    fixed = Sector.objects.get(nomenclature="naf2", code="43.32A")
    assert (fixed.pk, fixed.label) == (keep_pk, "Travaux de menuiserie bois et PVC")
    assert not Sector.objects.filter(code="99.99Z").exists()
    assert Sector.objects.get(pk=other.pk).nomenclature == "naf2025"
    assert Sector.objects.get(pk=section.pk).code == "F"
    assert _counts() == EXPECTED


def _no_rows() -> bool:
    return not Sector.objects.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "cannot decompress"),
        (b"not xz at all", "cannot decompress"),
        (NAF_REV2_FILE.read_bytes()[:-100], "cannot decompress"),
    ],
    ids=["empty", "garbage", "truncated"],
)
def test_unreadable_file_is_refused_before_any_write(tmp_path, content, problem):
    path = tmp_path / "naf.json.xz"
    path.write_bytes(content)
    with pytest.raises(ReferenceDataError, match=problem) as excinfo:
        load_naf(path=path)
    assert str(path) in str(excinfo.value)
    assert _no_rows()


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "absent.json.xz"
    with pytest.raises(ReferenceDataError, match="not found") as excinfo:
        load_naf(path=path)
    assert str(path) in str(excinfo.value)


def test_altered_records_fail_the_checksum_and_write_nothing(write_naf):
    def relabel(payload):
        payload["records"][0][3] = "AGRICULTURE FALSIFIÉE"

    path = write_naf(relabel, resign=False)
    with pytest.raises(ReferenceDataError, match="checksum mismatch"):
        load_naf(path=path)
    assert _no_rows()


def test_other_format_version_is_refused(write_naf):
    path = write_naf(lambda payload: payload.update(format_version=2))
    with pytest.raises(ReferenceDataError, match="format version 2 is not supported"):
        load_naf(path=path)
    assert _no_rows()


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda p: p["records"].pop(), "counts by level"),
        (lambda p: p["records"].append(p["records"][-1]), "repeated code"),
        (lambda p: p["records"][30].__setitem__(2, "Z"), "not one level up"),
        (lambda p: p["records"][0].__setitem__(3, ""), "empty or overlong label"),
        (lambda p: p["records"][0].__setitem__(1, 9), "has level 9"),
    ],
    ids=["count", "duplicate", "orphan", "empty-label", "bad-level"],
)
def test_inconsistent_structure_is_refused(write_naf, edit, problem):
    with pytest.raises(ReferenceDataError, match=problem):
        load_naf(path=write_naf(edit))
    assert _no_rows()


def test_refuses_to_delete_a_sector_organisations_still_use(naf, write_naf):
    Organisation.objects.create(
        name="Menuiserie coopérative",
        slug="menuiserie",
        family="scop",
        sector=Sector.objects.get(code="43.32A"),
    )

    def drop_43_32a(payload):
        payload["records"] = [r for r in payload["records"] if r[0] != "43.32A"]
        payload["counts"]["5"] -= 1

    before = _snapshot()
    with pytest.raises(ReferenceDataError, match=r"'43\.32A'.*still use them"):
        load_naf(path=write_naf(drop_43_32a))
    assert _snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_runs_inside_the_callers_transaction():
    """No transaction of its own: a failure later in the caller's atomic block undoes the load."""

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        load_naf()
        assert Sector.objects.count() == 1728
        raise Abort
    assert _no_rows()
