"""The report « Démocratie et travail »: pooled indicators, secrecy first, then associations.

Input: one :class:`CoopRecord` per validated form (its territory, NAF section, size band and the
numerators and denominators of :mod:`.measures`); output: a JSON-ready dictionary holding only
figures already cleared by :mod:`maillage.indicators.disclosure`. Nothing in it can be traced
back to raw values: a hidden cell carries no value, no interval and no count of cooperatives,
only the reason it is hidden.

Secrecy, for each indicator and each breakdown (territory, sector, size band), as a
one-dimensional table with its total:

* the numerators and the denominators are two tables (magnitude for form figures; survey for
  the employees' answers, with the respondents rule), each protected by
  :func:`~maillage.indicators.disclosure.protect_1d` (primary rules then secondary suppression
  audited by linear programming); a cell is shown only if it is published in both;
* the three breakdowns of an indicator share their total and nothing else, so they can be
  protected one at a time as long as the total is published in all of them: if the total fails
  a primary rule the indicator is withheld entirely; if a breakdown could only be protected by
  hiding its total, every cell of that breakdown is hidden instead and the total stays;
* an interval is computed only for published cells, from the same cooperatives.

Associations between democratic practice and outcomes are computed over cooperatives (one point
each, never shown) with :mod:`maillage.indicators.statistics`: Pearson's r with its Fisher
interval and the OLS slope with its Student interval, at least ten cooperatives, and the
caveat « association, et non causalité ».
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from maillage.indicators import statistics
from maillage.indicators.disclosure import (
    TOTAL,
    CellInput,
    ProtectedTable,
    Reason,
    SecrecyRules,
    TableKind,
    protect_1d,
)

from .measures import FAMILY_TITLES, Measure

__all__ = ["CAVEAT", "REPORT_VERSION", "CoopRecord", "Dimension", "build_report"]

REPORT_VERSION: Final = 1
CAVEAT: Final = (
    "Association, et non causalité : ces chiffres décrivent des liens observés entre "
    "coopératives, pas l'effet de la démocratie sur le travail. D'autres différences entre "
    "coopératives (secteur, taille, âge…) peuvent les expliquer, et ils ne disent rien des "
    "personnes prises une à une."
)
NO_REFERENCE: Final = "aucune valeur publiée n'a pu être vérifiée."
WITHHELD: Final = "Indicateur non publié : le total lui-même ne respecte pas le secret statistique."
WHOLE_BREAKDOWN: Final = (
    "Secret statistique : toute la ventilation est masquée, car protéger une case aurait obligé "
    "à masquer le total."
)


@dataclass(frozen=True)
class CoopRecord:
    """One cooperative's contribution: where it falls in each breakdown, and its measures
    (``key → (numerator, denominator)``)."""

    coop: Hashable
    territory: str
    sector: str
    size: str
    measures: Mapping[str, tuple[float, float]]
    respondents: int = 0

    def key(self, dimension: str) -> str:
        return getattr(self, _ATTRIBUTES[dimension])  # type: ignore[no-any-return]


_ATTRIBUTES: Final = {"territoire": "territory", "secteur": "sector", "taille": "size"}


@dataclass(frozen=True)
class Dimension:
    """A breakdown: ``key`` is ``territoire``, ``secteur`` or ``taille``; ``labels`` gives the
    display order and names of its categories."""

    key: str
    title: str
    labels: Mapping[str, str]


Rows = list[tuple[Hashable, float, float]]


def _tables(
    measure: Measure, groups: Mapping[str, Rows], rules: SecrecyRules
) -> list[ProtectedTable[Any]]:
    kind = TableKind.SURVEY if measure.survey else TableKind.MAGNITUDE
    parts = (0,) if measure.total_only else (0, 1)
    out = []
    for part in parts:
        cells = {
            key: CellInput(
                contributions=[(row[0], row[1 + part]) for row in rows],  # type: ignore[misc]
                respondents=int(sum(row[2] for row in rows)) if measure.survey else None,
            )
            for key, rows in groups.items()
        }
        out.append(protect_1d(cells, kind=kind, rules=rules))
    return out


def _estimate(measure: Measure, rows: Rows) -> dict[str, Any]:
    nums = [n for _c, n, _d in rows]
    dens = [d for _c, _n, d in rows]
    out: dict[str, Any] = {"n": len({c for c, _n, _d in rows})}
    if measure.survey:
        out["respondents"] = int(sum(dens))
    if measure.total_only:
        out["value"] = float(sum(nums))
        return out
    est = statistics.pooled_ratio(nums, dens, scale=measure.scale, min_n=2)
    if est.computed:
        out |= {"value": est.estimate, "ci_low": est.ci_low, "ci_high": est.ci_high}
    else:
        out |= {"value": None, "message": est.reason}
    return out


def _hidden(reasons: Sequence[Reason], rules: SecrecyRules) -> dict[str, Any]:
    unique = list(dict.fromkeys(reasons))
    primary: list[Reason] = [r for r in unique if r is not Reason.SECONDARY]
    shown: list[Reason] = primary or [Reason.SECONDARY]
    return {
        "published": False,
        "reasons": [str(r) for r in shown],
        "message": " ".join(rules.message(r) for r in shown),
    }


def _breakdown(
    measure: Measure, dimension: Dimension, records: Sequence[CoopRecord], rules: SecrecyRules
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of one breakdown (published or hidden) and its total row."""
    grouped: dict[str, Rows] = defaultdict(list)
    for r in records:
        num, den = r.measures[measure.key]
        grouped[r.key(dimension.key)].append((r.coop, num, den))
    order = [k for k in dimension.labels if k in grouped]
    order += sorted(k for k in grouped if k not in dimension.labels)
    groups = {k: grouped[k] for k in order}
    tables = _tables(measure, groups, rules)
    reasons: dict[Any, list[Reason]] = defaultdict(list)
    for table in tables:
        if not table.safe:
            for key in [*groups, TOTAL]:
                reasons[key].append(Reason.SECONDARY)
        for key, decision in table.cells.items():
            reasons[key] += decision.reasons
    all_rows: Rows = [row for rows in groups.values() for row in rows]
    total_reasons = reasons.get(TOTAL, [])
    if any(r is not Reason.SECONDARY for r in total_reasons):
        total = {"key": "total", "label": "Ensemble"} | _hidden(total_reasons, rules)
        rows = [
            {"key": k, "label": dimension.labels.get(k, k)} | _hidden([Reason.SECONDARY], rules)
            for k in groups
        ]
        return rows, total
    total = {"key": "total", "label": "Ensemble", "published": True} | _estimate(measure, all_rows)
    whole = bool(total_reasons)
    rows = []
    for key, cell_rows in groups.items():
        base = {"key": key, "label": dimension.labels.get(key, key)}
        if whole:
            rows.append(base | _hidden(reasons[key], rules) | {"message": WHOLE_BREAKDOWN})
        elif reasons.get(key):
            rows.append(base | _hidden(reasons[key], rules))
        else:
            rows.append(base | {"published": True} | _estimate(measure, cell_rows))
    return rows, total


