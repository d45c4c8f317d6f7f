"""The anonymous employee survey: questionnaire definition, answer checking, results.

Pure (no Django): the questionnaire is the data file ``data/survey_v1.json``; answers are plain
``{item key: option position}`` mappings; results are computed per cooperative and shown only
when the secrecy rules of :mod:`maillage.indicators.disclosure` allow it (at least
``SecrecyRules.min_respondents`` respondents, five by default).

Instruments have a status:

``disponible``
    a validated instrument in its official French wording, cited; asked and scored with its
    formula (WHO-5: :func:`wellbeing.who5_score`);
``indisponible``
    a validated instrument whose official French wording could not be verified: never shown to
    respondents, and the page says so (the data file carries a TODO saying what to copy, from
    where). Maillage does not translate validated instruments itself;
``non_valide``
    questions written by Maillage, shown with the mention « non validées », reported as answer
    distributions only (no score).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any, Final

from maillage.indicators.disclosure import CellInput, SecrecyRules, TableKind, primary_reasons
from maillage.indicators.formulas import wellbeing

__all__ = [
    "Instrument",
    "InstrumentStatus",
    "Item",
    "Questionnaire",
    "SurveyResults",
    "check_answers",
    "load_questionnaire",
    "results",
]

QUESTIONNAIRE_VERSION: Final = "1"


class InstrumentStatus(StrEnum):
    AVAILABLE = "disponible"
    UNAVAILABLE = "indisponible"
    NOT_VALIDATED = "non_valide"


@dataclass(frozen=True)
class Item:
    key: str
    text: str


@dataclass(frozen=True)
class Instrument:
    """A block of questions sharing response options and a scoring rule."""

    key: str
    title: str
    status: InstrumentStatus
    validated: bool
    source: str
    scoring: str
    items: tuple[Item, ...]
    options: tuple[str, ...]
    prompt: str = ""
    unavailable_reason: str = ""
    todo: str = ""

    @property
    def asked(self) -> bool:
        """Shown to respondents: available, or our own questions marked as not validated."""
        return self.status is not InstrumentStatus.UNAVAILABLE and bool(self.items)


@dataclass(frozen=True)
class Questionnaire:
    version: str
    title: str
    instruments: tuple[Instrument, ...]
    notes: tuple[str, ...] = ()

    @property
    def asked(self) -> tuple[Instrument, ...]:
        return tuple(i for i in self.instruments if i.asked)

    @property
    def unavailable(self) -> tuple[Instrument, ...]:
        return tuple(i for i in self.instruments if not i.asked)

    def item_keys(self) -> list[str]:
        return [item.key for inst in self.asked for item in inst.items]


def questionnaire_from_dict(data: Mapping[str, Any]) -> Questionnaire:
    """Build a questionnaire from its JSON shape; an available instrument must have texts."""
    instruments = []
    for raw in data["instruments"]:
        status = InstrumentStatus(raw["status"])
        items = tuple(Item(i["key"], i["text"] or "") for i in raw["items"])
        if status is InstrumentStatus.AVAILABLE and any(not i.text for i in items):
            raise ValueError(f"instrument {raw['key']}: available but an item has no text")
        if status is not InstrumentStatus.UNAVAILABLE and items and not raw["options"]:
            raise ValueError(f"instrument {raw['key']}: no response options")
        instruments.append(
            Instrument(
                key=raw["key"],
                title=raw["title"],
                status=status,
                validated=bool(raw["validated"]),
                source=raw["source"],
                scoring=raw.get("scoring", ""),
                items=items,
                options=tuple(raw["options"]),
                prompt=raw.get("prompt", ""),
                unavailable_reason=raw.get("unavailable_reason", ""),
                todo=raw.get("todo", ""),
            )
        )
    return Questionnaire(
        version=str(data["version"]),
        title=data["title"],
        instruments=tuple(instruments),
        notes=tuple(data.get("notes", ())),
    )


def load_questionnaire(version: str = QUESTIONNAIRE_VERSION) -> Questionnaire:
    text = (
        resources.files("maillage.indicators")
        .joinpath("data", f"survey_v{version}.json")
        .read_text(encoding="utf-8")
    )
    return questionnaire_from_dict(json.loads(text))


def check_answers(
    questionnaire: Questionnaire, raw: Mapping[str, Any]
) -> tuple[dict[str, int], list[str]]:
    """Keep the answered items as option positions; return them and the French errors.

    Every item may be left unanswered (an empty answer is no answer). A position outside the
    options, or an unknown item, is an error (a tampered form).
    """
    answers: dict[str, int] = {}
    errors: list[str] = []
    for inst in questionnaire.asked:
        for item in inst.items:
            value = raw.get(item.key)
            if value in (None, ""):
                continue
            try:
                position = int(value)
            except (TypeError, ValueError):
                errors.append(f"Réponse illisible pour « {item.text} ».")
                continue
            if not 0 <= position < len(inst.options):
                errors.append(f"Réponse hors des choix proposés pour « {item.text} ».")
                continue
            answers[item.key] = position
    return answers, errors


@dataclass(frozen=True)
class ItemDistribution:
    item: Item
    counts: tuple[int, ...]
    answered: int

    @property
    def shares(self) -> tuple[float, ...]:
        if not self.answered:
            return tuple(0.0 for _ in self.counts)
        return tuple(c / self.answered * 100 for c in self.counts)


@dataclass(frozen=True)
class SurveyResults:
    """Results of one cooperative's survey, or why they are hidden."""

    respondents: int
    published: bool
    hidden_reason: str = ""
    distributions: Mapping[str, tuple[ItemDistribution, ...]] = field(default_factory=dict)
    who5: wellbeing.Who5Summary | None = None


