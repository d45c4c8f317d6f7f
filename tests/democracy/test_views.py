"""Pages a visitor and a member use: congress, workshops, proposals, ballot, results."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from maillage.democracy import selectors, services
from maillage.democracy.majority_judgment import tally_ballot_export
from maillage.democracy.models import Ballot, Comment, Registration
from tests.accounts.factories import UserFactory
from tests.democracy.factories import member_of_union

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return services.demo_congress_create()


def test_index_and_congress_page_show_the_real_workshops(
    client, demo, django_assert_max_num_queries
):
    page = client.get(reverse("democracy:index")).content.decode()
    assert "Congrès régional du 20 novembre 2025" in page

    with django_assert_max_num_queries(8):
        response = client.get(reverse("democracy:event", args=[demo.slug]))
    page = response.content.decode()
    assert "1. Démocratie dans les coopératives" in page
    assert "11. Solidarité" in page
    assert "C. Développer l&#x27;emploi coopératif" in page
    assert "Prioriser les propositions du congrès" in page


def test_workshop_restitution_groups_proposals_by_theme(
    client, demo, django_assert_max_num_queries
):
    url = reverse("democracy:workshop", args=[demo.slug, "2"])
    with django_assert_max_num_queries(6):
        page = client.get(url).content.decode()
    assert "<h2" in page and "Accélérer la transition écologique" in page
    assert "Introduire des indicateurs écologiques" in page
    offer = client.get(reverse("democracy:workshop", args=[demo.slug, "8"])).content.decode()
    assert "<li>base documentaire,</li>" in offer


def test_logged_in_person_comments_on_a_proposal(client, demo):
    proposal = demo.workshops.get(code="6").proposals.get(position=2)
    url = reverse("democracy:proposal", args=[demo.slug, proposal.pk])
    assert "Connectez-vous pour commenter" in client.get(url).content.decode()

    client.force_login(UserFactory())
    response = client.post(url, {"body": "Le parrainage existe déjà dans la Loire."}, follow=True)
    assert "Le parrainage existe déjà dans la Loire." in response.content.decode()
    assert Comment.objects.filter(proposal=proposal).count() == 1
    empty = client.post(url, {"body": "   "})
    assert empty.status_code == 200 and Comment.objects.count() == 1


def test_registration(client, demo):
    person = UserFactory()
    client.force_login(person)
    client.post(reverse("democracy:event-register", args=[demo.slug]), {"action": "register"})
    assert Registration.objects.filter(event=demo, user=person).exists()
    client.post(reverse("democracy:event-register", args=[demo.slug]), {"action": "cancel"})
    assert not Registration.objects.exists()


def test_ballot_form_is_accessible_radio_groups(client, vote, voter):
    client.force_login(voter)
    page = client.get(reverse("democracy:vote", args=[vote.pk])).content.decode()

    assert page.count("<fieldset>") == 3 and page.count("<legend>") == 3
    assert page.count('type="radio"') == 3 * 8
    assert "Une mention manquante compte comme « À rejeter »" in page


def test_anonymous_and_ineligible_people_see_why_they_cannot_vote(client, vote):
    page = client.get(reverse("democracy:vote", args=[vote.pk])).content.decode()
    assert "Connectez-vous pour voter" in page and "<fieldset>" not in page

    client.force_login(UserFactory())
    page = client.get(reverse("democracy:vote", args=[vote.pk])).content.decode()
    assert "réservé aux membres" in page and "<fieldset>" not in page


def _post_grades(client, vote, values):
    proposals = selectors.vote_proposals(vote)
    data = {f"mention-{p.pk}": v for p, v in zip(proposals, values, strict=True)}
    return client.post(reverse("democracy:vote", args=[vote.pk]), data)


def test_member_votes_gets_receipt_once_then_cannot_vote_again(client, vote, voter):
    client.force_login(voter)
    response = _post_grades(client, vote, ["6", "2", ""])

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    receipt = re.search(r'data-testid="receipt"[^>]*>([^<]+)<', page).group(1)
    assert services.ballot_find(vote=vote, receipt=receipt) is not None

    again = _post_grades(client, vote, ["0", "0", "0"])
    assert again.status_code == 400
    assert "Vous avez déjà voté" in again.content.decode()
    assert Ballot.objects.count() == 1


def test_a_grade_off_the_scale_is_refused_with_a_clear_message(client, vote, voter):
    client.force_login(voter)
    response = _post_grades(client, vote, ["6", "9", ""])

    assert response.status_code == 400
    assert "n&#x27;est pas une mention de l&#x27;échelle" in response.content.decode()
    assert not Ballot.objects.exists()


def test_ballot_change_with_receipt(client, vote, voter):
    cast = services.ballot_cast(vote=vote, user=voter, grades={})
    client.force_login(voter)
    url = reverse("democracy:ballot-change", args=[vote.pk])

    wrong = client.post(url, {"receipt": "NOPE-NOPE", "action": "open"}).content.decode()
    assert "ne correspond à aucun bulletin" in wrong
    opened = client.post(url, {"receipt": cast.receipt, "action": "open"}).content.decode()
    assert cast.public_id in opened and "<fieldset>" in opened

    proposals = selectors.vote_proposals(vote)
    data = {"receipt": cast.receipt, "action": "save", f"mention-{proposals[0].pk}": "5"}
    saved = client.post(url, data)
    assert "Votre bulletin est modifié" in saved.content.decode()
    assert cast.receipt not in saved.content.decode()
    assert list(Ballot.objects.get().grades.values_list("grade", flat=True)) == [5]


def test_results_are_hidden_until_closing_then_public(client, vote, voter):
    services.ballot_cast(vote=vote, user=voter, grades={p.pk: 4 for p in vote.proposals.all()})
    for name in ("vote-results", "vote-chart", "vote-ballots"):
        assert client.get(reverse(f"democracy:{name}", args=[vote.pk])).status_code == 403

    services.vote_close(vote=vote)
    page = client.get(reverse("democracy:vote-results", args=[vote.pk])).content.decode()
    assert 'id="ranking"' in page and 'id="profiles"' in page
    assert "Une mention manquante compte comme « À rejeter »" in page
    assert "Bien−" in page or "Bien+" in page

    chart = client.get(reverse("democracy:vote-chart", args=[vote.pk]))
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in chart.content and b"Excellent" in chart.content

    export = client.get(reverse("democracy:vote-ballots", args=[vote.pk]))
    assert export["Content-Type"].startswith("text/csv")
    tally = tally_ballot_export(io.StringIO(export.content.decode()))
    assert tally.ballots == 1


def test_results_page_query_count(client, vote, django_assert_max_num_queries):
    for _ in range(5):
        person = member_of_union(vote.event.union)
        services.ballot_cast(vote=vote, user=person, grades={p.pk: 3 for p in vote.proposals.all()})
    services.vote_close(vote=vote)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("democracy:vote-results", args=[vote.pk])).status_code == 200


def test_roadmap_from_results_and_public_page(client, vote, voter):
    services.ballot_cast(vote=vote, user=voter, grades={p.pk: 4 for p in vote.proposals.all()})
    url = reverse("democracy:roadmap", args=[vote.event.slug])
    assert client.get(url).status_code == 404

    services.vote_close(vote=vote)
    actions = services.roadmap_from_results(vote=vote, count=2, owner="Conseil d'administration")
    assert services.roadmap_from_results(vote=vote, count=2) == []
    services.roadmap_action_update(
        action=actions[0],
        author=voter,
        note="Groupe de travail constitué.",
        status="in_progress",
        progress=30,
    )
    page = client.get(url).content.decode()
    assert actions[0].title in page and "Groupe de travail constitué." in page
    assert 'value="30"' in page and "En cours" in page
