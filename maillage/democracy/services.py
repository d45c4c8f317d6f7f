"""Writes of the democracy app: events, imports, registrations, comments, votes, ballots,
roadmap. Typed, keyword-only, atomic.

The ballot services keep the promise of docs/decisions/ballot-secrecy.md: the participation
(who) and the ballot (what) are written in one transaction, and nothing written links them; the
ballot is found again only through the receipt returned once to the voter.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.territories.models import Union

from . import perms
from .congress_document import ParsedDocument, parse_congress_document, proposal_title
from .enums import ActionStatus, Electorate, EventKind, MissingGrades
from .grades import validate_grade
from .models import (
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

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_EVENT_SLUG = "congres-regional-2025-11-20"
DEMO_DOCUMENTS = ("congres-2025-11-20-ateliers.txt", "congres-2025-11-20-restitution.txt")
DEMO_VOTE_TITLE = "Prioriser les propositions du congrès"


class DemocracyError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VoteRefused(DemocracyError):
    """A ballot that cannot be accepted (not eligible, closed, already voted, bad grade…)."""


class ImportConflict(DemocracyError):
    """Two documents, or a document and the database, disagree about a workshop."""


# --- events and their workshops ----------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    slug: str,
    title: str,
    starts_on: date,
    kind: str = EventKind.CONGRESS,
    union: Union | None = None,
    place: str = "",
    description: str = "",
) -> Event:
    """Create an event, or update the one with this slug (idempotent)."""
    event, _created = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title,
            "starts_on": starts_on,
            "kind": kind,
            "union": union,
            "place": place,
            "description": description,
        },
    )
    return event


@dataclass
class ImportReport:
    """What an import did, for the command's output and the tests."""

    workshops_created: int = 0
    workshops_updated: int = 0
    proposals_created: int = 0
    proposals_updated: int = 0
    proposals_unchanged: int = 0
    skipped_lines: list[str] = field(default_factory=list)


