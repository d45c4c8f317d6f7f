"""Who sees what of public procurement: plain predicates over accounts.perms.

Contracts are public data (DECP, Licence Ouverte): every page showing a cooperative's contracts
is public. Only pooled figures of the network go through statistical secrecy, which union staff
and platform administrators may see past.
"""

from __future__ import annotations

from typing import Any

from maillage.accounts import perms as account_perms


def sees_full_market(user: Any) -> bool:
    return account_perms.is_platform_admin(user) or account_perms.is_delegate(user)
