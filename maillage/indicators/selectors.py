"""Reads of the indicators app: campaigns and forms a person sees, completion by territory,
a form's sections with their values and comments, survey results.

Each list has a fixed number of queries whatever its length (guarded in the tests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Count, QuerySet

from maillage.accounts import perms as accounts_perms

from .catalogue import FieldDef, FieldType, display_value, unit_label
from .enums import FormStatus
from .models import Campaign, FieldComment, FormEvent, IndicatorForm, SurveyResponse
from .survey import SurveyResults, load_questionnaire, results
from .validation import FieldIssue

Level = Literal["departement", "epci"]
LEVELS: dict[str, tuple[str, str]] = {
    # level → (code path, name path) from the form
    "departement": (
        "organisation__commune__departement_id",
        "organisation__commune__departement__name",
    ),
    "epci": ("organisation__commune__epci_id", "organisation__commune__epci__name"),
}


def campaigns_followed(user: Any) -> QuerySet[Campaign]:
    """Campaigns whose dashboard the person may open (delegates: their unions; platform: all)."""
    qs = Campaign.objects.select_related("union")
    if accounts_perms.is_platform_admin(user):
        return qs
    return qs.filter(union_id__in=accounts_perms.delegate_union_ids(user))


def forms_of_member(user: Any) -> QuerySet[IndicatorForm]:
    """Forms of the cooperatives the person belongs to, newest campaign first."""
    if not user.is_authenticated:
        return IndicatorForm.objects.none()
    return (
        IndicatorForm.objects.filter(organisation__memberships__user=user)
        .select_related("campaign", "campaign__union", "organisation")
        .order_by("-campaign__year", "organisation__name")
    )


@dataclass
class CompletionRow:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def get(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(s.value, 0) for s in FormStatus]


def completion(campaign: Campaign, level: Level = "departement") -> list[CompletionRow]:
    """Forms per status per territory (département or EPCI of the head office), one query.

    Cooperatives without a known commune (or EPCI) are grouped under « Non localisé ».
    The last row is the total.
    """
    code_path, name_path = LEVELS[level]
    rows: dict[str, CompletionRow] = {}
    aggregated = (
        IndicatorForm.objects.filter(campaign=campaign)
        .values(code_path, name_path, "status")
        .annotate(n=Count("id"))
        .order_by(code_path)
    )
    total = CompletionRow(code="", name="Total")
    for item in aggregated:
        code = item[code_path] or ""
        row = rows.setdefault(
            code, CompletionRow(code=code, name=item[name_path] or "Non localisé")
        )
        row.counts[item["status"]] = row.counts.get(item["status"], 0) + item["n"]
        total.counts[item["status"]] = total.counts.get(item["status"], 0) + item["n"]
    ordered = sorted(rows.values(), key=lambda r: (r.code == "", r.code))
    return [*ordered, total]


def campaign_forms(campaign: Campaign, status: str | None = None) -> QuerySet[IndicatorForm]:
    qs = campaign.forms.select_related("organisation", "organisation__commune").order_by(
        "organisation__name"
    )
    if status:
        qs = qs.filter(status=status)
    return qs


@dataclass
class FieldView:
    """One field of a form as a page shows it."""

    field: FieldDef
    value: Any
    display: str
    comments: list[FieldComment]
    issues: list[FieldIssue]


@dataclass
class SectionView:
    key: str
    title: str
    fields: list[FieldView]


def form_sections(
    form: IndicatorForm,
    *,
    comments: Sequence[FieldComment] = (),
    issues: Sequence[FieldIssue] = (),
) -> list[SectionView]:
    """The catalogue's sections with this form's values, open comments and issues per field."""
    by_field: dict[str, list[FieldComment]] = defaultdict(list)
    for c in comments:
        by_field[c.field_key].append(c)
    issues_by_field: dict[str, list[FieldIssue]] = defaultdict(list)
    for i in issues:
        issues_by_field[i.field].append(i)
    catalogue = form.catalogue
    unit_fields = catalogue.unit_fields()
    out = []
    for section, title, fields in catalogue.sections():
        views = []
        for f in fields:
            if f.key in unit_fields:
                continue
            value = form.values.get(f.key)
            display = display_value(f, value)
            if display and f.type is FieldType.PERCENT:
                display = f"{display} %"
            elif display and f.unit_field:
                display = f"{display} {unit_label(form.values.get(f.unit_field) or '')}".strip()
            elif display and f.unit:
                display = f"{display} {f.unit}"
            views.append(
                FieldView(f, value, display, by_field.get(f.key, []), issues_by_field[f.key])
            )
        out.append(SectionView(section.value, title, views))
    return out


def open_comments(form: IndicatorForm) -> list[FieldComment]:
    return list(
        form.comments.filter(resolved_at__isnull=True).select_related("author").order_by("id")
    )


def form_history(form: IndicatorForm, limit: int = 30) -> list[FormEvent]:
    return list(form.events.select_related("actor")[:limit])


def survey_results(form: IndicatorForm) -> SurveyResults:
    """The cooperative's survey results, hidden below the respondents threshold."""
    questionnaire = load_questionnaire(form.campaign.survey_version)
    answers = list(SurveyResponse.objects.filter(link__form=form).values_list("answers", flat=True))
    return results(questionnaire, answers, cooperative=form.organisation_id)


def validated_forms(campaign: Campaign) -> QuerySet[IndicatorForm]:
    """The forms the annual report is built from (hook for the report builder)."""
    return campaign.forms.filter(status=FormStatus.VALIDATED).select_related(
        "organisation", "organisation__commune", "organisation__sector"
    )
