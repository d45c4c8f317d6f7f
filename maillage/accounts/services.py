"""Writes about people and their roles. Each service is atomic and records sensitive actions
in the audit log; views call exactly one of them."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.emails import send_templated_email

from .enums import AuditAction, InvitationStatus, JoinRequestStatus, Role
from .models import (
    INVITATION_VALIDITY,
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
    from maillage.territories.models import Union


class RuleError(Exception):
    """A business rule refused the action; `message` is shown to the person, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LastAdminError(RuleError):
    """The action would leave an organisation without any administrator."""

    def __init__(self, message: str, organisations: list[Organisation]) -> None:
        super().__init__(message)
        self.organisations = organisations


def pseudonym_for(user_id: int | None) -> str:
    """What the audit log keeps of a deleted person: a number, nothing more."""
    return f"compte supprimé n° {user_id}"


def _site_url(site_url: str | None) -> str:
    return (site_url or settings.SITE_URL).rstrip("/")


# ---------------------------------------------------------------------------- audit log


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target_type: str,
    target_id: Any,
    target_repr: str,
    organisation: Organisation | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the audit log. Called by the other services, never by views."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_repr=target_repr[:255],
        organisation=organisation,
        details=details or {},
        ip=ip or None,
    )


def _user_repr(user: User) -> str:
    return f"{user.get_full_name()} (n° {user.pk})"


# ---------------------------------------------------------------------------- people


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    preferred_language: str = "fr",
) -> User:
    """Create an account. No e-mail verification yet: the address is trusted as typed."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise RuleError(_("Un compte existe déjà avec cette adresse e-mail."))
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        phone=phone.strip(),
        preferred_language=preferred_language,
    )


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, phone: str, preferred_language: str) -> User:
    """Change what the person says about themselves (not the e-mail, not the roles)."""
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.preferred_language = preferred_language
    user.save(update_fields=["full_name", "phone", "preferred_language"])
    return user


def user_export_data(*, user: User, ip: str | None = None) -> dict[str, Any]:
    """Everything the platform holds about the person, as plain JSON-ready data.

    The export itself is recorded in the audit log (before building it, so that the export
    contains its own trace).
    """
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.DATA_EXPORTED,
            target_type="user",
            target_id=user.pk,
            target_repr=_user_repr(user),
            ip=ip,
        )

    def when(value: Any) -> str | None:
        return value.isoformat() if value else None

    memberships = Membership.objects.filter(user=user).select_related("organisation")
    invitations = Invitation.objects.filter(email__iexact=user.email).select_related("organisation")
    join_requests = JoinRequest.objects.filter(user=user).select_related("organisation")
    delegations = DelegateAssignment.objects.filter(user=user).select_related("union")
    events = AuditEvent.objects.filter(actor=user).select_related("organisation")
    return {
        "format": "maillage-export-1",
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "preferred_language": user.preferred_language,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "is_platform_admin": user.is_staff,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "role": m.role,
                "since": when(m.created_at),
            }
            for m in memberships
        ],
        "delegations": [{"union": d.union_id, "since": when(d.created_at)} for d in delegations],
        "invitations_received": [
            {
                "organisation": i.organisation.name,
                "role": i.role,
                "status": i.status,
                "created_at": when(i.created_at),
                "expires_at": when(i.expires_at),
                "accepted_at": when(i.accepted_at),
            }
            for i in invitations
        ],
        "join_requests": [
            {
                "organisation": j.organisation.name,
                "message": j.message,
                "status": j.status,
                "created_at": when(j.created_at),
                "decided_at": when(j.decided_at),
            }
            for j in join_requests
        ],
        "audit_events_as_actor": [
            {
                "action": e.action,
                "target_type": e.target_type,
                "target": e.target_repr,
                "organisation": e.organisation.name if e.organisation else None,
                "details": e.details,
                "ip": e.ip,
                "at": when(e.created_at),
            }
            for e in events
        ],
    }


def _organisations_where_last_admin(user: User) -> list[Organisation]:
    from maillage.directory.models import Organisation

    admin_of = Membership.objects.filter(user=user, role=Role.ADMIN).values("organisation_id")
    blocked = []
    for organisation in Organisation.objects.filter(pk__in=admin_of).order_by("name"):
        others = (
            Membership.objects.filter(organisation=organisation, role=Role.ADMIN)
            .exclude(user=user)
            .exists()
        )
        if not others:
            blocked.append(organisation)
    return blocked


@transaction.atomic
def user_delete(*, user: User, ip: str | None = None) -> None:
    """Delete the account and the personal data attached to it.

    Refused while the person is the last administrator of an organisation. Memberships, join
    requests and invitations addressed to them go; the audit log stays, with the person replaced
    by a pseudonymous id (as actor and as target) and without their IP addresses.
    """
    blocked = _organisations_where_last_admin(user)
    if blocked:
        names = ", ".join(o.name for o in blocked)
        raise LastAdminError(
            _(
                "Vous êtes la dernière personne administratrice de : %(names)s. Nommez "
                "d'abord une autre personne administratrice, ou retirez-vous de "
                "l'administration après l'avoir fait."
            )
            % {"names": names},
            blocked,
        )
    pseudonym = pseudonym_for(user.pk)
    user_id = user.pk
    AuditEvent.objects.filter(actor=user).update(actor_pseudonym=pseudonym, ip=None)
    AuditEvent.objects.filter(target_type="user", target_id=str(user_id)).update(
        target_repr=pseudonym, details={}
    )
    Invitation.objects.filter(email__iexact=user.email).delete()
    user.delete()
    # Recorded after the deletion, so it never points to the person: only the pseudonym.
    AuditEvent.objects.create(
        actor=None,
        actor_pseudonym=pseudonym,
        action=AuditAction.ACCOUNT_DELETED,
        target_type="user",
        target_id=str(user_id),
        target_repr=pseudonym,
        details={},
        ip=None,
    )


# ---------------------------------------------------------------------------- memberships


def _lock_admins(organisation: Organisation) -> list[int]:
    """Lock the organisation's admin rows so two demotions cannot both pass the check."""
    return list(
        Membership.objects.select_for_update(of=("self",))
        .filter(organisation=organisation, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )


def _refuse_if_last_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    admins = _lock_admins(membership.organisation)
    if len(admins) <= 1:
        raise LastAdminError(
            _(
                "%(organisation)s doit garder au moins une personne administratrice : "
                "nommez-en une autre avant."
            )
            % {"organisation": membership.organisation.name},
            [membership.organisation],
        )


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: User,
    role: Role | str = Role.MEMBER,
    actor: User | None = None,
    ip: str | None = None,
    audit: bool = True,
) -> Membership:
    """Make the person a member (or administrator) of the organisation."""
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise RuleError(
            _("%(person)s est déjà membre de %(organisation)s.")
            % {"person": user.get_full_name(), "organisation": organisation.name}
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                organisation=organisation, user=user, role=Role(role)
            )
    except IntegrityError as exc:
        raise RuleError(_("Cette personne est déjà membre.")) from exc
    if audit:
        audit_record(
            actor=actor,
            action=AuditAction.MEMBERSHIP_ADDED,
            target_type="user",
            target_id=user.pk,
            target_repr=_user_repr(user),
            organisation=organisation,
            details={"role": membership.role},
            ip=ip,
        )
    return membership


