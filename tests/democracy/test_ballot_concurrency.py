"""One ballot per person, enforced by the database under concurrent submissions.

Needs PostgreSQL (SQLite serialises writers, so it would prove nothing): 50 threads, each with
its own connection, submit a ballot for the same member at the same instant; exactly one is
stored, and the 49 others get the clear "already voted" refusal.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from maillage.democracy import perms, services
from maillage.democracy.models import Ballot, BallotGrade, Participation
from tests.democracy.factories import member_of_union, open_vote

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL only"
    ),
]

THREADS = 50


def _race(vote, voter, grades) -> tuple[int, list[str], list[BaseException]]:
    barrier = threading.Barrier(THREADS)
    accepted: list[str] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            cast = services.ballot_cast(vote=vote, user=voter, grades=grades)
            with lock:
                accepted.append(cast.public_id)
        except services.VoteRefused as refused:
            with lock:
                refusals.append(refused.message)
        except BaseException as error:  # reported by the test, not swallowed
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(accepted), refusals, errors


@pytest.mark.parametrize("skip_early_check", [False, True], ids=["as-is", "constraint-only"])
def test_fifty_simultaneous_ballots_from_one_member_leave_exactly_one(
    skip_early_check, monkeypatch
):
    vote = open_vote(proposals=4)
    voter = member_of_union(vote.event.union)
    grades = {p.pk: 5 for p in vote.proposals.all()}
    if skip_early_check:
        # Every thread passes the early "already voted?" read: only the constraint can stop them.
        monkeypatch.setattr(perms, "has_voted", lambda user, vote: False)

    accepted, refusals, errors = _race(vote, voter, grades)

    assert errors == []
    assert accepted == 1
    assert len(refusals) == THREADS - 1
    assert all("déjà voté" in message for message in refusals)
    assert Participation.objects.filter(vote=vote, user=voter).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1
    assert BallotGrade.objects.filter(ballot__vote=vote).count() == 4


def test_closing_rewrites_ballot_tables_in_random_key_order():
    """vote_close CLUSTERs the ballot tables on their random keys (ballot-secrecy.md, risk 3)."""
    vote = open_vote(proposals=1)
    services.ballot_cast(vote=vote, user=member_of_union(vote.event.union), grades={})
    services.vote_close(vote=vote)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "WHERE i.indisprimary AND i.indisclustered AND c.relname LIKE 'democracy_ballot%%'"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "democracy_ballot",
            "democracy_ballotgrade",
        ]
