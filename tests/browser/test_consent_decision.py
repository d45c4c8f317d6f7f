"""A decision by consent in a real browser: a member of the board proposes, another asks a
question, a third reacts, one objects with a reason, the facilitator amends the proposal (a new
consent round on version 2), everyone consents and the adoption is recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import login
from tests.democracy.factories import body_with_members, members_of

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def person(chromium_browser, live_server, user) -> Iterator:
    """A browser tab of its own for one member, logged in through the real form."""
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    login(tab, user.email, PASSWORD)
    tab.wait_for_url("**/compte/profil/")
    try:
        yield tab
    finally:
        context.close()
    assert not errors, errors


def test_board_decides_by_consent_after_an_objection_is_integrated(
    page, chromium_browser, live_server
):
    body = body_with_members(4, name="Conseil d'administration de l'union")
    alix, bastien, chloe, dom = members_of(body)

    # Alix proposes, Bastien facilitates.
    login(page, alix.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")
    page.goto("/vie-democratique/instances/")
    page.get_by_role("link", name="Conseil d'administration de l'union").click()
    page.get_by_role("link", name="Soumettre une proposition").click()
    page.get_by_label("Intitulé").fill("Passer à la coprésidence")
    page.get_by_label("Proposition").fill("L'union est présidée par deux coprésident·es.")
    page.get_by_label("Facilitation").select_option(label=str(bastien))
    page.get_by_role("button", name="Soumettre").click()
    assert page.get_by_test_id("phase").inner_text() == "Questions de clarification"
    decision_url = page.url

    with person(chromium_browser, live_server, chloe) as tab:
        tab.goto(decision_url)
        tab.get_by_label("Votre question de clarification").fill("Pour quelle durée ?")
        tab.get_by_role("button", name="Poser la question").click()
        assert tab.get_by_text("Votre question est posée.").is_visible()

    page.reload()
    page.get_by_label("Votre réponse").fill("La même que le mandat d'administrateur.")
    page.get_by_role("button", name="Répondre").click()
    assert page.get_by_text("La même que le mandat d'administrateur.").is_visible()

    with person(chromium_browser, live_server, bastien) as facilitator:
        facilitator.goto(decision_url)
        facilitator.get_by_role(
            "button", name="Clore les questions et ouvrir le tour de réactions"
        ).click()
        assert facilitator.get_by_test_id("phase").inner_text() == "Tour de réactions"

        with person(chromium_browser, live_server, dom) as tab:
            tab.goto(decision_url)
            tab.get_by_label("Votre réaction").fill("Enthousiaste : cela partage la charge.")
            tab.get_by_role("button", name="Donner ma réaction").click()
            assert tab.get_by_text("Enthousiaste : cela partage la charge.").is_visible()

        facilitator.get_by_role("button", name="Ouvrir le tour de consentement").click()
        assert facilitator.get_by_test_id("phase").inner_text() == "Tour de consentement"

        with person(chromium_browser, live_server, chloe) as tab:
            tab.goto(decision_url)
            tab.get_by_label("J'objecte").check()
            tab.get_by_role("button", name="Donner ma position").click()
            # no reason: refused, and the choice is kept
            assert tab.get_by_text("Une objection se motive").first.is_visible()
            assert tab.get_by_label("J'objecte").is_checked()
            tab.get_by_label("Motif").fill("Sans durée limitée, les mêmes personnes restent.")
            tab.get_by_role("button", name="Donner ma position").click()
            assert tab.get_by_text("Votre position est enregistrée.").is_visible()

        page.reload()
        page.get_by_label("Je consens").check()
        page.get_by_label("Préoccupation (facultatif, ne bloque pas)").fill("Prévoir un relais.")
        page.get_by_role("button", name="Donner ma position").click()

        facilitator.reload()
        assert "1 objection en cours" in facilitator.get_by_test_id("round-summary").inner_text()
        assert facilitator.get_by_role("button", name="Consigner l’adoption").count() == 0
        facilitator.get_by_label("Texte amendé").fill(
            "L'union est présidée par deux coprésident·es, pour un mandat de deux ans "
            "renouvelable une fois."
        )
        facilitator.get_by_label("Ce qui change").fill("Durée du mandat (objection de Chloé).")
        facilitator.get_by_role(
            "button", name="Amender et relancer un tour de consentement"
        ).click()
        assert re.search(
            r"tour 2, sur la version 2",
            facilitator.get_by_text(re.compile("tour 2")).first.inner_text(),
        )

        for member in (alix, chloe, dom):
            with person(chromium_browser, live_server, member) as tab:
                tab.goto(decision_url)
                assert tab.get_by_text("renouvelable une fois").first.is_visible()
                tab.get_by_label("Je consens").check()
                tab.get_by_role("button", name="Donner ma position").click()

        facilitator.reload()
        facilitator.get_by_role("button", name="Consigner l’adoption").click()
        outcome = facilitator.get_by_test_id("outcome").inner_text()
        assert outcome.startswith("Adoptée par consentement le")

    page.reload()
    assert page.get_by_text("version 2").first.is_visible()
    assert page.get_by_role("heading", name="Texte adopté").is_visible()
    page.get_by_text("Les 2 versions").click()
    assert page.get_by_text("Durée du mandat (objection de Chloé).").is_visible()
