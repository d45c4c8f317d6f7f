"""Post-moderation: the queue per union, accept and revert, per role."""

from __future__ import annotations

import pytest

from maillage.accounts.models import AuditEvent
from maillage.directory import services
from maillage.directory.models import ProfileChange
from tests.accounts.roles import ROLES
from tests.directory.factories import OrganisationFactory, UnionFactory

pytestmark = pytest.mark.django_db

CAN_REVIEW = {"delegate", "platform"}


def _change(world):
    return services.organisation_update(
        organisation=world.organisation,
        author=world["admin"],
        data={"description": "Nouveau texte"},
    )


@pytest.mark.parametrize("role", ROLES)
def test_queue_per_role(client_as, world, role):
    _change(world)
    response = client_as(role).get("/annuaire/moderation/")
    if role == "visitor":
        assert response.status_code == 302
    elif role in CAN_REVIEW | {"other_delegate"}:
        assert response.status_code == 200
        shown = "Scop des Essais" in response.content.decode()
        assert shown == (role in CAN_REVIEW)  # another union's delegate sees an empty queue
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_revert_per_role(client_as, world, role):
    change = _change(world)
    response = client_as(role).post(
        f"/annuaire/moderation/{change.pk}/decision/", {"decision": "revert"}
    )
    world.organisation.refresh_from_db()
    if role in CAN_REVIEW:
        assert response.status_code == 302
        assert world.organisation.description == ""
        assert ProfileChange.objects.get().status == "reverted"
        assert AuditEvent.objects.filter(action="profile_change_reverted").exists()
    else:
        assert (
            response.status_code in (302, 403) if role == "visitor" else response.status_code == 403
        )
        assert world.organisation.description == "Nouveau texte"
        assert ProfileChange.objects.get().status == "pending"


def test_accept_keeps_the_change(client_as, world):
    change = _change(world)
    client_as("delegate").post(
        f"/annuaire/moderation/{change.pk}/decision/", {"decision": "accept"}
    )
    change.refresh_from_db()
    world.organisation.refresh_from_db()
    assert change.status == "accepted" and change.reviewed_by == world["delegate"]
    assert world.organisation.description == "Nouveau texte"


def test_queue_query_count_is_flat(client_as, world, django_assert_max_num_queries):
    for i in range(15):
        other = OrganisationFactory(name=f"Autre {i}", commune=world.organisation.commune)
        services.organisation_update(
            organisation=other, author=world["admin"], data={"acronym": f"A{i}"}
        )
    UnionFactory()
    client = client_as("delegate")
    with django_assert_max_num_queries(12):
        assert client.get("/annuaire/moderation/").status_code == 200
