"""Factories for people and their roles."""

from __future__ import annotations

import factory

from maillage.accounts.enums import Role
from maillage.accounts.models import DelegateAssignment, Membership, User
from tests.directory.factories import OrganisationFactory, UnionFactory

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.coop")
    full_name = factory.Sequence(lambda n: f"Camille Test {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MEMBER


class DelegateAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegateAssignment

    user = factory.SubFactory(UserFactory)
    union = factory.SubFactory(UnionFactory)
