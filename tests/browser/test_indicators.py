"""An indicators campaign in a real browser: a cooperative administrator fills in the form from a
spreadsheet and submits it, an employee answers the anonymous survey through the link, the
union's delegate asks for a correction, the administrator corrects, the delegate validates."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from maillage.indicators.catalogue import get_catalogue
from maillage.indicators.enums import FormStatus
from maillage.indicators.models import SurveyResponse
from maillage.indicators.spreadsheet import template_rows
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import login
from tests.indicators.factories import build_world, complete_values

pytestmark = pytest.mark.django_db(transaction=True)


def _filled_workbook(path: Path) -> Path:
    """What a cooperative sends back: the template's rows, values typed in, columns reordered
    and headers in capitals."""
    rows = template_rows(get_catalogue(), complete_values())
    wb = Workbook()
    ws = wb.active
    ws.append(["VALEUR", "Clé", "Libellé", "Unité"])
    for key, label, unit, value in rows[1:]:
        if value not in ("", None, []):
            number = value.replace(",", ".") if isinstance(value, str) else value
            with contextlib.suppress(ValueError):
                value = float(number)
        ws.append([value, key, label, unit])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_campaign_from_spreadsheet_to_validation(page, tmp_path):
    world = build_world()
    form = world.form
    admin, delegate = world["admin"], world["delegate"]

    # The cooperative's administrator imports the spreadsheet, then submits.
    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/mesures/")
    page.get_by_role("link", name="Scop du Moulin").click()
    assert page.get_by_text("Non commencé").first.is_visible()
    page.get_by_role("link", name="Importer un tableur").click()
    page.get_by_label("Tableur rempli (XLSX ou CSV)").set_input_files(
        _filled_workbook(tmp_path / "indicateurs-2025.xlsx")
    )
    page.get_by_role("button", name="Importer").click()
    assert page.get_by_text(re.compile(r"Tableur importé : \d+ valeurs modifiées")).is_visible()
    assert page.get_by_role("heading", name="Indicateurs calculés").is_visible()
    assert page.get_by_role("row", name=re.compile("Taux de rotation")).is_visible()
    survey_url = page.locator("#lien-enquete").input_value()
    page.get_by_role("button", name="Soumettre à l'union").click()
    assert page.get_by_text("Formulaire soumis à l'union").is_visible()

    # An employee answers through the link, without an account.
    page.context.clear_cookies()
    page.goto(survey_url)
    assert page.get_by_text("Questions non validées").is_visible()
    page.get_by_role("group", name="Je peux exprimer un désaccord sans crainte.").get_by_label(
        "Plutôt d'accord"
    ).check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    assert page.get_by_role("heading", name="Merci pour vos réponses").is_visible()
    assert SurveyResponse.objects.get().answers == {"coop_desaccord": 1}

    # The delegate asks for a correction on one field.
    page.context.clear_cookies()
    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/campagnes/{world.campaign.pk}/")
    page.get_by_role("link", name="Scop du Moulin").click()
    page.get_by_role("link", name="Relire et décider").click()
    page.get_by_label("Commentaire sur « Entrées »").fill("Trois entrées : lesquelles ?")
    page.get_by_role("button", name="Demander des corrections").click()
    assert page.get_by_text("Demande de corrections envoyée").is_visible()
    form.refresh_from_db()
    assert form.status == FormStatus.CORRECTIONS

    # The administrator corrects the field and submits again.
    page.context.clear_cookies()
    login(page, admin.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/formulaires/{form.pk}/")
    assert page.get_by_text("Trois entrées : lesquelles ?").first.is_visible()
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Entrées", exact=True).fill("4")
    page.get_by_role("button", name="Enregistrer et voir la synthèse").click()
    page.get_by_role("button", name="Soumettre à l'union").click()
    assert page.get_by_text("Formulaire soumis à l'union").is_visible()

    # The delegate validates.
    page.context.clear_cookies()
    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/mesures/formulaires/{form.pk}/revue/")
    page.get_by_role("button", name="Valider le formulaire").click()
    assert page.get_by_text("Formulaire validé.").is_visible()
    form.refresh_from_db()
    assert form.status == FormStatus.VALIDATED
    assert form.values["entrees"] == 4
