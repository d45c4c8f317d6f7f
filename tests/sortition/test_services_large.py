"""The issue's acceptance scenario at full size: a panel of 30 drawn from a pool of 300 with
quotas, computed by ``manage.py sortition_run``, and reproduced from the published seed.

LEXIMIN and the 1,000-panel rounding take minutes on 300 volunteers (see
docs/decisions/sortition.md), so this test runs only with ``MAILLAGE_SLOW_TESTS=1``.
"""

from __future__ import annotations

import json
import os

import pytest
from django.core.management import call_command

from maillage.sortition import services
from maillage.sortition.draw import verify_draw
from maillage.sortition.enums import RunStatus
from maillage.sortition.snapshot import problem_from_input
from tests.accounts.factories import UserFactory

from .factories import announce_in_the_past, panel_members

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        os.environ.get("MAILLAGE_SLOW_TESTS") != "1",
        reason="minutes of LEXIMIN: set MAILLAGE_SLOW_TESTS=1",
    ),
]


def test_panel_of_30_from_300_is_drawn_and_reproduced(settings):
    from maillage.sortition.demo import demo_convention_create

    settings.SORTITION_SYNC_MAX_POOL = 80
    organiser = UserFactory()
    convention = demo_convention_create(pool_size=300, panel_size=30, n_features=3)
    convention.organisers.set([organiser])
    assert services.diagnosis_explained(convention).feasible
    run = services.run_request(convention=convention, actor=organiser)
    assert run.status == RunStatus.QUEUED
    call_command("sortition_run")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    services.lottery_publish(convention=convention, actor=organiser)
    announce_in_the_past(convention, organiser)
    services.panel_draw(convention=convention, seed="07-19-23-31-42", actor=organiser)
    convention.refresh_from_db()
    members = panel_members(convention)
    assert len(members) == 30
    problem = problem_from_input(run.input)
    assert problem.panel_violations([str(v.pk) for v in members]) == []
    publication = convention.publication
    verified = verify_draw(
        json.loads(publication.content),
        publication.sha256,
        "07-19-23-31-42",
        claimed_index=convention.draw.index,
        claimed_panel=convention.draw.panel,
    )
    assert sorted(verified.panel) == sorted(v.pseudonym for v in members)
