"""Published figures written the French way, for the pages and the PDF alike.

Decimal comma, narrow no-break space between thousands, « secret » for a hidden cell. Pure:
fed the report's dictionary, returns a copy with ``display`` strings beside each figure.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, Final

HIDDEN_TEXT: Final = "secret"
NNBSP: Final = "\u202f"


def fr_number(value: float | None, decimals: int = 1) -> str:
    """``1234.5`` → ``1 234,5`` (narrow no-break space, decimal comma); ``None`` → ``—``."""
    if value is None or not math.isfinite(value):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NNBSP).replace(".", ",")


def _cell(row: dict[str, Any], decimals: int, unit: str) -> None:
    if not row.get("published"):
        row["display"] = HIDDEN_TEXT
        row["ci_display"] = ""
        return
    suffix = f"{NNBSP}%" if unit == "%" else ""
    row["display"] = fr_number(row.get("value"), decimals) + suffix
    if row.get("ci_low") is not None:
        row["ci_display"] = (
            f"{fr_number(row['ci_low'], decimals)} – {fr_number(row['ci_high'], decimals)}"
        )
    else:
        row["ci_display"] = ""
    row["n_display"] = fr_number(row.get("n"), 0) if row.get("n") is not None else ""
    if row.get("respondents") is not None:
        row["respondents_display"] = fr_number(row["respondents"], 0)


def present_report(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the report with display strings for every published figure."""
    out = copy.deepcopy(dict(data))
    for measure in out["measures"]:
        decimals, unit = measure["decimals"], measure["unit"]
        _cell(measure["total"], decimals, unit)
        for dimension in measure["dimensions"]:
            for row in dimension["rows"]:
                _cell(row, decimals, unit)
        reference = measure.get("reference")
        if reference:
            reference["display"] = fr_number(reference["value"], 1) + (
                f"{NNBSP}%" if reference["unit"] == "%" else f" {reference['unit']}"
            )
        for ref in measure.get("context", ()):
            ref["display"] = fr_number(ref["value"], 1) + (
                f"{NNBSP}%" if ref["unit"] == "%" else f" {ref['unit']}"
            )
    for a in out["associations"]:
        if a["computed"]:
            a["r_display"] = fr_number(a["r"], 2)
            a["r_ci_display"] = f"{fr_number(a['r_low'], 2)} – {fr_number(a['r_high'], 2)}"
            a["slope_display"] = fr_number(a["slope"], 3)
            a["slope_ci_display"] = (
                f"{fr_number(a['slope_low'], 3)} – {fr_number(a['slope_high'], 3)}"
            )
            a["p_display"] = "< 0,001" if a["p_value"] < 0.001 else fr_number(a["p_value"], 3)
    out["cooperatives_display"] = fr_number(out["cooperatives"], 0)
    if out.get("respondents") is not None:
        out["respondents_display"] = fr_number(out["respondents"], 0)
    return out


