"""Directory pages in a real browser: a delegate reads an EPCI page, an administrator changes
an offer's radius and the delegate accepts it, a visitor writes through the contact form."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from maillage.accounts.enums import Role
from maillage.directory import services
from maillage.directory.enums import ZoneMode
from maillage.directory.models import Establishment, Offer, Organisation
from maillage.territories.models import Commune
from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory, MembershipFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(transactional_db):
    call_command("load_reference_data", departements="42,69", stdout=None, stderr=None)
    commune = Commune.objects.select_related("departement").get(pk="42218")  # Saint-Étienne
    organisation = Organisation.objects.create(
        name="Menuiserie des Gaubert",
        slug="menuiserie-des-gaubert",
        family="scop",
        commune=commune,
        contact_email="atelier@gaubert.example",
    )
    Establishment.objects.create(organisation=organisation, commune=commune, is_headquarters=True)
    offer = Offer.objects.create(
        organisation=organisation,
        title="Menuiserie sur mesure",
        zone_mode=ZoneMode.RADIUS,
        radius_km=20,
    )
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    delegate = DelegateAssignmentFactory(union=commune.departement.union).user
    return {
        "organisation": organisation,
        "offer": offer,
        "admin": admin,
        "delegate": delegate,
        "commune": commune,
    }


def test_delegate_sees_the_cooperatives_of_an_epci(page, network):
    login(page, network["delegate"].email, PASSWORD)
    page.goto(f"/annuaire/territoires/epci/{network['commune'].epci_id}/")
    assert "Saint-Étienne Métropole" in page.locator("h1").inner_text()
    page.get_by_role("link", name="Menuiserie des Gaubert").click()
    page.wait_for_url("**/organisations/menuiserie-des-gaubert/")
    assert "Dans un rayon de 20 km autour de Saint-Étienne" in page.locator("main").inner_text()


def test_admin_changes_a_radius_and_the_delegate_accepts_it(page, network):
    login(page, network["admin"].email, PASSWORD)
    page.goto("/annuaire/organisations/menuiserie-des-gaubert/")
    page.get_by_role("link", name="Modifier l'offre Menuiserie sur mesure").click()
    page.get_by_label("Rayon (km)").fill("45")
    page.get_by_role("button", name="Enregistrer l'offre").click()
    page.wait_for_url("**/organisations/menuiserie-des-gaubert/")
    assert "Dans un rayon de 45 km autour de Saint-Étienne" in page.locator("main").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, network["delegate"].email, PASSWORD)
    page.goto("/annuaire/moderation/")
    change = page.get_by_role("article")
    assert "Menuiserie des Gaubert" in change.inner_text() and "45" in change.inner_text()
    change.get_by_role("button", name="Accepter").click()
    assert "Modification acceptée." in page.locator(".messages").inner_text()
    assert "Aucune modification à relire." in page.locator("main").inner_text()
    network["offer"].refresh_from_db()
    assert network["offer"].radius_km == 45


def test_visitor_sends_a_message(page, network):
    page.goto("/annuaire/organisations/menuiserie-des-gaubert/")
    assert "atelier@gaubert.example" not in page.content()
    page.get_by_label("Votre nom").fill("Alex Martin")
    page.get_by_label("Votre adresse e-mail").fill("alex@exemple.fr")
    page.get_by_label("Votre message").fill("Bonjour, pourriez-vous nous faire un devis ?")
    page.get_by_role("button", name="Envoyer le message").click()
    assert "Votre message est transmis" in page.locator(".messages").inner_text()
    assert mail.outbox[-1].to == ["atelier@gaubert.example"]
    assert mail.outbox[-1].reply_to == ["alex@exemple.fr"]
    assert services.CONTACT_MAX_PER_SENDER > 1
