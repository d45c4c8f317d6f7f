"""Who may do what with needs, shortlists and alerts: plain predicates over accounts.perms."""

from __future__ import annotations

from typing import Any

from maillage.accounts import perms as account_perms
from maillage.accounts.models import Membership

from .enums import NeedStatus
from .models import Alert, Need, Solicitation


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_post_need(user: Any) -> bool:
    """Any logged-in person posts a need, for an organisation they belong to or a buyer."""
    return _active(user)


def is_need_buyer(user: Any, need: Need) -> bool:
    """The author, or a member of the buyer organisation."""
    if not _active(user):
        return False
    if need.author_id == user.pk:
        return True
    return need.organisation is not None and account_perms.is_member(user, need.organisation)


def can_moderate_need(user: Any, need: Need) -> bool:
    """Validate, reject, correct sectors, amend the shortlist, send: a delegate of the union
    of the need's territory, or a platform administrator (the only ones for places no union
    covers)."""
    if account_perms.is_platform_admin(user):
        return True
    return need.union_id is not None and account_perms.is_delegate_for_union(user, need.union_id)


def can_view_need(user: Any, need: Need) -> bool:
    """The full page (with its ranking): the buyer, the moderators."""
    return is_need_buyer(user, need) or can_moderate_need(user, need)


def can_edit_need(user: Any, need: Need) -> bool:
    """Change a draft, its lots, submit it: the buyer, while it is a draft."""
    return need.status == NeedStatus.DRAFT and is_need_buyer(user, need)


def can_close_need(user: Any, need: Need) -> bool:
    return need.status == NeedStatus.SENT and (
        is_need_buyer(user, need) or can_moderate_need(user, need)
    )


def can_see_ranking(user: Any, need: Need) -> bool:
    """Buyers see the ranked list and its reasons; moderators too."""
    return can_view_need(user, need)


def can_view_solicitation(user: Any, solicitation: Solicitation) -> bool:
    """A supplier's members see what their organisation was sent ("Besoins reçus")."""
    return _active(user) and account_perms.is_member(user, solicitation.organisation)


def can_moderate_any(user: Any) -> bool:
    """The "to validate" queue: delegates and platform administrators."""
    return account_perms.is_platform_admin(user) or account_perms.is_delegate(user)


def moderation_scope(user: Any) -> set[str] | None:
    """Unions whose needs the person moderates: None means all."""
    if account_perms.is_platform_admin(user):
        return None
    return account_perms.delegate_union_ids(user)


def can_manage_alerts(user: Any) -> bool:
    """Members of at least one organisation subscribe to alerts for it."""
    return _active(user) and Membership.objects.filter(user=user).exists()


def can_delete_alert(user: Any, alert: Alert) -> bool:
    return _active(user) and (
        alert.user_id == user.pk or account_perms.is_organisation_admin(user, alert.organisation)
    )
