"""Who may do what (per role) and the pages a person would use, with query-count guards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.mentoring import perms, services
from maillage.mentoring.enums import EventStatus, RequestKind
from maillage.mentoring.models import AmbassadorEvent
from tests.accounts.factories import DelegateAssignmentFactory, MembershipFactory, UserFactory
from tests.mentoring.factories import (
    ambassador,
    commune,
    cooperative,
    event,
    next_weekday,
    sponsor,
    union_aura,
    union_bretagne,
)
from tests.mentoring.test_ical import parse

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


@pytest.fixture
def world(db):
    union = union_aura()
    commune("29019")
    org = cooperative("42218", name="Scic du Pilat")
    people = {
        "visitor": AnonymousUser(),
        "outsider": UserFactory(),
        "member": MembershipFactory(organisation=org, role=Role.MEMBER).user,
        "admin": MembershipFactory(organisation=org, role=Role.ADMIN).user,
        "delegate": DelegateAssignmentFactory(union=union).user,
        "other_delegate": DelegateAssignmentFactory(union=union_bretagne()).user,
        "platform": UserFactory(is_staff=True),
    }
    volunteer = sponsor("42095")
    services.request_create(organisation=org, kind=RequestKind.SPONSOR, created_by=None)
    speaker = ambassador("42218")
    talk = event()
    run = services.run_create(union=union, by=None)
    outcome = services.run_accept(run=run, by=None)
    talk.refresh_from_db()
    return {
        "union": union,
        "org": org,
        "people": people,
        "volunteer": volunteer,
        "speaker": speaker,
        "event": talk,
        "sponsorship": outcome.sponsorships[0],
    }


EXPECT = {
    # predicate: roles for which it is true
    "manage_union": {"delegate", "platform"},
    "view_volunteer": {"member", "admin", "delegate", "other_delegate", "platform"},
    "view_sponsorship": {"member", "admin", "delegate", "platform"},
    "write_sponsorship": {"member", "admin"},
    "request_for": {"admin", "delegate", "platform"},
    "view_event": {"delegate", "platform"},
    "list_volunteers": {"delegate", "other_delegate", "platform"},
}


@pytest.mark.parametrize("role", ROLES)
def test_permissions_per_role(world, role):
    user = world["people"][role]
    answers = {
        "manage_union": perms.can_manage_union(user, world["union"]),
        "view_volunteer": perms.can_view_volunteer(user, world["volunteer"]),
        "view_sponsorship": perms.can_view_sponsorship(user, world["sponsorship"]),
        "write_sponsorship": perms.can_write_sponsorship(user, world["sponsorship"]),
        "request_for": perms.can_request_for(user, world["org"]),
        "view_event": perms.can_view_event(user, world["event"]),
        "list_volunteers": perms.can_list_volunteers(user),
    }
    assert answers == {name: role in roles for name, roles in EXPECT.items()}


def test_ambassador_sees_own_event_and_volunteer_side(world):
    speaker_user = world["speaker"].user
    assert world["event"].ambassador == world["speaker"]
    assert perms.can_view_event(speaker_user, world["event"])
    assert perms.side_of(world["people"]["member"], world["sponsorship"]) == "newcomer"


def _client(client, world, role):
    user = world["people"][role]
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("member", 403),
        ("other_delegate", 403),
        ("delegate", 200),
        ("platform", 200),
    ],
)
def test_dashboard_access(client, world, role, status):
    response = _client(client, world, role).get(f"/parrainage/union/{world['union'].slug}/")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("outsider", 403),
        ("other_delegate", 403),
        ("member", 200),
        ("delegate", 200),
    ],
)
def test_sponsorship_page_access(client, world, role, status):
    response = _client(client, world, role).get(f"/parrainage/suivi/{world['sponsorship'].pk}/")
    assert response.status_code == status


def test_dashboard_shows_stale_and_audience(client, world, django_assert_max_num_queries):
    sp = world["sponsorship"]
    type(sp).objects.filter(pk=sp.pk).update(last_news_at=timezone.now() - timedelta(days=70))
    client.force_login(world["people"]["delegate"])
    with django_assert_max_num_queries(15):
        response = client.get(f"/parrainage/union/{world['union'].slug}/?jours=60")
    body = response.content.decode()
    assert "Sans nouvelles depuis 60 jours" in body
    assert "Scic du Pilat" in body
    assert "28 participants" in body
    response = client.get(f"/parrainage/union/{world['union'].slug}/?jours=90")
    assert response.context["board"].totals["stale"] == 0


def test_volunteer_list_query_guard(client, world, django_assert_max_num_queries):
    for code in ("42218", "69123", "42095"):
        ambassador(code)
    client.force_login(world["people"]["delegate"])
    with django_assert_max_num_queries(10):
        response = client.get("/parrainage/benevoles/")
    assert response.status_code == 200


def test_run_page_shows_explanations_and_greedy(client, world):
    org = cooperative("69123", name="Scop Nouvelle")
    services.request_create(organisation=org, kind=RequestKind.SPONSOR, created_by=None)
    client.force_login(world["people"]["delegate"])
    response = client.post(f"/parrainage/union/{world['union'].slug}/appariement/", follow=True)
    body = response.content.decode()
    assert "Premier arrivé" in body
    assert "Scop Nouvelle" in body
    assert "hors de tous les territoires" in body  # the 42 sponsor does not cover Lyon


def test_public_event_form(client, world):
    day = next_weekday(2)
    data = {
        "requester_type": "school",
        "requester_name": "Collège Jean-Moulin",
        "title": "Les coopératives",
        "commune": "42218",
        "day": day.isoformat(),
        "start": "09:00",
        "end": "10:30",
        "audience": "college",
        "audience_size": "30",
        "topic": "governance",
        "contact_name": "M. Durand",
        "contact_email": "durand@college.example",
    }
    past = {**data, "day": (timezone.localdate() - timedelta(days=2)).isoformat()}
    response = client.post("/parrainage/ambassadeurs/demande/", past)
    assert "La date de l&#x27;intervention est passée" in response.content.decode()
    spam = {**data, "website": "http://spam.example"}
    assert client.post("/parrainage/ambassadeurs/demande/", spam).status_code == 200
    response = client.post("/parrainage/ambassadeurs/demande/", data)
    assert response.status_code == 302
    created = AmbassadorEvent.objects.get(requester_name="Collège Jean-Moulin")
    assert created.status == EventStatus.TO_VALIDATE
    assert created.created_by is None


def test_event_ics_and_feed(client, world):
    speaker = world["speaker"].user
    client.force_login(speaker)
    response = client.get(f"/parrainage/interventions/{world['event'].pk}/intervention.ics")
    assert response["Content-Type"].startswith("text/calendar")
    [vevent] = parse(response.content.decode())
    assert "Collège Jules-Vallès" in vevent["SUMMARY"]
    page = client.get("/parrainage/agenda/")
    url = page.context["feed_url"]
    client.logout()
    response = client.get(url.split("testserver")[1])
    assert response.status_code == 200
    assert len(parse(response.content.decode())) == 1
    assert client.get("/parrainage/agenda/1-abc.ics").status_code == 404


def test_pages_render_for_a_member(client, world):
    client.force_login(world["people"]["admin"])
    for url in (
        "/parrainage/",
        f"/parrainage/demande/{world['org'].slug}/",
        "/parrainage/engagement/mentor/",
        "/parrainage/engagement/ambassadeur/",
        f"/parrainage/engagement/cooperative/{world['org'].slug}/",
        f"/parrainage/benevoles/{world['volunteer'].pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_volunteer_form_saves(client, world):
    user = world["people"]["outsider"]
    client.force_login(user)
    response = client.post(
        "/parrainage/engagement/mentor/",
        {
            "commune": "42218",
            "scopes": ["departement"],
            "capacity": "2",
            "topics": ["finance"],
            "formats": ["one_to_one"],
            "experience_years": "12",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    volunteer = user.mentoring_volunteers.get()
    assert volunteer.territories == ["departement:42"]
    assert volunteer.capacity == 2
