"""The rules of decisions by consent and of sociocratic elections, as pure functions.

No Django, no database: fed phases, members and positions as plain values, so that the rules can
be read, tested and explained on their own. The services (``services/consent.py`` and
``services/election.py``) ask these functions before they write anything, and turn a refusal into
a message for the person.

Decision by consent
    ``questions`` (clarification questions, answered by the author or the facilitator) →
    ``reactions`` (each member says what they think of it) → ``consent`` (a round: each member
    states *consent* or a reasoned *objection*, and may add a *concern* that does not block) →
    ``adopted`` or ``withdrawn``. A standing objection blocks adoption until it is withdrawn by
    its author, or integrated: the facilitator amends the proposal (a new version, the old ones
    are kept) and runs a new consent round, in which everybody states a position again. The
    facilitator moves the phases; the proposal may be withdrawn at any open phase.

Sociocratic election without candidates
    ``nominations`` (each member nominates someone, with a reason; the nominations stay sealed
    until the end of the round and are then revealed together) → ``changes`` (each member may
    change their nomination, with a reason; changes are revealed at the end of this round too) →
    the facilitator proposes a person, which opens a ``consent`` round with objections as above
    (a standing objection is resolved by its withdrawal, or by a new proposal, which opens a new
    round) → ``elected`` or ``cancelled``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class DecisionPhase(StrEnum):
    """Where a decision by consent stands."""

    QUESTIONS = "questions"
    REACTIONS = "reactions"
    CONSENT = "consent"
    ADOPTED = "adopted"
    WITHDRAWN = "withdrawn"


class ElectionPhase(StrEnum):
    """Where a sociocratic election stands."""

    NOMINATIONS = "nominations"
    CHANGES = "changes"
    CONSENT = "consent"
    ELECTED = "elected"
    CANCELLED = "cancelled"


class Stance(StrEnum):
    """What a member states in a consent round."""

    CONSENT = "consent"
    OBJECTION = "objection"


class Action(StrEnum):
    """What the facilitator (or, for withdrawal, the author) may do next."""

    NEXT = "next"  # questions → reactions, reactions → consent, nominations → changes
    AMEND = "amend"  # a new version of the proposal (a new consent round during consent)
    PROPOSE = "propose"  # election: propose a person, which opens a consent round
    ADOPT = "adopt"  # decision adopted, or person elected
    WITHDRAW = "withdraw"  # decision withdrawn, or election cancelled


DECISION_OPEN = frozenset({DecisionPhase.QUESTIONS, DecisionPhase.REACTIONS, DecisionPhase.CONSENT})
ELECTION_OPEN = frozenset({ElectionPhase.NOMINATIONS, ElectionPhase.CHANGES, ElectionPhase.CONSENT})
DECISION_NEXT: dict[DecisionPhase, DecisionPhase] = {
    DecisionPhase.QUESTIONS: DecisionPhase.REACTIONS,
    DecisionPhase.REACTIONS: DecisionPhase.CONSENT,
}
ELECTION_NEXT: dict[ElectionPhase, ElectionPhase] = {
    ElectionPhase.NOMINATIONS: ElectionPhase.CHANGES,
}


@dataclass(frozen=True)
class Position(Generic[K]):
    """One member's position in a consent round; ``withdrawn`` for an objection lifted by its
    author (kept for the record, no longer blocking)."""

    member: K
    stance: Stance
    concern: bool = False
    withdrawn: bool = False

    @property
    def blocks(self) -> bool:
        """A standing objection."""
        return self.stance == Stance.OBJECTION and not self.withdrawn


@dataclass(frozen=True)
class RoundOutcome(Generic[K]):
    """Where a consent round stands: who consented, who objects, who has not spoken yet."""

    consents: tuple[K, ...]
    objections: tuple[K, ...]
    withdrawn_objections: tuple[K, ...]
    concerns: tuple[K, ...]
    missing: tuple[K, ...]

    @property
    def blocked(self) -> bool:
        """At least one standing objection."""
        return bool(self.objections)

    @property
    def complete(self) -> bool:
        """Every member has stated a position."""
        return not self.missing

    @property
    def adoptable(self) -> bool:
        """No standing objection, and at least one person took part."""
        return not self.objections and bool(self.consents or self.withdrawn_objections)

    @property
    def participants(self) -> tuple[K, ...]:
        """Those who stated a position in the round, in the order given."""
        return self.consents + self.objections + self.withdrawn_objections


def round_outcome(members: Sequence[K], positions: Iterable[Position[K]]) -> RoundOutcome[K]:
    """Sum up one consent round; positions of people who are not ``members`` are ignored.

    A member with several positions keeps the last one given (the services store one per round).
    """
    by_member: dict[K, Position[K]] = {}
    known = set(members)
    for position in positions:
        if position.member in known:
            by_member[position.member] = position
    ordered = [by_member[m] for m in members if m in by_member]
    return RoundOutcome(
        consents=tuple(p.member for p in ordered if p.stance == Stance.CONSENT),
        objections=tuple(p.member for p in ordered if p.blocks),
        withdrawn_objections=tuple(
            p.member for p in ordered if p.stance == Stance.OBJECTION and p.withdrawn
        ),
        concerns=tuple(p.member for p in ordered if p.concern),
        missing=tuple(m for m in members if m not in by_member),
    )


def decision_actions(phase: DecisionPhase, outcome: RoundOutcome[K] | None) -> frozenset[Action]:
    """What the facilitator may do on a decision in ``phase`` (``outcome``: current round)."""
    if phase not in DECISION_OPEN:
        return frozenset()
    actions = {Action.WITHDRAW}
    if phase in DECISION_NEXT:
        actions.add(Action.NEXT)
    if phase in (DecisionPhase.REACTIONS, DecisionPhase.CONSENT):
        actions.add(Action.AMEND)
    if phase == DecisionPhase.CONSENT and outcome is not None and outcome.adoptable:
        actions.add(Action.ADOPT)
    return frozenset(actions)


def decision_can_participate(phase: DecisionPhase, step: str) -> bool:
    """May members ask a question (``"question"``), react (``"reaction"``) or state a position
    (``"position"``) now? Questions are also accepted during reactions (a late clarification)."""
    allowed = {
        "question": {DecisionPhase.QUESTIONS, DecisionPhase.REACTIONS},
        "answer": {DecisionPhase.QUESTIONS, DecisionPhase.REACTIONS, DecisionPhase.CONSENT},
        "reaction": {DecisionPhase.REACTIONS},
        "position": {DecisionPhase.CONSENT},
    }
    return phase in allowed.get(step, set())


def election_actions(
    phase: ElectionPhase, nominations: int, outcome: RoundOutcome[K] | None
) -> frozenset[Action]:
    """What the facilitator may do on an election in ``phase``.

    ``nominations``: how many members have nominated someone so far. The nomination round ends
    only once somebody has nominated; a person can be proposed once the change round is open,
    and proposed again during the consent round (a new round) to resolve an objection.
    """
    if phase not in ELECTION_OPEN:
        return frozenset()
    actions = {Action.WITHDRAW}
    if phase == ElectionPhase.NOMINATIONS and nominations > 0:
        actions.add(Action.NEXT)
    if phase in (ElectionPhase.CHANGES, ElectionPhase.CONSENT):
        actions.add(Action.PROPOSE)
    if phase == ElectionPhase.CONSENT and outcome is not None and outcome.adoptable:
        actions.add(Action.ADOPT)
    return frozenset(actions)


@dataclass(frozen=True)
class Nominated(Generic[K]):
    """One nomination as stored: who nominates whom, in which round (1: nominations,
    2: changes)."""

    voter: K
    nominee: K
    round: int


def current_nominations(nominations: Iterable[Nominated[K]]) -> dict[K, K]:
    """Each voter's nomination as it stands: the change if they made one, else the first."""
    chosen: dict[K, tuple[int, K]] = {}
    for item in nominations:
        previous = chosen.get(item.voter)
        if previous is None or item.round >= previous[0]:
            chosen[item.voter] = (item.round, item.nominee)
    return {voter: nominee for voter, (_round, nominee) in chosen.items()}


def nomination_tally(nominations: Iterable[Nominated[K]]) -> list[tuple[K, int]]:
    """How many current nominations each nominee has, most first (ties in first-seen order)."""
    counts = Counter(current_nominations(nominations).values())
    return counts.most_common()


def nominations_revealed(phase: ElectionPhase, round: int) -> bool:
    """Nominations of ``round`` are shown to everyone once their round is over."""
    if round <= 1:
        return phase != ElectionPhase.NOMINATIONS
    return phase not in (ElectionPhase.NOMINATIONS, ElectionPhase.CHANGES)


def visible_nominations(
    phase: ElectionPhase, viewer: K | None, nominations: Collection[Nominated[K]]
) -> list[Nominated[K]]:
    """The nominations ``viewer`` may see now: their own always, the others once revealed."""
    return [
        item
        for item in nominations
        if item.voter == viewer or nominations_revealed(phase, item.round)
    ]
