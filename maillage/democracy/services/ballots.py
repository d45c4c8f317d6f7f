"""Writes of majority-judgment votes and their secret ballots.

The ballot services keep the promise of docs/decisions/ballot-secrecy.md: the participation
(who) and the ballot (what) are written in one transaction, and nothing written links them; the
ballot is found again only through the receipt returned once to the voter.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import perms
from ..enums import Electorate, MissingGrades
from ..grades import validate_grade
from ..models import Ballot, BallotGrade, Event, Participation, Proposal, Vote
from .common import DemocracyError, VoteRefused

logger = logging.getLogger("maillage.democracy.services")


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
