"""Shared vocabulary of the indicator formulas: formula identity, results, validation issues.

Every indicator is a pure function fed plain numbers that returns a :class:`Result` (or a
subclass). A result always says which formula and version produced it, and, when the figure
cannot be given, *why*:

* ``Status.OK``: ``value`` holds the figure, in ``unit``;
* ``Status.NOT_COMPUTABLE``: the inputs are valid but the figure does not exist (zero hours, zero
  headcount, a missing month, no emission factor for that year…); ``value`` is ``None``;
* ``Status.INVALID``: the inputs break a rule (a negative figure, more absence hours than
  theoretical hours, more exits than the headcount and entries, a unit mismatch…); ``value`` is
  ``None`` and ``issues`` names each field and rule broken.

Expected situations never raise and never return ``None``: the report shows the reason instead
of the figure. Exceptions are kept for programming errors (wrong types, mixing rate types).

Messages are French plain strings (the report is French); their *keys* (``Issue.key``) are stable
identifiers that templates, exports and tests may rely on. Formulas are versioned: a change of
definition (not a bug fix that leaves the definition unchanged) bumps ``Formula.version`` and is
listed in docs/indicators.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

__all__ = [
    "FORMULAS",
    "MESSAGES",
    "Formula",
    "Issue",
    "Result",
    "Status",
    "Unit",
    "issue",
    "register",
]


class Status(StrEnum):
    OK = "ok"
    NOT_COMPUTABLE = "non_calculable"
    INVALID = "invalide"


class Unit(StrEnum):
    """Units of indicator values. Rates and shares are given in percent (5.0 means 5 %)."""

    PERCENT = "%"
    HEADCOUNT = "salariés"
    FTE = "ETP"
    PER_EMPLOYEE = "par salarié"
    PER_MILLION_HOURS = "par million d'heures travaillées"
    PER_THOUSAND_HOURS = "jours par millier d'heures travaillées"
    PER_200K_HOURS = "par 200 000 heures travaillées"
    SCORE_0_100 = "score 0–100"
    RATIO = "rapport"
    KG_CO2 = "kg CO2"
    KG_CO2E = "kg CO2e"


# Stable message keys → French templates. Templates are formatted with the issue's parameters
# (``field`` is always available). Keep keys stable: they are part of the export format.
MESSAGES: Final[Mapping[str, str]] = {
    "negatif": "« {field} » doit être positif ou nul (reçu : {value}).",
    "non_fini": "« {field} » doit être un nombre fini (reçu : {value}).",
    "non_entier": "« {field} » doit être un nombre entier (reçu : {value}).",
    "manquant": "« {field} » est manquant.",
    "zero": "« {field} » vaut zéro : l'indicateur n'est pas calculable.",
    "hors_bornes": "« {field} » doit être compris entre {low} et {high} (reçu : {value}).",
    "partie_superieure_au_tout": (
        "« {field} » ({value}) ne peut pas dépasser « {whole_field} » ({whole})."
    ),
    "absences_superieures_heures_theoriques": (
        "Les heures d'absence ({value}) dépassent les heures théoriques travaillées ({whole}) : "
        "vérifiez « {field} »."
    ),
    "sorties_superieures_effectif_et_entrees": (
        "Les sorties ({value}) dépassent l'effectif de début de période augmenté des entrées "
        "({whole}) : vérifiez « {field} »."
    ),
    "nombre_de_mois": "« {field} » doit contenir entre 1 et 12 mois (reçu : {value}).",
    "mois_manquants": "Effectif manquant pour le(s) mois {months} de « {field} ».",
    "aucun_mois_avec_salarie": "Aucun mois avec des salariés dans « {field} ».",
    "nombre_items": "« {field} » doit contenir {expected} réponses (reçu : {value}).",
    "items_manquants": (
        "« {field} » : {missing} réponse(s) manquante(s) ; le score n'est pas calculé."
    ),
    "items_insuffisants": (
        "« {field} » : {answered} item(s) renseigné(s) sur {total} ; il en faut au moins la "
        "moitié pour calculer le score de l'échelle."
    ),
    "effectif_insuffisant_ratio": (
        "« {field} » doit compter au moins {minimum} rémunérations (reçu : {value})."
    ),
    "unite_incompatible": (
        "« {field} » est exprimé en {unit} mais le facteur « {factor} » attend des {expected} ; "
        "aucune conversion sûre n'existe entre ces unités."
    ),
    "unite_inconnue": "« {field} » : unité inconnue ({unit}).",
    "facteur_inconnu": "« {field} » : facteur d'émission inconnu ({factor}).",
    "facteur_absent_annee": (
        "Aucun facteur d'émission « {kind} » pour la zone {zone} et l'année {year} dans la table "
        "{table} : l'indicateur n'est pas calculé (aucune année voisine n'est substituée)."
    ),
    "gaz_incompatibles": (
        "Les facteurs utilisés ne portent pas sur les mêmes gaz ({gases}) : leur somme n'aurait "
        "pas de sens."
    ),
    "portee_incorrecte": "« {field} » : le facteur « {factor} » relève du scope {scope}.",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """Why a figure is not given: a stable key, the input field concerned, a French message."""

    key: str
    field: str
    message: str


def issue(key: str, field: str, **params: object) -> Issue:
    """Build an :class:`Issue` from a message key and the template parameters."""
    template = MESSAGES[key]
    text = template.format(field=field, **{k: _fmt(v) for k, v in params.items()})
    return Issue(key=key, field=field, message=text)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return f"{int(value)}"
        return f"{value:g}".replace(".", ",")
    return str(value)


@dataclass(frozen=True, slots=True)
class Formula:
    """Identity of an indicator definition: a stable id, a version and where it comes from."""

    id: str
    version: int
    title: str
    definition: str
    source: str
    url: str = ""

    @property
    def ref(self) -> str:
        """``id@vN``, the form stored next to every published figure."""
        return f"{self.id}@v{self.version}"


FORMULAS: dict[str, Formula] = {}


def register(formula: Formula) -> Formula:
    """Record a formula in :data:`FORMULAS` (one version per id in a given release)."""
    existing = FORMULAS.get(formula.id)
    if existing is not None and existing != formula:
        raise ValueError(f"formula id {formula.id!r} registered twice with different contents")
    FORMULAS[formula.id] = formula
    return formula


@dataclass(frozen=True)
class Result:
    """The outcome of one indicator computation (see the module docstring for the statuses)."""

    formula: Formula
    status: Status
    value: float | None
    unit: Unit
    issues: tuple[Issue, ...] = ()
    numerator: float | None = None
    denominator: float | None = None
    details: Mapping[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def reason(self) -> str:
        """The first issue's message, or an empty string when the figure was computed."""
        return self.issues[0].message if self.issues else ""

    @property
    def issue_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.issues)


