"""The grid file and the scoring: floors per topic, trajectories, evidence, contexts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maillage.ecology.grid import GridError, grid_current, grid_load, grid_versions, parse_grid
from maillage.ecology.scoring import Entry, score, score_criterion


def test_shipped_grid_loads_and_every_floor_is_reachable():
    assert grid_versions() == ["2026.1"]
    grid = grid_current()
    assert grid.version == "2026.1"
    assert [t.code for t in grid.topics] == ["climat", "ressources", "vivant", "gouvernance"]
    for topic in grid.topics:
        for context in ("creation", "review"):
            assert topic.floor[context] <= topic.max_points(context)
    # no trajectory at creation: there is no baseline yet
    assert all(c.kind != "trajectory" for t in grid.topics for c in t.applicable("creation"))


def test_grid_errors_name_the_file_and_field():
    raw = {
        "version": "x",
        "title": "t",
        "topics": [
            {
                "code": "a",
                "label": "A",
                "floor": {"creation": 5, "review": 0},
                "criteria": [{"code": "p", "kind": "practice", "label": "P", "points": 1}],
            }
        ],
    }
    with pytest.raises(GridError, match="floor of 'a' at creation exceeds its 1 reachable"):
        parse_grid(raw, "test.json")
    raw["topics"][0]["floor"]["creation"] = 1
    raw["topics"][0]["criteria"][0]["kind"] = "guess"
    with pytest.raises(GridError, match=r"test.json: a.p: kind 'guess'"):
        parse_grid(raw, "test.json")
    with pytest.raises(GridError, match="no grid of version"):
        grid_load("1999.9")


def test_trajectory_points_by_reduction_and_evidence():
    criterion = grid_current().criterion("ges_trajectoire")  # steps 5→1, 15→2, 30→3
    drop_20 = Entry(value=Decimal("80"), baseline_value=Decimal("100"), has_evidence=True)
    result = score_criterion(criterion, drop_20)
    assert (result.points, result.status) == (2, "partial")
    assert result.reduction_pct == pytest.approx(20.0)
    assert "Baisse de 20,0 %" in result.why
    no_proof = score_criterion(criterion, Entry(value=Decimal("60"), baseline_value=Decimal("100")))
    assert (no_proof.points, no_proof.status) == (0, "evidence_missing")
    rise = score_criterion(
        criterion, Entry(value=Decimal("110"), baseline_value=Decimal("100"), has_evidence=True)
    )
    assert rise.points == 0 and "Hausse de 10,0 %" in rise.why
    missing = score_criterion(criterion, Entry(value=Decimal("80")))
    assert missing.status == "missing" and "année de référence" in missing.why


def test_measured_share_by_steps_and_practices():
    grid = grid_current()
    share = grid.criterion("part_renouvelable")  # ≥25 → 1, ≥50 → 2, ≥90 → 3
    assert score_criterion(share, Entry(value=Decimal("49.9"))).points == 1
    assert score_criterion(share, Entry(value=Decimal("95"))).points == 3
    assert score_criterion(share, Entry(value=Decimal("10"))).points == 0
    practice = grid.criterion("vivant_gouvernance")  # 2 points, evidence required
    assert score_criterion(practice, Entry(done=True, has_evidence=True)).points == 2
    assert score_criterion(practice, Entry(done=True)).status == "evidence_missing"


def test_a_strong_topic_does_not_hide_a_neglected_one():
    grid = grid_current()
    entries = {
        "part_renouvelable": Entry(value=Decimal("100")),
        "plan_sobriete": Entry(done=True, has_evidence=True),
        "achats_responsables": Entry(done=True),
        "objectifs_ag": Entry(done=True, has_evidence=True),
    }
    result = score(grid, "creation", entries)
    climat = next(t for t in result.topics if t.code == "climat")
    assert climat.points == 4 and climat.meets_floor
    assert not result.passes
    assert result.topics_below_floor == ("Biodiversité et vivant",)
    entries["sites_sensibles"] = Entry(done=True)
    assert score(grid, "creation", entries).passes
    # the same answers at a review fall short: measured and trajectory criteria now count
    assert not score(grid, "review", entries).passes
    assert score(grid, "review", entries).as_dict()["grid_version"] == "2026.1"
