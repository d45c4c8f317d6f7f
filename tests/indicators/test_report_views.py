"""The report « Démocratie et travail » as people use it: the union's staff preview and publish,
anybody reads the published page and downloads the PDF, a cooperative compares itself with its
peers; nothing shown reveals a cooperative. Also the jobs page."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.core.cache import cache
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.indicators import selectors, services
from maillage.indicators.models import PublishedReport
from maillage.indicators.report.measures import form_measures
from maillage.indicators.report.present import fr_number
from tests.indicators.factories import build_report_world, varied_values
from tests.pdfcheck import ink_ratio, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


@pytest.fixture
def report_world(db):
    return build_report_world()


def hidden_figures(rw):
    """The true figures of département B (two cooperatives): never to be shown."""
    for form in rw.forms["B"]:
        form.refresh_from_db()
    b = [form_measures(f.values) for f in rw.forms["B"]]
    out = []
    for key, scale, decimals in (("absence_sante", 100, 2), ("rotation", 100, 1)):
        value = sum(m[key][0] for m in b) / sum(m[key][1] for m in b) * scale
        out.append(fr_number(value, decimals))
    return out


def body(response):
    """The page's content, without the per-request parts (CSRF token) of the layout."""
    page = response.content.decode()
    return page[page.index("<h1>") : page.index("<footer")]


def client_as(client, rw, role):
    client.logout()
    person = rw.world[role]
    if person.is_authenticated:
        client.force_login(person)
    return client


def test_preview_and_publication_are_for_the_union_staff(client, report_world):
    campaign = report_world.world.campaign
    preview = reverse("indicators:report-preview", args=[campaign.pk])
    publish = reverse("indicators:report-publish", args=[campaign.pk])
    for role in ROLES:
        response = client_as(client, report_world, role).get(preview)
        expected = {"visitor": 302, "delegate": 200, "platform": 200}.get(role, 403)
        assert response.status_code == expected, role
        if role not in ("delegate", "platform", "visitor"):
            assert client.post(publish).status_code == 403, role
    assert not PublishedReport.objects.exists()
    page = client_as(client, report_world, "delegate").get(preview).content.decode()
    assert "Aperçu : ce rapport n'est pas encore publié." in page
    assert "Association, et non causalité" in page


def test_published_page_and_pdf_show_what_was_published_and_nothing_secret(
    client, report_world, tmp_path, django_assert_max_num_queries
):
    campaign = report_world.world.campaign
    client_as(client, report_world, "delegate")
    response = client.post(reverse("indicators:report-publish", args=[campaign.pk]), follow=True)
    assert "Rapport publié (révision 1)" in response.content.decode()
    report = PublishedReport.objects.get()
    assert report.published_by == report_world.world["delegate"]

    client.logout()
    url = reverse("indicators:report", args=[campaign.union_id, campaign.year])
    with django_assert_max_num_queries(4):
        page = client.get(url).content.decode()
    assert "Démocratie et travail — 2025" in page
    assert "Bièvre-de-test (" in page and "trop peu de coopératives" in page
    assert "Association, et non causalité" in page
    assert page.count('<img src="data:image/svg+xml;base64,') >= 5
    assert "Repère national : 47,8" in page
    for figure in hidden_figures(report_world):
        assert figure not in page, figure

    pdf_response = client.get(reverse("indicators:report-pdf", args=[campaign.union_id, 2025]))
    assert pdf_response["Content-Type"] == "application/pdf"
    assert "attachment" in pdf_response["Content-Disposition"]
    pdf = pdf_response.content
    text = pdf_text(pdf, tmp_path)
    assert "Démocratie et travail — 2025" in text
    assert "Association, et non causalité" in text
    assert "secret" in text and "Bièvre-de-test (" in text
    for figure in hidden_figures(report_world):
        assert figure not in text, figure
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 3
    for number, picture in enumerate(pages, start=1):
        assert ink_ratio(picture) > 0.005, f"page {number} is blank"
    accent = [
        int((np.abs(np.asarray(p, dtype=int) - [0x8A, 0x15, 0x38]).max(axis=2) < 14).sum())
        for p in pages
    ]
    assert sum(1 for n in accent if n > 200) >= 3, "charts (accent bars) on at least 3 pages"


