"""Decisions by consent: the services (phases, versions, objections, the record) and the pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from maillage.democracy import services
from maillage.democracy.models import ConsentDecision, DecisionPosition, DecisionVersion
from tests.accounts.factories import DelegateAssignmentFactory, UserFactory
from tests.democracy.factories import body_with_members, members_of

pytestmark = pytest.mark.django_db

TEXT = "Le CA adopte la coprésidence : deux personnes co-président l'union."


@pytest.fixture
def body():
    return body_with_members(4)


@pytest.fixture
def people(body):
    return members_of(body)


def propose(body, author, facilitator=None):
    return services.decision_create(
        body=body, author=author, title="Coprésidence", text=TEXT, facilitator=facilitator
    )


def to_consent(decision, facilitator):
    services.decision_advance(decision=decision, actor=facilitator)
    services.decision_advance(decision=decision, actor=facilitator)
    return decision


def test_full_round_objection_integrated_by_amendment_then_adopted(
    body, people, django_capture_on_commit_callbacks
):
    alix, bastien, chloe, dom = people
    with django_capture_on_commit_callbacks(execute=True):
        decision = propose(body, alix, facilitator=bastien)
    assert decision.phase == "questions" and decision.versions.get().number == 1
    assert len(mail.outbox) == 3  # the other members are told
    assert "Coprésidence" in mail.outbox[0].subject

    question = services.question_ask(
        decision=decision, author=chloe, text="Pour combien de temps ?"
    )
    services.question_answer(question=question, author=alix, answer="Deux ans.")
    services.decision_advance(decision=decision, actor=bastien)
    assert decision.phase == "reactions"
    services.reaction_give(decision=decision, author=dom, text="Bonne idée.")
    services.reaction_give(decision=decision, author=dom, text="Très bonne idée.")
    assert decision.reactions.get().text == "Très bonne idée."

    services.decision_advance(decision=decision, actor=bastien)
    assert (decision.phase, decision.round) == ("consent", 1)
    services.position_state(decision=decision, member=alix, stance="consent")
    services.position_state(
        decision=decision,
        member=chloe,
        stance="objection",
        reason="Sans durée de mandat, la coprésidence ne tourne jamais.",
    )
    services.position_state(
        decision=decision, member=dom, stance="consent", concern="Prévoir un relais."
    )
    with pytest.raises(services.DemocracyError, match="1 objection"):
        services.decision_adopt(decision=decision, actor=bastien)

    services.decision_amend(
        decision=decision,
        actor=bastien,
        text=TEXT + " Mandat de deux ans, renouvelable une fois.",
        note="Intègre l'objection de Chloé : durée du mandat.",
    )
    assert decision.round == 2 and decision.versions.count() == 2
    assert services.decision_round(decision).consents == ()  # everyone states again
    for person in (alix, chloe, dom):
        services.position_state(decision=decision, member=person, stance="consent")
    services.decision_adopt(decision=decision, actor=bastien, note="Adoptée en séance.")

    decision.refresh_from_db()
    assert decision.phase == "adopted" and decision.decided_at is not None
    assert decision.adopted_version.number == 2
    assert "renouvelable une fois" in decision.adopted_version.text
    assert set(decision.participants.all()) == {alix, chloe, dom}
    # every version and every round stays on the record
    assert list(decision.versions.values_list("number", flat=True)) == [1, 2]
    assert DecisionPosition.objects.filter(decision=decision, round=1).count() == 3
    with pytest.raises(services.DemocracyError):
        services.position_state(decision=decision, member=bastien, stance="consent")


def test_an_objection_withdrawn_by_its_author_unblocks(body, people):
    alix, bastien, *_ = people
    decision = to_consent(propose(body, alix), alix)
    objection = services.position_state(
        decision=decision, member=bastien, stance="objection", reason="Trop tôt."
    )
    with pytest.raises(services.DemocracyError, match="objecté"):
        services.objection_withdraw(position=objection, actor=alix)
    services.objection_withdraw(position=objection, actor=bastien)
    objection.refresh_from_db()
    assert objection.withdrawn_at is not None and objection.reason == "Trop tôt."
    services.position_state(decision=decision, member=alix, stance="consent")
    services.decision_adopt(decision=decision, actor=alix)
    assert decision.phase == "adopted"
    assert set(decision.participants.all()) == {alix, bastien}


def test_an_objection_needs_its_reason_and_only_members_take_part(body, people):
    alix, *_ = people
    decision = to_consent(propose(body, alix), alix)
    with pytest.raises(services.DemocracyError, match="Une objection se motive"):
        services.position_state(decision=decision, member=alix, stance="objection", reason=" ")
    outsider = UserFactory()
    with pytest.raises(services.DemocracyError, match="Seuls les membres"):
        services.position_state(decision=decision, member=outsider, stance="consent")
    with pytest.raises(services.DemocracyError, match="Seuls les membres"):
        propose(body, outsider)


def test_only_the_facilitator_moves_phases_and_phases_are_enforced(body, people):
    alix, bastien, chloe, _dom = people
    decision = propose(body, alix, facilitator=bastien)
    with pytest.raises(services.DemocracyError, match="facilite"):
        services.decision_advance(decision=decision, actor=alix)
    with pytest.raises(services.DemocracyError, match="réactions n'est pas ouvert"):
        services.reaction_give(decision=decision, author=chloe, text="Trop tôt")
    with pytest.raises(services.DemocracyError, match="s'amende"):
        services.decision_amend(decision=decision, actor=bastien, text="x", note="y")
    with pytest.raises(services.DemocracyError, match="consentement n'est pas ouvert"):
        services.position_state(decision=decision, member=chloe, stance="consent")
    to_consent(decision, bastien)
    with pytest.raises(services.DemocracyError, match="questions de clarification est passé"):
        services.question_ask(decision=decision, author=chloe, text="Et alors ?")
    with pytest.raises(services.DemocracyError, match="Personne n'a encore"):
        services.decision_adopt(decision=decision, actor=bastien)
    # the author may withdraw their proposal; the record says why
    services.decision_withdraw(decision=decision, actor=alix, note="On y reviendra en juin.")
    assert decision.phase == "withdrawn" and decision.outcome_note == "On y reviendra en juin."


# --- pages -------------------------------------------------------------------------------------


def test_member_proposes_from_the_body_page_and_the_form_keeps_what_was_typed(client, body, people):
    alix, bastien, *_ = people
    client.force_login(alix)
    page = client.get(reverse("democracy:body", args=[body.slug])).content.decode()
    assert "Soumettre une proposition" in page and "Bastien Coop1" in page
    url = reverse("democracy:decision-create", args=[body.slug])
    response = client.post(url, {"title": "", "text": "Mon texte gardé", "facilitator": bastien.pk})
    assert response.status_code == 400
    assert "Mon texte gardé" in response.content.decode()
    response = client.post(url, {"title": "Coprésidence", "text": TEXT, "facilitator": bastien.pk})
    decision = ConsentDecision.objects.get()
    assert response.url == reverse("democracy:decision", args=[body.slug, decision.pk])
    assert decision.facilitator == bastien


def test_steps_through_the_pages(client, body, people):
    alix, bastien, chloe, dom = people
    decision = propose(body, alix, facilitator=bastien)
    act = lambda step: reverse("democracy:decision-act", args=[body.slug, decision.pk, step])  # noqa: E731
    detail = reverse("democracy:decision", args=[body.slug, decision.pk])

    client.force_login(chloe)
    client.post(act("question"), {"text": "Qui choisit les coprésident·es ?"})
    assert "Qui choisit les coprésident·es ?" in client.get(detail).content.decode()
    assert client.post(act("next")).status_code == 400  # not the facilitator
    client.force_login(bastien)
    assert client.post(act("next")).status_code == 302
    assert client.post(act("next")).status_code == 302
    decision.refresh_from_db()
    assert decision.phase == "consent"

    client.force_login(chloe)
    response = client.post(
        act("position"), {"stance": "objection", "reason": "", "concern": "Mon souci"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Une objection se motive" in page and "Mon souci" in page
    client.post(act("position"), {"stance": "objection", "reason": "Pas de durée."})
    client.force_login(bastien)
    page = client.get(detail).content.decode()
    assert "1 objection en cours" in page and "Pas de durée." in page
    assert "Consigner l’adoption" not in page
    response = client.post(act("amend"), {"text": TEXT + " Deux ans.", "note": "Durée ajoutée."})
    assert response.status_code == 302
    for person in (chloe, dom):
        client.force_login(person)
        client.post(act("position"), {"stance": "consent"})
    client.force_login(bastien)
    client.post(act("adopt"), {"text": ""})
    page = client.get(detail).content.decode()
    assert "Adoptée par consentement le" in page and "version 2" in page


def test_visibility_members_only_unless_the_body_publishes_its_record(client, people, body):
    alix, *_ = people
    decision = to_consent(propose(body, alix), alix)
    detail = reverse("democracy:decision", args=[body.slug, decision.pk])
    assert client.get(detail).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(detail).status_code == 403
    assert client.get(reverse("democracy:body", args=[body.slug])).status_code == 403

    services.position_state(decision=decision, member=alix, stance="consent")
    services.decision_adopt(decision=decision, actor=alix)
    assert client.get(detail).status_code == 403  # concluded, but the record is private
    body.public_record = True
    body.save()
    page = client.get(detail).content.decode()
    assert "Adoptée par consentement" in page and TEXT.split(":")[0] in page
    assert "Questions de clarification" not in page  # the record, not the deliberation
    listing = client.get(reverse("democracy:bodies")).content.decode()
    assert body.name.replace("'", "&#x27;") in listing


def test_delegate_of_the_union_manages_members(client, body, people):
    delegate = DelegateAssignmentFactory(union=body.union).user
    newcomer = UserFactory(email="nouvelle@exemple.coop", full_name="Nora Nouvelle")
    client.force_login(delegate)
    url = reverse("democracy:body", args=[body.slug])
    response = client.post(url, {"email": "absente@exemple.coop"})
    assert response.status_code == 400 and "absente@exemple.coop" in response.content.decode()
    client.post(url, {"email": "NOUVELLE@exemple.coop"})
    assert body.memberships.filter(user=newcomer).exists()
    client.force_login(people[0])
    assert client.post(url, {"email": "x@exemple.coop"}).status_code == 403


def test_body_page_query_count(client, body, people, django_assert_max_num_queries):
    for i in range(5):
        propose(body, people[i % 4])
    client.force_login(people[0])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("democracy:body", args=[body.slug]))
    assert response.content.decode().count("Coprésidence") == 5


def test_decision_page_query_count(client, body, people, django_assert_max_num_queries):
    alix = people[0]
    decision = to_consent(propose(body, alix), alix)
    for person in people:
        services.position_state(decision=decision, member=person, stance="consent", concern="Oui")
    client.force_login(alix)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("democracy:decision", args=[body.slug, decision.pk]))
    assert response.status_code == 200


def test_versions_are_never_changed(body, people):
    alix = people[0]
    decision = to_consent(propose(body, alix), alix)
    services.decision_amend(decision=decision, actor=alix, text="Version deux", note="Plus court")
    with pytest.raises(services.DemocracyError, match="identique"):
        services.decision_amend(decision=decision, actor=alix, text="Version deux", note="x")
    assert DecisionVersion.objects.get(decision=decision, number=1).text == TEXT


def test_demo_board_with_the_demo_accounts(client):
    from tests.directory.factories import UnionFactory

    union = UnionFactory()
    for name in ("membre", "admin", "delegue"):
        UserFactory(email=f"{name}@demo.maillage.coop")
    services.demo_congress_create(union=union)
    services.demo_congress_create(union=union)  # idempotent
    body = union.democracy_bodies.get()
    assert body.memberships.count() == 3 and body.public_record
    decision = body.decisions.get()
    assert decision.author.email == "admin@demo.maillage.coop"
    assert decision.facilitator.email == "delegue@demo.maillage.coop"
    client.force_login(decision.author)
    page = client.get(reverse("democracy:decision", args=[body.slug, decision.pk]))
    assert "Expérimenter la coprésidence" in page.content.decode()


def test_bodies_index_query_count(client, django_assert_max_num_queries):
    first = body_with_members(3)
    for i in range(4):
        body_with_members(2, public_record=True, name=f"Commission {i}")
    client.force_login(members_of(first)[0])
    with django_assert_max_num_queries(6):
        page = client.get(reverse("democracy:bodies")).content.decode()
    assert "Mes instances" in page and page.count('class="card"') == 5


def test_a_forged_id_is_a_404_not_an_error(client, body, people):
    decision = to_consent(propose(body, people[0]), people[0])
    client.force_login(people[1])
    url = reverse("democracy:decision-act", args=[body.slug, decision.pk, "lift"])
    assert client.post(url, {"position": "abc"}).status_code == 404
    unknown = reverse("democracy:decision-act", args=[body.slug, decision.pk, "nimporte"])
    assert client.post(unknown).status_code == 404
