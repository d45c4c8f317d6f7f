"""Pages per role: who sees and does what, forms that keep what was typed, the answer link."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.exchange import services
from maillage.exchange.enums import Answer, NeedStatus
from maillage.exchange.models import Need

from .factories import need, sent_need

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = ["visitor", "outsider", "agent", "delegate", "other_delegate", "platform"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("outsider", 403),
        ("agent", 200),
        ("delegate", 200),
        ("other_delegate", 403),
        ("platform", 200),
    ],
)
def test_need_page_per_role(client, p, network, role, status):
    created = need(author=p["agent"])
    response = _as(client, p.get(role)).get(reverse("exchange:detail", args=[created.pk]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("agent", False), ("delegate", True), ("other_delegate", False), ("platform", True)],
)
def test_only_delegates_of_the_territory_validate(client, p, network, role, allowed):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    response = _as(client, p[role]).post(
        reverse("exchange:validate", args=[created.pk]), {"sectors": "43.32A"}
    )
    created.refresh_from_db()
    assert (created.status == NeedStatus.VALIDATED) is allowed
    assert response.status_code == (302 if allowed else 403)


def test_buyer_member_of_the_buyer_organisation_sees_it_in_my_needs(client, p, network):
    created = need(author=p["buyer"], organisation=p["buyer_org"])
    response = _as(client, p["buyer"]).get(reverse("exchange:mine"))
    assert created.title in _page(response)


def test_posting_a_need_through_the_form(client, p, network):
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    data = {
        "buyer_kind": "public",
        "buyer_name": "Ville de Saint-Étienne",
        "buyer_siren": "214202186",
        "title": "Fenêtres de l'école",
        "description": "Menuiseries bois",
        "sectors": "4332a",
        "place_level": "commune",
        "place_code": "42218",
        "deadline": deadline,
    }
    response = _as(client, p["agent"]).post(reverse("exchange:create"), data)
    created = Need.objects.get()
    assert response.status_code == 302
    assert created.buyer_display == "Ville de Saint-Étienne"
    assert list(created.sectors.values_list("code", flat=True)) == ["43.32A"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sectors": ""}, "Indiquez au moins un secteur"),
        ({"sectors": "99.99Z"}, "Code NAF inconnu : 99.99Z"),
        ({"place_code": ""}, "Indiquez le lieu d"),
        ({"place_code": "99999"}, "introuvable"),
    ],
)
def test_bad_input_gives_a_clear_message_and_keeps_what_was_typed(
    client, p, network, change, message
):
    data = {
        "buyer_kind": "public",
        "buyer_name": "Ville de Saint-Étienne",
        "buyer_siren": "214202186",
        "title": "Un titre très reconnaissable",
        "description": "Une description soigneusement tapée",
        "sectors": "43.32A",
        "place_level": "commune",
        "place_code": "42218",
        "deadline": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        **change,
    }
    response = _as(client, p["agent"]).post(reverse("exchange:create"), data)
    page = _page(response)
    assert response.status_code == 200
    assert message in page
    assert "Un titre très reconnaissable" in page
    assert "Une description soigneusement tapée" in page
    assert not Need.objects.exists()


def test_validation_without_match_keeps_the_typed_sectors(client, p, network):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    response = _as(client, p["delegate"]).post(
        reverse("exchange:validate", args=[created.pk]), {"sectors": "81.30Z"}
    )
    page = _page(response)
    assert response.status_code == 400
    assert "Aucune coopérative ne correspond" in page
    assert 'value="81.30Z"' in page
    created.refresh_from_db()
    assert created.status == NeedStatus.SUBMITTED
    assert list(created.sectors.values_list("code", flat=True)) == ["43.32A"]


def _link(body: str) -> str:
    return next(line for line in body.splitlines() if "/reponse/" in line).split("testserver")[-1]


def test_supplier_answers_from_the_link_without_logging_in(client, p, network, settings):
    settings.SITE_URL = "http://testserver"
    created = sent_need(p)
    invitation = next(m for m in mail.outbox if "/reponse/" in m.body)
    url = _link(invitation.body)
    page = client.get(url)
    assert page.status_code == 200
    assert created.title in _page(page)
    response = client.post(url, {"action": "interested", "interested-comment": "Oui !"})
    assert response.status_code == 302
    solicitation = created.solicitations.get(email=invitation.to[0])
    assert solicitation.answer == Answer.INTERESTED
    again = client.post(url, {"action": "declined", "declined-reason": "scope"})
    assert again.status_code == 400
    assert "déjà répondu" in _page(again)
    assert "intéressée" in _page(client.get(url)).lower()
    question = client.post(url, {"action": "question", "question-question": "Un plan ?"})
    assert question.status_code == 302


def test_invalid_and_expired_links_say_so(client, p, network, settings):
    settings.SITE_URL = "http://testserver"
    response = client.get(reverse("exchange:answer", args=["nimportequoi"]))
    assert response.status_code == 404
    assert "n'est pas valide" in _page(response)
    created = sent_need(p)
    solicitation = created.solicitations.filter(invited_at__isnull=False).first()
    solicitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    solicitation.save()
    url = reverse("exchange:answer", args=[services.answer_token(solicitation.token_nonce)])
    page = _page(client.get(url))
    assert "a expiré" in page
    posted = client.post(url, {"action": "question", "question-question": "Encore ?"})
    assert posted.status_code == 400
    assert "a expiré" in _page(posted)


def test_received_page_lists_what_the_organisation_was_sent(client, p, network):
    from tests.accounts.factories import MembershipFactory

    created = sent_need(p)
    solicitation = created.solicitations.filter(invited_at__isnull=False).first()
    member = MembershipFactory(organisation=solicitation.organisation).user
    page = _page(_as(client, member).get(reverse("exchange:received")))
    assert created.title in page


def test_list_pages_have_a_bounded_number_of_queries(
    client, p, network, django_assert_max_num_queries
):
    for n in range(3):
        sent_need(p, title=f"Besoin {n}")
    _as(client, p["agent"])
    with django_assert_max_num_queries(12):
        client.get(reverse("exchange:mine"))
    _as(client, p["delegate"])
    with django_assert_max_num_queries(12):
        client.get(reverse("exchange:moderation"))


def test_alerts_page_creates_and_deletes(client, p, network):
    response = _as(client, p["buyer"]).post(
        reverse("exchange:alerts"),
        {
            "organisation": p["buyer_org"].pk,
            "sectors": "43",
            "zone_level": "departement",
            "zone_code": "42",
            "frequency": "weekly",
        },
    )
    assert response.status_code == 302
    alert = p["buyer_org"].exchange_alerts.get()
    assert alert.zone_label == "Loire (42)"
    assert (
        _as(client, p["outsider"])
        .post(reverse("exchange:alert-delete", args=[alert.pk]))
        .status_code
        == 403
    )
    assert (
        _as(client, p["buyer"]).post(reverse("exchange:alert-delete", args=[alert.pk])).status_code
        == 302
    )


def test_delegate_removes_and_adds_suppliers_in_the_page(client, p, network):
    created = need(author=p["agent"])
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    first = created.solicitations.get(rank=1)
    _as(client, p["delegate"])
    client.post(reverse("exchange:supplier-remove", args=[created.pk, first.pk]))
    first.refresh_from_db()
    assert first.excluded
    response = client.post(
        reverse("exchange:supplier-add", args=[created.pk]), {"organisation": "nexiste-pas"}
    )
    assert response.status_code == 400
    assert "nexiste-pas" in _page(response)
    assert (
        _as(client, p["agent"])
        .post(reverse("exchange:supplier-remove", args=[created.pk, first.pk]))
        .status_code
        == 403
    )
