"""Associations between democratic practice and work outcomes, and pooled rates with intervals.

The annual report asked for by the congress relates democratic practice in cooperatives (share of
employee-associates, AG participation…) to work outcomes (absenteeism, turnover, WHO-5). With
observational data from self-selected cooperatives, such figures describe an **association, not
a cause**: every result here carries :data:`CAVEAT_KEY` / :data:`CAVEAT` for the report to print
next to it, and ``causal = False``. Correlations are between *cooperatives* (one point per
cooperative): they say nothing about individual employees (ecological fallacy, Robinson 1950).

Methods

* Pearson's r with a confidence interval by Fisher's z transformation (Fisher 1921):
  z = atanh(r), standard error 1/√(n − 3), interval tanh(z ± z₁₋α/₂ · se); p-value from
  ``scipy.stats.pearsonr``.
* Spearman's ρ (rank correlation) with a percentile bootstrap interval (Efron & Tibshirani,
  *An Introduction to the Bootstrap*, 1993, ch. 13) over resampled cooperatives, with a fixed
  seed so that a report is reproducible; resamples where one variable is constant are dropped
  and counted.
* OLS slope of y on x with its 95 % interval from Student's t with n − 2 degrees of freedom
  (``scipy.stats.linregress`` for the estimate and its standard error).
* Proportions pooled over respondents: Wilson score interval (Wilson 1927; recommended by
  Brown, Cai & DasGupta, *Statistical Science* 16(2), 2001).
* Event rates per hours worked (work accidents per million hours): exact Poisson interval of
  Garwood (1936) through the chi-square distribution, or the normal approximation on request.
* Ratios of hours pooled over cooperatives (absence hours ÷ theoretical hours): ratio estimator
  Σy/Σx with the linearised (Taylor) variance treating cooperatives as clusters (Cochran,
  *Sampling Techniques*, 3rd ed., 1977, §6.4); a normal interval. Absence hours are not
  independent events, so a Poisson interval on hours would be far too narrow.

Each function refuses to compute below a minimum number of cooperatives (``min_n``, 10 by
default for correlations and slopes): with fewer points the interval spans almost everything, a
single cooperative drives the estimate, and a scatter of so few points risks identifying them.
A refusal is a result with ``computed = False`` and a French reason, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy import stats

__all__ = [
    "CAVEAT",
    "CAVEAT_KEY",
    "DEFAULT_SEED",
    "MIN_N_ASSOCIATION",
    "AssociationResult",
    "IntervalEstimate",
    "ols_slope",
    "pearson",
    "poisson_rate",
    "pooled_ratio",
    "spearman",
    "wilson_proportion",
]

CAVEAT_KEY: Final = "association_pas_causalite"
CAVEAT: Final = (
    "Association, pas causalité : ce chiffre décrit un lien observé entre coopératives, pas "
    "l'effet de la démocratie sur le travail ; d'autres différences entre coopératives (secteur, "
    "taille, âge…) peuvent l'expliquer, et il ne dit rien des personnes prises une à une."
)
MIN_N_ASSOCIATION: Final = 10
DEFAULT_SEED: Final = 20_240_601
DEFAULT_RESAMPLES: Final = 4000

REFUSALS: Final = {
    "effectif_insuffisant": (
        "Calcul refusé : {n} observation(s) complète(s) pour un minimum de {min_n}. En dessous, "
        "l'intervalle de confiance couvre presque tout, une seule coopérative peut faire le "
        "résultat, et un nuage de si peu de points risque de les rendre identifiables."
    ),
    "variance_nulle": (
        "Calcul refusé : « {field} » prend la même valeur pour toutes les observations ; aucune "
        "association ne peut être mesurée."
    ),
    "longueurs_differentes": ("Calcul refusé : x et y n'ont pas la même longueur ({nx} et {ny})."),
    "denominateur_nul": "Calcul refusé : « {field} » vaut zéro.",
    "valeur_invalide": "Calcul refusé : « {field} » contient une valeur négative ou non finie.",
    "comptes_incoherents": (
        "Calcul refusé : les succès ({successes}) dépassent les essais ({trials})."
    ),
}


@dataclass(frozen=True)
class AssociationResult:
    """A correlation or a slope with its interval, or the reason it was not computed."""

    method: str
    computed: bool
    n: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float = 0.95
    p_value: float | None = None
    standard_error: float | None = None
    intercept: float | None = None
    dropped: int = 0
    bootstrap_used: int | None = None
    reason_key: str = ""
    reason: str = ""
    caveat_key: str = CAVEAT_KEY
    caveat: str = CAVEAT
    causal: bool = False


@dataclass(frozen=True)
class IntervalEstimate:
    """A pooled proportion, rate or ratio with its interval, or the reason it was not computed."""

    method: str
    computed: bool
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    confidence: float = 0.95
    numerator: float | None = None
    denominator: float | None = None
    n_units: int | None = None
    reason_key: str = ""
    reason: str = ""
    caveat_key: str = CAVEAT_KEY
    caveat: str = CAVEAT
    causal: bool = False


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError("confidence must be in (0, 1)")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _refuse(
    method: str, key: str, n: int = 0, dropped: int = 0, **params: object
) -> AssociationResult:
    return AssociationResult(
        method=method,
        computed=False,
        n=n,
        dropped=dropped,
        reason_key=key,
        reason=REFUSALS[key].format(n=n, **params),
    )


def _prepare(
    method: str, x: Sequence[float | None], y: Sequence[float | None], min_n: int
) -> tuple[np.ndarray, np.ndarray, int] | AssociationResult:
    if min_n < 3:
        raise ValueError("min_n must be at least 3")
    if len(x) != len(y):
        return _refuse(method, "longueurs_differentes", nx=len(x), ny=len(y))
    keep = [
        (float(a), float(b))
        for a, b in zip(x, y, strict=True)
        if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)
    ]
    xs = np.array([a for a, _ in keep], dtype=float)
    ys = np.array([b for _, b in keep], dtype=float)
    dropped = len(x) - len(keep)
    n = len(xs)
    if n < min_n:
        return _refuse(method, "effectif_insuffisant", n=n, dropped=dropped, min_n=min_n)
    for name, arr in (("x", xs), ("y", ys)):
        if np.ptp(arr) == 0:
            return _refuse(method, "variance_nulle", n=n, dropped=dropped, field=name)
    return xs, ys, dropped


def pearson(
    x: Sequence[float | None],
    y: Sequence[float | None],
    *,
    confidence: float = 0.95,
    min_n: int = MIN_N_ASSOCIATION,
) -> AssociationResult:
    """Pearson's r, Fisher-z interval, two-sided p-value. Incomplete pairs are dropped."""
    prepared = _prepare("pearson", x, y, min_n)
    if isinstance(prepared, AssociationResult):
        return prepared
    xs, ys, dropped = prepared
    n = len(xs)
    res = stats.pearsonr(xs, ys)
    r = float(res.statistic)
    z_crit = _z(confidence)
    if abs(r) >= 1.0:
        low = high = r
    else:
        z = math.atanh(r)
        se = 1.0 / math.sqrt(n - 3)
        low, high = math.tanh(z - z_crit * se), math.tanh(z + z_crit * se)
    return AssociationResult(
        method="pearson",
        computed=True,
        n=n,
        estimate=r,
        ci_low=low,
        ci_high=high,
        confidence=confidence,
        p_value=float(res.pvalue),
        dropped=dropped,
    )


