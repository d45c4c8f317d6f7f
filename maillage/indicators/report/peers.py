"""A cooperative beside its peers: its own figures and the published figures of its size band,
its sector, its territory and its union.

Peers' figures come from the published report only, so the page reveals nothing the public
report does not: a peer cell hidden there is « secret » here too. The cooperative's own survey
figures are shown only from five respondents, like everywhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from maillage.indicators.disclosure import SecrecyRules
from maillage.indicators.survey import Questionnaire
from maillage.indicators.validation import average_headcount_value

from .measures import answer_measures, form_measures, size_band
from .present import HIDDEN_TEXT, NNBSP, fr_number

__all__ = ["compare"]


def _cell(measure: Mapping[str, Any], dimension: str | None, key: str | None) -> str:
    if dimension is None:
        row = measure["total"]
    else:
        rows: list[dict[str, Any]] = next(
            (d["rows"] for d in measure["dimensions"] if d["key"] == dimension), []
        )
        row = next((r for r in rows if r["key"] == key), None)
        if row is None:
            return "—"
    if not row.get("published") and not row.get("reasons"):
        return "—"  # nobody reported it: nothing hidden
    if not row.get("published") or row.get("value") is None:
        return HIDDEN_TEXT
    return _fmt(row["value"], measure)


def _fmt(value: float, measure: Mapping[str, Any]) -> str:
    suffix = f"{NNBSP}%" if measure["unit"] == "%" else ""
    return fr_number(value, measure["decimals"]) + suffix


def compare(
    *,
    values: Mapping[str, Any],
    answers: Sequence[Mapping[str, int]],
    questionnaire: Questionnaire,
    territory: str,
    sector: str,
    data: Mapping[str, Any],
    rules: SecrecyRules | None = None,
) -> dict[str, Any]:
    """Rows ``(title, unit, own, same size, same sector, same territory, union)``."""
    rules = rules or SecrecyRules()
    own = form_measures(values)
    survey_hidden = len(answers) < rules.min_respondents
    if not survey_hidden:
        own |= answer_measures(questionnaire, answers)
    size = size_band(average_headcount_value(values))
    rows = []
    for m in data["measures"]:
        if m["total_only"]:
            continue  # a cumulated headcount is no peer figure for one cooperative
        if m["key"] in own:
            num, den = own[m["key"]]
            mine = _fmt(num / den * m["scale"], m)
        elif m["survey"] and survey_hidden:
            mine = HIDDEN_TEXT
        else:
            mine = "—"
        rows.append(
            {
                "title": m["title"],
                "unit": m["unit"],
                "own": mine,
                "size": _cell(m, "taille", size),
                "sector": _cell(m, "secteur", sector),
                "territory": _cell(m, "territoire", territory),
                "union": _cell(m, None, None),
            }
        )
    size_label = next(
        (
            r["label"]
            for m in data["measures"]
            for d in m["dimensions"]
            if d["key"] == "taille"
            for r in d["rows"]
            if r["key"] == size
        ),
        size,
    )
    return {
        "rows": rows,
        "size_label": size_label,
        "survey_hidden": survey_hidden,
        "respondents": len(answers),
        "min_respondents": rules.min_respondents,
    }
