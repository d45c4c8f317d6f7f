"""Pages: access per role, the form filled in and imported, submission refused with links to
the fields, the review, the completion dashboard (with query-count guards) and the survey."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from maillage.indicators import services
from maillage.indicators.enums import FormStatus
from maillage.indicators.models import SurveyResponse
from maillage.indicators.survey import load_questionnaire
from tests.indicators.factories import complete_values, member_cooperative

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


def url(name, *args):
    return reverse(f"indicators:{name}", args=args)


@pytest.mark.parametrize(
    ("page", "allowed"),
    [
        ("form-detail", {"member", "admin", "delegate", "platform"}),
        ("form-edit", {"admin", "platform"}),
        ("form-import", {"admin", "platform"}),
        ("campaign-detail", {"delegate", "platform"}),
    ],
)
def test_access_per_role(world, client_as, page, allowed):
    pk = world.campaign.pk if page.startswith("campaign") else world.form.pk
    for role in ROLES:
        response = client_as(role).get(url(page, pk))
        if role == "visitor":
            assert response.status_code == 302, role
        else:
            assert response.status_code == (200 if role in allowed else 403), role


def test_catalogue_is_public(client, db):
    response = client.get(url("catalogue"))
    assert response.status_code == 200
    assert "VSME 2024-12 (EFRAG)" in response.content.decode()


def test_edit_page_has_fieldsets_help_linked_and_saves_a_draft(world, client_as):
    client = client_as("admin")
    page = client.get(url("form-edit", world.form.pk)).content.decode()
    assert page.count("<legend>") >= 8
    assert 'aria-describedby="id_heures_theoriques_helptext"' in page
    assert "Code du travail, art. L1111-2" in page
    response = client.post(
        url("form-edit", world.form.pk),
        {"heures_theoriques": "1 000", "heures_travaillees": "-5", "entrees": "beaucoup"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#id_heures_travaillees"' in page and 'href="#id_entrees"' in page
    assert "doit être positif ou nul" in page and "règle : nombre positif ou nul" in page
    assert "n&#x27;est pas un nombre" in page
    assert 'aria-describedby="id_heures_travaillees_helptext id_heures_travaillees_error"' in page
    form = world.refresh()
    assert form.status == FormStatus.DRAFT
    assert form.values["heures_theoriques"] == 1000
    assert form.values["heures_travaillees"] == -5
    assert form.values.get("entrees") is None


def _xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.name = "indicateurs.xlsx"
    return buffer.getvalue()


def test_import_with_a_renamed_column_keeps_the_draft(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_as("admin")
    services.form_save(form=world.form, values={"entrees": 2}, user=world["admin"])
    upload = SimpleUploadedFile("f.xlsx", _xlsx([["Clé", "Valeurs 2025"], ["entrees", 7]]))
    response = client.post(url("form-import", world.form.pk), {"fichier": upload})
    page = response.content.decode()
    assert "Colonne inconnue : « Valeurs 2025 »" in page
    assert "« valeur »" in page
    assert "Rien n&#x27;a été importé" in page
    assert world.refresh().values["entrees"] == 2


def test_template_download_is_prefilled(world, client_as):
    services.form_save(form=world.form, values={"entrees": 4}, user=world["admin"])
    response = client_as("member").get(url("form-template", world.form.pk, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert ("entrees", "Entrées", "personnes", "4") in rows
    assert client_as("member").get(url("form-template", world.form.pk, "ods")).status_code == 404


def test_refused_submission_links_each_issue_to_its_field(world, client_as):
    client = client_as("admin")
    services.form_save(
        form=world.form, values=complete_values(salaries_associes=12), user=world["admin"]
    )
    response = client.post(url("form-submit", world.form.pk))
    assert response.status_code == 422
    page = response.content.decode()
    assert f'href="{url("form-edit", world.form.pk)}#id_salaries_associes"' in page
    assert "ne peut pas dépasser" in page
    assert world.refresh().status == FormStatus.DRAFT


def test_summary_shows_computed_indicators_and_reasons(world, client_as):
    services.form_save(form=world.form, values=complete_values(), user=world["admin"])
    page = client_as("member").get(url("form-detail", world.form.pk)).content.decode()
    assert "taux_absence_sante@v1" in page
    assert "Ne peut pas être calculé" in page  # scope 2: no factor for the year
    assert "aucune année voisine" in page


def test_review_asks_corrections_then_validates(
    world, client_as, django_capture_on_commit_callbacks
):
    services.form_save(form=world.form, values=complete_values(), user=world["admin"])
    services.form_submit(form=world.form, user=world["admin"])
    client = client_as("delegate")
    page = client.get(url("form-review", world.form.pk)).content.decode()
    assert 'id="id_commentaire_entrees"' in page
    response = client.post(
        url("form-review", world.form.pk),
        {"decision": "corrections", "commentaire_entrees": "Vérifiez les entrées."},
    )
    assert response.status_code == 302
    assert world.refresh().status == FormStatus.CORRECTIONS
    page = client_as("admin").get(url("form-edit", world.form.pk)).content.decode()
    assert "Vérifiez les entrées." in page
    services.form_submit(form=world.form, user=world["admin"])
    response = client_as("delegate").post(
        url("form-review", world.form.pk), {"decision": "validate"}
    )
    assert response.status_code == 302
    assert world.refresh().status == FormStatus.VALIDATED


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_forms(world, client_as):
    client = client_as("delegate")
    path = url("campaign-detail", world.campaign.pk)
    few = _queries(client, path)
    for i in range(10):
        member_cooperative(world.union, name=f"Coopérative {i}")
    services.campaign_sync_forms(campaign=world.campaign)
    many = _queries(client, path)
    assert many == few
    assert many <= 12
    page = client.get(path + "?niveau=epci").content.decode()
    assert "Non localisé" in page  # factory communes have no EPCI
    page = client.get(path).content.decode()
    assert "11</td>" in page  # 11 forms not started in total


def test_index_query_count(world, client_as, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        page = client.get(url("index")).content.decode()
    assert "Scop du Moulin" in page


def test_form_detail_query_count(world, client_as, django_assert_max_num_queries):
    services.form_save(form=world.form, values=complete_values(), user=world["admin"])
    client = client_as("delegate")
    with django_assert_max_num_queries(22):
        assert client.get(url("form-detail", world.form.pk)).status_code == 200


def test_anonymous_survey(world, client):
    token = world.form.survey_link.token
    page = client.get(url("survey", token)).content.decode()
    assert "Questions non validées" in page
    assert "instrument non disponible" in page  # WHO-5 and COPSOQ III
    assert "Indice (en cinq éléments) du bien-être de l&#x27;OMS" in page
    response = client.post(url("survey", token), {"coop_desaccord": "0", "coop_projet": "2"})
    assert response.status_code == 302
    assert response.cookies[f"maillage_enquete_{world.form.survey_link.pk}"].value == "1"
    saved = SurveyResponse.objects.get()
    assert saved.answers == {"coop_desaccord": 0, "coop_projet": 2}
    page = client.get(url("survey", token)).content.decode()
    assert "déjà répondu depuis ce navigateur" in page
    assert client.get(url("survey", "mauvais-jeton")).status_code == 404


def test_survey_results_hidden_below_five_respondents(world, client_as):
    questionnaire = load_questionnaire()
    link = world.form.survey_link
    for _ in range(4):
        services.survey_response_record(
            link=link, questionnaire=questionnaire, raw={"coop_desaccord": 1}
        )
    page = client_as("member").get(url("form-detail", world.form.pk)).content.decode()
    assert "moins de 5 répondants" in page
    assert "Je peux exprimer un désaccord sans crainte." not in page
    services.survey_response_record(
        link=link, questionnaire=questionnaire, raw={"coop_desaccord": 1}
    )
    page = client_as("member").get(url("form-detail", world.form.pk)).content.decode()
    assert "Je peux exprimer un désaccord sans crainte." in page
    assert "100 %" in page


def test_campaign_creation_by_a_delegate(world, client_as):
    client = client_as("delegate")
    response = client.post(
        url("campaign-create"),
        {"union": world.union.pk, "year": 2026, "deadline": "2099-06-30"},
    )
    assert response.status_code == 302
    assert world.union.indicator_campaigns.filter(year=2026).exists()
    response = client_as("other_delegate").post(
        url("campaign-create"),
        {"union": world.union.pk, "year": 2027, "deadline": "2099-06-30"},
    )
    assert response.status_code == 200  # the union is not among the choices
    assert not world.union.indicator_campaigns.filter(year=2027).exists()
