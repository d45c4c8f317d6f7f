"""Who may do what in a convention drawn by lot: plain predicates, the only place that decides.

Personal data of the pool (names, e-mails, cooperatives) is for the convention's organisers
only; everything public carries pseudonyms.
"""

from __future__ import annotations

from typing import Any

from .enums import ConventionStatus
from .models import Convention, Volunteer


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_organiser(user: Any, convention: Convention) -> bool:
    """One of the convention's organisers (or a platform administrator)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return convention.organisers.filter(pk=user.pk).exists()


def can_see_personal_data(user: Any, convention: Convention) -> bool:
    """Names, e-mails and cooperatives of the pool."""
    return is_organiser(user, convention)


def can_volunteer(convention: Convention) -> bool:
    """The call for volunteers is open."""
    return convention.status == ConventionStatus.VOLUNTEERING


def can_create_convention(user: Any) -> bool:
    """Platform administrators create conventions and name their organisers."""
    return _active(user) and bool(user.is_staff)


def own_volunteer(user: Any, convention: Convention) -> Volunteer | None:
    """The logged-in person's own entry in the pool, if any."""
    if not _active(user):
        return None
    return convention.volunteers.filter(user=user).first()
