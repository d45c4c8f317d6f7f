"""Who may do what in sponsorship, mentoring and ambassador events: plain predicates, built on
``maillage.accounts.perms``, the only place that decides.

- Volunteering: a cooperative's administrators volunteer it as a sponsor; any logged-in person
  volunteers as a mentor or an ambassador.
- Profiles are seen by delegates (of any union: volunteers cover territories across union
  borders and every delegate may need them), platform administrators, the volunteer themselves
  and those matched with them (the cooperative they follow, the event they speak at).
- Requests: a cooperative's administrators ask for it; its members, the delegates of its union
  and platform administrators see them.
- Assignment, validation of public event requests and the dashboard: delegates of the union and
  platform administrators.
- A sponsorship is followed by its two sides (members of the cooperative; the mentor, or the
  sponsor cooperative's members); the union's delegates read it; only the sides write in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maillage.accounts import perms as accounts_perms

from .enums import Side, SponsorshipStatus, VolunteerKind

if TYPE_CHECKING:
    from maillage.directory.models import Organisation
    from maillage.territories.models import Union

    from .models import AmbassadorEvent, MentoringRequest, Sponsorship, Volunteer


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_manage_union(user: Any, union: Union | str | None) -> bool:
    """Run and accept the assignment, validate public requests, read the dashboard."""
    if accounts_perms.is_platform_admin(user):
        return True
    return union is not None and accounts_perms.is_delegate_for_union(user, union)


def can_volunteer_person(user: Any) -> bool:
    return _active(user)


def can_volunteer_organisation(user: Any, organisation: Organisation) -> bool:
    """A cooperative volunteers as a sponsor through its administrators (or its delegate)."""
    return accounts_perms.can_manage_organisation(user, organisation)


def is_volunteer_holder(user: Any, volunteer: Volunteer) -> bool:
    """The person volunteering, or an administrator of the volunteering cooperative."""
    if not _active(user):
        return False
    if volunteer.user_id is not None:
        return bool(volunteer.user_id == user.pk)
    if volunteer.organisation is not None:
        return accounts_perms.is_organisation_admin(user, volunteer.organisation)
    return False


def can_edit_volunteer(user: Any, volunteer: Volunteer) -> bool:
    return is_volunteer_holder(user, volunteer) or accounts_perms.is_platform_admin(user)


def _is_volunteer_side(user: Any, volunteer: Volunteer) -> bool:
    """The person behind a volunteer: themselves, or a member of the sponsor cooperative."""
    if not _active(user):
        return False
    if volunteer.user_id is not None:
        return bool(volunteer.user_id == user.pk)
    if volunteer.organisation is not None:
        return accounts_perms.is_member(user, volunteer.organisation)
    return False


def is_matched_with(user: Any, volunteer: Volunteer) -> bool:
    """Member of a cooperative this volunteer follows or followed, or asker of an event they
    speak at."""
    if not _active(user):
        return False
    from .models import AmbassadorEvent, Sponsorship

    if Sponsorship.objects.filter(
        volunteer=volunteer, request__organisation__memberships__user=user
    ).exists():
        return True
    return AmbassadorEvent.objects.filter(ambassador=volunteer, created_by=user).exists()


def can_view_volunteer(user: Any, volunteer: Volunteer) -> bool:
    return (
        accounts_perms.is_platform_admin(user)
        or accounts_perms.is_delegate(user)
        or _is_volunteer_side(user, volunteer)
        or is_matched_with(user, volunteer)
    )


def can_list_volunteers(user: Any) -> bool:
    """The volunteer directory: delegates and platform administrators."""
    return accounts_perms.is_platform_admin(user) or accounts_perms.is_delegate(user)


def can_request_for(user: Any, organisation: Organisation) -> bool:
    """Ask a sponsor or a mentor for a cooperative: its administrators, its delegates."""
    return accounts_perms.can_manage_organisation(user, organisation)


def can_view_request(user: Any, request: MentoringRequest) -> bool:
    return (
        accounts_perms.is_platform_admin(user)
        or accounts_perms.is_member(user, request.organisation)
        or can_manage_union(user, request.union_id)
    )


def can_cancel_request(user: Any, request: MentoringRequest) -> bool:
    return can_request_for(user, request.organisation) or can_manage_union(user, request.union_id)


def side_of(user: Any, sponsorship: Sponsorship) -> str | None:
    """Which side of the sponsorship the person is on, if any (the cooperative first)."""
    if not _active(user):
        return None
    if accounts_perms.is_member(user, sponsorship.request.organisation):
        return Side.NEWCOMER
    if _is_volunteer_side(user, sponsorship.volunteer):
        return Side.VOLUNTEER
    return None


def can_view_sponsorship(user: Any, sponsorship: Sponsorship) -> bool:
    return (
        side_of(user, sponsorship) is not None
        or accounts_perms.is_platform_admin(user)
        or can_manage_union(user, sponsorship.request.union_id)
    )


def can_write_sponsorship(user: Any, sponsorship: Sponsorship) -> bool:
    """Notes and milestones: the two sides, while it runs."""
    return sponsorship.status == SponsorshipStatus.ACTIVE and side_of(user, sponsorship) is not None


def can_give_feedback(user: Any, sponsorship: Sponsorship) -> bool:
    side = side_of(user, sponsorship)
    if side is None:
        return False
    return not sponsorship.feedbacks.filter(side=side).exists()


def can_request_ambassador(user: Any) -> bool:
    """Anyone may ask, through the public form if without an account: a delegate validates."""
    return True


def is_request_prevalidated(user: Any, union: Union | str | None) -> bool:
    """A request made by a delegate of the union (or the platform) needs no validation."""
    return can_manage_union(user, union)


def can_view_event(user: Any, event: AmbassadorEvent) -> bool:
    if can_manage_union(user, event.union_id):
        return True
    if not _active(user):
        return False
    if event.created_by_id is not None and event.created_by_id == user.pk:
        return True
    return event.ambassador is not None and _is_volunteer_side(user, event.ambassador)


def can_download_event_ics(user: Any, event: AmbassadorEvent) -> bool:
    return can_view_event(user, event)


def can_have_feed(user: Any) -> bool:
    """A personal calendar feed: anyone with an account (ambassadors mostly)."""
    return _active(user)


def volunteer_kinds_for(user: Any) -> list[str]:
    """Roles a person may volunteer for by themselves."""
    return [VolunteerKind.MENTOR, VolunteerKind.AMBASSADOR] if _active(user) else []
