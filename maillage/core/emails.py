"""The platform's one way to send an e-mail: templates rendered in the recipient's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(
    *,
    to: str | Sequence[str],
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    reply_to: str | None = None,
) -> None:
    """Render ``<template>_subject.txt`` and ``<template>.txt`` and send them.

    ``template`` is the path without suffix, e.g. ``"accounts/email/invitation"``. The text goes
    through gettext in the templates; ``language`` picks the recipient's language (the current
    one when None). Empty addresses are dropped; with none left, nothing is sent.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        reply_to=[reply_to] if reply_to else None,
    ).send()
