"""E-mails of the intercooperation app, written in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send_exchange_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    reply_to: str | None = None,
) -> None:
    """Render exchange/email/<template>_subject.txt and <template>.txt and send them."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"exchange/email/{template}_subject.txt", context)
        body = render_to_string(f"exchange/email/{template}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    ).send()
