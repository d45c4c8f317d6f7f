"""Transparent lottery, phase one: round the distribution to 1,000 equally likely panels.

Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent", NeurIPS 2021: a distribution
over panels with irrational-looking weights cannot be drawn in public; a *uniform* lottery over
``m`` panels can (draw a number in ``0..m-1``). Rounding ``m * w_P`` to integers changes each
person's probability; the paper bounds that change and computes good roundings by integer
programming. We do the same:

1. *dependent (systematic) rounding*: every panel keeps ``floor(m w_P)`` copies and exactly the
   missing number of panels get one extra copy, each with probability equal to its fractional
   part (a seeded systematic sample, so the expected probability of everyone is unchanged);
2. *optimised rounding*: an ILP (HiGHS) over the same floor/ceil choices minimising the largest
   deviation ``|count_i / m - p_i|``, started from step 1's solution and limited in nodes so
   that the result does not depend on the machine's speed.

The published file lists the ``m`` panels with pseudonyms, in a canonical order, and its
SHA-256 over a canonical JSON serialisation (see :func:`canonical_bytes`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import highspy
import numpy as np

from maillage.sortition.problem import Panel, SortitionProblem

FORMAT = "maillage-sortition-lottery/1"
LOTTERY_SIZE = 1000


@dataclass
class Lottery:
    """``m`` panels (with repetitions), each to be drawn with probability ``1/m``."""

    panels: list[Panel]
    size: int
    probabilities: dict[str, Fraction]
    exact: dict[str, float]
    max_deviation: float
    systematic_max_deviation: float

    @property
    def deviations(self) -> dict[str, float]:
        """``count_i / m - p_i`` for every volunteer."""
        return {i: float(self.probabilities[i]) - self.exact[i] for i in self.exact}


def _systematic(fractions: np.ndarray, extra: int, u: float) -> np.ndarray:
    """Pick exactly ``extra`` indices, index ``j`` with probability ``fractions[j]``."""
    cumulative = np.concatenate(([0.0], np.cumsum(fractions)))
    points = u + np.arange(extra)
    picked = np.searchsorted(cumulative, points, side="right") - 1
    chosen = np.zeros(len(fractions), dtype=np.int64)
    chosen[np.clip(picked, 0, len(fractions) - 1)] = 1
    return chosen


def round_to_lottery(
    problem: SortitionProblem,
    panels: Sequence[Panel],
    weights: Sequence[float],
    *,
    size: int = LOTTERY_SIZE,
    seed: int = 0,
    max_nodes: int = 500,
) -> Lottery:
    """Round ``weights`` to a uniform lottery over ``size`` panels (Flanigan et al. 2021b).

    Deterministic given its inputs. ``max_deviation`` is the largest change of a selection
    probability, in probability units (it cannot be below ``dist(m p_i, Z) / m``).
    """
    w = np.asarray(weights, dtype=np.float64)
    scaled = w * size
    floors = np.floor(scaled + 1e-9).astype(np.int64)
    fractions = np.clip(scaled - floors, 0.0, 1.0)
    extra = size - int(floors.sum())
    if extra < 0 or extra > len(w):
        raise ValueError("Weights do not sum to one.")
    fractions = fractions * (extra / fractions.sum()) if extra else np.zeros_like(fractions)
    index = problem.index
    n = len(problem.people)
    incidence = np.zeros((len(panels), n), dtype=np.float64)
    for k, panel in enumerate(panels):
        incidence[k, [index[i] for i in panel]] = 1.0
    exact = w @ incidence
    rng = np.random.default_rng(seed)
    up = _systematic(fractions, extra, float(rng.random())) if extra else np.zeros(len(w), int)
    systematic = float(np.abs((floors + up) @ incidence / size - exact).max())
    up = _optimise(incidence, floors, up, exact * size, extra, max_nodes)
    copies = floors + up
    counts = copies @ incidence
    repeated: list[Panel] = []
    for k, c in enumerate(copies):
        repeated.extend([panels[k]] * int(c))
    ids = problem.ids
    return Lottery(
        panels=sorted(repeated, key=sorted),
        size=size,
        probabilities={ids[j]: Fraction(round(counts[j]), size) for j in range(n)},
        exact={ids[j]: float(exact[j]) for j in range(n)},
        max_deviation=float(np.abs(counts / size - exact).max()),
        systematic_max_deviation=systematic,
    )


def _optimise(
    incidence: np.ndarray,
    floors: np.ndarray,
    start: np.ndarray,
    target: np.ndarray,
    extra: int,
    max_nodes: int,
) -> np.ndarray:
    """ILP: choose ``extra`` panels to round up, minimising the largest count deviation."""
    candidates = np.flatnonzero(np.ones(len(floors), dtype=bool))
    if extra == 0:
        return start
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_max_nodes", max_nodes)
    up = [h.addBinary() for _ in candidates]
    d = h.addVariable(lb=0.0)
    h.addConstr(sum(up) == extra)
    base = floors @ incidence - target
    for i in range(incidence.shape[1]):
        rows = np.flatnonzero(incidence[:, i])
        expr = sum(up[k] for k in rows) if len(rows) else 0
        h.addConstr(expr + float(base[i]) <= d)
        h.addConstr(expr + float(base[i]) >= -d)
    h.minimize(d)
    solution = h.getSolution()
    status = h.getModelStatus()
    if not solution.value_valid or status == highspy.HighsModelStatus.kInfeasible:
        return start
    values = np.asarray(solution.col_value[: len(candidates)])
    chosen = (values > 0.5).astype(np.int64)
    if chosen.sum() != extra:
        return start
    before = np.abs((floors + start) @ incidence - target).max()
    after = np.abs((floors + chosen) @ incidence - target).max()
    return chosen if after <= before else start


# --- publication -------------------------------------------------------------------------


def make_pseudonyms(ids: Iterable[str], secret: bytes) -> dict[str, str]:
    """Stable, unlinkable pseudonyms: HMAC-SHA256(secret, id), base32, grouped ``XXXX-XXXX``.

    The organiser keeps ``secret`` and tells each volunteer their own pseudonym, so everyone
    can find themselves in the published list without anyone else learning who they are.
    """
    ids = list(ids)
    length = 8
    while True:
        result = {}
        for i in ids:
            digest = hmac.new(secret, i.encode("utf-8"), hashlib.sha256).digest()
            code = base64.b32encode(digest).decode("ascii")[:length]
            result[i] = "-".join(code[k : k + 4] for k in range(0, length, 4))
        if len(set(result.values())) == len(ids):
            return result
        length += 4


def publication(lottery: Lottery, pseudonyms: Mapping[str, str]) -> dict[str, object]:
    """The document to publish before the draw (its hash is :func:`lottery_hash`).

    ``pool`` lists every volunteer's pseudonym (so those with probability zero can see it);
    ``panels`` lists the ``m`` panels, each as sorted pseudonyms, the list itself sorted.
    """
    panels = sorted(sorted(pseudonyms[i] for i in panel) for panel in lottery.panels)
    return {
        "format": FORMAT,
        "lottery_size": lottery.size,
        "panel_size": len(panels[0]) if panels else 0,
        "pool": sorted(pseudonyms[i] for i in lottery.exact),
        "panels": panels,
    }


def canonical_bytes(document: Mapping[str, object]) -> bytes:
    """UTF-8 JSON, keys sorted, no whitespace, non-ASCII kept: the bytes that are hashed."""
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def lottery_hash(document: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the canonical serialisation of the published lottery."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def published_probabilities(document: Mapping[str, object]) -> dict[str, str]:
    """Each pseudonym's probability ``k/m`` as a string, recomputed from the panels alone."""
    size = int(document["lottery_size"])  # type: ignore[call-overload]
    counts: dict[str, int] = dict.fromkeys(document["pool"], 0)  # type: ignore[call-overload]
    for panel in document["panels"]:  # type: ignore[attr-defined]
        for pseudonym in panel:
            counts[pseudonym] = counts.get(pseudonym, 0) + 1
    return {p: f"{c}/{size}" for p, c in sorted(counts.items())}


def probability_bound(lottery: Lottery) -> float:
    """Smallest possible worst deviation for this instance: ``max_i dist(m p_i, Z) / m``."""
    m = lottery.size
    return max(abs(p * m - math.floor(p * m + 0.5)) for p in lottery.exact.values()) / m
