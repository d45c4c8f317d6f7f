"""Who may do what in congresses and votes: plain predicates, the only place that decides.

Who may vote is chosen per vote (``Vote.electorate``), see docs/decisions/ballot-secrecy.md:

- ``union_members``: every person who is a member (any role) of an organisation that is a member
  of the event's union today (``is_union_member``, not left, and attached to the union either
  explicitly or, failing that, through the département of its head office); for an event without
  union, a member of any union. One person, one ballot, whatever the number of organisations
  they belong to: the cooperative principle.
- ``participants``: the people registered for the event.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from maillage.accounts import perms as accounts_perms
from maillage.accounts.models import Membership
from maillage.directory.models import Organisation

from .enums import Electorate
from .models import Participation, Registration

if TYPE_CHECKING:
    from .models import Event, Vote


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def member_organisation_q(union_id: str | None, *, today: date | None = None) -> Q:
    """Filter on ``Organisation`` for the organisations that are members of the union today."""
    today = today or timezone.localdate()
    current = Q(is_union_member=True) & (Q(union_left_on__isnull=True) | Q(union_left_on__gt=today))
    if union_id is None:
        return current
    return current & (
        Q(union_id=union_id) | Q(union__isnull=True, commune__departement__union_id=union_id)
    )


def is_union_member_person(user: Any, union_id: str | None) -> bool:
    """Member of at least one organisation that is a member of the union (any union if None)."""
    if not _active(user):
        return False
    organisations = Organisation.objects.filter(member_organisation_q(union_id)).values("pk")
    return Membership.objects.filter(user=user, organisation__in=organisations).exists()


def is_registered(user: Any, event: Event) -> bool:
    """Registered for the event."""
    return _active(user) and Registration.objects.filter(event=event, user=user).exists()


def is_eligible_voter(user: Any, vote: Vote) -> bool:
    """Belongs to the vote's electorate (whether or not they have voted already)."""
    if not _active(user):
        return False
    if vote.electorate == Electorate.PARTICIPANTS:
        return is_registered(user, vote.event)
    return is_union_member_person(user, vote.event.union_id)


def has_voted(user: Any, vote: Vote) -> bool:
    """Took part in the vote (says nothing about the ballot)."""
    return _active(user) and Participation.objects.filter(vote=vote, user=user).exists()


def can_vote(user: Any, vote: Vote) -> bool:
    """May cast a ballot now: eligible, vote open, not voted yet."""
    return vote.is_open() and is_eligible_voter(user, vote) and not has_voted(user, vote)


def can_change_ballot(user: Any, vote: Vote) -> bool:
    """May change their ballot (with its receipt): voted, and the vote is still open."""
    return vote.is_open() and has_voted(user, vote)


def can_view_results(user: Any, vote: Vote) -> bool:
    """Results and the anonymous ballots are public once the vote is closed, never before."""
    return vote.is_closed()


def can_register(user: Any, event: Event) -> bool:
    """Any logged-in person may register while registration is open."""
    return _active(user) and event.registration_open


def can_comment(user: Any) -> bool:
    """Any logged-in person may comment on a proposal."""
    return _active(user)


def can_manage_event(user: Any, event: Event) -> bool:
    """Organisers: platform administrators, and the delegates of the event's union."""
    if accounts_perms.is_platform_admin(user):
        return True
    return event.union_id is not None and accounts_perms.is_delegate_for_union(user, event.union_id)
