"""Rules on a form's values, checked with the validators of the pure formulas.

Pure: fed a catalogue and a ``{key: value}`` document (as stored), returns the list of
:class:`FieldIssue`. Nothing here raises for bad data and nothing writes: a draft is saved with
its issues listed, and submission is refused while any remain.

Per-field rules come from :mod:`maillage.indicators.formulas.base` (``negatif``, ``non_entier``,
``non_fini``, ``hors_bornes``). Rules across fields are those of the formulas themselves, asked
by running the formula on the form's figures and keeping its issues:

* ``absences_superieures_heures_theoriques`` — the absence hours of every reason together may not
  exceed the theoretical hours (:func:`absenteeism.all_absence_rate`);
* ``sorties_superieures_effectif_et_entrees`` — exits may not exceed the headcount on 1 January
  plus the entries (:func:`turnover.departure_rate_excluding_cdd`);
* ``partie_superieure_au_tout`` — a part may not exceed its whole: employee-associates and
  employees, capital and votes of employees, AG participants and associates convened, women in
  each population (:mod:`governance`), and a few sums checked with :func:`base.check_part`
  (waste, sites, water, surplus split, accidents);
* ``unite_inconnue`` / ``unite_incompatible`` — a fuel quantity in a unit the emissions module
  does not know (:data:`emissions.UNITS`), or of a kind not accepted for that fuel (diesel in
  kilograms, gas in litres). Whether an accepted unit converts to the emission factor's unit is
  not a rule on the form: the summary page says when emissions cannot be computed, and why.

Messages name the field by its label (the formulas' French templates, fed the label instead of
the internal name) and every issue carries the key of the field it should be shown against and
the rule's stable key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from maillage.indicators.catalogue import (
    ABSENCE_HOURS_KEYS,
    EXIT_FIELDS,
    FUEL_LABELS,
    FUELS,
    Catalogue,
    FieldDef,
    FieldType,
)
from maillage.indicators.formulas import absenteeism, emissions, governance, turnover
from maillage.indicators.formulas.base import (
    Issue,
    check_count,
    check_number,
    check_part,
    issue,
)
from maillage.indicators.formulas.governance import Body

__all__ = [
    "REQUIRED_FOR_SUBMISSION",
    "RULE_LABELS",
    "FieldIssue",
    "exits_by_reason",
    "fuel_activities",
    "missing_for_submission",
    "validate",
]

RULE_LABELS: Final[Mapping[str, str]] = {
    "negatif": "nombre positif ou nul",
    "non_fini": "nombre fini",
    "non_entier": "nombre entier",
    "hors_bornes": "valeur dans les bornes",
    "manquant": "valeur obligatoire pour soumettre",
    "type": "valeur lisible",
    "partie_superieure_au_tout": "une partie ne dépasse pas le tout",
    "absences_superieures_heures_theoriques": "absences ≤ heures théoriques",
    "sorties_superieures_effectif_et_entrees": "sorties ≤ effectif au 1er janvier + entrées",
    "unite_incompatible": "unité compatible avec le facteur d'émission",
    "unite_inconnue": "unité connue",
    "unite_differente": "unité du catalogue",
    "colonne_inconnue": "colonnes du modèle",
    "ligne_inconnue": "clé du catalogue",
}

REQUIRED_FOR_SUBMISSION: Final[tuple[str, ...]] = (
    *(f"effectif_mois_{i:02d}" for i in range(1, 13)),
    "salaries_31_decembre",
    "heures_theoriques",
    "heures_travaillees",
    "entrees",
)


@dataclass(frozen=True, slots=True)
class FieldIssue:
    """A broken rule: the field to show it against, the rule's stable key, a French message."""

    field: str
    rule: str
    message: str

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)


