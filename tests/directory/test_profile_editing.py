"""Editing a profile, its offers and entrepreneurs: who may, and what a form keeps on errors."""

from __future__ import annotations

import pytest

from maillage.directory.enums import ZoneMode
from maillage.directory.models import Entrepreneur, Offer, ProfileChange
from tests.accounts.factories import UserFactory
from tests.accounts.roles import ROLES

pytestmark = pytest.mark.django_db

CAN_EDIT = {"admin", "platform"}


def _url(world, name, **extra):
    slug = world.organisation.slug
    return {
        "edit": f"/annuaire/organisations/{slug}/modifier/",
        "offer_create": f"/annuaire/organisations/{slug}/offres/ajouter/",
        "offer_edit": f"/annuaire/organisations/{slug}/offres/{extra.get('pk')}/",
        "confirm": f"/annuaire/organisations/{slug}/confirmer/",
    }[name]


@pytest.mark.parametrize("role", ROLES)
def test_edit_pages_per_role(client_as, world, role):
    offer = Offer.objects.create(
        organisation=world.organisation, title="Conseil", zone_mode="france"
    )
    client = client_as(role)
    for name in ["edit", "offer_create", "offer_edit"]:
        response = client.get(_url(world, name, pk=offer.pk))
        if role == "visitor":
            assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
        else:
            assert response.status_code == (200 if role in CAN_EDIT else 403), (name, role)
    response = client.post(_url(world, "confirm"))
    assert response.status_code == (302 if role in CAN_EDIT | {"visitor"} else 403)
    world.organisation.refresh_from_db()
    assert (world.organisation.confirmed_at is not None) == (role in CAN_EDIT)


@pytest.mark.parametrize("role", ROLES)
def test_completeness_shown_to_its_admins_only(client_as, world, role):
    html = (
        client_as(role).get(f"/annuaire/organisations/{world.organisation.slug}/").content.decode()
    )
    assert ("Fiche complète à" in html) == (role in CAN_EDIT)


def test_admin_changes_an_offer_radius_and_it_is_recorded(client_as, world):
    offer = Offer.objects.create(
        organisation=world.organisation, title="Menuiserie", zone_mode=ZoneMode.RADIUS, radius_km=20
    )
    response = client_as("admin").post(
        _url(world, "offer_edit", pk=offer.pk),
        {"title": "Menuiserie", "zone_mode": "radius", "radius_km": "45", "zones": ["", ""]},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.radius_km == 45
    change = ProfileChange.objects.get()
    assert change.before["radius_km"] == 20 and change.after["radius_km"] == 45
    assert change.author == world["admin"]


def test_offer_form_keeps_what_was_typed_on_errors(client_as, world):
    response = client_as("admin").post(
        _url(world, "offer_create"),
        {"title": "Formation coopérative", "zone_mode": "zones", "zones": ["Atlantide"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Formation coopérative"' in html and 'value="Atlantide"' in html
    assert "Territoire inconnu" in html
    assert not Offer.objects.exists()


def test_offer_zones_by_name_and_code(client_as, world):
    departement = world.organisation.commune.departement
    response = client_as("admin").post(
        _url(world, "offer_create"),
        {
            "title": "Maçonnerie",
            "zone_mode": "zones",
            "zones": [f"{departement.name} ({departement.code})", ""],
        },
    )
    assert response.status_code == 302
    assert list(Offer.objects.get().zones.values_list("level", "code")) == [
        ("departement", departement.code)
    ]


def test_profile_form_keeps_input_and_reports_errors(client_as, world):
    response = client_as("admin").post(
        _url(world, "edit"),
        {"name": "Scop des Essais", "website": "pas une adresse", "sector": "99.99Z"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="pas une adresse"' in html and "Code NAF inconnu" in html


@pytest.mark.parametrize("role", ROLES)
def test_entrepreneur_edit_per_role(client_as, world, role):
    person = Entrepreneur.objects.create(cae=world.organisation, display_name="Lou", slug="lou")
    response = client_as(role).get(
        f"/annuaire/organisations/{world.organisation.slug}/entrepreneurs/lou/"
    )
    if role == "visitor":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in CAN_EDIT else 403)
    assert person


def test_entrepreneur_with_an_account_edits_their_own_visibility(client):
    from tests.accounts.roles import build_world

    world = build_world()
    user = UserFactory()
    person = Entrepreneur.objects.create(
        cae=world.organisation, display_name="Lou", slug="lou", user=user
    )
    client.force_login(user)
    response = client.post(
        f"/annuaire/organisations/{world.organisation.slug}/entrepreneurs/lou/",
        {"display_name": "Lou", "activity": "Graphiste", "visibility": "members"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.visibility == "members" and person.activity == "Graphiste"
