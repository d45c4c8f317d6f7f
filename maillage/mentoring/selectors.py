"""Reads of the mentoring area: the assignment's inputs from the database, the delegates'
dashboard per territory, and each person's sponsorships and events.

The assignment itself is pure (``assignment.py``); this module turns rows into its dataclasses.
Ambassador events add one rule the pure model does not know, "one event at a time": events
that overlap in time are grouped into components (connected groups of overlapping events), and
each ambassador enters the problem once per component with a single slot, so they take at most
one event of each group. When a group's events all overlap each other (the usual case: two
classes at the same hour) this is exactly the rule; for a chain A–B–C where A and C do not
overlap it is stricter than needed, which is safe. Dates, formats and topics are encoded in the
per-event key a virtual ambassador "knows", so eligibility stays a lookup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from maillage.territories.models import Commune, Departement, Union
from maillage.territories.selectors import commune_zones

from . import assignment as algo
from .enums import (
    EventStatus,
    RequestKind,
    RequestStatus,
    RunStatus,
    SponsorshipStatus,
    VolunteerKind,
)
from .models import (
    AmbassadorEvent,
    AssignmentRun,
    MentoringRequest,
    Milestone,
    Sponsorship,
    Volunteer,
)

EVENT_FAMILY = "evenement"  # events have no sector: one shared family keeps that term at zero


# ----------------------------------------------------------------------------- zones


def zone_key(level: str, code: str) -> str:
    """A zone as stored on volunteers: ``"departement:42"``."""
    return f"{level}:{code}"


def parse_zones(values: Iterable[str]) -> frozenset[algo.Zone]:
    """Stored ``"level:code"`` strings as (level, code) pairs; malformed ones are ignored."""
    out = set()
    for value in values:
        level, sep, code = str(value).partition(":")
        if sep and level and code:
            out.add((level, code))
    return frozenset(out)


def zones_of(commune: Commune) -> frozenset[algo.Zone]:
    return frozenset(commune_zones(commune))


def union_id_of(commune: Commune | None) -> str | None:
    """The union whose territory holds the commune."""
    if commune is None:
        return None
    return (
        Departement.objects.filter(pk=commune.departement_id)
        .values_list("union_id", flat=True)
        .first()
    )


# ----------------------------------------------------------------------------- loads


def volunteer_loads(volunteer_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Active sponsorships per volunteer."""
    qs = Sponsorship.objects.active()
    if volunteer_ids is not None:
        qs = qs.filter(volunteer_id__in=list(volunteer_ids))
    rows = qs.values("volunteer_id").annotate(n=Count("pk")).values_list("volunteer_id", "n")
    return dict(rows)


