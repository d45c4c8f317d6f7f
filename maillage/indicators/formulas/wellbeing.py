"""Survey-based well-being scores: WHO-5 and COPSOQ III scales.

WHO-5 Well-Being Index (WHO Regional Office for Europe, 1998; Topp, Østergaard, Søndergaard &
Bech, « The WHO-5 Well-Being Index: A Systematic Review of the Literature », *Psychotherapy and
Psychosomatics* 84(3):167–176, 2015, doi:10.1159/000376585). Five items answered on a 0–5 scale
(« à aucun moment » = 0 … « tout le temps » = 5); the raw score (0–25) is multiplied by 4 to give
a percentage score (0–100). Topp et al. report the usual cut-offs: a score ≤ 50 indicates poor
well-being and is an indication for screening for depression, a score ≤ 28 indicates likely
depression. The report shows *shares of respondents* at or below these thresholds, never an
individual's score, and the ≤ 28 share is a screening figure, not a prevalence of depression.
No imputation is defined for WHO-5: a questionnaire with a missing item gets no score.

COPSOQ III (Burr et al., « The Third Version of the Copenhagen Psychosocial Questionnaire »,
*Safety and Health at Work* 10(4):482–503, 2019, doi:10.1016/j.shaw.2019.10.002; COPSOQ
International Network, *COPSOQ III — Guidelines and questionnaire*, https://www.copsoq-network.org/).
Each item's answer is scored from 0 to 100 in equal steps by response position (five options:
100, 75, 50, 25, 0); a scale score is the mean of the scale's answered items, computed only when
the respondent answered at least half of the scale's items.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from maillage.indicators.formulas.base import (
    Formula,
    Issue,
    Result,
    Status,
    Unit,
    invalid,
    issue,
    not_computable,
    register,
)

__all__ = [
    "COPSOQ_SCALE",
    "WHO5_DEPRESSION_SCREENING_THRESHOLD",
    "WHO5_POOR_WELLBEING_THRESHOLD",
    "WHO5_SCORE",
    "WHO5_SUMMARY",
    "CopsoqItem",
    "Who5Summary",
    "copsoq_item_score",
    "copsoq_scale_score",
    "who5_score",
    "who5_summary",
]

WHO5_POOR_WELLBEING_THRESHOLD = 50.0
WHO5_DEPRESSION_SCREENING_THRESHOLD = 28.0
WHO5_ITEMS = 5

_TOPP = (
    "Topp C.W., Østergaard S.D., Søndergaard S., Bech P., « The WHO-5 Well-Being Index: A "
    "Systematic Review of the Literature », Psychother. Psychosom. 84(3):167-176, 2015"
)

WHO5_SCORE = register(
    Formula(
        id="who5_score",
        version=1,
        title="Score de bien-être WHO-5 (0–100)",
        definition="somme des 5 items (0–5 chacun, score brut 0–25) × 4 ; aucun item manquant",
        source="OMS Europe, WHO-5 Well-Being Index (1998) ; " + _TOPP,
        url="https://doi.org/10.1159/000376585",
    )
)
WHO5_SUMMARY = register(
    Formula(
        id="who5_synthese",
        version=1,
        title="WHO-5 : moyenne et parts sous les seuils",
        definition=(
            "moyenne des scores 0–100 ; part (%) des répondants ≤ 50 (bien-être dégradé, "
            "indication de dépistage) et ≤ 28 (dépression probable, seuil de dépistage)"
        ),
        source=_TOPP,
        url="https://doi.org/10.1159/000376585",
    )
)
COPSOQ_SCALE = register(
    Formula(
        id="copsoq3_echelle",
        version=1,
        title="Score d'échelle COPSOQ III (0–100)",
        definition=(
            "items notés 0–100 à pas égaux selon la position de la réponse ; score = moyenne "
            "des items renseignés si au moins la moitié des items de l'échelle est renseignée"
        ),
        source=(
            "Burr H. et al., « The Third Version of the Copenhagen Psychosocial Questionnaire », "
            "Saf. Health Work 10(4):482-503, 2019 ; COPSOQ International Network, COPSOQ III "
            "Guidelines and questionnaire"
        ),
        url="https://doi.org/10.1016/j.shaw.2019.10.002",
    )
)


def who5_score(items: Sequence[int | None]) -> Result:
    """WHO-5 percentage score: (sum of the five 0–5 items) × 4, in 0–100."""
    issues: list[Issue] = []
    if len(items) != WHO5_ITEMS:
        return invalid(
            WHO5_SCORE,
            Unit.SCORE_0_100,
            [issue("nombre_items", "who5", expected=WHO5_ITEMS, value=len(items))],
        )
    for i, v in enumerate(items):
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 5:
            issues.append(issue("hors_bornes", f"who5[{i + 1}]", low=0, high=5, value=v))
    if issues:
        return invalid(WHO5_SCORE, Unit.SCORE_0_100, issues)
    missing = sum(v is None for v in items)
    if missing:
        return not_computable(
            WHO5_SCORE, Unit.SCORE_0_100, [issue("items_manquants", "who5", missing=missing)]
        )
    raw = sum(v for v in items if v is not None)
    return Result(
        formula=WHO5_SCORE,
        status=Status.OK,
        value=raw * 4.0,
        unit=Unit.SCORE_0_100,
        details={"score_brut": raw},
    )


@dataclass(frozen=True)
class Who5Summary:
    """Mean score and shares (in %) at or below the two thresholds, for ``n`` respondents."""

    formula: Formula
    status: Status
    n: int = 0
    mean: float | None = None
    share_at_or_below_50: float | None = None
    share_at_or_below_28: float | None = None
    count_at_or_below_50: int = 0
    count_at_or_below_28: int = 0
    issues: tuple[Issue, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status is Status.OK


def who5_summary(scores: Sequence[float]) -> Who5Summary:
    """Summarise 0–100 WHO-5 scores (use :func:`who5_score` first; skip non-computed ones).

    The secrecy rule on respondents (at least five per published cell) is applied by
    :mod:`maillage.indicators.disclosure`, not here.
    """
    issues: list[Issue] = []
    for i, s in enumerate(scores):
        if (
            not isinstance(s, int | float)
            or not math.isfinite(s)
            or not 0 <= s <= 100
            or s % 4 != 0
        ):
            issues.append(issue("hors_bornes", f"scores[{i}]", low=0, high=100, value=s))
    if issues:
        return Who5Summary(WHO5_SUMMARY, Status.INVALID, issues=tuple(issues))
    n = len(scores)
    if n == 0:
        return Who5Summary(WHO5_SUMMARY, Status.NOT_COMPUTABLE, issues=(issue("zero", "scores"),))
    c50 = sum(s <= WHO5_POOR_WELLBEING_THRESHOLD for s in scores)
    c28 = sum(s <= WHO5_DEPRESSION_SCREENING_THRESHOLD for s in scores)
    return Who5Summary(
        WHO5_SUMMARY,
        Status.OK,
        n=n,
        mean=sum(scores) / n,
        share_at_or_below_50=c50 / n * 100,
        share_at_or_below_28=c28 / n * 100,
        count_at_or_below_50=c50,
        count_at_or_below_28=c28,
    )


# --- COPSOQ III ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CopsoqItem:
    """One answer to a COPSOQ item.

    ``position`` is the 0-based index of the chosen option in the order printed in the
    questionnaire, ``None`` when unanswered. COPSOQ prints options from the highest-scored to the
    lowest (« Toujours » … « Jamais/presque jamais », « Dans une très large mesure » … « Dans
    une très faible mesure »), so by default the first option scores 100 and the last 0; items
    scored the other way round in the guidelines are marked ``reversed=True``.
    """

    position: int | None
    n_options: int = 5
    reversed: bool = False


def copsoq_item_score(item: CopsoqItem) -> float | None:
    """0–100 score of one answered item (equal steps), ``None`` if unanswered.

    Raises ``ValueError`` for a position outside the options (a data error caught earlier by
    :func:`copsoq_scale_score`, which reports it as an issue).
    """
    if item.position is None:
        return None
    if item.n_options < 2 or not 0 <= item.position < item.n_options:
        raise ValueError("position outside the response options")
    step = 100.0 / (item.n_options - 1)
    score = 100.0 - item.position * step
    return 100.0 - score if item.reversed else score


def copsoq_scale_score(items: Sequence[CopsoqItem], *, scale: str = "echelle") -> Result:
    """Mean of the answered items' scores if at least half of the scale's items are answered."""
    issues: list[Issue] = []
    for i, it in enumerate(items):
        if it.position is None:
            continue
        if (
            isinstance(it.position, bool)
            or not isinstance(it.position, int)
            or it.n_options < 2
            or not 0 <= it.position < it.n_options
        ):
            issues.append(
                issue(
                    "hors_bornes",
                    f"{scale}[{i}]",
                    low=0,
                    high=max(it.n_options - 1, 0),
                    value=it.position,
                )
            )
    if not items:
        return not_computable(COPSOQ_SCALE, Unit.SCORE_0_100, [issue("zero", scale)])
    if issues:
        return invalid(COPSOQ_SCALE, Unit.SCORE_0_100, issues)
    scores = [s for s in (copsoq_item_score(it) for it in items) if s is not None]
    if 2 * len(scores) < len(items):
        return not_computable(
            COPSOQ_SCALE,
            Unit.SCORE_0_100,
            [issue("items_insuffisants", scale, answered=len(scores), total=len(items))],
        )
    return Result(
        formula=COPSOQ_SCALE,
        status=Status.OK,
        value=sum(scores) / len(scores),
        unit=Unit.SCORE_0_100,
        details={"items_renseignes": len(scores), "items": len(items)},
    )
