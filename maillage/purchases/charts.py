"""Bar charts of purchase figures as SVG (matplotlib, object API only, text kept as text).

Pages always show the same figures in a table beside the chart; hidden (secret) cells are drawn
as no bar and named in the table.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure

BAR_COLOUR = "#1f6b33"
SECOND_COLOUR = "#c9c9c9"


def bars_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str = "€",
    horizontal: bool = True,
    title: str = "",
) -> str:
    """One bar per label; ``None`` values (secret) get no bar. Returns an SVG document."""
    count = max(len(labels), 1)
    if horizontal:
        figure = Figure(figsize=(6.5, 1.0 + 0.3 * count), layout="constrained")
    else:
        figure = Figure(figsize=(6.5, 3.2), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    heights = [v if v is not None else 0 for v in values]
    if horizontal:
        axes.barh(positions, heights, color=BAR_COLOUR, height=0.7)
        axes.set_yticks(positions, labels=[label[:45] for label in labels], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlabel(unit)
    else:
        axes.bar(positions, heights, color=BAR_COLOUR, width=0.7)
        axes.set_xticks(positions, labels=list(labels), fontsize=8)
        axes.set_ylabel(unit)
    axes.spines[["top", "right"]].set_visible(False)
    if title:
        axes.set_title(title, fontsize=10, loc="left")
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "maillage"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def share_svg(labels: Sequence[str], shares: Sequence[float]) -> str:
    """Stacked 100 % bars: share bought inside the network (green) and outside (grey)."""
    figure = Figure(figsize=(6.5, 1.0 + 0.35 * max(len(labels), 1)), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    inside = [100 * s for s in shares]
    outside = [100 - v for v in inside]
    axes.barh(positions, inside, color=BAR_COLOUR, height=0.7, label="réseau")
    axes.barh(positions, outside, left=inside, color=SECOND_COLOUR, height=0.7, label="hors")
    axes.set_yticks(positions, labels=list(labels), fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.spines[["top", "right"]].set_visible(False)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "maillage"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    """For an ``<img src>``: the SVG never runs inside the page, whatever its labels say."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
