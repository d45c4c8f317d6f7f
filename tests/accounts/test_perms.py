"""Every predicate of perms.py, for every role."""

from __future__ import annotations

import pytest

from maillage.accounts import perms
from maillage.accounts.models import Membership
from tests.accounts.roles import ROLES

pytestmark = pytest.mark.django_db

#                                  visitor outsider member admin delegate other_del platform
EXPECTED_ORGANISATION = {
    "is_member": [0, 0, 1, 1, 0, 0, 0],
    "is_organisation_admin": [0, 0, 0, 1, 0, 0, 0],
    "is_delegate_for_organisation": [0, 0, 0, 0, 1, 0, 0],
    "can_view_organisation_members": [0, 0, 1, 1, 1, 0, 1],
    "can_manage_organisation": [0, 0, 0, 1, 1, 0, 1],
    "can_request_to_join": [0, 1, 0, 0, 1, 1, 1],
}
EXPECTED_GLOBAL = {
    "is_platform_admin": [0, 0, 0, 0, 0, 0, 1],
    "is_delegate": [0, 0, 0, 0, 1, 1, 0],
    "can_view_audit_log": [0, 0, 0, 0, 1, 1, 1],
    "can_use_admin_site": [0, 0, 0, 0, 0, 0, 1],
    "can_manage_own_account": [0, 1, 1, 1, 1, 1, 1],
}


@pytest.mark.parametrize("predicate", sorted(EXPECTED_ORGANISATION))
@pytest.mark.parametrize("role", ROLES)
def test_organisation_predicates(world, predicate, role):
    expected = bool(EXPECTED_ORGANISATION[predicate][ROLES.index(role)])
    assert getattr(perms, predicate)(world[role], world.organisation) is expected


@pytest.mark.parametrize("predicate", sorted(EXPECTED_GLOBAL))
@pytest.mark.parametrize("role", ROLES)
def test_global_predicates(world, predicate, role):
    expected = bool(EXPECTED_GLOBAL[predicate][ROLES.index(role)])
    assert getattr(perms, predicate)(world[role]) is expected


@pytest.mark.parametrize("role", ROLES)
def test_can_moderate_in_union(world, role):
    union = world.organisation.commune.departement.union
    expected = role in {"delegate", "platform"}
    assert perms.can_moderate_in_union(world[role], union) is expected
    assert perms.can_moderate_in_union(world[role], union.pk) is expected


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_union_scope(world, role):
    union_id = world.organisation.commune.departement.union_id
    scope = perms.audit_log_union_scope(world[role])
    if role == "platform":
        assert scope is None
    elif role == "delegate":
        assert scope == {union_id}
    elif role == "other_delegate":
        assert scope == {"autre-union"}
    else:
        assert scope == set()


@pytest.mark.parametrize("role", ROLES)
def test_can_remove_membership_of_a_plain_member(world, role):
    membership = Membership.objects.get(user=world["member"])
    expected = role in {"member", "admin", "delegate", "platform"}  # member: leaving
    assert perms.can_remove_membership(world[role], membership) is expected


@pytest.mark.parametrize("role", ROLES)
def test_can_leave_membership_only_for_oneself(world, role):
    membership = Membership.objects.get(user=world["member"])
    assert perms.can_leave_membership(world[role], membership) is (role == "member")


def test_inactive_people_have_no_rights(world):
    for role in ["member", "admin", "delegate", "platform"]:
        person = world[role]
        person.is_active = False
        assert not perms.can_manage_organisation(person, world.organisation)
        assert not perms.can_view_organisation_members(person, world.organisation)
        assert not perms.can_view_audit_log(person)


def test_organisation_without_commune_has_no_delegate(world):
    world.organisation.commune = None
    assert not perms.is_delegate_for_organisation(world["delegate"], world.organisation)
    assert not perms.can_manage_organisation(world["delegate"], world.organisation)
