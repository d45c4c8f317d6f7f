"""Reading DECP files without a database: three layouts, streaming, bad records."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from maillage.public_procurement import decp
from maillage.public_procurement.decp import (
    DecpRefused,
    MalformedRecord,
    ReadStats,
    iter_contracts,
    normalise,
)

DATA = Path(__file__).parent / "data"


def _read(name: str, text: str | None = None):
    stats = ReadStats()
    handle = io.StringIO(text) if text is not None else (DATA / name).open(encoding="utf-8")
    with handle:
        items = list(iter_contracts(handle, stats))
    return items, stats


def test_v2_nested_shape():
    items, stats = _read("decp_v2.json")
    assert stats.layout == "v2"
    assert stats.skipped_concessions == 1
    records = [normalise(item, stats.layout) for _rank, item in items]
    first = records[0]
    assert (first.contract_id, first.buyer_id, first.shape) == ("2024-001", "21420218600018", "v2")
    assert [(h.identifier, h.identifier_type) for h in first.holders] == [
        ("90000001900019", "SIRET"),
        ("90000005000014", "SIRET"),
    ]
    assert (first.place_code, first.place_type, first.amount) == ("42000", "Code postal", 120000.5)
    assert first.unknown_fields == []
    assert [r.contract_id for r in records] == ["2024-001", "2024-002", "2024-003"]


def test_v2_flattened_shape():
    items, stats = _read("decp_v2_flat.json")
    records = [normalise(item, stats.layout) for _rank, item in items]
    unwrapped, dotted = records
    assert unwrapped.shape == "v2-aplati"
    assert [h.identifier for h in unwrapped.holders] == ["90000003500015"]
    assert dotted.shape == "v2-aplati"
    assert dotted.buyer_id == "21690123100011"
    assert (dotted.place_code, dotted.place_type) == ("69", "Code département")
    assert [(h.identifier, h.name) for h in dotted.holders] == [
        ("90000001900019", "SCOP A"),
        ("90000005000014", ""),
    ]
    assert dotted.amount == 9500.0
    assert dotted.duration_months == 12
    assert dotted.unknown_fields == []


def test_v1_shape():
    items, stats = _read("decp_v1.json")
    assert stats.layout == "v1"
    (record,) = [normalise(item, stats.layout) for _rank, item in items]
    assert record.shape == "v1"
    assert record.buyer_name == "Ville de Lyon"
    assert [(h.identifier, h.name) for h in record.holders] == [("90000003500015", "SCOP C")]


def test_malformed_record_is_reported_and_the_rest_read(monkeypatch):
    monkeypatch.setattr(decp, "BLOCK", 37)  # forces many refills, values across blocks
    items, _stats = _read("decp_bad.json")
    assert [rank for rank, _item in items] == [1, 2, 3, 4, 5]
    assert isinstance(items[1][1], MalformedRecord)
    assert items[1][1].position > 0
    assert items[4][1]["id"] == "B-5"
    record = normalise(items[3][1])
    assert record.unknown_fields == ["champinvente"]


def test_streaming_gives_the_same_records_with_tiny_blocks(monkeypatch):
    whole, _ = _read("decp_v2.json")
    monkeypatch.setattr(decp, "BLOCK", 16)
    small, stats = _read("decp_v2.json")
    assert small == whole
    assert stats.skipped_concessions == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<xml/>", "ne commence ni par"),
        ('{"autre": [1, 2]}', "aucune liste"),
        ('{"marches": {"marche": [{"id": 1}] ', "attendu"),
    ],
)
def test_not_decp_is_refused(text, message):
    with pytest.raises(DecpRefused, match=message):
        _read("", text)


def test_top_level_list():
    items, stats = _read("", '[{"id": "X", "titulaires": []}]')
    assert stats.layout == "liste"
    assert items == [(1, {"id": "X", "titulaires": []})]
