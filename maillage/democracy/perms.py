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
from .models import BodyMember, Participation, Registration

if TYPE_CHECKING:
    from .models import Body, ConsentDecision, DebateThread, Election, Event, Vote


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


def can_edit_letter(user: Any, vote: Vote) -> bool:
    """The letter to the national direction: its organisers write it, once the vote is closed."""
    return vote.is_closed() and can_manage_event(user, vote.event)


def can_download_letter(user: Any, vote: Vote) -> bool:
    """The letter only carries published results: anyone may read it once the vote is closed."""
    return vote.is_closed()


# --- bodies, decisions by consent, elections ---------------------------------------------------
#
# Only a body's members take part in its decisions and elections, and only they (with those who
# manage the body) see them while they run. A body that chose a public record shows its
# concluded decisions and elections to everyone.


def is_body_member(user: Any, body: Body) -> bool:
    """Sits in the body."""
    return _active(user) and BodyMember.objects.filter(body=body, user=user).exists()


def can_manage_body(user: Any, body: Body) -> bool:
    """Add and remove members: platform administrators, and the delegates of the body's union."""
    if accounts_perms.is_platform_admin(user):
        return True
    return body.union_id is not None and accounts_perms.is_delegate_for_union(user, body.union_id)


def can_view_body(user: Any, body: Body) -> bool:
    """See the body's running decisions and elections: its members and its managers."""
    return is_body_member(user, body) or can_manage_body(user, body)


def can_view_record(user: Any, item: ConsentDecision | Election) -> bool:
    """A decision or election: the body's members always; everyone once it is concluded, if the
    body publishes its record."""
    if can_view_body(user, item.body):
        return True
    return item.body.public_record and not item.is_open


def can_propose(user: Any, body: Body) -> bool:
    """Put a proposal to the body, or open an election: its members."""
    return is_body_member(user, body)


def can_take_part(user: Any, item: ConsentDecision | Election) -> bool:
    """Ask, react, nominate, state a position: members of the body, while it is open."""
    return item.is_open and is_body_member(user, item.body)


def is_facilitator(user: Any, item: ConsentDecision | Election) -> bool:
    """Moves the phases, amends, proposes a person, records the outcome."""
    return (
        _active(user)
        and item.is_open
        and item.facilitator_id == user.pk
        and is_body_member(user, item.body)
    )


def can_answer(user: Any, decision: ConsentDecision) -> bool:
    """Answer a clarification question: the proposal's author or the facilitator."""
    return (
        _active(user)
        and decision.is_open
        and user.pk in (decision.author_id, decision.facilitator_id)
        and is_body_member(user, decision.body)
    )


def can_withdraw_decision(user: Any, decision: ConsentDecision) -> bool:
    """Withdraw the proposal: its author or the facilitator, while it is open."""
    return (
        _active(user)
        and decision.is_open
        and user.pk in (decision.author_id, decision.facilitator_id)
    )


# --- exchanges of practices ----------------------------------------------------------------------


def is_cooperator(user: Any) -> bool:
    """Member of at least one organisation of the network."""
    return _active(user) and Membership.objects.filter(user=user).exists()


def can_moderate_debates(user: Any) -> bool:
    """Union delegates and platform administrators moderate the exchanges."""
    return accounts_perms.is_platform_admin(user) or accounts_perms.is_delegate(user)


def can_read_debates(user: Any) -> bool:
    """The exchanges are open to the cooperatives' members (and to those who moderate them)."""
    return is_cooperator(user) or can_moderate_debates(user)


def can_post_in(user: Any, thread: DebateThread) -> bool:
    """Reply in a thread: members of a cooperative, unless the thread is locked."""
    return not thread.is_locked and can_read_debates(user)


def can_start_thread(user: Any) -> bool:
    """Open a thread: members of a cooperative, and moderators."""
    return can_read_debates(user)
