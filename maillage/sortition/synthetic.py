"""Synthetic pools shaped like self-selected volunteer pools, for tests and benchmarks.

Real pools over-represent some groups (older, retired, board members, large urban regions): the
quotas then ask for *population* shares, which forces unequal selection probabilities. That is
the regime where the choice of algorithm matters (Flanigan et al., Nature 2021, Fig. 2).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from maillage.sortition.problem import Quota, SortitionProblem, Volunteer


@dataclass(frozen=True)
class FeatureSpec:
    """A feature with its values, their share in the target population and a volunteering bias."""

    name: str
    values: tuple[str, ...]
    population: tuple[float, ...]
    bias: tuple[float, ...]


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("genre", ("femme", "homme", "autre"), (0.50, 0.48, 0.02), (0.8, 1.2, 1.0)),
    FeatureSpec(
        "age",
        ("18-29", "30-44", "45-59", "60-74", "75+"),
        (0.18, 0.26, 0.27, 0.20, 0.09),
        (0.35, 0.8, 1.1, 1.9, 0.9),
    ),
    FeatureSpec(
        "territoire",
        ("idf", "grand-ouest", "sud", "nord-est", "centre-massif", "outre-mer"),
        (0.19, 0.22, 0.25, 0.20, 0.11, 0.03),
        (1.6, 1.3, 0.9, 0.7, 0.6, 0.5),
    ),
    FeatureSpec(
        "famille",
        ("scop", "scic", "agricole", "consommation", "banque", "habitat"),
        (0.15, 0.10, 0.30, 0.20, 0.18, 0.07),
        (2.0, 2.2, 0.6, 0.8, 0.5, 1.0),
    ),
    FeatureSpec(
        "role",
        ("salarie-associe", "administrateur", "usager-societaire", "benevole"),
        (0.30, 0.10, 0.45, 0.15),
        (1.0, 2.8, 0.45, 1.5),
    ),
    FeatureSpec(
        "taille",
        ("tpe", "pme", "grande"),
        (0.35, 0.40, 0.25),
        (1.3, 1.0, 0.6),
    ),
)


def _draw(rng: random.Random, spec: FeatureSpec, tilt: dict[str, float] | None = None) -> str:
    weights = [
        p * b * (tilt or {}).get(v, 1.0)
        for v, p, b in zip(spec.values, spec.population, spec.bias, strict=True)
    ]
    return rng.choices(spec.values, weights=weights)[0]


def generate_problem(
    *,
    pool_size: int,
    panel_size: int,
    n_features: int,
    seed: int,
    slack: float = 0.12,
    coop_size: float = 1.6,
    exclusive_households: bool = True,
) -> SortitionProblem:
    """A reproducible skewed pool with quotas ``share * panel_size`` widened by ``slack``.

    Bounds are ``floor(s*k - slack*s*k - 0.5)`` .. ``ceil(s*k + slack*s*k + 0.5)`` (at least one
    seat of play each side), where ``s`` is the population share and ``k`` the panel size; about
    ``pool_size / coop_size`` cooperatives act as households. Age and role are correlated
    (retired volunteers are more often board members or volunteers), so are territory and family.
    """
    if not 1 <= n_features <= len(FEATURES):
        raise ValueError(f"n_features must be between 1 and {len(FEATURES)}")
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible by design
    specs = FEATURES[:n_features]
    n_coops = max(1, round(pool_size / coop_size))
    people: list[Volunteer] = []
    for j in range(pool_size):
        values: dict[str, str] = {}
        for spec in specs:
            tilt: dict[str, float] | None = None
            if spec.name == "role" and values.get("age") in {"60-74", "75+"}:
                tilt = {"benevole": 2.0, "administrateur": 1.5, "salarie-associe": 0.3}
            if spec.name == "famille" and values.get("territoire") == "grand-ouest":
                tilt = {"agricole": 2.0}
            values[spec.name] = _draw(rng, spec, tilt)
        people.append(Volunteer(f"v{j:04d}", values, household=f"c{rng.randrange(n_coops):04d}"))
    quotas: list[Quota] = []
    for spec in specs:
        for value, share in zip(spec.values, spec.population, strict=True):
            target = share * panel_size
            low = max(0, math.floor(target - slack * target - 0.5))
            high = min(panel_size, math.ceil(target + slack * target + 0.5))
            quotas.append(Quota(spec.name, value, low, high))
    return SortitionProblem.build(
        people, quotas, panel_size, exclusive_households=exclusive_households
    )