def present_jobs(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the jobs data with display strings."""
    out = copy.deepcopy(dict(data))
    for point in out["series"]:
        for measure in ("jobs", "coops"):
            _cell(point[measure], 0, "")
    for year, year_data in out["breakdowns"].items():
        merged: dict[str, list[dict[str, Any]]] = {}
        for dimension, by_measure in year_data.items():
            for rows in by_measure.values():
                for row in rows:
                    _cell(row, 0, "")
            coops = {row["key"]: row for row in by_measure["coops"]}
            merged[dimension] = [
                {"label": row["label"], "cells": [row, coops[row["key"]]]}
                for row in by_measure["jobs"]
            ]
        out["breakdowns"][year] = merged
    progress = out.get("progress")
    if progress:
        for key in ("jobs", "coops"):
            progress[f"{key}_display"] = fr_number(progress[key], 0)
            progress[f"{key}_pct_display"] = fr_number(progress[f"{key}_pct"], 1) + f"{NNBSP}%"
    out["targets"]["jobs_display"] = fr_number(out["targets"]["jobs"], 0)
    out["targets"]["coops_display"] = fr_number(out["targets"]["coops"], 0)
    return out


def _reference_lines(measure: Mapping[str, Any]) -> list[str]:
    lines = []
    reference = measure.get("reference")
    if reference:
        lines.append(
            f"Repère national comparable : {reference['display']} en {reference['year']} — "
            f"{reference['label']} ({reference['source']})."
        )
    for ref in measure.get("context", ()):
        lines.append(
            f"Repère de contexte, non comparable : {ref['display']} ({ref['year']}) — "
            f"{ref['label']}. {ref.get('definition', '')}"
        )
    if not lines and measure.get("reference_absent"):
        lines.append(f"Pas de repère national : {measure['reference_absent']}")
    return lines


def method_lines(data: Mapping[str, Any]) -> list[str]:
    rules = data["rules"]
    return [
        "Chaque chiffre est la somme des numérateurs rapportée à la somme des dénominateurs des "
        "coopératives de la case (une coopérative de 200 personnes pèse pour ses 200 personnes), "
        "avec un intervalle de confiance à 95 % qui traite les coopératives comme des grappes.",
        f"Secret statistique, appliqué avant toute publication : une case doit réunir au moins "
        f"{rules['min_contributors']} coopératives, aucune ne doit peser plus de "
        f"{fr_number(rules['dominance_pct'], 0)} % de la valeur, et une case de l'enquête doit "
        f"compter au moins {rules['min_respondents']} répondant·es.",
        "Secret secondaire : d'autres cases sont masquées pour que les totaux ne permettent pas de "
        "recalculer une case cachée ; le résultat est vérifié par programmation linéaire.",
        "Les cases masquées portent la mention « secret » ; aucune valeur, aucun intervalle ni "
        "aucun nombre de coopératives n'est publié pour elles.",
    ]


def pdf_payload(data: Mapping[str, Any], charts: Mapping[str, str]) -> dict[str, Any]:
    """The typst template's data: strings and lists of strings only."""
    shown = present_report(data)
    families: dict[str, dict[str, Any]] = {}
    for m in shown["measures"]:
        family = families.setdefault(m["family"], {"title": m["family_title"], "measures": []})
        dims = []
        for d in m["dimensions"]:
            chart = f"{m['key']}-{d['key']}.svg"
            count_title = "Répondant·es" if m["survey"] else "Coopératives"
            dims.append(
                {
                    "title": d["title"],
                    "chart": chart if chart in charts else "",
                    "header": [
                        d["title"].removeprefix("Par ").capitalize(),
                        m["unit"],
                        "IC 95 %",
                        count_title,
                    ],
                    "rows": [
                        [
                            r["label"],
                            r["display"],
                            r.get("ci_display", ""),
                            r.get("respondents_display" if m["survey"] else "n_display", ""),
                        ]
                        for r in [*d["rows"], m["total"]]
                    ],
                }
            )
        family["measures"].append(
            {
                "title": m["title"],
                "withheld": m.get("withheld", ""),
                "total": m["total"]["display"],
                "total_ci": m["total"].get("ci_display", ""),
                "formula": m["formula"],
                "note": m["note"],
                "references": _reference_lines(m),
                "dimensions": dims,
            }
        )
    associations = [
        [
            a["x_title"],
            a["y_title"],
            str(a["n"]),
            a.get("r_display", "non calculé"),
            a.get("r_ci_display", ""),
            a.get("slope_display", ""),
        ]
        for a in shown["associations"]
    ]
    sources = []
    for m in data["measures"]:
        for ref in [m.get("reference"), *m.get("context", ())]:
            if ref:
                url = f" {ref['url']}" if ref.get("url") else " (adresse non vérifiée)"
                sources.append(f"{ref['source']}, valeur {ref['year']}.{url}")
    respondents = shown.get("respondents_display")
    coverage = f"{shown['cooperatives_display']} coopératives dont le formulaire a été validé" + (
        f", {respondents} réponses à l'enquête anonyme." if respondents else "."
    )
    union = data["union"]["name"]
    return {
        "title": f"Démocratie et travail — {data['year']}",
        "subtitle": f"{union} · rapport publié par l'union",
        "caveat": data["caveat"],
        "coverage": coverage,
        "method": method_lines(data),
        "families": list(families.values()),
        "forest": "associations.svg" if "associations.svg" in charts else "",
        "associations_header": ["Pratique", "Résultat", "n", "r", "IC 95 % de r", "Pente"],
        "associations": associations,
        "sources": sources,
        "unavailable": data["unavailable"],
    }


REASON_SHORT: Final[Mapping[str, str]] = {
    "frequence": "trop peu de coopératives",
    "dominance": "une coopérative domine",
    "repondants": "trop peu de répondant·es",
    "secondaire": "secret secondaire",
    "evolution": "écart entre années",
}


def with_charts(shown: dict[str, Any], uris: Mapping[str, str]) -> dict[str, Any]:
    """Attach each chart (as a ``data:`` URI) to its breakdown, and short reasons to hidden
    cells, for the page template."""
    for m in shown["measures"]:
        for d in m["dimensions"]:
            d["chart"] = uris.get(f"{m['key']}-{d['key']}.svg", "")
            for row in d["rows"]:
                row["reason_short"] = ", ".join(
                    REASON_SHORT.get(r, r) for r in row.get("reasons", ())
                )
        m["total"]["reason_short"] = ", ".join(
            REASON_SHORT.get(r, r) for r in m["total"].get("reasons", ())
        )
    shown["forest"] = uris.get("associations.svg", "")
    shown["method"] = method_lines(shown)
    return shown