def ambassador_upcoming(
    ambassador_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> dict[int, list[AmbassadorEvent]]:
    """Upcoming confirmed events per ambassador."""
    qs = AmbassadorEvent.objects.filter(status=EventStatus.ASSIGNED).upcoming(now)
    if ambassador_ids is not None:
        qs = qs.filter(ambassador_id__in=list(ambassador_ids))
    out: dict[int, list[AmbassadorEvent]] = defaultdict(list)
    for event in qs.order_by("starts_at"):
        assert event.ambassador_id is not None
        out[event.ambassador_id].append(event)
    return out


def overlap_components(intervals: Sequence[tuple[datetime, datetime]]) -> list[int]:
    """Component number of each interval, where overlapping intervals are connected.

    A sweep by start time: a new component begins when an interval starts at or after the end
    of everything before it. Touching intervals (one ends when the next starts) do not overlap.
    """
    order = sorted(range(len(intervals)), key=lambda i: intervals[i][0])
    out = [0] * len(intervals)
    component, reach = -1, None
    for i in order:
        start, end = intervals[i]
        if reach is None or start >= reach:
            component += 1
            reach = end
        else:
            reach = max(reach, end)
        out[i] = component
    return out


# ----------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """Everything the pure assignment needs for one union, and the way back to the rows."""

    requests: list[algo.Request] = field(default_factory=list)
    volunteers: list[algo.Volunteer] = field(default_factory=list)
    request_rows: dict[str, MentoringRequest | AmbassadorEvent] = field(default_factory=dict)
    volunteer_rows: dict[int, Volunteer] = field(default_factory=dict)
    # virtual ambassador id → real volunteer pk; event key → its component number
    real_volunteer: dict[str, int] = field(default_factory=dict)
    event_component: dict[str, int] = field(default_factory=dict)
    # (ambassador pk, component) → virtual id, created on demand for imposed pairs
    virtual: dict[tuple[int, int], str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key, reason text)
    event_blockers: dict[str, dict[int, str]] = field(default_factory=dict)


def request_key(row: MentoringRequest | AmbassadorEvent) -> str:
    return f"e{row.pk}" if isinstance(row, AmbassadorEvent) else f"r{row.pk}"


def volunteer_key(pk: int) -> str:
    return f"v{pk}"


def event_topic_key(event_key: str) -> str:
    return f"@{event_key}"


def open_requests(union: Union | str) -> QuerySet[MentoringRequest]:
    union_id = union if isinstance(union, str) else union.pk
    return (
        MentoringRequest.objects.filter(union_id=union_id, status=RequestStatus.OPEN)
        .select_related("organisation__commune__departement", "organisation__sector")
        .order_by("created_at", "pk")
    )


def open_events(union: Union | str, *, now: datetime | None = None) -> QuerySet[AmbassadorEvent]:
    union_id = union if isinstance(union, str) else union.pk
    return (
        AmbassadorEvent.objects.filter(union_id=union_id, status=EventStatus.OPEN)
        .filter(starts_at__gt=now or timezone.now())
        .select_related("commune__departement")
        .order_by("starts_at", "pk")
    )


def _experience(volunteer: Volunteer) -> float:
    return volunteer.effective_experience_years


def _families(volunteer: Volunteer) -> frozenset[str]:
    families = set(volunteer.sector_sections or [])
    if not families and volunteer.organisation is not None and volunteer.organisation.sector:
        families.add(volunteer.organisation.sector.section_code)
    return frozenset(families)


def event_blockers(
    event: AmbassadorEvent, ambassador: Volunteer, upcoming: Sequence[AmbassadorEvent]
) -> str | None:
    """Why this ambassador cannot take the event, or None: format, topic, date, overlap."""
    if event.format not in (ambassador.formats or []):
        return "format"
    if event.topic not in (ambassador.topics or []):
        return "topic"
    day = timezone.localtime(event.starts_at).date()
    if not ambassador.is_available_on(day):
        return "date"
    if any(other.pk != event.pk and event.overlaps(other) for other in upcoming):
        return "overlap"
    return None


def assignment_inputs(union: Union | str, *, now: datetime | None = None) -> Inputs:
    """The open requests and events of a union, and every active volunteer, as plain data.

    Volunteers come from every union: a volunteer covering a neighbouring département or all of
    France is eligible here too. Requests whose commune has no point are set aside with a reason.
    """
    now = now or timezone.now()
    inputs = Inputs()
    volunteers = list(
        Volunteer.objects.active()
        .select_related("organisation__sector", "user", "commune")
        .order_by("pk")
    )
    inputs.volunteer_rows = {v.pk: v for v in volunteers}
    loads = volunteer_loads()
    for v in volunteers:
        if v.kind == VolunteerKind.AMBASSADOR or v.commune.latitude is None:
            continue
        inputs.volunteers.append(
            algo.Volunteer(
                id=volunteer_key(v.pk),
                kind=v.kind,
                sector_families=_families(v),
                territories=parse_zones(v.territories),
                latitude=float(v.commune.latitude),
                longitude=float(v.commune.longitude or 0.0),
                capacity=max(int(v.capacity), loads.get(v.pk, 0)),
                current_load=loads.get(v.pk, 0),
                experience_years=_experience(v),
                topics=frozenset(v.topics or []),
                name=v.display_name,
            )
        )
        inputs.real_volunteer[volunteer_key(v.pk)] = v.pk

    for row in open_requests(union):
        key = request_key(row)
        commune = row.organisation.commune
        inputs.request_rows[key] = row
        if commune is None or commune.latitude is None or commune.longitude is None:
            inputs.skipped.append((key, "no_point"))
            continue
        section = row.organisation.sector.section_code if row.organisation.sector else ""
        inputs.requests.append(
            algo.Request(
                id=key,
                kind=row.kind,
                sector_family=section,
                latitude=commune.latitude,
                longitude=commune.longitude,
                zones=zones_of(commune),
                topic=(row.topic or None) if row.kind == RequestKind.MENTOR else None,
                arrival=row.created_at.timestamp(),
            )
        )

    events = [e for e in open_events(union, now=now) if e.commune.latitude is not None]
    components = overlap_components([(e.starts_at, e.ends_at) for e in events])
    ambassadors = [
        v
        for v in volunteers
        if v.kind == VolunteerKind.AMBASSADOR and v.commune.latitude is not None
    ]
    upcoming = ambassador_upcoming([a.pk for a in ambassadors], now=now)
    knows: dict[tuple[int, int], set[str]] = defaultdict(set)
    for event, component in zip(events, components, strict=True):
        key = request_key(event)
        inputs.request_rows[key] = event
        inputs.event_component[key] = component
        blockers: dict[int, str] = {}
        for ambassador in ambassadors:
            blocker = event_blockers(event, ambassador, upcoming.get(ambassador.pk, []))
            if blocker is None:
                knows[(ambassador.pk, component)].add(event_topic_key(key))
            else:
                blockers[ambassador.pk] = blocker
        inputs.event_blockers[key] = blockers
        inputs.requests.append(
            algo.Request(
                id=key,
                kind=algo.KIND_AMBASSADOR,
                sector_family=EVENT_FAMILY,
                latitude=float(event.commune.latitude or 0.0),
                longitude=float(event.commune.longitude or 0.0),
                zones=zones_of(event.commune),
                topic=event_topic_key(key),
                arrival=event.created_at.timestamp(),
            )
        )
    by_pk = {a.pk: a for a in ambassadors}
    for (pk, component), topics in sorted(knows.items()):
        add_virtual_ambassador(inputs, by_pk[pk], component, topics, upcoming.get(pk, []))
    # Ambassadors with no possible event still appear once, for the "nearest options".
    present = {pk for pk, _component in inputs.virtual}
    for ambassador in ambassadors:
        if ambassador.pk not in present:
            add_virtual_ambassador(inputs, ambassador, -1, set(), upcoming.get(ambassador.pk, []))
    return inputs


def add_virtual_ambassador(
    inputs: Inputs,
    ambassador: Volunteer,
    component: int,
    topics: set[str],
    upcoming: Sequence[AmbassadorEvent],
) -> str:
    """One ambassador for one group of overlapping events: a single slot on top of the load."""
    vid = f"a{ambassador.pk}c{component}"
    if (ambassador.pk, component) in inputs.virtual:
        return vid
    load = len(upcoming)
    inputs.volunteers.append(
        algo.Volunteer(
            id=vid,
            kind=algo.KIND_AMBASSADOR,
            sector_families=frozenset({EVENT_FAMILY}),
            territories=parse_zones(ambassador.territories),
            latitude=float(ambassador.commune.latitude or 0.0),
            longitude=float(ambassador.commune.longitude or 0.0),
            capacity=load + 1 if component >= 0 else load,
            current_load=load,
            experience_years=float(ambassador.experience_years),
            topics=frozenset(topics),
            name=ambassador.display_name,
        )
    )
    inputs.virtual[(ambassador.pk, component)] = vid
    inputs.real_volunteer[vid] = ambassador.pk
    return vid


# ----------------------------------------------------------------------------- runs


def latest_run(union: Union | str) -> AssignmentRun | None:
    union_id = union if isinstance(union, str) else union.pk
    return (
        AssignmentRun.objects.filter(union_id=union_id)
        .exclude(status=RunStatus.SUPERSEDED)
        .order_by("-created_at", "-pk")
        .first()
    )


def swap_candidates(union: Union | str, kind: str) -> QuerySet[Volunteer]:
    """Volunteers a delegate may impose for a request of this kind: those of the union."""
    union_id = union if isinstance(union, str) else union.pk
    return (
        Volunteer.objects.active()
        .filter(kind=kind, union_id=union_id)
        .select_related("organisation", "user")
        .order_by("pk")
    )


# ----------------------------------------------------------------------------- dashboard


@dataclass
class TerritoryRow:
    """One département of a union's dashboard."""

    departement: Departement
    active: list[Sponsorship] = field(default_factory=list)
    stale: list[Sponsorship] = field(default_factory=list)
    waiting: list[MentoringRequest] = field(default_factory=list)
    events: list[AmbassadorEvent] = field(default_factory=list)


@dataclass
class Dashboard:
    union: Union
    stale_days: int
    rows: list[TerritoryRow]
    to_validate: list[AmbassadorEvent]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "active": sum(len(r.active) for r in self.rows),
            "stale": sum(len(r.stale) for r in self.rows),
            "waiting": sum(len(r.waiting) for r in self.rows),
            "events": sum(len(r.events) for r in self.rows),
            "audience": sum(e.audience_size for r in self.rows for e in r.events),
        }


