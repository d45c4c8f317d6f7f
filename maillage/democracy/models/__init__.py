"""Models of the democracy app, one module per theme; import them from here.

- ``congress``: events, workshops, proposals, comments, secret majority-judgment votes, the
  roadmap (see the module's docstring on ballot secrecy);
- ``bodies``, ``consent``, ``election``: the movement's bodies, decisions by consent and
  sociocratic elections;
- ``debates``: exchanges of governance practices;
- ``letter``: the letter to the national direction.
"""

from .bodies import Body, BodyMember, ConsentPosition
from .congress import (
    Ballot,
    BallotGrade,
    Comment,
    Event,
    Participation,
    Proposal,
    Registration,
    RoadmapAction,
    RoadmapUpdate,
    Vote,
    Workshop,
)
from .consent import (
    ConsentDecision,
    DecisionPosition,
    DecisionQuestion,
    DecisionReaction,
    DecisionVersion,
)
from .debates import DebatePost, DebateTheme, DebateThread, PostReport
from .election import Election, ElectionPosition, Nomination
from .letter import CongressLetter

__all__ = [
    "Ballot",
    "BallotGrade",
    "Body",
    "BodyMember",
    "Comment",
    "CongressLetter",
    "ConsentDecision",
    "ConsentPosition",
    "DebatePost",
    "DebateTheme",
    "DebateThread",
    "DecisionPosition",
    "DecisionQuestion",
    "DecisionReaction",
    "DecisionVersion",
    "Election",
    "ElectionPosition",
    "Event",
    "Nomination",
    "Participation",
    "PostReport",
    "Proposal",
    "Registration",
    "RoadmapAction",
    "RoadmapUpdate",
    "Vote",
    "Workshop",
]
