"""Associations and pooled intervals (maillage/indicators/statistics.py), checked against
scipy.stats where it has the same method, and by hand elsewhere."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from maillage.indicators.statistics import (
    CAVEAT_KEY,
    MIN_N_ASSOCIATION,
    ols_slope,
    pearson,
    poisson_rate,
    pooled_ratio,
    spearman,
    wilson_proportion,
)


@pytest.fixture
def sample() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(42)
    x = rng.uniform(0, 100, size=40)  # e.g. share of employee-associates
    y = 8 - 0.03 * x + rng.normal(0, 1.5, size=40)  # e.g. absence rate
    return x, y


def test_pearson_matches_scipy_with_fisher_interval(sample):
    x, y = sample
    r = pearson(x, y)
    ref = stats.pearsonr(x, y)
    assert r.computed and r.n == 40
    assert r.estimate == pytest.approx(ref.statistic)
    assert r.p_value == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval(confidence_level=0.95)  # scipy uses Fisher's z as well
    assert r.ci_low == pytest.approx(ci.low) and r.ci_high == pytest.approx(ci.high)
    # by hand: tanh(atanh(r) ± 1.959964 / √37)
    z = math.atanh(r.estimate)
    assert r.ci_low == pytest.approx(math.tanh(z - 1.959963984540054 / math.sqrt(37)))


def test_every_result_says_association_not_causation(sample):
    x, y = sample
    for res in (pearson(x, y), spearman(x, y), ols_slope(x, y), pearson(x[:3], y[:3])):
        assert res.caveat_key == CAVEAT_KEY == "association_pas_causalite"
        assert res.caveat.startswith("Association, pas causalité")
        assert res.causal is False
    assert wilson_proportion(1, 2).caveat_key == CAVEAT_KEY


def test_spearman_estimate_matches_scipy_and_bootstrap_is_reproducible(sample):
    x, y = sample
    a = spearman(x, y)
    b = spearman(x, y)
    assert a.estimate == pytest.approx(stats.spearmanr(x, y).statistic)
    assert (a.ci_low, a.ci_high) == (b.ci_low, b.ci_high)
    assert a.ci_low < a.estimate < a.ci_high
    other_seed = spearman(x, y, seed=1)
    assert other_seed.ci_low == pytest.approx(a.ci_low, abs=0.05)

    def rho(u: np.ndarray, v: np.ndarray, axis: int = -1) -> np.ndarray:
        ru = stats.rankdata(u, axis=axis)
        rv = stats.rankdata(v, axis=axis)
        ru = ru - ru.mean(axis=axis, keepdims=True)
        rv = rv - rv.mean(axis=axis, keepdims=True)
        return (ru * rv).sum(axis=axis) / np.sqrt((ru**2).sum(axis=axis) * (rv**2).sum(axis=axis))

    assert rho(x, y) == pytest.approx(a.estimate)
    ref = stats.bootstrap(
        (x, y),
        rho,
        paired=True,
        vectorized=True,
        method="percentile",
        n_resamples=4000,
        random_state=np.random.default_rng(0),
    ).confidence_interval
    assert a.ci_low == pytest.approx(ref.low, abs=0.05)
    assert a.ci_high == pytest.approx(ref.high, abs=0.05)


def test_ols_slope_and_interval_by_hand(sample):
    x, y = sample
    r = ols_slope(x, y)
    n = len(x)
    xc = x - x.mean()
    slope = (xc * (y - y.mean())).sum() / (xc * xc).sum()
    resid = y - (y.mean() + slope * xc)
    se = math.sqrt((resid**2).sum() / (n - 2) / (xc * xc).sum())
    t = stats.t.ppf(0.975, n - 2)
    assert r.estimate == pytest.approx(slope)
    assert r.standard_error == pytest.approx(se)
    assert r.ci_low == pytest.approx(slope - t * se) and r.ci_high == pytest.approx(slope + t * se)
    assert r.intercept == pytest.approx(stats.linregress(x, y).intercept)


def test_refuses_below_minimum_n_and_says_why():
    r = pearson(list(range(9)), [1, 3, 2, 5, 4, 6, 8, 7, 9])
    assert not r.computed and r.estimate is None
    assert r.reason_key == "effectif_insuffisant" and r.n == 9
    assert str(MIN_N_ASSOCIATION) in r.reason and "9" in r.reason
    assert pearson(list(range(5)), [1, 3, 2, 5, 4], min_n=5).computed


def test_incomplete_pairs_are_dropped_and_counted():
    x = [1.0, 2, 3, None, 5, 6, 7, 8, 9, 10, 11, float("nan"), 13]
    y = [2.0, 1, 4, 3, None, 5, 8, 7, 9, 12, 10, 1, 14]
    r = spearman(x, y)
    assert r.computed and r.n == 10 and r.dropped == 3
    assert pearson([1, 2], [1]).reason_key == "longueurs_differentes"


def test_constant_variable_is_refused():
    r = ols_slope([3] * 12, list(range(12)))
    assert not r.computed and r.reason_key == "variance_nulle" and "« x »" in r.reason


def test_wilson_matches_scipy_and_textbook_values():
    r = wilson_proportion(3, 10)
    ci = stats.binomtest(3, 10).proportion_ci(confidence_level=0.95, method="wilson")
    assert r.estimate == pytest.approx(0.3)
    assert r.ci_low == pytest.approx(ci.low) and r.ci_high == pytest.approx(ci.high)
    assert r.ci_low == pytest.approx(0.1078, abs=1e-4) and r.ci_high == pytest.approx(
        0.6032, abs=1e-4
    )
    edge = wilson_proportion(0, 20)
    ci0 = stats.binomtest(0, 20).proportion_ci(method="wilson")
    assert edge.ci_low == pytest.approx(0) and edge.ci_high == pytest.approx(ci0.high)
    assert wilson_proportion(0, 0).reason_key == "denominateur_nul"
    assert wilson_proportion(5, 3).reason_key == "comptes_incoherents"


def test_poisson_exact_interval_is_garwood():
    # 3 events: Garwood 95 % interval on the count is [0.6187, 8.7673]
    r = poisson_rate(3, 150_000)
    assert r.estimate == pytest.approx(20.0)
    assert r.ci_low == pytest.approx(0.61867 * 1e6 / 150_000, rel=1e-4)
    assert r.ci_high == pytest.approx(8.76727 * 1e6 / 150_000, rel=1e-4)
    zero = poisson_rate(0, 100_000)
    assert zero.ci_low == 0 and zero.ci_high == pytest.approx(3.68888 * 10, rel=1e-4)
    normal = poisson_rate(100, 1e6, method="normal")
    assert normal.ci_low == pytest.approx(100 - 1.959964 * 10, rel=1e-6)
    assert poisson_rate(1, 0).reason_key == "denominateur_nul"


def test_pooled_ratio_hand_computed():
    ys, xs = [5.0, 6.0, 7.0], [100.0, 120.0, 90.0]
    r = pooled_ratio(ys, xs)
    ratio = 18 / 310
    var = sum((y - ratio * x) ** 2 for y, x in zip(ys, xs, strict=True)) / (3 * 2 * (310 / 3) ** 2)
    half = 1.959963984540054 * math.sqrt(var)
    assert r.estimate == pytest.approx(ratio * 100)
    assert r.ci_low == pytest.approx((ratio - half) * 100)
    assert r.ci_high == pytest.approx((ratio + half) * 100)
    assert r.n_units == 3
    assert pooled_ratio([1.0], [10.0]).reason_key == "effectif_insuffisant"
    assert pooled_ratio([1.0, -1], [10.0, 10]).reason_key == "valeur_invalide"
    assert pooled_ratio([0.0, 0], [0.0, 0]).reason_key == "denominateur_nul"