@transaction.atomic
def membership_set_role(
    *,
    membership: Membership,
    role: Role | str,
    actor: User | None = None,
    ip: str | None = None,
) -> Membership:
    """Change a member's role; an organisation never loses its last administrator."""
    role = Role(role)
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    _refuse_if_last_admin(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_CHANGED,
        target_type="user",
        target_id=membership.user_id,
        target_repr=_user_repr(membership.user),
        organisation=membership.organisation,
        details={"from": previous, "to": role.value},
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_remove(
    *, membership: Membership, actor: User | None = None, ip: str | None = None
) -> None:
    """Remove a person from an organisation (or let them leave); never the last admin."""
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    _refuse_if_last_admin(membership)
    audit_record(
        actor=actor,
        action=AuditAction.MEMBERSHIP_REMOVED,
        target_type="user",
        target_id=membership.user_id,
        target_repr=_user_repr(membership.user),
        organisation=membership.organisation,
        details={"role": membership.role},
        ip=ip,
    )
    membership.delete()


# ---------------------------------------------------------------------------- invitations


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    role: Role | str = Role.MEMBER,
    actor: User | None = None,
    ip: str | None = None,
    site_url: str | None = None,
) -> tuple[Invitation, str]:
    """Invite an e-mail address to join; send the single-use link. Returns (invitation, token).

    A new invitation to the same address replaces the pending one (its link stops working).
    """
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise RuleError(
            _("%(email)s est déjà membre de %(organisation)s.")
            % {"email": email, "organisation": organisation.name}
        )
    Invitation.objects.filter(
        organisation=organisation, email__iexact=email, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.REVOKED)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=Role(role),
        token_hash=hash_token(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_CREATED,
        target_type="invitation",
        target_id=invitation.pk,
        target_repr=_("Invitation n° %(id)s") % {"id": invitation.pk},
        organisation=organisation,
        details={"role": invitation.role},
        ip=ip,
    )
    invitee = User.objects.filter(email__iexact=email).first()
    send_templated_email(
        to=email,
        template="accounts/email/invitation",
        language=invitee.preferred_language if invitee else None,
        context={
            "organisation": organisation,
            "inviter_name": actor.get_full_name() if actor else "",
            "role_label": invitation.get_role_display().lower(),
            "link": _site_url(site_url) + reverse("accounts:invitation", kwargs={"token": token}),
            "expires_at": invitation.expires_at,
        },
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User | None = None, ip: str | None = None
) -> None:
    """Cancel a pending invitation: its link stops working."""
    if invitation.status != InvitationStatus.PENDING:
        raise RuleError(_("Cette invitation n'est plus en attente."))
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.INVITATION_REVOKED,
        target_type="invitation",
        target_id=invitation.pk,
        target_repr=_("Invitation n° %(id)s") % {"id": invitation.pk},
        organisation=invitation.organisation,
        ip=ip,
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User, ip: str | None = None) -> Membership:
    """Use an invitation: the person joins with the invited role. Single use, 14 days.

    If they are already a member, an invitation as administrator promotes them.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status == InvitationStatus.ACCEPTED:
        raise RuleError(_("Cette invitation a déjà été utilisée."))
    if invitation.status == InvitationStatus.REVOKED:
        raise RuleError(_("Cette invitation a été annulée ou remplacée par une plus récente."))
    if invitation.is_expired:
        raise RuleError(
            _("Cette invitation a expiré. Demandez à l'organisation de vous en envoyer une autre.")
        )
    organisation = invitation.organisation
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = membership_add(
            organisation=organisation, user=user, role=invitation.role, audit=False
        )
    elif invitation.role == Role.ADMIN and membership.role != Role.ADMIN:
        membership.role = Role.ADMIN
        membership.save(update_fields=["role"])
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    JoinRequest.objects.filter(
        organisation=organisation, user=user, status=JoinRequestStatus.PENDING
    ).update(status=JoinRequestStatus.APPROVED, decided_at=timezone.now())
    audit_record(
        actor=user,
        action=AuditAction.INVITATION_ACCEPTED,
        target_type="user",
        target_id=user.pk,
        target_repr=_user_repr(user),
        organisation=organisation,
        details={"invitation": invitation.pk, "role": membership.role},
        ip=ip,
    )
    return membership


# ---------------------------------------------------------------------------- join requests


@transaction.atomic
def join_request_create(
    *,
    user: User,
    organisation: Organisation,
    message: str = "",
    site_url: str | None = None,
) -> JoinRequest:
    """A person asks to join; the organisation's administrators are told by e-mail."""
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise RuleError(_("Vous êtes déjà membre de cette organisation."))
    if JoinRequest.objects.filter(
        organisation=organisation, user=user, status=JoinRequestStatus.PENDING
    ).exists():
        raise RuleError(_("Votre demande est déjà en attente de réponse."))
    join_request = JoinRequest.objects.create(
        user=user, organisation=organisation, message=message.strip()
    )
    link = _site_url(site_url) + reverse("directory:members", kwargs={"slug": organisation.slug})
    admins = User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.ADMIN, is_active=True
    )
    for admin in admins:
        send_templated_email(
            to=admin.email,
            template="accounts/email/join_request",
            language=admin.preferred_language,
            context={
                "organisation": organisation,
                "requester_name": user.get_full_name(),
                "message": join_request.message,
                "link": link,
            },
        )
    return join_request


