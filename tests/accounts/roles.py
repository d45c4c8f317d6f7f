"""One organisation and one person per role, for parametrised permission tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser

from maillage.accounts.enums import Role
from maillage.directory.models import Organisation
from tests.directory.factories import OrganisationFactory, UnionFactory

from .factories import DelegateAssignmentFactory, MembershipFactory, UserFactory

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


@dataclass
class World:
    organisation: Organisation
    people: dict[str, Any]

    def __getitem__(self, role: str) -> Any:
        return self.people[role]


def build_world() -> World:
    organisation = OrganisationFactory(name="Scop des Essais")
    union = organisation.commune.departement.union
    other_union = UnionFactory(slug="autre-union")
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER).user
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    delegate = DelegateAssignmentFactory(union=union).user
    other_delegate = DelegateAssignmentFactory(union=other_union).user
    platform = UserFactory(is_staff=True)
    return World(
        organisation=organisation,
        people={
            "visitor": AnonymousUser(),
            "outsider": UserFactory(),
            "member": member,
            "admin": admin,
            "delegate": delegate,
            "other_delegate": other_delegate,
            "platform": platform,
        },
    )
