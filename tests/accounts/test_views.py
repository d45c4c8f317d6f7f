"""Account pages: who gets what, forms keep input, e-mails, audit and deletion through HTTP."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from maillage.accounts import services
from maillage.accounts.enums import AuditAction, Role
from maillage.accounts.models import AuditEvent, Invitation, Membership, User
from tests.accounts.roles import ROLES

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


# ---------------------------------------------------------------- access per role

LOGGED_IN_PAGES = ["accounts:profile", "accounts:password_change", "accounts:my_data"]


@pytest.mark.parametrize("name", LOGGED_IN_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_own_account_pages(client_as, role, name):
    response = client_as(role).get(reverse(name))
    if role == "visitor":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("outsider", 403),
        ("member", 403),
        ("admin", 403),
        ("delegate", 200),
        ("other_delegate", 200),
        ("platform", 200),
    ],
)
def test_audit_log_page_access(client_as, role, status):
    assert client_as(role).get(reverse("accounts:audit_log")).status_code == status


def test_delegate_sees_only_their_unions_events(client_as, world):
    services.membership_remove(
        membership=Membership.objects.get(user=world["member"]), actor=world["admin"]
    )
    page = client_as("delegate").get(reverse("accounts:audit_log")).content.decode()
    assert "Membre retiré" in page
    client_as("delegate").logout()
    page = client_as("other_delegate").get(reverse("accounts:audit_log")).content.decode()
    assert "Membre retiré" not in page
    assert "Aucun événement" in page


@pytest.mark.parametrize("name", ["accounts:my_data_export", "accounts:account_delete"])
def test_personal_data_posts_require_login_and_post(client, name):
    assert client.post(reverse(name)).status_code == 302
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["accounts:login", "accounts:signup", "accounts:password_reset"])
def test_public_pages(client, name):
    assert client.get(reverse(name)).status_code == 200


# ---------------------------------------------------------------- login, sign-up, profile


def test_login_form_is_french_and_accessible(client):
    page = client.get(LOGIN).content.decode()
    assert '<label for="id_username">Adresse e-mail</label>' in page
    assert '<label for="id_password">Mot de passe</label>' in page
    assert "Se connecter</button>" in page


def test_login_with_wrong_password_keeps_email(client):
    UserFactory(email="lea@exemple.coop")
    response = client.post(LOGIN, {"username": "lea@exemple.coop", "password": "faux"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="lea@exemple.coop"' in page
    assert "Adresse e-mail ou mot de passe incorrect" in page


def test_login_is_case_insensitive_on_email(client):
    UserFactory(email="lea@exemple.coop")
    response = client.post(LOGIN, {"username": "Lea@Exemple.coop", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


def test_logout_is_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_signup_creates_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Noé Bernard",
            "email": "noe@exemple.coop",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="noe@exemple.coop")
    assert user.full_name == "Noé Bernard"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_errors_keep_input_and_are_linked(client):
    UserFactory(email="pris@exemple.coop")
    response = client.post(
        reverse("accounts:signup"),
        {"full_name": "Noé", "email": "pris@exemple.coop", "password1": "a", "password2": "b"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Noé"' in page
    assert 'value="pris@exemple.coop"' in page
    assert "Un compte existe déjà avec cette adresse e-mail" in page
    assert "Les deux mots de passe ne correspondent pas" in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_email_error"' in page
    assert 'aria-describedby="id_email_error"' in page


def test_signup_redirects_to_safe_next_only(client):
    data = {
        "full_name": "A",
        "email": "a@exemple.coop",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "next": "https://ailleurs.example/",
    }
    response = client.post(reverse("accounts:signup"), data)
    assert response["Location"] == reverse("accounts:profile")


def test_profile_edit_and_lists(client_as, world):
    client = client_as("admin")
    services.invitation_create(organisation=world.organisation, email="autre@exemple.coop")
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Scop des Essais" in page
    assert "Administrateur·ice" in page
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Nouveau Nom", "phone": "0102030405", "preferred_language": "fr"},
    )
    assert response.status_code == 302
    world["admin"].refresh_from_db()
    assert world["admin"].full_name == "Nouveau Nom"


def test_profile_shows_pending_invitations_and_join_requests(client_as, world):
    client = client_as("outsider")
    services.invitation_create(organisation=world.organisation, email=world["outsider"].email)
    services.join_request_create(
        user=world["outsider"], organisation=world.organisation, message="hello"
    )
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Accepter l'invitation de Scop des Essais" in page
    assert "En attente" in page


def test_accept_invitation_from_profile_only_for_addressee(client_as, world):
    invitation, _ = services.invitation_create(
        organisation=world.organisation, email=world["outsider"].email
    )
    url = reverse("accounts:invitation_accept", kwargs={"pk": invitation.pk})
    assert client_as("delegate").post(url).status_code == 403
    client_as("delegate").logout()
    assert client_as("outsider").post(url).status_code == 302
    assert Membership.objects.filter(user=world["outsider"]).exists()


def test_leave_organisation(client_as, world):
    membership = Membership.objects.get(user=world["member"])
    url = reverse("accounts:membership_leave", kwargs={"pk": membership.pk})
    assert client_as("admin").post(url).status_code == 403
    client_as("admin").logout()
    assert client_as("member").post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_last_admin_cannot_leave(client_as, world):
    membership = Membership.objects.get(user=world["admin"])
    url = reverse("accounts:membership_leave", kwargs={"pk": membership.pk})
    response = client_as("admin").post(url, follow=True)
    assert "doit garder au moins une personne administratrice" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    new = "un-autre-mot-de-passe-99"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


# ---------------------------------------------------------------- password reset


def test_password_reset_sends_french_email_and_link_works(client):
    user = UserFactory(email="oubli@exemple.coop")
    response = client.post(reverse("accounts:password_reset"), {"email": "oubli@exemple.coop"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Réinitialisation de votre mot de passe Maillage"
    assert "Pour choisir un nouveau mot de passe" in message.body
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body)
    assert link
    response = client.get(link.group(1), follow=True)
    assert "Choisir un nouveau mot de passe" in response.content.decode()
    new = "encore-un-mot-de-passe-7"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_for_unknown_email_sends_nothing_but_says_the_same(client):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "personne@exemple.coop"}, follow=True
    )
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert mail.outbox == []


# ---------------------------------------------------------------- invitation link


def test_invitation_link_for_visitor_offers_signup(client, world):
    _invitation, token = services.invitation_create(
        organisation=world.organisation, email="neuf@exemple.coop"
    )
    url = reverse("accounts:invitation", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "Créer mon compte" in page
    assert "email=neuf%40exemple.coop" in page
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_invitation_link_accept_then_reuse_refused(client, world):
    _invitation, token = services.invitation_create(
        organisation=world.organisation, email="neuf@exemple.coop", role=Role.MEMBER
    )
    url = reverse("accounts:invitation", kwargs={"token": token})
    person = UserFactory(email="neuf@exemple.coop")
    client.force_login(person)
    response = client.post(url)
    assert response["Location"] == reverse(
        "directory:detail", kwargs={"slug": world.organisation.slug}
    )
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_ACCEPTED).count() == 1
    page = client.get(url).content.decode()
    assert "déjà été utilisée" in page
    client.post(url)
    assert Invitation.objects.get().accepted_by == person


def test_invalid_invitation_token_is_404(client):
    assert client.get(reverse("accounts:invitation", kwargs={"token": "nope"})).status_code == 404


# ---------------------------------------------------------------- my data


def test_export_downloads_json_and_records(client_as, world):
    response = client_as("member").post(reverse("accounts:my_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment;" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == world["member"].email
    assert data["memberships"][0]["organisation"] == "Scop des Essais"
    event = AuditEvent.objects.get(action=AuditAction.DATA_EXPORTED)
    assert event.actor == world["member"]
    assert event.ip == "127.0.0.1"


def test_delete_account_requires_password(client_as, world):
    response = client_as("member").post(reverse("accounts:account_delete"), {"password": "faux"})
    assert response.status_code == 400
    assert "Mot de passe incorrect" in response.content.decode()
    assert User.objects.filter(pk=world["member"].pk).exists()


def test_delete_account_refused_for_last_admin(client_as, world):
    response = client_as("admin").post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    page = response.content.decode()
    assert "dernière personne administratrice de : Scop des Essais" in page
    assert User.objects.filter(pk=world["admin"].pk).exists()


def test_delete_account_logs_out_and_records(client_as, world):
    client = client_as("member")
    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=world["member"].pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_DELETED).count() == 1


def test_audit_log_query_count_does_not_grow(client_as, world, django_assert_max_num_queries):
    client = client_as("delegate")
    for _ in range(30):
        services.membership_add(
            organisation=world.organisation, user=UserFactory(), actor=world["admin"]
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("accounts:audit_log")).status_code == 200


def test_profile_query_count_does_not_grow(client_as, world, django_assert_max_num_queries):
    from tests.directory.factories import OrganisationFactory

    client = client_as("member")
    for _ in range(10):
        services.membership_add(organisation=OrganisationFactory(), user=world["member"])
        services.join_request_create(user=world["member"], organisation=OrganisationFactory())
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_login_takes_the_person_to_their_preferred_language(client):
    from tests.accounts.factories import PASSWORD
    from tests.accounts.factories import UserFactory as _UserFactory

    person = _UserFactory(preferred_language="en")
    response = client.post("/compte/connexion/", {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/compte/profil/"
