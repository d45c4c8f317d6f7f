"""What the intercooperation views share about the request."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from maillage.accounts.models import User


def request_user(request: HttpRequest) -> User:
    """The logged-in person (views calling this are behind login_required)."""
    return cast(User, request.user)


def request_site_url(request: HttpRequest) -> str:
    """The site's address as the person reached it, for links in e-mails."""
    return request.build_absolute_uri("/").rstrip("/")
