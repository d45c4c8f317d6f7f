"""Writes of sociocratic elections without candidates: nominations with reasons, the change
round, the facilitator's proposal, the consent round and the outcome.

Rules in :mod:`maillage.democracy.consent_process`; the positions of a consent round follow
the same rules as for a decision (an objection gives its reason, a concern does not block).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import perms
from ..consent_process import (
    Action,
    ElectionPhase,
    Position,
    Stance,
    election_actions,
    round_outcome,
)
from ..models import Body, BodyMember, Election, ElectionPosition, Nomination
from .common import DemocracyError
from .consent import objection_lift, validated_stance
from .notify import notify_body


def _lock(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("body").get(pk=election.pk)


def _require_member(user: Any, body: Body) -> None:
    if not perms.is_body_member(user, body):
        raise DemocracyError(
            _("Seuls les membres de « %(body)s » prennent part à ses élections.")
            % {"body": body.name}
        )


def _require_facilitator(user: Any, election: Election) -> None:
    if not perms.is_facilitator(user, election):
        raise DemocracyError(_("Seule la personne qui facilite peut faire avancer l'élection."))


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def election_round(election: Election, round: int | None = None) -> Any:
    """The outcome (``consent_process.RoundOutcome`` of user ids) of a consent round."""
    number = election.round if round is None else round
    members = list(
        BodyMember.objects.filter(body=election.body)
        .order_by("user__full_name", "user__email")
        .values_list("user_id", flat=True)
    )
    positions = [
        Position(
            member=p.member_id,
            stance=Stance(p.stance),
            concern=bool(p.concern),
            withdrawn=p.withdrawn_at is not None,
        )
        for p in election.positions.filter(round=number).order_by("created_at")
    ]
    return round_outcome(members, positions)


@transaction.atomic
def election_create(
    *,
    body: Body,
    creator: Any,
    role: str,
    role_description: str = "",
    term_months: int = 24,
    facilitator: Any = None,
) -> Election:
    """Open an election without candidates for a role of the body; nominations are open."""
    _require_member(creator, body)
    facilitator = facilitator or creator
    if not perms.is_body_member(facilitator, body):
        raise DemocracyError(
            _("La facilitation revient à un membre de « %(body)s ».") % {"body": body.name}
        )
    role = role.strip()
    if not role:
        raise DemocracyError(_("Nommez le rôle à pourvoir, par exemple « Coprésidence »."))
    if not 1 <= term_months <= 120:
        raise DemocracyError(_("La durée du mandat va de 1 à 120 mois."))
    election = Election.objects.create(
        body=body,
        role=role[:200],
        role_description=role_description.strip(),
        term_months=term_months,
        facilitator=facilitator,
    )
    notify_body(election, "opened", actor=creator)
    return election


@transaction.atomic
def nomination_give(*, election: Election, voter: Any, nominee: Any, reason: str) -> Nomination:
    """Nominate someone with a reason (nominations round), or change one's nomination (change
    round). Within a round, nominating again replaces one's nomination of that round."""
    _require_member(voter, election.body)
    if election.phase == ElectionPhase.NOMINATIONS:
        round = 1
    elif election.phase == ElectionPhase.CHANGES:
        round = 2
    else:
        raise DemocracyError(_("Les nominations sont closes."))
    if nominee is None or not perms.is_body_member(nominee, election.body):
        raise DemocracyError(
            _("On nomme un membre de « %(body)s ».") % {"body": election.body.name}
        )
    reason = reason.strip()
    if not reason:
        raise DemocracyError(_("Dites pourquoi vous nommez cette personne."))
    if round == 2 and not election.nominations.filter(voter=voter, round=1).exists():
        raise DemocracyError(
            _("Vous n'avez pas nommé de personne au premier tour : il n'y a rien à changer.")
        )
    nomination, _created = Nomination.objects.update_or_create(
        election=election,
        voter=voter,
        round=round,
        defaults={"nominee": nominee, "reason": reason[:2000], "created_at": timezone.now()},
    )
    return nomination


@transaction.atomic
def election_advance(*, election: Election, actor: Any) -> Election:
    """Close the nomination round: the nominations are revealed, the change round opens."""
    _require_facilitator(actor, election)
    locked = _lock(election)
    count = locked.nominations.filter(round=1).count()
    if Action.NEXT not in election_actions(ElectionPhase(locked.phase), count, None):
        if locked.phase == ElectionPhase.NOMINATIONS:
            raise DemocracyError(_("Personne n'a encore nommé : le tour ne peut pas se clore."))
        raise DemocracyError(_("Le tour des nominations est déjà clos."))
    locked.phase = ElectionPhase.CHANGES
    locked.save(update_fields=["phase"])
    election.refresh_from_db()
    notify_body(election, "phase", actor=actor)
    return election


