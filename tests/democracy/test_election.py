"""Sociocratic elections without candidates: sealed nominations, changes, consent, the record."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from maillage.democracy import selectors, services
from maillage.democracy.services.election import add_months
from tests.accounts.factories import UserFactory
from tests.democracy.factories import body_with_members, members_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    return body_with_members(4, public_record=True)


@pytest.fixture
def people(body):
    return members_of(body)


def open_election(body, creator, facilitator=None):
    return services.election_create(
        body=body,
        creator=creator,
        role="Coprésidence",
        role_description="Représenter l'union avec l'autre coprésident·e.",
        term_months=24,
        facilitator=facilitator,
    )


def test_full_election_with_sealed_nominations_a_change_an_objection_and_the_record(body, people):
    alix, bastien, chloe, dom = people
    election = open_election(body, alix)
    services.nomination_give(election=election, voter=alix, nominee=chloe, reason="Elle écoute.")
    services.nomination_give(election=election, voter=bastien, nominee=dom, reason="Il connaît.")
    services.nomination_give(election=election, voter=chloe, nominee=chloe, reason="Je veux bien.")

    # sealed: each sees only their own until the round is over
    view = selectors.election_nominations(election, dom)
    assert view.visible == [] and view.sealed_count == 3 and view.tally == []
    assert [n.nominee for n in selectors.election_nominations(election, alix).visible] == [chloe]

    with pytest.raises(services.DemocracyError, match="facilite"):
        services.election_advance(election=election, actor=bastien)
    services.election_advance(election=election, actor=alix)
    assert election.phase == "changes"
    view = selectors.election_nominations(election, dom)
    assert len(view.visible) == 3 and view.tally[0] == (chloe, 2)

    with pytest.raises(services.DemocracyError, match="rien à changer"):
        services.nomination_give(election=election, voter=dom, nominee=chloe, reason="Moi aussi")
    services.nomination_give(
        election=election, voter=bastien, nominee=chloe, reason="Vos raisons m'ont convaincu."
    )
    assert selectors.election_nominations(election, dom).sealed_count == 1  # the change
    assert selectors.election_nominations(election, bastien).sealed_count == 0

    services.election_propose(
        election=election, actor=alix, candidate=chloe, reason="Trois nominations sur trois."
    )
    assert (election.phase, election.round, election.candidate) == ("consent", 1, chloe)
    assert selectors.election_nominations(election, dom).tally == [(chloe, 3)]
    services.election_position_state(election=election, member=alix, stance="consent")
    services.election_position_state(
        election=election, member=dom, stance="objection", reason="Elle préside déjà une Scop."
    )
    with pytest.raises(services.DemocracyError, match="objection"):
        services.election_conclude(election=election, actor=alix)

    # proposing again (mandate adjusted) opens a new round
    services.election_propose(
        election=election, actor=alix, candidate=chloe, reason="Mandat d'un an, puis on refait."
    )
    assert election.round == 2
    for person in (alix, bastien, chloe, dom):
        services.election_position_state(election=election, member=person, stance="consent")
    services.election_conclude(election=election, actor=alix)
    election.refresh_from_db()
    assert election.phase == "elected" and election.elected == chloe
    assert election.term_ends_on == add_months(election.decided_at.date(), 24)
    assert set(election.participants.all()) == {alix, bastien, chloe, dom}
    with pytest.raises(services.DemocracyError, match="closes"):
        services.nomination_give(election=election, voter=alix, nominee=dom, reason="Trop tard")


def test_rules_of_nominations(body, people):
    alix, bastien, *_ = people
    election = open_election(body, alix)
    with pytest.raises(services.DemocracyError, match="Dites pourquoi"):
        services.nomination_give(election=election, voter=alix, nominee=bastien, reason="  ")
    with pytest.raises(services.DemocracyError, match="membre"):
        services.nomination_give(
            election=election, voter=alix, nominee=UserFactory(), reason="Quelqu'un de bien"
        )
    with pytest.raises(services.DemocracyError, match="Personne n'a encore nommé"):
        services.election_advance(election=election, actor=alix)
    with pytest.raises(services.DemocracyError, match="après le tour des changements"):
        services.election_propose(election=election, actor=alix, candidate=bastien, reason="x")
    services.election_cancel(election=election, actor=alix, note="Report au prochain CA.")
    assert election.phase == "cancelled"


def test_add_months_keeps_the_end_of_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 23), 24) == date(2028, 11, 23)


def test_election_pages(client, body, people):
    alix, bastien, chloe, dom = people
    client.force_login(alix)
    url = reverse("democracy:election-create", args=[body.slug])
    response = client.post(url, {"role": "", "term_months": 24, "facilitator": alix.pk})
    assert response.status_code == 400
    client.post(
        url,
        {"role": "Coprésidence", "role_description": "", "term_months": 24, "facilitator": alix.pk},
    )
    election = body.elections.get()
    detail = reverse("democracy:election", args=[body.slug, election.pk])
    act = lambda step: reverse("democracy:election-act", args=[body.slug, election.pk, step])  # noqa: E731

    response = client.post(act("nominate"), {"person": chloe.pk, "reason": ""})
    assert response.status_code == 400
    client.post(act("nominate"), {"person": chloe.pk, "reason": "Elle sait relier les gens."})
    client.force_login(bastien)
    page = client.get(detail).content.decode()
    assert "1 nomination déposée" in page and "Elle sait relier" not in page
    client.post(act("nominate"), {"person": dom.pk, "reason": "Il a l'expérience."})

    client.force_login(alix)
    client.post(act("next"))
    client.force_login(bastien)
    page = client.get(detail).content.decode()
    assert "Elle sait relier les gens." in page and "Il a l&#x27;expérience." in page

    client.force_login(alix)
    client.post(act("propose"), {"person": chloe.pk, "reason": "Le plus de nominations."})
    for person in people:
        client.force_login(person)
        client.post(act("position"), {"stance": "consent"})
    client.force_login(alix)
    client.post(act("conclude"), {"text": ""})
    election.refresh_from_db()
    assert election.elected == chloe

    client.logout()  # the body publishes its record
    page = client.get(detail).content.decode()
    assert "élu·e par consentement" in page and "Tour des nominations" not in page
    body_page = client.get(reverse("democracy:body", args=[body.slug])).content.decode()
    assert "Coprésidence" in body_page and "Chloé Coop2" in body_page


def test_outsiders_cannot_act(client, body, people):
    election = open_election(body, people[0])
    client.force_login(UserFactory())
    act = reverse("democracy:election-act", args=[body.slug, election.pk, "nominate"])
    assert client.post(act, {"person": people[0].pk, "reason": "x"}).status_code == 403
    assert (
        client.get(reverse("democracy:election", args=[body.slug, election.pk])).status_code == 403
    )
