"""Mentoring services: requests, the assignment run and its acceptance, follow-up, events,
reminders, calendar feeds and the demo; with the rules' messages a person would read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.mentoring import services
from maillage.mentoring.enums import (
    EventStatus,
    MilestoneKind,
    RequestKind,
    RequestStatus,
    RunStatus,
    Side,
    SponsorshipStatus,
    Topic,
    VolunteerKind,
)
from maillage.mentoring.models import Milestone, Reminder, Sponsorship
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import (
    admin_of,
    ambassador,
    at,
    commune,
    cooperative,
    event,
    mentor,
    next_weekday,
    sponsor,
)

pytestmark = pytest.mark.django_db


def new_request(code="42218", kind=RequestKind.SPONSOR, **extra):
    org = cooperative(code)
    return services.request_create(organisation=org, kind=kind, created_by=admin_of(org), **extra)


def test_one_open_request_per_kind(union):
    request = new_request()
    with pytest.raises(services.MentoringError, match="déjà en attente"):
        services.request_create(
            organisation=request.organisation, kind=RequestKind.SPONSOR, created_by=None
        )
    # A mentor request is another kind, and needs a topic.
    with pytest.raises(services.MentoringError, match="thème"):
        services.request_create(
            organisation=request.organisation, kind=RequestKind.MENTOR, created_by=None
        )
    assert request.union == union


def test_run_accept_creates_sponsorship_with_milestones(union):
    near = sponsor("42095", capacity=1)
    request = new_request("42218")
    run = services.run_create(union=union, by=None)
    assert run.result["optimal"]["assigned"] == 1
    item = run.result["items"][0]
    assert item["volunteer"] == near.pk
    assert "km" in item["text"] and near.organisation.name in item["text"]
    outcome = services.run_accept(run=run, by=None)
    assert len(outcome.sponsorships) == 1
    sponsorship = outcome.sponsorships[0]
    assert sponsorship.volunteer == near
    assert sorted(sponsorship.milestones.values_list("kind", flat=True)) == sorted(
        MilestoneKind.values
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    run.refresh_from_db()
    assert run.status == RunStatus.ACCEPTED
    assert mail.outbox, "both sides are told"
    with pytest.raises(services.MentoringError):
        services.run_accept(run=run, by=None)


def test_capacity_is_rechecked_at_acceptance(union):
    volunteer = sponsor("42095", capacity=1)
    new_request("42218")
    run = services.run_create(union=union, by=None)
    # Meanwhile another proposal is accepted for the same sponsor.
    Sponsorship.objects.create(
        request=new_request("69123"), volunteer=volunteer, started_on=timezone.localdate()
    )
    outcome = services.run_accept(run=run, by=None)
    assert not outcome.sponsorships
    assert "capacité dépassée" in outcome.skipped[0]


def test_capacity_cannot_drop_below_load(union):
    volunteer = sponsor("42095", capacity=2)
    for code in ("42218", "69123"):
        Sponsorship.objects.create(
            request=new_request(code), volunteer=volunteer, started_on=timezone.localdate()
        )
    with pytest.raises(services.MentoringError, match="Capacité dépassée"):
        services.volunteer_save(
            kind=VolunteerKind.SPONSOR,
            organisation=volunteer.organisation,
            commune=volunteer.commune,
            territories=volunteer.territories,
            capacity=1,
        )


def test_request_outside_every_territory_gets_reason_and_nearest(union):
    sponsor("42095", territories=["departement:42"])
    request = new_request("69123")
    run = services.run_create(union=union, by=None)
    assert not run.result["items"]
    miss = run.result["unassigned"][0]
    assert miss["key"] == f"r{request.pk}"
    assert miss["reason"] == "no_territory"
    assert "hors de tous les territoires" in miss["text"]
    assert miss["nearest"] and miss["nearest"][0]["covers_territory"] is False


def test_delegate_imposes_and_forbids_then_reruns(union):
    near = sponsor("42095", capacity=1)
    far = sponsor("69123", capacity=1, territories=["union:auvergne-rhone-alpes"])
    request = new_request("42218")
    run = services.run_create(union=union, by=None)
    assert run.result["items"][0]["volunteer"] == near.pk
    forbidden = services.run_override(
        run=run, by=None, action="forbid", key=f"r{request.pk}", volunteer=near.pk
    )
    assert forbidden.result["items"][0]["volunteer"] == far.pk
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED
    lifted = services.run_override(
        run=forbidden, by=None, action="clear", key=f"r{request.pk}", volunteer=near.pk
    )
    assert lifted.result["items"][0]["volunteer"] == near.pk
    imposed = services.run_override(
        run=lifted, by=None, action="fix", key=f"r{request.pk}", volunteer=far.pk
    )
    assert imposed.result["items"][0]["fixed"] is True
    assert imposed.result["items"][0]["volunteer"] == far.pk


def test_greedy_differences_are_reported(union):
    # Two requests, two sponsors: first come takes the sponsor both prefer.
    a = sponsor("42095", capacity=1, territories=["union:auvergne-rhone-alpes"])
    b = sponsor("69123", capacity=1, territories=["union:auvergne-rhone-alpes"])
    first = new_request("42218")
    second = new_request("42095")
    run = services.run_create(union=union, by=None)
    greedy = run.result["greedy"]
    assert run.result["optimal"]["assigned"] == 2
    assert greedy["total_cost"] >= run.result["optimal"]["total_cost"] - 1e-9
    by_key = {i["key"]: i for i in run.result["items"]}
    assert {by_key[f"r{first.pk}"]["volunteer"], by_key[f"r{second.pk}"]["volunteer"]} == {
        a.pk,
        b.pk,
    }
    assert greedy["differences"] == sum(1 for i in run.result["items"] if i["differs"])


def test_mentor_request_needs_the_topic(union):
    mentor("42095", topics=[Topic.FINANCE])
    request = new_request("42218", kind=RequestKind.MENTOR, topic=Topic.SCIC)
    run = services.run_create(union=union, by=None)
    assert run.result["unassigned"][0]["key"] == f"r{request.pk}"
    assert run.result["unassigned"][0]["reason"] == "no_topic"


# --- events -------------------------------------------------------------------------------


def test_event_in_the_past_is_refused(union):
    with pytest.raises(services.MentoringError, match="passée"):
        event(day=timezone.localdate() - timedelta(days=1))


def test_event_end_before_start_is_refused(union):
    day = next_weekday(1)
    with pytest.raises(services.MentoringError, match="fin"):
        services.event_create(
            title="x",
            requester_type="school",
            requester_name="Collège",
            contact_name="A",
            contact_email="a@example.org",
            commune=commune("42218"),
            starts_at=at(day, 11),
            ends_at=at(day, 10),
            audience="college",
            audience_size=20,
            topic=Topic.GOVERNANCE,
        )


def test_public_request_waits_for_validation(union):
    pending = event(validated=False)
    assert pending.status == EventStatus.TO_VALIDATE
    ambassador("42218")
    run = services.run_create(union=union, by=None)
    assert run.result["items"] == []  # not proposed before validation
    services.event_validate(event=pending, by=UserFactory())
    pending.refresh_from_db()
    assert pending.status == EventStatus.OPEN
    run = services.run_create(union=union, by=None)
    assert run.result["items"][0]["key"] == f"e{pending.pk}"


def test_overlapping_events_never_go_to_the_same_ambassador(union):
    only = ambassador("42218")
    day = next_weekday(1)
    first = event(day=day, start=10, title="Classe A")
    second = event(day=day, start=11, title="Classe B")  # overlaps 10–12
    later = event(day=day, start=14, title="Classe C")
    run = services.run_create(union=union, by=None)
    keys = {i["key"] for i in run.result["items"]}
    assert f"e{later.pk}" in keys
    assert len(keys & {f"e{first.pk}", f"e{second.pk}"}) == 1
    miss = run.result["unassigned"][0]
    assert miss["reason"] == "contention"
    outcome = services.run_accept(run=run, by=None)
    assert {e.ambassador_id for e in outcome.events} == {only.pk}
    # An overlap imposed by hand is refused with a clear message.
    first.refresh_from_db()
    second.refresh_from_db()
    missing = first if first.status == EventStatus.OPEN else second
    assert missing.status == EventStatus.OPEN
    with pytest.raises(services.MentoringError, match="chevauche"):
        services.run_create(union=union, by=None, fixed=[[f"e{missing.pk}", only.pk]])


def test_ambassador_date_availability(union):
    ambassador("42218", weekdays=[0])  # Mondays only
    tuesday = event(day=next_weekday(1))
    run = services.run_create(union=union, by=None)
    miss = run.result["unassigned"][0]
    assert miss["key"] == f"e{tuesday.pk}"
    assert miss["reason"] == "unavailable"
    assert "disponible" in miss["text"]


def test_event_format_and_topic(union):
    ambassador("42218", formats=["event"], topics=[Topic.TRANSITION])
    school = event()
    run = services.run_create(union=union, by=None)
    assert run.result["unassigned"][0]["key"] == f"e{school.pk}"
    assert run.result["unassigned"][0]["reason"] == "no_topic"


# --- follow-up ----------------------------------------------------------------------------


@pytest.fixture
def sponsorship(union):
    sponsor("42095")
    new_request("42218")
    run = services.run_create(union=union, by=None)
    return services.run_accept(run=run, by=None).sponsorships[0]


def test_both_sides_log_the_first_meeting(sponsorship):
    first = sponsorship.milestones.get(kind=MilestoneKind.FIRST_MEETING)
    services.milestone_log(milestone=first, side=Side.NEWCOMER)
    first.refresh_from_db()
    assert not first.is_done
    services.milestone_log(milestone=first, side=Side.VOLUNTEER)
    first.refresh_from_db()
    assert first.is_done


def test_milestone_in_the_future_is_refused(sponsorship):
    first = sponsorship.milestones.get(kind=MilestoneKind.FIRST_MEETING)
    with pytest.raises(services.MentoringError, match="futur"):
        services.milestone_log(
            milestone=first, side=Side.NEWCOMER, on=timezone.localdate() + timedelta(days=1)
        )


def test_notes_refresh_news_and_feedback_ends(sponsorship):
    Sponsorship.objects.filter(pk=sponsorship.pk).update(
        last_news_at=timezone.now() - timedelta(days=90)
    )
    author = UserFactory()
    services.note_add(sponsorship=sponsorship, author=author, side=Side.VOLUNTEER, body="Bien.")
    sponsorship.refresh_from_db()
    assert sponsorship.last_news_at > timezone.now() - timedelta(minutes=1)
    services.feedback_give(sponsorship=sponsorship, author=author, side=Side.NEWCOMER, rating=5)
    sponsorship.refresh_from_db()
    assert sponsorship.status == SponsorshipStatus.ENDED
    services.feedback_give(sponsorship=sponsorship, author=author, side=Side.VOLUNTEER, rating=4)
    with pytest.raises(services.MentoringError, match="déjà"):
        services.feedback_give(
            sponsorship=sponsorship, author=author, side=Side.VOLUNTEER, rating=4
        )
    with pytest.raises(services.MentoringError, match="terminé"):
        services.note_add(sponsorship=sponsorship, author=author, side=Side.VOLUNTEER, body="x")


# --- reminders, feeds, demo -----------------------------------------------------------------


def test_reminders_are_idempotent(union, sponsorship):
    speaker = ambassador("42218")
    soon = event(day=timezone.localdate() + timedelta(days=3))
    run = services.run_create(union=union, by=None)
    services.run_accept(run=run, by=None)
    soon.refresh_from_db()
    assert soon.ambassador == speaker
    Milestone.objects.filter(sponsorship=sponsorship).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    mail.outbox.clear()
    call_command("mentoring_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first_batch = len(mail.outbox)
    assert first_batch >= 2
    subjects = " ".join(m.subject for m in mail.outbox)
    assert "Rappel" in subjects and "Première rencontre" in subjects
    call_command("mentoring_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == first_batch
    assert Reminder.objects.count() == first_batch


def test_feed_token_roundtrip_and_reset(db):
    user = UserFactory()
    token = services.calendar_feed_token(user=user)
    assert services.calendar_feed_token(user=user) == token
    assert services.calendar_feed_user(token) == user
    assert services.calendar_feed_user(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert services.calendar_feed_user("nonsense") is None
    new = services.calendar_feed_reset(user=user)
    assert new != token
    assert services.calendar_feed_user(token) is None
    assert services.calendar_feed_user(new) == user


def test_demo_is_idempotent(union):
    for n in range(10):
        cooperative("42218" if n % 2 else "69123", name=f"Démo {n}")
    first = services.demo_mentoring_create(union=union)
    counts = (
        services.Volunteer.objects.count(),
        services.MentoringRequest.objects.count(),
        services.AmbassadorEvent.objects.count(),
    )
    second = services.demo_mentoring_create(union=union)
    assert first == second
    assert counts == (
        services.Volunteer.objects.count(),
        services.MentoringRequest.objects.count(),
        services.AmbassadorEvent.objects.count(),
    )
    assert counts[0] >= 6 and counts[1] >= 1 and counts[2] == 2
    run = services.run_create(union=union, by=None)
    assert run.result["optimal"]["assigned"] >= 1
