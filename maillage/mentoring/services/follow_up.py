"""Following a sponsorship: milestones, shared notes, closing feedback."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import User

from ..enums import (
    RequestStatus,
    Side,
    SponsorshipStatus,
)
from ..models import (
    Feedback,
    MentoringRequest,
    Milestone,
    Note,
    Sponsorship,
)
from .common import MentoringError, audit

# ----------------------------------------------------------------------------- follow-up


def _touch(sponsorship: Sponsorship) -> None:
    sponsorship.last_news_at = timezone.now()
    sponsorship.save(update_fields=["last_news_at"])


@transaction.atomic
def milestone_log(
    *, milestone: Milestone, side: str, on: date | None = None, today: date | None = None
) -> Milestone:
    """One side notes that a milestone happened (the first meeting took place on …)."""
    today = today or timezone.localdate()
    on = on or today
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("sponsorship")
        .get(pk=milestone.pk)
    )
    sponsorship = milestone.sponsorship
    if sponsorship.status != SponsorshipStatus.ACTIVE:
        raise MentoringError(_("Ce parrainage est terminé."))
    if on > today:
        raise MentoringError(_("Cette date est dans le futur : notez l'étape une fois passée."))
    if on < sponsorship.started_on:
        raise MentoringError(_("Cette date précède le début du parrainage."))
    if side == Side.NEWCOMER:
        milestone.newcomer_on = on
    elif side == Side.VOLUNTEER:
        milestone.volunteer_on = on
    else:
        raise MentoringError(_("Côté inconnu."))
    milestone.save(update_fields=["newcomer_on", "volunteer_on"])
    _touch(sponsorship)
    return milestone


@transaction.atomic
def note_add(*, sponsorship: Sponsorship, author: User, side: str, body: str) -> Note:
    """A note shared by both sides."""
    body = body.strip()
    if not body:
        raise MentoringError(_("La note est vide."))
    if sponsorship.status != SponsorshipStatus.ACTIVE:
        raise MentoringError(_("Ce parrainage est terminé."))
    note = Note.objects.create(sponsorship=sponsorship, author=author, side=side, body=body)
    _touch(sponsorship)
    return note


@transaction.atomic
def feedback_give(
    *,
    sponsorship: Sponsorship,
    author: User,
    side: str,
    rating: int,
    comment: str = "",
    today: date | None = None,
) -> Feedback:
    """A side's closing word. The first one ends the sponsorship; the other side adds theirs."""
    sponsorship = Sponsorship.objects.select_for_update(of=("self",)).get(pk=sponsorship.pk)
    if not 1 <= int(rating) <= 5:
        raise MentoringError(_("L'appréciation va de 1 à 5."))
    if Feedback.objects.filter(sponsorship=sponsorship, side=side).exists():
        raise MentoringError(_("Votre retour est déjà enregistré."))
    feedback = Feedback.objects.create(
        sponsorship=sponsorship, side=side, author=author, rating=rating, comment=comment
    )
    if sponsorship.status == SponsorshipStatus.ACTIVE:
        sponsorship.status = SponsorshipStatus.ENDED
        sponsorship.ended_on = max(today or timezone.localdate(), sponsorship.started_on)
        sponsorship.last_news_at = timezone.now()
        sponsorship.save(update_fields=["status", "ended_on", "last_news_at"])
        MentoringRequest.objects.filter(pk=sponsorship.request_id).update(
            status=RequestStatus.CLOSED
        )
        audit(
            actor=author,
            action=AuditAction.SPONSORSHIP_ENDED,
            target_type="sponsorship",
            target_id=sponsorship.pk,
            target_repr=_("Parrainage n° %s") % sponsorship.pk,
            union_id=MentoringRequest.objects.filter(pk=sponsorship.request_id)
            .values_list("union_id", flat=True)
            .first(),
            details={"side": side},
        )
    return feedback
