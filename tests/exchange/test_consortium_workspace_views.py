"""The workspace pages per role: who sees a group, who acts, the proposals on the tender's page,
the htmx checklist, the previews and downloads."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from maillage.exchange import consortium_notes as notes
from maillage.exchange import consortium_services as services
from maillage.exchange.enums import ConsortiumStatus
from maillage.exchange.models import Consortium
from tests.accounts.factories import MembershipFactory, UserFactory

from .factories import consortium_world, supplier
from .test_consortium_workspace import _accept_all, _proposal_assignment

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world(p):
    return consortium_world(p)


@pytest.fixture
def consortium(world, p):
    return services.consortium_create(
        need=world["need"], actor=p["delegate"], assignment=_proposal_assignment(world)
    )


def test_the_tender_page_proposes_consortia_and_forms_one(client, world, p):
    client.force_login(p["delegate"])
    url = reverse("exchange:detail", args=[world["need"].pk])
    page = _text(client.get(url))
    assert "Groupements proposés" in page
    assert "Former ce groupement" in page
    assert 'name="lot_3"' in page
    data = {f"lot_{lot}": org.pk for lot, org in _proposal_assignment(world).items()}
    response = client.post(reverse("exchange:consortium-create", args=[world["need"].pk]), data)
    created = Consortium.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:consortium", args=[created.pk])
    assert created.members.count() == 3
    page = _text(client.get(response["Location"]))
    assert "Espace du groupement ouvert" in page
    assert "Menuiserie du Gier n'a pas encore accepté" in page
    # the group is listed on the tender's page
    assert created.name in _text(client.get(url))
    # a second click leads to the same workspace instead of opening another one
    again = client.post(reverse("exchange:consortium-create", args=[world["need"].pk]), data)
    assert again["Location"] == reverse("exchange:consortium", args=[created.pk])
    assert Consortium.objects.count() == 1
    assert "déjà un groupement ouvert" in _text(client.get(again["Location"]))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("outsider", 403),
        ("other_delegate", 403),
        ("agent", 403),
        ("delegate", 200),
        ("platform", 200),
        ("member", 200),
    ],
)
def test_only_members_and_the_unions_delegates_see_a_workspace(
    client, world, p, consortium, role, status
):
    user = world["admins"][1] if role == "member" else p.get(role)
    if user is not None:
        client.force_login(user)
    for name, args in (
        ("exchange:consortium", [consortium.pk]),
        ("exchange:consortium-document", [consortium.pk, "convention"]),
        ("exchange:consortium-document-pdf", [consortium.pk, "dc1"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == status
    response = client.post(
        reverse("exchange:consortium-comment", args=[consortium.pk]), {"body": "Bonjour"}
    )
    assert response.status_code in {status, 302}
    assert consortium.comments.exists() == (status == 200)


def test_a_non_member_cannot_act_on_a_workspace(client, world, consortium):
    outsider = MembershipFactory(organisation=supplier(name="Autre", code="43.21A")).user
    client.force_login(outsider)
    member = consortium.members.first()
    for name, args in (
        ("exchange:consortium-accept", [consortium.pk, member.pk]),
        ("exchange:consortium-mandataire", [consortium.pk, member.pk]),
        ("exchange:consortium-form", [consortium.pk]),
        ("exchange:consortium-checklist-toggle", [consortium.pk, consortium.checklist.first().pk]),
    ):
        assert client.post(reverse(name, args=args)).status_code == 403
    assert not consortium.checklist.filter(done=True).exists()


def test_members_accept_then_form_and_see_the_documents(client, world, consortium):
    for admin in world["admins"]:
        client.force_login(admin)
        member = consortium.members.get(organisation__memberships__user=admin)
        page = _text(client.get(reverse("exchange:consortium", args=[consortium.pk])))
        assert f"Accepter pour {member.organisation.name}" in page
        response = client.post(
            reverse("exchange:consortium-accept", args=[consortium.pk, member.pk])
        )
        assert response.status_code == 302
    response = client.post(reverse("exchange:consortium-form", args=[consortium.pk]), follow=True)
    assert "Groupement constitué" in _text(response)
    consortium.refresh_from_db()
    assert consortium.status == ConsortiumStatus.FORMED
    page = _text(client.get(reverse("exchange:consortium", args=[consortium.pk])))
    assert "Télécharger « Convention de groupement » (PDF)" in page
    assert "Télécharger le DC2 de Couleurs Loire (PDF)" in page
    preview = _text(
        client.get(reverse("exchange:consortium-document", args=[consortium.pk, "convention"]))
    )
    assert "Projet — à vérifier par le service juridique" in preview
    assert world["coops"][0].establishments.get().siret in preview
    download = client.get(reverse("exchange:consortium-document-pdf", args=[consortium.pk, "dc1"]))
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert "attachment" in download["Content-Disposition"]
    painter = consortium.members.get(organisation__name="Couleurs Loire")
    dc2 = client.get(
        reverse("exchange:consortium-member-document-pdf", args=[consortium.pk, "dc2", painter.pk])
    )
    assert dc2.content.startswith(b"%PDF-")
    assert (
        client.get(reverse("exchange:consortium-document", args=[consortium.pk, "dc4"])).status_code
        == 404
    )


def test_forming_too_early_says_why_on_the_page(client, world, consortium, p):
    client.force_login(p["delegate"])
    response = client.post(reverse("exchange:consortium-form", args=[consortium.pk]), follow=True)
    page = _text(response)
    assert "ne peut pas encore être constitué" in page
    assert "Élec Coop n'a pas encore accepté" in page


def test_checklist_toggles_through_htmx(client, world, consortium):
    admin = world["admins"][0]
    _accept_all(consortium, world)
    client.force_login(admin)
    item = consortium.checklist.first()
    response = client.post(
        reverse("exchange:consortium-checklist-toggle", args=[consortium.pk, item.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    fragment = _text(response)
    assert fragment.lstrip().startswith(f'<li id="point-{item.pk}"')
    assert "☑ Convention de groupement signée" in fragment
    assert f"fait par {admin}" in fragment
    item.refresh_from_db()
    assert item.done


def test_refused_forms_keep_what_was_typed(client, world, consortium, p):
    client.force_login(p["delegate"])
    member = consortium.members.get(organisation__name="Élec Coop")
    response = client.post(
        reverse("exchange:consortium-member-update", args=[consortium.pk, member.pk]),
        {f"m{member.pk}-share_percent": "140"},
    )
    assert response.status_code == 400
    assert 'value="140"' in response.content.decode()
    response = client.post(
        reverse("exchange:consortium-member-add", args=[consortium.pk]),
        {"organisation": "999999999", "share_percent": "12"},
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Aucune organisation de l'annuaire ne correspond à « 999999999 »" in page
    assert 'value="999999999"' in page


def test_composition_is_frozen_once_formed(client, world, consortium, p):
    _accept_all(consortium, world)
    services.consortium_form(consortium=consortium, actor=p["delegate"])
    client.force_login(p["delegate"])
    member = consortium.members.get(organisation__name="Élec Coop")
    response = client.post(
        reverse("exchange:consortium-member-remove", args=[consortium.pk, member.pk]), follow=True
    )
    assert "sa composition ne peut plus changer" in _text(response)
    assert consortium.members.count() == 3


def test_workspace_and_list_pages_query_count_does_not_grow(
    client, world, p, consortium, django_assert_max_num_queries
):
    client.force_login(world["admins"][0])
    for i in range(6):
        notes.comment_add(consortium=consortium, actor=world["admins"][0], body=f"Note {i}")
        notes.checklist_add(consortium=consortium, actor=p["delegate"], label=f"Pièce {i}")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("exchange:consortium", args=[consortium.pk])).status_code == 200
    for lot in (1, 2, 3):
        services.consortium_create(
            need=world["need"], actor=world["admins"][0], assignment={lot: world["coops"][lot - 1]}
        )
    with django_assert_max_num_queries(8):
        page = _text(client.get(reverse("exchange:consortia")))
    assert page.count("Rénovation de l'école Jules-Ferry") >= 4


def test_a_stranger_cannot_open_a_workspace_on_a_tender(client, world):
    client.force_login(UserFactory())
    response = client.post(reverse("exchange:consortium-create", args=[world["need"].pk]))
    assert response.status_code == 403
    assert not Consortium.objects.exists()


def test_an_invited_cooperative_reads_and_accepts_before_it_can_edit(client, world, consortium):
    admin = world["admins"][2]
    client.force_login(admin)
    item = consortium.checklist.first()
    toggle = reverse("exchange:consortium-checklist-toggle", args=[consortium.pk, item.pk])
    assert client.get(reverse("exchange:consortium", args=[consortium.pk])).status_code == 200
    assert client.post(toggle).status_code == 403
    member = consortium.members.get(organisation__memberships__user=admin)
    client.post(reverse("exchange:consortium-accept", args=[consortium.pk, member.pk]))
    assert client.post(toggle).status_code == 302
    item.refresh_from_db()
    assert item.done


def test_my_consortia_lists_those_of_my_cooperative_and_of_my_union(client, world, p, consortium):
    for user in (world["admins"][0], p["delegate"]):
        client.force_login(user)
        assert consortium.name in _text(client.get(reverse("exchange:consortia")))
    client.force_login(p["other_delegate"])
    assert consortium.name not in _text(client.get(reverse("exchange:consortia")))
