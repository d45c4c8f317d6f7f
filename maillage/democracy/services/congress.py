"""Writes of congresses: events, the import of restitution documents, the demo congress,
registrations, comments and proposals."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.territories.models import Union

from .. import perms
from ..congress_document import ParsedDocument, parse_congress_document, proposal_title
from ..enums import EventKind
from ..models import Comment, Event, Proposal, Registration, Workshop
from .ballots import vote_create
from .common import DemocracyError, ImportConflict
from .demo import demo_bodies_create

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO_EVENT_SLUG = "congres-regional-2025-11-20"
DEMO_DOCUMENTS = ("congres-2025-11-20-ateliers.txt", "congres-2025-11-20-restitution.txt")
DEMO_VOTE_TITLE = "Prioriser les propositions du congrès"


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
    leaves the vote, its dates and its ballots alone. Also creates the union's demo board
    (``demo.demo_bodies_create``) and the themes of the exchanges of practices.
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
        demo_bodies_create(union=union)
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
