"""The annual report in a real browser, end to end: a cooperative fills in its form from a
spreadsheet and submits it, an employee answers the anonymous survey, the union's delegate
validates, publishes the report « Démocratie et travail » and downloads its PDF; a visitor reads
the public page, where the département with two cooperatives is secret; a member compares their
cooperative with its peers. The other nine cooperatives were validated beforehand (services)."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.indicators.enums import FormStatus
from maillage.indicators.models import PublishedReport
from maillage.indicators.report.measures import form_measures
from maillage.indicators.report.present import fr_number
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import login
from tests.browser.test_indicators import _filled_workbook
from tests.indicators.factories import build_report_world
from tests.pdfcheck import ink_ratio, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def _secret_figures(rw) -> list[str]:
    b = [form_measures(f.values) for f in rw.forms["B"]]
    return [
        fr_number(sum(m[k][0] for m in b) / sum(m[k][1] for m in b) * 100, d)
        for k, d in (("absence_sante", 2), ("rotation", 1))
    ]


def test_from_spreadsheet_to_the_published_report_and_its_pdf(page, tmp_path: Path):
    rw = build_report_world(leave_open=True)
    world = rw.world
    admin, delegate, member = world["admin"], world["delegate"], world["member"]

    # The cooperative's administrator imports the spreadsheet and submits.
    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/formulaires/{world.form.pk}/")
    page.get_by_role("link", name="Importer un tableur").click()
    page.get_by_label("Tableur rempli (XLSX ou CSV)").set_input_files(
        _filled_workbook(tmp_path / "indicateurs.xlsx")
    )
    page.get_by_role("button", name="Importer").click()
    survey_url = page.locator("#lien-enquete").input_value()
    page.get_by_role("button", name="Soumettre à l'union").click()
    assert page.get_by_text("Formulaire soumis à l'union").is_visible()

    # An employee answers the survey, without an account.
    page.context.clear_cookies()
    page.goto(survey_url)
    page.get_by_role("group", name="Je peux exprimer un désaccord sans crainte.").get_by_label(
        "Tout à fait d'accord"
    ).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()

    # The delegate validates, previews the report and publishes it.
    page.context.clear_cookies()
    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/formulaires/{world.form.pk}/revue/")
    page.get_by_role("button", name="Valider le formulaire").click()
    assert page.get_by_text("Formulaire validé.").is_visible()
    world.form.refresh_from_db()
    assert world.form.status == FormStatus.VALIDATED
    page.goto(f"/mesures/campagnes/{world.campaign.pk}/")
    page.get_by_role(
        "link", name="Rapport « Démocratie et travail » : aperçu et publication"
    ).click()
    assert page.get_by_text("Aperçu : ce rapport n'est pas encore publié.").is_visible()
    page.get_by_role("button", name="Publier le rapport").click()
    assert page.get_by_text("Rapport publié (révision 1)").is_visible()
    assert PublishedReport.objects.get().data["cooperatives"] == 10

    # The PDF downloads, and reads well page by page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le rapport (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "democratie-et-travail-urscop-test-2025.pdf"
    pdf = Path(download.path()).read_bytes()
    text = pdf_text(pdf, tmp_path)
    assert "Démocratie et travail — 2025" in text and "Association, et non causalité" in text
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 3 and all(ink_ratio(p) > 0.005 for p in pages)
    for figure in _secret_figures(rw):
        assert figure not in text

    # A visitor reads the public page: the département of two cooperatives is secret.
    page.context.clear_cookies()
    page.goto("/mesures/rapports/")
    page.get_by_role("link", name="Union régionale des Scop de test — 2025").click()
    assert page.get_by_role("heading", name="Démocratie et travail — 2025").is_visible()
    assert page.get_by_text("Association, et non causalité").first.is_visible()
    table = page.get_by_role("table", name="Taux d'absence pour raison de santé — par département")
    row = table.get_by_role("row", name="Bièvre-de-test")
    assert "secret" in row.inner_text()
    assert page.get_by_role("img", name="Graphique : Taux d'absence pour raison de santé").first
    content = page.content()
    for figure in _secret_figures(rw):
        assert figure not in content

    # A member compares their cooperative with its peers.
    login(page, member.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/formulaires/{world.form.pk}/")
    page.get_by_role("link", name="Comparer avec les pairs").click()
    assert page.get_by_role("heading", name="Scop du Moulin et ses pairs — 2025").is_visible()
    assert page.get_by_role("columnheader", name="Même taille").is_visible()
