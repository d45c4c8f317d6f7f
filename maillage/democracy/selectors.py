"""Reads of the democracy app that span models: event pages, vote results, ballot export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .consent_process import (
    ElectionPhase,
    Nominated,
    nomination_tally,
    visible_nominations,
)
from .grades import GRADE_KEYS
from .majority_judgment import RECEIPT_HEADER, ProposalResult, Tally, tally_profiles
from .models import (
    Ballot,
    BallotGrade,
    Body,
    BodyMember,
    ConsentDecision,
    DebatePost,
    DebateTheme,
    DebateThread,
    DecisionPosition,
    Election,
    ElectionPosition,
    Event,
    Nomination,
    PostReport,
    Proposal,
    RoadmapAction,
    Vote,
    Workshop,
)


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


# --- bodies, decisions by consent, elections ---------------------------------------------------


def bodies_list(user: Any) -> tuple[list[Body], list[Body]]:
    """The bodies the person sits in, and the other bodies that publish their record."""
    bodies = Body.objects.select_related("union").annotate(
        member_count=Count("memberships", distinct=True)
    )
    mine_ids: set[int] = set()
    if user is not None and user.is_authenticated:
        mine_ids = set(BodyMember.objects.filter(user=user).values_list("body_id", flat=True))
    everything = list(bodies.filter(Q(pk__in=mine_ids) | Q(public_record=True)))
    return (
        [b for b in everything if b.pk in mine_ids],
        [b for b in everything if b.pk not in mine_ids],
    )


def body_members(body: Body) -> list[BodyMember]:
    """The body's members, by name."""
    return list(body.memberships.select_related("user").order_by("user__full_name", "user__email"))


def body_decisions(body: Body, *, concluded_only: bool = False) -> QuerySet[ConsentDecision]:
    """The body's decisions, newest first, with their author and facilitator."""
    decisions = body.decisions.select_related("author", "facilitator", "adopted_version")
    if concluded_only:
        decisions = decisions.exclude(phase__in=["questions", "reactions", "consent"])
    return decisions


def body_elections(body: Body, *, concluded_only: bool = False) -> QuerySet[Election]:
    """The body's elections, newest first."""
    elections = body.elections.select_related("facilitator", "candidate", "elected")
    if concluded_only:
        elections = elections.filter(phase__in=[ElectionPhase.ELECTED, ElectionPhase.CANCELLED])
    return elections


def decision_positions(decision: ConsentDecision) -> dict[int, list[DecisionPosition]]:
    """Every position of every consent round, by round (latest round first)."""
    rounds: dict[int, list[DecisionPosition]] = {}
    for position in decision.positions.select_related("member", "version").order_by(
        "-round", "created_at"
    ):
        rounds.setdefault(position.round, []).append(position)
    return rounds


def election_positions(election: Election) -> dict[int, list[ElectionPosition]]:
    """Every position of every consent round of an election, by round (latest first)."""
    rounds: dict[int, list[ElectionPosition]] = {}
    for position in election.positions.select_related("member", "candidate").order_by(
        "-round", "created_at"
    ):
        rounds.setdefault(position.round, []).append(position)
    return rounds


@dataclass(frozen=True)
class NominationsView:
    """What a person may see of an election's nominations now."""

    visible: list[Nomination]
    tally: list[tuple[Any, int]]
    sealed_count: int
    mine: dict[int, Nomination]


def election_nominations(election: Election, viewer: Any) -> NominationsView:
    """The nominations the viewer may see (their own always, the others once their round is
    over), the tally of current nominations once revealed, and how many are still sealed."""
    rows = list(election.nominations.select_related("voter", "nominee"))
    plain = [Nominated(voter=n.voter_id, nominee=n.nominee_id, round=n.round) for n in rows]
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    phase = ElectionPhase(election.phase)
    shown = {(n.voter, n.round) for n in visible_nominations(phase, viewer_id, plain)}
    visible = [n for n in rows if (n.voter_id, n.round) in shown]
    tally: list[tuple[Any, int]] = []
    if phase != ElectionPhase.NOMINATIONS:
        revealed = [n for n in plain if (n.voter, n.round) in shown]
        users = {n.nominee_id: n.nominee for n in rows}
        tally = [(users[pk], count) for pk, count in nomination_tally(revealed)]
    return NominationsView(
        visible=visible,
        tally=tally,
        sealed_count=len(rows) - len(visible),
        mine={n.round: n for n in rows if n.voter_id == viewer_id},
    )


# --- exchanges of practices ----------------------------------------------------------------------


def debate_themes() -> QuerySet[DebateTheme]:
    """Themes in order, with their numbers of threads."""
    return DebateTheme.objects.annotate(thread_count=Count("threads")).order_by("position", "name")


def theme_threads(theme: DebateTheme) -> QuerySet[DebateThread]:
    """A theme's threads, most recently active first, with their numbers of messages."""
    return (
        theme.threads.select_related("author")
        .annotate(post_count=Count("posts"))
        .order_by("-last_post_at", "-pk")
    )


def thread_posts(thread: DebateThread, viewer: Any) -> QuerySet[DebatePost]:
    """A thread's messages in order, with authors, moderators, and whether the viewer already
    reported each one."""
    posts = thread.posts.select_related("author", "hidden_by").order_by("created_at", "pk")
    viewer_id = viewer.pk if viewer is not None and viewer.is_authenticated else None
    return posts.annotate(
        reported_by_me=Exists(
            PostReport.objects.filter(post=OuterRef("pk"), reporter_id=viewer_id)
        ),
        open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)),
    )


def open_reports() -> QuerySet[PostReport]:
    """Reports the moderators have not handled yet, oldest first."""
    return (
        PostReport.objects.filter(resolved_at__isnull=True)
        .select_related("post__thread__theme", "post__author", "reporter")
        .order_by("created_at")
    )
