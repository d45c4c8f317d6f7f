"""Who may do what: plain predicates, the only place that decides permissions.

Roles, from the least to the most powerful: visitor (anonymous), member of an organisation,
administrator of an organisation, union delegate (scoped to the unions assigned to them) and
platform administrator (`is_staff`). Views and templates ask these predicates; they never look
at roles themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .enums import Role
from .models import DelegateAssignment, Invitation, Membership

if TYPE_CHECKING:
    from maillage.directory.models import Organisation
    from maillage.territories.models import Union


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user: Any) -> bool:
    """Platform administrators (`is_staff`) may do everything."""
    return _active(user) and bool(user.is_staff)


def membership_of(user: Any, organisation: Organisation) -> Membership | None:
    """The person's membership of the organisation, if any.

    Not cached: a predicate asked after a service changed roles must see the change.
    """
    if not _active(user) or organisation.pk is None:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def delegate_union_ids(user: Any) -> set[str]:
    """Slugs of the unions the person is a delegate for (empty for everyone else)."""
    if not _active(user):
        return set()
    return set(DelegateAssignment.objects.filter(user=user).values_list("union_id", flat=True))


def organisation_union_id(organisation: Organisation) -> str | None:
    """The union whose territory holds the organisation's head office, if known."""
    commune = organisation.commune
    if commune is None:
        return None
    return commune.departement.union_id


def is_member(user: Any, organisation: Organisation) -> bool:
    """Member of the organisation, whatever the role."""
    return membership_of(user, organisation) is not None


def is_organisation_admin(user: Any, organisation: Organisation) -> bool:
    membership = membership_of(user, organisation)
    return membership is not None and membership.role == Role.ADMIN


def is_delegate(user: Any) -> bool:
    return bool(delegate_union_ids(user))


def is_delegate_for_union(user: Any, union: Union | str) -> bool:
    union_id = union if isinstance(union, str) else union.pk
    return union_id in delegate_union_ids(user)


def is_delegate_for_organisation(user: Any, organisation: Organisation) -> bool:
    """Delegate of the union whose territory holds the organisation's head office."""
    union_ids = delegate_union_ids(user)
    if not union_ids:
        return False
    return organisation_union_id(organisation) in union_ids


def can_moderate_in_union(user: Any, union: Union | str) -> bool:
    return is_platform_admin(user) or is_delegate_for_union(user, union)


def can_view_organisation_members(user: Any, organisation: Organisation) -> bool:
    """Names of members are shown to the organisation's members, its union and the platform."""
    return (
        is_platform_admin(user)
        or is_member(user, organisation)
        or is_delegate_for_organisation(user, organisation)
    )


def can_manage_organisation(user: Any, organisation: Organisation) -> bool:
    """Invite, change roles, remove members, decide join requests."""
    return (
        is_platform_admin(user)
        or is_organisation_admin(user, organisation)
        or is_delegate_for_organisation(user, organisation)
    )


def can_request_to_join(user: Any, organisation: Organisation) -> bool:
    """Any logged-in person who is not yet a member may ask to join."""
    return _active(user) and not is_member(user, organisation)


def can_accept_invitation(user: Any, invitation: Invitation) -> bool:
    """Whoever holds the link may accept, once logged in, while the invitation is usable."""
    return _active(user) and invitation.is_usable


def is_invitation_addressee(user: Any, invitation: Invitation) -> bool:
    """The invitation was sent to this person's e-mail (lets them accept from their profile)."""
    return _active(user) and invitation.email.lower() == user.email.lower()


def can_remove_membership(user: Any, membership: Membership) -> bool:
    """Managers of the organisation remove members; anyone may leave by themselves."""
    if _active(user) and membership.user_id == user.pk:
        return True
    return can_manage_organisation(user, membership.organisation)


def can_leave_membership(user: Any, membership: Membership) -> bool:
    """Only the person themselves leaves (from their profile)."""
    return _active(user) and membership.user_id == user.pk


def can_view_audit_log(user: Any) -> bool:
    """The audit log page: platform administrators, and delegates for their unions."""
    return is_platform_admin(user) or is_delegate(user)


def audit_log_union_scope(user: Any) -> set[str] | None:
    """Which unions' events the person may read: None means all, an empty set means none."""
    if is_platform_admin(user):
        return None
    return delegate_union_ids(user)


def can_use_admin_site(user: Any) -> bool:
    return is_platform_admin(user)


def can_manage_own_account(user: Any) -> bool:
    """Profile, data export and account deletion: any logged-in person, for themselves."""
    return _active(user)
