"""Work-accident rates: French frequency and severity rates, and the 200,000-hour rate.

Two families of rates coexist and must never be mixed:

French rates (INRS, Assurance Maladie – Risques professionnels, used in every French safety
report and in the sector statistics of the Assurance Maladie):

* *taux de fréquence* (TF) = accidents du travail **avec arrêt** × 1 000 000 ÷ heures travaillées;
* *taux de gravité* (TG) = journées perdues par incapacité temporaire × 1 000 ÷ heures travaillées.

The 200,000-hour rate of the US OSHA recordkeeping rule (29 CFR 1904; 200,000 h = 100 full-time
workers × 40 h × 50 weeks), taken up by GRI 403-9 and the EFRAG voluntary SME standard (VSME) as
the *rate of recordable work-related accidents*: **recordable** accidents (a wider notion than
"with stoppage": medical treatment beyond first aid, restricted work…) × 200,000 ÷ hours worked.

The numerators differ and the bases differ by a factor of five, so the same cooperative's TF and
VSME rate are not comparable numbers. Each rate is therefore its own result type carrying its base
(:attr:`WorkAccidentRate.base_hours`), result types compare unequal across kinds, and
:func:`pool_rates` refuses (``TypeError``) a list mixing kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Status,
    Unit,
    check_count,
    check_number,
    issue,
    register,
)

__all__ = [
    "FREQUENCY_RATE",
    "RECORDABLE_RATE_200K",
    "SEVERITY_RATE",
    "FrequencyRate",
    "RecordableIncidentRate200k",
    "SeverityRate",
    "WorkAccidentRate",
    "frequency_rate",
    "pool_rates",
    "recordable_incident_rate_200k",
    "severity_rate",
]

FREQUENCY_RATE = register(
    Formula(
        id="taux_frequence_at",
        version=1,
        title="Taux de fréquence des accidents du travail (TF)",
        definition="accidents du travail avec arrêt × 1 000 000 ÷ heures travaillées",
        source="INRS ; Assurance Maladie – Risques professionnels (statistiques AT/MP)",
        url="https://www.inrs.fr/",
    )
)
SEVERITY_RATE = register(
    Formula(
        id="taux_gravite_at",
        version=1,
        title="Taux de gravité des accidents du travail (TG)",
        definition=("journées perdues par incapacité temporaire × 1 000 ÷ heures travaillées"),
        source="INRS ; Assurance Maladie – Risques professionnels (statistiques AT/MP)",
        url="https://www.inrs.fr/",
    )
)
RECORDABLE_RATE_200K = register(
    Formula(
        id="taux_accidents_enregistrables_200k",
        version=1,
        title="Taux d'accidents du travail enregistrables pour 200 000 heures (VSME / OSHA)",
        definition="accidents du travail enregistrables × 200 000 ÷ heures travaillées",
        source=(
            "OSHA 29 CFR 1904 (incidence rate, base 200 000 h) ; GRI 403-9 ; EFRAG VSME "
            "(taux d'accidents du travail enregistrables)"
        ),
        url="https://www.osha.gov/recordkeeping",
    )
)


@dataclass(frozen=True)
class WorkAccidentRate(Result):
    """A rate per hours worked; subclasses fix the base and never compare equal to each other."""

    BASE_HOURS: ClassVar[int] = 0

    @property
    def base_hours(self) -> int:
        return self.BASE_HOURS


@dataclass(frozen=True)
class FrequencyRate(WorkAccidentRate):
    """French TF: accidents with stoppage per 1,000,000 hours worked."""

    BASE_HOURS: ClassVar[int] = 1_000_000


@dataclass(frozen=True)
class SeverityRate(WorkAccidentRate):
    """French TG: days lost per 1,000 hours worked."""

    BASE_HOURS: ClassVar[int] = 1_000


@dataclass(frozen=True)
class RecordableIncidentRate200k(WorkAccidentRate):
    """VSME/OSHA-style rate: recordable accidents per 200,000 hours worked."""

    BASE_HOURS: ClassVar[int] = 200_000


R = TypeVar("R", bound=WorkAccidentRate)


def _rate(
    cls: type[R],
    formula: Formula,
    unit: Unit,
    events_field: str,
    events: float,
    hours: float,
    *,
    whole_numbers: bool,
) -> R:
    issues: list[Issue] = []
    if whole_numbers:
        check_count(issues, events_field, events)
    else:
        check_number(issues, events_field, events)
    check_number(issues, "heures_travaillees", hours)
    if issues:
        return cls(
            formula=formula, status=Status.INVALID, value=None, unit=unit, issues=tuple(issues)
        )
    if hours == 0:
        return cls(
            formula=formula,
            status=Status.NOT_COMPUTABLE,
            value=None,
            unit=unit,
            issues=(issue("zero", "heures_travaillees"),),
            numerator=float(events),
            denominator=0.0,
        )
    return cls(
        formula=formula,
        status=Status.OK,
        value=events * cls.BASE_HOURS / hours,
        unit=unit,
        numerator=float(events),
        denominator=float(hours),
    )


def frequency_rate(*, accidents_with_stoppage: int, hours_worked: float) -> FrequencyRate:
    """TF = accidents with at least one day of stoppage × 1,000,000 ÷ hours worked."""
    return _rate(
        FrequencyRate,
        FREQUENCY_RATE,
        Unit.PER_MILLION_HOURS,
        "accidents_avec_arret",
        accidents_with_stoppage,
        hours_worked,
        whole_numbers=True,
    )


def severity_rate(*, days_lost: float, hours_worked: float) -> SeverityRate:
    """TG = days lost through temporary incapacity × 1,000 ÷ hours worked."""
    return _rate(
        SeverityRate,
        SEVERITY_RATE,
        Unit.PER_THOUSAND_HOURS,
        "journees_perdues",
        days_lost,
        hours_worked,
        whole_numbers=True,
    )


def recordable_incident_rate_200k(
    *, recordable_accidents: int, hours_worked: float
) -> RecordableIncidentRate200k:
    """Recordable work-related accidents × 200,000 ÷ hours worked (VSME / GRI 403-9 / OSHA)."""
    return _rate(
        RecordableIncidentRate200k,
        RECORDABLE_RATE_200K,
        Unit.PER_200K_HOURS,
        "accidents_enregistrables",
        recordable_accidents,
        hours_worked,
        whole_numbers=True,
    )


def pool_rates(rates: Sequence[R]) -> R:
    """Pool rates of one kind over several cooperatives: Σ events × base ÷ Σ hours.

    Raises ``TypeError`` when the list mixes kinds (a TF with a 200,000-hour rate, say) and
    ``ValueError`` when it is empty. If any input is not OK, the pooled rate is not computed and
    carries the inputs' issues.
    """
    if not rates:
        raise ValueError("nothing to pool")
    cls = type(rates[0])
    for r in rates:
        if type(r) is not cls:
            raise TypeError(
                f"cannot pool {type(r).__name__} with {cls.__name__}: different bases "
                f"({r.BASE_HOURS} vs {cls.BASE_HOURS} hours) or numerators"
            )
    first = rates[0]
    bad = [i for r in rates if not r.ok for i in r.issues]
    if bad:
        return cls(
            formula=first.formula,
            status=Status.INVALID
            if any(r.status is Status.INVALID for r in rates)
            else Status.NOT_COMPUTABLE,
            value=None,
            unit=first.unit,
            issues=tuple(bad),
        )
    events = sum(r.numerator or 0.0 for r in rates)
    hours = sum(r.denominator or 0.0 for r in rates)
    return _rate(cls, first.formula, first.unit, "evenements", events, hours, whole_numbers=False)
