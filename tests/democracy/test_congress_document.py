"""The parser on the real documents of the congress of 20 November 2025."""

from __future__ import annotations

from maillage.democracy.congress_document import (
    parse_congress_document,
    proposal_title,
    sentence_case,
)
from maillage.democracy.services import DATA_DIR, DEMO_DOCUMENTS

WORKSHOPS_DOC = (DATA_DIR / DEMO_DOCUMENTS[0]).read_text(encoding="utf-8")
RESTITUTION_DOC = (DATA_DIR / DEMO_DOCUMENTS[1]).read_text(encoding="utf-8")


def test_numbered_workshops_and_their_proposals():
    document = parse_congress_document(WORKSHOPS_DOC)

    assert [w.number for w in document.workshops] == list(range(1, 12))
    assert document.workshops[0].title == "Démocratie dans les coopératives"
    assert document.workshops[-1].title == "Solidarité"
    assert sum(len(w.proposals) for w in document.workshops) == 37
    assert document.preamble[0].startswith("Lors de notre Congrès régional")
    assert document.skipped == []
    first = document.workshops[0]
    assert first.introduction == [
        "Les coopératrices et coopérateurs souhaitent renforcer notre exemplarité "
        "démocratique à travers :"
    ]
    assert first.proposals[0].text.startswith("La publication annuelle d’un rapport")


def test_sub_themes_and_sub_points():
    document = parse_congress_document(WORKSHOPS_DOC)
    ecology = document.workshops[1]
    assert [p.theme for p in ecology.proposals] == [
        "Généraliser la transition écologique",
        "Généraliser la transition écologique",
        "Accélérer la transition écologique",
        "Accélérer la transition écologique",
        "Développer des outils financiers nationaux",
        "Développer des outils financiers nationaux",
        "Développer des outils financiers nationaux",
    ]
    services_offer = document.workshops[7]
    enrich = services_offer.proposals[-1]
    assert len(services_offer.proposals) == 3
    assert enrich.text == "Enrichir l’offre :"
    assert enrich.points == [
        "mutualisation des fonctions support,",
        "base documentaire,",
        "hébergement de formations à l’UR,",
        "accompagnement sur les risques psychosociaux.",
    ]
    assert enrich.full_text.splitlines()[1] == "- mutualisation des fonctions support,"


def test_slide_sections_with_upper_case_titles_and_bold_markup():
    document = parse_congress_document(RESTITUTION_DOC)

    assert [(w.number, w.title, w.subtitle) for w in document.workshops] == [
        (None, "Quelle place dans la société pour notre mouvement", ""),
        (None, "Comment renforcer le service aux adhérents ?", ""),
        (None, "Développer l'emploi coopératif", "Vers le cap 100 000 ?"),
    ]
    assert [len(w.proposals) for w in document.workshops] == [4, 9, 7]
    texts = [p.text for w in document.workshops for p in w.proposals]
    assert not any("**" in text for text in texts)
    assert texts[1].startswith("Former et accompagner les coopératives à l'entrepreneuriat")
    employment = document.workshops[2].proposals[0]
    assert employment.points == [
        "Interne : aider les coopératives existantes à se développer, à créer des emplois.",
        "Externe : aider à la création de nouvelles entreprises coopératives.",
    ]
    # The movement's motto between slides is decoration, not a title.
    assert not any("Accompagner" in w.title for w in document.workshops)


def test_sentence_case_and_titles():
    assert sentence_case("DÉVELOPPER L'EMPLOI COOPÉRATIF") == "Développer l'emploi coopératif"
    assert sentence_case("LES SCOP ET LES SCIC DE L'ESS") == "Les Scop et les Scic de l'ESS"
    assert proposal_title("Renforcer **le fonds**.") == "Renforcer le fonds"
    long = proposal_title("mot " * 100)
    assert len(long) <= 160 and long.endswith("…")


def test_unplaced_bullets_are_reported_not_lost():
    document = parse_congress_document("- une idée sans atelier\n1. Atelier\n- Une proposition")
    assert document.skipped == ["- une idée sans atelier"]
    assert document.workshops[0].proposals[0].text == "Une proposition"
