"""What one cooperative contributes to each pooled indicator of the report.

A pooled rate is Σ numerators ÷ Σ denominators over the cooperatives of a cell (the ratio
estimator of :func:`maillage.indicators.statistics.pooled_ratio`), not a mean of the
cooperatives' rates: a cooperative of 200 people weighs as its 200 people. Each measure below
says which numerator and denominator a cooperative brings, following the formula it pools (its
``formula`` reference, see docs/indicators.md). A cooperative whose form leaves an input blank,
or whose denominator is zero, does not contribute to that measure.

Survey measures pool the anonymous answers of the cooperative's employees: the numerator is a
sum over respondents (of WHO-5 scores, or of « d'accord » answers), the denominator the number of
respondents who answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from maillage.indicators.formulas import absenteeism, turnover, wellbeing
from maillage.indicators.survey import InstrumentStatus, Questionnaire
from maillage.indicators.validation import (
    absence_hours,
    as_number,
    average_headcount_value,
    exits_by_reason,
)

__all__ = [
    "MEASURES",
    "SIZE_BANDS",
    "Measure",
    "coop_measures",
    "load_references",
    "size_band",
]


@dataclass(frozen=True)
class Measure:
    """One pooled indicator of the report.

    ``total_only``: the figure is a sum (headcount), published without a rate or interval.
    ``democracy`` / ``outcome``: the measure is a democratic practice (x) or a work outcome (y)
    in the associations. ``survey``: pooled from the anonymous survey (respondents rule).
    """

    key: str
    title: str
    unit: str
    scale: float
    family: str
    formula: str
    survey: bool = False
    total_only: bool = False
    democracy: bool = False
    outcome: bool = False
    decimals: int = 1
    note: str = ""


FAMILY_TITLES: Final[Mapping[str, str]] = {
    "effectifs": "Effectifs",
    "gouvernance": "Pratique démocratique",
    "travail": "Absences, mouvements et accidents du travail",
    "enquete": "Enquête anonyme des salarié·es",
}

AGREE_POSITIONS: Final = (0, 1)  # « Tout à fait d'accord », « Plutôt d'accord »

MEASURES: Final[tuple[Measure, ...]] = (
    Measure(
        "effectif",
        "Effectif salarié moyen (cumul des coopératives)",
        "personnes",
        1.0,
        "effectifs",
        "effectif_moyen@v1",
        total_only=True,
        decimals=0,
    ),
    Measure(
        "associes",
        "Part des salarié·es associé·es",
        "%",
        100.0,
        "gouvernance",
        "part_salaries_associes@v1",
        democracy=True,
    ),
    Measure(
        "participation_ag",
        "Participation à l'assemblée générale",
        "%",
        100.0,
        "gouvernance",
        "participation_ag@v1",
        democracy=True,
    ),
    Measure(
        "absence_sante",
        "Taux d'absence pour raison de santé",
        "%",
        100.0,
        "travail",
        "taux_absence_sante@v1",
        outcome=True,
        decimals=2,
    ),
    Measure(
        "absence_compressible",
        "Taux d'absence compressible",
        "%",
        100.0,
        "travail",
        "taux_absence_compressible@v1",
        decimals=2,
        note="Périmètre Maillage v1 : maladie de moins de 90 jours, absences injustifiées et "
        "absences familiales non planifiées.",
    ),
    Measure(
        "rotation",
        "Taux de rotation du personnel",
        "%",
        100.0,
        "travail",
        "taux_rotation@v1",
        outcome=True,
    ),
    Measure("demission", "Taux de démission", "%", 100.0, "travail", "taux_demission@v1"),
    Measure(
        "frequence_at",
        "Taux de fréquence des accidents du travail avec arrêt",
        "par million d'heures",
        1_000_000.0,
        "travail",
        "taux_frequence_at@v1",
    ),
    Measure(
        "who5",
        "Bien-être (WHO-5), score moyen",
        "sur 100",
        1.0,
        "enquete",
        "who5_synthese@v1",
        survey=True,
        outcome=True,
    ),
)

SIZE_BANDS: Final[tuple[tuple[str, str, float], ...]] = (
    # key, label, upper bound (exclusive) of the average headcount
    ("0-9", "Moins de 10 salarié·es", 10),
    ("10-49", "10 à 49 salarié·es", 50),
    ("50-249", "50 à 249 salarié·es", 250),
    ("250+", "250 salarié·es et plus", float("inf")),
)
SIZE_UNKNOWN: Final = ("nr", "Effectif non renseigné")


def size_band(average_headcount: float | None) -> str:
    """Size band key of an average headcount (INSEE-like bands, on the year's average)."""
    if average_headcount is None:
        return SIZE_UNKNOWN[0]
    for key, _label, upper in SIZE_BANDS:
        if average_headcount < upper:
            return key
    return SIZE_BANDS[-1][0]


def survey_measures(questionnaire: Questionnaire) -> tuple[Measure, ...]:
    """The measures the questionnaire allows: WHO-5 once the instrument is available, and the
    share of « d'accord » answers to each of Maillage's own (non-validated) questions."""
    out: list[Measure] = []
    for inst in questionnaire.asked:
        if inst.status is InstrumentStatus.NOT_VALIDATED:
            out += [
                Measure(
                    f"accord_{item.key}",
                    f"« {item.text} » — part d'accord",
                    "%",
                    100.0,
                    "enquete",
                    "distribution (question Maillage non validée)",
                    survey=True,
                    note="Question écrite par Maillage, non validée : part des réponses « Tout à "
                    "fait » ou « Plutôt d'accord » parmi les réponses.",
                )
                for item in inst.items
            ]
    return tuple(out)


def _pair(num: float | None, den: float | None) -> tuple[float, float] | None:
    if num is None or den is None or den <= 0 or num < 0:
        return None
    return float(num), float(den)


def _num(values: Mapping[str, Any], key: str) -> float | None:
    return as_number(values.get(key))


def form_measures(values: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Numerator and denominator per form measure for one validated form (absent: no input)."""
    out: dict[str, tuple[float, float] | None] = {}
    average = average_headcount_value(values)
    if average is not None and average > 0:
        out["effectif"] = (average, 1.0)
    out["associes"] = _pair(_num(values, "salaries_associes"), _num(values, "salaries_31_decembre"))
    present = _num(values, "ag_presents")
    out["participation_ag"] = _pair(
        None
        if present is None
        else present + (_num(values, "ag_representes") or 0) + (_num(values, "ag_distance") or 0),
        _num(values, "ag_convoques"),
    )
    hours = absence_hours(values)
    theoretical = _num(values, "heures_theoriques")
    if hours is not None:
        out["absence_sante"] = _pair(
            sum(v for c, v in hours.items() if c in absenteeism.HEALTH_ABSENCE), theoretical
        )
        out["absence_compressible"] = _pair(
            sum(v for c, v in hours.items() if c in absenteeism.COMPRESSIBLE_V1), theoretical
        )
    exits = exits_by_reason(values)
    entries = _num(values, "entrees")
    if exits is not None and average is not None:
        if entries is not None:
            out["rotation"] = _pair((entries + sum(exits.values())) / 2, average)
        out["demission"] = _pair(float(exits.get(turnover.ExitReason.DEMISSION, 0)), average)
    out["frequence_at"] = _pair(
        _num(values, "accidents_avec_arret"), _num(values, "heures_travaillees")
    )
    return {k: v for k, v in out.items() if v is not None}


def answer_measures(
    questionnaire: Questionnaire, answers: Sequence[Mapping[str, int]]
) -> dict[str, tuple[float, float]]:
    """Survey numerators and denominators of one cooperative's answers."""
    out: dict[str, tuple[float, float]] = {}
    for inst in questionnaire.asked:
        if inst.key == "who5" and inst.status is InstrumentStatus.AVAILABLE:
            top = len(inst.options) - 1
            total, n = 0.0, 0
            for a in answers:
                raw = [(top - a[i.key]) if i.key in a else None for i in inst.items]
                score = wellbeing.who5_score(raw)
                if score.ok and score.value is not None:
                    total += score.value
                    n += 1
            if n:
                out["who5"] = (total, float(n))
        elif inst.status is InstrumentStatus.NOT_VALIDATED:
            for item in inst.items:
                agree = answered = 0
                for a in answers:
                    position = a.get(item.key)
                    if position is not None:
                        answered += 1
                        agree += position in AGREE_POSITIONS
                if answered:
                    out[f"accord_{item.key}"] = (float(agree), float(answered))
    return out


def coop_measures(
    values: Mapping[str, Any],
    answers: Sequence[Mapping[str, int]],
    questionnaire: Questionnaire,
) -> dict[str, tuple[float, float]]:
    """Every measure one cooperative contributes: its form's and its survey's."""
    return form_measures(values) | answer_measures(questionnaire, answers)


def load_references() -> dict[str, Any]:
    """The national reference values shipped in ``data/national_references.json``."""
    text = (
        resources.files("maillage.indicators")
        .joinpath("data", "national_references.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    for ref in data["references"]:
        for key in ("id", "indicator", "value", "unit", "year", "comparable", "label", "source"):
            if key not in ref:
                raise ValueError(f"référence nationale {ref.get('id')!r} : « {key} » manque")
    return data