def test_the_public_page_never_recomputes_and_republishing_bumps_the_revision(client, report_world):
    campaign = report_world.world.campaign
    services.report_publish(campaign=campaign, user=report_world.world["delegate"])
    url = reverse("indicators:report", args=[campaign.union_id, campaign.year])
    before = body(client.get(url))
    # A form changes after publication (the platform reopens it): the page does not move.
    form = report_world.forms["A"][0]
    form.values = varied_values(40)
    form.save()
    assert body(client.get(url)) == before
    report = services.report_publish(campaign=campaign, user=report_world.world["delegate"])
    assert report.revision == 2
    assert body(client.get(url)) != before


def test_unpublished_report_is_not_found(client, report_world):
    campaign = report_world.world.campaign
    assert client.get(reverse("indicators:report", args=[campaign.union_id, 2025])).status_code
    assert (
        client.get(reverse("indicators:report", args=[campaign.union_id, 2025])).status_code == 404
    )
    assert (
        client.get(reverse("indicators:report-pdf", args=[campaign.union_id, 2025])).status_code
        == 404
    )
    assert "Aucun rapport publié" in client.get(reverse("indicators:report-list")).content.decode()


def test_peer_comparison_is_private_and_shows_only_published_peers(client, report_world):
    world = report_world.world
    world.form.refresh_from_db()
    url = reverse("indicators:peer-comparison", args=[world.form.pk])
    for role in ROLES:
        response = client_as(client, report_world, role).get(url)
        allowed = role in {"member", "admin", "delegate", "platform"}
        expected = 302 if role == "visitor" else 200 if allowed else 403
        assert response.status_code == expected, role
    page = client_as(client, report_world, "member").get(url).content.decode()
    assert "sera disponible quand l'union aura publié" in page
    services.report_publish(campaign=world.campaign, user=world["delegate"])
    page = client.get(url).content.decode()
    own = form_measures(world.form.values)["absence_sante"]
    assert fr_number(own[0] / own[1] * 100, 2) in page
    assert "Même taille" in page and "10 à 49 salarié·es" in page
    # two respondents in this cooperative: its own survey figures stay hidden
    assert "restent masqués sous 5" in page
    for figure in hidden_figures(report_world):
        assert figure not in page, figure


def test_jobs_page_is_public_with_the_target_and_cheap(
    client, report_world, django_assert_max_num_queries
):
    cache.clear()
    page = client.get(reverse("indicators:jobs")).content.decode()
    assert "Objectif : 100\u202f000 emplois coopératifs et 5\u202f000 coopératives" in page
    Organisation.objects.update(headcount=12, union_joined_on=dt.date(2020, 3, 1))
    cache.clear()
    with django_assert_max_num_queries(8):
        page = client.get(reverse("indicators:jobs")).content.decode()
    assert "Vers 100 000 emplois coopératifs" in page
    # 2025: the campaign's average headcounts (10 + i); other years: the directory's 12.
    assert "Fin 2026 : <strong>120</strong> emplois" in page
    assert "dans <strong>10</strong> coopératives" in page
    assert "de l'objectif de 100\u202f000" in page
    assert '<img src="data:image/svg+xml;base64,' in page
    with django_assert_max_num_queries(3):  # cached
        client.get(reverse("indicators:jobs") + "?annee=2020")
    data = selectors.jobs_data(current_year=2026)
    assert data["targets"]["jobs"] == 100_000


def test_report_build_has_a_fixed_number_of_queries(report_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.report_data(report_world.world.campaign)


def test_survey_counts_from_the_database_match_the_python_formula(report_world):
    from maillage.indicators.report.measures import answer_measures
    from maillage.indicators.survey import load_questionnaire

    questionnaire = load_questionnaire()
    counted = selectors._survey_measures(report_world.world.campaign, questionnaire)
    assert len(counted) == 4
    for form in report_world.forms["A"]:
        answers = selectors.form_survey_answers(form)
        if not answers:
            continue
        respondents, figures = counted[form.pk]
        assert respondents == len(answers) == 2
        assert figures == answer_measures(questionnaire, answers)
        assert figures["accord_coop_desaccord"] == (1.0, 2.0)


def test_publication_is_refused_below_three_validated_forms(client, world):
    client.force_login(world["delegate"])
    response = client.post(
        reverse("indicators:report-publish", args=[world.campaign.pk]), follow=True
    )
    assert "il faut au moins 3 formulaires validés" in response.content.decode()
    assert not PublishedReport.objects.exists()
