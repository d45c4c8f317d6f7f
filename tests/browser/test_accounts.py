"""Account journeys in a real browser: sign-up, invitation, join request, personal data,
password reset. E-mails are read from the in-memory outbox, shared with the server thread."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core import mail

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, User
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def link_in_last_email(live_server) -> str:
    body = mail.outbox[-1].body
    match = re.search(re.escape(live_server.url) + r"(/\S+)", body)
    assert match, body
    return match.group(1)


def logout(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/")


def test_sign_up_then_log_in(page):
    page.goto("/compte/inscription/")
    page.get_by_label("Nom complet").fill("Inès Garnier")
    page.get_by_label("Adresse e-mail").fill("ines@exemple.coop")
    page.get_by_label("Mot de passe", exact=True).fill("a")
    page.get_by_label("Confirmation du mot de passe").fill("b")
    page.get_by_role("button", name="Créer mon compte").click()
    # Errors keep what was typed and are announced on the field.
    assert page.get_by_label("Nom complet").input_value() == "Inès Garnier"
    assert page.get_by_label("Confirmation du mot de passe").get_attribute("aria-invalid") == "true"
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/compte/profil/")
    assert page.get_by_text("Votre compte est créé").is_visible()
    logout(page)
    login(page, "ines@exemple.coop", PASSWORD)
    page.wait_for_url("**/compte/profil/")
    assert page.locator("h1").inner_text() == "Mon compte"
    assert page.get_by_text("ines@exemple.coop").first.is_visible()


def test_admin_invites_a_newcomer_who_signs_up_from_the_link(page, live_server):
    organisation = OrganisationFactory(name="Scop du Moulin")
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/annuaire/organisations/{organisation.slug}/")
    page.get_by_role("link", name="Gérer les membres").click()
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("nouveau@exemple.coop")
    page.get_by_label("Rôle", exact=True).select_option("member")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert page.get_by_text("Invitation envoyée à nouveau@exemple.coop").is_visible()
    assert mail.outbox[-1].to == ["nouveau@exemple.coop"]
    link = link_in_last_email(live_server)
    logout(page)

    page.goto(link)
    page.get_by_role("link", name="Créer mon compte").click()
    assert page.get_by_label("Adresse e-mail").input_value() == "nouveau@exemple.coop"
    page.get_by_label("Nom complet").fill("Paul Nouveau")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.wait_for_url(f"**/annuaire/organisations/{organisation.slug}/")
    assert page.get_by_text("Vous avez rejoint Scop du Moulin").is_visible()
    assert page.get_by_text("Paul Nouveau").is_visible()  # members see the member list
    # Single use: the link now says so.
    page.goto(link)
    assert page.get_by_text("Cette invitation a déjà été utilisée").is_visible()


def test_person_asks_to_join_and_admin_approves(page):
    organisation = OrganisationFactory(name="Scic des Vergers")
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    person = UserFactory(full_name="Zoé Candidate")
    login(page, person.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/annuaire/organisations/{organisation.slug}/")
    page.get_by_label("Message aux administrateur·ices (facultatif)").fill("Je suis salariée.")
    page.get_by_role("button", name="Demander à rejoindre").click()
    assert page.get_by_text("Votre demande est envoyée").is_visible()
    assert mail.outbox[-1].to == [admin.email]
    logout(page)

    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/annuaire/organisations/{organisation.slug}/membres/")
    assert page.get_by_text("Je suis salariée.").is_visible()
    page.get_by_role("button", name="Accepter la demande de Zoé Candidate").click()
    assert page.get_by_text("Zoé Candidate est maintenant membre").is_visible()
    assert mail.outbox[-1].to == [person.email]
    assert Membership.objects.filter(user=person, organisation=organisation).exists()


def test_person_downloads_their_data_then_deletes_their_account(page, tmp_path: Path):
    person = MembershipFactory(organisation=OrganisationFactory(name="Scop Sud")).user
    login(page, person.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.get_by_role("link", name="Mes données").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger mes données").click()
    target = tmp_path / "export.json"
    download_info.value.save_as(target)
    data = json.loads(target.read_text())
    assert data["profile"]["email"] == person.email
    assert data["memberships"][0]["organisation"] == "Scop Sud"

    page.get_by_label("Mot de passe, pour confirmer").fill("pas-le-bon")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    assert page.get_by_text("Mot de passe incorrect").is_visible()
    page.get_by_label("Mot de passe, pour confirmer").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_url("**/")
    assert page.get_by_text(
        "Votre compte et vos données personnelles ont été supprimés"
    ).is_visible()
    assert not User.objects.filter(pk=person.pk).exists()
    login(page, person.email, PASSWORD)
    assert page.get_by_text("Adresse e-mail ou mot de passe incorrect").is_visible()


def test_password_reset_journey(page, live_server):
    person = UserFactory(email="distrait@exemple.coop")
    page.goto("/compte/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse e-mail").fill("distrait@exemple.coop")
    page.get_by_role("button", name="Recevoir le lien").click()
    assert page.get_by_role("heading", name="Vérifiez votre messagerie").is_visible()
    assert mail.outbox[-1].subject == "Réinitialisation de votre mot de passe Maillage"
    page.goto(link_in_last_email(live_server))
    new_password = "nouveau-mot-de-passe-2025"
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    page.get_by_label("Confirmation du nouveau mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    assert page.get_by_role("heading", name="Mot de passe changé").is_visible()
    login(page, person.email, new_password)
    page.wait_for_url("**/compte/profil/")
