"""Who may see, fill, submit and validate an ecological assessment."""

from __future__ import annotations

from typing import Any

from maillage.accounts.perms import (
    is_delegate_for_union,
    is_member,
    is_organisation_admin,
    is_platform_admin,
)

from .enums import Status
from .models import Assessment


def _author(user: Any, assessment: Assessment) -> bool:
    return bool(user.is_authenticated and assessment.created_by_id == user.pk)


def can_fill(user: Any, assessment: Assessment) -> bool:
    """The founders who created it, or the cooperative's administrators, while it is a draft."""
    if assessment.status != Status.DRAFT or not user.is_authenticated:
        return False
    if is_platform_admin(user) or _author(user, assessment):
        return True
    return assessment.organisation is not None and is_organisation_admin(
        user, assessment.organisation
    )


def can_view(user: Any, assessment: Assessment) -> bool:
    """Its authors and the cooperative's members, the delegates of its union, platform staff."""
    if not user.is_authenticated:
        return False
    if is_platform_admin(user) or _author(user, assessment):
        return True
    if assessment.organisation is not None and is_member(user, assessment.organisation):
        return True
    return assessment.union_id is not None and is_delegate_for_union(user, assessment.union_id)


def can_validate(user: Any, assessment: Assessment) -> bool:
    """A delegate of its union (or platform staff), once it is submitted."""
    if assessment.status != Status.SUBMITTED or not user.is_authenticated:
        return False
    if is_platform_admin(user):
        return True
    return assessment.union_id is not None and is_delegate_for_union(user, assessment.union_id)
