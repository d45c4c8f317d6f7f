"""Who records, who sees a cooperative's purchases, who sees the full dashboard."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.purchases import perms


@pytest.mark.parametrize(
    ("role", "record", "view", "full"),
    [
        ("admin", True, True, False),
        ("member", False, True, False),
        ("delegate", True, True, True),
        ("other_delegate", False, False, True),
        ("outsider", False, False, False),
        ("platform", True, True, True),
    ],
)
def test_roles(coops, people, role, record, view, full):
    user = people[role]
    assert perms.can_record_purchase(user, coops["buyer"]) is record
    assert perms.can_view_purchases_of(user, coops["buyer"]) is view
    assert perms.sees_full_dashboard(user) is full


def test_visitor_may_do_nothing(coops):
    visitor = AnonymousUser()
    assert not perms.can_record_purchase(visitor, coops["buyer"])
    assert not perms.can_view_purchases_of(visitor, coops["buyer"])
    assert not perms.sees_full_dashboard(visitor)


@pytest.mark.parametrize(
    ("role", "status"), [("outsider", 403), ("member", 403), ("admin", 200), ("delegate", 200)]
)
def test_record_page_permission(client, coops, people, role, status):
    client.force_login(people[role])
    response = client.get(f"/intercooperation/achats/{coops['buyer'].slug}/nouveau/")
    assert response.status_code == status
    response = client.get(f"/intercooperation/achats/{coops['buyer'].slug}/import/")
    assert response.status_code == status


@pytest.mark.parametrize(("role", "status"), [("outsider", 403), ("member", 200)])
def test_organisation_page_permission(client, coops, people, role, status):
    client.force_login(people[role])
    response = client.get(f"/intercooperation/achats/{coops['buyer'].slug}/")
    assert response.status_code == status


def test_visitor_is_sent_to_login(client, coops):
    response = client.get(f"/intercooperation/achats/{coops['buyer'].slug}/")
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]