def union_dashboard(union: Union, *, stale_days: int, now: datetime | None = None) -> Dashboard:
    """Per département: active sponsorships, those without news for ``stale_days``, requests
    waiting, upcoming events with their audience. A fixed number of queries."""
    now = now or timezone.now()
    limit = now - timedelta(days=stale_days)
    rows = {d.code: TerritoryRow(departement=d) for d in union.departements.order_by("code")}

    def row_for(departement_id: str | None) -> TerritoryRow | None:
        return rows.get(departement_id or "")

    sponsorships = (
        Sponsorship.objects.active()
        .filter(request__union=union)
        .select_related(
            "request__organisation__commune", "volunteer__organisation", "volunteer__user"
        )
        .order_by("last_news_at")
    )
    for sp in sponsorships:
        commune = sp.request.organisation.commune
        row = row_for(commune.departement_id if commune else None)
        if row is None:
            continue
        row.active.append(sp)
        if sp.last_news_at < limit:
            row.stale.append(sp)
    for request in (
        MentoringRequest.objects.filter(union=union, status=RequestStatus.OPEN)
        .select_related("organisation__commune")
        .order_by("created_at")
    ):
        commune = request.organisation.commune
        row = row_for(commune.departement_id if commune else None)
        if row is not None:
            row.waiting.append(request)
    for event in (
        AmbassadorEvent.objects.filter(union=union)
        .live()
        .upcoming(now)
        .select_related("commune", "ambassador__user")
    ):
        row = row_for(event.commune.departement_id)
        if row is not None:
            row.events.append(event)
    to_validate = list(
        AmbassadorEvent.objects.filter(union=union, status=EventStatus.TO_VALIDATE)
        .select_related("commune")
        .order_by("starts_at")
    )
    return Dashboard(
        union=union, stale_days=stale_days, rows=list(rows.values()), to_validate=to_validate
    )


