"""Assessments as people use them: open, fill with evidence, refused input kept, submit,
validated or returned by the union's delegate; and who may see what."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.accounts.enums import Role
from maillage.ecology import services
from maillage.ecology.enums import Context, Status
from maillage.ecology.models import Answer, LoanRateGrid
from tests.accounts.factories import DelegateAssignmentFactory, MembershipFactory, UserFactory
from tests.mentoring.factories import commune, cooperative, union_aura

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = cooperative("42218", name="Scic des Monts")
    admin = MembershipFactory(organisation=org, role=Role.ADMIN).user
    delegate = DelegateAssignmentFactory(union=union_aura()).user
    return org, admin, delegate


def review(org, admin):
    return services.assessment_create(
        by=admin, context=Context.REVIEW, year=2025, organisation=org, baseline_year=2022
    )


def pdf(name="facture.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_create_rules_say_which_field(world):
    org, admin, _delegate = world
    with pytest.raises(services.EcologyError) as error:
        services.assessment_create(by=admin, context=Context.REVIEW, year=2025, baseline_year=2025)
    assert set(error.value.errors) == {"organisation", "project_name", "commune", "baseline_year"}
    with pytest.raises(services.EcologyError) as error:
        services.assessment_create(
            by=admin, context=Context.REVIEW, year=2025, organisation=org, baseline_year=2025
        )
    assert "précéder" in error.value.errors["baseline_year"][0]
    project = services.assessment_create(
        by=UserFactory(),
        context=Context.CREATION,
        year=2026,
        project_name="Scop du Pilat",
        commune=commune("42095"),
    )
    assert project.union_id == "auvergne-rhone-alpes"
    assert project.grid_version == "2026.1"


def test_refused_answers_leave_nothing_half_written(world):
    org, admin, _delegate = world
    assessment = review(org, admin)
    good = services.AnswerInput(value="12,5")
    with pytest.raises(services.EcologyError) as error:
        services.answers_save(
            assessment=assessment,
            inputs={
                "energie_mesuree": good,
                "part_renouvelable": services.AnswerInput(value="140"),
                "eau_mesuree": services.AnswerInput(value="-3"),
                "ges_mesures": services.AnswerInput(value="4", evidence=pdf("virus.exe")),
            },
        )
    errors = error.value.errors
    assert "100 %" in errors["part_renouvelable-value"][0]
    assert "négative" in errors["eau_mesuree-value"][0]
    assert "formats acceptés" in errors["ges_mesures-evidence"][0]
    assert not Answer.objects.exists()


def test_fill_with_evidence_submit_and_validate(world, django_capture_on_commit_callbacks):
    org, admin, delegate = world
    assessment = review(org, admin)
    result = services.answers_save(
        assessment=assessment,
        inputs={
            "ges_trajectoire": services.AnswerInput(
                value="70", baseline_value="100", evidence=pdf()
            ),
            "vivant_gouvernance": services.AnswerInput(done=True, evidence=pdf("statuts.pdf")),
        },
    )
    climat = next(t for t in result.topics if t.code == "climat")
    assert climat.points == 3  # −30 % with evidence
    answer = Answer.objects.get(criterion="ges_trajectoire")
    assert answer.evidence.name.startswith(f"ecology/{assessment.pk}/ges_trajectoire")
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, by=admin, site_url="https://x")
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED
    assert [m.to for m in mail.outbox] == [[delegate.email]]
    assert "Scic des Monts" in mail.outbox[0].subject
    with pytest.raises(services.EcologyError, match="plus modifiable"):
        services.answers_save(assessment=assessment, inputs={})
    with pytest.raises(services.EcologyError):
        services.assessment_decide(assessment=assessment, by=delegate, validate=False)
    services.assessment_decide(assessment=assessment, by=delegate, validate=True)
    assessment.refresh_from_db()
    assert assessment.status == Status.VALIDATED
    assert assessment.result["points"] == assessment.points == 5


def test_pages_check_permissions_and_keep_typed_values(world, client):
    org, admin, delegate = world
    assessment = review(org, admin)
    url = reverse("ecology:assessment", args=[assessment.pk])
    assert client.get(url).status_code == 302  # to login
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.post(url, {"part_renouvelable-value": "abc", "eau_mesuree-value": "42"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "pas un nombre" in body
    assert 'value="abc"' in body and 'value="42"' in body  # what was typed stays
    response = client.post(url, {"eau_mesuree-value": "42", "then": "submit"}, follow=True)
    assert response.status_code == 200
    assessment.refresh_from_db()
    assert assessment.status == Status.SUBMITTED
    client.force_login(delegate)
    page = client.get(url).content.decode()
    assert "Décision de l'union" in page
    response = client.post(
        reverse("ecology:assessment-decide", args=[assessment.pk]),
        {"decision": "return", "comment": "Joignez la facture d'eau."},
    )
    assessment.refresh_from_db()
    assert assessment.status == Status.DRAFT
    assert assessment.delegate_comment == "Joignez la facture d'eau."


def test_evidence_is_served_only_to_those_who_may_see_it(world, client):
    org, admin, delegate = world
    assessment = review(org, admin)
    services.answers_save(
        assessment=assessment,
        inputs={"vivant_gouvernance": services.AnswerInput(done=True, evidence=pdf("statuts.pdf"))},
    )
    url = reverse("ecology:assessment-evidence", args=[assessment.pk, "vivant_gouvernance"])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    for person in (admin, delegate):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert client.get(url.replace("vivant_gouvernance", "eau_mesuree")).status_code == 404


def test_create_page_offers_only_administered_cooperatives(world, client):
    org, admin, _delegate = world
    cooperative("69123", name="Autre coopérative")
    client.force_login(admin)
    page = client.get(reverse("ecology:assessment-create")).content.decode()
    assert "Scic des Monts" in page and "Autre coopérative" not in page
    response = client.post(
        reverse("ecology:assessment-create"),
        {"context": "review", "organisation": org.pk, "year": "2025", "baseline_year": "2026"},
    )
    assert "précéder" in response.content.decode()


def test_loan_simulator_page_and_configurable_grid(client, db):
    url = reverse("ecology:loan")
    params = {
        "principal": "100000",
        "months": "120",
        "base_rate_pct": "4",
        "indicator": "tCO2e",
        "baseline": "100",
        "target": "60",
        "verification": "revision",
    }
    page = client.get(url, params).content.decode()
    assert "3,250 %" in page or "3.250 %" in page
    LoanRateGrid.objects.create(
        name="Barème 2027",
        is_active=True,
        data={
            "version": "2027",
            "title": "Barème 2027",
            "floor_rate_pct": 1,
            "steps": [[100, 2.0]],
            "verifications": {"revision": {"label": "Révision", "share": 1}},
        },
    )
    page = client.get(url, params, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page  # the fragment only
    assert "2,000 %" in page or "2.000 %" in page
    bad = client.get(url, {**params, "target": "100"}).content.decode()
    assert "doit différer" in bad
