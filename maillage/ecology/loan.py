"""The eco-conditional loan simulator: a rate reduction earned by an ecological result.

A loan names one indicator, its baseline, the target and how the result will be verified. At
the check, the share of the way from baseline to target that was covered (0 to 100 %, whichever
direction the indicator goes) earns the reduction of the highest step it reaches; the
verification method scales it (a self-declaration earns less than a verified result); the rate
never goes below the grid's floor. Repayments are constant monthly instalments (annuity).

The grid (steps, floor, verification shares) is data: ``data/loan-grid-<version>.json`` by
default, replaced by the one the union sets in the administration. Pure module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext

DATA = Path(__file__).resolve().parent / "data"


def _(message: str) -> str:
    """Translate when Django is set up; the module also runs bare (tests, benchmarks)."""
    if apps.ready and settings.configured:
        return gettext(message)
    return message


class LoanInputError(ValueError):
    """Inputs the simulator refuses; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Verification:
    code: str
    label: str
    share: float  # share of the reduction granted with this verification


@dataclass(frozen=True)
class RateGrid:
    version: str
    title: str
    status: str
    floor_rate_pct: float
    steps: tuple[tuple[float, float], ...]  # (achievement %, reduction in rate points)
    verifications: tuple[Verification, ...]

    def verification(self, code: str) -> Verification:
        for v in self.verifications:
            if v.code == code:
                return v
        raise LoanInputError(
            "verification", _("Mode de vérification inconnu : « {code} ».").format(code=code)
        )


def rate_grid_parse(raw: dict, source: str = "grid") -> RateGrid:
    steps = tuple((float(a), float(r)) for a, r in raw["steps"])
    if list(steps) != sorted(steps):
        raise ValueError(f"{source}: steps must ascend")
    if any(not 0 < a <= 100 or r < 0 for a, r in steps):
        raise ValueError(f"{source}: achievement in ]0, 100] and reductions ≥ 0")
    verifications = tuple(
        Verification(code, v["label"], float(v["share"]))
        for code, v in raw["verifications"].items()
    )
    if any(not 0 <= v.share <= 1 for v in verifications):
        raise ValueError(f"{source}: verification shares in [0, 1]")
    return RateGrid(
        version=str(raw["version"]),
        title=raw["title"],
        status=raw.get("status", ""),
        floor_rate_pct=float(raw.get("floor_rate_pct", 0)),
        steps=steps,
        verifications=verifications,
    )


def rate_grid_default() -> RateGrid:
    path = sorted(DATA.glob("loan-grid-*.json"))[-1]
    return rate_grid_parse(json.loads(path.read_text(encoding="utf-8")), path.name)


@dataclass(frozen=True)
class LoanInput:
    principal: float
    months: int
    base_rate_pct: float
    indicator: str
    baseline: float
    target: float
    verification: str
    achieved: float | None = None  # the result to simulate; the target when None


@dataclass(frozen=True)
class Repayment:
    rate_pct: float
    monthly: float
    total_interest: float


@dataclass(frozen=True)
class Simulation:
    achievement_pct: float
    step_reduction_pct: float
    reduction_pct: float
    verification: Verification
    base: Repayment
    reduced: Repayment

    @property
    def savings(self) -> float:
        return self.base.total_interest - self.reduced.total_interest


def repayment(principal: float, months: int, rate_pct: float) -> Repayment:
    """Constant monthly instalment of an annuity loan, and the interest paid over its life."""
    r = rate_pct / 100 / 12
    monthly = principal / months if r == 0 else principal * r / (1 - (1 + r) ** -months)
    return Repayment(rate_pct, monthly, monthly * months - principal)


def achievement(baseline: float, target: float, achieved: float) -> float:
    """Share (0–100 %) of the way from baseline to target covered by the achieved value."""
    span = target - baseline
    return max(0.0, min(100.0, (achieved - baseline) / span * 100))


def simulate(data: LoanInput, grid: RateGrid) -> Simulation:
    if data.principal <= 0:
        raise LoanInputError("principal", _("Le montant du prêt doit être positif."))
    if not 1 <= data.months <= 360:
        raise LoanInputError("months", _("La durée va de 1 à 360 mois."))
    if not 0 <= data.base_rate_pct <= 25:
        raise LoanInputError("base_rate_pct", _("Le taux de base va de 0 à 25 %."))
    if data.target == data.baseline:
        raise LoanInputError("target", _("La cible doit différer de la valeur de référence."))
    verification = grid.verification(data.verification)
    achieved = data.target if data.achieved is None else data.achieved
    share = achievement(data.baseline, data.target, achieved)
    step = 0.0
    for threshold, reduction in grid.steps:
        if share >= threshold - 1e-9:
            step = reduction
    reduction = step * verification.share
    rate = max(grid.floor_rate_pct, data.base_rate_pct - reduction)
    rate = min(rate, data.base_rate_pct)  # a floor above the base rate never raises it
    return Simulation(
        achievement_pct=share,
        step_reduction_pct=step,
        reduction_pct=data.base_rate_pct - rate,
        verification=verification,
        base=repayment(data.principal, data.months, data.base_rate_pct),
        reduced=repayment(data.principal, data.months, rate),
    )
