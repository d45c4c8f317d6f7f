"""E-mail reminders, each sent once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..enums import (
    EventStatus,
    ReminderKind,
    SponsorshipStatus,
)
from ..models import (
    AmbassadorEvent,
    Milestone,
    Reminder,
)
from .common import EVENT_REMINDER_DAYS, _send, _site_url, organisation_contacts, volunteer_contacts

# ----------------------------------------------------------------------------- reminders


@dataclass
class ReminderStats:
    events: int = 0
    milestones: int = 0


def _remind_once(*, kind: str, object_id: int, recipient: str, send: Any) -> bool:
    """Record then send in one transaction: a failure leaves no record, a rerun no duplicate."""
    try:
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(
                kind=kind, object_id=object_id, recipient=recipient.lower()
            )
            if created:
                send()
            return created
    except IntegrityError:
        return False  # a concurrent run sent it


def reminders_send(*, now: datetime | None = None) -> ReminderStats:
    """E-mail reminders, each sent once whatever the number of runs:

    - to the ambassador and the contact, a week before a confirmed event;
    - to both sides of a sponsorship, when a milestone is due and not yet logged by them.
    """
    now = now or timezone.now()
    stats = ReminderStats()
    soon = AmbassadorEvent.objects.filter(
        status=EventStatus.ASSIGNED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=EVENT_REMINDER_DAYS),
    ).select_related("ambassador__user", "ambassador__organisation", "commune")
    for event in soon:
        assert event.ambassador is not None
        for recipient in [*volunteer_contacts(event.ambassador), event.contact_email]:
            context = {"event": event, "site_url": _site_url()}
            sent = _remind_once(
                kind=ReminderKind.EVENT_SOON,
                object_id=event.pk,
                recipient=recipient,
                send=lambda r=recipient, c=context: _send(
                    to=[r], template="event_reminder", context=c
                ),
            )
            stats.events += int(sent)
    today = timezone.localdate(now)
    due = Milestone.objects.filter(
        Q(newcomer_on__isnull=True) | Q(volunteer_on__isnull=True),
        sponsorship__status=SponsorshipStatus.ACTIVE,
        due_on__lte=today,
    )
    for milestone in due.select_related(
        "sponsorship__request__organisation",
        "sponsorship__volunteer__user",
        "sponsorship__volunteer__organisation",
    ):
        sponsorship = milestone.sponsorship
        sides = []
        if milestone.newcomer_on is None:
            sides += organisation_contacts(sponsorship.request.organisation)
        if milestone.volunteer_on is None:
            sides += volunteer_contacts(sponsorship.volunteer)
        for recipient in sides:
            context = {"milestone": milestone, "sponsorship": sponsorship, "site_url": _site_url()}
            sent = _remind_once(
                kind=ReminderKind.MILESTONE_DUE,
                object_id=milestone.pk,
                recipient=recipient,
                send=lambda r=recipient, c=context: _send(
                    to=[r], template="milestone_reminder", context=c
                ),
            )
            stats.milestones += int(sent)
    return stats
