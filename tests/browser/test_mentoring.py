"""Sponsorship in a real browser: a new Scic asks for a sponsor, the union's delegate runs the
optimal assignment and accepts it, both sides log their first meeting; a collège asks for an
ambassador through the public form, the delegate validates it and the ambassador is assigned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.directory.models import Organisation
from maillage.mentoring import services
from maillage.mentoring.enums import EventStatus, Topic, VolunteerKind
from maillage.mentoring.models import AmbassadorEvent, Sponsorship
from maillage.territories.models import Commune
from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory, MembershipFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network(transactional_db):
    call_command("load_reference_data", departements="42,69", stdout=None, stderr=None)
    saint_etienne = Commune.objects.select_related("departement").get(pk="42218")
    firminy = Commune.objects.get(pk="42095")
    scic = Organisation.objects.create(
        name="Scic des Monts du Pilat", slug="scic-des-monts", family="scic", commune=saint_etienne
    )
    godmother = Organisation.objects.create(
        name="Scop Forez Bâtiment",
        slug="scop-forez-batiment",
        family="scop",
        commune=firminy,
        creation_date=date(2004, 5, 1),
    )
    scic_admin = MembershipFactory(
        organisation=scic, role=Role.ADMIN, user__email="gerance@scic-monts.example"
    ).user
    godmother_admin = MembershipFactory(
        organisation=godmother, role=Role.ADMIN, user__email="contact@forez-batiment.example"
    ).user
    union = saint_etienne.departement.union
    delegate = DelegateAssignmentFactory(union=union, user__email="delegue@union.example").user
    services.volunteer_save(
        kind=VolunteerKind.SPONSOR,
        organisation=godmother,
        commune=firminy,
        territories=["departement:42"],
        capacity=2,
    )
    speaker = MembershipFactory(organisation=godmother, user__full_name="Nadia Ambassadrice").user
    services.volunteer_save(
        kind=VolunteerKind.AMBASSADOR,
        user=speaker,
        commune=saint_etienne,
        territories=["departement:42"],
        topics=[Topic.GOVERNANCE, Topic.SCIC],
        formats=["school"],
        experience_years=12,
    )
    return {
        "scic": scic,
        "scic_admin": scic_admin,
        "godmother_admin": godmother_admin,
        "delegate": delegate,
        "union": union,
    }


def logout(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/")


def test_new_scic_gets_a_sponsor_and_both_log_the_first_meeting(page, network):
    login(page, network["scic_admin"].email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/parrainage/")
    page.get_by_role("link", name="demander un parrain ou un mentor").click()
    page.get_by_label("Une coopérative marraine").check()
    page.get_by_role("button", name="Envoyer la demande").click()
    assert page.get_by_text("Votre demande est enregistrée").is_visible()
    logout(page)

    login(page, network["delegate"].email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/parrainage/union/{network['union'].slug}/")
    assert page.get_by_text("Scic des Monts du Pilat — Une coopérative marraine").is_visible()
    page.get_by_role("link", name="Appariement des demandes en attente").click()
    page.get_by_role("button", name="Calculer l'appariement").click()
    row = page.get_by_role("row", name="Scic des Monts du Pilat")
    assert row.get_by_text("Scop Forez Bâtiment").first.is_visible()
    assert row.get_by_text("km").first.is_visible()
    assert page.get_by_text("Premier arrivé : coût total").is_visible()
    page.get_by_role("button", name="Accepter la proposition").click()
    assert page.get_by_text("Proposition acceptée : 1 parrainage(s)").is_visible()
    logout(page)

    sponsorship = Sponsorship.objects.get()
    for person in (network["scic_admin"], network["godmother_admin"]):
        login(page, person.email, PASSWORD)
        page.wait_for_url("**/compte/profil/")
        page.goto("/parrainage/")
        page.get_by_role("link", name="Scic des Monts du Pilat ↔ Scop Forez Bâtiment").click()
        page.get_by_role("button", name="Noter « Première rencontre »").click()
        assert page.get_by_text("« Première rencontre » est noté.").is_visible()
        logout(page)
    first = sponsorship.milestones.get(kind="first_meeting")
    assert first.is_done


def test_a_college_asks_for_an_ambassador_and_gets_one(page, network):
    day = timezone.localdate() + timedelta(days=20)
    page.goto("/parrainage/")
    page.get_by_role("link", name="Demander un ambassadeur").click()
    page.get_by_label("Vous êtes").select_option("school")
    page.get_by_label("Nom de l'établissement ou de la structure").fill("Collège Jules-Vallès")
    page.get_by_label("Intitulé de l'intervention").fill("Entreprendre autrement : la Scop")
    page.get_by_label("Commune de l'intervention").fill("42218")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Heure de fin").fill("11:30")
    page.get_by_label("Public").select_option("college")
    page.get_by_label("Nombre de participants").fill("27")
    page.get_by_label("Thème").select_option("scic")
    page.get_by_label("Personne à contacter").fill("Mme Martin")
    page.get_by_label("E-mail de contact").fill("martin@college.example")
    page.get_by_role("button", name="Envoyer la demande").click()
    assert page.get_by_role("heading", name="Demande envoyée").is_visible()
    event = AmbassadorEvent.objects.get()
    assert event.status == EventStatus.TO_VALIDATE

    login(page, network["delegate"].email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/parrainage/union/{network['union'].slug}/")
    page.get_by_role("link", name="Entreprendre autrement : la Scop").first.click()
    page.get_by_role("button", name="Valider la demande").click()
    assert page.get_by_text("En attente d'un ambassadeur").is_visible()
    page.goto(f"/parrainage/union/{network['union'].slug}/appariement/")
    page.get_by_role("button", name="Calculer l'appariement").click()
    assert (
        page.get_by_role("row", name="Entreprendre autrement")
        .get_by_text("Nadia Ambassadrice")
        .first.is_visible()
    )
    page.get_by_role("button", name="Accepter la proposition").click()
    assert page.get_by_text("1 intervention(s) confirmés").is_visible()
    assert page.get_by_text("27 participants").first.is_visible()
    event.refresh_from_db()
    assert event.status == EventStatus.ASSIGNED
    assert event.ambassador.user.full_name == "Nadia Ambassadrice"
