"""Writes of the movement's bodies: creating one, adding and removing its members."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.territories.models import Union

from ..enums import BodyKind
from ..models import Body, BodyMember
from .common import DemocracyError


@transaction.atomic
def body_create(
    *,
    name: str,
    kind: str = BodyKind.BOARD,
    union: Union | None = None,
    slug: str = "",
    description: str = "",
    public_record: bool = False,
    members: Iterable[Any] = (),
) -> Body:
    """Create a body (or update the one with this slug) and add ``members`` to it."""
    name = name.strip()
    if not name:
        raise DemocracyError(_("Donnez un nom à l'instance."))
    slug = slug or slugify(f"{name} {union.pk if union else 'national'}")[:80]
    body, _created = Body.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": BodyKind(kind),
            "union": union,
            "description": description,
            "public_record": public_record,
        },
    )
    for user in members:
        BodyMember.objects.get_or_create(body=body, user=user)
    return body


@transaction.atomic
def body_member_add(*, body: Body, email: str) -> BodyMember:
    """Add the person with this e-mail address to the body (idempotent)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise DemocracyError(
            _(
                "Aucun compte actif n'a l'adresse « %(email)s » : la personne doit d'abord "
                "en créer un."
            )
            % {"email": email.strip()}
        )
    member, _created = BodyMember.objects.get_or_create(body=body, user=user)
    return member


@transaction.atomic
def body_member_remove(*, body: Body, user: Any) -> None:
    """Remove a person from the body; what they stated in past rounds stays on the record."""
    BodyMember.objects.filter(body=body, user=user).delete()