@transaction.atomic
def join_request_decide(
    *,
    join_request: JoinRequest,
    approve: bool,
    actor: User | None = None,
    ip: str | None = None,
    site_url: str | None = None,
) -> JoinRequest:
    """Approve (the person becomes a member) or decline; the person is told by e-mail."""
    join_request = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=join_request.pk)
    )
    if join_request.status != JoinRequestStatus.PENDING:
        raise RuleError(_("Cette demande a déjà reçu une réponse."))
    organisation = join_request.organisation
    requester = join_request.user
    if (
        approve
        and not Membership.objects.filter(organisation=organisation, user=requester).exists()
    ):
        membership_add(organisation=organisation, user=requester, role=Role.MEMBER, audit=False)
    join_request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = actor
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action=(
            AuditAction.JOIN_REQUEST_APPROVED if approve else AuditAction.JOIN_REQUEST_DECLINED
        ),
        target_type="user",
        target_id=requester.pk,
        target_repr=_user_repr(requester),
        organisation=organisation,
        details={"join_request": join_request.pk},
        ip=ip,
    )
    send_templated_email(
        to=requester.email,
        template="accounts/email/join_decision",
        language=requester.preferred_language,
        context={
            "organisation": organisation,
            "approved": approve,
            "link": _site_url(site_url)
            + reverse("directory:detail", kwargs={"slug": organisation.slug}),
        },
    )
    return join_request


# ---------------------------------------------------------------------------- delegates


@transaction.atomic
def delegate_assign(
    *, user: User, union: Union, actor: User | None = None, ip: str | None = None
) -> DelegateAssignment:
    """Make the person a delegate of the union (idempotent)."""
    assignment, created = DelegateAssignment.objects.get_or_create(user=user, union=union)
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.DELEGATE_ASSIGNED,
            target_type="user",
            target_id=user.pk,
            target_repr=_user_repr(user),
            details={"union": union.pk},
            ip=ip,
        )
    return assignment


@transaction.atomic
def delegate_unassign(
    *, user: User, union: Union, actor: User | None = None, ip: str | None = None
) -> None:
    """Withdraw the person's delegation for the union."""
    deleted, _count = DelegateAssignment.objects.filter(user=user, union=union).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.DELEGATE_UNASSIGNED,
            target_type="user",
            target_id=user.pk,
            target_repr=_user_repr(user),
            details={"union": union.pk},
            ip=ip,
        )