def _rowwise_spearman(xb: np.ndarray, yb: np.ndarray) -> np.ndarray:
    rx = stats.rankdata(xb, axis=1)
    ry = stats.rankdata(yb, axis=1)
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    num = (rx * ry).sum(axis=1)
    den = np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def spearman(
    x: Sequence[float | None],
    y: Sequence[float | None],
    *,
    confidence: float = 0.95,
    min_n: int = MIN_N_ASSOCIATION,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> AssociationResult:
    """Spearman's ρ with a percentile bootstrap interval (fixed ``seed``, reproducible)."""
    prepared = _prepare("spearman", x, y, min_n)
    if isinstance(prepared, AssociationResult):
        return prepared
    xs, ys, dropped = prepared
    n = len(xs)
    res = stats.spearmanr(xs, ys)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_resamples, n))
    boot = _rowwise_spearman(xs[idx], ys[idx])
    boot = boot[~np.isnan(boot)]
    alpha = 1 - confidence
    low, high = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    return AssociationResult(
        method="spearman",
        computed=True,
        n=n,
        estimate=float(res.statistic),
        ci_low=float(low),
        ci_high=float(high),
        confidence=confidence,
        p_value=float(res.pvalue),
        dropped=dropped,
        bootstrap_used=int(boot.size),
    )


def ols_slope(
    x: Sequence[float | None],
    y: Sequence[float | None],
    *,
    confidence: float = 0.95,
    min_n: int = MIN_N_ASSOCIATION,
) -> AssociationResult:
    """Least-squares slope of y on x with a Student-t interval (n − 2 degrees of freedom)."""
    prepared = _prepare("ols", x, y, min_n)
    if isinstance(prepared, AssociationResult):
        return prepared
    xs, ys, dropped = prepared
    n = len(xs)
    res = stats.linregress(xs, ys)
    t_crit = float(stats.t.ppf(0.5 + confidence / 2, n - 2))
    slope, se = float(res.slope), float(res.stderr)
    return AssociationResult(
        method="ols",
        computed=True,
        n=n,
        estimate=slope,
        ci_low=slope - t_crit * se,
        ci_high=slope + t_crit * se,
        confidence=confidence,
        p_value=float(res.pvalue),
        standard_error=se,
        intercept=float(res.intercept),
        dropped=dropped,
    )