def _references(measure: Measure, references: Mapping[str, Any]) -> dict[str, Any]:
    own = [r for r in references.get("references", ()) if r["indicator"] == measure.key]
    absent = [a["why"] for a in references.get("absent", ()) if a["indicator"] == measure.key]
    return {
        "reference": next((r for r in own if r["comparable"]), None),
        "context": [r for r in own if not r["comparable"]],
        "reference_absent": absent[0] if absent else ("" if own else NO_REFERENCE),
    }


def _associations(
    records: Sequence[CoopRecord], measures: Sequence[Measure], rules: SecrecyRules
) -> list[dict[str, Any]]:
    out = []
    for x in (m for m in measures if m.democracy):
        for y in (m for m in measures if m.outcome):
            xs: list[float | None] = []
            ys: list[float | None] = []
            for r in records:
                if x.key not in r.measures or y.key not in r.measures:
                    continue
                (xn, xd), (yn, yd) = r.measures[x.key], r.measures[y.key]
                if y.survey and yd < rules.min_respondents:
                    continue  # a cooperative's mean over fewer than five people is too noisy
                xs.append(xn / xd * x.scale)
                ys.append(yn / yd * y.scale)
            r_ = statistics.pearson(xs, ys)
            slope = statistics.ols_slope(xs, ys)
            item: dict[str, Any] = {
                "x": x.key,
                "x_title": x.title,
                "y": y.key,
                "y_title": y.title,
                "y_unit": y.unit,
                "computed": r_.computed,
                "n": r_.n,
                "causal": False,
            }
            if r_.computed:
                item |= {
                    "r": r_.estimate,
                    "r_low": r_.ci_low,
                    "r_high": r_.ci_high,
                    "p_value": r_.p_value,
                    "slope": slope.estimate,
                    "slope_low": slope.ci_low,
                    "slope_high": slope.ci_high,
                }
            else:
                item["reason"] = r_.reason
            out.append(item)
    return out


def build_report(
    records: Sequence[CoopRecord],
    *,
    measures: Sequence[Measure],
    dimensions: Sequence[Dimension],
    references: Mapping[str, Any],
    union: Mapping[str, str],
    year: int,
    unavailable: Sequence[str] = (),
    rules: SecrecyRules | None = None,
) -> dict[str, Any]:
    """The report as published: every figure already through the secrecy rules."""
    rules = rules or SecrecyRules()
    out_measures = []
    for measure in measures:
        contributing = [r for r in records if measure.key in r.measures]
        item: dict[str, Any] = {
            "key": measure.key,
            "title": measure.title,
            "unit": measure.unit,
            "family": measure.family,
            "family_title": FAMILY_TITLES.get(measure.family, measure.family),
            "formula": measure.formula,
            "decimals": measure.decimals,
            "scale": measure.scale,
            "note": measure.note,
            "survey": measure.survey,
            "total_only": measure.total_only,
            "dimensions": [],
        } | _references(measure, references)
        if not contributing:
            item["total"] = {"key": "total", "label": "Ensemble", "published": False}
            item["total"]["message"] = "Aucune coopérative n'a fourni cette donnée."
            item["total"]["reasons"] = []
            out_measures.append(item)
            continue
        for dimension in dimensions:
            rows, total = _breakdown(measure, dimension, contributing, rules)
            item["total"] = total
            item["dimensions"].append(
                {"key": dimension.key, "title": dimension.title, "rows": rows}
            )
        if not item["total"]["published"]:
            item["withheld"] = WITHHELD
        out_measures.append(item)
    respondents = sum(r.respondents for r in records)
    return {
        "version": REPORT_VERSION,
        "union": dict(union),
        "year": year,
        "cooperatives": len(records),
        "respondents": respondents if respondents >= rules.min_respondents else None,
        "rules": {
            "min_contributors": rules.min_contributors,
            "dominance_pct": rules.dominance_share * 100,
            "min_respondents": rules.min_respondents,
        },
        "measures": out_measures,
        "associations": _associations(records, measures, rules),
        "caveat": CAVEAT,
        "unavailable": list(unavailable),
        "references_notes": list(references.get("notes", ())),
    }