# ----------------------------------------------------------------------------- people


def sponsorship_detail(pk: int) -> Sponsorship:
    return (
        Sponsorship.objects.select_related(
            "request__organisation__commune",
            "volunteer__organisation",
            "volunteer__user",
            "volunteer__commune",
        )
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on")),
            "notes__author",
            "feedbacks",
        )
        .get(pk=pk)
    )


def person_volunteers(user: Any) -> list[Volunteer]:
    """Volunteer profiles the person holds or manages (their cooperatives' sponsor profiles)."""
    if not getattr(user, "is_authenticated", False):
        return []
    from maillage.accounts.enums import Role

    return list(
        Volunteer.objects.filter(
            Q(user=user)
            | Q(organisation__memberships__user=user, organisation__memberships__role=Role.ADMIN)
        )
        .distinct()
        .select_related("organisation", "user", "commune")
        .order_by("kind")
    )


def person_sponsorships(user: Any) -> list[Sponsorship]:
    """Sponsorships the person is part of, on either side."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Sponsorship.objects.filter(
            Q(request__organisation__memberships__user=user)
            | Q(volunteer__user=user)
            | Q(volunteer__organisation__memberships__user=user)
        )
        .distinct()
        .select_related("request__organisation", "volunteer__organisation", "volunteer__user")
        .order_by("status", "-started_on")
    )


def person_requests(user: Any) -> list[MentoringRequest]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        MentoringRequest.objects.filter(organisation__memberships__user=user)
        .distinct()
        .select_related("organisation")
        .order_by("-created_at")
    )


def person_events(user: Any, *, now: datetime | None = None) -> list[AmbassadorEvent]:
    """Events where the person is the ambassador, or that they asked for; upcoming first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        AmbassadorEvent.objects.filter(Q(ambassador__user=user) | Q(created_by=user))
        .exclude(status__in=[EventStatus.CANCELLED, EventStatus.REJECTED])
        .upcoming(now)
        .distinct()
        .select_related("commune", "ambassador__user")
        .order_by("starts_at")
    )


def feed_events(user: Any, *, now: datetime | None = None) -> list[AmbassadorEvent]:
    """What the person's calendar feed shows: their confirmed events from 30 days back."""
    since = (now or timezone.now()) - timedelta(days=30)
    return list(
        AmbassadorEvent.objects.filter(
            ambassador__user=user,
            status__in=[EventStatus.ASSIGNED, EventStatus.DONE],
            ends_at__gte=since,
        )
        .select_related("commune", "ambassador__user")
        .order_by("starts_at")
    )


def volunteers_for_delegates() -> QuerySet[Volunteer]:
    """The volunteer directory shown to delegates (any union: volunteers cross borders)."""
    return Volunteer.objects.active().with_places().order_by("kind", "union_id", "pk")


def sponsorship_status_counts(union: Union) -> dict[str, int]:
    rows = (
        Sponsorship.objects.filter(request__union=union)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = {s.value: 0 for s in SponsorshipStatus}
    counts.update(dict(rows))
    return counts
