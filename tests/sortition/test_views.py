"""Pages: who sees personal data, the published files, the verification page, the organisers'
journey, CSV errors per line, the quota diagnosis, and query-count guards."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.sortition import services
from maillage.sortition.enums import ConventionStatus
from maillage.sortition.models import Convention
from tests.accounts.factories import UserFactory

from .factories import convention_with_pool, drawn_convention, panel_members

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name: str, convention, *args) -> str:
    return reverse(f"sortition:{name}", args=[convention.slug, *args])


def test_pool_is_for_organisers_only(client):
    convention = convention_with_pool()
    response = client.get(url("pool", convention))
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    client.force_login(UserFactory())
    for name in ("pool", "quotas", "manage"):
        assert client.get(url(name, convention)).status_code == 403
    client.force_login(convention.organisers.get())
    response = client.get(url("pool", convention))
    assert response.status_code == 200
    assert "Volontaire Nominatif 3" in text(response) and "volontaire3@exemple.coop" in text(
        response
    )


def test_public_pages_and_files_carry_pseudonyms_only(client):
    convention = drawn_convention()
    client.force_login(UserFactory())
    pages = [
        client.get(url("detail", convention)),
        client.get(url("probabilities", convention)),
        client.get(url("lottery-file", convention)),
        client.post(url("verify", convention), {"seed": "12-34-56"}),
    ]
    members = panel_members(convention)
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for volunteer in convention.volunteers.all():
            assert volunteer.full_name not in body and volunteer.email not in body
    detail = pages[0].text
    assert convention.publication.sha256 in detail
    assert all(v.pseudonym in detail for v in members)
    assert pages[2]["Content-Disposition"].startswith("attachment")
    assert pages[2].content.decode() == convention.publication.content


def test_verification_page_recomputes_the_same_panel(client):
    convention = drawn_convention(seed="4-8-15-16-23-42")
    response = client.post(url("verify", convention), {"seed": " 4-8-15-16-23-42 "})
    assert response.context["verified"].index == convention.draw.index
    assert list(response.context["verified"].panel) == convention.draw.panel
    assert "C'est exactement le panel tiré et publié par les organisateurs." in text(response)

    # Another seed gives another panel, and the page says it is not the published one.
    response = client.post(url("verify", convention), {"seed": "autre graine"})
    assert response.context["matches"] is False

    # A downloaded copy (pretty-printed) verifies too; a tampered one is refused with its hash.
    document = json.loads(convention.publication.content)
    copy = SimpleUploadedFile("loterie.json", json.dumps(document, indent=2).encode())
    response = client.post(url("verify", convention), {"seed": "4-8-15-16-23-42", "file": copy})
    assert response.context["matches"] is True
    document["panels"][0], document["panels"][1] = document["panels"][1], document["panels"][0]
    document["panels"][0] = document["panels"][-1]
    tampered = SimpleUploadedFile("loterie.json", json.dumps(document).encode())
    response = client.post(url("verify", convention), {"seed": "4-8-15-16-23-42", "file": tampered})
    assert "différente de l'empreinte publiée" in text(response)


def test_csv_errors_are_listed_per_line(client):
    convention = convention_with_pool()
    client.force_login(convention.organisers.get())
    content = (
        "nom,email,consentement,Genre,Âge\nA,a@x.coop,oui,Femme,jeune\nB,b@x.coop,oui,Femme,vieux\n"
    )
    response = client.post(
        url("pool", convention), {"file": SimpleUploadedFile("v.csv", content.encode())}
    )
    assert (
        "Ligne 3 : « Âge » vaut « vieux », valeurs possibles : Moins de 35 ans, 35 ans et plus."
        in text(response)
    )
    assert "rien n'a été importé" in text(response)
    assert convention.volunteers.count() == 12


def test_quota_editor_explains_infeasible_quotas_and_keeps_what_was_typed(client):
    convention = convention_with_pool()
    client.force_login(convention.organisers.get())
    data = {
        "min__genre__femme": "3",
        "max__genre__femme": "4",
        "min__genre__homme": "3",
        "max__genre__homme": "4",
        "min__age__jeune": "0",
        "max__age__jeune": "4",
        "min__age__aine": "0",
        "max__age__aine": "4",
    }
    response = client.post(url("quotas", convention), data)
    assert "Diagnostic : aucun panel ne peut respecter ces quotas." in text(response)
    assert (
        "Genre : les minimums additionnés font 6, soit 2 sièges de plus que les 4 sièges du panel."
        in text(response)
    )
    assert "Les quotas réalisables les plus proches (2 sièges déplacés)" in text(response)
    assert 'name="min__genre__femme" value="3"' in text(response)
    data.update(
        {
            "min__genre__femme": "2",
            "max__genre__femme": "2",
            "min__genre__homme": "2",
            "max__genre__homme": "2",
        }
    )
    response = client.post(url("quotas", convention), data)
    assert "Diagnostic : au moins un panel respecte ces quotas." in text(response)


def test_organiser_journey_through_the_pages(client):
    convention = convention_with_pool()
    organiser = convention.organisers.get()
    client.force_login(organiser)
    response = client.post(url("run-request", convention))
    run = convention.runs.get()
    assert response["Location"] == url("run", convention, run.pk)
    page = client.get(response["Location"])
    assert "Probabilités de sélection (LEXIMIN)" in text(page) and "Volontaire Nominatif 0" in text(
        page
    )
    fragment = client.get(url("run", convention, run.pk), HTTP_HX_REQUEST="true")
    assert "<html" not in text(fragment) and 'id="run-status"' in text(fragment)
    client.post(url("publish", convention))
    response = client.post(url("draw", convention), {"seed": "1-2-3"}, follow=True)
    assert "Annoncez d'abord la source du hasard" in text(response)
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.PUBLISHED
    # A refused announcement comes back with what was typed, and nothing is announced.
    typed = "Les cinq numéros du tirage public, séparés par des tirets"
    refused = client.post(url("announce", convention), {"source": typed, "event_at": "demain"})
    assert refused.status_code == 400
    assert typed in text(refused)
    convention.refresh_from_db()
    assert convention.status == ConventionStatus.PUBLISHED
    record = client.get(url("run-record", convention, run.pk))
    assert json.loads(record.content)["versions"]["highspy"]


def test_volunteer_form_and_personal_page(client, django_capture_on_commit_callbacks):
    organiser = UserFactory()
    convention = services.convention_create(
        title="Panel ouvert",
        panel_size=2,
        features=convention_with_pool(organiser=organiser).features,
        organisers=[organiser],
    )
    response = client.post(
        url("volunteer", convention),
        {
            "full_name": "Inès Koné",
            "email": "ines@exemple.coop",
            "f_genre": "femme",
            "f_age": "jeune",
        },
    )
    assert "Sans votre consentement" in text(response)
    assert 'value="Inès Koné"' in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("volunteer", convention),
            {
                "full_name": "Inès Koné",
                "email": "ines@exemple.coop",
                "f_genre": "femme",
                "f_age": "jeune",
                "consent": "on",
            },
            follow=True,
        )
    entry = convention.volunteers.get()
    assert response.redirect_chain[-1][0] == url("mine", convention, entry.token)
    assert "Inès Koné" in text(response) and "Moins de 35 ans" in text(response)


def test_list_and_pool_query_counts(client, django_assert_max_num_queries):
    convention = convention_with_pool()
    client.force_login(convention.organisers.get())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("sortition:index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("pool", convention)).status_code == 200
    services.volunteers_import_csv(
        convention=convention,
        content=(
            "nom,email,consentement,genre,age\n"
            + "".join(f"N{k},n{k}@x.coop,oui,femme,aine\n" for k in range(30))
        ).encode(),
    )
    with django_assert_max_num_queries(12):
        assert client.get(url("pool", convention)).status_code == 200


def test_replacement_through_the_page(client):
    convention = drawn_convention()
    client.force_login(convention.organisers.get())
    declined = panel_members(convention)[0]
    response = client.post(
        url("declines", convention), {"declined": [str(declined.pk)]}, follow=True
    )
    assert "Les remplaçant·es sont tiré·es ; les quotas restent respectés." in text(response)
    assert len(panel_members(convention)) == 4
    detail = client.get(url("detail", convention))
    assert "Remplacements" in text(detail)


def test_area_page_links_to_sortition(client):
    response = client.get(reverse("core:area-democratie"))
    assert reverse("sortition:index") in text(response)


def test_a_volunteer_sees_their_own_probability(client):
    convention = convention_with_pool()
    entry = convention.volunteers.get(email="volontaire0@exemple.coop")
    page = client.get(url("mine", convention, entry.token))
    assert "affichée une fois calculée" in text(page)
    services.run_request(convention=convention, actor=None)
    page = client.get(url("mine", convention, entry.token))
    assert "(calculée ; définitive à la publication de la loterie)" in text(page)
    services.lottery_publish(convention=convention, actor=None)
    entry.refresh_from_db()
    page = client.get(url("mine", convention, entry.token))
    assert entry.pseudonym in text(page)
    assert re.search(r'data-testid="probability">\d+/1000<', text(page))
    assert client.get(url("mine", convention, "pas-le-bon-lien")).status_code == 404


def test_platform_administrators_create_conventions(client):
    client.force_login(UserFactory())
    assert client.get(reverse("sortition:create")).status_code == 403
    admin = UserFactory(is_staff=True)
    colleague = UserFactory(email="collegue@exemple.coop")
    client.force_login(admin)
    data = {
        "title": "Convention sur la transition",
        "panel_size": "20",
        "features": "Genre : femme, homme\nRôle : salarié·e associé·e, sociétaire",
        "organisers": "inconnu@exemple.coop",
    }
    response = client.post(reverse("sortition:create"), data)
    assert "Aucun compte pour : inconnu@exemple.coop." in text(response)
    assert 'value="Convention sur la transition"' in text(response)
    data["organisers"] = "collegue@exemple.coop"
    response = client.post(reverse("sortition:create"), data)
    convention = Convention.objects.get()
    assert response["Location"] == url("manage", convention)
    assert set(convention.organisers.all()) == {admin, colleague}
    assert convention.features[1]["values"][0] == {
        "key": "salariee-associee",
        "label": "salarié·e associé·e",
    }


def test_quotas_are_frozen_once_the_lottery_is_published(client):
    convention = convention_with_pool()
    services.run_request(convention=convention, actor=None)
    services.lottery_publish(convention=convention, actor=None)
    client.force_login(convention.organisers.get())
    page = client.get(url("quotas", convention))
    assert "disabled" in text(page) and "les quotas ne peuvent plus changer" in text(page)
    response = client.post(url("quotas", convention), {"min__genre__femme": "0"})
    assert "La loterie est publiée : le vivier ne peut plus changer." in text(response)
    assert convention.quotas.get(feature="genre", value="femme").min == 2