@transaction.atomic
def election_propose(*, election: Election, actor: Any, candidate: Any, reason: str) -> Election:
    """The facilitator proposes a person, with reasons: a new consent round opens.

    Proposing again during the consent round (the same person with an adjusted mandate, or
    someone else) is how an objection is integrated.
    """
    _require_facilitator(actor, election)
    locked = _lock(election)
    if Action.PROPOSE not in election_actions(ElectionPhase(locked.phase), 1, None):
        raise DemocracyError(_("Une personne se propose après le tour des changements."))
    if candidate is None or not perms.is_body_member(candidate, locked.body):
        raise DemocracyError(
            _("La personne proposée doit être membre de « %(body)s ».") % {"body": locked.body.name}
        )
    reason = reason.strip()
    if not reason:
        raise DemocracyError(_("Expliquez votre proposition à partir des nominations entendues."))
    locked.phase = ElectionPhase.CONSENT
    locked.round += 1
    locked.candidate = candidate
    locked.proposal_reason = reason
    locked.save(update_fields=["phase", "round", "candidate", "proposal_reason"])
    election.refresh_from_db()
    notify_body(election, "proposed_person", actor=actor)
    return election


@transaction.atomic
def election_position_state(
    *, election: Election, member: Any, stance: str, reason: str = "", concern: str = ""
) -> ElectionPosition:
    """A member consents to, or objects with a reason to, the person proposed in this round."""
    _require_member(member, election.body)
    if election.phase != ElectionPhase.CONSENT:
        raise DemocracyError(_("Le tour de consentement n'est pas ouvert."))
    value, reason, concern = validated_stance(stance, reason, concern)
    assert election.candidate is not None, "a consent round is always on a proposed person"
    position, _created = ElectionPosition.objects.update_or_create(
        election=election,
        round=election.round,
        member=member,
        defaults={
            "candidate": election.candidate,
            "stance": value,
            "reason": reason,
            "concern": concern,
            "withdrawn_at": None,
            "created_at": timezone.now(),
        },
    )
    return position


@transaction.atomic
def election_objection_withdraw(*, position: ElectionPosition, actor: Any) -> ElectionPosition:
    """The author of an objection lifts it; it stays on the record."""
    election = position.election
    objection_lift(
        position,
        actor,
        in_open_round=election.phase == ElectionPhase.CONSENT and position.round == election.round,
    )
    return position


@transaction.atomic
def election_conclude(*, election: Election, actor: Any, note: str = "") -> Election:
    """Record the election of the person proposed: no standing objection in this round."""
    _require_facilitator(actor, election)
    locked = _lock(election)
    outcome = election_round(locked)
    if Action.ADOPT not in election_actions(ElectionPhase(locked.phase), 1, outcome):
        if outcome.blocked:
            raise DemocracyError(
                _(
                    "%(count)s objection(s) en cours : proposez à nouveau (la même personne avec "
                    "un mandat ajusté, ou une autre) ou attendez qu'elles soient levées."
                )
                % {"count": len(outcome.objections)}
            )
        raise DemocracyError(_("Personne n'a encore exprimé son consentement dans ce tour."))
    now = timezone.now()
    locked.phase = ElectionPhase.ELECTED
    locked.decided_at = now
    locked.elected_id = locked.candidate_id
    locked.term_ends_on = add_months(timezone.localdate(now), locked.term_months)
    locked.outcome_note = note.strip()
    locked.save(update_fields=["phase", "decided_at", "elected", "term_ends_on", "outcome_note"])
    locked.participants.set(outcome.participants)
    election.refresh_from_db()
    notify_body(election, "elected", actor=actor)
    return election


@transaction.atomic
def election_cancel(*, election: Election, actor: Any, note: str = "") -> Election:
    """The facilitator cancels the election; the record says why."""
    _require_facilitator(actor, election)
    locked = _lock(election)
    locked.phase = ElectionPhase.CANCELLED
    locked.decided_at = timezone.now()
    locked.outcome_note = note.strip()
    locked.save(update_fields=["phase", "decided_at", "outcome_note"])
    election.refresh_from_db()
    notify_body(election, "cancelled", actor=actor)
    return election
