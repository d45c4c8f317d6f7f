"""Writes of the democracy app, one module per theme:

- ``congress``: events, the import of restitution documents, the demo congress, registrations,
  comments, proposals;
- ``ballots``: majority-judgment votes and their secret ballots;
- ``roadmap``: the actions that follow a congress;
- ``bodies``: the movement's bodies (conseil d'administration, bureau, commissions) and members;
- ``consent``: decisions by consent (questions, reactions, consent round, objections);
- ``election``: sociocratic elections without candidates;
- ``debates``: exchanges of governance practices between cooperatives;
- ``letter``: the letter to the national direction, from a closed vote;
- ``demo``: the demo network's board and themes of exchange.

Services are atomic, take keyword-only arguments and raise ``DemocracyError`` with a French
message for the person when a rule refuses the action.
"""

from .ballots import (
    RECEIPT_BYTES,
    CastBallot,
    ballot_cast,
    ballot_change,
    ballot_find,
    receipt_hash,
    receipt_new,
    receipt_normalise,
    vote_close,
    vote_create,
)
from .bodies import body_create, body_member_add, body_member_remove
from .common import DemocracyError, ImportConflict, VoteRefused
from .congress import (
    DATA_DIR,
    DEMO_DOCUMENTS,
    DEMO_EVENT_SLUG,
    DEMO_VOTE_TITLE,
    ImportReport,
    comment_create,
    congress_import,
    demo_congress_create,
    event_create,
    proposal_create,
    registration_cancel,
    registration_create,
)
from .consent import (
    current_version,
    decision_adopt,
    decision_advance,
    decision_amend,
    decision_create,
    decision_round,
    decision_withdraw,
    objection_withdraw,
    position_state,
    question_answer,
    question_ask,
    reaction_give,
)
from .debates import (
    debate_themes_seed,
    post_create,
    post_hide,
    post_report,
    post_restore,
    report_dismiss,
    thread_create,
    thread_lock,
    thread_unlock,
)
from .demo import demo_bodies_create
from .election import (
    add_months,
    election_advance,
    election_cancel,
    election_conclude,
    election_create,
    election_objection_withdraw,
    election_position_state,
    election_propose,
    election_round,
    nomination_give,
)
from .letter import letter_data, letter_defaults, letter_for, letter_pdf, letter_save
from .roadmap import roadmap_action_create, roadmap_action_update, roadmap_from_results

__all__ = [
    "DATA_DIR",
    "DEMO_DOCUMENTS",
    "DEMO_EVENT_SLUG",
    "DEMO_VOTE_TITLE",
    "RECEIPT_BYTES",
    "CastBallot",
    "DemocracyError",
    "ImportConflict",
    "ImportReport",
    "VoteRefused",
    "add_months",
    "ballot_cast",
    "ballot_change",
    "ballot_find",
    "body_create",
    "body_member_add",
    "body_member_remove",
    "comment_create",
    "congress_import",
    "current_version",
    "debate_themes_seed",
    "decision_adopt",
    "decision_advance",
    "decision_amend",
    "decision_create",
    "decision_round",
    "decision_withdraw",
    "demo_bodies_create",
    "demo_congress_create",
    "election_advance",
    "election_cancel",
    "election_conclude",
    "election_create",
    "election_objection_withdraw",
    "election_position_state",
    "election_propose",
    "election_round",
    "event_create",
    "letter_data",
    "letter_defaults",
    "letter_for",
    "letter_pdf",
    "letter_save",
    "nomination_give",
    "objection_withdraw",
    "position_state",
    "post_create",
    "post_hide",
    "post_report",
    "post_restore",
    "proposal_create",
    "question_answer",
    "question_ask",
    "reaction_give",
    "receipt_hash",
    "receipt_new",
    "receipt_normalise",
    "registration_cancel",
    "registration_create",
    "report_dismiss",
    "roadmap_action_create",
    "roadmap_action_update",
    "roadmap_from_results",
    "thread_create",
    "thread_lock",
    "thread_unlock",
    "vote_close",
    "vote_create",
]
