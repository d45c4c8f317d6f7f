"""The demo congress in a real browser: its real workshops and proposals, a member's ballot by
majority judgment and its receipt, the results after closing, and the recount from the
anonymous ballots."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from maillage.democracy import selectors, services
from maillage.democracy.majority_judgment import tally_ballot_export
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import login
from tests.democracy.factories import member_of_union

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def congress():
    event = services.demo_congress_create()
    vote = event.votes.get()
    rng = random.Random(20251120)
    proposals = selectors.vote_proposals(vote)
    for _ in range(12):
        grades = {p.pk: rng.choice([None, 0, 1, 2, 3, 4, 5, 6]) for p in proposals}
        services.ballot_cast(vote=vote, user=member_of_union(event.union), grades=grades)
    return event, vote


def test_demo_congress_shows_real_workshops_and_proposals(page, congress):
    page.goto("/vie-democratique/")
    page.get_by_role("link", name="Congrès régional du 20 novembre 2025").click()
    assert page.get_by_role("link", name="1. Démocratie dans les coopératives").is_visible()
    assert page.get_by_role("link", name="11. Solidarité").is_visible()
    assert page.get_by_role(
        "link", name="B. Comment renforcer le service aux adhérents ?"
    ).is_visible()

    page.get_by_role("link", name="2. Transition écologique").click()
    assert page.get_by_role("heading", name="Accélérer la transition écologique").is_visible()
    assert page.get_by_text(
        "Introduire des indicateurs écologiques dans les processus"
    ).is_visible()


def test_member_votes_then_results_and_recount(page, congress, tmp_path: Path):
    event, vote = congress
    member = member_of_union(event.union, email="camille@scop-du-moulin.coop")
    login(page, member.email, PASSWORD)
    page.wait_for_url("**/compte/profil/")

    page.goto(f"/vie-democratique/votes/{vote.pk}/")
    assert page.get_by_text("Une mention manquante compte comme « À rejeter »").first.is_visible()
    groups = page.get_by_role("group")
    assert groups.count() == 57

    # With the mouse (a label is a large target) …
    first = page.get_by_role("group", name=re.compile(r"^1\.1 "))
    first.get_by_label("Excellent", exact=True).check()
    # … and with the keyboard: arrows move within a radio group and choose.
    second = page.get_by_role("group", name=re.compile(r"^2\.4 "))
    second.get_by_label("Excellent", exact=True).focus()
    page.keyboard.press("ArrowRight")
    assert second.get_by_label("Très bien", exact=True).is_checked()
    page.get_by_role("group", name=re.compile(r"^11\.3 ")).get_by_label(
        "Insuffisant", exact=True
    ).check()
    page.get_by_role("button", name="Déposer mon bulletin").click()

    assert page.get_by_role("heading", name="Votre bulletin est déposé").is_visible()
    receipt = page.get_by_test_id("receipt").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){5}", receipt)
    public_id = page.get_by_test_id("public-id").inner_text()

    # The results are not published before closing.
    response = page.goto(f"/vie-democratique/votes/{vote.pk}/resultats/")
    assert response is not None and response.status == 403

    services.vote_close(vote=vote)
    page.goto(f"/vie-democratique/votes/{vote.pk}/resultats/")
    assert page.get_by_test_id("ballot-count").inner_text() == "13"
    ranking = page.locator("#ranking tbody tr")
    assert ranking.count() == 57
    shown_order = [ranking.nth(i).get_attribute("data-ref") for i in range(57)]
    chart = page.get_by_role("img", name=re.compile("Profils de mérite"))
    chart.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=chart.element_handle()
    )
    assert page.locator("#profiles tbody tr").count() == 57

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger les bulletins anonymes (CSV)").click()
    path = tmp_path / "bulletins.csv"
    download_info.value.save_as(path)
    with path.open(encoding="utf-8", newline="") as export:
        text = export.read()
    tally = tally_ballot_export(text.splitlines())
    assert list(tally.order) == shown_order
    assert public_id in text and receipt not in text
