"""What the mentoring services share: the error, e-mails, contacts, the union of a place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings

from maillage.accounts.enums import AuditAction, Role
from maillage.accounts.models import Membership, User
from maillage.accounts.services import audit_record
from maillage.core.emails import send_templated_email
from maillage.directory.models import Organisation
from maillage.territories.models import Commune, Union

from .. import selectors
from ..models import Volunteer

ZONE_LEVELS = ("commune", "epci", "departement", "region", "union", "france")
EVENT_REMINDER_DAYS = 7
FEED_SALT = "maillage.mentoring.calendar-feed"


class MentoringError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")


def _union_of(commune: Commune | None) -> Union | None:
    union_id = selectors.union_id_of(commune)
    return Union.objects.filter(pk=union_id).first() if union_id else None


def _send(*, to: Sequence[str], template: str, context: dict[str, Any]) -> None:
    """Mentoring e-mails go out in French, the language of the union's volunteers."""
    send_templated_email(
        to=to,
        template=f"mentoring/email/{template}",
        context=context,
        language=settings.LANGUAGE_CODE,
    )


def organisation_contacts(organisation: Organisation) -> list[str]:
    """Where to write to a cooperative: its administrators, else its contact address."""
    emails = list(
        Membership.objects.filter(organisation=organisation, role=Role.ADMIN, user__is_active=True)
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
    return emails or ([organisation.contact_email] if organisation.contact_email else [])


def volunteer_contacts(volunteer: Volunteer) -> list[str]:
    if volunteer.user is not None:
        return [volunteer.user.email]
    if volunteer.organisation is not None:
        return organisation_contacts(volunteer.organisation)
    return []


def audit(
    *,
    actor: User | None,
    action: AuditAction,
    target_type: str,
    target_id: Any,
    target_repr: str,
    union_id: str | None,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Mentoring decisions in the audit log, visible to the delegates of the union concerned."""
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr,
        organisation=organisation,
        details={"union": union_id, **(details or {})},
    )
