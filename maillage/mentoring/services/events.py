"""Ambassadors' events: asked by a school, an authority or a delegate; validated; closed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import User
from maillage.territories.models import Commune

from ..enums import (
    SCHOOL_AUDIENCES,
    Audience,
    EventStatus,
    Format,
    RequesterType,
    Topic,
)
from ..models import (
    AmbassadorEvent,
    Volunteer,
)
from .common import MentoringError, _site_url, _union_of, audit

# ----------------------------------------------------------------------------- events


@transaction.atomic
def event_create(
    *,
    title: str,
    requester_type: str,
    requester_name: str,
    contact_name: str,
    contact_email: str,
    commune: Commune,
    starts_at: datetime,
    ends_at: datetime,
    audience: str,
    audience_size: int,
    topic: str,
    contact_phone: str = "",
    place: str = "",
    format: str = "",
    message: str = "",
    created_by: User | None = None,
    validated: bool = False,
    now: datetime | None = None,
) -> AmbassadorEvent:
    """Ask for an ambassador. ``validated`` (a delegate of the union asking, decided by the
    view through perms) opens the request at once; otherwise it waits for a delegate."""
    now = now or timezone.now()
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise MentoringError(_("Date sans fuseau horaire."))
    if starts_at <= now:
        raise MentoringError(
            _("La date de l'intervention est passée : choisissez une date à venir.")
        )
    if ends_at <= starts_at:
        raise MentoringError(_("L'heure de fin doit suivre l'heure de début."))
    if ends_at - starts_at > timedelta(hours=12):
        raise MentoringError(_("Une intervention dure au plus une journée (12 heures)."))
    if audience_size < 1:
        raise MentoringError(_("Indiquez le nombre de participants attendus (au moins 1)."))
    if audience not in Audience.values or topic not in Topic.values:
        raise MentoringError(_("Public ou thème inconnu."))
    if requester_type not in RequesterType.values:
        raise MentoringError(_("Type de demandeur inconnu."))
    if not format:
        format = Format.SCHOOL if audience in SCHOOL_AUDIENCES else Format.EVENT
    if format not in (Format.SCHOOL, Format.EVENT):
        raise MentoringError(_("Un ambassadeur intervient en milieu scolaire ou en événement."))
    event = AmbassadorEvent.objects.create(
        title=title,
        requester_type=requester_type,
        requester_name=requester_name,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        created_by=created_by if created_by and created_by.is_authenticated else None,
        union=_union_of(commune),
        commune=commune,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        audience=audience,
        audience_size=audience_size,
        topic=topic,
        format=format,
        message=message,
        status=EventStatus.OPEN if validated else EventStatus.TO_VALIDATE,
        validated_by=created_by if validated else None,
        validated_at=now if validated else None,
    )
    return event


@transaction.atomic
def event_validate(*, event: AmbassadorEvent, by: User, accept: bool = True) -> AmbassadorEvent:
    """A delegate validates (or refuses) a request made through the public form."""
    event = AmbassadorEvent.objects.select_for_update(of=("self",)).get(pk=event.pk)
    if event.status != EventStatus.TO_VALIDATE:
        raise MentoringError(_("Cette demande a déjà été traitée."))
    if accept and event.starts_at <= timezone.now():
        raise MentoringError(
            _("La date de l'intervention est passée : elle ne peut plus être validée.")
        )
    event.status = EventStatus.OPEN if accept else EventStatus.REJECTED
    event.validated_by = by
    event.validated_at = timezone.now()
    event.save(update_fields=["status", "validated_by", "validated_at"])
    audit(
        actor=by,
        action=AuditAction.AMBASSADOR_EVENT_VALIDATED
        if accept
        else AuditAction.AMBASSADOR_EVENT_REJECTED,
        target_type="ambassador_event",
        target_id=event.pk,
        target_repr=event.title,
        union_id=event.union_id,
        details={"requester": event.requester_name},
    )
    return event


@transaction.atomic
def event_set_status(*, event: AmbassadorEvent, status: str) -> AmbassadorEvent:
    """Cancel an event, or mark it done once it has taken place."""
    if status == EventStatus.DONE and event.ends_at > timezone.now():
        raise MentoringError(_("Une intervention ne peut être réalisée avant d'avoir eu lieu."))
    if status not in (EventStatus.DONE, EventStatus.CANCELLED):
        raise MentoringError(_("Statut inconnu."))
    event.status = status
    event.save(update_fields=["status"])
    return event


def _overlapping(ambassador: Volunteer, event: AmbassadorEvent) -> AmbassadorEvent | None:
    return (
        AmbassadorEvent.objects.filter(
            ambassador=ambassador,
            status=EventStatus.ASSIGNED,
            starts_at__lt=event.ends_at,
            ends_at__gt=event.starts_at,
        )
        .exclude(pk=event.pk)
        .first()
    )


def event_url(event: AmbassadorEvent) -> str:
    return _site_url() + reverse("mentoring:event", args=[event.pk])
