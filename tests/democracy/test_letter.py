"""The letter to the national direction: a real PDF built from a closed vote's results."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.urls import reverse

from maillage.democracy import selectors, services
from maillage.democracy.charts import GRADE_COLOURS
from tests.accounts.factories import DelegateAssignmentFactory, UserFactory
from tests.democracy.factories import member_of_union
from tests.directory.factories import UnionFactory
from tests.pdfcheck import ink_ratio, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_congress():
    """The demo congress with 15 ballots, its vote closed, two roadmap actions derived."""
    event = services.demo_congress_create(
        union=UnionFactory(name="Union régionale Auvergne-Rhône-Alpes")
    )
    vote = event.votes.get()
    rng = random.Random(42)
    proposals = selectors.vote_proposals(vote)
    favourite = next(p for p in proposals if p.ref == "7.1")  # sociocratie, coprésidence…
    for _ in range(15):
        grades = {p.pk: rng.choice([None, 1, 2, 3, 4]) for p in proposals}
        grades[favourite.pk] = rng.choice([5, 6])
        services.ballot_cast(vote=vote, user=member_of_union(event.union), grades=grades)
    services.vote_close(vote=vote)
    services.roadmap_from_results(vote=vote, count=2, owner="CA de l'union")
    return event, vote


def test_the_letter_pdf_carries_the_priorities_their_results_and_the_roadmap(
    closed_congress, tmp_path
):
    event, vote = closed_congress
    results = selectors.vote_results(vote=vote)
    first = results.rows[0]
    assert first.proposal.ref == "7.1"

    pdf = services.letter_pdf(vote)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert "Direction nationale de la CGScop" in text
    assert "Congrès régional du 20 novembre 2025" in text
    assert "Nos priorités, classées au jugement majoritaire" in text
    assert "La sociocratie, la coprésidence" in text
    assert first.gauge_label in text
    assert "15 bulletins comptés" in text or ("15" in text and "bulletins comptés" in text)
    assert "Les actions de notre feuille de route" in text and "CA de l'union" in text
    assert f"Pour {event.union.name}, le conseil d'administration" in text
    # the 10 priorities in detail, the 47 others listed in order
    assert "Les autres propositions" in text
    assert text.index("7.1") < text.index(results.rows[1].proposal.ref + " ")

    pages = pdf_pages(pdf, tmp_path)
    assert 2 <= len(pages) <= 6
    assert all(page.width < page.height for page in pages)
    assert 0.01 < ink_ratio(pages[0]) < 0.5
    # the merit profiles are drawn: the "Excellent" green and the "À rejeter" red show up
    pixels = np.concatenate([np.asarray(p, dtype=int).reshape(-1, 3) for p in pages])
    for colour in (GRADE_COLOURS[6], GRADE_COLOURS[1]):
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(pixels - rgb).max(axis=1) < 14).sum() > 30, colour


def test_organisers_write_the_letter_and_everyone_downloads_it(client, closed_congress, tmp_path):
    event, vote = closed_congress
    edit = reverse("democracy:letter-edit", args=[vote.pk])
    client.force_login(UserFactory())
    assert client.get(edit).status_code == 403

    delegate = DelegateAssignmentFactory(union=event.union).user
    client.force_login(delegate)
    form = client.get(edit).content.decode()
    assert "Direction nationale de la CGScop" in form
    response = client.post(
        edit,
        {
            "recipient": "Direction nationale de la CGScop",
            "intro": "",
            "priorities": 3,
            "signature": "Le CA",
        },
    )
    assert response.status_code == 400 and "Le CA" in response.content.decode()
    client.post(
        edit,
        {
            "recipient": "Direction nationale de la CGScop",
            "intro": "Chère direction,\n\nVoici nos trois priorités, votées par 15 coopérateurs.",
            "priorities": 3,
            "signature": "Pour l'union, ses coprésident·es",
        },
    )
    results_page = client.get(reverse("democracy:vote-results", args=[vote.pk])).content.decode()
    assert "Rédiger le courrier" in results_page

    client.logout()
    results_page = client.get(reverse("democracy:vote-results", args=[vote.pk])).content.decode()
    assert (
        "Télécharger le courrier (PDF)" in results_page
        and "Rédiger le courrier" not in results_page
    )
    response = client.get(reverse("democracy:letter", args=[vote.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "courrier-congres-regional-2025-11-20.pdf" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Voici nos trois priorités" in text and "Pour l'union, ses coprésident·es" in text
    assert text.count("Mention majoritaire") >= 1


def test_no_letter_before_the_vote_closes(client, vote):
    response = client.get(reverse("democracy:letter", args=[vote.pk]))
    assert response.status_code == 403
    with pytest.raises(services.DemocracyError):
        services.letter_pdf(vote)
    delegate = DelegateAssignmentFactory(union=vote.event.union).user
    with pytest.raises(services.DemocracyError, match="une fois le vote clos"):
        services.letter_save(
            vote=vote, actor=delegate, recipient="X", intro="Y", signature="Z", priorities=3
        )
