"""The assignment run: computed proposal, the delegate's overrides, acceptance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import User
from maillage.territories.models import Union

from .. import assignment as algo
from .. import selectors
from ..enums import (
    MILESTONE_DUE_DAYS,
    EventStatus,
    MilestoneKind,
    RequestStatus,
    RunStatus,
    VolunteerKind,
)
from ..models import (
    AmbassadorEvent,
    AssignmentRun,
    MentoringRequest,
    Milestone,
    Sponsorship,
    Volunteer,
)
from .common import (
    MentoringError,
    _send,
    _site_url,
    audit,
    organisation_contacts,
    volunteer_contacts,
)
from .events import _overlapping

# ----------------------------------------------------------------------------- assignment


def _fmt_km(value: float) -> str:
    return f"{value:.0f}".replace(".", ",")


def _event_pair_text(name: str, pairing: algo.Pairing, upcoming: int, fixed: bool) -> str:
    parts = [
        _("à %s km") % _fmt_km(pairing.cost.distance_km),
        _("%s ans d'expérience") % int(pairing.experience_years)
        if pairing.experience_years >= 1
        else _("débutant·e"),
        _("%d autre(s) intervention(s) à venir") % upcoming,
    ]
    text = f"{name} : " + " · ".join(parts)
    if fixed:
        text += " · " + _("imposé par le délégué")
    return text + "."


def _event_reason(inputs: selectors.Inputs, key: str, code: str, fallback: str) -> tuple[str, str]:
    """Why an event has no ambassador, in the terms of events: territory, format and topic,
    date and overlaps, or the delegate's choices."""
    event = inputs.request_rows[key]
    assert isinstance(event, AmbassadorEvent)
    ambassadors = [v for v in inputs.volunteer_rows.values() if v.kind == VolunteerKind.AMBASSADOR]
    if not ambassadors:
        return code, _("Aucun ambassadeur n'est inscrit.")
    zones = selectors.zones_of(event.commune)
    covering = [a for a in ambassadors if selectors.parse_zones(a.territories) & zones]
    if not covering:
        return "no_territory", _(
            "Aucun ambassadeur ne couvre %(commune)s : la demande est hors de tous les "
            "territoires couverts. Voici les plus proches."
        ) % {"commune": event.commune.name}
    blockers = inputs.event_blockers.get(key, {})
    reasons = [blockers.get(a.pk) for a in covering]
    if all(r in ("format", "topic") for r in reasons):
        return "no_topic", _(
            "Aucun ambassadeur de ce territoire ne propose « %(format)s » sur le thème "
            "« %(topic)s »."
        ) % {"format": event.get_format_display(), "topic": event.get_topic_display()}
    if all(r is not None for r in reasons):
        day = date_format(timezone.localtime(event.starts_at), "l j F Y")
        if any(r == "overlap" for r in reasons):
            return "unavailable", _(
                "Les ambassadeurs de ce territoire ne sont pas disponibles le %(day)s ou ont "
                "déjà une intervention qui chevauche celle-ci."
            ) % {"day": day}
        return "unavailable", _(
            "Aucun ambassadeur de ce territoire n'est disponible le %(day)s."
        ) % {"day": day}
    if code == algo.REASON_FORBIDDEN:
        return code, _("Les seuls ambassadeurs disponibles ont été écartés par le délégué.")
    return code, _(
        "Les ambassadeurs disponibles sont pris par d'autres interventions au même moment."
    )


def _label(row: MentoringRequest | AmbassadorEvent) -> str:
    if isinstance(row, AmbassadorEvent):
        day = date_format(timezone.localtime(row.starts_at), "j F Y, H\\hi")
        return f"{row.title} — {row.requester_name} ({day})"
    label = f"{row.organisation.name} — {row.get_kind_display()}"
    if row.topic:
        label += f" ({row.get_topic_display()})"
    return label


def _kind_of(row: MentoringRequest | AmbassadorEvent) -> str:
    return VolunteerKind.AMBASSADOR if isinstance(row, AmbassadorEvent) else row.kind


