"""E-mails sent by the account services, written in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(
    *, to: str, template: str, context: dict[str, Any], language: str | None = None
) -> None:
    """Render accounts/email/<template>_subject.txt and <template>.txt and send them.

    The text goes through gettext in the templates; `language` picks the recipient's language
    (the current one when None).
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
        body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to],
    )
