"""The fast path of the SIRENE import: block reading, raw-line prefilters, batch checks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from maillage.directory.imports.reading import CsvRows
from maillage.directory.imports.report import ErrorReport
from maillage.directory.imports.samples import UNIT_COLUMNS_NEW, UNIT_COLUMNS_OLD, make_siren
from maillage.directory.imports.sirene import UnitPass
from maillage.directory.imports.sirens import SirenIndex, luhn_valid, sirets_valid
from maillage.directory.validators import siren_valid, siret_valid


def read_all(reader: CsvRows, size: int = 3, prefilter=None):
    lines, rows, bad, records = [], [], {}, 0
    while (block := reader.read_block(size, prefilter)) is not None:
        lines += block.lines
        rows += block.rows
        bad.update(block.bad)
        records += block.records
    return lines, rows, bad, records


def test_rows_keep_the_line_they_end_on_across_quoted_line_breaks(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(
        b"a,b,c\r\n"
        b'1,"deux, avec virgule",3\r\n'
        b'4,"sur\r\ntrois\r\nlignes",6\r\n'
        b"\r\n"
        b'7,5" ecran,9\r\n'
        b"10,11,12"
    )
    reader = CsvRows(path)
    lines, rows, bad, records = read_all(reader, size=2)
    assert lines == [2, 5, 7, 8]
    assert rows == [
        ["1", "deux, avec virgule", "3"],
        ["4", "sur\r\ntrois\r\nlignes", "6"],
        ["7", '5" ecran', "9"],
        ["10", "11", "12"],
    ]
    assert not bad
    assert records == 4  # the blank line is not a row


def test_a_stray_opening_quote_does_not_swallow_the_rest_of_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr("maillage.directory.imports.reading.MAX_RECORD_LINES", 3)
    path = tmp_path / "f.csv"
    body = ['1,"jamais fermé,3'] + [f"{n},x,y" for n in range(2, 10)]
    path.write_text("a,b,c\n" + "\n".join(body) + "\n", encoding="utf-8")
    lines, rows, _bad, _records = read_all(CsvRows(path), size=4)
    assert lines == list(range(2, 11))
    assert rows[0][0] == "1" and rows[1] == ["2", "x", "y"] and rows[-1] == ["9", "x", "y"]


def test_resuming_from_a_saved_position_reads_the_next_line(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_text("a,b\n" + "".join(f"{n},é{n}\n" for n in range(2, 12)), encoding="utf-8")
    reader = CsvRows(path)
    first = reader.read_block(4)
    assert first is not None and first.last_line == 5
    resumed = CsvRows(path)
    resumed.skip_to(first.last_line, first.position)
    lines, rows, _bad, _records = read_all(resumed)
    assert lines[0] == 6 and rows[0] == ["6", "é6"] and lines[-1] == 11
    by_scan = CsvRows(path)
    by_scan.skip_to(first.last_line)
    assert read_all(by_scan)[:2] == (lines, rows)


def test_the_prefilter_drops_lines_unread_but_counts_them(tmp_path: Path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"siren,x\n111,a\n222,\xff\n333,c\n")

    def skip_222(records: list[bytes]) -> list[bool]:
        return [not r.startswith(b"222") for r in records]

    lines, rows, bad, records = read_all(CsvRows(path, "utf-8"), prefilter=skip_222)
    assert (lines, rows, bad, records) == ([2, 4], [["111", "a"], ["333", "c"]], {}, 3)
    # Without the prefilter, the byte that does not decode is reported with its offset.
    _lines, _rows, bad, _records = read_all(CsvRows(path, "utf-8"))
    assert list(bad) == [3] and "0xFF à la position 18" in bad[3]


def test_siren_index_prefilter_keeps_directory_units_and_broken_lines():
    known = make_siren(30000001)
    other = make_siren(30000002)
    index = SirenIndex([known, make_siren(30000003)], [7, 9], ",")
    records = [
        f"{known},{known}00012\n".encode(),
        f"{other},{other}00012\n".encode(),
        b"a,b,c\n",
        b"\n",
        f"{known};x\n".encode(),
    ]
    assert index.prefilter(records) == [True, False, True, True, True]
    assert index.ids_for([known, other, "", "12345678é"]) == [7, None, None, None]
    assert SirenIndex([], [], ",").prefilter(records[:2]) == [False, False]


def test_batch_luhn_checks_agree_with_the_validators():
    rng = random.Random(7)
    sirens = [f"{rng.randrange(10**9):09d}" for _ in range(2000)]
    sirens += [make_siren(40000000 + n) for n in range(200)] + ["12345678", "12345678a", "١٢٣"]
    assert luhn_valid(sirens, 9) == [siren_valid(s) and s.isascii() for s in sirens]
    sirets = [s + f"{rng.randrange(10**5):05d}" for s in sirens[:2000]]
    sirets += ["35600000000048", "35600000049837", "35600000000001", "3560000000004"]
    assert sirets_valid(sirets) == [siret_valid(s) for s in sirets]


@pytest.mark.parametrize("columns", [UNIT_COLUMNS_NEW, UNIT_COLUMNS_OLD], ids=["new", "old"])
@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_unit_prefilter_on_raw_lines_agrees_with_the_parsed_rule(tmp_path, columns, line_end):
    rng = random.Random(11)
    categories = ["5458", "5460", "6317", "9220", "9300", "5710", "5499", "1000", "8210", "54"]
    lines = [",".join(columns)]
    for n in range(3000):
        values = dict.fromkeys(columns, "")
        values["siren"] = make_siren(50000000 + n)
        values["categorieJuridiqueUniteLegale"] = rng.choice(categories)
        values["etatAdministratifUniteLegale"] = rng.choice(["A", "A", "C", ""])
        if "economieSocialeSolidaireUniteLegale" in values:
            values["economieSocialeSolidaireUniteLegale"] = rng.choice(["O", "N", "", "OO"])
        values["caractereEmployeurUniteLegale"] = rng.choice(["O", "N"])
        lines.append(",".join(values[c] for c in columns))
    path = tmp_path / "u.csv"
    path.write_text(line_end.join(lines) + line_end, encoding="utf-8")
    step = UnitPass(CsvRows(path), ErrorReport(tmp_path / "e.csv"), sectors={})
    reader = CsvRows(path)
    while (block := reader.read_block(700)) is not None:
        raw = [line.encode() + line_end.encode() for line in lines[block.lines[0] - 1 :]][
            : len(block.rows)
        ]
        assert step._prefilter(raw) == step.keep_rows(block.rows)
        assert any(step.keep_rows(block.rows)) and not all(step.keep_rows(block.rows))


@pytest.mark.django_db(transaction=True)
def test_sqlite_bulk_session_checks_references_once_per_batch():
    """Outside a transaction, SQLite's row-by-row foreign-key checks give way to one query per
    batch and table, inside the batch: a reference to nothing still refuses the batch."""
    from django.db import IntegrityError, connection, transaction

    from maillage.directory.imports.samples import make_siret
    from maillage.directory.imports.writers import Upsert, bulk_session
    from maillage.directory.models import Establishment

    from ..factories import OrganisationFactory

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")
    organisation = OrganisationFactory()
    upsert = Upsert(
        Establishment,
        key="siret",
        fields=["siret", "organisation_id", "name"],
        update=["organisation_id", "name"],
    )
    siren = make_siren(60000001)

    def foreign_keys() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            return cursor.fetchone()[0]

    with bulk_session():
        assert foreign_keys() == 0
        with transaction.atomic():
            upsert.run([(make_siret(siren, 1), organisation.pk, "ATELIER")])
        with pytest.raises(IntegrityError, match="absent"), transaction.atomic():
            upsert.run([(make_siret(siren, 2), organisation.pk + 1000, "NULLE PART")])
    assert foreign_keys() == 1
    assert list(Establishment.objects.values_list("name", flat=True)) == ["ATELIER"]
