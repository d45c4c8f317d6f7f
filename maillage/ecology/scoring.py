"""Scoring an ecological assessment against a grid: points per criterion, per topic, floors.

Each criterion gives points from what the cooperative enters:

* ``measured``: a figure with its unit; points when it is provided (measuring is the first
  step), or by steps when the criterion has thresholds (e.g. the renewable share);
* ``trajectory``: the figure of the baseline year and of the assessed year; points by the
  reduction in % (a rise, or a missing baseline, gives none and says why);
* ``practice``: in place or not.

A criterion that asks for evidence gives its points only with a document attached. A topic
*meets its floor* when its points reach the floor of the context (creation or review); the
assessment passes when every topic does, whatever the total — so that a strong topic cannot
hide a neglected one. Pure function, versioned with the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext

from .grid import Criterion, Grid

SCORING_VERSION = "1"


def _(message: str) -> str:
    """Translate when Django is set up; the module also runs bare (tests, benchmarks)."""
    if apps.ready and settings.configured:
        return gettext(message)
    return message


@dataclass(frozen=True)
class Entry:
    """What was entered for one criterion."""

    value: Decimal | None = None
    baseline_value: Decimal | None = None
    done: bool = False
    has_evidence: bool = False


@dataclass(frozen=True)
class CriterionScore:
    code: str
    label: str
    points: int
    max_points: int
    status: str  # scored | partial | missing | evidence_missing | not_applicable
    why: str
    reduction_pct: float | None = None


@dataclass(frozen=True)
class TopicScore:
    code: str
    label: str
    points: int
    max_points: int
    floor: int
    criteria: tuple[CriterionScore, ...]

    @property
    def meets_floor(self) -> bool:
        return self.points >= self.floor


@dataclass(frozen=True)
class Score:
    grid_version: str
    context: str
    topics: tuple[TopicScore, ...]
    scoring_version: str = SCORING_VERSION
    missing: tuple[str, ...] = field(default=())

    @property
    def points(self) -> int:
        return sum(t.points for t in self.topics)

    @property
    def max_points(self) -> int:
        return sum(t.max_points for t in self.topics)

    @property
    def passes(self) -> bool:
        return all(t.meets_floor for t in self.topics)

    @property
    def topics_below_floor(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.topics if not t.meets_floor)

    def as_dict(self) -> dict:
        return {
            "grid_version": self.grid_version,
            "scoring_version": self.scoring_version,
            "context": self.context,
            "points": self.points,
            "max_points": self.max_points,
            "passes": self.passes,
            "topics": [
                {
                    "code": t.code,
                    "label": t.label,
                    "points": t.points,
                    "max_points": t.max_points,
                    "floor": t.floor,
                    "meets_floor": t.meets_floor,
                    "criteria": [c.__dict__ for c in t.criteria],
                }
                for t in self.topics
            ],
        }


def _by_steps(criterion: Criterion, measure: float) -> int:
    points = 0
    for threshold, step_points in criterion.steps:
        if measure >= threshold:
            points = step_points
    return points


def _fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def score_criterion(criterion: Criterion, entry: Entry) -> CriterionScore:
    """Points for one criterion, with the reason in French."""
    top = criterion.max_points

    def result(points: int, status: str, why: str, reduction: float | None = None):
        return CriterionScore(criterion.code, criterion.label, points, top, status, why, reduction)

    if criterion.kind == "practice":
        if not entry.done:
            return result(0, "missing", _("Pratique non déclarée."))
        points = criterion.points
        why = _("Pratique en place.")
    elif criterion.kind == "measured":
        if entry.value is None:
            return result(0, "missing", _("Mesure non renseignée."))
        if entry.value < 0:
            return result(0, "missing", _("Une mesure ne peut pas être négative."))
        if criterion.steps:
            measure = float(entry.value)
            points = _by_steps(criterion, measure)
            why = _("{value} {unit} : {points} point(s) sur {top}.").format(
                value=_fmt(measure), unit=criterion.unit, points=points, top=top
            )
        else:
            points = criterion.points
            why = _("Mesure renseignée.")
    else:  # trajectory
        if entry.baseline_value is None or entry.value is None:
            return result(
                0,
                "missing",
                _("Il faut la valeur de l'année de référence et celle de l'année évaluée."),
            )
        if entry.baseline_value <= 0:
            return result(
                0,
                "missing",
                _("La valeur de référence doit être positive pour mesurer une baisse."),
            )
        reduction = float((entry.baseline_value - entry.value) / entry.baseline_value * 100)
        points = _by_steps(criterion, reduction)
        if reduction < 0:
            # xgettext:no-python-format
            why = _("Hausse de {pct} % depuis l'année de référence : aucun point.").format(
                pct=_fmt(-reduction)
            )
        else:
            why = _(
                # xgettext:no-python-format
                "Baisse de {pct} % depuis l'année de référence : {points} point(s) sur {top}."
            ).format(pct=_fmt(reduction), points=points, top=top)
        if criterion.evidence and not entry.has_evidence and points:
            return result(
                0,
                "evidence_missing",
                why + " " + _("Joignez un justificatif pour valider les points."),
                reduction,
            )
        return result(points, "scored" if points == top else "partial", why, reduction)
    if criterion.evidence and not entry.has_evidence and points:
        return result(
            0, "evidence_missing", why + " " + _("Joignez un justificatif pour valider les points.")
        )
    return result(points, "scored" if points == top else "partial", why)


def score(grid: Grid, context: str, entries: dict[str, Entry]) -> Score:
    """Score an assessment (``entries`` by criterion code) in a context: creation or review."""
    if context not in ("creation", "review"):
        raise ValueError(f"unknown context {context!r}")
    topics = []
    missing: list[str] = []
    for topic in grid.topics:
        scores = []
        for criterion in topic.applicable(context):
            s = score_criterion(criterion, entries.get(criterion.code, Entry()))
            if s.status in ("missing", "evidence_missing"):
                missing.append(criterion.label)
            scores.append(s)
        topics.append(
            TopicScore(
                code=topic.code,
                label=topic.label,
                points=sum(s.points for s in scores),
                max_points=topic.max_points(context),
                floor=topic.floor.get(context, 0),
                criteria=tuple(scores),
            )
        )
    return Score(grid.version, context, tuple(topics), missing=tuple(missing))