def _letter_code(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"…"""
    letters = string.ascii_uppercase
    code = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        code = letters[rest] + code
    return code


def _workshop_for(
    event: Event, number: int | None, title: str, source: str, report: ImportReport
) -> Workshop:
    """Find the workshop a parsed section denotes (by number, else by title), or create it."""
    slug = slugify(title)[:120] or "atelier"
    if number is not None:
        code = str(number)
        workshop = Workshop.objects.filter(event=event, code=code).first()
        if workshop is not None and workshop.slug != slug and workshop.source != source:
            raise ImportConflict(
                _(
                    "L'atelier %(code)s existe déjà (« %(existing)s », importé de %(source)s) : "
                    "« %(title)s » ne peut pas prendre son numéro."
                )
                % {
                    "code": code,
                    "existing": workshop.title,
                    "source": workshop.source,
                    "title": title,
                }
            )
        position = number
    else:
        workshop = Workshop.objects.filter(event=event, slug=slug).first()
        if workshop is not None:
            code, position = workshop.code, workshop.position
        else:
            used = set(Workshop.objects.filter(event=event).values_list("code", flat=True))
            index = 0
            while _letter_code(index) in used:
                index += 1
            code, position = _letter_code(index), 100 + index
    if workshop is None:
        workshop = Workshop(event=event, code=code)
        report.workshops_created += 1
    else:
        report.workshops_updated += 1
    workshop.position = position
    workshop.slug = slug
    workshop.title = title
    workshop.source = source
    return workshop


@transaction.atomic
def congress_import(
    *, event: Event, documents: Sequence[tuple[str, str]], progress: Any = None
) -> ImportReport:
    """Import the workshops and proposals of restitution documents into an event.

    ``documents`` are ``(source name, text)`` pairs, parsed by
    :func:`maillage.democracy.congress_document.parse_congress_document`. Idempotent: workshops
    are found again by their number (numbered workshops) or their title (unnumbered sections),
    proposals by their position in the workshop, and rows already up to date are left alone.
    A document's preamble becomes the event's presentation when it has none. ``progress`` is
    called with a line of text per workshop, if given.
    """
    report = ImportReport()
    for source, text in documents:
        parsed: ParsedDocument = parse_congress_document(text)
        report.skipped_lines.extend(parsed.skipped)
        if parsed.preamble and not event.description:
            event.description = "\n\n".join(parsed.preamble)
            event.save(update_fields=["description"])
        for section in parsed.workshops:
            workshop = _workshop_for(event, section.number, section.title, source, report)
            workshop.subtitle = section.subtitle
            workshop.introduction = "\n".join(section.introduction)
            workshop.save()
            for position, item in enumerate(section.proposals, start=1):
                values = {"title": item.title, "text": item.full_text, "theme": item.theme}
                proposal = Proposal.objects.filter(workshop=workshop, position=position).first()
                if proposal is None:
                    Proposal.objects.create(workshop=workshop, position=position, **values)
                    report.proposals_created += 1
                elif any(getattr(proposal, key) != value for key, value in values.items()):
                    for key, value in values.items():
                        setattr(proposal, key, value)
                    proposal.save(update_fields=list(values))
                    report.proposals_updated += 1
                else:
                    report.proposals_unchanged += 1
            if progress is not None:
                progress(
                    f"{workshop.code}. {workshop.title} — {len(section.proposals)} propositions"
                )
    return report


def demo_congress_create(*, union: Union | None = None, now: datetime | None = None) -> Event:
    """The demo congress: the regional congress of 20 November 2025, from its real documents.

    Imports the two restitution documents shipped in ``maillage/democracy/data/`` and opens a
    vote on all the proposals (missing grades count as "À rejeter", electorate: members of the
    union's member organisations), open for 60 days from the first run. ``union`` defaults to
    the union with the most member organisations. Idempotent: a rerun updates the texts and
    leaves the vote, its dates and its ballots alone.
    """
    now = now or timezone.now()
    if union is None:
        union = _busiest_union()
    with transaction.atomic():
        event = Event.objects.filter(slug=DEMO_EVENT_SLUG).first()
        if event is None:
            event = event_create(
                slug=DEMO_EVENT_SLUG,
                title="Congrès régional du 20 novembre 2025",
                starts_on=date(2025, 11, 20),
                kind=EventKind.CONGRESS,
                union=union,
            )
        documents = [
            (name, (DATA_DIR / name).read_text(encoding="utf-8")) for name in DEMO_DOCUMENTS
        ]
        congress_import(event=event, documents=documents)
        if not event.votes.filter(title=DEMO_VOTE_TITLE).exists():
            vote_create(
                event=event,
                title=DEMO_VOTE_TITLE,
                description=(
                    "Quelles propositions des ateliers porter en priorité dans la feuille de "
                    "route régionale ? Donnez une mention à chacune."
                ),
                proposals=Proposal.objects.filter(workshop__event=event),
                opens_at=now,
                closes_at=now + timedelta(days=60),
            )
    return event


def _busiest_union() -> Union | None:
    """The union with the most member organisations (explicit or by head office)."""
    from django.db.models import Count, Q

    return (
        Union.objects.annotate(
            members=Count(
                "departements__communes__organisations",
                filter=Q(departements__communes__organisations__is_union_member=True),
            )
        )
        .order_by("-members", "name")
        .first()
    )


# --- registrations and comments --------------------------------------------------------------


@transaction.atomic
def registration_create(*, event: Event, user: Any, organisation: Any = None) -> Registration:
    """Register a person for an event (idempotent)."""
    if not perms.can_register(user, event):
        raise DemocracyError(_("Les inscriptions à cet événement sont fermées."))
    registration, _created = Registration.objects.get_or_create(
        event=event, user=user, defaults={"organisation": organisation}
    )
    return registration


@transaction.atomic
def registration_cancel(*, event: Event, user: Any) -> None:
    """Cancel a person's registration (nothing happens if they were not registered)."""
    Registration.objects.filter(event=event, user=user).delete()


@transaction.atomic
def comment_create(*, proposal: Proposal, author: Any, body: str) -> Comment:
    """Publish a comment on a proposal."""
    if not perms.can_comment(author):
        raise DemocracyError(_("Connectez-vous pour commenter."))
    body = body.strip()
    if not body:
        raise DemocracyError(_("Le commentaire est vide."))
    return Comment.objects.create(proposal=proposal, author=author, body=body[:4000])


@transaction.atomic
def proposal_create(
    *, workshop: Workshop, title: str, text: str, theme: str = "", author: Any = None
) -> Proposal:
    """Add a proposal at the end of a workshop."""
    last = workshop.proposals.aggregate(last=Max("position"))["last"] or 0
    return Proposal.objects.create(
        workshop=workshop,
        position=last + 1,
        title=title.strip() or proposal_title(text),
        text=text.strip(),
        theme=theme,
        author=author,
    )


# --- votes -------------------------------------------------------------------------------------


@transaction.atomic
def vote_create(
    *,
    event: Event,
    title: str,
    proposals: Iterable[Proposal],
    opens_at: datetime,
    closes_at: datetime,
    missing_grades: str = MissingGrades.AS_REJECT,
    electorate: str = Electorate.UNION_MEMBERS,
    description: str = "",
) -> Vote:
    """Create a majority-judgment vote on proposals of the event."""
    chosen = list(proposals)
    if not chosen:
        raise DemocracyError(_("Un vote porte sur au moins une proposition."))
    if any(p.workshop.event_id != event.pk for p in chosen):
        raise DemocracyError(_("Toutes les propositions doivent venir de cet événement."))
    if closes_at <= opens_at:
        raise DemocracyError(_("La clôture doit suivre l'ouverture."))
    vote = Vote.objects.create(
        event=event,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        missing_grades=MissingGrades(missing_grades),
        electorate=Electorate(electorate),
    )
    vote.proposals.set(chosen)
    return vote


def vote_close(*, vote: Vote, now: datetime | None = None) -> Vote:
    """Close the vote now (if still open) and shuffle the ballots' physical order.

    On PostgreSQL, the ballot tables are rewritten in the order of their random keys
    (``CLUSTER``), so that the order in which rows sit on disk no longer follows the order of
    participations; see docs/decisions/ballot-secrecy.md for what this does not erase.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
        if locked.opens_at >= now:
            raise DemocracyError(_("Ce vote n'est pas encore ouvert : il ne peut pas être clos."))
        if locked.closes_at > now:
            locked.closes_at = now
            locked.save(update_fields=["closes_at"])
        vote.closes_at = locked.closes_at
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        try:
            with connection.cursor() as cursor:
                for model in (Ballot, BallotGrade):
                    table = model._meta.db_table
                    cursor.execute(f'CLUSTER "{table}" USING "{table}_pkey"')
        except DatabaseError:
            # The vote is closed either way; the shuffle is a defence in depth, and an operator
            # can run it again (docs/decisions/ballot-secrecy.md).
            logger.warning("CLUSTER of the ballot tables failed after closing %s", vote.pk)
    return vote


# --- ballots ---------------------------------------------------------------------------------

RECEIPT_BYTES = 15  # 120 bits, 24 base-32 characters


def receipt_new() -> str:
    """A fresh receipt, e.g. ``K7QX-M2PA-…`` (24 base-32 characters in groups of four)."""
    raw = base64.b32encode(secrets.token_bytes(RECEIPT_BYTES)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def receipt_normalise(receipt: str) -> str:
    """What the voter typed, without spaces, dashes or case; 0/1/8 read as O/I/B."""
    cleaned = "".join(c for c in receipt.upper() if c.isalnum())
    return cleaned.translate(str.maketrans("018", "OIB"))


def receipt_hash(vote: Vote, receipt: str) -> str:
    """SHA-256 of the vote's id and the normalised receipt (receipts are 120-bit random)."""
    return hashlib.sha256(f"{vote.pk}:{receipt_normalise(receipt)}".encode()).hexdigest()


def _public_id() -> str:
    return base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()


@dataclass(frozen=True)
class CastBallot:
    """What the voter is shown once: the receipt, and the ballot's number in the export."""

    receipt: str
    public_id: str


def _refuse_unless_open(vote: Vote, now: datetime) -> None:
    if now < vote.opens_at:
        raise VoteRefused(
            _("Le vote n'est pas encore ouvert : il ouvre le %(date)s.")
            % {"date": formats.date_format(timezone.localtime(vote.opens_at), "DATETIME_FORMAT")}
        )
    if now >= vote.closes_at:
        raise VoteRefused(
            _("Le vote est clos depuis le %(date)s : les bulletins ne sont plus acceptés.")
            % {"date": formats.date_format(timezone.localtime(vote.closes_at), "DATETIME_FORMAT")}
        )


def _checked_grades(vote: Vote, grades: Mapping[Any, object]) -> dict[int, int]:
    """The grades as {proposal id: grade}, every value on the scale, every key in the vote.

    ``None`` means "not graded" and is dropped: the tally applies the vote's missing-grade rule.
    """
    proposals = {p.pk: p for p in vote.proposals.select_related("workshop")}
    checked: dict[int, int] = {}
    for key, value in grades.items():
        pk = key.pk if isinstance(key, Proposal) else key
        if pk not in proposals:
            raise VoteRefused(_("La proposition %(id)s n'est pas soumise à ce vote.") % {"id": pk})
        if value is None or value == "":
            continue
        try:
            checked[pk] = int(validate_grade(value, proposal=pk))
        except ValueError:
            raise VoteRefused(
                _(
                    "Proposition %(ref)s : « %(value)s » n'est pas une mention de l'échelle "
                    "(de « À rejeter » à « Excellent »)."
                )
                % {"ref": proposals[pk].ref, "value": value}
            ) from None
    return checked


def _refuse_unless_eligible(vote: Vote, user: Any) -> None:
    if user is None or not user.is_authenticated:
        raise VoteRefused(_("Connectez-vous pour voter."))
    if not perms.is_eligible_voter(user, vote):
        if vote.electorate == Electorate.PARTICIPANTS:
            raise VoteRefused(
                _("Ce vote est réservé aux personnes inscrites à « %(event)s ».")
                % {"event": vote.event.title}
            )
        raise VoteRefused(
            _(
                "Ce vote est réservé aux membres des coopératives adhérentes à l'union : "
                "votre compte n'est rattaché à aucune d'elles."
            )
        )


def ballot_cast(
    *, vote: Vote, user: Any, grades: Mapping[Any, object], now: datetime | None = None
) -> CastBallot:
    """Cast a secret ballot; return the receipt, to be shown to the voter once.

    ``grades`` maps proposals (or their ids) to a grade 0–6, or to ``None`` for "not graded".
    Refused with :class:`VoteRefused` for a person outside the electorate, a vote not open, a
    second ballot, a grade off the scale or a proposal not in the vote. The participation and the
    ballot are written in one transaction; the unique constraint on the participation is what
    stops a second ballot, even when two arrive at the same instant.
    """
    now = now or timezone.now()
    _refuse_unless_eligible(vote, user)
    _refuse_unless_open(vote, now)
    checked = _checked_grades(vote, grades)
    already = _("Vous avez déjà voté. Pour modifier votre bulletin, présentez votre reçu.")
    if perms.has_voted(user, vote):
        raise VoteRefused(already)
    receipt = receipt_new()
    try:
        with transaction.atomic():
            Participation.objects.create(vote=vote, user=user)
            ballot = Ballot.objects.create(
                vote=vote, receipt_hash=receipt_hash(vote, receipt), public_id=_public_id()
            )
            BallotGrade.objects.bulk_create(
                [BallotGrade(ballot=ballot, proposal_id=pk, grade=g) for pk, g in checked.items()]
            )
    except IntegrityError:
        raise VoteRefused(already) from None
    return CastBallot(receipt=receipt, public_id=ballot.public_id)


def ballot_find(*, vote: Vote, receipt: str) -> Ballot | None:
    """The ballot this receipt opens, if any."""
    return Ballot.objects.filter(vote=vote, receipt_hash=receipt_hash(vote, receipt)).first()


def ballot_change(
    *,
    vote: Vote,
    user: Any,
    receipt: str,
    grades: Mapping[Any, object],
    now: datetime | None = None,
) -> CastBallot:
    """Replace the grades of the ballot that ``receipt`` opens, while the vote is open.

    Only a person who took part may change a ballot, and only with its receipt: the platform
    cannot tell which ballot is theirs. The receipt stays the same.
    """
    now = now or timezone.now()
    if user is None or not user.is_authenticated or not perms.has_voted(user, vote):
        raise VoteRefused(_("Vous n'avez pas encore voté : il n'y a pas de bulletin à modifier."))
    _refuse_unless_open(vote, now)
    checked = _checked_grades(vote, grades)
    with transaction.atomic():
        ballot = (
            Ballot.objects.select_for_update()
            .filter(vote=vote, receipt_hash=receipt_hash(vote, receipt))
            .first()
        )
        if ballot is None:
            raise VoteRefused(
                _("Ce reçu ne correspond à aucun bulletin de ce vote. Vérifiez-le et réessayez.")
            )
        ballot.grades.all().delete()
        BallotGrade.objects.bulk_create(
            [BallotGrade(ballot=ballot, proposal_id=pk, grade=g) for pk, g in checked.items()]
        )
    return CastBallot(receipt=receipt, public_id=ballot.public_id)


# --- roadmap ---------------------------------------------------------------------------------


@transaction.atomic
def roadmap_action_create(
    *,
    event: Event,
    title: str,
    proposal: Proposal | None = None,
    description: str = "",
    owner: str = "",
    territory_level: str = "",
    territory_code: str = "",
    deadline: date | None = None,
) -> RoadmapAction:
    """Add an action to the event's roadmap, at the end."""
    last = event.roadmap_actions.aggregate(last=Max("position"))["last"] or 0
    return RoadmapAction.objects.create(
        event=event,
        proposal=proposal,
        title=title,
        description=description,
        owner=owner,
        territory_level=territory_level,
        territory_code=territory_code,
        deadline=deadline,
        position=last + 1,
    )


@transaction.atomic
def roadmap_action_update(
    *,
    action: RoadmapAction,
    author: Any,
    note: str,
    status: str,
    progress: int,
) -> RoadmapUpdate:
    """Record a dated update of an action; the action takes its status and progress."""
    if not 0 <= progress <= 100:
        raise DemocracyError(_("L'avancement est un pourcentage, de 0 à 100."))
    status = ActionStatus(status)
    if status == ActionStatus.DONE:
        progress = 100
    update = RoadmapUpdate.objects.create(
        action=action, author=author, note=note.strip(), status=status, progress=progress
    )
    action.status = status
    action.progress = progress
    action.save(update_fields=["status", "progress"])
    return update


@transaction.atomic
def roadmap_from_results(
    *, vote: Vote, count: int, owner: str = "", deadline: date | None = None
) -> list[RoadmapAction]:
    """Turn the ``count`` best-ranked proposals of a closed vote into roadmap actions.

    Proposals that already have an action are skipped, so the call is idempotent.
    """
    from .selectors import vote_results

    if not vote.is_closed():
        raise DemocracyError(_("Le vote n'est pas clos : son classement n'est pas encore connu."))
    created = []
    for row in vote_results(vote=vote).rows[:count]:
        if row.proposal.roadmap_actions.exists():
            continue
        created.append(
            roadmap_action_create(
                event=vote.event,
                proposal=row.proposal,
                title=row.proposal.title,
                description=row.proposal.text,
                owner=owner,
                territory_level="union" if vote.event.union_id else "",
                territory_code=vote.event.union_id or "",
                deadline=deadline,
            )
        )
    return created
