"""Reads of the sortition app: conventions, the pool, quota rows, probability statistics."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import formats
from django.utils.html import escape
from django.utils.translation import gettext as _

from .enums import RunKind, RunStatus
from .lottery import published_probabilities
from .models import Convention, Run, Volunteer


def conventions_list() -> QuerySet[Convention]:
    """All conventions, most recent first, with their pool size."""
    return Convention.objects.annotate(pool_size=Count("volunteers")).order_by("-created_at")


def pool(convention: Convention) -> QuerySet[Volunteer]:
    """The pool for organisers, in name order (one query)."""
    return convention.volunteers.select_related("user").order_by("full_name", "pk")


def latest_run(convention: Convention, kind: str = RunKind.DISTRIBUTION) -> Run | None:
    return convention.runs.filter(kind=kind).order_by("-created_at", "-pk").first()


def latest_done_run(convention: Convention) -> Run | None:
    return (
        convention.runs.filter(kind=RunKind.DISTRIBUTION, status=RunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def quota_rows(convention: Convention) -> list[dict[str, Any]]:
    """One row per criterion value: labels, volunteers in the pool, current bounds."""
    counts: Counter[tuple[str, str]] = Counter()
    for features in convention.volunteers.values_list("features", flat=True):
        for key, value in features.items():
            counts[(key, value)] += 1
    quotas = {(q.feature, q.value): q for q in convention.quotas.all()}
    rows = []
    for feature in convention.features:
        for value in feature["values"]:
            key = (feature["key"], value["key"])
            quota = quotas.get(key)
            rows.append(
                {
                    "feature": feature["key"],
                    "feature_label": feature["label"],
                    "value": value["key"],
                    "value_label": value["label"],
                    "available": counts[key],
                    "min": quota.min if quota else 0,
                    "max": quota.max if quota else convention.panel_size,
                    "set": quota is not None,
                }
            )
    return rows


@dataclass(frozen=True)
class Stats:
    """Summary of selection probabilities."""

    count: int
    minimum: float
    median: float
    maximum: float
    spread: float
    mean: float


def stats(values: list[float]) -> Stats | None:
    if not values:
        return None
    low, high = min(values), max(values)
    return Stats(
        len(values), low, statistics.median(values), high, high - low, statistics.fmean(values)
    )


def histogram_svg(
    values: list[float], *, bins: int = 20, width: int = 560, height: int = 180
) -> str:
    """An accessible SVG histogram of probabilities (percent on the x axis), no JavaScript."""
    if not values:
        return ""
    top = max(max(values), 1e-9)
    step = top / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int(v / step))] += 1
    peak = max(counts)
    left, bottom, bar_w = 36, 24, (width - 36 - 12) / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="histo-title" class="histogram">'
    ]
    parts.append(
        f'<title id="histo-title">{escape(_("Histogramme des probabilités de sélection"))}</title>'
    )

    def pct(value: float) -> str:
        return f"{formats.number_format(value, 1)}\u202f%"

    plot_h = height - bottom - 8
    for k, c in enumerate(counts):
        h = plot_h * c / peak if peak else 0
        x = left + k * bar_w
        lo, hi = 100 * k * step, 100 * (k + 1) * step
        parts.append(
            f'<rect x="{x:.1f}" y="{8 + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
            f'fill="#2f6f62"><title>{pct(lo)} – {pct(hi)} : {c}</title></rect>'
        )
    axis_y, right = 8 + plot_h, left + bins * bar_w
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{right:.1f}" y2="{axis_y}" stroke="#333"/>')
    for k, anchor in ((0, "start"), (bins // 2, "middle"), (bins, "end")):
        x = left + k * bar_w
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="{anchor}">'
            f"{pct(100 * k * step)}</text>"
        )
    parts.append(f'<text x="4" y="16" font-size="11">{peak}</text>')
    parts.append("</svg>")
    return "".join(parts)


def published_rows(convention: Convention) -> list[tuple[str, str, float]]:
    """(pseudonym, ``k/1000``, as a number) for every volunteer, from the published file."""
    publication = getattr(convention, "publication", None)
    if publication is None:
        return []
    probabilities = published_probabilities(json.loads(publication.content))
    return [(p, text, float(Fraction(text))) for p, text in probabilities.items()]
