"""Writes of the mentoring area: volunteering, requests, ambassador events, the assignment run
and its acceptance, the follow-up of sponsorships, calendar feeds, reminders and the demo.

Each service is atomic, takes keyword-only arguments and raises ``MentoringError`` with a
French message for the person when a rule refuses the action. Permissions are decided by
``perms.py`` in the views, before a service is called.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, User
from maillage.core.emails import send_templated_email
from maillage.directory.models import Organisation
from maillage.territories.models import Commune, Union

from . import assignment as algo
from . import selectors
from .enums import (
    MILESTONE_DUE_DAYS,
    SCHOOL_AUDIENCES,
    Audience,
    EventStatus,
    Format,
    MilestoneKind,
    ReminderKind,
    RequesterType,
    RequestKind,
    RequestReason,
    RequestStatus,
    RunStatus,
    Side,
    SponsorshipStatus,
    Topic,
    VolunteerKind,
)
from .models import (
    AmbassadorEvent,
    AssignmentRun,
    CalendarFeed,
    Feedback,
    MentoringRequest,
    Milestone,
    Note,
    Reminder,
    Sponsorship,
    Volunteer,
)

ZONE_LEVELS = ("commune", "epci", "departement", "region", "union", "france")
EVENT_REMINDER_DAYS = 7
FEED_SALT = "maillage.mentoring.calendar-feed"


class MentoringError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def _union_of(commune: Commune | None) -> Union | None:
    union_id = selectors.union_id_of(commune)
    return Union.objects.filter(pk=union_id).first() if union_id else None


def _send(*, to: Sequence[str], template: str, context: dict[str, Any]) -> None:
    """Mentoring e-mails go out in French, the language of the union's volunteers."""
    send_templated_email(
        to=to,
        template=f"mentoring/email/{template}",
        context=context,
        language=settings.LANGUAGE_CODE,
    )


