"""Purchases between cooperatives in a real browser: a cooperative administrator records a
purchase from another cooperative and one outside the network, sees them in the cooperative's
in-network share; the public dashboard keeps the lone figure secret, the union's delegate sees
it; the import reports a bad line and keeps the rest."""

from __future__ import annotations

import pytest

from maillage.accounts.enums import Role
from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory, MembershipFactory
from tests.browser.conftest import login
from tests.purchases.factories import cooperative, headquarters_siret, section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    building = section("F", "construction")
    buyer = cooperative("Scop Acheteuse", departement="42", sector=building)
    supplier = cooperative("Menuiserie du Gier", departement="42", sector=building)
    admin = MembershipFactory(organisation=buyer, role=Role.ADMIN).user
    delegate = DelegateAssignmentFactory(union=buyer.commune.departement.union).user
    return buyer, supplier, admin, delegate


def test_record_a_purchase_and_see_it_in_the_share_and_dashboard(page, world, tmp_path):
    buyer, supplier, admin, delegate = world
    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")

    page.goto("/intercooperation/")
    page.get_by_role("link", name="Achats entre coopératives").click()
    page.get_by_role("link", name="Achats de Scop Acheteuse et part dans le réseau").click()
    assert page.get_by_text("Aucun achat enregistré pour l'instant.").is_visible()

    page.get_by_role("link", name="Enregistrer un achat").click()
    page.get_by_label("Fournisseur", exact=True).fill(headquarters_siret(supplier))
    page.get_by_label("Montant HT en euros").fill("2 400,00")
    page.get_by_label("Date de l'achat").fill("2025-03-14")
    page.get_by_label("Objet").fill("Escalier en chêne")
    page.get_by_role("button", name="Enregistrer l'achat").click()
    assert page.get_by_text(
        "Achat de 2\u202f400,00\u00a0€ auprès de Menuiserie du Gier enregistré (dans le réseau)."
    ).is_visible()
    share = page.locator("#share-table")
    assert "2025" in share.inner_text()
    assert "100,0 %" in share.inner_text()

    page.get_by_role("link", name="Enregistrer un achat").click()
    page.get_by_label("Fournisseur", exact=True).fill("Garage Martin")
    page.get_by_label("Montant HT en euros").fill("600")
    page.get_by_label("Date de l'achat").fill("2025-04-01")
    page.get_by_role("button", name="Enregistrer l'achat").click()
    assert page.get_by_text("enregistré hors réseau").is_visible()
    assert "80,0 %" in page.locator("#share-table").inner_text()
    assert page.get_by_text("hors réseau", exact=True).is_visible()

    # A form error says what and why, and keeps what was typed.
    page.get_by_role("link", name="Enregistrer un achat").click()
    page.get_by_label("Fournisseur", exact=True).fill("7328293200007")
    page.get_by_label("Montant HT en euros").fill("12")
    page.get_by_label("Date de l'achat").fill("2025-04-02")
    page.get_by_role("button", name="Enregistrer l'achat").click()
    assert page.get_by_text("un SIRET a 14 chiffres, celui-ci en a 13").is_visible()
    assert page.get_by_label("Montant HT en euros").input_value() == "12"

    # The import: one bad line reported with its place, the others kept.
    csv_file = tmp_path / "achats.csv"
    csv_file.write_text(
        "Date;SIRET;Montant;Objet\n"
        f"02/05/2025;{headquarters_siret(supplier)};1 000,00;Porte\n"
        "03/05/2025;123;50;Erreur\n",
        encoding="utf-8",
    )
    page.goto(f"/intercooperation/achats/{buyer.slug}/import/")
    page.get_by_label("Fichier CSV des achats").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importer").click()
    assert page.get_by_text("1 achat dans le réseau enregistré").is_visible()
    errors = page.locator("#import-errors").inner_text()
    assert "3" in errors and "SIRET" in errors and "123" in errors and "14 chiffres" in errors

    # The network's dashboard: one buyer, one supplier — secret for a cooperative's admin.
    page.goto("/intercooperation/achats/")
    assert page.get_by_role("heading", name="Achats entre coopératives", exact=True).is_visible()
    assert page.get_by_text("Secret statistique").first.is_visible()
    assert "3\u202f400,00" not in page.content()
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/intercooperation/achats/")
    assert page.get_by_text("Vous voyez tous les chiffres").is_visible()
    by_region = page.get_by_role("table", name="Achats entre coopératives par territoire")
    assert "3\u202f400,00" in by_region.inner_text()
    assert page.locator('img[alt^="Montant des achats entre coopératives par année"]').is_visible()
