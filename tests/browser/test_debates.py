"""Exchanges of practices in a real browser: a member opens a thread, another replies with
htmx (the reply appears without reloading), a delegate hides a post with a reason."""

from __future__ import annotations

import pytest

from tests.accounts.factories import PASSWORD, DelegateAssignmentFactory
from tests.browser.conftest import login
from tests.democracy.factories import cooperator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def themes():
    """Browser tests flush the database, data migrations included: seed the themes again."""
    from maillage.democracy import services

    return services.debate_themes_seed()


def test_member_opens_a_thread_and_replies_with_htmx(page):
    member = cooperator(full_name="Mathilde Scop")
    login(page, member.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/vie-democratique/echanges/")
    page.get_by_role("link", name="Coprésidence et cogérance").click()
    page.get_by_label("Sujet").fill("Coprésidence : comment partager la signature ?")
    page.get_by_label("Votre message").fill("Chez nous, chacune signe par domaine.")
    page.get_by_role("button", name="Publier").click()
    assert page.get_by_role("heading", name="Coprésidence : comment partager la signature ?")

    page.get_by_label("Votre réponse").fill("Et pour la banque, les deux signent.")
    url_before = page.url
    page.get_by_role("button", name="Répondre").click()
    page.get_by_text("Et pour la banque, les deux signent.").wait_for()
    assert page.url == url_before  # no reload: htmx appended the reply
    assert page.locator("#posts article").count() == 2
    assert page.get_by_label("Votre réponse").input_value() == ""

    page.get_by_role("button", name="Répondre").click()  # empty: the error shows in place
    page.get_by_text("Ce champ est obligatoire.").wait_for()
    assert page.locator("#posts article").count() == 2


def test_delegate_hides_a_post(page):
    from maillage.democracy import services
    from maillage.democracy.models import DebateTheme

    author = cooperator()
    thread = services.thread_create(
        theme=DebateTheme.objects.get(slug="place-des-salaries"),
        author=author,
        title="Salariés non associés",
        body="Un message à masquer.",
    )
    delegate = DelegateAssignmentFactory().user
    login(page, delegate.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto(f"/vie-democratique/echanges/fils/{thread.pk}/")
    page.get_by_text("Masquer", exact=True).click()
    page.get_by_label("Motif, affiché à la place du message").fill("Nom d'un salarié cité.")
    page.get_by_role("button", name="Masquer le message").click()
    assert page.get_by_test_id("hidden-notice").inner_text().endswith("Nom d'un salarié cité.")
