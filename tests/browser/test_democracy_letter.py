"""The letter to the national direction in a real browser: an organiser writes its
introduction after the vote closes, then downloads the PDF from the results page."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from maillage.democracy import selectors, services
from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory
from tests.browser.conftest import login
from tests.democracy.factories import member_of_union
from tests.directory.factories import UnionFactory
from tests.pdfcheck import pdf_pages, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_organiser_writes_and_downloads_the_letter(page, tmp_path: Path):
    union = UnionFactory(name="Union régionale des Scop et Scic Auvergne-Rhône-Alpes")
    event = services.demo_congress_create(union=union)
    vote = event.votes.get()
    rng = random.Random(7)
    proposals = selectors.vote_proposals(vote)
    for _ in range(9):
        grades = {p.pk: rng.choice([None, 2, 3, 4, 5]) for p in proposals}
        services.ballot_cast(vote=vote, user=member_of_union(union), grades=grades)
    services.vote_close(vote=vote)
    delegate = DelegateAssignmentFactory(union=union).user

    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/vie-democratique/votes/{vote.pk}/resultats/")
    page.get_by_role("link", name="Rédiger le courrier").click()
    page.get_by_label("Introduction").fill(
        "Madame, Monsieur,\n\nNos coopératrices et coopérateurs ont choisi leurs priorités."
    )
    page.get_by_label("Nombre de priorités détaillées").fill("5")
    page.get_by_role("button", name="Enregistrer le courrier").click()
    assert page.get_by_text("Le courrier est enregistré").is_visible()

    page.get_by_role("link", name="Résultats").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le courrier (PDF)").click()
    path = tmp_path / "courrier.pdf"
    download_info.value.save_as(path)
    pdf = path.read_bytes()
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Nos coopératrices et coopérateurs ont choisi leurs priorités." in text
    assert "Nos priorités, classées au jugement majoritaire" in text
    first = selectors.vote_results(vote=vote).rows[0]
    assert first.proposal.ref in text and first.gauge_label in text
    assert len(pdf_pages(pdf, tmp_path)) >= 2