def _overrides_to_algo(
    inputs: selectors.Inputs,
    fixed: Iterable[Sequence[Any]],
    forbidden: Iterable[Sequence[Any]],
    upcoming: dict[int, list[AmbassadorEvent]],
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The delegate's (request key, volunteer pk) pairs in the algorithm's ids."""
    algo_fixed: set[tuple[str, str]] = set()
    algo_forbidden: set[tuple[str, str]] = set()
    known = {r.id for r in inputs.requests}

    def target(key: str, pk: int, *, imposing: bool) -> str | None:
        volunteer = inputs.volunteer_rows.get(pk)
        if key not in known or volunteer is None:
            return None  # request answered or withdrawn since, or volunteer gone
        if key.startswith("e"):
            if volunteer.kind != VolunteerKind.AMBASSADOR:
                return None
            component = inputs.event_component[key]
            if (pk, component) in inputs.virtual:
                return inputs.virtual[(pk, component)]
            if not imposing:
                return None
            event = inputs.request_rows[key]
            assert isinstance(event, AmbassadorEvent)
            if any(event.overlaps(other) for other in upcoming.get(pk, [])):
                raise MentoringError(
                    _("%(name)s a déjà une intervention qui chevauche « %(event)s ».")
                    % {"name": volunteer.display_name, "event": event.title}
                )
            return selectors.add_virtual_ambassador(
                inputs, volunteer, component, set(), upcoming.get(pk, [])
            )
        return selectors.volunteer_key(pk)

    for key, pk in fixed:
        vid = target(str(key), int(pk), imposing=True)
        if vid is not None:
            algo_fixed.add((str(key), vid))
    for key, pk in forbidden:
        vid = target(str(key), int(pk), imposing=False)
        if vid is not None:
            algo_forbidden.add((str(key), vid))
    return algo_fixed, algo_forbidden


def assignment_compute(
    *,
    union: Union,
    fixed: Sequence[Sequence[Any]] = (),
    forbidden: Sequence[Sequence[Any]] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """The proposal for a union as plain JSON-ready data (no write): the optimum with its
    explanations, unassigned requests with reasons and nearest options, the greedy beside."""
    inputs = selectors.assignment_inputs(union, now=now)
    upcoming = selectors.ambassador_upcoming(now=now)
    algo_fixed, algo_forbidden = _overrides_to_algo(inputs, fixed, forbidden, upcoming)
    try:
        result = algo.reoptimise(
            inputs.requests, inputs.volunteers, fixed=algo_fixed, forbidden=algo_forbidden
        )
    except ValueError as error:
        if "capacity" in str(error):
            raise MentoringError(
                _(
                    "Capacité dépassée : les paires imposées demandent plus de places que le "
                    "bénévole n'en a, ou deux interventions qui se chevauchent au même "
                    "ambassadeur."
                )
            ) from error
        raise MentoringError(_("Paire imposée impossible : %s") % error) from error

    def real(vid: str) -> int:
        return inputs.real_volunteer[vid]

    greedy_of = {r: real(v) for r, v in result.greedy.pairs}
    items: list[dict[str, Any]] = []
    for pairing in result.pairings:
        row = inputs.request_rows[pairing.request_id]
        volunteer = inputs.volunteer_rows[real(pairing.volunteer_id)]
        if isinstance(row, AmbassadorEvent):
            text = _event_pair_text(
                volunteer.display_name,
                pairing,
                len(upcoming.get(volunteer.pk, [])),
                pairing.fixed,
            )
        else:
            text = pairing.text
        greedy_pk = greedy_of.get(pairing.request_id)
        greedy_name = inputs.volunteer_rows[greedy_pk].display_name if greedy_pk is not None else ""
        items.append(
            {
                "key": pairing.request_id,
                "kind": _kind_of(row),
                "label": _label(row),
                "volunteer": volunteer.pk,
                "volunteer_name": volunteer.display_name,
                "text": text,
                "fixed": pairing.fixed,
                "cost": round(pairing.cost.total, 4),
                "distance_km": round(pairing.cost.distance_km, 1),
                "greedy_volunteer": greedy_pk,
                "greedy_name": greedy_name,
                "differs": greedy_pk != volunteer.pk,
            }
        )
    unassigned: list[dict[str, Any]] = []
    for miss in result.unassigned:
        row = inputs.request_rows[miss.request_id]
        code, text = miss.reason, miss.text
        if isinstance(row, AmbassadorEvent):
            code, text = _event_reason(inputs, miss.request_id, code, text)
        elif code == algo.REASON_NO_TERRITORY:
            commune = row.organisation.commune
            text = _(
                "Aucun bénévole de ce type ne couvre %(commune)s : la demande est hors de tous "
                "les territoires couverts. Voici les plus proches."
            ) % {"commune": commune.name if commune else "—"}
        nearest: list[dict[str, Any]] = []
        seen: set[int] = set()
        for option in miss.nearest:
            pk = real(option.volunteer_id)
            if pk in seen:
                continue
            seen.add(pk)
            knows = option.knows_topic
            if isinstance(row, AmbassadorEvent):
                volunteer = inputs.volunteer_rows[pk]
                knows = row.topic in volunteer.topics and row.format in volunteer.formats
            nearest.append(
                {
                    "volunteer": pk,
                    "name": inputs.volunteer_rows[pk].display_name,
                    "distance_km": round(option.distance_km, 1),
                    "covers_territory": option.covers_territory,
                    "knows_topic": knows,
                    "free": max(option.free_capacity, 0),
                }
            )
        unassigned.append(
            {
                "key": miss.request_id,
                "kind": _kind_of(row),
                "label": _label(row),
                "reason": code,
                "text": text,
                "nearest": nearest,
                "greedy_volunteer": greedy_of.get(miss.request_id),
            }
        )
    for key, _reason in inputs.skipped:
        unassigned.append(
            {
                "key": key,
                "kind": _kind_of(inputs.request_rows[key]),
                "label": _label(inputs.request_rows[key]),
                "reason": "no_point",
                "text": _("La commune de la coopérative n'a pas de position connue."),
                "nearest": [],
                "greedy_volunteer": None,
            }
        )
    differences = sum(1 for item in items if item["differs"]) + sum(
        1 for miss in unassigned if miss["greedy_volunteer"] is not None
    )
    return {
        "items": items,
        "unassigned": unassigned,
        "optimal": {
            "assigned": len(items),
            "total_cost": round(result.total_cost, 4),
            "proven": result.proven_optimal,
            "seconds": round(result.solve_seconds, 3),
        },
        "greedy": {
            "assigned": result.greedy.assigned,
            "total_cost": round(result.greedy.total_cost, 4),
            "cost_ratio": round(result.greedy.cost_ratio, 4)
            if result.greedy.cost_ratio is not None
            else None,
            "differences": differences,
        },
    }


@transaction.atomic
def run_create(
    *,
    union: Union,
    by: User | None,
    fixed: Sequence[Sequence[Any]] = (),
    forbidden: Sequence[Sequence[Any]] = (),
    now: datetime | None = None,
) -> AssignmentRun:
    """Compute and keep a proposal for the union; earlier open proposals are superseded."""
    fixed_list = [[str(k), int(v)] for k, v in fixed]
    forbidden_list = [[str(k), int(v)] for k, v in forbidden]
    if {tuple(p) for p in fixed_list} & {tuple(p) for p in forbidden_list}:
        raise MentoringError(_("Une paire ne peut pas être à la fois imposée et écartée."))
    if len({k for k, _v in fixed_list}) != len(fixed_list):
        raise MentoringError(_("Une demande ne peut être imposée qu'à un seul bénévole."))
    result = assignment_compute(union=union, fixed=fixed_list, forbidden=forbidden_list, now=now)
    AssignmentRun.objects.filter(union=union, status=RunStatus.PROPOSED).update(
        status=RunStatus.SUPERSEDED
    )
    return AssignmentRun.objects.create(
        union=union,
        created_by=by,
        fixed=fixed_list,
        forbidden=forbidden_list,
        result=result,
        total_cost=result["optimal"]["total_cost"],
        greedy_cost=result["greedy"]["total_cost"],
        proven_optimal=result["optimal"]["proven"],
    )


def run_override(
    *, run: AssignmentRun, by: User | None, action: str, key: str, volunteer: int
) -> AssignmentRun:
    """A delegate imposes (``fix``), rules out (``forbid``) or lifts (``clear``) a pair, and the
    assignment is optimised again with every override so far."""
    fixed = [p for p in run.fixed if p[0] != key] if action == "fix" else list(run.fixed)
    forbidden = list(run.forbidden)
    pair = [key, int(volunteer)]
    if action == "fix":
        forbidden = [p for p in forbidden if p != pair]
        fixed.append(pair)
    elif action == "forbid":
        fixed = [p for p in fixed if p != pair]
        if pair not in forbidden:
            forbidden.append(pair)
    elif action == "clear":
        fixed = [p for p in fixed if p != pair]
        forbidden = [p for p in forbidden if p != pair]
    else:
        raise MentoringError(_("Action inconnue."))
    new_run = run_create(union=run.union, by=by, fixed=fixed, forbidden=forbidden)
    audit(
        actor=by,
        action=AuditAction.MENTORING_PAIR_OVERRIDDEN,
        target_type="assignment_run",
        target_id=new_run.pk,
        target_repr=_("Proposition de parrainages n° %s") % new_run.pk,
        union_id=run.union_id,
        details={"override": action, "request": key, "volunteer": int(volunteer)},
    )
    return new_run


@dataclass
class Acceptance:
    sponsorships: list[Sponsorship]
    events: list[AmbassadorEvent]
    skipped: list[str]


def _milestones(sponsorship: Sponsorship) -> None:
    Milestone.objects.bulk_create(
        Milestone(
            sponsorship=sponsorship,
            kind=kind,
            due_on=sponsorship.started_on + timedelta(days=MILESTONE_DUE_DAYS[kind]),
        )
        for kind in MilestoneKind
    )


@transaction.atomic
def run_accept(
    *,
    run: AssignmentRun,
    by: User | None,
    keys: Iterable[str] | None = None,
    today: date | None = None,
) -> Acceptance:
    """The delegate confirms the proposal (all of it, or the pairings in ``keys``).

    Every pairing is checked again, as things may have moved since the run: a request answered
    meanwhile, a volunteer now full, an ambassador now busy at that hour. Those are skipped and
    said; the rest become sponsorships (with their three milestones) and confirmed events.
    """
    run = AssignmentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
    if run.status != RunStatus.PROPOSED:
        raise MentoringError(_("Cette proposition a déjà été acceptée ou remplacée."))
    today = today or timezone.localdate()
    wanted = set(keys) if keys is not None else None
    out = Acceptance(sponsorships=[], events=[], skipped=[])
    for item in run.result.get("items", []):
        key = item["key"]
        if wanted is not None and key not in wanted:
            continue
        volunteer = (
            Volunteer.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .filter(pk=item["volunteer"], is_active=True)
            .first()
        )
        if volunteer is None:
            out.skipped.append(_("%s : le bénévole n'est plus disponible.") % item["label"])
            continue
        if key.startswith("e"):
            event = (
                AmbassadorEvent.objects.select_for_update(of=("self",))
                .filter(pk=int(key[1:]))
                .first()
            )
            if event is None or event.status != EventStatus.OPEN:
                out.skipped.append(_("%s : demande déjà traitée.") % item["label"])
                continue
            if event.starts_at <= timezone.now():
                out.skipped.append(_("%s : la date est passée.") % item["label"])
                continue
            clash = _overlapping(volunteer, event)
            if clash is not None:
                out.skipped.append(
                    _("%(item)s : %(name)s intervient déjà au même moment (« %(other)s »).")
                    % {"item": item["label"], "name": volunteer.display_name, "other": clash}
                )
                continue
            event.ambassador = volunteer
            event.status = EventStatus.ASSIGNED
            event.save(update_fields=["ambassador", "status"])
            out.events.append(event)
            _send(
                to=[*volunteer_contacts(volunteer), event.contact_email],
                template="event_assigned",
                context={"event": event, "volunteer": volunteer, "site_url": _site_url()},
            )
            continue
        request = (
            MentoringRequest.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .filter(pk=int(key[1:]))
            .first()
        )
        if request is None or request.status != RequestStatus.OPEN:
            out.skipped.append(_("%s : demande déjà traitée.") % item["label"])
            continue
        load = Sponsorship.objects.active().filter(volunteer=volunteer).count()
        if load >= volunteer.capacity:
            out.skipped.append(
                _("%(item)s : capacité dépassée, %(name)s accompagne déjà %(load)d/%(cap)d.")
                % {
                    "item": item["label"],
                    "name": volunteer.display_name,
                    "load": load,
                    "cap": volunteer.capacity,
                }
            )
            continue
        sponsorship = Sponsorship.objects.create(
            request=request, volunteer=volunteer, run=run, started_on=today
        )
        _milestones(sponsorship)
        request.status = RequestStatus.MATCHED
        request.save(update_fields=["status"])
        out.sponsorships.append(sponsorship)
        _send(
            to=organisation_contacts(request.organisation) + volunteer_contacts(volunteer),
            template="sponsorship_started",
            context={"sponsorship": sponsorship, "site_url": _site_url()},
        )
    run.status = RunStatus.ACCEPTED
    run.decided_at = timezone.now()
    run.save(update_fields=["status", "decided_at"])
    audit(
        actor=by,
        action=AuditAction.MENTORING_RUN_ACCEPTED,
        target_type="assignment_run",
        target_id=run.pk,
        target_repr=_("Proposition de parrainages n° %s") % run.pk,
        union_id=run.union_id,
        details={
            "sponsorships": [s.pk for s in out.sponsorships],
            "events": [e.pk for e in out.events],
            "skipped": len(out.skipped),
        },
    )
    return out
