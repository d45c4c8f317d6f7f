"""Ecology in a real browser: founders assess their project against the grid, attach evidence
and submit it; the union's delegate validates; anyone simulates an eco-conditional loan."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from maillage.ecology.enums import Status
from maillage.ecology.models import Answer, Assessment
from maillage.territories.models import Commune
from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory, UserFactory

from .conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_reference_data", departements="42", stdout=None, stderr=None)
    union = Commune.objects.select_related("departement").get(pk="42218").departement.union
    founder = UserFactory(email="fondatrice@pilat.example")
    delegate = DelegateAssignmentFactory(union=union, user__email="delegue@union.example").user
    return {"founder": founder, "delegate": delegate}


def test_founders_assess_their_project_and_the_delegate_validates(page, people, tmp_path):
    login(page, people["founder"].email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/mesures/ecologie/")
    page.get_by_role("link", name="Commencer une évaluation").click()
    page.get_by_label("Moment").select_option("creation")
    page.get_by_label("Nom du projet").fill("Scop du Pilat")
    page.get_by_label("Commune du projet").fill("42218")
    page.get_by_role("button", name="Ouvrir l'évaluation").click()
    page.get_by_role("heading", name="Scop du Pilat").wait_for()

    # A share above 100 % is refused, and what was typed stays on the page.
    page.locator("#part_renouvelable-value").fill("120")
    page.locator("#vivant_gouvernance-note").fill("Un siège consultatif pour le vivant.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert page.get_by_text("une part ne dépasse pas 100 %").is_visible()
    assert page.locator("#vivant_gouvernance-note").input_value() == (
        "Un siège consultatif pour le vivant."
    )
    assert not Answer.objects.exists()

    statutes = tmp_path / "statuts.pdf"
    statutes.write_bytes(b"%PDF-1.4 statuts")
    page.locator("#part_renouvelable-value").fill("60")
    page.locator("input[name='vivant_gouvernance-done']").check()
    page.locator("#vivant_gouvernance-evidence").set_input_files(str(statutes))
    page.locator("input[name='sites_sensibles-done']").check()
    page.locator("input[name='plan_sobriete-done']").check()
    page.locator("input[name='achats_responsables-done']").check()
    page.locator("input[name='objectifs_ag-done']").check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert page.get_by_text("Évaluation enregistrée.").is_visible()
    # the sobriety plan and the AG objectives ask for evidence: not yet counted
    assert page.get_by_text("planchers non atteints").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="justificatif-vivant_gouvernance").click()
    assert download.value.suggested_filename == "vivant_gouvernance.pdf"
    for code in ("plan_sobriete", "objectifs_ag"):
        page.locator(f"#{code}-evidence").set_input_files(str(statutes))
    page.get_by_role("button", name="Enregistrer et soumettre à l'union").click()
    assert page.get_by_text("Évaluation soumise à l'union.").is_visible()
    assert page.get_by_text("tous les planchers sont atteints.").is_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, people["delegate"].email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/mesures/ecologie/")
    page.get_by_role("link", name="Scop du Pilat — 2026").click()
    page.get_by_label("Commentaire de l'union").fill("Belle trajectoire, bravo.")
    page.get_by_role("button", name="Valider").click()
    assert page.get_by_text("Décision enregistrée.").is_visible()
    assessment = Assessment.objects.get()
    assert assessment.status == Status.VALIDATED
    assert assessment.passes


def test_loan_simulator_updates_in_place(page, db):
    page.goto("/mesures/ecologie/simulateur-pret/")
    page.get_by_label("Montant du prêt (€)").fill("100000")
    page.get_by_label("Durée (mois)").fill("120")
    page.get_by_label("Taux de base annuel (%)").fill("4")
    page.get_by_label("Valeur de référence").fill("100")
    page.get_by_label("Cible").fill("60")
    page.get_by_label("Résultat à simuler").fill("80")
    page.get_by_label("Vérification du résultat").select_option("revision")
    page.evaluate("window.__still_here = true")
    page.get_by_role("button", name="Simuler").click()
    page.get_by_text("Économie d'intérêts").wait_for()
    assert page.evaluate("window.__still_here") is True  # no full reload
    assert "achieved=80" in page.url  # the simulation can be shared
    assert page.get_by_text("Chemin parcouru vers la cible : 50 %.").is_visible()
