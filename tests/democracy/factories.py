"""Factories for congresses, workshops, proposals, votes and eligible voters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from maillage.democracy import services
from maillage.democracy.models import Event, Proposal, Vote, Workshop
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import OrganisationFactory, UnionFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"congres-{n}")
    title = factory.Sequence(lambda n: f"Congrès n° {n}")
    starts_on = date(2025, 11, 20)
    union = factory.SubFactory(UnionFactory)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    slug = factory.Sequence(lambda n: f"atelier-{n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    workshop = factory.SubFactory(WorkshopFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Proposition {n}")
    text = factory.LazyAttribute(lambda o: f"{o.title}, en détail.")


def member_of_union(union: Any, **user: Any) -> Any:
    """A person who is a member of an organisation that is a member of ``union``."""
    organisation = OrganisationFactory(is_union_member=True, union=union)
    return MembershipFactory(organisation=organisation, user=UserFactory(**user)).user


def open_vote(event: Event | None = None, proposals: int = 3, **options: Any) -> Vote:
    """A vote open now, on ``proposals`` new proposals of one workshop of ``event``."""
    event = event or EventFactory()
    workshop = WorkshopFactory(event=event)
    chosen = [ProposalFactory(workshop=workshop, position=i + 1) for i in range(proposals)]
    now = timezone.now()
    values = {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=1)}
    values.update(options)
    return services.vote_create(event=event, title="Priorités", proposals=chosen, **values)


def body_with_members(count: int = 4, *, public_record: bool = False, **options: Any) -> Any:
    """A body of a new union with ``count`` members (named Alix, Bastien, Chloé, …)."""
    from maillage.democracy.models import BodyMember

    names = ["Alix", "Bastien", "Chloé", "Dominique", "Elie", "Fanny", "Gaël", "Hélène"]
    body = services.body_create(
        name=options.pop("name", "Conseil d'administration"),
        union=options.pop("union", None) or UnionFactory(),
        public_record=public_record,
        **options,
    )
    for i in range(count):
        user = UserFactory(full_name=f"{names[i % len(names)]} Coop{i}")
        BodyMember.objects.create(body=body, user=user)
    return body


def members_of(body: Any) -> list[Any]:
    """The body's members, in the order they joined."""
    return [m.user for m in body.memberships.order_by("pk").select_related("user")]


def cooperator(**user: Any) -> Any:
    """A person who is a member of an organisation of the network."""
    return MembershipFactory(user=UserFactory(**user)).user
