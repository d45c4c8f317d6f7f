"""Reads of the ecology area: a person's assessments and those awaiting a delegate."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from maillage.accounts.models import Membership
from maillage.accounts.perms import delegate_union_ids, is_platform_admin

from .enums import Status
from .loan import RateGrid, rate_grid_default, rate_grid_parse
from .models import Assessment, LoanRateGrid


def assessments_of(user: Any) -> QuerySet[Assessment]:
    """Assessments the person wrote or that concern a cooperative they belong to."""
    orgs = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Assessment.objects.filter(Q(created_by=user) | Q(organisation_id__in=orgs))
        .select_related("organisation", "union")
        .distinct()
    )


def assessments_to_validate(user: Any) -> QuerySet[Assessment]:
    """Submitted assessments of the unions the person is a delegate for (all, for staff)."""
    submitted = Assessment.objects.filter(status=Status.SUBMITTED).select_related(
        "organisation", "union"
    )
    if is_platform_admin(user):
        return submitted
    return submitted.filter(union_id__in=delegate_union_ids(user))


def rate_grid_active() -> RateGrid:
    """The loan grid the union set in the administration, else the one shipped as an example."""
    active = LoanRateGrid.objects.filter(is_active=True).order_by("-updated_at").first()
    if active is None:
        return rate_grid_default()
    return rate_grid_parse(active.data, active.name)
