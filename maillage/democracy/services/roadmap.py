"""Writes of the roadmap: actions, their dated updates, and actions born from a vote."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..enums import ActionStatus
from ..models import Event, Proposal, RoadmapAction, RoadmapUpdate, Vote
from .common import DemocracyError

# --- roadmap ---------------------------------------------------------------------------------


@transaction.atomic
def roadmap_action_create(
    *,
    event: Event,
    title: str,
    proposal: Proposal | None = None,
    description: str = "",
    owner: str = "",
    territory_level: str = "",
    territory_code: str = "",
    deadline: date | None = None,
) -> RoadmapAction:
    """Add an action to the event's roadmap, at the end."""
    last = event.roadmap_actions.aggregate(last=Max("position"))["last"] or 0
    return RoadmapAction.objects.create(
        event=event,
        proposal=proposal,
        title=title,
        description=description,
        owner=owner,
        territory_level=territory_level,
        territory_code=territory_code,
        deadline=deadline,
        position=last + 1,
    )


@transaction.atomic
def roadmap_action_update(
    *,
    action: RoadmapAction,
    author: Any,
    note: str,
    status: str,
    progress: int,
) -> RoadmapUpdate:
    """Record a dated update of an action; the action takes its status and progress."""
    if not 0 <= progress <= 100:
        raise DemocracyError(_("L'avancement est un pourcentage, de 0 à 100."))
    status = ActionStatus(status)
    if status == ActionStatus.DONE:
        progress = 100
    update = RoadmapUpdate.objects.create(
        action=action, author=author, note=note.strip(), status=status, progress=progress
    )
    action.status = status
    action.progress = progress
    action.save(update_fields=["status", "progress"])
    return update


@transaction.atomic
def roadmap_from_results(
    *, vote: Vote, count: int, owner: str = "", deadline: date | None = None
) -> list[RoadmapAction]:
    """Turn the ``count`` best-ranked proposals of a closed vote into roadmap actions.

    Proposals that already have an action are skipped, so the call is idempotent.
    """
    from ..selectors import vote_results

    if not vote.is_closed():
        raise DemocracyError(_("Le vote n'est pas clos : son classement n'est pas encore connu."))
    created = []
    for row in vote_results(vote=vote).rows[:count]:
        if row.proposal.roadmap_actions.exists():
            continue
        created.append(
            roadmap_action_create(
                event=vote.event,
                proposal=row.proposal,
                title=row.proposal.title,
                description=row.proposal.text,
                owner=owner,
                territory_level="union" if vote.event.union_id else "",
                territory_code=vote.event.union_id or "",
                deadline=deadline,
            )
        )
    return created
