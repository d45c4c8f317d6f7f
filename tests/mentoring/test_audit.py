"""Mentoring decisions reach the audit log, and the delegates of the union concerned see them."""

from __future__ import annotations

import pytest

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import AuditEvent
from maillage.accounts.selectors import audit_events
from maillage.mentoring import services
from maillage.mentoring.enums import RequestKind, Side
from tests.accounts.factories import UserFactory
from tests.mentoring.factories import admin_of, cooperative, event, sponsor

pytestmark = pytest.mark.django_db


def test_assignment_decisions_are_audited_in_the_union_scope(union):
    delegate = UserFactory()
    near = sponsor("42095", capacity=1)
    far = sponsor("69123", capacity=1, territories=[f"union:{union.pk}"])
    org = cooperative("42218")
    request = services.request_create(
        organisation=org, kind=RequestKind.SPONSOR, created_by=admin_of(org)
    )
    run = services.run_create(union=union, by=delegate)
    rerun = services.run_override(
        run=run, by=delegate, action="forbid", key=f"r{request.pk}", volunteer=near.pk
    )
    outcome = services.run_accept(run=rerun, by=delegate)
    assert outcome.sponsorships[0].volunteer == far

    override = AuditEvent.objects.get(action=AuditAction.MENTORING_PAIR_OVERRIDDEN)
    assert override.actor == delegate
    assert override.details["override"] == "forbid"
    assert override.details["volunteer"] == near.pk
    accepted = AuditEvent.objects.get(action=AuditAction.MENTORING_RUN_ACCEPTED)
    assert accepted.details["sponsorships"] == [outcome.sponsorships[0].pk]

    in_scope = set(audit_events({union.pk}).values_list("action", flat=True))
    assert {AuditAction.MENTORING_PAIR_OVERRIDDEN, AuditAction.MENTORING_RUN_ACCEPTED} <= in_scope
    elsewhere = set(audit_events({"another-union"}).values_list("action", flat=True))
    assert AuditAction.MENTORING_RUN_ACCEPTED not in elsewhere

    services.feedback_give(
        sponsorship=outcome.sponsorships[0], author=delegate, side=Side.NEWCOMER, rating=4
    )
    ended = AuditEvent.objects.get(action=AuditAction.SPONSORSHIP_ENDED)
    assert ended.details == {"union": union.pk, "side": Side.NEWCOMER}


def test_event_validation_and_refusal_are_audited(union):
    delegate = UserFactory()
    accepted = event(validated=False)
    refused = event(validated=False)
    services.event_validate(event=accepted, by=delegate)
    services.event_validate(event=refused, by=delegate, accept=False)
    actions = dict(
        AuditEvent.objects.filter(target_type="ambassador_event").values_list("target_id", "action")
    )
    assert actions == {
        str(accepted.pk): AuditAction.AMBASSADOR_EVENT_VALIDATED,
        str(refused.pk): AuditAction.AMBASSADOR_EVENT_REJECTED,
    }
