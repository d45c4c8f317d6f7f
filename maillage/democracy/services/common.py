"""What every democracy service shares: the errors whose message is for the person."""

from __future__ import annotations


class DemocracyError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VoteRefused(DemocracyError):
    """A ballot that cannot be accepted (not eligible, closed, already voted, bad grade…)."""


class ImportConflict(DemocracyError):
    """Two documents, or a document and the database, disagree about a workshop."""
