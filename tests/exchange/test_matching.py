"""The pure matching module: NAF closeness, zones, text relevance, ranking and alerts."""

from __future__ import annotations

import pytest

from maillage.exchange import matching
from maillage.exchange.matching import NeedSpec, PlaceSpec, SectorRef
from maillage.exchange.relevance import BM25, stem, tokens

JOINERY = SectorRef("43.32A", "F")
SAINT_ETIENNE = (45.4339, 4.3903)


@pytest.mark.parametrize(
    ("code", "section", "score", "reason"),
    [
        ("43.32A", "F", 1.0, "même sous-classe NAF 43.32A"),
        ("43.32B", "F", 0.75, "même classe NAF 43.32"),
        ("43.34Z", "F", 0.5, "même groupe NAF 43.3"),
        ("43.21A", "F", 0.3, "même division NAF 43"),
        ("41.20A", "F", 0.1, "même section NAF F"),
        ("62.01Z", "J", 0.0, None),
        (None, None, 0.0, None),
    ],
)
def test_sector_closeness_follows_the_naf_hierarchy(code, section, score, reason):
    closeness = matching.sector_closeness(JOINERY, code, section)
    assert closeness.score == score
    if reason:
        assert matching._closeness_reason(closeness) == reason


def test_a_supplier_inside_a_wider_node_asked_for_is_a_full_match():
    closeness = matching.sector_closeness(SectorRef("43.3", "F"), "43.32A", "F")
    assert closeness.score == 1.0 and closeness.inside
    assert matching._closeness_reason(closeness) == "dans le groupe NAF 43.3 demandé"


def test_naf_chain():
    assert matching.naf_chain("43.32A", "F") == ["F", "43", "43.3", "43.32", "43.32A"]
    assert matching.naf_chain("43.3", "F") == ["F", "43", "43.3"]
    assert matching.naf_chain("F", None) == ["F"]


def test_french_stemming_brings_trades_together():
    assert stem("menuiseries") == stem("menuiserie") == stem("menuisier")
    assert tokens("Rénovation des fenêtres") == [stem("renovation"), stem("fenetres")]
    assert "des" not in tokens("des fenêtres et des portes")


def test_bm25_prefers_documents_saying_the_rare_query_words():
    docs = [tokens("menuiserie bois fenêtres"), tokens("peinture intérieure"), tokens("bois")]
    bm25 = BM25(docs)
    query = tokens("fenêtres en bois")
    scores = [bm25.normalised(query, i) for i in range(3)]
    assert scores[0] > scores[2] > scores[1] == 0.0
    assert 0 < scores[0] <= 1


def _place(level="commune", code="42218", inner=frozenset()):
    zones = {
        "commune": [("commune", "42218"), ("epci", "244200770"), ("departement", "42")],
        "departement": [("departement", "42")],
    }[level]
    return PlaceSpec(
        level=level,
        code=code,
        label="Saint-Étienne (42)" if level == "commune" else "Loire (42)",
        point=SAINT_ETIENNE,
        zones=frozenset([*zones, ("region", "84"), ("france", "fr")]),
        inner=inner,
        labels={("departement", "42"): "Loire (42)"},
    )


def _activity(**kwargs):
    base = {
        "offer_id": 1,
        "title": "Menuiserie",
        "text": "",
        "sector_code": "43.32A",
        "section": "F",
        "zone_mode": "france",
    }
    return {**base, **kwargs}


def test_zone_cover_modes_and_hierarchy():
    place = _place()
    assert matching.zone_cover(_activity(), place, None)[0] == 1.0
    covered = matching.zone_cover(
        _activity(zone_mode="zones", zones=[("departement", "42")]), place, None
    )
    assert covered == (1.0, "intervient dans tout le département Loire (42)")
    assert (
        matching.zone_cover(
            _activity(zone_mode="zones", zones=[("departement", "69")]), place, None
        )[0]
        == 0
    )
    lyon = (45.7578, 4.8320)
    assert (
        matching.zone_cover(_activity(zone_mode="radius", radius_km=80, origin=lyon), place, None)[
            0
        ]
        == 1
    )
    assert (
        matching.zone_cover(_activity(zone_mode="radius", radius_km=10, origin=lyon), place, None)[
            0
        ]
        == 0
    )
    # A zone inside a wider place covers part of it.
    wide = _place("departement", "42", inner=frozenset({("commune", "42095")}))
    assert (
        matching.zone_cover(_activity(zone_mode="zones", zones=[("commune", "42095")]), wide, None)[
            0
        ]
        == 0.5
    )


