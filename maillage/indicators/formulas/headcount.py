"""Average headcount, in persons and in full-time equivalents (ETP).

The average headcount is the denominator of most per-employee rates (turnover, stoppages per
employee). It is the mean of the headcounts observed each month of the period, the definition of
the *effectif salarié annuel* in the Code de la sécurité sociale, art. L130-1 (« moyenne du
nombre de personnes employées au cours de chacun des mois de l'année civile précédente »), whose
implementing article R130-1 adds that months without any employee are left out of the mean. That
exclusion suits legal thresholds but not exposure-based rates (a cooperative created in July with
ten employees was exposed for five employee-years, not ten), so it is an option here, off by
default.

Full-time equivalents follow the Code du travail, art. L1111-2: part-time employees count for
their contractual hours divided by the legal or collectively agreed full-time duration.
"""

from __future__ import annotations

from collections.abc import Sequence

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Status,
    Unit,
    check_number,
    invalid,
    issue,
    not_computable,
    register,
)

__all__ = [
    "AVERAGE_FTE",
    "AVERAGE_HEADCOUNT",
    "average_fte",
    "average_headcount",
    "month_fte",
]

_CSS = "https://www.legifrance.gouv.fr/codes/id/LEGITEXT000006073189"
_CT = "https://www.legifrance.gouv.fr/codes/id/LEGITEXT000006072050"

AVERAGE_HEADCOUNT = register(
    Formula(
        id="effectif_moyen",
        version=1,
        title="Effectif moyen (personnes physiques)",
        definition=(
            "Moyenne des effectifs salariés relevés chaque mois de la période ; option : mois "
            "sans salarié exclus (variante R130-1)."
        ),
        source="Code de la sécurité sociale, art. L130-1 et R130-1",
        url=_CSS,
    )
)

AVERAGE_FTE = register(
    Formula(
        id="effectif_moyen_etp",
        version=1,
        title="Effectif moyen en équivalents temps plein (ETP)",
        definition=(
            "Moyenne des ETP mensuels ; ETP d'un mois = somme, par salarié, de min(1, horaire "
            "contractuel / durée de travail à temps plein)."
        ),
        source="Code du travail, art. L1111-2 ; Code de la sécurité sociale, art. L130-1",
        url=_CT,
    )
)


def _monthly_mean(
    formula: Formula,
    unit: Unit,
    monthly: Sequence[float | None],
    field: str,
    exclude_months_without_employees: bool,
) -> Result:
    issues: list[Issue] = []
    if not 1 <= len(monthly) <= 12:
        return invalid(formula, unit, [issue("nombre_de_mois", field, value=len(monthly))])
    missing = [i + 1 for i, v in enumerate(monthly) if v is None]
    for i, v in enumerate(monthly):
        if v is not None:
            check_number(issues, f"{field}[{i + 1}]", v)
    if issues:
        return invalid(formula, unit, issues)
    if missing:
        return not_computable(
            formula,
            unit,
            [issue("mois_manquants", field, months=", ".join(str(m) for m in missing))],
        )
    values = [float(v) for v in monthly if v is not None]
    if exclude_months_without_employees:
        values = [v for v in values if v > 0]
        if not values:
            return not_computable(formula, unit, [issue("aucun_mois_avec_salarie", field)])
    return Result(
        formula=formula,
        status=Status.OK,
        value=sum(values) / len(values),
        unit=unit,
        numerator=sum(values),
        denominator=float(len(values)),
        details={"mois_retenus": len(values)},
    )


def average_headcount(
    monthly_headcounts: Sequence[float | None],
    *,
    exclude_months_without_employees: bool = False,
) -> Result:
    """Mean of the monthly headcounts (persons) of the period (CSS art. L130-1).

    ``monthly_headcounts`` has one entry per month of the period (1 to 12), ``None`` for a month
    whose headcount is unknown (the result is then NOT_COMPUTABLE and names the months). With
    ``exclude_months_without_employees`` months with zero employees are left out (CSS R130-1).
    """
    return _monthly_mean(
        AVERAGE_HEADCOUNT,
        Unit.HEADCOUNT,
        monthly_headcounts,
        "effectifs_mensuels",
        exclude_months_without_employees,
    )


def month_fte(contract_hours: Sequence[float], full_time_hours: float = 35.0) -> float:
    """FTE of one month: Σ min(1, contractual weekly hours ÷ full-time weekly hours).

    Code du travail art. L1111-2: part-time employees count pro rata of their contractual hours
    over the legal (35 h) or collectively agreed duration; an employee on a full-time or longer
    contract counts for one. Raises ``ValueError`` on negative hours or a non-positive reference
    (a programming error here: this helper feeds :func:`average_fte`).
    """
    if not full_time_hours > 0:
        raise ValueError("full_time_hours must be positive")
    if any(h < 0 for h in contract_hours):
        raise ValueError("contract hours must be non-negative")
    return sum(min(1.0, h / full_time_hours) for h in contract_hours)


def average_fte(
    monthly_fte: Sequence[float | None],
    *,
    exclude_months_without_employees: bool = False,
) -> Result:
    """Mean of the monthly full-time equivalents (see :func:`month_fte`)."""
    return _monthly_mean(
        AVERAGE_FTE, Unit.FTE, monthly_fte, "etp_mensuels", exclude_months_without_employees
    )
