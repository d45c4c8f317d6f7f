"""Why a pair was proposed, why a request stays unassigned, and the nearest options."""

from __future__ import annotations

import numpy as np

from .model import (
    KIND_AMBASSADOR,
    KIND_SPONSOR,
    REASON_CONTENTION,
    REASON_FORBIDDEN,
    REASON_FULL,
    REASON_NO_KIND,
    REASON_NO_TERRITORY,
    REASON_NO_TOPIC,
    Cost,
    NearOption,
    Volunteer,
    _,
    _num,
)
from .problem import _has, _haversine, _Problem

# --- Explanations -----------------------------------------------------------------------------


def _explain(
    volunteer: Volunteer, cost: Cost, same_family: bool, load_after: int, fixed: bool
) -> str:
    parts = [_("à {km} km").format(km=_num(cost.distance_km))]
    parts.append(_("même famille de secteurs") if same_family else _("autre famille de secteurs"))
    years = volunteer.experience_years
    parts.append(_("{n} ans d'expérience").format(n=_num(years)) if years >= 1 else _("débutant·e"))
    parts.append(_("charge après : {load}/{cap}").format(load=load_after, cap=volunteer.capacity))
    text = f"{volunteer.display} : " + " · ".join(parts)
    if fixed:
        text += " · " + _("imposé par le délégué")
    return text + "."


def _reason(problem: _Problem, i: int) -> tuple[str, str]:
    """Why request i has no pairing, from the most fundamental cause down."""
    req = problem.requests[i]
    kind_ok = np.array([v.kind == req.kind for v in problem.volunteers], dtype=bool)
    label = {KIND_SPONSOR: _("parrain"), KIND_AMBASSADOR: _("ambassadeur")}.get(
        req.kind, _("mentor")
    )
    if not kind_ok.any():
        return REASON_NO_KIND, _("Aucun {kind} n'est inscrit.").format(kind=label)
    zone = np.zeros(len(problem.volunteers), dtype=bool)
    for z in req.zones:
        if z in problem.by_zone:
            zone[problem.by_zone[z]] = True
    ok = kind_ok & zone
    if not ok.any():
        return REASON_NO_TERRITORY, _("Aucun {kind} ne couvre ce territoire.").format(kind=label)
    if req.topic is not None:
        everyone = np.arange(len(problem.volunteers))
        ok &= _has(problem.topic_matrix, problem.topic_code, req.topic, everyone)
        if not ok.any():
            return REASON_NO_TOPIC, _(
                "Aucun {kind} de ce territoire ne traite le thème « {topic} »."
            ).format(kind=label, topic=req.topic)
    roomy = ok & (problem.free > 0)
    if not roomy.any():
        return REASON_FULL, _("Les {n} {kind}(s) éligibles sont déjà à pleine capacité.").format(
            n=int(ok.sum()), kind=label
        )
    banned = problem.forbidden.get(i, set())
    if all(j in banned for j in np.flatnonzero(roomy).tolist()):
        return REASON_FORBIDDEN, _(
            "Les seuls {kind}s éligibles avec de la place ont été écartés par le délégué."
        ).format(kind=label)
    return REASON_CONTENTION, _(
        "Les {n} {kind}(s) éligibles avec de la place sont tous pris par d'autres demandes : "
        "il n'y a pas assez de places pour tout le monde dans ce territoire."
    ).format(n=int(roomy.sum()), kind=label)


def _nearest(
    problem: _Problem, i: int, remaining: np.ndarray, n: int = 3
) -> tuple[NearOption, ...]:
    """The nearest volunteers of the right kind, territory ignored, preferring those with room."""
    req = problem.requests[i]
    same_kind = np.flatnonzero(
        np.array([v.kind == req.kind for v in problem.volunteers], dtype=bool)
    )
    banned = problem.forbidden.get(i, set())
    same_kind = np.array([j for j in same_kind.tolist() if j not in banned], dtype=np.int64)
    if not len(same_kind):
        return ()
    km = _haversine(req.latitude, req.longitude, problem.lat[same_kind], problem.lon[same_kind])
    order = np.lexsort((km, remaining[same_kind] <= 0))[:n]
    out = []
    for pos in order.tolist():
        j = int(same_kind[pos])
        v = problem.volunteers[j]
        out.append(
            NearOption(
                volunteer_id=v.id,
                distance_km=float(km[pos]),
                covers_territory=bool(v.territories & req.zones),
                knows_topic=req.topic is None or req.topic in v.topics,
                free_capacity=int(remaining[j]),
            )
        )
    return tuple(out)
