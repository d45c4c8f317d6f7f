"""Directory services: completeness, profile/offer/entrepreneur edits recorded for moderation,
contact relay with rate limiting, staleness reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.accounts.models import AuditEvent
from maillage.accounts.services import RuleError
from maillage.directory import services
from maillage.directory.enums import Visibility, ZoneMode
from maillage.directory.models import (
    Entrepreneur,
    Offer,
    Organisation,
    ProfileChange,
    ProfileChangeKind,
    ProfileReminder,
)
from maillage.directory.selectors import completeness_score
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_completeness_is_a_weighted_sum():
    assert completeness_score({}).score == 0
    full = completeness_score(
        {
            "description": "Nous faisons",
            "offers": 2,
            "contact_email": "a@b.fr",
            "website": "https://x.fr",
            "sector_id": 1,
            "commune_id": "42218",
            "headcount_band": "11",
            "creation_date": "2001-01-01",
            "associates_count": 4,
        }
    )
    assert full.score == 100 and full.missing == []
    partial = completeness_score({"description": "x", "headcount_band": "NN"})
    assert partial.score == 20 and "headcount" in partial.missing


def test_profile_update_is_published_and_recorded_then_reverted():
    organisation = OrganisationFactory(description="Avant")
    author, reviewer = UserFactory(), UserFactory()
    change = services.organisation_update(
        organisation=organisation, author=author, data={"description": "Après", "headcount": 12}
    )
    organisation.refresh_from_db()
    assert organisation.description == "Après" and organisation.headcount == 12
    assert change.before == {"description": "Avant", "headcount": None}
    assert (
        services.organisation_update(
            organisation=organisation, author=author, data={"description": "Après"}
        )
        is None
    )
    services.profile_change_revert(change=change, reviewer=reviewer)
    organisation.refresh_from_db()
    assert organisation.description == "Avant" and organisation.headcount is None
    assert AuditEvent.objects.filter(
        action="profile_change_reverted", organisation=organisation
    ).exists()
    with pytest.raises(RuleError):
        services.profile_change_accept(change=change, reviewer=reviewer)


def test_offer_changes_and_their_reverts():
    organisation = OrganisationFactory()
    author, reviewer = UserFactory(), UserFactory()
    offer = services.offer_create(
        organisation=organisation,
        author=author,
        data={"title": "Menuiserie", "zone_mode": ZoneMode.RADIUS, "radius_km": 30},
        zones=[],
    )
    change = services.offer_update(
        offer=offer,
        author=author,
        data={"title": "Menuiserie", "zone_mode": ZoneMode.ZONES},
        zones=[("departement", "42"), ("departement", "69")],
    )
    assert change.before == {"zone_mode": "radius", "radius_km": 30, "zones": []}
    assert change.after["zones"] == [["departement", "42"], ["departement", "69"]]
    services.profile_change_revert(change=change, reviewer=reviewer)
    offer.refresh_from_db()
    assert offer.zone_mode == ZoneMode.RADIUS and offer.radius_km == 30 and not offer.zones.exists()

    deleted = services.offer_delete(offer=offer, author=author)
    assert not Offer.objects.exists()
    services.profile_change_revert(change=deleted, reviewer=reviewer)
    restored = Offer.objects.get()
    assert restored.title == "Menuiserie" and restored.radius_km == 30
    with pytest.raises(RuleError):
        services.offer_create(
            organisation=organisation,
            author=author,
            data={"title": "X", "zone_mode": "zones"},
            zones=[],
        )


def test_entrepreneur_update_records_visibility():
    cae = OrganisationFactory(family="cae")
    person = Entrepreneur.objects.create(cae=cae, display_name="Lou", slug="lou")
    change = services.entrepreneur_update(
        entrepreneur=person, author=UserFactory(), data={"visibility": Visibility.HIDDEN}
    )
    assert change.kind == ProfileChangeKind.ENTREPRENEUR
    person.refresh_from_db()
    assert person.visibility == Visibility.HIDDEN


def test_contact_relays_without_exposing_the_address_and_limits_the_rate():
    organisation = OrganisationFactory(contact_email="secret@coop.example")
    for _ in range(services.CONTACT_MAX_PER_SENDER):
        services.contact_message_send(
            organisation=organisation,
            sender_name="Alex",
            sender_email="alex@exemple.fr",
            message="Bonjour, un devis ?",
            ip="10.0.0.1",
        )
    sent = mail.outbox[-1]
    assert sent.to == ["secret@coop.example"] and sent.reply_to == ["alex@exemple.fr"]
    assert "secret@coop.example" not in sent.body
    with pytest.raises(RuleError):
        services.contact_message_send(
            organisation=organisation,
            sender_name="Alex",
            sender_email="alex@exemple.fr",
            message="Encore moi",
            ip="10.0.0.2",
        )


def test_contact_goes_to_admins_without_contact_email():
    organisation = OrganisationFactory(contact_email="")
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    services.contact_message_send(
        organisation=organisation,
        sender_name="A",
        sender_email="a@b.fr",
        message="Bonjour à vous",
        ip=None,
    )
    assert mail.outbox[-1].to == [admin.email]


def test_reminders_are_sent_once_per_30_days_to_admins():
    stale = OrganisationFactory()
    fresh = OrganisationFactory(confirmed_at=timezone.now())
    admin = MembershipFactory(organisation=stale, role=Role.ADMIN).user
    MembershipFactory(organisation=fresh, role=Role.ADMIN)
    old = timezone.now() - timedelta(days=400)
    Organisation.objects.filter(pk=stale.pk).update(updated_at=old, confirmed_at=None)
    Organisation.objects.filter(pk=fresh.pk).update(updated_at=old)
    call_command("directory_reminders", stdout=None)
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert ProfileReminder.objects.filter(organisation=stale).count() == 1
    call_command("directory_reminders")
    assert len(mail.outbox) == 1  # not twice within 30 days
    assert services.profile_reminders_send(now=timezone.now() + timedelta(days=31)) == 1
    services.organisation_confirm(organisation=stale, author=admin)
    assert services.profile_reminders_send(now=timezone.now() + timedelta(days=62)) == 0
    assert ProfileChange.objects.count() == 0
