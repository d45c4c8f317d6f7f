"""Personal iCal feed tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from maillage.accounts.models import User

from ..models import CalendarFeed
from .common import FEED_SALT

# ----------------------------------------------------------------------------- calendar


def _feed_digest(feed: CalendarFeed) -> str:
    return salted_hmac(FEED_SALT, f"{feed.user_id}:{feed.nonce}", algorithm="sha256").hexdigest()[
        :40
    ]


@transaction.atomic
def calendar_feed_token(*, user: User) -> str:
    """The person's feed token (created on first use): ``<user id>-<hmac>``."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"nonce": secrets.token_hex(16)}
    )
    return f"{user.pk}-{_feed_digest(feed)}"


@transaction.atomic
def calendar_feed_reset(*, user: User) -> str:
    """A new token; the old feed URL stops working."""
    CalendarFeed.objects.update_or_create(user=user, defaults={"nonce": secrets.token_hex(16)})
    return calendar_feed_token(user=user)


def calendar_feed_user(token: str) -> User | None:
    """The person a feed token belongs to, or None (constant-time comparison)."""
    pk, sep, _digest = token.partition("-")
    if not sep or not pk.isdigit():
        return None
    feed = CalendarFeed.objects.select_related("user").filter(user_id=int(pk)).first()
    if feed is None or not feed.user.is_active:
        return None
    if not constant_time_compare(token, f"{pk}-{_feed_digest(feed)}"):
        return None
    return feed.user
