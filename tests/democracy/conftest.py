from __future__ import annotations

import pytest

from tests.democracy.factories import member_of_union, open_vote


@pytest.fixture
def vote(db):
    """An open vote on three proposals, electorate: members of the event's union."""
    return open_vote()


@pytest.fixture
def voter(vote):
    """An eligible member for ``vote``."""
    return member_of_union(vote.event.union)