def as_number(value: Any) -> float | None:
    """A stored numeric value as a float (money is a decimal string), ``None`` when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _relabel(catalogue: Catalogue, found: list[Issue], key: str) -> list[FieldIssue]:
    return [FieldIssue(key, i.key, i.message) for i in found]


def _field_rules(catalogue: Catalogue, f: FieldDef, value: Any) -> list[FieldIssue]:
    if value is None or not f.is_numeric:
        return []
    number = as_number(value)
    if number is None:
        return [FieldIssue(f.key, "type", f"« {f.label} » : la valeur enregistrée est illisible.")]
    found: list[Issue] = []
    if f.type is FieldType.COUNT:
        check_count(found, f.label, number)
    elif f.type is FieldType.PERCENT:
        if check_number(found, f.label, number) and number > 100:
            found.append(issue("hors_bornes", f.label, low=0, high=100, value=number))
    else:
        check_number(found, f.label, number)
    return _relabel(catalogue, found, f.key)


def _present(values: Mapping[str, Any], *keys: str) -> bool:
    return all(as_number(values.get(k)) is not None for k in keys)


def _part_rule(
    catalogue: Catalogue, values: Mapping[str, Any], part: str, whole: str
) -> list[FieldIssue]:
    if not _present(values, part, whole):
        return []
    p, w = as_number(values[part]), as_number(values[whole])
    assert p is not None and w is not None
    if p < 0 or w < 0:
        return []  # already reported as negative
    found: list[Issue] = []
    check_part(found, catalogue.label(part), p, catalogue.label(whole), w)
    return _relabel(catalogue, found, part)


def _part_issue(
    catalogue: Catalogue, key: str, part_label: str, p: float, whole_label: str, w: float
) -> list[FieldIssue]:
    """The formulas' ``partie_superieure_au_tout`` message, worded with the fields' labels."""
    found: list[Issue] = []
    check_part(found, part_label, p, whole_label, w)
    return _relabel(catalogue, found, key)


def exits_by_reason(values: Mapping[str, Any]) -> dict[turnover.ExitReason, int] | None:
    """Exits per formula reason (``mutation`` counted as ``autre``); ``None`` if none reported.

    Blank reasons count as zero once at least one reason is filled in.
    """
    if not any(as_number(values.get(f"sorties_{key}")) is not None for key, *_ in EXIT_FIELDS):
        return None
    out: dict[turnover.ExitReason, int] = {}
    for key, *_ in EXIT_FIELDS:
        n = as_number(values.get(f"sorties_{key}")) or 0.0
        reason = turnover.ExitReason.AUTRE if key == "mutation" else turnover.ExitReason(key)
        out[reason] = out.get(reason, 0) + (int(n) if n == int(n) else n)  # type: ignore[assignment]
    return out


def absence_hours(values: Mapping[str, Any]) -> dict[absenteeism.AbsenceCategory, float] | None:
    """Absence hours per category, blanks as zero; ``None`` if no category is filled in."""
    got = {cat: as_number(values.get(key)) for cat, key in ABSENCE_HOURS_KEYS.items()}
    if all(v is None for v in got.values()):
        return None
    return {cat: (v or 0.0) for cat, v in got.items()}


def fuel_activities(
    values: Mapping[str, Any],
) -> list[tuple[str, emissions.Activity]]:
    """``(quantity field key, Activity)`` for every fuel with a quantity."""
    out: list[tuple[str, emissions.Activity]] = []
    for key, _label, factor_id, _unit, _accepted in FUELS:
        qty = as_number(values.get(f"combustible_{key}_quantite"))
        if qty is None:
            continue
        unit = values.get(f"combustible_{key}_unite") or ""
        out.append((f"combustible_{key}_quantite", emissions.Activity(factor_id, qty, str(unit))))
    return out


def average_headcount_value(values: Mapping[str, Any]) -> float | None:
    monthly = [as_number(values.get(f"effectif_mois_{i:02d}")) for i in range(1, 13)]
    if any(v is None for v in monthly):
        return None
    return sum(v for v in monthly if v is not None) / 12


def validate(
    catalogue: Catalogue,
    values: Mapping[str, Any],
) -> list[FieldIssue]:
    """Every rule the values break (empty list: nothing to correct)."""
    issues: list[FieldIssue] = []
    for f in catalogue:
        issues += _field_rules(catalogue, f, values.get(f.key))
    bad_fields = {i.field for i in issues}

    def clean(*keys: str) -> bool:
        return not bad_fields.intersection(keys)

    # Absences against theoretical hours (absenteeism formulas).
    hours = absence_hours(values)
    theoretical = as_number(values.get("heures_theoriques"))
    if (
        hours is not None
        and theoretical is not None
        and clean(*ABSENCE_HOURS_KEYS.values(), "heures_theoriques")
    ):
        result = absenteeism.all_absence_rate(hours, theoretical)
        if "absences_superieures_heures_theoriques" in result.issue_keys:
            message = issue(
                "absences_superieures_heures_theoriques",
                catalogue.label("heures_theoriques"),
                value=float(sum(hours.values())),
                whole=theoretical,
            ).message
            issues.append(
                FieldIssue("heures_theoriques", "absences_superieures_heures_theoriques", message)
            )

    # Exits against headcount on 1 January + entries (turnover formulas).
    exits = exits_by_reason(values)
    entries = as_number(values.get("entrees"))
    start = as_number(values.get("effectif_debut"))
    exit_keys = [f"sorties_{k}" for k, *_ in EXIT_FIELDS]
    if (
        exits is not None
        and entries is not None
        and start is not None
        and clean(*exit_keys, "entrees", "effectif_debut")
    ):
        result = turnover.departure_rate_excluding_cdd(
            exits_by_reason=exits,
            average_headcount=average_headcount_value(values) or 0.0,
            entries=int(entries),
            headcount_start=start,
        )
        for i in result.issues:
            if i.key == "sorties_superieures_effectif_et_entrees":
                first = next(k for k in exit_keys if as_number(values.get(k)))
                issues.append(
                    FieldIssue(
                        first,
                        i.key,
                        issue(
                            i.key,
                            "Sorties (tous motifs)",
                            value=float(sum(exits.values())),
                            whole=start + entries,
                        ).message,
                    )
                )

    # Parts of a whole: governance formulas first, then plain sums.
    governance_pairs: list[tuple[str, str, Any]] = [
        (
            "salaries_associes",
            "salaries_31_decembre",
            lambda p, w: governance.employee_associates_share(
                employee_associates=int(p), employees=int(w)
            ),
        ),
        (
            "droits_vote_salaries",
            "droits_vote_total",
            lambda p, w: governance.votes_held_by_employees(
                employee_votes=int(p), total_votes=int(w)
            ),
        ),
        (
            "associes_femmes",
            "associes_total",
            lambda p, w: governance.women_share(women=int(p), total=int(w), body=Body.ASSOCIES),
        ),
        (
            "gouvernance_femmes",
            "gouvernance_membres",
            lambda p, w: governance.women_share(women=int(p), total=int(w), body=Body.GOUVERNANCE),
        ),
        (
            "encadrement_femmes",
            "encadrement_total",
            lambda p, w: governance.women_share(women=int(p), total=int(w), body=Body.ENCADREMENT),
        ),
    ]
    for part, whole, formula in governance_pairs:
        if _present(values, part, whole) and clean(part, whole):
            p, w = as_number(values[part]), as_number(values[whole])
            assert p is not None and w is not None
            if "partie_superieure_au_tout" in formula(p, w).issue_keys:
                issues += _part_issue(
                    catalogue, part, catalogue.label(part), p, catalogue.label(whole), w
                )
    cap, cap_total = _money(values.get("capital_salaries")), _money(values.get("capital_social"))
    if cap is not None and cap_total is not None and clean("capital_salaries", "capital_social"):
        result = governance.capital_held_by_employees(employee_capital=cap, total_capital=cap_total)
        if "partie_superieure_au_tout" in result.issue_keys:
            issues += _part_issue(
                catalogue,
                "capital_salaries",
                catalogue.label("capital_salaries"),
                float(cap),
                catalogue.label("capital_social"),
                float(cap_total),
            )
    ag = ("ag_presents", "ag_representes", "ag_distance", "ag_convoques")
    if _present(values, "ag_presents", "ag_convoques") and clean(*ag):
        present, represented, remote, convened = (int(as_number(values.get(k)) or 0) for k in ag)
        result = governance.ag_participation(
            present=present, represented=represented, remote=remote, convened=convened
        )
        if "partie_superieure_au_tout" in result.issue_keys:
            issues += _part_issue(
                catalogue,
                "ag_presents",
                "Associés présents, représentés et à distance",
                present + represented + remote,
                catalogue.label("ag_convoques"),
                convened,
            )
    for part, whole in (
        ("gouvernance_renouveles", "gouvernance_membres"),
        ("dechets_dangereux_t", "dechets_total_t"),
        ("dechets_recycles_t", "dechets_total_t"),
        ("sites_zones_sensibles", "sites_total"),
        ("eau_consommee_m3", "eau_prelevee_m3"),
        ("accidents_avec_arret", "accidents_enregistrables"),
    ):
        if clean(part, whole):
            issues += _part_rule(catalogue, values, part, whole)
    surplus = [_money(values.get(k)) for k in _SURPLUS_PARTS]
    total_surplus = _money(values.get("excedents_total"))
    if (
        total_surplus is not None
        and total_surplus >= 0
        and any(s is not None for s in surplus)
        and clean(*_SURPLUS_PARTS, "excedents_total")
    ):
        split = sum((s for s in surplus if s is not None), Decimal(0))
        issues += _part_issue(
            catalogue,
            _SURPLUS_PARTS[0],
            "Répartition des excédents (travail + réserves + intérêts)",
            float(split),
            catalogue.label("excedents_total"),
            float(total_surplus),
        )

    # Fuel units: known to the emissions module, and of a kind accepted for the fuel.
    accepted = {f"combustible_{key}_quantite": units for key, *_, units in FUELS}
    for key, activity in fuel_activities(values):
        if activity.unit not in emissions.UNITS:
            found = issue("unite_inconnue", catalogue.label(key), unit=activity.unit or "—")
            issues.append(FieldIssue(key, "unite_inconnue", found.message))
        elif activity.unit not in accepted[key]:
            found = issue(
                "unite_incompatible",
                catalogue.label(key),
                unit=activity.unit,
                factor=FUEL_LABELS[key],
                expected=", ".join(accepted[key]),
            )
            issues.append(FieldIssue(key, "unite_incompatible", found.message))
    return issues


_SURPLUS_PARTS: Final = ("excedents_part_travail", "excedents_reserves", "excedents_dividendes")


def missing_for_submission(catalogue: Catalogue, values: Mapping[str, Any]) -> list[FieldIssue]:
    """Fields a form cannot be submitted without (the bases of the headline rates)."""
    out: list[FieldIssue] = []
    for key in REQUIRED_FOR_SUBMISSION:
        if key in catalogue and values.get(key) in (None, ""):
            out.append(FieldIssue(key, "manquant", issue("manquant", catalogue.label(key)).message))
    return out


def is_finite_number(value: Any) -> bool:
    number = as_number(value)
    return number is not None and math.isfinite(number)