def organisation_contacts(organisation: Organisation) -> list[str]:
    """Where to write to a cooperative: its administrators, else its contact address."""
    emails = list(
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return emails or ([organisation.contact_email] if organisation.contact_email else [])


def volunteer_contacts(volunteer: Volunteer) -> list[str]:
    if volunteer.user is not None:
        return [volunteer.user.email]
    if volunteer.organisation is not None:
        return organisation_contacts(volunteer.organisation)
    return []


# ----------------------------------------------------------------------------- volunteers


def _check_zones(territories: Sequence[str]) -> list[str]:
    clean = []
    for value in territories:
        level, sep, code = str(value).partition(":")
        if not sep or level not in ZONE_LEVELS or not code:
            raise MentoringError(_("Territoire non reconnu : « %s ».") % value)
        clean.append(f"{level}:{code}")
    if not clean:
        raise MentoringError(_("Indiquez au moins un territoire couvert."))
    return sorted(set(clean))


@transaction.atomic
def volunteer_save(
    *,
    kind: str,
    commune: Commune,
    territories: Sequence[str],
    organisation: Organisation | None = None,
    user: User | None = None,
    capacity: int = 1,
    sector_sections: Sequence[str] = (),
    topics: Sequence[str] = (),
    formats: Sequence[str] = (),
    experience_years: int = 0,
    weekdays: Sequence[int] = (),
    available_from: date | None = None,
    available_until: date | None = None,
    availability_note: str = "",
    presentation: str = "",
    is_active: bool = True,
) -> Volunteer:
    """Create or update a volunteer profile (one per role and holder).

    A sponsor is a cooperative; a mentor or an ambassador is a person. Capacity cannot go
    below the number of cooperatives already followed.
    """
    if kind not in VolunteerKind.values:
        raise MentoringError(_("Rôle inconnu."))
    if kind == VolunteerKind.SPONSOR:
        if organisation is None:
            raise MentoringError(_("Une coopérative marraine doit être une organisation."))
        holder: dict[str, Any] = {"kind": kind, "organisation": organisation}
    else:
        if user is None:
            raise MentoringError(_("Un mentor ou un ambassadeur est une personne."))
        holder = {"kind": kind, "user": user}
    bad_topics = [t for t in topics if t not in Topic.values]
    bad_formats = [f for f in formats if f not in Format.values]
    if bad_topics or bad_formats:
        raise MentoringError(_("Thème ou format inconnu."))
    if kind in (VolunteerKind.MENTOR, VolunteerKind.AMBASSADOR) and not topics:
        raise MentoringError(_("Choisissez au moins un thème."))
    if kind == VolunteerKind.AMBASSADOR and not set(formats) & {Format.SCHOOL, Format.EVENT}:
        raise MentoringError(
            _("Un ambassadeur intervient en milieu scolaire ou lors d'événements : cochez-en un.")
        )
    if capacity < 1 and kind != VolunteerKind.AMBASSADOR:
        raise MentoringError(_("La capacité doit être d'au moins une coopérative."))
    if available_from and available_until and available_until < available_from:
        raise MentoringError(_("La fin des disponibilités précède leur début."))
    if any(int(d) not in range(7) for d in weekdays):
        raise MentoringError(_("Jour de la semaine inconnu."))
    zones = _check_zones(territories)
    volunteer = Volunteer.objects.select_for_update(of=("self",)).filter(**holder).first()
    if volunteer is not None:
        load = Sponsorship.objects.active().filter(volunteer=volunteer).count()
        if kind != VolunteerKind.AMBASSADOR and capacity < load:
            raise MentoringError(
                _(
                    "Capacité dépassée : vous accompagnez déjà %(load)d coopérative(s), la "
                    "capacité ne peut pas descendre à %(capacity)d."
                )
                % {"load": load, "capacity": capacity}
            )
    else:
        volunteer = Volunteer(**holder)
    volunteer.commune = commune
    volunteer.union = _union_of(commune)
    volunteer.territories = zones
    volunteer.capacity = capacity
    volunteer.sector_sections = sorted({s.upper() for s in sector_sections if s})
    volunteer.topics = sorted(set(topics))
    volunteer.formats = sorted(set(formats))
    volunteer.experience_years = max(0, int(experience_years))
    volunteer.weekdays = sorted({int(d) for d in weekdays})
    volunteer.available_from = available_from
    volunteer.available_until = available_until
    volunteer.availability_note = availability_note
    volunteer.presentation = presentation
    volunteer.is_active = is_active
    volunteer.save()
    return volunteer


# ----------------------------------------------------------------------------- requests


@transaction.atomic
def request_create(
    *,
    organisation: Organisation,
    kind: str,
    created_by: User | None,
    reason: str = RequestReason.CREATION,
    topic: str = "",
    message: str = "",
) -> MentoringRequest:
    """A cooperative asks for a sponsor or a mentor; one open request per kind at a time."""
    if kind not in RequestKind.values:
        raise MentoringError(_("Type de demande inconnu."))
    if organisation.commune_id is None:
        raise MentoringError(
            _("La fiche de la coopérative n'indique pas sa commune : complétez-la d'abord.")
        )
    if kind == RequestKind.MENTOR and topic not in Topic.values:
        raise MentoringError(_("Choisissez le thème sur lequel vous cherchez un mentor."))
    if kind == RequestKind.SPONSOR:
        topic = ""
    if MentoringRequest.objects.filter(
        organisation=organisation, kind=kind, status=RequestStatus.OPEN
    ).exists():
        raise MentoringError(
            _("Une demande de ce type est déjà en attente pour cette coopérative.")
        )
    try:
        with transaction.atomic():
            return MentoringRequest.objects.create(
                organisation=organisation,
                kind=kind,
                reason=reason,
                topic=topic,
                message=message,
                created_by=created_by,
                union=_union_of(organisation.commune),
            )
    except IntegrityError as error:
        raise MentoringError(
            _("Une demande de ce type est déjà en attente pour cette coopérative.")
        ) from error


@transaction.atomic
def request_cancel(*, request: MentoringRequest) -> MentoringRequest:
    if request.status != RequestStatus.OPEN:
        raise MentoringError(_("Seule une demande en attente peut être annulée."))
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    return request


# ----------------------------------------------------------------------------- events


@transaction.atomic
def event_create(
    *,
    title: str,
    requester_type: str,
    requester_name: str,
    contact_name: str,
    contact_email: str,
    commune: Commune,
    starts_at: datetime,
    ends_at: datetime,
    audience: str,
    audience_size: int,
    topic: str,
    contact_phone: str = "",
    place: str = "",
    format: str = "",
    message: str = "",
    created_by: User | None = None,
    validated: bool = False,
    now: datetime | None = None,
) -> AmbassadorEvent:
    """Ask for an ambassador. ``validated`` (a delegate of the union asking, decided by the
    view through perms) opens the request at once; otherwise it waits for a delegate."""
    now = now or timezone.now()
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise MentoringError(_("Date sans fuseau horaire."))
    if starts_at <= now:
        raise MentoringError(
            _("La date de l'intervention est passée : choisissez une date à venir.")
        )
    if ends_at <= starts_at:
        raise MentoringError(_("L'heure de fin doit suivre l'heure de début."))
    if ends_at - starts_at > timedelta(hours=12):
        raise MentoringError(_("Une intervention dure au plus une journée (12 heures)."))
    if audience_size < 1:
        raise MentoringError(_("Indiquez le nombre de participants attendus (au moins 1)."))
    if audience not in Audience.values or topic not in Topic.values:
        raise MentoringError(_("Public ou thème inconnu."))
    if requester_type not in RequesterType.values:
        raise MentoringError(_("Type de demandeur inconnu."))
    if not format:
        format = Format.SCHOOL if audience in SCHOOL_AUDIENCES else Format.EVENT
    if format not in (Format.SCHOOL, Format.EVENT):
        raise MentoringError(_("Un ambassadeur intervient en milieu scolaire ou en événement."))
    event = AmbassadorEvent.objects.create(
        title=title,
        requester_type=requester_type,
        requester_name=requester_name,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        created_by=created_by if created_by and created_by.is_authenticated else None,
        union=_union_of(commune),
        commune=commune,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        audience=audience,
        audience_size=audience_size,
        topic=topic,
        format=format,
        message=message,
        status=EventStatus.OPEN if validated else EventStatus.TO_VALIDATE,
        validated_by=created_by if validated else None,
        validated_at=now if validated else None,
    )
    return event


@transaction.atomic
def event_validate(*, event: AmbassadorEvent, by: User, accept: bool = True) -> AmbassadorEvent:
    """A delegate validates (or refuses) a request made through the public form."""
    event = AmbassadorEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if event.status != EventStatus.TO_VALIDATE:
        raise MentoringError(_("Cette demande a déjà été traitée."))
    if accept and event.starts_at <= timezone.now():
        raise MentoringError(
            _("La date de l'intervention est passée : elle ne peut plus être validée.")
        )
    event.status = EventStatus.OPEN if accept else EventStatus.REJECTED
    event.validated_by = by
    event.validated_at = timezone.now()
    event.save(update_fields=["status", "validated_by", "validated_at"])
    return event


@transaction.atomic
def event_set_status(*, event: AmbassadorEvent, status: str) -> AmbassadorEvent:
    """Cancel an event, or mark it done once it has taken place."""
    if status == EventStatus.DONE and event.ends_at > timezone.now():
        raise MentoringError(_("Une intervention ne peut être réalisée avant d'avoir eu lieu."))
    if status not in (EventStatus.DONE, EventStatus.CANCELLED):
        raise MentoringError(_("Statut inconnu."))
    event.status = status
    event.save(update_fields=["status"])
    return event


def _overlapping(ambassador: Volunteer, event: AmbassadorEvent) -> AmbassadorEvent | None:
    return (
        AmbassadorEvent.objects.filter(
            ambassador=ambassador,
            status=EventStatus.ASSIGNED,
            starts_at__lt=event.ends_at,
            ends_at__gt=event.starts_at,
        )
        .exclude(pk=event.pk)
        .first()
    )


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
    return run_create(union=run.union, by=by, fixed=fixed, forbidden=forbidden)


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
    return out


# ----------------------------------------------------------------------------- follow-up


def _touch(sponsorship: Sponsorship) -> None:
    sponsorship.last_news_at = timezone.now()
    sponsorship.save(update_fields=["last_news_at"])


@transaction.atomic
def milestone_log(
    *, milestone: Milestone, side: str, on: date | None = None, today: date | None = None
) -> Milestone:
    """One side notes that a milestone happened (the first meeting took place on …)."""
    today = today or timezone.localdate()
    on = on or today
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("sponsorship")
        .get(pk=milestone.pk)
    )
    sponsorship = milestone.sponsorship
    if sponsorship.status != SponsorshipStatus.ACTIVE:
        raise MentoringError(_("Ce parrainage est terminé."))
    if on > today:
        raise MentoringError(_("Cette date est dans le futur : notez l'étape une fois passée."))
    if on < sponsorship.started_on:
        raise MentoringError(_("Cette date précède le début du parrainage."))
    if side == Side.NEWCOMER:
        milestone.newcomer_on = on
    elif side == Side.VOLUNTEER:
        milestone.volunteer_on = on
    else:
        raise MentoringError(_("Côté inconnu."))
    milestone.save(update_fields=["newcomer_on", "volunteer_on"])
    _touch(sponsorship)
    return milestone


