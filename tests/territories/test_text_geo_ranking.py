"""Pure functions: name normalisation, search keys, distances, EWKB, crowded prefixes."""

from __future__ import annotations

import struct

import pytest

from maillage.territories.geo import ewkb_centroid, ewkb_point, haversine_km
from maillage.territories.ranking import KeyEntry, crowded_prefix_tops, rank_entries
from maillage.territories.text import expand_abbreviations, normalise, search_keys


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("SAINT ÉTIENNE", "saint etienne"),
        ("saint   etienne ", "saint etienne"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("L’Île-d’Yeu", "l ile d yeu"),
        ("Œuilly", "oeuilly"),
        ("Évry-Courcouronnes", "evry courcouronnes"),
        ("Châlons-en-Champagne", "chalons en champagne"),
        ("", ""),
    ],
)
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_abbreviations_and_search_keys():
    assert expand_abbreviations("st etienne") == "saint etienne"
    assert expand_abbreviations("ste foy") == "sainte foy"
    assert expand_abbreviations("stenay") == "stenay"
    assert search_keys("Saint-Étienne-de-Fursac") == [
        "saint etienne de fursac",
        "etienne de fursac",
        "fursac",
    ]
    # Articles and prepositions are not starting points; the full name always is.
    assert search_keys("Le Mans") == ["le mans", "mans"]


def test_haversine_paris_lyon():
    # Town halls of Paris and Lyon.
    assert haversine_km(48.85661, 2.35222, 45.76762, 4.83566) == pytest.approx(392, abs=2)
    assert haversine_km(45.0, 4.0, 45.0, 4.0) == 0


def _ewkb(kind: int, payload: bytes) -> str:
    return (struct.pack("<BI", 1, kind) + payload).hex()


def test_ewkb_point_and_square_centroid():
    assert ewkb_point(_ewkb(1, struct.pack("<dd", 4.39, 45.43))) == (4.39, 45.43)
    ring = [(0, 0), (2, 0), (2, 2), (0, 2), (0, 0)]
    polygon = struct.pack("<II", 1, len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)
    assert ewkb_centroid(_ewkb(3, polygon)) == pytest.approx((1.0, 1.0))
    multi = struct.pack("<I", 1) + struct.pack("<BI", 1, 3) + polygon
    assert ewkb_centroid(_ewkb(6, multi)) == pytest.approx((1.0, 1.0))
    with pytest.raises(ValueError):
        ewkb_point(_ewkb(3, polygon))


def test_crowded_prefixes_rank_exact_then_population():
    entries = [KeyEntry(f"sa{i:03d}", f"C{i}", i, True) for i in range(10)]
    entries.append(KeyEntry("sa", "EXACT", 1, True))
    tops = crowded_prefix_tops(entries, threshold=5, top_n=3)
    assert tops["sa"] == ["EXACT", "C9", "C8"]
    assert "sa0" in tops  # still crowded one letter later
    assert rank_entries("x", [KeyEntry("xa", "A", 5, False), KeyEntry("xb", "A", 5, True)], 5) == [
        "A"
    ]
