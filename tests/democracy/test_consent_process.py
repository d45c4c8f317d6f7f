"""The phase rules of decisions by consent and sociocratic elections, without a database."""

from __future__ import annotations

from maillage.democracy.consent_process import (
    Action,
    DecisionPhase,
    ElectionPhase,
    Nominated,
    Position,
    Stance,
    current_nominations,
    decision_actions,
    decision_can_participate,
    election_actions,
    nomination_tally,
    nominations_revealed,
    round_outcome,
    visible_nominations,
)

MEMBERS = ["alix", "bastien", "chloe", "dom"]
C, OBJ = Stance.CONSENT, Stance.OBJECTION


def test_round_outcome_counts_consents_objections_concerns_and_missing():
    outcome = round_outcome(
        MEMBERS,
        [
            Position("alix", C),
            Position("bastien", OBJ),
            Position("chloe", C, concern=True),
            Position("stranger", OBJ),  # not a member: ignored
        ],
    )
    assert outcome.consents == ("alix", "chloe")
    assert outcome.objections == ("bastien",)
    assert outcome.concerns == ("chloe",)
    assert outcome.missing == ("dom",)
    assert outcome.blocked and not outcome.adoptable and not outcome.complete


def test_a_concern_does_not_block_and_a_withdrawn_objection_no_longer_blocks():
    outcome = round_outcome(
        MEMBERS[:2], [Position("alix", C, concern=True), Position("bastien", OBJ, withdrawn=True)]
    )
    assert not outcome.blocked
    assert outcome.adoptable and outcome.complete
    assert outcome.withdrawn_objections == ("bastien",)
    assert set(outcome.participants) == {"alix", "bastien"}


def test_the_last_position_of_a_member_counts():
    outcome = round_outcome(MEMBERS, [Position("alix", OBJ), Position("alix", C)])
    assert outcome.consents == ("alix",) and not outcome.objections


def test_nobody_spoke_is_not_adoptable():
    assert not round_outcome(MEMBERS, []).adoptable


def test_decision_phases_move_forward_and_adoption_needs_no_standing_objection():
    assert decision_actions(DecisionPhase.QUESTIONS, None) == {Action.NEXT, Action.WITHDRAW}
    assert decision_actions(DecisionPhase.REACTIONS, None) == {
        Action.NEXT,
        Action.AMEND,
        Action.WITHDRAW,
    }
    blocked = round_outcome(MEMBERS, [Position("alix", C), Position("bastien", OBJ)])
    assert Action.ADOPT not in decision_actions(DecisionPhase.CONSENT, blocked)
    assert Action.AMEND in decision_actions(DecisionPhase.CONSENT, blocked)
    clear = round_outcome(MEMBERS, [Position("alix", C)])
    assert decision_actions(DecisionPhase.CONSENT, clear) == {
        Action.ADOPT,
        Action.AMEND,
        Action.WITHDRAW,
    }
    assert decision_actions(DecisionPhase.ADOPTED, clear) == frozenset()
    assert decision_actions(DecisionPhase.WITHDRAWN, clear) == frozenset()


def test_what_members_may_do_in_each_phase():
    assert decision_can_participate(DecisionPhase.QUESTIONS, "question")
    assert decision_can_participate(DecisionPhase.REACTIONS, "question")
    assert not decision_can_participate(DecisionPhase.CONSENT, "question")
    assert decision_can_participate(DecisionPhase.REACTIONS, "reaction")
    assert not decision_can_participate(DecisionPhase.QUESTIONS, "reaction")
    assert decision_can_participate(DecisionPhase.CONSENT, "position")
    assert not decision_can_participate(DecisionPhase.ADOPTED, "position")
    assert not decision_can_participate(DecisionPhase.QUESTIONS, "anything")


def test_election_phases():
    assert election_actions(ElectionPhase.NOMINATIONS, 0, None) == {Action.WITHDRAW}
    assert election_actions(ElectionPhase.NOMINATIONS, 2, None) == {Action.NEXT, Action.WITHDRAW}
    assert election_actions(ElectionPhase.CHANGES, 2, None) == {Action.PROPOSE, Action.WITHDRAW}
    blocked = round_outcome(MEMBERS, [Position("alix", OBJ)])
    assert election_actions(ElectionPhase.CONSENT, 2, blocked) == {
        Action.PROPOSE,
        Action.WITHDRAW,
    }
    clear = round_outcome(MEMBERS, [Position("alix", C), Position("bastien", C)])
    assert Action.ADOPT in election_actions(ElectionPhase.CONSENT, 2, clear)
    assert election_actions(ElectionPhase.ELECTED, 2, clear) == frozenset()


def test_changes_replace_first_nominations_and_tally_counts_current_ones():
    nominations = [
        Nominated("alix", "chloe", 1),
        Nominated("bastien", "dom", 1),
        Nominated("chloe", "chloe", 1),
        Nominated("bastien", "chloe", 2),
    ]
    assert current_nominations(nominations) == {
        "alix": "chloe",
        "bastien": "chloe",
        "chloe": "chloe",
    }
    assert nomination_tally(nominations) == [("chloe", 3)]


def test_nominations_are_sealed_until_the_end_of_their_round():
    first, change = Nominated("alix", "chloe", 1), Nominated("bastien", "dom", 2)
    assert not nominations_revealed(ElectionPhase.NOMINATIONS, 1)
    assert nominations_revealed(ElectionPhase.CHANGES, 1)
    assert not nominations_revealed(ElectionPhase.CHANGES, 2)
    assert nominations_revealed(ElectionPhase.CONSENT, 2)
    both = [first, change]
    assert visible_nominations(ElectionPhase.NOMINATIONS, "dom", both) == []
    assert visible_nominations(ElectionPhase.NOMINATIONS, "alix", both) == [first]
    assert visible_nominations(ElectionPhase.CHANGES, "alix", both) == [first]
    assert visible_nominations(ElectionPhase.CHANGES, "bastien", both) == both
    assert visible_nominations(ElectionPhase.ELECTED, None, both) == both
