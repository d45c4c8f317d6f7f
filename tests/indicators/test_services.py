"""Campaigns and the life of a form: draft over several sittings, import, submission refused
while a rule is broken, corrections, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from maillage.indicators import services
from maillage.indicators.enums import FormAction, FormStatus
from maillage.indicators.models import FieldComment, IndicatorForm, SurveyLink
from maillage.indicators.spreadsheet import template_csv
from tests.directory.factories import OrganisationFactory
from tests.indicators.factories import complete_values, member_cooperative

pytestmark = pytest.mark.django_db


def test_campaign_gives_a_form_and_a_survey_link_to_member_cooperatives_only(world):
    other = member_cooperative(world.union, name="Scic des Collines")
    member_cooperative(world.union, name="Partie", union_left_on=dt.date(2024, 1, 1))
    OrganisationFactory(name="Pas adhérente", union=world.union, is_union_member=False)
    assert world.campaign.forms.count() == 1  # opened before « other » joined
    assert services.campaign_sync_forms(campaign=world.campaign) == 1
    assert services.campaign_sync_forms(campaign=world.campaign) == 0
    names = set(world.campaign.forms.values_list("organisation__name", flat=True))
    assert names == {"Scop du Moulin", other.name}
    assert SurveyLink.objects.filter(form__campaign=world.campaign).count() == 2
    assert world.form.status == FormStatus.NOT_STARTED
    assert world.form.catalogue_version == world.campaign.catalogue_version


def test_one_campaign_per_union_and_year(world):
    with pytest.raises(services.IndicatorsError, match="existe déjà"):
        services.campaign_open(
            union=world.union, year=2025, deadline=timezone.localdate() + dt.timedelta(days=9)
        )


def test_draft_over_several_sittings_keeps_values_breaking_rules(world):
    outcome = services.form_save(
        form=world.form, values={"heures_theoriques": 1000.0}, user=world["admin"]
    )
    assert outcome.form.status == FormStatus.DRAFT and outcome.issues == []
    outcome = services.form_save(
        form=world.form,
        values={"absence_heures_maladie_courte": 1500.0, "heures_travaillees": -2.0},
        user=world["admin"],
    )
    assert {i.rule for i in outcome.issues} == {
        "absences_superieures_heures_theoriques",
        "negatif",
    }
    form = world.refresh()
    assert form.values["heures_theoriques"] == 1000.0
    assert form.values["absence_heures_maladie_courte"] == 1500.0
    assert form.events.filter(action=FormAction.SAVED).count() == 2


def test_submission_refused_while_rules_are_broken_then_accepted(
    world, django_capture_on_commit_callbacks
):
    services.form_save(
        form=world.form, values=complete_values(sorties_deces=30), user=world["admin"]
    )
    with pytest.raises(services.SubmissionRefused) as refused:
        services.form_submit(form=world.form, user=world["admin"])
    assert [i.rule for i in refused.value.issues] == ["sorties_superieures_effectif_et_entrees"]
    assert world.refresh().status == FormStatus.DRAFT
    services.form_save(form=world.form, values={"sorties_deces": 0}, user=world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        services.form_submit(form=world.form, user=world["admin"])
    form = world.refresh()
    assert form.status == FormStatus.SUBMITTED and form.submitted_at
    assert [m.to for m in mail.outbox] == [[world["delegate"].email]]


def test_import_writes_nothing_when_a_row_is_unreadable(world):
    services.form_save(form=world.form, values={"entrees": 2}, user=world["admin"])
    bad = "clé;valeur\r\nentrees;5\r\nheures_theoriques;???\r\n".encode()
    outcome = services.form_import(
        form=world.form, content=bad, filename="f.csv", user=world["admin"]
    )
    assert not outcome.import_result.ok
    assert world.refresh().values["entrees"] == 2
    good = template_csv(world.form.catalogue, complete_values())
    outcome = services.form_import(
        form=world.form, content=good, filename="f.csv", user=world["admin"]
    )
    assert outcome.import_result.ok and outcome.issues == []
    assert world.refresh().values["heures_theoriques"] == 15960.0
    assert world.form.events.filter(action=FormAction.IMPORTED).exists()


def test_review_cycle(world, django_capture_on_commit_callbacks):
    services.form_save(form=world.form, values=complete_values(), user=world["admin"])
    services.form_submit(form=world.form, user=world["admin"])
    with pytest.raises(services.IndicatorsError, match="au moins un champ"):
        services.form_request_corrections(form=world.form, user=world["delegate"], comments={})
    with django_capture_on_commit_callbacks(execute=True):
        services.form_request_corrections(
            form=world.form,
            user=world["delegate"],
            comments={
                "entrees": "Trois entrées mais aucune fin de période d'essai ?",
                "etp_moyen": "",
            },
        )
    form = world.refresh()
    assert form.status == FormStatus.CORRECTIONS
    assert list(FieldComment.objects.values_list("field_key", flat=True)) == ["entrees"]
    assert mail.outbox[-1].to == [world["admin"].email]
    assert "corrections" in mail.outbox[-1].subject
    services.form_save(form=form, values={"entrees": 4}, user=world["admin"])
    services.form_submit(form=form, user=world["admin"])
    assert not FieldComment.objects.filter(resolved_at__isnull=True).exists()
    services.form_validate(form=form, user=world["delegate"])
    form = world.refresh()
    assert form.status == FormStatus.VALIDATED and form.validated_at
    with pytest.raises(services.FormLocked):
        services.form_save(form=form, values={"entrees": 5}, user=world["admin"])
    actions = list(form.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-4:] == ["corrections", "saved", "submitted", "validated"]


def test_only_submitted_forms_are_reviewed(world):
    with pytest.raises(services.FormLocked):
        services.form_validate(form=world.form, user=world["delegate"])
    with pytest.raises(services.FormLocked):
        services.form_request_corrections(
            form=world.form, user=world["delegate"], comments={"entrees": "?"}
        )


def test_closed_campaign_locks_forms(world):
    services.campaign_close(campaign=world.campaign, user=world["delegate"])
    with pytest.raises(services.FormLocked, match="close"):
        services.form_save(form=world.form, values={"entrees": 1}, user=world["admin"])


def test_survey_response_is_anonymous(world):
    from maillage.indicators.models import SurveyResponse
    from maillage.indicators.survey import load_questionnaire

    link = world.form.survey_link
    response = services.survey_response_record(
        link=link, questionnaire=load_questionnaire(), raw={"coop_desaccord": 1}
    )
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "link", "questionnaire_version", "answered_on", "answers"}
    assert response.answered_on == timezone.localdate()
    assert isinstance(response.pk, type(response.id)) and len(str(response.pk)) == 36
    with pytest.raises(services.IndicatorsError, match="au moins une question"):
        services.survey_response_record(link=link, questionnaire=load_questionnaire(), raw={})
    with pytest.raises(services.IndicatorsError, match="hors des choix"):
        services.survey_response_record(
            link=link, questionnaire=load_questionnaire(), raw={"coop_desaccord": 9}
        )


def test_survey_link_rotation(world):
    old = world.form.survey_link.token
    link = services.survey_link_rotate(form=world.form, user=world["admin"])
    assert link.token != old and len(link.token) >= 32


def test_forms_are_unique_per_campaign_and_organisation(world):
    assert IndicatorForm.objects.filter(campaign=world.campaign).count() == 1
