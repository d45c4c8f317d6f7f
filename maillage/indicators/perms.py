"""Who may do what with indicators campaigns: the only place that decides.

Built on :mod:`maillage.accounts.perms`:

* platform administrators may do everything;
* a union's delegates open and close its campaigns, follow completion, review forms (ask for
  corrections, validate) and see every form of their union's campaigns;
* a cooperative's administrators fill in, import and submit its form, and hand out its survey
  link;
* its members see the form, its summary and the survey results;
* anybody with a survey link may answer the survey (no account).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from maillage.accounts import perms as accounts_perms

from .enums import FormStatus

if TYPE_CHECKING:
    from maillage.territories.models import Union

    from .models import Campaign, IndicatorForm


def can_open_campaign(user: Any, union: Union | str) -> bool:
    return accounts_perms.can_moderate_in_union(user, union)


def can_open_any_campaign(user: Any) -> bool:
    return accounts_perms.is_platform_admin(user) or accounts_perms.is_delegate(user)


def can_follow_campaign(user: Any, campaign: Campaign) -> bool:
    """The completion dashboard and the list of every form of the campaign."""
    return accounts_perms.can_moderate_in_union(user, campaign.union_id)


def can_close_campaign(user: Any, campaign: Campaign) -> bool:
    return campaign.is_open and can_follow_campaign(user, campaign)


def can_view_form(user: Any, form: IndicatorForm) -> bool:
    return can_follow_campaign(user, form.campaign) or accounts_perms.is_member(
        user, form.organisation
    )


def can_edit_form(user: Any, form: IndicatorForm) -> bool:
    """Fill in, import, submit: the cooperative's administrators, while the form is theirs."""
    if not form.is_editable or not form.campaign.is_open:
        return False
    return accounts_perms.is_platform_admin(user) or accounts_perms.is_organisation_admin(
        user, form.organisation
    )


def can_review_form(user: Any, form: IndicatorForm) -> bool:
    """Ask for corrections or validate: the union's delegates, once the form is submitted."""
    return form.status == FormStatus.SUBMITTED and can_follow_campaign(user, form.campaign)


def can_manage_survey(user: Any, form: IndicatorForm) -> bool:
    """See and renew the survey link."""
    return accounts_perms.is_platform_admin(user) or accounts_perms.is_organisation_admin(
        user, form.organisation
    )


def can_view_survey_results(user: Any, form: IndicatorForm) -> bool:
    """Results are aggregated and hidden under five respondents: the form's readers see them."""
    return can_view_form(user, form)


def can_publish_report(user: Any, campaign: Campaign) -> bool:
    """Preview and publish the report « Démocratie et travail »: the union's staff (its
    delegates) and platform administrators. Reading a published report is public."""
    return can_follow_campaign(user, campaign)


def can_view_peer_comparison(user: Any, form: IndicatorForm) -> bool:
    """A cooperative's private comparison with its peers: its members and the union's staff."""
    return can_view_form(user, form)
