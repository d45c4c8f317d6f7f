"""A convention drawn by lot in a real browser: the organiser sets quotas (an impossible set is
diagnosed first), computes the probabilities, publishes the 1,000-panel lottery, announces the
source of randomness, enters the seed and draws; then an anonymous citizen downloads the
published file and checks the draw from the seed."""

from __future__ import annotations

import hashlib
import json
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from maillage.sortition.demo import demo_convention_create
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def convention():
    organiser = UserFactory(email="organisatrice@exemple.coop", full_name="Odile Organisatrice")
    convention = demo_convention_create(pool_size=60, panel_size=8, n_features=3)
    convention.organisers.set([organiser])
    convention.quotas.all().delete()
    return convention


def test_organiser_draws_and_a_citizen_verifies(
    page, convention, chromium_browser, live_server, tmp_path
):
    login(page, "organisatrice@exemple.coop", PASSWORD)
    page.wait_for_url("**/compte/profil/")
    base = f"/vie-democratique/tirage-au-sort/{convention.slug}"
    page.goto(f"{base}/organisation/")
    page.get_by_role("link", name="Fixer les quotas et les diagnostiquer").click()

    # Impossible quotas are diagnosed before anything else, with the nearest feasible ones.
    page.get_by_label("Minimum pour Genre : Femme").fill("6")
    page.get_by_label("Minimum pour Genre : Homme").fill("6")
    page.get_by_role("button", name="Enregistrer et diagnostiquer").click()
    diagnosis = page.get_by_test_id("diagnosis")
    assert diagnosis.get_by_text(
        "Diagnostic : aucun panel ne peut respecter ces quotas."
    ).is_visible()
    assert diagnosis.get_by_text(
        "Genre : les minimums additionnés font 12, soit 4 sièges de plus que les 8 sièges du panel."
    ).is_visible()
    assert page.get_by_test_id("relaxations").is_visible()
    assert page.get_by_label("Minimum pour Genre : Femme").input_value() == "6"

    for value in ("Femme", "Homme"):
        page.get_by_label(f"Minimum pour Genre : {value}").fill("3")
        page.get_by_label(f"Maximum pour Genre : {value}").fill("5")
    page.get_by_label("Minimum pour Tranche d'âge : 18-29").fill("1")
    page.get_by_role("button", name="Enregistrer et diagnostiquer").click()
    assert page.get_by_text("Diagnostic : au moins un panel respecte ces quotas.").is_visible()

    # A pool of 60 is computed during the request; the probabilities are shown with their spread.
    page.get_by_role("link", name="Retour à l'organisation").click()
    page.get_by_role("button", name="Calculer les probabilités").click(timeout=120_000)
    page.wait_for_url(re.compile(r".*/organisation/calculs/\d+/$"), timeout=120_000)
    assert page.get_by_test_id("run-status").inner_text() == "Terminé"
    assert page.get_by_test_id("stat-min").is_visible()
    assert page.get_by_role("img", name="Histogramme des probabilités de sélection").is_visible()

    page.get_by_role("link", name="Passer à la publication").click()
    page.get_by_role("button", name="Publier la loterie").click()
    assert page.get_by_text("La loterie de 1 000 panels est publiée").is_visible()

    # The seed cannot be entered before its source is announced: the form is not even there.
    assert page.get_by_label("Graine (résultat de l'événement public)").count() == 0
    event = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(seconds=3)
    page.get_by_label("Source du hasard").fill("Trois dés lancés en séance, lus de gauche à droite")
    page.get_by_label("Date et heure de l'événement public").fill(
        event.strftime("%Y-%m-%dT%H:%M:%S")
    )
    page.get_by_role("button", name="Annoncer").click()
    assert page.get_by_text("La source du hasard est annoncée sur la page publique.").is_visible()
    time.sleep(max(0.0, (event - datetime.now(ZoneInfo("Europe/Paris"))).total_seconds()) + 1.0)
    page.get_by_label("Graine (résultat de l'événement public)").fill("3-5-6")
    page.get_by_role("button", name="Tirer le panel").click()
    assert page.get_by_text("Le panel est tiré").is_visible()
    assert page.get_by_test_id("panel-table").locator("tbody tr").count() == 8

    # An anonymous citizen: the public page, the published file, the recomputed draw.
    citizen = chromium_browser.new_context(
        base_url=live_server.url, locale="fr-FR", accept_downloads=True
    )
    public = citizen.new_page()
    public.goto(f"{base}/")
    published_hash = public.get_by_test_id("lottery-hash").inner_text()
    index = int(public.get_by_test_id("draw-index").inner_text())
    panel = public.get_by_test_id("panel").locator("li").all_inner_texts()
    assert len(panel) == 8
    assert "Personne fictive" not in public.content()
    with public.expect_download() as download_info:
        public.get_by_role("link", name="Télécharger le fichier de loterie (JSON)").click()
    path = tmp_path / "loterie.json"
    download_info.value.save_as(path)

    # The documented formula, in a few lines of Python, gives the same panel.
    document = json.loads(path.read_text(encoding="utf-8"))
    raw = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert hashlib.sha256(raw).hexdigest() == published_hash
    assert int(hashlib.sha256((published_hash + "3-5-6").encode()).hexdigest(), 16) % 1000 == index
    assert document["panels"][index] == panel

    public.get_by_role("link", name="Vérifier le tirage").click()
    public.get_by_label("Graine publiée").fill("3-5-6")
    public.get_by_label("Fichier de loterie (facultatif)").set_input_files(str(path))
    public.get_by_role("button", name="Recalculer le tirage").click()
    assert public.get_by_test_id("verified-index").inner_text() == str(index)
    assert public.get_by_test_id("verified-panel").locator("li").all_inner_texts() == panel
    assert public.get_by_test_id("verdict").inner_text() == (
        "C'est exactement le panel tiré et publié par les organisateurs."
    )
    citizen.close()
