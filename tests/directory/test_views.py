"""Directory pages: list (with query-count guard), organisation page, managing members."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts import services
from maillage.accounts.enums import AuditAction, JoinRequestStatus, Role
from maillage.accounts.models import AuditEvent, Invitation, JoinRequest, Membership
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.roles import ROLES

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

MANAGERS = {"admin", "delegate", "platform"}


def manage_status(role: str, success: int = 302) -> int:
    if role == "visitor":
        return 302  # to the login page
    return success if role in MANAGERS else 403


def url(name, world, **kwargs):
    return reverse(f"directory:{name}", kwargs={"slug": world.organisation.slug, **kwargs})


# ---------------------------------------------------------------- list


def test_index_lists_with_demo_badge_and_paginates(client, db):
    OrganisationFactory(name="Alpha Coop", is_synthetic=True)
    for i in range(25):
        OrganisationFactory(name=f"Beta {i:02d}")
    page = client.get(reverse("directory:index")).content.decode()
    assert "26 organisations inscrites" in page
    assert '<span class="badge badge-demo">Démonstration</span>' in page
    assert page.count('<span class="badge badge-demo">') == 1
    assert "Page 1 sur 2" in page
    second = client.get(reverse("directory:index"), {"page": 2}).content.decode()
    assert "Beta 24" in second
    assert "Alpha Coop" not in second


def test_index_query_count_does_not_grow(client, db, django_assert_max_num_queries):
    for _ in range(20):
        OrganisationFactory()
    with django_assert_max_num_queries(4):  # session-less visitor: count + page
        assert client.get(reverse("directory:index")).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_index_for_every_role(client_as, role):
    assert client_as(role).get(reverse("directory:index")).status_code == 200


# ---------------------------------------------------------------- organisation page


@pytest.mark.parametrize("role", ROLES)
def test_detail_for_every_role(client_as, world, role):
    response = client_as(role).get(url("detail", world))
    assert response.status_code == 200
    page = response.content.decode()
    names_visible = role in {"member", "admin", "delegate", "platform"}
    assert (world["member"].full_name in page) is names_visible
    assert ("Gérer les membres" in page) is (role in MANAGERS)
    can_join = role in {"outsider", "delegate", "other_delegate", "platform"}
    assert ("Demander à rejoindre" in page) is can_join


def test_detail_unknown_slug_is_404(client):
    assert client.get(reverse("directory:detail", kwargs={"slug": "inconnue"})).status_code == 404


# ---------------------------------------------------------------- join


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("outsider", 302),
        ("member", 403),
        ("admin", 403),
        ("delegate", 302),
        ("other_delegate", 302),
        ("platform", 302),
    ],
)
def test_join_post_per_role(client_as, world, role, status):
    response = client_as(role).post(url("join", world), {"message": "Bonjour"})
    assert response.status_code == status
    created = JoinRequest.objects.filter(organisation=world.organisation).exists()
    assert created is (status == 302 and role != "visitor")


def test_join_twice_shows_pending_and_message(client_as, world):
    client = client_as("outsider")
    client.post(url("join", world), {"message": "Bonjour"})
    assert [m.to for m in mail.outbox] == [[world["admin"].email]]
    response = client.post(url("join", world), {"message": "Encore"}, follow=True)
    page = response.content.decode()
    assert "déjà en attente" in page
    assert "attend une réponse" in page
    assert "Demander à rejoindre" not in page


# ---------------------------------------------------------------- members page and actions


@pytest.mark.parametrize("role", ROLES)
def test_members_page_per_role(client_as, world, role):
    response = client_as(role).get(url("members", world))
    assert response.status_code == manage_status(role, success=200)
    if response.status_code == 200:
        assert world["member"].email in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_invite_per_role(client_as, world, role):
    response = client_as(role).post(
        url("invite", world), {"email": "invitee@exemple.coop", "role": "member"}
    )
    assert response.status_code == manage_status(role)
    sent = Invitation.objects.filter(email="invitee@exemple.coop").exists()
    assert sent is (role in MANAGERS)
    assert len(mail.outbox) == (1 if role in MANAGERS else 0)


def test_invite_errors_keep_input(client_as, world):
    client = client_as("admin")
    response = client.post(url("invite", world), {"email": "pas-un-email", "role": "admin"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="pas-un-email"' in page
    assert '<option value="admin" selected>' in page
    assert 'aria-invalid="true"' in page
    response = client.post(url("invite", world), {"email": world["member"].email, "role": "member"})
    assert "est déjà membre de Scop des Essais" in response.content.decode()


def test_invite_link_uses_request_host(client_as, world):
    client_as("admin").post(url("invite", world), {"email": "x@exemple.coop", "role": "member"})
    assert "http://testserver/compte/invitation/" in mail.outbox[0].body


@pytest.mark.parametrize("role", ROLES)
def test_change_role_per_role(client_as, world, role):
    membership = Membership.objects.get(user=world["member"])
    response = client_as(role).post(url("member_role", world, pk=membership.pk), {"role": "admin"})
    assert response.status_code == manage_status(role)
    membership.refresh_from_db()
    assert (membership.role == Role.ADMIN) is (role in MANAGERS)


def test_demoting_last_admin_shows_clear_message(client_as, world):
    membership = Membership.objects.get(user=world["admin"])
    response = client_as("admin").post(
        url("member_role", world, pk=membership.pk), {"role": "member"}, follow=True
    )
    assert "doit garder au moins une personne administratrice" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


@pytest.mark.parametrize("role", ROLES)
def test_remove_member_per_role(client_as, world, role):
    target = MembershipFactory(organisation=world.organisation)
    response = client_as(role).post(url("member_remove", world, pk=target.pk))
    assert response.status_code == manage_status(role)
    assert Membership.objects.filter(pk=target.pk).exists() is (role not in MANAGERS)


def test_membership_of_another_organisation_is_404(client_as, world):
    elsewhere = MembershipFactory()
    client = client_as("admin")
    assert client.post(url("member_remove", world, pk=elsewhere.pk)).status_code == 404
    assert (
        client.post(url("member_role", world, pk=elsewhere.pk), {"role": "admin"}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ROLES)
def test_decide_join_request_per_role(client_as, world, role):
    person = UserFactory()
    join_request = services.join_request_create(user=person, organisation=world.organisation)
    mail.outbox.clear()
    response = client_as(role).post(
        url("join_decide", world, pk=join_request.pk), {"decision": "approve"}
    )
    assert response.status_code == manage_status(role)
    join_request.refresh_from_db()
    approved = join_request.status == JoinRequestStatus.APPROVED
    assert approved is (role in MANAGERS)
    assert Membership.objects.filter(user=person).exists() is approved
    assert len(mail.outbox) == (1 if approved else 0)


def test_decline_join_request_sends_email_and_records(client_as, world):
    person = UserFactory()
    join_request = services.join_request_create(user=person, organisation=world.organisation)
    client_as("delegate").post(
        url("join_decide", world, pk=join_request.pk), {"decision": "decline"}
    )
    assert mail.outbox[-1].to == [person.email]
    assert (
        AuditEvent.objects.get(action=AuditAction.JOIN_REQUEST_DECLINED).actor == world["delegate"]
    )


@pytest.mark.parametrize("role", ROLES)
def test_revoke_invitation_per_role(client_as, world, role):
    invitation, _ = services.invitation_create(
        organisation=world.organisation, email="r@exemple.coop"
    )
    response = client_as(role).post(url("invitation_revoke", world, pk=invitation.pk))
    assert response.status_code == manage_status(role)
    invitation.refresh_from_db()
    assert (invitation.status == "revoked") is (role in MANAGERS)


@pytest.mark.parametrize("name", ["join", "invite", "members"])
def test_unknown_organisation_is_404_for_managers(client_as, name):
    client = client_as("platform")
    target = reverse(f"directory:{name}", kwargs={"slug": "inconnue"})
    response = client.get(target) if name == "members" else client.post(target)
    assert response.status_code == 404


def test_members_page_query_count_does_not_grow(client_as, world, django_assert_max_num_queries):
    client = client_as("admin")
    client.get(url("members", world))  # warm the session
    for _ in range(15):
        MembershipFactory(organisation=world.organisation)
        services.join_request_create(user=UserFactory(), organisation=world.organisation)
        services.invitation_create(
            organisation=world.organisation, email=f"{_}-{Invitation.objects.count()}@ex.coop"
        )
    with django_assert_max_num_queries(12):
        assert client.get(url("members", world)).status_code == 200


def test_detail_query_count_with_many_members(client_as, world, django_assert_max_num_queries):
    client = client_as("member")
    for _ in range(15):
        MembershipFactory(organisation=world.organisation)
    # Identity, offers, establishments, labels, entrepreneurs: a fixed number, whatever the size.
    with django_assert_max_num_queries(14):
        assert client.get(url("detail", world)).status_code == 200