# --- pooled figures with intervals ---------------------------------------------------------------


def _refuse_interval(method: str, key: str, **params: object) -> IntervalEstimate:
    return IntervalEstimate(
        method=method, computed=False, reason_key=key, reason=REFUSALS[key].format(**params)
    )


def wilson_proportion(successes: int, trials: int, *, confidence: float = 0.95) -> IntervalEstimate:
    """Proportion ``successes / trials`` with the Wilson score interval (as a fraction 0–1).

    For example the share of respondents with a WHO-5 score ≤ 50 pooled over cooperatives.
    """
    if successes < 0 or trials < 0:
        return _refuse_interval("wilson", "valeur_invalide", field="succes/essais")
    if trials == 0:
        return _refuse_interval("wilson", "denominateur_nul", field="essais")
    if successes > trials:
        return _refuse_interval("wilson", "comptes_incoherents", successes=successes, trials=trials)
    z = _z(confidence)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return IntervalEstimate(
        method="wilson",
        computed=True,
        estimate=p,
        ci_low=max(0.0, centre - half),
        ci_high=min(1.0, centre + half),
        confidence=confidence,
        numerator=successes,
        denominator=trials,
    )


def poisson_rate(
    events: int,
    hours: float,
    *,
    per_hours: float = 1_000_000,
    confidence: float = 0.95,
    method: str = "exact",
) -> IntervalEstimate:
    """Events per ``per_hours`` hours with an exact (Garwood) or normal-approximation interval.

    Exact: lower = χ²(α/2; 2k)/2, upper = χ²(1 − α/2; 2k + 2)/2, divided by the exposure; the
    normal approximation is k ± z√k. Pooled work-accident frequency rates use the default base.
    """
    if events < 0 or not math.isfinite(hours) or hours < 0:
        return _refuse_interval(f"poisson_{method}", "valeur_invalide", field="evenements/heures")
    if hours == 0:
        return _refuse_interval(f"poisson_{method}", "denominateur_nul", field="heures")
    alpha = 1 - confidence
    scale = per_hours / hours
    if method == "exact":
        low = 0.0 if events == 0 else float(stats.chi2.ppf(alpha / 2, 2 * events)) / 2
        high = float(stats.chi2.ppf(1 - alpha / 2, 2 * events + 2)) / 2
    elif method == "normal":
        z = _z(confidence)
        low, high = max(0.0, events - z * math.sqrt(events)), events + z * math.sqrt(events)
    else:
        raise ValueError("method is 'exact' or 'normal'")
    return IntervalEstimate(
        method=f"poisson_{method}",
        computed=True,
        estimate=events * scale,
        ci_low=low * scale,
        ci_high=high * scale,
        confidence=confidence,
        numerator=events,
        denominator=hours,
    )


def pooled_ratio(
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    scale: float = 100.0,
    confidence: float = 0.95,
    min_n: int = 2,
) -> IntervalEstimate:
    """Σ numerators ÷ Σ denominators × ``scale``, interval from the linearised cluster variance.

    One pair per cooperative (e.g. health-absence hours and theoretical hours). Variance of the
    ratio R = Σy/Σx: Σ(yᵢ − R·xᵢ)² / (n(n − 1) x̄²) (Cochran 1977, eq. 6.9, without the finite
    population correction: the cooperatives are treated as a sample of possible cooperatives).
    """
    if len(numerators) != len(denominators):
        return _refuse_interval(
            "ratio", "longueurs_differentes", nx=len(numerators), ny=len(denominators)
        )
    ys = np.asarray(numerators, dtype=float)
    xs = np.asarray(denominators, dtype=float)
    if (
        not (np.all(np.isfinite(ys)) and np.all(np.isfinite(xs)))
        or (ys < 0).any()
        or (xs < 0).any()
    ):
        return _refuse_interval("ratio", "valeur_invalide", field="numerateurs/denominateurs")
    n = len(xs)
    if n < min_n:
        return _refuse_interval("ratio", "effectif_insuffisant", n=n, min_n=min_n)
    if xs.sum() == 0:
        return _refuse_interval("ratio", "denominateur_nul", field="denominateurs")
    ratio = float(ys.sum() / xs.sum())
    var = float(((ys - ratio * xs) ** 2).sum() / (n * (n - 1) * xs.mean() ** 2))
    half = _z(confidence) * math.sqrt(var)
    return IntervalEstimate(
        method="ratio_linearise",
        computed=True,
        estimate=ratio * scale,
        ci_low=max(0.0, ratio - half) * scale,
        ci_high=(ratio + half) * scale,
        confidence=confidence,
        numerator=float(ys.sum()),
        denominator=float(xs.sum()),
        n_units=n,
    )
