"""Merit profiles as a chart: an SVG drawn server-side with matplotlib, no JavaScript.

One horizontal bar per proposal, in ranking order, split into the seven grades from "À rejeter"
(left) to "Excellent" (right); the vertical line at 50 % crosses each bar in its majority grade.
Pages always put the same figures in a table beside the chart, for screen readers and for
anyone who prefers numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

# The object API only (no pyplot): no global state, no GUI backend, safe in threaded servers.
from matplotlib.figure import Figure

from .grades import SCALE

#: Red to green through grey; each colour keeps a 3:1 contrast with its neighbours' labels
#: in the legend, and the table carries the figures in any case.
GRADE_COLOURS: tuple[str, ...] = (
    "#a3122e",
    "#d9534f",
    "#f0a35e",
    "#c9c9c9",
    "#9fd18b",
    "#4caf50",
    "#1f6b33",
)


def merit_profiles_svg(rows: Sequence[tuple[str, Sequence[float]]], *, title: str = "") -> str:
    """Draw merit profiles; ``rows`` are (label, shares of the 7 grades, summing to 1), top first.

    Returns an SVG document as text, with text kept as text (searchable, scalable).
    """
    height = 1.2 + 0.32 * max(len(rows), 1)
    figure = Figure(figsize=(6.5, height), layout="constrained")
    axes = figure.add_subplot()
    labels = [label for label, _shares in rows]
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for grade in SCALE:
        widths = [100 * shares[grade] for _label, shares in rows]
        axes.barh(
            positions,
            widths,
            left=left,
            color=GRADE_COLOURS[grade],
            edgecolor="white",
            linewidth=0.5,
            label=grade.label,
            height=0.75,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.axvline(50, color="#1b1f24", linewidth=1.2, linestyle="--")
    axes.set_yticks(positions, labels=labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.spines[["top", "right"]].set_visible(False)
    if title:
        axes.set_title(title, fontsize=10, loc="left")
    figure.legend(
        loc="outside lower center", ncols=len(SCALE), fontsize=7, frameon=False, handlelength=1
    )
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "maillage"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
