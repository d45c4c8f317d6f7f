"""Intercooperation in a real browser: a local authority posts a three-lot tender, a delegate
of the union validates and sends it, matched cooperatives receive an e-mail and answer from
their personal link without logging in; a consortium covering the three lots is proposed,
opened, accepted by each cooperative, formed (the union's legal delegate is told and comments),
and its agreement draft downloaded as a PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.directory.enums import Family, ZoneMode
from maillage.directory.models import Establishment, Offer, Organisation
from maillage.exchange.models import Need
from maillage.sectors.models import Sector
from maillage.territories.models import Commune, Departement
from tests.accounts.factories import (
    PASSWORD,
    DelegateAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)

TRADES = [
    ("Menuiserie du Gier", "43.32A", "42218", "Menuiserie bois, fenêtres et portes"),
    ("Bois du Pilat", "43.32A", "42095", "Fenêtres bois et escaliers"),
    ("Couleurs Loire", "43.34Z", "42218", "Peinture intérieure et ravalement"),
    ("Peintres de Firminy", "43.34Z", "42095", "Peinture et vitrerie"),
    ("Élec Coop", "43.21A", "42218", "Électricité générale, courants faibles"),
    ("Volt 42", "43.21A", "42187", "Installation électrique, bornes"),
]


CONSORTIUM = ("Menuiserie du Gier", "Couleurs Loire", "Élec Coop")


@pytest.fixture
def world():
    call_command("load_reference_data", departements="42,69", verbosity=0)
    for name, code, commune_code, offer in TRADES:
        commune = Commune.objects.get(pk=commune_code)
        organisation = Organisation.objects.create(
            name=name,
            slug=re.sub(r"[^a-z0-9]+", "-", name.lower()),
            family=Family.SCOP,
            commune=commune,
            sector=Sector.objects.get(code=code),
            headcount=9,
            contact_email=f"{organisation_mail(name)}@coop.example",
        )
        Establishment.objects.create(
            organisation=organisation,
            is_headquarters=True,
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
        )
        Offer.objects.create(
            organisation=organisation,
            title=offer,
            sector=organisation.sector,
            zone_mode=ZoneMode.ZONES,
        ).zones.create(level="departement", code="42")
    union = Departement.objects.get(pk="42").union
    agent = UserFactory(email="marches@saint-etienne.example", full_name="Agent des marchés")
    delegate = DelegateAssignmentFactory(
        union=union, user=UserFactory(email="delegue@union.example", full_name="Déléguée Loire")
    ).user
    # The people of three cooperatives on the platform, and the union's legal delegate.
    for name in CONSORTIUM:
        MembershipFactory(
            organisation=Organisation.objects.get(name=name),
            role="admin",
            user=UserFactory(email=f"admin.{organisation_mail(name)}@coop.example"),
        )
    juriste = DelegateAssignmentFactory(
        union=union, user=UserFactory(email="juriste@union.example", full_name="Juriste Loire")
    ).user
    juriste.user_permissions.add(Permission.objects.get(codename="advise_consortium"))
    return agent, delegate


def organisation_mail(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower().encode("ascii", "ignore").decode())


def test_tender_from_posting_to_a_formed_consortium(page, world):
    agent, delegate = world
    login(page, agent.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")

    page.goto("/intercooperation/besoins/nouveau/")
    page.get_by_label("Un acheteur public (collectivité, établissement public)").check()
    page.get_by_label("Nom de l'acheteur").fill("Ville de Saint-Étienne")
    page.get_by_label("SIREN de l'acheteur").fill("214202186")
    page.get_by_label("Intitulé").fill("Rénovation de l'école Jules-Ferry")
    page.get_by_label("Description").fill("Fenêtres bois, peinture des classes, électricité.")
    page.get_by_label("Secteurs d'activité").fill("43")
    page.get_by_label("Lieu d'exécution : niveau").select_option("departement")
    page.get_by_label("Lieu d'exécution : code").fill("42")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Date limite de réponse").fill(deadline.isoformat())
    page.get_by_label("Appel d'offres en plusieurs lots").check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert page.get_by_text("Brouillon enregistré").is_visible()

    for title, code in (
        ("Menuiseries", "43.32A"),
        ("Peinture", "43.34Z"),
        ("Électricité", "43.21A"),
    ):
        if not page.get_by_label("Intitulé du lot").is_visible():
            page.get_by_text("Ajouter un lot", exact=True).first.click()
        page.get_by_label("Intitulé du lot").fill(title)
        page.get_by_label("Secteurs du lot").fill(code)
        page.get_by_role("button", name="Ajouter le lot").click()
        assert page.get_by_text(re.compile(r"Lot \d ajouté")).is_visible()
    assert page.get_by_role("heading", name="Lot 3 — Électricité").is_visible()
    page.get_by_role("button", name="Soumettre à validation").click()
    assert page.get_by_text("Besoin soumis").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/intercooperation/besoins/a-valider/")
    page.get_by_role("link", name="Rénovation de l'école Jules-Ferry").click()
    assert page.get_by_text("même sous-classe NAF 43.34Z").first.is_visible()
    page.get_by_role("button", name="Valider le besoin").click()
    assert page.get_by_text("Besoin validé").is_visible()
    page.get_by_role("button", name="Envoyer aux coopératives").click()
    assert page.get_by_text("Besoin envoyé").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    invitations = [m for m in mail.outbox if "/reponse/" in m.body]
    assert len(invitations) == len(TRADES)
    to_paint = next(m for m in invitations if m.to == ["couleursloire@coop.example"])
    assert "Lot 2 : Peinture" in to_paint.body
    link = re.search(r"https?://\S+/reponse/\S+/", to_paint.body).group(0)

    page.goto(link)
    assert page.get_by_role("heading", name="Rénovation de l'école Jules-Ferry").is_visible()
    page.get_by_label("Un mot pour l'acheteur (facultatif)").fill("Disponibles en juillet.")
    page.get_by_role("button", name="Nous sommes intéressés").click()
    assert page.get_by_text("Merci, votre réponse est enregistrée.").is_visible()
    assert page.get_by_text("Vous avez répondu « intéressée »").is_visible()
    page.get_by_label("Votre question à l'acheteur").fill("Peut-on visiter l'école ?")
    page.get_by_role("button", name="Envoyer la question").click()
    assert page.get_by_text("Votre question a été transmise").first.is_visible()
    assert any("Couleurs Loire" in m.subject and m.to == [agent.email] for m in mail.outbox)

    # The two other trades say they are interested too, from their own links.
    for name in ("Menuiserie du Gier", "Élec Coop"):
        invitation = next(
            m for m in invitations if m.to == [f"{organisation_mail(name)}@coop.example"]
        )
        page.goto(re.search(r"https?://\S+/reponse/\S+/", invitation.body).group(0))
        page.get_by_role("button", name="Nous sommes intéressés").click()
        assert page.get_by_text("Merci, votre réponse est enregistrée.").is_visible()

    # The delegate sees the best consortium covering the three lots and opens its workspace.
    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/intercooperation/besoins/{Need.objects.get().pk}/")
    proposal = page.get_by_role("article").filter(has_text="Groupement n° 1")
    for name in CONSORTIUM:
        assert proposal.get_by_text(name).first.is_visible()
    mail.outbox.clear()
    proposal.get_by_role("button", name="Former ce groupement").click()
    assert page.get_by_text("Espace du groupement ouvert").is_visible()
    assert page.get_by_text("Couleurs Loire n'a pas encore accepté").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    # Each cooperative's administrator follows the e-mailed link and accepts.
    for name in CONSORTIUM:
        address = f"admin.{organisation_mail(name)}@coop.example"
        invitation = next(m for m in mail.outbox if m.to == [address])
        assert "Invitation à un groupement" in invitation.subject
        link = re.search(r"https?://\S+/groupements/\d+/", invitation.body).group(0)
        login(page, address, PASSWORD)
        page.wait_for_url("**/compte/profil/")
        page.goto(link)
        page.get_by_role("button", name=f"Accepter pour {name}").click()
        assert page.get_by_text(f"{name} a accepté de rejoindre le groupement.").is_visible()
        if name != CONSORTIUM[-1]:
            page.get_by_role("button", name="Se déconnecter").click()

    # The last one forms the group: every lot is covered, everyone accepted.
    page.get_by_role("button", name="Constituer le groupement").click()
    assert page.get_by_text("Groupement constitué.").is_visible()
    checkbox = page.get_by_role("button", name="☐ Convention de groupement signée")
    checkbox.click()  # htmx swaps the item in place
    page.get_by_role("button", name="☑ Convention de groupement signée").wait_for()
    assert page.get_by_text("fait par", exact=False).first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger « Convention de groupement » (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("convention-de-groupement-")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("button", name="Se déconnecter").click()

    # The union's legal delegate is told and comments; members see it.
    to_legal = next(m for m in mail.outbox if m.to == ["juriste@union.example"])
    link = re.search(r"https?://\S+/groupements/\d+/", to_legal.body).group(0)
    login(page, "juriste@union.example", PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(link)
    page.get_by_label("Votre commentaire").fill("Ajouter la clé de répartition des pénalités.")
    page.get_by_role("button", name="Publier l'avis juridique").click()
    assert page.get_by_text("Commentaire publié.").is_visible()
    assert page.get_by_text("(avis juridique)").is_visible()
    assert any(
        m.to == ["admin.couleursloire@coop.example"] and "Avis juridique" in m.subject
        for m in mail.outbox
    )
