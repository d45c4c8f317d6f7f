"""Absenteeism: absence rates by scope, stoppages per employee, stoppage duration bands.

All absence rates share one shape (ANACT's usual definition of an absenteeism rate): hours of
absence of the scope ÷ *theoretical hours worked* (the hours the employees should have worked
under their contracts over the period, after removing paid leave, RTT and public holidays) × 100.
Hours rather than days so that part-time work weighs correctly.

What counts as absence is a convention, and published barometers differ. Maillage fixes three
scopes, each a frozen set of :class:`AbsenceCategory` and a formula version:

``taux_absence_sante`` (v1) — health absence
    Sickness stoppages of every length + work accidents + commuting accidents + occupational
    diseases. This is the scope of the French absenteeism barometers built on sick-leave data
    (Ayming's *Baromètre de l'absentéisme*, which excludes maternity/paternity leave) and of
    DARES's « absences pour raison de santé ».
``taux_absence_compressible`` (v1) — "compressible" absence, **Maillage convention v1**
    The absences on which the organisation of work has a short-term lever, after ANACT's
    definition of absenteeism as absence « qui aurait pu être évitée par une prévention
    suffisamment précoce des facteurs de dégradation des conditions de travail (…) organisation
    du travail, qualité de la relation d'emploi, conciliation des temps » : sickness stoppages of
    less than 3 days and of 3 to 90 days, unjustified absences, unplanned absences for family
    reasons (sick child…). Long sickness (> 90 days), work accidents and occupational diseases
    are left out: the first is dominated by illness itself, the other two have their own
    indicators (frequency and severity rates). Other conventions exist (some consultancies,
    quoting DARES, count ordinary sickness + work and commuting accidents + occupational diseases
    + unjustified absences): pass ``categories=`` to compute them, and state it in the report.
``taux_absence_toutes_causes`` (v1) — all absences
    Every :class:`AbsenceCategory`, maternity/paternity included. Absences by right that are
    planned working-time arrangements (paid leave, RTT, training, staff-representative hours) are
    not absences here: they are already out of the theoretical hours.

Stoppage duration bands (< 3 days, 3–90 days, > 90 days) count stoppages by their length in
calendar days, first day included.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Status,
    Unit,
    check_count,
    check_number,
    invalid,
    issue,
    ratio_result,
    register,
)

__all__ = [
    "ALL_ABSENCE",
    "ALL_ABSENCE_RATE",
    "COMPRESSIBLE_ABSENCE_RATE",
    "COMPRESSIBLE_V1",
    "HEALTH_ABSENCE",
    "HEALTH_ABSENCE_RATE",
    "STOPPAGES_PER_EMPLOYEE",
    "STOPPAGE_DURATION_BANDS",
    "AbsenceCategory",
    "DurationBand",
    "DurationBands",
    "absence_rate",
    "all_absence_rate",
    "compressible_absence_rate",
    "duration_band",
    "health_absence_rate",
    "stoppage_duration_bands",
    "stoppages_per_employee",
]

ANACT_URL = "https://www.anact.fr/"


class AbsenceCategory(StrEnum):
    """Kinds of absence hours a cooperative reports (sickness split by stoppage length)."""

    MALADIE_COURTE = "maladie_courte"  # sickness stoppage < 3 days
    MALADIE_MOYENNE = "maladie_moyenne"  # 3 to 90 days
    MALADIE_LONGUE = "maladie_longue"  # > 90 days
    ACCIDENT_TRAVAIL = "accident_travail"
    ACCIDENT_TRAJET = "accident_trajet"
    MALADIE_PROFESSIONNELLE = "maladie_professionnelle"
    ABSENCE_INJUSTIFIEE = "absence_injustifiee"
    RAISON_FAMILIALE = "raison_familiale"  # sick child, unplanned family absences
    MATERNITE_PATERNITE = "maternite_paternite"  # maternity, paternity, adoption
    AUTRE = "autre"  # other unplanned absences (unpaid authorised absence…)


C = AbsenceCategory
HEALTH_ABSENCE: Final = frozenset(
    {
        C.MALADIE_COURTE,
        C.MALADIE_MOYENNE,
        C.MALADIE_LONGUE,
        C.ACCIDENT_TRAVAIL,
        C.ACCIDENT_TRAJET,
        C.MALADIE_PROFESSIONNELLE,
    }
)
COMPRESSIBLE_V1: Final = frozenset(
    {C.MALADIE_COURTE, C.MALADIE_MOYENNE, C.ABSENCE_INJUSTIFIEE, C.RAISON_FAMILIALE}
)
ALL_ABSENCE: Final = frozenset(AbsenceCategory)

HEALTH_ABSENCE_RATE = register(
    Formula(
        id="taux_absence_sante",
        version=1,
        title="Taux d'absentéisme pour raison de santé",
        definition=(
            "(heures d'arrêt maladie toutes durées + accidents du travail + accidents de trajet "
            "+ maladies professionnelles) ÷ heures théoriques travaillées × 100"
        ),
        source=(
            "ANACT (taux = heures d'absence ÷ heures théoriques) ; périmètre des baromètres de "
            "l'absentéisme Ayming (hors maternité/paternité) et des « absences pour raison de "
            "santé » de la DARES"
        ),
        url=ANACT_URL,
    )
)
COMPRESSIBLE_ABSENCE_RATE = register(
    Formula(
        id="taux_absence_compressible",
        version=1,
        title="Taux d'absentéisme compressible (convention Maillage v1)",
        definition=(
            "(heures d'arrêt maladie de moins de 3 jours et de 3 à 90 jours + absences "
            "injustifiées + absences non planifiées pour raison familiale) ÷ heures théoriques "
            "travaillées × 100"
        ),
        source=(
            "Convention Maillage v1, fondée sur la définition de l'absentéisme de l'ANACT "
            "(absences évitables par la prévention et l'organisation du travail)"
        ),
        url=ANACT_URL,
    )
)
ALL_ABSENCE_RATE = register(
    Formula(
        id="taux_absence_toutes_causes",
        version=1,
        title="Taux d'absence toutes causes",
        definition=(
            "toutes les heures d'absence déclarées (santé, injustifiées, familiales, "
            "maternité/paternité, autres) ÷ heures théoriques travaillées × 100 ; congés payés, "
            "RTT, formation et délégation exclus car hors heures théoriques"
        ),
        source="ANACT (taux = heures d'absence ÷ heures théoriques) ; périmètre Maillage v1",
        url=ANACT_URL,
    )
)


def absence_rate(
    formula: Formula,
    absence_hours: Mapping[AbsenceCategory, float],
    theoretical_hours: float,
    categories: Iterable[AbsenceCategory],
) -> Result:
    """Hours of absence in ``categories`` ÷ ``theoretical_hours`` × 100, with validation.

    Every category reported is checked (non-negative, finite), and the sum of *all* reported
    absence hours may not exceed the theoretical hours, whatever the scope being computed.
    """
    issues: list[Issue] = []
    scope = frozenset(categories)
    for category, hours in absence_hours.items():
        if not isinstance(category, AbsenceCategory):
            raise TypeError(f"unknown absence category {category!r}")
        check_number(issues, f"heures_absence.{category.value}", hours)
    check_number(issues, "heures_theoriques", theoretical_hours)
    if issues:
        return invalid(formula, Unit.PERCENT, issues)
    total_all = float(sum(absence_hours.values()))
    if total_all > theoretical_hours:
        return invalid(
            formula,
            Unit.PERCENT,
            [
                issue(
                    "absences_superieures_heures_theoriques",
                    "heures_absence",
                    value=total_all,
                    whole=float(theoretical_hours),
                )
            ],
        )
    hours = float(sum(h for c, h in absence_hours.items() if c in scope))
    return ratio_result(
        formula,
        Unit.PERCENT,
        hours,
        float(theoretical_hours),
        scale=100.0,
        denominator_field="heures_theoriques",
        details={"categories": tuple(sorted(c.value for c in scope))},
    )


def health_absence_rate(
    absence_hours: Mapping[AbsenceCategory, float], theoretical_hours: float
) -> Result:
    """Health absence rate, ``taux_absence_sante`` v1 (see the module docstring)."""
    return absence_rate(HEALTH_ABSENCE_RATE, absence_hours, theoretical_hours, HEALTH_ABSENCE)


def compressible_absence_rate(
    absence_hours: Mapping[AbsenceCategory, float],
    theoretical_hours: float,
    *,
    categories: Iterable[AbsenceCategory] = COMPRESSIBLE_V1,
) -> Result:
    """Compressible absence rate, Maillage convention v1 unless ``categories`` says otherwise.

    With another set of categories the result carries a formula whose id ends in ``_personnalise``
    and whose definition lists the categories, so that it is never mistaken for v1.
    """
    scope = frozenset(categories)
    formula = COMPRESSIBLE_ABSENCE_RATE
    if scope != COMPRESSIBLE_V1:
        formula = Formula(
            id="taux_absence_compressible_personnalise",
            version=1,
            title="Taux d'absentéisme compressible (périmètre personnalisé)",
            definition="heures d'absence de : "
            + ", ".join(sorted(c.value for c in scope))
            + " ÷ heures théoriques travaillées × 100",
            source="Périmètre choisi par l'utilisateur ; à citer dans le rapport",
        )
    return absence_rate(formula, absence_hours, theoretical_hours, scope)


def all_absence_rate(
    absence_hours: Mapping[AbsenceCategory, float], theoretical_hours: float
) -> Result:
    """All-causes absence rate, ``taux_absence_toutes_causes`` v1."""
    return absence_rate(ALL_ABSENCE_RATE, absence_hours, theoretical_hours, ALL_ABSENCE)


# --- stoppages -----------------------------------------------------------------------------------

STOPPAGES_PER_EMPLOYEE = register(
    Formula(
        id="arrets_par_salarie",
        version=1,
        title="Nombre d'arrêts de travail par salarié",
        definition="nombre d'arrêts de travail commencés dans la période ÷ effectif moyen",
        source="Indicateur usuel des baromètres de l'absentéisme (fréquence des arrêts)",
    )
)

STOPPAGE_DURATION_BANDS = register(
    Formula(
        id="arrets_par_duree",
        version=1,
        title="Répartition des arrêts par durée",
        definition=(
            "arrêts courts (< 3 jours), moyens (3 à 90 jours), longs (> 90 jours) ; durée en "
            "jours calendaires, premier jour compris ; parts en % du nombre d'arrêts"
        ),
        source="Tranches fixées par Maillage (issue « Indicateurs ») ; durées calendaires",
    )
)


def stoppages_per_employee(stoppages: int, average_headcount: float) -> Result:
    """Number of stoppages that began in the period ÷ average headcount."""
    issues: list[Issue] = []
    check_count(issues, "nombre_arrets", stoppages)
    check_number(issues, "effectif_moyen", average_headcount)
    if issues:
        return invalid(STOPPAGES_PER_EMPLOYEE, Unit.PER_EMPLOYEE, issues)
    return ratio_result(
        STOPPAGES_PER_EMPLOYEE,
        Unit.PER_EMPLOYEE,
        float(stoppages),
        float(average_headcount),
        scale=1.0,
        denominator_field="effectif_moyen",
    )


class DurationBand(StrEnum):
    COURT = "moins_de_3_jours"
    MOYEN = "3_a_90_jours"
    LONG = "plus_de_90_jours"


def duration_band(days: int) -> DurationBand:
    """Band of a stoppage lasting ``days`` calendar days (≥ 1): < 3, 3–90, > 90."""
    if days < 1:
        raise ValueError("a stoppage lasts at least one day")
    if days < 3:
        return DurationBand.COURT
    if days <= 90:
        return DurationBand.MOYEN
    return DurationBand.LONG


@dataclass(frozen=True)
class DurationBands:
    """Counts and shares (in %) of stoppages per duration band."""

    formula: Formula
    status: Status
    counts: Mapping[DurationBand, int] = field(default_factory=dict)
    shares: Mapping[DurationBand, float] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def reason(self) -> str:
        return self.issues[0].message if self.issues else ""


def stoppage_duration_bands(durations_days: Sequence[int]) -> DurationBands:
    """Split stoppages by length (calendar days, first day included) into the three bands."""
    issues: list[Issue] = []
    for i, d in enumerate(durations_days):
        name = f"durees_arrets[{i}]"
        if not check_count(issues, name, d):
            continue
        if d < 1:
            issues.append(issue("hors_bornes", name, low=1, high="∞", value=d))
    if issues:
        return DurationBands(STOPPAGE_DURATION_BANDS, Status.INVALID, issues=tuple(issues))
    if not durations_days:
        return DurationBands(
            STOPPAGE_DURATION_BANDS, Status.NOT_COMPUTABLE, issues=(issue("zero", "durees_arrets"),)
        )
    counts = dict.fromkeys(DurationBand, 0)
    for d in durations_days:
        counts[duration_band(int(d))] += 1
    n = len(durations_days)
    shares = {band: c / n * 100.0 for band, c in counts.items()}
    assert math.isclose(sum(shares.values()), 100.0)
    return DurationBands(STOPPAGE_DURATION_BANDS, Status.OK, counts=counts, shares=shares)
