"""Who may do what, per role."""

from __future__ import annotations

import pytest

from maillage.indicators import perms, services
from tests.indicators.factories import complete_values

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


def allowed(world, predicate, *args):
    return {role for role in ROLES if predicate(world[role], *args)}


def test_open_and_follow_campaigns(world):
    assert allowed(world, perms.can_open_campaign, world.union) == {"delegate", "platform"}
    assert allowed(world, perms.can_open_any_campaign) == {
        "delegate",
        "other_delegate",
        "platform",
    }
    assert allowed(world, perms.can_follow_campaign, world.campaign) == {"delegate", "platform"}


def test_view_and_edit_form(world):
    assert allowed(world, perms.can_view_form, world.form) == {
        "member",
        "admin",
        "delegate",
        "platform",
    }
    assert allowed(world, perms.can_edit_form, world.form) == {"admin", "platform"}
    assert allowed(world, perms.can_manage_survey, world.form) == {"admin", "platform"}
    assert allowed(world, perms.can_view_survey_results, world.form) == {
        "member",
        "admin",
        "delegate",
        "platform",
    }


def test_review_only_once_submitted_and_edit_only_before(world):
    assert allowed(world, perms.can_review_form, world.form) == set()
    services.form_save(form=world.form, values=complete_values(), user=world["admin"])
    services.form_submit(form=world.form, user=world["admin"])
    world.refresh()
    assert allowed(world, perms.can_review_form, world.form) == {"delegate", "platform"}
    assert allowed(world, perms.can_edit_form, world.form) == set()


def test_closed_campaign_cannot_be_edited(world):
    services.campaign_close(campaign=world.campaign)
    world.refresh()
    world.form.campaign.refresh_from_db()
    assert allowed(world, perms.can_edit_form, world.form) == set()
    assert allowed(world, perms.can_close_campaign, world.form.campaign) == set()