def results(
    questionnaire: Questionnaire,
    answers: Sequence[Mapping[str, int]],
    *,
    cooperative: Hashable,
    rules: SecrecyRules | None = None,
) -> SurveyResults:
    """Distributions (and the WHO-5 summary once the instrument is available) for one
    cooperative, if enough people answered.

    The cell is one cooperative shown to its own members and union, so the frequency rule
    (several cooperatives per cell) does not apply: it is set to one contributor, and the
    respondents rule decides.
    """
    base = rules or SecrecyRules()
    cell_rules = SecrecyRules(
        min_contributors=1,
        dominance_share=base.dominance_share,
        min_respondents=base.min_respondents,
        protection_ratio=base.protection_ratio,
    )
    n = len(answers)
    # The cooperative is listed even with no respondent, so that the cell is never "empty"
    # (empty cells are published as zero by the secrecy rules).
    cell = CellInput(contributions=((cooperative, float(n)),), respondents=n)
    reasons = primary_reasons(cell, TableKind.SURVEY, cell_rules)
    if reasons:
        return SurveyResults(
            respondents=n,
            published=False,
            hidden_reason=" ".join(cell_rules.message(r) for r in reasons),
        )
    distributions: dict[str, tuple[ItemDistribution, ...]] = {}
    who5_summary = None
    for inst in questionnaire.asked:
        dists = []
        for item in inst.items:
            counts = [0] * len(inst.options)
            for a in answers:
                if item.key in a:
                    counts[a[item.key]] += 1
            dists.append(ItemDistribution(item, tuple(counts), sum(counts)))
        distributions[inst.key] = tuple(dists)
        if inst.key == "who5" and inst.status is InstrumentStatus.AVAILABLE:
            # Options are printed from « Tout le temps » (5) to « Jamais » (0).
            scores = []
            for a in answers:
                raw = [
                    (len(inst.options) - 1 - a[i.key]) if i.key in a else None for i in inst.items
                ]
                score = wellbeing.who5_score(raw)
                if score.ok and score.value is not None:
                    scores.append(score.value)
            who5_summary = wellbeing.who5_summary(scores)
    return SurveyResults(
        respondents=n, published=True, distributions=distributions, who5=who5_summary
    )
