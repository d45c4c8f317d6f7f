"""The drafts a group needs, filled from the directory: read back as text and as pictures."""

from __future__ import annotations

import pytest

from maillage.exchange import consortium_documents as documents
from maillage.exchange import consortium_services as services
from tests.pdfcheck import ink_ratio, pdf_pages, pdf_text

from .factories import consortium_world
from .test_consortium_workspace import _accept_all, _proposal_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def formed(p):
    world = consortium_world(p)
    consortium = services.consortium_create(
        need=world["need"], actor=p["delegate"], assignment=_proposal_assignment(world)
    )
    _accept_all(consortium, world)
    services.consortium_form(consortium=consortium, actor=p["delegate"])
    return consortium, world


def _flat(text: str) -> str:
    """One line, without the hyphenation typst adds (soft hyphens) and with plain apostrophes."""
    return " ".join(text.split()).replace("\u00ad ", "").replace("\u2019", "'")


def test_agreement_draft_names_the_parties_their_siret_lots_and_shares(formed, tmp_path):
    consortium, world = formed
    pdf = documents.render(consortium, "convention")
    assert pdf.startswith(b"%PDF-")
    text = _flat(pdf_text(pdf, tmp_path))
    assert "Projet — à vérifier par le service juridique" in text
    assert "Direction des affaires juridiques (DAJ)" in text
    for organisation in world["coops"]:
        head = organisation.establishments.get()
        assert organisation.name in text
        assert head.siret in text
    assert "12 rue des Artisans, 42000 Saint-Étienne" in text
    assert "SARL coopérative ouvrière de production (Scop)" in text
    assert "Ville de Saint-Étienne" in text and "214202186" in text
    for title in ("Menuiseries", "Peinture", "Électricité"):
        assert title in text
    assert "33,33 %" in text and "33,34 %" in text
    assert "Groupement conjoint" in text and "mandataire" in text
    assert "Durée" in text and "Différends" in text
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 2
    assert all(0.005 < ink_ratio(page) < 0.5 for page in pages)


def test_dc1_says_the_form_the_lots_and_the_mandataires_habilitation(formed, tmp_path):
    consortium, world = formed
    text = _flat(pdf_text(documents.render(consortium, "dc1"), tmp_path))
    mandataire = consortium.members.get(role="mandataire").organisation
    assert "Projet — à vérifier par le service juridique" in text
    assert "Le mandataire est solidaire" in text
    assert f"désignent {mandataire.name}" in text
    assert "Lot 3 : Électricité" in text
    for organisation in world["coops"]:
        assert organisation.establishments.get().siret in text


def test_dc2_is_one_members_declaration_with_unknown_figures_to_complete(formed, tmp_path):
    consortium, _world = formed
    painter = consortium.members.get(organisation__name="Couleurs Loire")
    pdf = documents.render(consortium, "dc2", painter)
    text = _flat(pdf_text(pdf, tmp_path))
    assert "Couleurs Loire" in text and "Menuiserie du Gier" not in text
    assert painter.organisation.siren in text
    assert painter.organisation.establishments.get().siret in text
    assert "Chiffre d'affaires global HT à compléter" in text
    assert "Effectif salarié 8" in text
    assert "lot 2 (Peinture)" in text
    pages = pdf_pages(pdf, tmp_path)
    assert 0.02 < ink_ratio(pages[0]) < 0.5
    assert all(ink_ratio(page) > 0.002 for page in pages)  # no blank page


def test_missing_directory_data_is_marked_to_complete(formed, tmp_path):
    consortium, world = formed
    joiner = world["coops"][0]
    joiner.siren = None
    joiner.save(update_fields=["siren"])
    joiner.establishments.update(siret=None)
    data = documents.document_data(consortium)
    member = next(m for m in data["members"] if m["name"] == "Menuiserie du Gier")
    assert member["siren"] == "à compléter" and member["siret"] == "à compléter"
    assert member["turnover"] == "à compléter"
