"""Reads of the democracy app that span models: event pages, vote results, ballot export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from .grades import GRADE_KEYS
from .majority_judgment import RECEIPT_HEADER, ProposalResult, Tally, tally_profiles
from .models import Ballot, BallotGrade, Event, Proposal, RoadmapAction, Vote, Workshop


def events_list() -> QuerySet[Event]:
    """Events, most recent first, with their numbers of workshops and proposals."""
    return Event.objects.select_related("union").annotate(
        workshop_count=Count("workshops", distinct=True),
        proposal_count=Count("workshops__proposals", distinct=True),
    )


def event_workshops(event: Event) -> QuerySet[Workshop]:
    """The event's workshops in order, each with its number of proposals."""
    return event.workshops.annotate(proposal_count=Count("proposals")).order_by("position", "code")


def workshop_proposals(workshop: Workshop) -> QuerySet[Proposal]:
    """A workshop's proposals in order, with their number of comments."""
    return (
        workshop.proposals.select_related("workshop", "author")
        .annotate(comment_count=Count("comments"))
        .order_by("position")
    )


def vote_proposals(vote: Vote) -> list[Proposal]:
    """The proposals of a vote in their published order (which orders ties in the results)."""
    return list(
        vote.proposals.select_related("workshop").order_by(
            "workshop__position", "workshop__code", "position"
        )
    )


@dataclass(frozen=True)
class ResultRow:
    """One line of the results: the proposal and its place in the tally."""

    proposal: Proposal
    result: ProposalResult[str]

    @property
    def counts(self) -> tuple[int, ...]:
        """Counted grades per value (missing grades included per the rule)."""
        return self.result.profile.counts

    @property
    def percentages(self) -> list[float]:
        """Share of each grade, in percent."""
        return [share * 100 for share in self.result.profile.shares]

    @property
    def gauge_label(self) -> str:
        """The majority grade with its sign ("Bien+"), or a dash when nobody graded it."""
        gauge = self.result.gauge
        return gauge.label if gauge else "—"

    @property
    def above_percent(self) -> float | None:
        """Share of grades above the majority grade, in percent (p of the gauge)."""
        gauge = self.result.gauge
        return gauge.p * 100 if gauge else None

    @property
    def below_percent(self) -> float | None:
        """Share of grades below the majority grade, in percent (q of the gauge)."""
        gauge = self.result.gauge
        return gauge.q * 100 if gauge else None


@dataclass(frozen=True)
class VoteResults:
    """The outcome of a vote as the results page shows it."""

    vote: Vote
    tally: Tally[str]
    rows: list[ResultRow]
    participations: int

    @property
    def ballots(self) -> int:
        """Number of ballots counted."""
        return self.tally.ballots


def vote_results(*, vote: Vote) -> VoteResults:
    """Tally a vote from a ``GROUP BY proposal, grade`` aggregate (three queries).

    Proposals are keyed by their reference ("2.4"), as in the export, and passed in published
    order, so that this ranking and a recomputation from the export agree, ties included.
    """
    proposals = vote_proposals(vote)
    by_pk = {p.pk: p for p in proposals}
    profiles: dict[str, list[int]] = {p.ref: [0] * len(GRADE_KEYS) for p in proposals}
    rows = (
        BallotGrade.objects.filter(ballot__vote=vote)
        .values_list("proposal_id", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    for proposal_id, grade, n in rows:
        profiles[by_pk[proposal_id].ref][grade] += n
    ballots = Ballot.objects.filter(vote=vote).count()
    tally = tally_profiles(profiles, ballots=ballots, missing_grades=vote.rule)
    by_ref = {p.ref: p for p in proposals}
    return VoteResults(
        vote=vote,
        tally=tally,
        rows=[ResultRow(proposal=by_ref[r.proposal], result=r) for r in tally.ranking],
        participations=vote.participations.count(),
    )


def ballot_export_rows(*, vote: Vote) -> Iterator[list[str]]:
    """The anonymous export, row by row: header ``receipt,<refs>``, then one row per ballot.

    The first column holds each ballot's random public number (never the receipt or its hash),
    rows are sorted by it, hence in random order; a cell holds a grade key, or nothing when the
    ballot left the proposal ungraded. majority_judgment.parse_ballot_export reads it back.
    """
    proposals = vote_proposals(vote)
    column = {p.pk: i for i, p in enumerate(proposals)}
    yield [RECEIPT_HEADER, *(p.ref for p in proposals)]
    grades = (
        BallotGrade.objects.filter(ballot__vote=vote)
        .values_list("ballot__public_id", "proposal_id", "grade")
        .order_by("ballot__public_id")
    )
    cells: dict[str, list[str]] = {
        public_id: [""] * len(proposals)
        for public_id in Ballot.objects.filter(vote=vote).values_list("public_id", flat=True)
    }
    for public_id, proposal_id, grade in grades.iterator(chunk_size=5000):
        cells[public_id][column[proposal_id]] = GRADE_KEYS[grade]
    for public_id in sorted(cells):
        yield [public_id, *cells[public_id]]


def ballot_export_csv(*, vote: Vote) -> str:
    """The anonymous export as CSV text (UTF-8, ``\\r\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(ballot_export_rows(vote=vote))
    return buffer.getvalue()


def event_roadmap(event: Event) -> QuerySet[RoadmapAction]:
    """The event's roadmap actions with their updates, newest update first."""
    return (
        event.roadmap_actions.select_related("proposal__workshop")
        .prefetch_related(Prefetch("updates"))
        .order_by("position", "pk")
    )