@transaction.atomic
def note_add(*, sponsorship: Sponsorship, author: User, side: str, body: str) -> Note:
    """A note shared by both sides."""
    body = body.strip()
    if not body:
        raise MentoringError(_("La note est vide."))
    if sponsorship.status != SponsorshipStatus.ACTIVE:
        raise MentoringError(_("Ce parrainage est terminé."))
    note = Note.objects.create(sponsorship=sponsorship, author=author, side=side, body=body)
    _touch(sponsorship)
    return note


@transaction.atomic
def feedback_give(
    *,
    sponsorship: Sponsorship,
    author: User,
    side: str,
    rating: int,
    comment: str = "",
    today: date | None = None,
) -> Feedback:
    """A side's closing word. The first one ends the sponsorship; the other side adds theirs."""
    sponsorship = Sponsorship.objects.select_for_update(of=("self",)).get(pk=sponsorship.pk)
    if not 1 <= int(rating) <= 5:
        raise MentoringError(_("L'appréciation va de 1 à 5."))
    if Feedback.objects.filter(sponsorship=sponsorship, side=side).exists():
        raise MentoringError(_("Votre retour est déjà enregistré."))
    feedback = Feedback.objects.create(
        sponsorship=sponsorship, side=side, author=author, rating=rating, comment=comment
    )
    if sponsorship.status == SponsorshipStatus.ACTIVE:
        sponsorship.status = SponsorshipStatus.ENDED
        sponsorship.ended_on = max(today or timezone.localdate(), sponsorship.started_on)
        sponsorship.last_news_at = timezone.now()
        sponsorship.save(update_fields=["status", "ended_on", "last_news_at"])
        MentoringRequest.objects.filter(pk=sponsorship.request_id).update(
            status=RequestStatus.CLOSED
        )
    return feedback


