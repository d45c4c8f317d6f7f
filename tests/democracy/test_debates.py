"""Exchanges of governance practices: open to members, moderated by delegates."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from maillage.democracy import services
from maillage.democracy.models import DebatePost, DebateTheme, PostReport
from tests.accounts.factories import DelegateAssignmentFactory, UserFactory
from tests.democracy.factories import cooperator

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme():
    return DebateTheme.objects.get(slug="sociocratie")


@pytest.fixture
def member():
    return cooperator(full_name="Mathilde Scop")


@pytest.fixture
def delegate():
    return DelegateAssignmentFactory().user


@pytest.fixture
def thread(theme, member):
    return services.thread_create(
        theme=theme,
        author=member,
        title="Élection sans candidat : vos retours",
        body="Nous l'avons essayée pour notre cogérance.",
    )


def test_the_congress_themes_are_there(client, member):
    client.force_login(member)
    page = client.get(reverse("democracy:debates")).content.decode()
    for name in (
        "Sociocratie",
        "Coprésidence et cogérance",
        "Gouvernance partagée",
        "Place des salariés",
    ):
        assert name in page


def test_only_cooperative_members_and_moderators_read(client, thread):
    url = reverse("democracy:thread", args=[thread.pk])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 403 and "réservés aux membres" in response.content.decode()
    with pytest.raises(services.DemocracyError):
        services.post_create(thread=thread, author=UserFactory(), body="Bonjour")
    client.force_login(DelegateAssignmentFactory().user)
    assert client.get(url).status_code == 200


def test_open_a_thread_and_reply_without_javascript(client, theme, member):
    client.force_login(member)
    url = reverse("democracy:debate-theme", args=[theme.slug])
    response = client.post(url, {"title": "Cercles", "body": ""})
    assert response.status_code == 400
    response = client.post(
        url, {"title": "Cercles", "body": "Comment organisez-vous vos cercles ?"}
    )
    thread = theme.threads.get()
    assert response.url == reverse("democracy:thread", args=[thread.pk])
    other = cooperator()
    client.force_login(other)
    response = client.post(
        reverse("democracy:thread-reply", args=[thread.pk]), {"body": "Par métier."}
    )
    last = thread.posts.last()
    assert response.status_code == 302 and response.url.endswith(f"#post-{last.pk}")
    assert thread.posts.count() == 2


def test_htmx_reply_appends_the_post_and_errors_keep_the_text(client, thread):
    client.force_login(cooperator(full_name="Rémi Réponse"))
    url = reverse("democracy:thread-reply", args=[thread.pk])
    response = client.post(url, {"body": "Chez nous, ça marche."}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chez nous, ça marche." in page and "Rémi Réponse" in page
    assert 'hx-swap-oob="outerHTML"' in page and "<html" not in page
    response = client.post(url, {"body": "   "}, HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == "#reply"
    assert "obligatoire" in response.content.decode()
    too_long = "x" * 8001
    response = client.post(url, {"body": too_long}, HTTP_HX_REQUEST="true")
    assert too_long in response.content.decode()  # what was typed is kept


def test_delegate_hides_a_post_with_a_reason_kept_for_the_record(client, thread, member, delegate):
    post = thread.posts.get()
    client.force_login(member)
    moderate = reverse("democracy:post-moderate", args=[post.pk])
    assert client.post(moderate, {"text": "Non"}).status_code == 403
    client.force_login(delegate)
    client.post(moderate, {"action": "hide", "text": ""})
    post.refresh_from_db()
    assert not post.is_hidden  # a reason is required
    client.post(moderate, {"action": "hide", "text": "Propos hors sujet."})
    post.refresh_from_db()
    assert post.is_hidden and post.body == "Nous l'avons essayée pour notre cogérance."
    client.force_login(cooperator())
    page = client.get(reverse("democracy:thread", args=[thread.pk])).content.decode()
    assert "Propos hors sujet." in page and "notre cogérance" not in page
    client.force_login(delegate)
    page = client.get(reverse("democracy:thread", args=[thread.pk])).content.decode()
    assert "notre cogérance" in page  # moderators still read it


def test_report_then_moderation_queue(client, thread, delegate):
    post = thread.posts.get()
    reporter = cooperator()
    client.force_login(reporter)
    url = reverse("democracy:post-report", args=[post.pk])
    client.post(url, {"text": "Données personnelles d'un salarié."})
    response = client.post(url, {"text": "Encore"}, follow=True)
    assert "déjà signalé" in response.content.decode()
    assert PostReport.objects.count() == 1
    assert client.get(reverse("democracy:debate-reports")).status_code == 403

    client.force_login(delegate)
    page = client.get(reverse("democracy:debate-reports")).content.decode()
    assert "Données personnelles d&#x27;un salarié." in page
    services.post_hide(post=post, moderator=delegate, reason="Données personnelles.")
    assert PostReport.objects.get().resolved_by == delegate
    assert "Aucun signalement" in client.get(reverse("democracy:debate-reports")).content.decode()


def test_locked_thread_stays_readable_but_refuses_replies(client, thread, delegate, member):
    client.force_login(delegate)
    client.post(
        reverse("democracy:thread-moderate", args=[thread.pk]),
        {"action": "lock", "text": "Clos après la rencontre."},
    )
    thread.refresh_from_db()
    assert thread.is_locked
    client.force_login(member)
    page = client.get(reverse("democracy:thread", args=[thread.pk])).content.decode()
    assert "Clos après la rencontre." in page and "Votre réponse" not in page
    response = client.post(
        reverse("democracy:thread-reply", args=[thread.pk]), {"body": "Encore un mot"}
    )
    assert response.status_code == 400 and "verrouillé" in response.content.decode()
    assert thread.posts.count() == 1


def test_pagination_and_query_counts(client, thread, member, theme, django_assert_max_num_queries):
    for i in range(45):
        services.post_create(thread=thread, author=member, body=f"Message numéro {i}")
    for i in range(25):
        services.thread_create(theme=theme, author=member, title=f"Fil {i}", body="Corps")
    client.force_login(member)
    url = reverse("democracy:thread", args=[thread.pk])
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert page.count('class="card post') == 20 and "Page 1 sur 3" in page
    assert "Votre réponse" not in page  # reply on the last page
    with django_assert_max_num_queries(10):
        last = client.get(url + "?page=3").content.decode()
    assert "Message numéro 44" in last and "Votre réponse" in last
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("democracy:debate-theme", args=[theme.slug])).content.decode()
    assert "Page 1 sur 2" in listing
    assert DebatePost.objects.filter(thread=thread).count() == 46


def test_themes_index_query_count(client, thread, delegate, django_assert_max_num_queries):
    client.force_login(delegate)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("democracy:debates")).content.decode()
    assert re.search(r"0 signalements? à examiner", page) and "1 fil" in page