# ---------------------------------------------------------------------------------------------
# Validation helpers shared by the formula modules. They append to a list of issues and return
# whether the value passed, so that a formula reports *all* broken rules at once.


def check_number(issues: list[Issue], field: str, value: float | None) -> bool:
    """A present, finite, non-negative number."""
    if value is None:
        issues.append(issue("manquant", field))
        return False
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{field}: expected a number, got {type(value).__name__}")
    if not math.isfinite(value):
        issues.append(issue("non_fini", field, value=value))
        return False
    if value < 0:
        issues.append(issue("negatif", field, value=value))
        return False
    return True


def check_count(issues: list[Issue], field: str, value: float | None) -> bool:
    """A present, non-negative whole number (a count of people, stoppages, accidents…)."""
    if not check_number(issues, field, value):
        return False
    assert value is not None
    if value != int(value):
        issues.append(issue("non_entier", field, value=value))
        return False
    return True


def check_part(
    issues: list[Issue], field: str, value: float, whole_field: str, whole: float
) -> bool:
    if value > whole:
        issues.append(
            issue(
                "partie_superieure_au_tout",
                field,
                value=value,
                whole_field=whole_field,
                whole=whole,
            )
        )
        return False
    return True


def invalid(
    formula: Formula,
    unit: Unit,
    issues: list[Issue],
    *,
    details: Mapping[str, object] | None = None,
) -> Result:
    return Result(
        formula=formula,
        status=Status.INVALID,
        value=None,
        unit=unit,
        issues=tuple(issues),
        details=dict(details or {}),
    )


def not_computable(
    formula: Formula,
    unit: Unit,
    issues: list[Issue],
    *,
    details: Mapping[str, object] | None = None,
) -> Result:
    return Result(
        formula=formula,
        status=Status.NOT_COMPUTABLE,
        value=None,
        unit=unit,
        issues=tuple(issues),
        details=dict(details or {}),
    )


def ratio_result(
    formula: Formula,
    unit: Unit,
    numerator: float,
    denominator: float,
    *,
    scale: float,
    denominator_field: str,
    details: Mapping[str, object] | None = None,
) -> Result:
    """``numerator / denominator × scale``, or NOT_COMPUTABLE when the denominator is zero."""
    if denominator == 0:
        return Result(
            formula=formula,
            status=Status.NOT_COMPUTABLE,
            value=None,
            unit=unit,
            issues=(issue("zero", denominator_field),),
            numerator=numerator,
            denominator=denominator,
            details=dict(details or {}),
        )
    return Result(
        formula=formula,
        status=Status.OK,
        value=numerator / denominator * scale,
        unit=unit,
        numerator=numerator,
        denominator=denominator,
        details=dict(details or {}),
    )