def _candidate(key, *, activities, points=(SAINT_ETIENNE,), solicited=0, answered=0, headcount=5):
    return {
        "key": key,
        "organisation_id": int(key.split(":")[1]),
        "entrepreneur_id": None,
        "name": key,
        "family": "scop",
        "headcount": headcount,
        "points": list(points),
        "activities": activities,
        "solicited": solicited,
        "answered": answered,
    }


def test_rank_orders_by_weighted_score_and_explains():
    need = NeedSpec(
        text="Fenêtres en bois pour l'école",
        sectors=(JOINERY,),
        place=_place(),
        budget_band="lt90k",
    )
    candidates = [
        _candidate(
            "org:1",
            activities=[_activity(title="Fenêtres bois", text="menuiserie")],
            solicited=4,
            answered=3,
        ),
        _candidate("org:2", activities=[_activity(sector_code="43.34Z", title="Peinture")]),
        _candidate(
            "org:3", activities=[_activity(sector_code="62.01Z", section="J", title="Code")]
        ),
        _candidate(
            "org:4", activities=[_activity(zone_mode="zones", zones=[("departement", "69")])]
        ),
        _candidate(
            "org:5",
            activities=[_activity(offer_id=None, title="Menuiserie", zone_mode="radius")],
            points=[(45.3886, 4.2880)],
        ),
    ]
    ranked = matching.rank(need, candidates, limit=10)
    assert [m.key for m in ranked] == ["org:1", "org:5", "org:2"]
    best = ranked[0]
    assert "même sous-classe NAF 43.32A" in best.reasons
    assert "intervient dans toute la France" in best.reasons
    assert "à 0 km" in best.reasons
    assert "a répondu à 3 besoin(s) sur 4" in best.reasons
    assert 0 < best.score <= 1
    weights = matching.DEFAULT_WEIGHTS
    assert sum(vars(weights).values()) == pytest.approx(1.0)
    assert any(r.startswith("établissement à") for r in ranked[1].reasons)


def test_text_alone_can_make_an_activity_eligible():
    need = NeedSpec(text="traiteur repas bio", sectors=(JOINERY,), place=_place())
    candidates = [
        _candidate(
            "org:1",
            activities=[
                _activity(
                    sector_code="56.21Z", section="I", title="Traiteur bio", text="repas traiteur"
                )
            ],
        ),
        _candidate(
            "org:2", activities=[_activity(sector_code="56.21Z", section="I", title="Café")]
        ),
    ]
    assert [m.key for m in matching.rank(need, candidates)] == ["org:1"]


def test_alert_matches_sector_both_ways_and_territory():
    zones = [("commune", "42218"), ("departement", "42"), ("region", "84"), ("france", "fr")]
    yes = matching.alert_matches(
        alert_sectors=[SectorRef("43", "F")],
        alert_zone=("departement", "42"),
        need_sectors=[JOINERY],
        need_zones=zones,
    )
    wider_need = matching.alert_matches(
        alert_sectors=[JOINERY],
        alert_zone=("france", "fr"),
        need_sectors=[SectorRef("43", "F")],
        need_zones=zones,
    )
    elsewhere = matching.alert_matches(
        alert_sectors=[], alert_zone=("departement", "69"), need_sectors=[JOINERY], need_zones=zones
    )
    other_sector = matching.alert_matches(
        alert_sectors=[SectorRef("62.01Z", "J")],
        alert_zone=("france", "fr"),
        need_sectors=[JOINERY],
        need_zones=zones,
    )
    assert (yes, wider_need, elsewhere, other_sector) == (True, True, False, False)
