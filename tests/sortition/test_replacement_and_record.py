"""Replacements keep the quotas; the legacy port matches the package; run records are JSON."""

from __future__ import annotations

import json
import random

import pytest

from maillage.sortition.baseline import legacy_marginals, legacy_panel, package_legacy_panel
from maillage.sortition.draw import ReplacementImpossible, find_replacements
from maillage.sortition.leximin import LeximinResult
from maillage.sortition.problem import Quota, SortitionProblem
from maillage.sortition.record import record_run, versions

from .conftest import people


def test_replacement_keeps_quotas_and_remaining_members(
    generated: SortitionProblem, generated_leximin: LeximinResult
) -> None:
    panel = sorted(generated_leximin.panels[0])
    declined = panel[:2]
    result = find_replacements(generated, panel, declined, seed_string="12 34 56")
    assert generated.panel_violations(result.panel) == []
    assert set(panel[2:]) <= result.panel
    assert not set(declined) & result.panel
    assert len(result.added) == 2
    again = find_replacements(generated, panel, declined, seed_string="12 34 56")
    assert again.panel == result.panel
    json.dumps(result.to_dict())


def test_replacement_must_match_the_declined_profile() -> None:
    rows = [(f"f{k}", {"g": "F"}, None) for k in range(3)]
    rows += [(f"h{k}", {"g": "H"}, None) for k in range(3)]
    problem = SortitionProblem.build(people(rows), [Quota("g", "F", 1, 1)], 2)
    for seed in ("1", "2", "3", "4"):
        result = find_replacements(problem, ["f0", "h0"], ["f0"], seed_string=seed)
        assert result.added[0] in {"f1", "f2"}


def test_replacement_impossible_is_diagnosed() -> None:
    rows = [("f0", {"g": "F"}, None), ("h0", {"g": "H"}, None), ("h1", {"g": "H"}, None)]
    problem = SortitionProblem.build(people(rows), [Quota("g", "F", 1, 1)], 2)
    try:
        find_replacements(problem, ["f0", "h0"], ["f0"], seed_string="x")
    except ReplacementImpossible as error:
        assert not error.diagnosis.feasible
    else:
        raise AssertionError("a replacement without any woman left was accepted")


def test_legacy_port_draws_the_package_panels(generated: SortitionProblem) -> None:
    for seed in (1, 2, 3):
        ours, _ = legacy_panel(generated, random.Random(seed))
        assert ours == package_legacy_panel(generated, seed=seed)
    probabilities, _ = legacy_marginals(generated, draws=50, seed=1)
    assert sum(probabilities.values()) == pytest.approx(generated.panel_size)


def test_run_record_is_json(generated: SortitionProblem, generated_leximin: LeximinResult) -> None:
    record = record_run(
        generated,
        kind="leximin",
        created_at="2026-11-23T10:00:00+01:00",
        settings={"seed": 1, "algorithm": "leximin-highs"},
        result=generated_leximin.to_dict(),
    )
    data = json.loads(record.to_json())
    assert data["quotas"]["panel_size"] == generated.panel_size
    assert set(data["versions"]) >= {"sortition-algorithms", "highspy", "scipy", "numpy"}
    assert data["versions"] == versions()
    assert len(data["pool_sha256"]) == 64
