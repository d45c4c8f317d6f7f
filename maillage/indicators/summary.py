"""Indicators computed from one form's values through the pure formulas.

Pure: fed a catalogue, the stored document and the campaign year, returns :class:`Line` s, one
per indicator, each keeping the formula's result (``formula.ref``, status, value, unit, issues).
When an input is blank the line says which one (« ne peut pas être calculé : « … » est
manquant »); when the formula refuses, its own reason is given. Nothing is rounded here: the
template formats for the French locale.

The annual report does not pool these per-form rates (a mean of rates would weigh a cooperative
of 3 like one of 300): :mod:`maillage.indicators.report.measures` takes the same formulas'
numerators and denominators from each validated form and pools their sums.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, Final

from maillage.indicators.catalogue import Catalogue
from maillage.indicators.formulas import (
    absenteeism,
    emissions,
    governance,
    headcount,
    safety,
    turnover,
)
from maillage.indicators.formulas.base import Issue, Result, Status, Unit, issue
from maillage.indicators.validation import (
    absence_hours,
    as_number,
    average_headcount_value,
    exits_by_reason,
    fuel_activities,
)

__all__ = ["FAMILIES", "Line", "compute"]

FAMILIES: Final[tuple[tuple[str, str], ...]] = (
    ("travail", "Effectifs, absences et arrêts"),
    ("mouvements", "Mouvements de personnel"),
    ("securite", "Accidents du travail"),
    ("gouvernance", "Gouvernance coopérative"),
    ("ecologie", "Émissions de gaz à effet de serre"),
)


@dataclass(frozen=True)
class Line:
    """One indicator of the summary: its family, the formula's result, and extra parts (the
    stoppage duration bands) when the formula returns more than one figure."""

    family: str
    title: str
    result: Result | None
    status: Status
    value: float | None
    unit: str
    ref: str
    reason: str = ""
    parts: tuple[tuple[str, float], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def _line(family: str, result: Result) -> Line:
    return Line(
        family=family,
        title=result.formula.title,
        result=result,
        status=result.status,
        value=result.value,
        unit=str(result.unit),
        ref=result.formula.ref,
        reason="" if result.ok else _reason(result.issues),
    )


def _reason(issues: Sequence[Issue]) -> str:
    return " ".join(i.message for i in issues)


def _missing(family: str, title: str, ref: str, unit: Unit, labels: Sequence[str]) -> Line:
    reason = " ".join(issue("manquant", label).message for label in labels)
    return Line(family, title, None, Status.NOT_COMPUTABLE, None, str(unit), ref, reason)


class _Inputs:
    """Reads numbers from the document and remembers which labels were missing."""

    def __init__(self, catalogue: Catalogue, values: Mapping[str, Any]) -> None:
        self.catalogue = catalogue
        self.values = values

    def missing(self, *keys: str) -> list[str]:
        return [self.catalogue.label(k) for k in keys if as_number(self.values.get(k)) is None]

    def num(self, key: str) -> float:
        value = as_number(self.values.get(key))
        assert value is not None
        return value

    def int(self, key: str) -> int:
        return int(self.num(key))

    def money(self, key: str) -> Decimal:
        return Decimal(str(self.values[key]))


def _guard(
    family: str,
    formula_title: str,
    ref: str,
    unit: Unit,
    missing: list[str],
    compute: Callable[[], Result],
) -> Line:
    if missing:
        return _missing(family, formula_title, ref, unit, missing)
    return _line(family, compute())


def compute(
    catalogue: Catalogue,
    values: Mapping[str, Any],
    *,
    year: int,
    factor_table: emissions.FactorTable | None = None,
) -> list[Line]:
    """Every indicator the summary page shows, in :data:`FAMILIES` order."""
    x = _Inputs(catalogue, values)
    lines: list[Line] = []
    monthly_keys = [f"effectif_mois_{i:02d}" for i in range(1, 13)]
    monthly = [as_number(values.get(k)) for k in monthly_keys]
    avg_result = headcount.average_headcount(monthly)
    lines.append(_line("travail", avg_result))
    average = average_headcount_value(values)

    hours = absence_hours(values)
    absence_labels = [] if hours is not None else ["Absences par motif (heures)"]
    for formula, fn in (
        (absenteeism.HEALTH_ABSENCE_RATE, absenteeism.health_absence_rate),
        (absenteeism.COMPRESSIBLE_ABSENCE_RATE, absenteeism.compressible_absence_rate),
        (absenteeism.ALL_ABSENCE_RATE, absenteeism.all_absence_rate),
    ):
        lines.append(
            _guard(
                "travail",
                formula.title,
                formula.ref,
                Unit.PERCENT,
                absence_labels + x.missing("heures_theoriques"),
                partial(_absence_rate, fn, hours or {}, x),
            )
        )
    band_keys = ("arrets_moins_3_jours", "arrets_3_a_90_jours", "arrets_plus_90_jours")
    stoppage_missing = x.missing(*band_keys)
    stoppages = 0 if stoppage_missing else sum(x.int(k) for k in band_keys)
    lines.append(
        _guard(
            "travail",
            absenteeism.STOPPAGES_PER_EMPLOYEE.title,
            absenteeism.STOPPAGES_PER_EMPLOYEE.ref,
            Unit.PER_EMPLOYEE,
            stoppage_missing + ([] if average is not None else ["Effectifs mensuels"]),
            lambda: absenteeism.stoppages_per_employee(stoppages, average or 0.0),
        )
    )
    lines.append(_bands_line(x, band_keys, stoppage_missing))

    exits = exits_by_reason(values)
    exit_missing = [] if exits is not None else ["Sorties par motif"]
    average_missing = [] if average is not None else ["Effectifs mensuels"]
    start = as_number(values.get("effectif_debut"))
    lines.append(
        _guard(
            "mouvements",
            turnover.ROTATION_RATE.title,
            turnover.ROTATION_RATE.ref,
            Unit.PERCENT,
            x.missing("entrees") + exit_missing + average_missing,
            lambda: turnover.rotation_rate(
                entries=x.int("entrees"),
                exits=int(sum((exits or {}).values())),
                average_headcount=average or 0.0,
                headcount_start=start,
            ),
        )
    )
    lines.append(
        _guard(
            "mouvements",
            turnover.DEPARTURE_RATE_EXCL_CDD.title,
            turnover.DEPARTURE_RATE_EXCL_CDD.ref,
            Unit.PERCENT,
            exit_missing + average_missing,
            lambda: turnover.departure_rate_excluding_cdd(
                exits_by_reason=exits or {},
                average_headcount=average or 0.0,
                entries=int(as_number(values.get("entrees")) or 0) if start is not None else None,
                headcount_start=start,
            ),
        )
    )
    lines.append(
        _guard(
            "mouvements",
            turnover.RESIGNATION_RATE.title,
            turnover.RESIGNATION_RATE.ref,
            Unit.PERCENT,
            exit_missing + average_missing,
            lambda: turnover.resignation_rate(
                resignations=int((exits or {}).get(turnover.ExitReason.DEMISSION, 0)),
                average_headcount=average or 0.0,
            ),
        )
    )

    safety_rates: tuple[tuple[Any, Unit, tuple[str, str], Callable[[], Result]], ...] = (
        (
            safety.FREQUENCY_RATE,
            Unit.PER_MILLION_HOURS,
            ("accidents_avec_arret", "heures_travaillees"),
            lambda: safety.frequency_rate(
                accidents_with_stoppage=x.int("accidents_avec_arret"),
                hours_worked=x.num("heures_travaillees"),
            ),
        ),
        (
            safety.SEVERITY_RATE,
            Unit.PER_THOUSAND_HOURS,
            ("jours_perdus_at", "heures_travaillees"),
            lambda: safety.severity_rate(
                days_lost=x.int("jours_perdus_at"), hours_worked=x.num("heures_travaillees")
            ),
        ),
        (
            safety.RECORDABLE_RATE_200K,
            Unit.PER_200K_HOURS,
            ("accidents_enregistrables", "heures_travaillees"),
            lambda: safety.recordable_incident_rate_200k(
                recordable_accidents=x.int("accidents_enregistrables"),
                hours_worked=x.num("heures_travaillees"),
            ),
        ),
    )
    for rate_formula, unit, keys, rate in safety_rates:
        lines.append(
            _guard("securite", rate_formula.title, rate_formula.ref, unit, x.missing(*keys), rate)
        )

    lines += _governance_lines(x)
    lines += _emission_lines(x, values, year, factor_table or emissions.load_factor_table())
    return lines


def _absence_rate(
    fn: Callable[[Mapping[absenteeism.AbsenceCategory, float], float], Result],
    hours: Mapping[absenteeism.AbsenceCategory, float],
    x: _Inputs,
) -> Result:
    return fn(hours, x.num("heures_theoriques"))


def _women_share(x: _Inputs, body: governance.Body, women: str, total: str) -> Result:
    return governance.women_share(women=x.int(women), total=x.int(total), body=body)


def _bands_line(x: _Inputs, band_keys: Sequence[str], missing: list[str]) -> Line:
    formula = absenteeism.STOPPAGE_DURATION_BANDS
    if missing:
        return _missing("travail", formula.title, formula.ref, Unit.PERCENT, missing)
    # The formula classifies durations; the form collects counts per band, so each count is fed
    # as that many stoppages of a length inside the band (1, 3 and 91 days).
    durations = [1] * x.int(band_keys[0]) + [3] * x.int(band_keys[1]) + [91] * x.int(band_keys[2])
    bands = absenteeism.stoppage_duration_bands(durations)
    if not bands.ok:
        return Line(
            "travail",
            formula.title,
            None,
            bands.status,
            None,
            str(Unit.PERCENT),
            formula.ref,
            _reason(bands.issues),
        )
    labels = {
        absenteeism.DurationBand.COURT: "moins de 3 jours",
        absenteeism.DurationBand.MOYEN: "3 à 90 jours",
        absenteeism.DurationBand.LONG: "plus de 90 jours",
    }
    return Line(
        "travail",
        formula.title,
        None,
        Status.OK,
        None,
        str(Unit.PERCENT),
        formula.ref,
        parts=tuple((labels[b], share) for b, share in bands.shares.items()),
    )


def _governance_lines(x: _Inputs) -> list[Line]:
    g = governance
    lines = [
        _guard(
            "gouvernance",
            g.EMPLOYEE_ASSOCIATES_SHARE.title,
            g.EMPLOYEE_ASSOCIATES_SHARE.ref,
            Unit.PERCENT,
            x.missing("salaries_associes", "salaries_31_decembre"),
            lambda: g.employee_associates_share(
                employee_associates=x.int("salaries_associes"),
                employees=x.int("salaries_31_decembre"),
            ),
        ),
        _guard(
            "gouvernance",
            g.CAPITAL_HELD_BY_EMPLOYEES.title,
            g.CAPITAL_HELD_BY_EMPLOYEES.ref,
            Unit.PERCENT,
            x.missing("capital_salaries", "capital_social"),
            lambda: g.capital_held_by_employees(
                employee_capital=x.money("capital_salaries"),
                total_capital=x.money("capital_social"),
            ),
        ),
        _guard(
            "gouvernance",
            g.VOTES_HELD_BY_EMPLOYEES.title,
            g.VOTES_HELD_BY_EMPLOYEES.ref,
            Unit.PERCENT,
            x.missing("droits_vote_salaries", "droits_vote_total"),
            lambda: g.votes_held_by_employees(
                employee_votes=x.int("droits_vote_salaries"),
                total_votes=x.int("droits_vote_total"),
            ),
        ),
        _guard(
            "gouvernance",
            g.AG_PARTICIPATION.title,
            g.AG_PARTICIPATION.ref,
            Unit.PERCENT,
            x.missing("ag_presents", "ag_convoques"),
            lambda: g.ag_participation(
                present=x.int("ag_presents"),
                represented=int(as_number(x.values.get("ag_representes")) or 0),
                remote=int(as_number(x.values.get("ag_distance")) or 0),
                convened=x.int("ag_convoques"),
            ),
        ),
    ]
    for body, women, total, title in (
        (g.Body.ASSOCIES, "associes_femmes", "associes_total", "parmi les associés"),
        (
            g.Body.GOUVERNANCE,
            "gouvernance_femmes",
            "gouvernance_membres",
            "dans l'instance de gouvernance",
        ),
        (g.Body.ENCADREMENT, "encadrement_femmes", "encadrement_total", "dans l'encadrement"),
    ):
        line = _guard(
            "gouvernance",
            g.WOMEN_SHARE.title,
            g.WOMEN_SHARE.ref,
            Unit.PERCENT,
            x.missing(women, total),
            partial(_women_share, x, body, women, total),
        )
        lines.append(_retitle(line, f"Part des femmes {title}"))
    lines.append(
        _guard(
            "gouvernance",
            g.PAY_RATIO.title,
            g.PAY_RATIO.ref,
            Unit.RATIO,
            x.missing("remuneration_plus_haute", "remuneration_mediane_autres"),
            lambda: g.pay_ratio(
                highest=x.money("remuneration_plus_haute"),
                median_of_others=x.money("remuneration_mediane_autres"),
            ),
        )
    )
    return lines


def _retitle(line: Line, title: str) -> Line:
    return Line(
        line.family,
        title,
        line.result,
        line.status,
        line.value,
        line.unit,
        line.ref,
        line.reason,
        line.parts,
    )


def _emission_lines(
    x: _Inputs, values: Mapping[str, Any], year: int, table: emissions.FactorTable
) -> list[Line]:
    fuels = fuel_activities(values)
    if fuels:
        result = emissions.scope1_emissions([a for _, a in fuels], table)
        scope1 = _line("ecologie", result)
        if not result.ok:
            scope1 = _with_reason(scope1, _fuel_reason(x.catalogue, fuels, result, table))
    else:
        scope1 = _missing(
            "ecologie",
            emissions.SCOPE1.title,
            emissions.SCOPE1.ref,
            Unit.KG_CO2,
            ["Combustibles consommés"],
        )
    scope2 = _guard(
        "ecologie",
        emissions.SCOPE2_LOCATION.title,
        emissions.SCOPE2_LOCATION.ref,
        Unit.KG_CO2E,
        x.missing("electricite_kwh"),
        lambda: emissions.scope2_location_based(
            electricity=x.num("electricite_kwh"), unit="kWh", year=year, table=table
        ),
    )
    return [scope1, scope2]


def _fuel_reason(
    catalogue: Catalogue,
    fuels: Sequence[tuple[str, emissions.Activity]],
    result: Result,
    table: emissions.FactorTable,
) -> str:
    """The formula's issues, with the fuels' labels instead of ``activites[i]``."""
    messages = []
    for i in result.issues:
        index = _activity_index(i.field)
        if index is None or index >= len(fuels):
            messages.append(i.message)
            continue
        key, activity = fuels[index]
        factor = table.get(activity.factor_id)
        label = catalogue.label(key)
        if i.key == "unite_incompatible" and factor is not None:
            messages.append(
                issue(
                    i.key,
                    label,
                    unit=activity.unit,
                    factor=factor.label,
                    expected=factor.activity_unit,
                ).message
                + " Chargez un facteur dans cette unité ou convertissez la quantité."
            )
        else:
            messages.append(i.message.replace(f"activites[{index}]", label))
    return " ".join(messages)


def _activity_index(field_name: str) -> int | None:
    if not field_name.startswith("activites["):
        return None
    try:
        return int(field_name.split("[", 1)[1].split("]", 1)[0])
    except ValueError:
        return None


def _with_reason(line: Line, reason: str) -> Line:
    return Line(
        line.family,
        line.title,
        line.result,
        line.status,
        line.value,
        line.unit,
        line.ref,
        reason,
        line.parts,
    )


def headline(lines: Sequence[Line]) -> dict[str, int]:
    """How many indicators are computed, not computable and invalid (for the form's header)."""
    counts = {status.value: 0 for status in Status}
    for line in lines:
        counts[line.status.value] += 1
    return counts
