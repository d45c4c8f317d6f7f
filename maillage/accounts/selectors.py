"""Reads about people and their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from .enums import InvitationStatus, JoinRequestStatus
from .models import (
    AuditEvent,
    DelegateAssignment,
    Invitation,
    JoinRequest,
    Membership,
    User,
    hash_token,
)

if TYPE_CHECKING:
    from maillage.directory.models import Organisation


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def user_delegations(user: User) -> QuerySet[DelegateAssignment]:
    return DelegateAssignment.objects.filter(user=user).select_related("union")


def user_pending_invitations(user: User) -> QuerySet[Invitation]:
    """Usable invitations addressed to the person's e-mail."""
    return Invitation.objects.filter(
        email__iexact=user.email,
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).select_related("organisation", "invited_by")


def user_join_requests(user: User) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organisation")


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__full_name", "user__email")
    )


def organisation_pending_join_requests(organisation: Organisation) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organisation=organisation, status=JoinRequestStatus.PENDING)
        .select_related("user")
        .order_by("created_at")
    )


def organisation_pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def pending_join_request(user: User, organisation: Organisation) -> JoinRequest | None:
    return JoinRequest.objects.filter(
        user=user, organisation=organisation, status=JoinRequestStatus.PENDING
    ).first()


def audit_events(union_scope: set[str] | None) -> QuerySet[AuditEvent]:
    """Audit events, newest first; `union_scope` None means all, else those unions' orgs.

    The scope comes from perms.audit_log_union_scope.
    """
    events = AuditEvent.objects.select_related("actor", "organisation")
    if union_scope is None:
        return events
    # Events about a union's own business (a need, an assignment run) name it in their details.
    return events.filter(
        Q(organisation__commune__departement__union_id__in=union_scope)
        | Q(details__union__in=sorted(union_scope))
    )
