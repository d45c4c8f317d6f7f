"""Services: the pool, quotas and their diagnosis, runs, publication, announced seed, draw."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.sortition import services
from maillage.sortition.draw import draw_index
from maillage.sortition.enums import ConventionStatus, RunStatus
from maillage.sortition.lottery import published_probabilities
from maillage.sortition.snapshot import problem_from_input

from .factories import (
    FEATURES,
    announce_in_the_past,
    convention_with_pool,
    drawn_convention,
    panel_members,
)

pytestmark = pytest.mark.django_db


def test_volunteering_needs_consent_valid_values_and_an_open_call(
    django_capture_on_commit_callbacks,
):
    convention = convention_with_pool()
    base = {"convention": convention, "full_name": "Awa Diallo", "email": "awa@exemple.coop"}
    with pytest.raises(services.SortitionError, match="consentement"):
        services.volunteer_create(
            **base, features={"genre": "femme", "age": "jeune"}, consent=False
        )
    with pytest.raises(services.SortitionError, match="« Âge » : choisissez une valeur parmi"):
        services.volunteer_create(**base, features={"genre": "femme", "age": "99"}, consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.volunteer_create(
            **base, features={"genre": "femme", "age": "jeune"}, consent=True
        )
    assert entry.consented_at is not None
    assert len(mail.outbox) == 1 and entry.token in mail.outbox[0].body
    with pytest.raises(services.SortitionError, match="figure déjà"):
        services.volunteer_create(
            **{**base, "email": "AWA@exemple.coop"}, features=entry.features, consent=True
        )
    services.run_request(convention=convention, actor=None)
    with pytest.raises(services.SortitionError, match="clos"):
        services.volunteer_create(
            **{**base, "email": "bea@exemple.coop"}, features=entry.features, consent=True
        )


def test_csv_import_reports_every_wrong_line_and_imports_nothing():
    convention = convention_with_pool()
    content = (
        "nom;email;cooperative;consentement;Genre;Âge\n"
        "Léa Martin;lea@exemple.coop;Scop A;oui;Femme;Moins de 35 ans\n"
        "Paul;pas-une-adresse;Scop B;oui;Homme;35 ans et plus\n"
        "Zoé;zoe@exemple.coop;Scop C;non;femme;jeune\n"
        "Yann;lea@exemple.coop;Scop D;oui;Autre;aine\n"
    ).encode()
    result = services.volunteers_import_csv(convention=convention, content=content)
    assert result.created == 0
    assert [line for line, _message in result.errors] == [3, 4, 5]
    messages = dict(result.errors)
    assert "adresse e-mail invalide « pas-une-adresse »" in messages[3]
    assert "pas de consentement" in messages[4]
    assert "lea@exemple.coop figure déjà ligne 2" in messages[5]
    assert "« Genre » vaut « Autre », valeurs possibles : Femme, Homme" in messages[5]
    assert convention.volunteers.count() == 12

    good = (
        "nom,email,cooperative,consentement,genre,age\n"
        "Léa Martin,lea@exemple.coop,Scop A,oui,Femme,jeune\n"
    )
    result = services.volunteers_import_csv(convention=convention, content=good.encode())
    assert result.created == 1 and not result.errors
    assert convention.volunteers.get(email="lea@exemple.coop").features == {
        "genre": "femme",
        "age": "jeune",
    }


def test_csv_import_names_missing_columns():
    convention = convention_with_pool()
    result = services.volunteers_import_csv(
        convention=convention, content=b"nom,email\nA,a@b.coop\n"
    )
    assert (
        result.errors == [(1, "Colonnes manquantes : consent, Genre, Âge.")]
        or "Genre" in result.errors[0][1]
    )


def test_infeasible_quotas_say_which_conflict_by_how_much_and_the_nearest_fix():
    # Every young volunteer is a woman: 3 young seats cannot fit with at most 2 women.
    pool = [("femme", "jeune")] * 4 + [("femme", "aine")] * 2 + [("homme", "aine")] * 6
    convention = convention_with_pool(
        pool=pool, quotas={("genre", "femme"): (0, 2), ("age", "jeune"): (3, 4)}
    )
    explained = services.diagnosis_explained(convention)
    assert not explained.feasible
    [conflict] = explained.conflict
    assert conflict.startswith("Ces quotas ne peuvent pas être respectés ensemble : ")
    assert "au plus 2 « Genre : Femme »" in conflict
    assert "au moins 3 « Âge : Moins de 35 ans »" in conflict
    assert explained.total_relaxation == 1
    assert len(explained.relaxations) == 1
    assert explained.relaxations[0] in {
        "Genre : Femme : passer de 0–2 à 0–3.",
        "Âge : Moins de 35 ans : passer de 3–4 à 2–4.",
    }
    with pytest.raises(services.SortitionError, match="Aucun panel ne respecte les quotas"):
        services.run_request(convention=convention, actor=None)


def test_arithmetic_problems_are_explained_in_french():
    convention = convention_with_pool(
        quotas={("genre", "femme"): (3, 4), ("genre", "homme"): (3, 4)}
    )
    explained = services.diagnosis_explained(convention)
    assert (
        "Genre : les minimums additionnés font 6, soit 2 sièges de plus que les 4 sièges du panel."
        in explained.problems
    )


def test_small_run_is_computed_at_once_and_recorded():
    convention = convention_with_pool()
    run = services.run_request(convention=convention, actor=convention.organisers.get())
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.QUOTAS_SET
    assert run.status == RunStatus.DONE, run.error
    probabilities = run.probabilities
    assert len(probabilities) == 12
    assert abs(sum(probabilities.values()) - 4) < 1e-6
    # Young volunteers fill 1..2 of 4 seats, older ones 2..3: LEXIMIN equalises within limits.
    assert min(probabilities.values()) > 0.25
    assert run.versions["highspy"] != "absent" and len(run.pool_sha256) == 64
    assert {q["feature"] for q in run.quotas["quotas"]} == {"genre", "age"}
    assert len(run.result["lottery"]["panels"]) == 1000


def test_large_pool_is_queued_for_the_command(settings):
    settings.SORTITION_SYNC_MAX_POOL = 5
    convention = convention_with_pool()
    run = services.run_request(convention=convention, actor=None)
    assert run.status == RunStatus.QUEUED
    with pytest.raises(services.SortitionError, match="déjà en attente"):
        services.run_request(convention=convention, actor=None)
    call_command("sortition_run")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.started_at and run.finished_at


def test_publication_carries_pseudonyms_only_and_its_hash():
    convention = convention_with_pool()
    with pytest.raises(services.SortitionError, match="Calculez d'abord"):
        services.lottery_publish(convention=convention, actor=None)
    services.run_request(convention=convention, actor=None)
    publication = services.lottery_publish(convention=convention, actor=None)
    assert hashlib.sha256(publication.content.encode()).hexdigest() == publication.sha256
    document = json.loads(publication.content)
    pseudonyms = set(convention.volunteers.values_list("pseudonym", flat=True))
    assert set(document["pool"]) == pseudonyms and len(pseudonyms) == 12
    assert all(set(panel) <= pseudonyms for panel in document["panels"])
    # Everyone's probability in the published file is the one the organisers saw, as k/1000.
    published = published_probabilities(document)
    run = publication.run
    for volunteer in convention.volunteers.all():
        assert (
            published[volunteer.pseudonym]
            == run.result["lottery"]["probabilities"][str(volunteer.pk)]
        )
    for volunteer in convention.volunteers.all():
        assert volunteer.full_name not in publication.content
        assert volunteer.email not in publication.content
        assert f'"{volunteer.pk}"' not in publication.content
    with pytest.raises(services.SortitionError, match="ne peut plus changer"):
        services.volunteers_import_csv(convention=convention, content=b"x")


def test_stale_run_cannot_be_published():
    convention = convention_with_pool()
    services.run_request(convention=convention, actor=None)
    services.volunteer_create(
        convention=convention,
        full_name="Tard Venue",
        email="tard@exemple.coop",
        features={"genre": "femme", "age": "aine"},
        consent=True,
        by_organiser=True,
    )
    with pytest.raises(services.SortitionError, match="ont changé depuis le dernier calcul"):
        services.lottery_publish(convention=convention, actor=None)


def test_seed_must_be_announced_after_publication_and_before_the_event():
    convention = convention_with_pool()
    soon = timezone.now() + timedelta(minutes=5)
    with pytest.raises(services.SortitionError, match="Publiez d'abord la loterie"):
        services.seed_announce(convention=convention, source="dés", event_at=soon, actor=None)
    services.run_request(convention=convention, actor=None)
    services.lottery_publish(convention=convention, actor=None)
    with pytest.raises(services.SortitionError, match="Annoncez d'abord la source du hasard"):
        services.panel_draw(convention=convention, seed="1-2-3", actor=None)
    with pytest.raises(services.SortitionError, match="après la publication de la loterie"):
        services.seed_announce(
            convention=convention,
            source="dés",
            event_at=timezone.now() - timedelta(minutes=1),
            actor=None,
        )
    services.seed_announce(convention=convention, source="dés", event_at=soon, actor=None)
    with pytest.raises(services.SortitionError, match="ne peut plus changer"):
        services.seed_announce(convention=convention, source="autre", event_at=soon, actor=None)
    with pytest.raises(services.SortitionError, match="saisissez la graine après"):
        services.panel_draw(convention=convention, seed="1-2-3", actor=None)


def test_draw_follows_the_published_formula_and_meets_the_quotas():
    convention = drawn_convention(seed="  12-34-56 ")
    draw = convention.draw
    publication = convention.publication
    assert draw.seed == "12-34-56"
    assert draw.index == draw_index(publication.sha256, "12-34-56", 1000)
    assert draw.panel == json.loads(publication.content)["panels"][draw.index]
    members = panel_members(convention)
    assert sorted(v.pseudonym for v in members) == sorted(draw.panel)
    problem = problem_from_input(publication.run.input)
    assert problem.panel_violations([str(v.pk) for v in members]) == []
    assert convention.status == ConventionStatus.DRAWN


def test_replacement_keeps_the_quotas_and_the_remaining_members():
    convention = drawn_convention()
    before = panel_members(convention)
    declined = before[0]
    run = services.replacements_request(convention=convention, declined=[declined], actor=None)
    assert run.status == RunStatus.DONE, run.error
    after = panel_members(convention)
    assert len(after) == 4
    assert declined.pk not in {v.pk for v in after}
    assert {v.pk for v in before[1:]} <= {v.pk for v in after}
    problem = problem_from_input(convention.publication.run.input)
    assert problem.panel_violations([str(v.pk) for v in after]) == []
    replacement = convention.replacements.get()
    declined.refresh_from_db()
    assert replacement.declined == [declined.pseudonym]
    assert replacement.seed == "12-34-56|remplacement-1"
    # The newcomer has the declined member's feature values where the quotas are tight.
    newcomer = next(v for v in after if v.seat == "replacement")
    assert newcomer.features["genre"] == declined.features["genre"]


def test_replacement_impossible_says_why():
    # Only two men in the pool, both drawn: a man declining cannot be replaced.
    pool = [("femme", "jeune")] * 3 + [("femme", "aine")] * 3 + [("homme", "aine")] * 2
    convention = convention_with_pool(
        pool=pool,
        quotas={("genre", "femme"): (2, 2), ("genre", "homme"): (2, 2), ("age", "jeune"): (0, 4)},
    )
    organiser = convention.organisers.get()
    services.run_request(convention=convention, actor=organiser)
    services.lottery_publish(convention=convention, actor=organiser)
    announce_in_the_past(convention, organiser)
    services.panel_draw(convention=convention, seed="7", actor=organiser)
    man = convention.volunteers.get(
        seat="selected", features__genre="homme", full_name__endswith="6"
    )
    run = services.replacements_request(convention=convention, declined=[man], actor=organiser)
    assert run.status == RunStatus.FAILED
    assert "Aucun remplacement ne respecte les quotas" in run.error
    assert "Genre : Homme" in run.error


def test_features_definition_is_kept():
    convention = convention_with_pool()
    assert convention.features == FEATURES
    assert convention.label_of("age=jeune") == "Âge : Moins de 35 ans"


def test_people_drawn_and_replacements_are_told_by_email(django_capture_on_commit_callbacks):
    convention = drawn_convention()
    mail.outbox.clear()
    organiser = convention.organisers.get()
    fresh = services.convention_create(
        title="Autre", panel_size=4, features=FEATURES, organisers=[organiser]
    )
    assert fresh.slug != convention.slug
    members = panel_members(convention)
    with django_capture_on_commit_callbacks(execute=True):
        services.replacements_request(convention=convention, declined=[members[0]], actor=None)
    newcomer = convention.volunteers.get(seat="replacement")
    assert [m.to for m in mail.outbox] == [[newcomer.email]]
    assert "tiré·e au sort" in mail.outbox[0].subject and newcomer.token in mail.outbox[0].body
