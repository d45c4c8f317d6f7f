"""Reminders: only forms not yet submitted, never twice within seven days, rerunnable."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.indicators import services
from maillage.indicators.enums import FormAction
from maillage.indicators.models import FormEvent
from tests.accounts.factories import MembershipFactory
from tests.indicators.factories import complete_values, member_cooperative

pytestmark = pytest.mark.django_db


def test_reminders_are_idempotent_within_seven_days(world):
    submitted = member_cooperative(world.union, name="Déjà soumise")
    MembershipFactory(organisation=submitted, role=Role.ADMIN)
    member_cooperative(world.union, name="Sans administrateur")
    services.campaign_sync_forms(campaign=world.campaign)
    form = world.campaign.forms.get(organisation=submitted)
    services.form_save(form=form, values=complete_values(), user=None)
    services.form_submit(form=form, user=None)
    mail.outbox.clear()

    out = StringIO()
    call_command("indicators_reminders", stdout=out)
    assert "1 relance(s) envoyée(s)" in out.getvalue()
    assert "1 sans administrateur" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[world["admin"].email]]
    assert "Scop du Moulin" in mail.outbox[0].subject
    assert "/mesures/formulaires/" in mail.outbox[0].body

    out = StringIO()
    call_command("indicators_reminders", stdout=out)
    assert "0 relance(s) envoyée(s) ; 1 déjà relancé(s)" in out.getvalue()
    assert len(mail.outbox) == 1

    later = timezone.now() + dt.timedelta(days=7, hours=1)
    report = services.reminders_send(now=later)
    assert report.sent == 1 and len(mail.outbox) == 2
    assert FormEvent.objects.filter(action=FormAction.REMINDED).count() == 2


def test_dry_run_sends_and_records_nothing(world):
    out = StringIO()
    call_command("indicators_reminders", "--dry-run", stdout=out)
    assert "(simulation) 1 relance" in out.getvalue()
    assert mail.outbox == [] and not FormEvent.objects.filter(action=FormAction.REMINDED).exists()


def test_closed_campaigns_are_not_reminded(world):
    services.campaign_close(campaign=world.campaign)
    assert services.reminders_send().sent == 0
