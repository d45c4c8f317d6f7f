"""Django admin: open to platform administrators (is_staff), read-only audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maillage.accounts import services
from maillage.accounts.enums import AuditAction, Role
from maillage.accounts.models import AuditEvent, Membership

pytestmark = pytest.mark.django_db

MODELS = [
    "accounts_user",
    "accounts_membership",
    "accounts_delegateassignment",
    "accounts_invitation",
    "accounts_joinrequest",
    "accounts_auditevent",
    "directory_organisation",
]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", ["member", "admin", "delegate", "platform"])
def test_changelists(client_as, role, model):
    response = client_as(role).get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == (200 if role == "platform" else 302)


def test_audit_event_is_read_only(client_as, world):
    services.membership_remove(membership=Membership.objects.get(user=world["member"]))
    event = AuditEvent.objects.get()
    client = client_as("platform")
    assert client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert (
        client.get(reverse("admin:accounts_auditevent_change", args=[event.pk])).status_code == 200
    )
    client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_membership_role_change_in_admin_goes_through_services(client_as, world):
    membership = Membership.objects.get(user=world["member"])
    client = client_as("platform")
    response = client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]), {"role": Role.ADMIN}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.actor == world["platform"]
