"""Who may do what on directory pages: predicates built on maillage.accounts.perms.

Views and templates ask these; they never look at roles themselves.

- everyone reads an organisation page, territory and sector pages, and may send a message;
- an organisation's administrators (and platform administrators) edit its profile, offers and
  entrepreneurs, see its completeness and confirm it is up to date;
- an entrepreneur with an account edits their own sub-profile and its visibility;
- union delegates moderate the changes of organisations in their unions (platform
  administrators everywhere);
- an entrepreneur's sub-profile is shown to everyone (public), to logged-in people (members),
  or to nobody but its editors (hidden).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maillage.accounts import perms as account_perms

from .enums import Visibility

if TYPE_CHECKING:
    from .models import Entrepreneur, Organisation, ProfileChange


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """Profile, offers, entrepreneurs: the organisation's administrators and the platform."""
    return account_perms.is_platform_admin(user) or account_perms.is_organisation_admin(
        user, organisation
    )


def can_see_completeness(user: Any, organisation: Organisation) -> bool:
    """The completeness score and what is missing: those who can fix it."""
    return can_edit_organisation(user, organisation)


def can_confirm_profile(user: Any, organisation: Organisation) -> bool:
    """« Confirmer que la fiche est à jour »."""
    return can_edit_organisation(user, organisation)


def can_edit_entrepreneur(user: Any, entrepreneur: Entrepreneur) -> bool:
    """The entrepreneur themselves (linked account), or whoever edits the CAE."""
    if _active(user) and entrepreneur.user_id is not None and entrepreneur.user_id == user.pk:
        return True
    return can_edit_organisation(user, entrepreneur.cae)


def can_view_entrepreneur(user: Any, entrepreneur: Entrepreneur) -> bool:
    """Visibility chosen by the entrepreneur; hidden profiles are never listed publicly."""
    if entrepreneur.visibility == Visibility.PUBLIC:
        return True
    if entrepreneur.visibility == Visibility.MEMBERS:
        return _active(user)
    return False


def visible_entrepreneur_levels(user: Any) -> list[str]:
    """The visibilities a person may see in lists (for a database filter)."""
    if _active(user):
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def can_moderate_organisation(user: Any, organisation: Organisation) -> bool:
    """Delegates of the organisation's union, and platform administrators."""
    return account_perms.is_platform_admin(user) or account_perms.is_delegate_for_organisation(
        user, organisation
    )


def can_review_change(user: Any, change: ProfileChange) -> bool:
    """Accept or revert one recorded change."""
    return can_moderate_organisation(user, change.organisation)


def can_view_moderation_queue(user: Any) -> bool:
    """The queue page: delegates (for their unions) and platform administrators."""
    return account_perms.is_platform_admin(user) or account_perms.is_delegate(user)


def moderation_union_scope(user: Any) -> set[str] | None:
    """Unions whose changes the person reviews: None means all, an empty set none."""
    return account_perms.audit_log_union_scope(user)


def can_contact_organisation(user: Any, organisation: Organisation) -> bool:
    """Anyone may write to a published organisation (the address is never shown)."""
    return organisation.is_published
