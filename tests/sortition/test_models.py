"""Model invariants: consent, one entry per e-mail, an event after its announcement, steps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.sortition.enums import ConventionStatus
from maillage.sortition.models import Draw, Volunteer

from .factories import convention_with_pool

pytestmark = pytest.mark.django_db


def test_a_volunteer_without_consent_cannot_be_stored():
    convention = convention_with_pool()
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(
            convention=convention, full_name="X", email="x@x.coop", consent=False
        )


def test_one_entry_per_email_in_a_convention():
    convention = convention_with_pool()
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.create(
            convention=convention, full_name="X", email="volontaire0@exemple.coop", consent=True
        )


def test_the_public_event_comes_after_its_announcement():
    convention = convention_with_pool()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Draw.objects.create(
            convention=convention,
            source="dés",
            announced_at=now,
            event_at=now - timedelta(seconds=1),
        )


def test_steps_are_ordered_and_labels_come_from_the_definition():
    convention = convention_with_pool()
    convention.status = ConventionStatus.PUBLISHED
    assert convention.reached(ConventionStatus.QUOTAS_SET)
    assert not convention.reached(ConventionStatus.DRAWN)
    assert convention.label_of("genre=homme") == "Genre : Homme"
    assert convention.volunteers.first().household.startswith("coop ")
    assert len(convention.pseudonym_secret) == 64
