"""Results from the database agree with a recomputation from the anonymous export."""

from __future__ import annotations

import csv
import io
import random

import pytest

from maillage.democracy import selectors, services
from maillage.democracy.enums import MissingGrades
from maillage.democracy.grades import GRADE_KEYS
from maillage.democracy.majority_judgment import (
    MissingGradeRule,
    parse_ballot_export,
    tally_ballot_export,
    tally_ballots,
)
from tests.democracy.factories import member_of_union, open_vote

pytestmark = pytest.mark.django_db


def _cast_random(vote, count: int, seed: int, gaps: float = 0.2) -> list[dict[str, int | None]]:
    rng = random.Random(seed)
    proposals = selectors.vote_proposals(vote)
    ballots = []
    for _ in range(count):
        grades = {p.pk: (None if rng.random() < gaps else rng.randrange(7)) for p in proposals}
        services.ballot_cast(vote=vote, user=member_of_union(vote.event.union), grades=grades)
        ballots.append({p.ref: grades[p.pk] for p in proposals})
    return ballots


@pytest.mark.parametrize("rule", [MissingGrades.AS_REJECT, MissingGrades.IGNORE])
def test_results_match_the_tally_of_the_ballots_and_of_the_export(rule):
    vote = open_vote(proposals=6, missing_grades=rule)
    ballots = _cast_random(vote, 25, seed=hash(rule) % 1000)
    services.vote_close(vote=vote)
    vote.refresh_from_db()

    results = selectors.vote_results(vote=vote)
    refs = [p.ref for p in selectors.vote_proposals(vote)]
    expected = tally_ballots(ballots, refs, missing_grades=MissingGradeRule(rule))
    exported = tally_ballot_export(
        io.StringIO(selectors.ballot_export_csv(vote=vote)), missing_grades=MissingGradeRule(rule)
    )

    assert results.ballots == 25 == results.participations
    assert [r.proposal.ref for r in results.rows] == list(expected.order) == list(exported.order)
    assert [r.result.rank for r in results.rows] == [r.rank for r in expected.ranking]
    assert [r.counts for r in results.rows] == [r.profile.counts for r in exported.ranking]


def test_export_has_public_ids_not_receipts_and_cells_are_grade_keys(vote, voter):
    cast = services.ballot_cast(
        vote=vote, user=voter, grades={p.pk: 4 for p in vote.proposals.all()[:2]}
    )
    text = selectors.ballot_export_csv(vote=vote)
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0] == ["receipt", *(p.ref for p in selectors.vote_proposals(vote))]
    assert rows[1][0] == cast.public_id
    assert services.receipt_normalise(cast.receipt) not in text.upper()
    assert set(rows[1][1:]) <= set(GRADE_KEYS) | {""}
    assert rows[1].count("bien") == 2 and rows[1].count("") == 1
    assert parse_ballot_export(io.StringIO(text)).receipts == (cast.public_id,)


def test_export_rows_are_in_random_order_not_voting_order():
    vote = open_vote(proposals=1)
    public_ids = [
        services.ballot_cast(vote=vote, user=member_of_union(vote.event.union), grades={}).public_id
        for _ in range(30)
    ]
    exported = [row[0] for row in list(selectors.ballot_export_rows(vote=vote))[1:]]

    assert exported == sorted(public_ids)
    assert exported != public_ids


def test_missing_grades_count_as_reject_by_default(vote, voter):
    first = selectors.vote_proposals(vote)[0]
    services.ballot_cast(vote=vote, user=voter, grades={first.pk: 6})
    services.vote_close(vote=vote)

    results = selectors.vote_results(vote=vote)
    counts = {r.proposal.ref: r.counts for r in results.rows}
    assert counts[first.ref] == (0, 0, 0, 0, 0, 0, 1)
    assert all(c == (1, 0, 0, 0, 0, 0, 0) for ref, c in counts.items() if ref != first.ref)


def test_results_take_a_bounded_number_of_queries(django_assert_max_num_queries):
    vote = open_vote(proposals=8)
    _cast_random(vote, 10, seed=3)
    services.vote_close(vote=vote)
    with django_assert_max_num_queries(4):
        selectors.vote_results(vote=vote)
