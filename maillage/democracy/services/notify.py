"""E-mails to a body's members when one of its decisions or elections moves on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from maillage.core.emails import send_templated_email

from ..models import BodyMember, ConsentDecision, Election


def _url(item: ConsentDecision | Election) -> str:
    if isinstance(item, ConsentDecision):
        path = reverse("democracy:decision", args=[item.body.slug, item.pk])
    else:
        path = reverse("democracy:election", args=[item.body.slug, item.pk])
    return settings.SITE_URL.rstrip("/") + path


def notify_body(item: ConsentDecision | Election, event: str, *, actor: Any = None) -> None:
    """After the transaction commits, tell the body's other members what happened.

    ``event``: ``proposed``, ``phase``, ``amended``, ``adopted``, ``withdrawn`` (decisions),
    ``opened``, ``proposed_person``, ``elected``, ``cancelled`` (elections). Each person gets the
    e-mail in the language of their profile.
    """
    members = [
        member
        for member in BodyMember.objects.filter(body=item.body).select_related("user")
        if member.user_id != getattr(actor, "pk", None)
    ]
    kind = "decision" if isinstance(item, ConsentDecision) else "election"
    context = {
        "item": item,
        "kind": kind,
        "event": event,
        "phase": item.get_phase_display(),
        "body": item.body,
        "url": _url(item),
        "actor": actor,
    }

    def send() -> None:
        for member in members:
            send_templated_email(
                to=member.user.email,
                template="democracy/email/body_update",
                context={**context, "person": member.user},
                language=member.user.preferred_language or None,
            )

    transaction.on_commit(send)
