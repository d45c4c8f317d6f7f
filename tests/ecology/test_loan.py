"""The eco-conditional loan simulator: achievement, steps, verification, floor, annuity."""

from __future__ import annotations

import pytest

from maillage.ecology.loan import (
    LoanInput,
    LoanInputError,
    achievement,
    rate_grid_default,
    rate_grid_parse,
    repayment,
    simulate,
)


def loan(**changes):
    base = {
        "principal": 100_000,
        "months": 120,
        "base_rate_pct": 4.0,
        "indicator": "tCO2e",
        "baseline": 100,
        "target": 60,
        "verification": "revision",
    }
    return LoanInput(**{**base, **changes})


def test_annuity_matches_the_textbook_formula():
    # 100,000 € over 120 months at 4 %: 1,012.45 € a month (standard annuity tables)
    r = repayment(100_000, 120, 4.0)
    assert r.monthly == pytest.approx(1012.45, abs=0.01)
    assert r.total_interest == pytest.approx(1012.45 * 120 - 100_000, abs=1.5)
    assert repayment(1200, 12, 0).monthly == 100


def test_achievement_works_both_ways_and_is_clipped():
    assert achievement(100, 60, 80) == 50  # lower is better
    assert achievement(20, 60, 50) == 75  # higher is better
    assert achievement(100, 60, 120) == 0
    assert achievement(100, 60, 10) == 100


def test_steps_verification_and_floor():
    grid = rate_grid_default()  # 50 % → 0.25, 80 % → 0.5, 100 % → 0.75; floor 0.5
    full = simulate(loan(), grid)
    assert full.reduction_pct == pytest.approx(0.75)
    assert full.reduced.rate_pct == pytest.approx(3.25)
    assert full.savings > 0
    declared = simulate(loan(verification="declaration"), grid)  # half the reduction
    assert declared.reduction_pct == pytest.approx(0.375)
    halfway = simulate(loan(achieved=80), grid)
    assert halfway.achievement_pct == 50 and halfway.reduction_pct == pytest.approx(0.25)
    low_rate = simulate(loan(base_rate_pct=0.8), grid)
    assert low_rate.reduced.rate_pct == pytest.approx(0.5)  # the floor holds
    below_floor = simulate(loan(base_rate_pct=0.3), grid)
    assert below_floor.reduced.rate_pct == pytest.approx(0.3)  # never raised by the floor


def test_bad_input_names_the_field():
    grid = rate_grid_default()
    for changes, field in [
        ({"principal": 0}, "principal"),
        ({"months": 0}, "months"),
        ({"target": 100}, "target"),
        ({"verification": "rumeur"}, "verification"),
    ]:
        with pytest.raises(LoanInputError) as error:
            simulate(loan(**changes), grid)
        assert error.value.field == field
    with pytest.raises(ValueError, match="ascend"):
        rate_grid_parse(
            {"version": "1", "title": "t", "steps": [[80, 0.5], [50, 0.2]], "verifications": {}}
        )
