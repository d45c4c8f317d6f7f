"""Charts of the report and of the jobs page: SVG drawn server-side with matplotlib.

Fed the published data only (the output of :mod:`.build` / :mod:`.jobs`): a hidden cell has no
value to draw, so no chart can show what the tables hide. Every chart is printed next to the
table holding its figures (pages and PDF), for screen readers and anyone preferring numbers.
Same house way as :mod:`maillage.democracy.charts`: object API, no pyplot, text kept as text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import matplotlib
from matplotlib.figure import Figure

ACCENT: Final = "#8a1538"
REFERENCE: Final = "#1f4e79"
HIDDEN: Final = "#9a9a9a"

#: The measures drawn by territory in the report (the congress's four: democracy and outcomes).
CHARTED: Final = ("associes", "participation_ag", "absence_sante", "rotation", "who5")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "maillage"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def breakdown_svg(measure: Mapping[str, Any], dimension: Mapping[str, Any]) -> str:
    """Horizontal bars of one breakdown with 95 % intervals; hidden cells are named « secret »
    without a bar; the national reference, when comparable, is a dashed line.

    Fixed margins rather than a constrained layout, and one call per kind of artist: the
    layout engine would draw every chart twice, and the report has a dozen charts.
    """
    rows = [*dimension["rows"], measure["total"]]
    height = 1.1 + 0.28 * len(rows)
    figure = Figure(figsize=(6.5, height))
    figure.subplots_adjust(left=0.4, right=0.97, top=1 - 0.42 / height, bottom=0.55 / height)
    axes = figure.add_subplot()
    shown = [
        (pos, row)
        for pos, row in enumerate(rows)
        if row.get("published") and row.get("value") is not None
    ]
    axes.barh(
        [pos for pos, _ in shown],
        [row["value"] for _, row in shown],
        color=["#5a0e25" if row["key"] == "total" else ACCENT for _, row in shown],
        height=0.65,
    )
    with_ci = [(pos, row) for pos, row in shown if row.get("ci_low") is not None]
    if with_ci:
        axes.errorbar(
            [row["value"] for _, row in with_ci],
            [pos for pos, _ in with_ci],
            xerr=[
                [row["value"] - row["ci_low"] for _, row in with_ci],
                [row["ci_high"] - row["value"] for _, row in with_ci],
            ],
            fmt="none",
            ecolor="#1b1f24",
            capsize=3,
            linewidth=1,
        )
    for pos, row in enumerate(rows):
        if (pos, row) not in shown:
            axes.text(0, pos, " secret statistique", va="center", fontsize=7, color=HIDDEN)
    reference = measure.get("reference")
    if reference:
        axes.axvline(reference["value"], color=REFERENCE, linestyle="--", linewidth=1.2)
        axes.text(
            reference["value"],
            -0.9,
            f" repère national {reference['year']}",
            color=REFERENCE,
            fontsize=7,
            va="bottom",
        )
    axes.set_yticks(list(range(len(rows))), labels=[_short(r["label"]) for r in rows], fontsize=7.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlim(left=0)
    axes.set_xlabel(measure["unit"], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.suptitle(
        _short(f"{measure['title']} — {dimension['title'].lower()}", 95),
        x=0.02,
        ha="left",
        fontsize=9,
    )
    return _svg(figure)


def forest_svg(associations: Sequence[Mapping[str, Any]]) -> str:
    """Pearson's r of each (democratic practice, outcome) pair with its 95 % interval."""
    rows = [a for a in associations if a["computed"]]
    height = 1.3 + 0.4 * max(len(rows), 1)
    figure = Figure(figsize=(6.5, height))
    figure.subplots_adjust(left=0.5, right=0.97, top=1 - 0.4 / height, bottom=0.6 / height)
    axes = figure.add_subplot()
    for pos, a in enumerate(rows):
        axes.errorbar(
            a["r"],
            pos,
            xerr=[[a["r"] - a["r_low"]], [a["r_high"] - a["r"]]],
            fmt="o",
            color=ACCENT,
            capsize=3,
        )
    axes.axvline(0, color="#1b1f24", linewidth=1)
    axes.set_yticks(
        list(range(len(rows))),
        labels=[_short(f"{a['x_title']} × {a['y_title']} (n = {a['n']})", 62) for a in rows],
        fontsize=7,
    )
    axes.invert_yaxis()
    axes.set_xlim(-1, 1)
    axes.set_xlabel("corrélation de Pearson r (intervalle de confiance à 95 %)", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title("Association, et non causalité", fontsize=9, loc="left")
    return _svg(figure)


def report_charts(data: Mapping[str, Any]) -> dict[str, str]:
    """Every chart of a report: ``<measure>-<dimension>.svg`` and ``associations.svg``."""
    charts: dict[str, str] = {}
    for measure in data["measures"]:
        if measure["key"] not in CHARTED or not measure["total"].get("published"):
            continue
        for dimension in measure["dimensions"]:
            if dimension["key"] == "territoire":  # the other breakdowns: tables only
                charts[f"{measure['key']}-{dimension['key']}.svg"] = breakdown_svg(
                    measure, dimension
                )
    if any(a["computed"] for a in data["associations"]):
        charts["associations.svg"] = forest_svg(data["associations"])
    return charts


def jobs_svg(data: Mapping[str, Any]) -> str:
    """Jobs and cooperatives per year against the movement's targets (hidden years: no bar)."""
    figure = Figure(figsize=(6.5, 4.6), layout="constrained")
    top, bottom = figure.subplots(2, 1)
    years = [p["year"] for p in data["series"]]
    for axes, measure, target, title in (
        (top, "jobs", data["targets"]["jobs"], "Emplois coopératifs"),
        (bottom, "coops", data["targets"]["coops"], "Coopératives"),
    ):
        values = [p[measure]["value"] if p[measure]["published"] else 0.0 for p in data["series"]]
        axes.bar(years, values, color=ACCENT, width=0.7)
        for year, point in zip(years, data["series"], strict=True):
            if not point[measure]["published"]:
                axes.text(year, 0, "secret", rotation=90, fontsize=6, color=HIDDEN, ha="center")
        axes.axhline(target, color=REFERENCE, linestyle="--", linewidth=1.2)
        axes.text(
            years[0] - 0.4 if years else 0,
            target,
            f"objectif {target:,}".replace(",", "\u202f"),
            color=REFERENCE,
            fontsize=7,
            va="bottom",
        )
        axes.set_xticks(years, labels=[str(y) for y in years], fontsize=7)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, fontsize=9, loc="left")
    return _svg(figure)
