from __future__ import annotations

import pytest

from maillage.accounts.enums import Role
from tests.accounts.factories import DelegateAssignmentFactory, MembershipFactory, UserFactory

from .factories import cooperative, section


@pytest.fixture
def coops(db):
    """A buyer (Loire, with an admin and a member) and suppliers in two régions and sectors."""
    building = section("F", "construction")
    it = section("J", "information et communication")
    buyer = cooperative("Scop Acheteuse", departement="42", region="84", sector=building)
    joinery = cooperative("Menuiserie du Gier", departement="42", region="84", sector=building)
    software = cooperative("Code Commun", departement="75", region="11", sector=it)
    return {"buyer": buyer, "joinery": joinery, "software": software}


@pytest.fixture
def people(coops):
    buyer = coops["buyer"]
    return {
        "admin": MembershipFactory(organisation=buyer, role=Role.ADMIN).user,
        "member": MembershipFactory(organisation=buyer, role=Role.MEMBER).user,
        "delegate": DelegateAssignmentFactory(union=buyer.commune.departement.union).user,
        "other_delegate": DelegateAssignmentFactory().user,
        "outsider": UserFactory(),
        "platform": UserFactory(is_staff=True),
    }
