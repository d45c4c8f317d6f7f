"""Turnover: DARES rotation rate, departure rate excluding ends of fixed-term contracts,
resignation rate.

The rotation rate is DARES's *taux de rotation* of its « mouvements de main-d'œuvre »
publications: « moyenne des taux d'entrée et de sortie », each rate being the flow of the period
divided by the headcount. With the average headcount of the period as that headcount:

    rotation = ((entries + exits) / 2) ÷ average headcount × 100

Exits by reason follow the DARES/DSN classification of contract ends; the departure rate drops the
ends of fixed-term contracts (*fins de CDD*), which in small cooperatives with seasonal work
otherwise swamp every other movement; the resignation rate keeps resignations only (DARES publishes
a *taux de démission* on the same base).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Unit,
    check_count,
    check_number,
    invalid,
    issue,
    ratio_result,
    register,
)

__all__ = [
    "DEPARTURE_RATE_EXCL_CDD",
    "RESIGNATION_RATE",
    "ROTATION_RATE",
    "ExitReason",
    "departure_rate_excluding_cdd",
    "resignation_rate",
    "rotation_rate",
]

DARES_MMO = "https://dares.travail-emploi.gouv.fr/"


class ExitReason(StrEnum):
    FIN_CDD = "fin_cdd"
    DEMISSION = "demission"
    RUPTURE_CONVENTIONNELLE = "rupture_conventionnelle"
    LICENCIEMENT_ECONOMIQUE = "licenciement_economique"
    LICENCIEMENT_AUTRE = "licenciement_autre"
    FIN_PERIODE_ESSAI = "fin_periode_essai"
    RETRAITE = "retraite"
    DECES = "deces"
    AUTRE = "autre"


ROTATION_RATE = register(
    Formula(
        id="taux_rotation",
        version=1,
        title="Taux de rotation (turn-over) DARES",
        definition="((entrées + sorties) ÷ 2) ÷ effectif moyen × 100",
        source=(
            "DARES, « Les mouvements de main-d'œuvre » (taux de rotation = moyenne des taux "
            "d'entrée et de sortie)"
        ),
        url=DARES_MMO,
    )
)
DEPARTURE_RATE_EXCL_CDD = register(
    Formula(
        id="taux_depart_hors_fin_cdd",
        version=1,
        title="Taux de départ hors fins de CDD",
        definition="(sorties − sorties pour fin de CDD) ÷ effectif moyen × 100",
        source="Motifs de sortie de la DARES (mouvements de main-d'œuvre) ; périmètre Maillage v1",
        url=DARES_MMO,
    )
)
RESIGNATION_RATE = register(
    Formula(
        id="taux_demission",
        version=1,
        title="Taux de démission",
        definition="démissions ÷ effectif moyen × 100",
        source="DARES, taux de démission (mouvements de main-d'œuvre)",
        url=DARES_MMO,
    )
)


def _check_exits(
    issues: list[Issue], exits: float, entries: float | None, headcount_start: float | None
) -> None:
    if headcount_start is None or entries is None:
        return
    if exits > headcount_start + entries:
        issues.append(
            issue(
                "sorties_superieures_effectif_et_entrees",
                "sorties",
                value=exits,
                whole=headcount_start + entries,
            )
        )


def rotation_rate(
    *,
    entries: int,
    exits: int,
    average_headcount: float,
    headcount_start: float | None = None,
) -> Result:
    """DARES rotation rate. ``headcount_start``, when given, lets exits be checked against
    headcount at the start + entries (nobody can leave who was never there)."""
    issues: list[Issue] = []
    check_count(issues, "entrees", entries)
    check_count(issues, "sorties", exits)
    check_number(issues, "effectif_moyen", average_headcount)
    if headcount_start is not None:
        check_number(issues, "effectif_debut", headcount_start)
    if not issues:
        _check_exits(issues, exits, entries, headcount_start)
    if issues:
        return invalid(ROTATION_RATE, Unit.PERCENT, issues)
    return ratio_result(
        ROTATION_RATE,
        Unit.PERCENT,
        (entries + exits) / 2,
        float(average_headcount),
        scale=100.0,
        denominator_field="effectif_moyen",
        details={
            "taux_entree": entries / average_headcount * 100 if average_headcount else None,
            "taux_sortie": exits / average_headcount * 100 if average_headcount else None,
        },
    )


def _exits_total(issues: list[Issue], exits_by_reason: Mapping[ExitReason, int]) -> int:
    total = 0
    for reason, n in exits_by_reason.items():
        if not isinstance(reason, ExitReason):
            raise TypeError(f"unknown exit reason {reason!r}")
        if check_count(issues, f"sorties.{reason.value}", n):
            total += int(n)
    return total


def departure_rate_excluding_cdd(
    *,
    exits_by_reason: Mapping[ExitReason, int],
    average_headcount: float,
    entries: int | None = None,
    headcount_start: float | None = None,
) -> Result:
    """Exits other than ends of fixed-term contracts ÷ average headcount × 100."""
    issues: list[Issue] = []
    total = _exits_total(issues, exits_by_reason)
    check_number(issues, "effectif_moyen", average_headcount)
    if not issues:
        _check_exits(issues, total, entries, headcount_start)
    if issues:
        return invalid(DEPARTURE_RATE_EXCL_CDD, Unit.PERCENT, issues)
    departures = total - int(exits_by_reason.get(ExitReason.FIN_CDD, 0))
    return ratio_result(
        DEPARTURE_RATE_EXCL_CDD,
        Unit.PERCENT,
        float(departures),
        float(average_headcount),
        scale=100.0,
        denominator_field="effectif_moyen",
    )


def resignation_rate(*, resignations: int, average_headcount: float) -> Result:
    """Resignations ÷ average headcount × 100."""
    issues: list[Issue] = []
    check_count(issues, "demissions", resignations)
    check_number(issues, "effectif_moyen", average_headcount)
    if issues:
        return invalid(RESIGNATION_RATE, Unit.PERCENT, issues)
    return ratio_result(
        RESIGNATION_RATE,
        Unit.PERCENT,
        float(resignations),
        float(average_headcount),
        scale=100.0,
        denominator_field="effectif_moyen",
    )
