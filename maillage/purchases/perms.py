"""Who may record, import and read purchases: plain predicates over accounts.perms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maillage.accounts import perms as account_perms

if TYPE_CHECKING:
    from maillage.directory.models import Organisation

    from .models import Purchase


def can_record_purchase(user: Any, buyer: Organisation) -> bool:
    """Record or import a cooperative's purchases: its administrators, the delegates of its
    union, the platform administrators."""
    return (
        account_perms.is_platform_admin(user)
        or account_perms.is_organisation_admin(user, buyer)
        or account_perms.is_delegate_for_organisation(user, buyer)
    )


def can_view_purchases_of(user: Any, buyer: Organisation) -> bool:
    """A cooperative's own purchases and its in-network share: its members, its union's
    delegates, the platform administrators. Nobody else sees who bought what."""
    return (
        account_perms.is_platform_admin(user)
        or account_perms.is_member(user, buyer)
        or account_perms.is_delegate_for_organisation(user, buyer)
    )


def can_delete_purchase(user: Any, purchase: Purchase) -> bool:
    return can_record_purchase(user, purchase.buyer)


def sees_full_dashboard(user: Any) -> bool:
    """Union staff (delegates) and platform administrators see every figure; everyone else
    sees the figures statistical secrecy allows."""
    return account_perms.is_platform_admin(user) or account_perms.is_delegate(user)