# ----------------------------------------------------------------------------- calendar


def _feed_digest(feed: CalendarFeed) -> str:
    return salted_hmac(FEED_SALT, f"{feed.user_id}:{feed.nonce}", algorithm="sha256").hexdigest()[
        :40
    ]


@transaction.atomic
def calendar_feed_token(*, user: User) -> str:
    """The person's feed token (created on first use): ``<user id>-<hmac>``."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"nonce": secrets.token_hex(16)}
    )
    return f"{user.pk}-{_feed_digest(feed)}"


@transaction.atomic
def calendar_feed_reset(*, user: User) -> str:
    """A new token; the old feed URL stops working."""
    CalendarFeed.objects.update_or_create(user=user, defaults={"nonce": secrets.token_hex(16)})
    return calendar_feed_token(user=user)


def calendar_feed_user(token: str) -> User | None:
    """The person a feed token belongs to, or None (constant-time comparison)."""
    pk, sep, _digest = token.partition("-")
    if not sep or not pk.isdigit():
        return None
    feed = CalendarFeed.objects.select_related("user").filter(user_id=int(pk)).first()
    if feed is None or not feed.user.is_active:
        return None
    if not constant_time_compare(token, f"{pk}-{_feed_digest(feed)}"):
        return None
    return feed.user


# ----------------------------------------------------------------------------- reminders


@dataclass
class ReminderStats:
    events: int = 0
    milestones: int = 0


def _remind_once(*, kind: str, object_id: int, recipient: str, send: Any) -> bool:
    """Record then send in one transaction: a failure leaves no record, a rerun no duplicate."""
    try:
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                kind=kind, object_id=object_id, recipient=recipient.lower()
            )
            if created:
                send()
            return created
    except IntegrityError:
        return False  # a concurrent run sent it


def reminders_send(*, now: datetime | None = None) -> ReminderStats:
    """E-mail reminders, each sent once whatever the number of runs:

    - to the ambassador and the contact, a week before a confirmed event;
    - to both sides of a sponsorship, when a milestone is due and not yet logged by them.
    """
    now = now or timezone.now()
    stats = ReminderStats()
    soon = AmbassadorEvent.objects.filter(
        status=EventStatus.ASSIGNED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=EVENT_REMINDER_DAYS),
    ).select_related("ambassador__user", "ambassador__organisation", "commune")
    for event in soon:
        assert event.ambassador is not None
        for recipient in [*volunteer_contacts(event.ambassador), event.contact_email]:
            context = {"event": event, "site_url": _site_url()}
            sent = _remind_once(
                kind=ReminderKind.EVENT_SOON,
                object_id=event.pk,
                recipient=recipient,
                send=lambda r=recipient, c=context: _send(
                    to=[r], template="event_reminder", context=c
                ),
            )
            stats.events += int(sent)
    today = timezone.localdate(now)
    due = Milestone.objects.filter(
        Q(newcomer_on__isnull=True) | Q(volunteer_on__isnull=True),
        sponsorship__status=SponsorshipStatus.ACTIVE,
        due_on__lte=today,
    )
    for milestone in due.select_related(
        "sponsorship__request__organisation",
        "sponsorship__volunteer__user",
        "sponsorship__volunteer__organisation",
    ):
        sponsorship = milestone.sponsorship
        sides = []
        if milestone.newcomer_on is None:
            sides += organisation_contacts(sponsorship.request.organisation)
        if milestone.volunteer_on is None:
            sides += volunteer_contacts(sponsorship.volunteer)
        for recipient in sides:
            context = {"milestone": milestone, "sponsorship": sponsorship, "site_url": _site_url()}
            sent = _remind_once(
                kind=ReminderKind.MILESTONE_DUE,
                object_id=milestone.pk,
                recipient=recipient,
                send=lambda r=recipient, c=context: _send(
                    to=[r], template="milestone_reminder", context=c
                ),
            )
            stats.milestones += int(sent)
    return stats


def event_url(event: AmbassadorEvent) -> str:
    return _site_url() + reverse("mentoring:event", args=[event.pk])


# ----------------------------------------------------------------------------- demo


DEMO_DOMAIN = "demo.maillage.coop"


@transaction.atomic
def demo_mentoring_create(*, union: Union) -> dict[str, int]:
    """Demo sponsors, mentors, ambassadors, requests and events in a union (idempotent).

    Uses the union's synthetic cooperatives (``is_synthetic``), or any of its organisations when
    there are none; people are demo accounts on ``demo.maillage.coop`` without a usable
    password. Rerunning updates the same rows and adds nothing.
    """
    organisations = list(
        Organisation.objects.filter(
            commune__departement__union=union, commune__latitude__isnull=False
        )
        .select_related("commune", "sector")
        .order_by("-is_synthetic", "creation_date", "pk")[:400]
    )
    stats = {"sponsors": 0, "mentors": 0, "ambassadors": 0, "requests": 0, "events": 0}
    if len(organisations) < 4:
        return stats
    zone = [f"union:{union.pk}"]
    established = [o for o in organisations if o.creation_date and o.creation_date.year < 2018]
    newer = [o for o in organisations if o not in established]
    established = established or organisations[: len(organisations) // 2]
    newer = newer or organisations[len(organisations) // 2 :]
    for org in established[:6]:
        assert org.commune is not None  # filtered above
        volunteer_save(
            kind=VolunteerKind.SPONSOR,
            organisation=org,
            commune=org.commune,
            territories=[f"departement:{org.commune.departement_id}"],
            capacity=2,
            sector_sections=[org.sector.section_code] if org.sector else [],
            presentation=_("Coopérative de démonstration, marraine volontaire."),
        )
        stats["sponsors"] += 1
    topics = list(Topic.values)
    for n in range(6):
        org = established[n % len(established)]
        assert org.commune is not None
        person, _created = User.objects.get_or_create(
            email=f"mentor{n + 1}@{DEMO_DOMAIN}",
            defaults={"full_name": f"Mentor de démonstration {n + 1}"},
        )
        if _created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        role = VolunteerKind.MENTOR if n < 4 else VolunteerKind.AMBASSADOR
        volunteer_save(
            kind=role,
            user=person,
            commune=org.commune,
            territories=zone,
            capacity=2,
            topics=[topics[n % len(topics)], topics[(n + 2) % len(topics)]],
            formats=[Format.ONE_TO_ONE]
            if role == VolunteerKind.MENTOR
            else [Format.SCHOOL, Format.EVENT],
            experience_years=4 + 3 * n,
            weekdays=[0, 1, 3, 4],
        )
        stats["mentors" if role == VolunteerKind.MENTOR else "ambassadors"] += 1
    for n, org in enumerate(newer[:4]):
        kind = RequestKind.SPONSOR if n % 2 == 0 else RequestKind.MENTOR
        if not MentoringRequest.objects.filter(organisation=org, kind=kind).exists():
            request_create(
                organisation=org,
                kind=kind,
                created_by=None,
                topic=topics[n % len(topics)] if kind == RequestKind.MENTOR else "",
                message=_("Demande de démonstration."),
            )
        stats["requests"] += 1
    base = timezone.localdate() + timedelta(days=21)
    for n in range(2):
        org = newer[n % len(newer)]
        assert org.commune is not None
        title = _("Découvrir les coopératives — démonstration %d") % (n + 1)
        if not AmbassadorEvent.objects.filter(title=title, union=union).exists():
            day = base + timedelta(days=7 * n)
            day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
            starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
            event_create(
                title=title,
                requester_type=RequesterType.SCHOOL,
                requester_name=_("Collège de démonstration"),
                contact_name=_("Professeur principal"),
                contact_email=f"college{n + 1}@{DEMO_DOMAIN}",
                commune=org.commune,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                audience=Audience.COLLEGE,
                audience_size=28,
                topic=Topic.GOVERNANCE,
                validated=True,
            )
        stats["events"] += 1
    return stats
