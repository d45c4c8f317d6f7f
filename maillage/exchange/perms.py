"""Who may do what with needs, shortlists and alerts: plain predicates over accounts.perms."""

from __future__ import annotations

from typing import Any

from maillage.accounts import perms as account_perms
from maillage.accounts.models import Membership

from .enums import Answer, ConsortiumStatus, NeedStatus
from .models import Alert, Consortium, ConsortiumMember, Need, Solicitation


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


# --- Consortium workspace ----------------------------------------------------------------------


def _consortium_org_ids(consortium: Consortium, *, accepted_only: bool = False) -> set[int]:
    return {
        member.organisation_id
        for member in consortium.members.all()
        if member.accepted or not accepted_only
    }


def is_consortium_member(user: Any, consortium: Consortium, *, accepted_only: bool = False) -> bool:
    """A person of one of the group's organisations (invited or, if asked, accepted)."""
    if not _active(user):
        return False
    return Membership.objects.filter(
        user=user, organisation_id__in=_consortium_org_ids(consortium, accepted_only=accepted_only)
    ).exists()


def can_start_consortium(user: Any, need: Need) -> bool:
    """Open a workspace for a tender: its buyer, its moderators, or a person of a cooperative
    that said it was interested."""
    if not _active(user) or not need.is_tender:
        return False
    if can_view_need(user, need):
        return True
    return Membership.objects.filter(
        user=user,
        organisation__exchange_solicitations__need=need,
        organisation__exchange_solicitations__answer=Answer.INTERESTED,
    ).exists()


def can_view_consortium(user: Any, consortium: Consortium) -> bool:
    """The group's members, the person who opened it, and the union's delegates of the need's
    territory (its legal delegate among them) or the platform team. Nobody else: the group's
    shares and comments are its own business."""
    if not _active(user):
        return False
    if consortium.created_by_id == user.pk:
        return True
    return can_moderate_need(user, consortium.need) or is_consortium_member(user, consortium)


def can_edit_consortium(user: Any, consortium: Consortium) -> bool:
    """Invite, assign lots and shares, choose the mandataire and the liability, form, record the
    outcome: the person who opened it, the need's moderators and the people of the members that
    accepted (an invited cooperative first accepts, or stays a reader)."""
    if not _active(user) or consortium.status == ConsortiumStatus.DISSOLVED:
        return False
    return (
        consortium.created_by_id == user.pk
        or can_moderate_need(user, consortium.need)
        or is_consortium_member(user, consortium, accepted_only=True)
    )


def can_accept_membership(user: Any, member: ConsortiumMember) -> bool:
    """Accept for an organisation: one of its people."""
    return _active(user) and account_perms.is_member(user, member.organisation)


def can_comment_consortium(user: Any, consortium: Consortium) -> bool:
    return can_view_consortium(user, consortium)
