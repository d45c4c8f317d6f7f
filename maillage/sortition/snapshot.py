"""From the database to the pure modules and back: the plain problem a run is fed.

A run freezes its input as JSON (:func:`problem_input`) so that a worker computes exactly what
the organiser asked for, even if the pool changes meanwhile; :func:`problem_from_input` rebuilds
the :class:`~maillage.sortition.problem.SortitionProblem` from it.
"""

from __future__ import annotations

from typing import Any

from .models import Convention, Quota, Volunteer
from .problem import Quota as PlainQuota
from .problem import SortitionProblem
from .problem import Volunteer as PlainVolunteer


def problem_input(
    convention: Convention,
    volunteers: list[Volunteer] | None = None,
    quotas: list[Quota] | None = None,
) -> dict[str, Any]:
    """The pool (ids, feature values, cooperatives), the quotas and the settings, as JSON."""
    if volunteers is None:
        volunteers = list(convention.volunteers.order_by("pk"))
    if quotas is None:
        quotas = list(convention.quotas.all())
    return {
        "panel_size": convention.panel_size,
        "exclusive_households": convention.one_per_cooperative,
        "people": [[str(v.pk), dict(v.features), v.household] for v in volunteers],
        "quotas": [[q.feature, q.value, q.min, q.max] for q in quotas],
    }


def problem_from_input(data: dict[str, Any]) -> SortitionProblem:
    """The normalised problem described by :func:`problem_input`."""
    return SortitionProblem.build(
        [PlainVolunteer(i, features, household) for i, features, household in data["people"]],
        [PlainQuota(f, v, low, high) for f, v, low, high in data["quotas"]],
        int(data["panel_size"]),
        exclusive_households=bool(data["exclusive_households"]),
    )
