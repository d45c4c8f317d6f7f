"""Services: memberships, invitations, join requests, delegates, personal data, audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.accounts import perms, selectors, services
from maillage.accounts.enums import AuditAction, InvitationStatus, JoinRequestStatus, Role
from maillage.accounts.models import AuditEvent, Invitation, JoinRequest, Membership, User
from tests.directory.factories import OrganisationFactory, UnionFactory

from .factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def events(action):
    return AuditEvent.objects.filter(action=action)


# ---------------------------------------------------------------- people


def test_user_create_normalises_email_and_refuses_duplicates():
    user = services.user_create(email="Alice@Exemple.COOP", password=PASSWORD, full_name=" Alice ")
    assert user.email == "alice@exemple.coop"
    assert user.full_name == "Alice"
    assert user.check_password(PASSWORD)
    with pytest.raises(services.RuleError, match="existe déjà"):
        services.user_create(email="alice@exemple.coop", password=PASSWORD, full_name="Autre")


def test_user_update_profile():
    user = UserFactory()
    services.user_update_profile(
        user=user, full_name="Léa Martin", phone="06 00 00 00 00", preferred_language="en"
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.preferred_language) == (
        "Léa Martin",
        "06 00 00 00 00",
        "en",
    )


# ---------------------------------------------------------------- memberships


def test_membership_add_and_duplicate(world):
    person = UserFactory()
    membership = services.membership_add(
        organisation=world.organisation, user=person, actor=world["admin"], ip="10.0.0.1"
    )
    assert membership.role == Role.MEMBER
    event = events(AuditAction.MEMBERSHIP_ADDED).get()
    assert (event.actor, event.organisation, event.ip) == (
        world["admin"],
        world.organisation,
        "10.0.0.1",
    )
    with pytest.raises(services.RuleError, match="déjà membre"):
        services.membership_add(organisation=world.organisation, user=person)


def test_set_role_promotes_and_records(world):
    membership = Membership.objects.get(user=world["member"])
    services.membership_set_role(membership=membership, role=Role.ADMIN, actor=world["admin"])
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN
    event = events(AuditAction.ROLE_CHANGED).get()
    assert event.details == {"from": "member", "to": "admin"}
    assert event.target_id == str(world["member"].pk)


def test_last_admin_cannot_be_demoted_or_removed(world):
    admin_membership = Membership.objects.get(user=world["admin"])
    with pytest.raises(services.LastAdminError, match="Scop des Essais doit garder"):
        services.membership_set_role(membership=admin_membership, role=Role.MEMBER)
    with pytest.raises(services.LastAdminError):
        services.membership_remove(membership=admin_membership)
    assert Membership.objects.get(pk=admin_membership.pk).role == Role.ADMIN
    assert not events(AuditAction.ROLE_CHANGED).exists()


def test_admin_can_step_down_once_another_admin_exists(world):
    services.membership_set_role(
        membership=Membership.objects.get(user=world["member"]), role=Role.ADMIN
    )
    services.membership_set_role(
        membership=Membership.objects.get(user=world["admin"]), role=Role.MEMBER
    )
    services.membership_remove(membership=Membership.objects.get(user=world["admin"]))
    assert not Membership.objects.filter(user=world["admin"]).exists()
    assert events(AuditAction.MEMBERSHIP_REMOVED).count() == 1


def test_membership_remove_records(world):
    services.membership_remove(
        membership=Membership.objects.get(user=world["member"]), actor=world["delegate"]
    )
    event = events(AuditAction.MEMBERSHIP_REMOVED).get()
    assert event.actor == world["delegate"]
    assert event.details == {"role": "member"}


# ---------------------------------------------------------------- invitations


def test_invitation_create_sends_link_and_accept_once(world):
    invitation, token = services.invitation_create(
        organisation=world.organisation,
        email="Nouvelle@Exemple.coop",
        role=Role.ADMIN,
        actor=world["admin"],
        site_url="https://maillage.test",
    )
    assert invitation.email == "nouvelle@exemple.coop"
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)
    assert token not in invitation.token_hash  # only the hash is stored
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.coop"]
    assert "Scop des Essais" in message.subject
    assert f"https://maillage.test/compte/invitation/{token}/" in message.body
    assert "en tant que administrateur·ice" in message.body

    newcomer = UserFactory(email="nouvelle@exemple.coop")
    assert selectors.user_pending_invitations(newcomer).get() == invitation
    assert perms.is_invitation_addressee(newcomer, invitation)
    assert perms.can_accept_invitation(newcomer, invitation)
    found = selectors.invitation_by_token(token)
    membership = services.invitation_accept(invitation=found, user=newcomer, ip="10.0.0.2")
    assert membership.role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.accepted_by == newcomer
    assert not perms.can_accept_invitation(newcomer, invitation)
    event = events(AuditAction.INVITATION_ACCEPTED).get()
    assert (event.actor, event.organisation) == (newcomer, world.organisation)
    with pytest.raises(services.RuleError, match="déjà été utilisée"):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_invitation_expires_after_14_days(world):
    invitation, _token = services.invitation_create(
        organisation=world.organisation, email="tard@exemple.coop", actor=world["admin"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    invitation.refresh_from_db()
    assert not perms.can_accept_invitation(UserFactory(), invitation)
    with pytest.raises(services.RuleError, match="expiré"):
        services.invitation_accept(invitation=invitation, user=UserFactory())


def test_new_invitation_replaces_pending_one_and_revoke(world):
    first, _ = services.invitation_create(organisation=world.organisation, email="x@exemple.coop")
    second, _ = services.invitation_create(organisation=world.organisation, email="x@exemple.coop")
    first.refresh_from_db()
    assert first.status == InvitationStatus.REVOKED
    with pytest.raises(services.RuleError, match="annulée"):
        services.invitation_accept(invitation=first, user=UserFactory())
    services.invitation_revoke(invitation=second, actor=world["admin"])
    assert Invitation.objects.get(pk=second.pk).status == InvitationStatus.REVOKED
    assert events(AuditAction.INVITATION_REVOKED).count() == 1


def test_invitation_refused_for_existing_member(world):
    with pytest.raises(services.RuleError, match="déjà membre"):
        services.invitation_create(organisation=world.organisation, email=world["member"].email)
    assert mail.outbox == []


def test_invitation_as_admin_promotes_existing_member(world):
    invitation, _ = services.invitation_create(
        organisation=world.organisation, email="plus-tard@exemple.coop", role=Role.ADMIN
    )
    person = world["member"]
    membership = services.invitation_accept(invitation=invitation, user=person)
    assert membership.role == Role.ADMIN


# ---------------------------------------------------------------- join requests


def test_join_request_notifies_admins_and_approval_adds_member(world):
    person = UserFactory(full_name="Sam Dupont")
    join_request = services.join_request_create(
        user=person, organisation=world.organisation, message="Je travaille ici."
    )
    assert [m.to for m in mail.outbox] == [[world["admin"].email]]
    assert "Sam Dupont" in mail.outbox[0].body
    assert "Je travaille ici." in mail.outbox[0].body
    with pytest.raises(services.RuleError, match="déjà en attente"):
        services.join_request_create(user=person, organisation=world.organisation)

    services.join_request_decide(join_request=join_request, approve=True, actor=world["admin"])
    assert Membership.objects.get(user=person, organisation=world.organisation).role == "member"
    assert JoinRequest.objects.get(pk=join_request.pk).status == JoinRequestStatus.APPROVED
    decision = mail.outbox[-1]
    assert decision.to == [person.email]
    assert "acceptée" in decision.subject
    assert events(AuditAction.JOIN_REQUEST_APPROVED).get().actor == world["admin"]
    with pytest.raises(services.RuleError, match="déjà reçu une réponse"):
        services.join_request_decide(join_request=join_request, approve=False)


def test_join_request_declined(world):
    person = UserFactory()
    join_request = services.join_request_create(user=person, organisation=world.organisation)
    services.join_request_decide(join_request=join_request, approve=False, actor=world["delegate"])
    assert not Membership.objects.filter(user=person).exists()
    assert "n'a pas été retenue" in mail.outbox[-1].subject
    assert events(AuditAction.JOIN_REQUEST_DECLINED).get().actor == world["delegate"]
    # Declined: the person may ask again later.
    services.join_request_create(user=person, organisation=world.organisation)


def test_members_cannot_request_to_join(world):
    with pytest.raises(services.RuleError, match="déjà membre"):
        services.join_request_create(user=world["member"], organisation=world.organisation)


def test_decision_email_in_recipients_language(world):
    person = UserFactory(preferred_language="en")
    join_request = services.join_request_create(user=person, organisation=world.organisation)
    services.join_request_decide(join_request=join_request, approve=True)
    # No English catalogue yet: the French source text is sent, but through gettext.
    assert mail.outbox[-1].to == [person.email]


# ---------------------------------------------------------------- delegates


def test_delegate_assign_is_idempotent_and_recorded():
    person = UserFactory()
    union = UnionFactory()
    platform = UserFactory(is_staff=True)
    services.delegate_assign(user=person, union=union, actor=platform)
    services.delegate_assign(user=person, union=union, actor=platform)
    assert perms.is_delegate_for_union(person, union)
    assert events(AuditAction.DELEGATE_ASSIGNED).count() == 1
    services.delegate_unassign(user=person, union=union, actor=platform)
    assert not perms.is_delegate_for_union(person, union)
    assert events(AuditAction.DELEGATE_UNASSIGNED).count() == 1


# ---------------------------------------------------------------- personal data


def test_export_contains_everything_and_is_recorded(world):
    person = world["member"]
    other = OrganisationFactory(name="Scic du Bocage")
    services.join_request_create(user=person, organisation=other, message="Bonjour")
    services.invitation_create(organisation=OrganisationFactory(), email=person.email)
    services.membership_set_role(
        membership=Membership.objects.get(user=person), role=Role.ADMIN, actor=person
    )
    data = services.user_export_data(user=person, ip="10.0.0.3")
    assert data["profile"]["email"] == person.email
    assert data["profile"]["full_name"] == person.full_name
    assert [m["organisation"] for m in data["memberships"]] == ["Scop des Essais"]
    assert data["memberships"][0]["role"] == "admin"
    assert data["join_requests"][0]["organisation"] == "Scic du Bocage"
    assert data["join_requests"][0]["message"] == "Bonjour"
    assert len(data["invitations_received"]) == 1
    actions = {e["action"] for e in data["audit_events_as_actor"]}
    assert actions == {"role_changed", "data_exported"}
    assert events(AuditAction.DATA_EXPORTED).get().ip == "10.0.0.3"


def test_delete_refused_for_last_admin_naming_the_organisation(world):
    with pytest.raises(services.LastAdminError, match="Scop des Essais"):
        services.user_delete(user=world["admin"])
    assert User.objects.filter(pk=world["admin"].pk).exists()


def test_delete_removes_personal_data_and_pseudonymises_the_log(world):
    person = world["member"]
    person_id, email, name = person.pk, person.email, person.full_name
    services.membership_set_role(
        membership=Membership.objects.get(user=person), role=Role.ADMIN, actor=person, ip="1.2.3.4"
    )
    services.join_request_create(user=person, organisation=OrganisationFactory())
    services.invitation_create(organisation=OrganisationFactory(), email=email)

    services.user_delete(user=person, ip="1.2.3.4")

    assert not User.objects.filter(pk=person_id).exists()
    assert not Membership.objects.filter(user_id=person_id).exists()
    assert not JoinRequest.objects.filter(user_id=person_id).exists()
    assert not Invitation.objects.filter(email=email).exists()
    deleted = events(AuditAction.ACCOUNT_DELETED).get()
    assert deleted.target_id == str(person_id)
    assert deleted.actor is None
    assert deleted.ip is None
    for event in AuditEvent.objects.all():
        text = f"{event.target_repr} {event.details} {event.actor_pseudonym} {event.ip}"
        assert email not in text
        assert name not in text
        assert "1.2.3.4" not in text
    role_change = events(AuditAction.ROLE_CHANGED).get()
    assert role_change.actor is None
    assert role_change.actor_pseudonym == f"compte supprimé n° {person_id}"
    assert role_change.target_repr == f"compte supprimé n° {person_id}"


def test_delete_allowed_when_another_admin_remains(world):
    MembershipFactory(organisation=world.organisation, role=Role.ADMIN)
    services.user_delete(user=world["admin"])
    assert not User.objects.filter(pk=world["admin"].pk).exists()


# ---------------------------------------------------------------- audit scope


def test_audit_events_scoped_to_delegate_unions(world):
    services.membership_remove(membership=Membership.objects.get(user=world["member"]))
    elsewhere = OrganisationFactory(commune__departement__union=UnionFactory(slug="ailleurs"))
    services.invitation_create(organisation=elsewhere, email="z@exemple.coop")
    assert selectors.audit_events(None).count() == 2
    scoped = selectors.audit_events(perms.audit_log_union_scope(world["delegate"]))
    assert [e.organisation for e in scoped] == [world.organisation]
    assert not selectors.audit_events(perms.audit_log_union_scope(world["other_delegate"]))
