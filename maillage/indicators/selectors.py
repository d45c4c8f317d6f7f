"""Reads of the indicators app: campaigns and forms a person sees, completion by territory,
a form's sections with their values and comments, survey results.

Each list has a fixed number of queries whatever its length (guarded in the tests).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from maillage.accounts import perms as accounts_perms
from maillage.directory.enums import Family
from maillage.directory.models import Organisation
from maillage.sectors.models import Nomenclature, Sector, SectorLevel
from maillage.territories.models import Region

from .catalogue import FieldDef, FieldType, display_value, unit_label
from .enums import FormStatus
from .models import (
    Campaign,
    FieldComment,
    FormEvent,
    IndicatorForm,
    PublishedReport,
    SurveyLink,
    SurveyResponse,
)
from .report.build import CoopRecord, Dimension, build_report
from .report.jobs import MemberRecord, build_jobs
from .report.measures import (
    AGREE_POSITIONS,
    MEASURES,
    SIZE_BANDS,
    SIZE_UNKNOWN,
    answer_measures,
    form_measures,
    load_references,
    size_band,
    survey_measures,
)
from .survey import InstrumentStatus, Questionnaire, SurveyResults, load_questionnaire, results
from .validation import FieldIssue, average_headcount_value

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


# --- the report « Démocratie et travail » and the jobs toward 100,000 --------------------------


def _survey_measures(
    campaign: Campaign, questionnaire: Questionnaire
) -> dict[int, tuple[int, dict[str, tuple[float, float]]]]:
    """Per validated form: its number of respondents and its survey numerators/denominators.

    Maillage's own questions are counted by the database (one grouped query: answers and
    « d'accord » answers per item), which spares decoding tens of thousands of JSON documents;
    a scored instrument (WHO-5, once available) needs each response whole and is computed by
    :func:`~maillage.indicators.report.measures.answer_measures`.
    """
    responses = SurveyResponse.objects.filter(
        link__form__campaign=campaign, link__form__status=FormStatus.VALIDATED
    )
    if any(inst.status is InstrumentStatus.AVAILABLE for inst in questionnaire.asked):
        grouped: dict[int, list[dict[str, int]]] = defaultdict(list)
        for form_id, answer in responses.values_list("link__form_id", "answers"):
            grouped[form_id].append(answer)
        return {
            form_id: (len(answers), answer_measures(questionnaire, answers))
            for form_id, answers in grouped.items()
        }
    items = [
        item.key
        for inst in questionnaire.asked
        if inst.status is InstrumentStatus.NOT_VALIDATED
        for item in inst.items
    ]
    respondents = dict(
        responses.values("link__form_id").annotate(n=Count("id")).values_list("link__form_id", "n")
    )
    counts: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for form_id, key, position, n in _answer_counts(campaign):
        item = counts[form_id][key]
        item[0] += n if int(position) in AGREE_POSITIONS else 0
        item[1] += n
    return {
        form_id: (
            n,
            {
                f"accord_{key}": (float(counts[form_id][key][0]), float(counts[form_id][key][1]))
                for key in items
                if counts[form_id][key][1]
            },
        )
        for form_id, n in respondents.items()
    }


def _answer_counts(campaign: Campaign) -> list[tuple[int, str, Any, int]]:
    """``(form, item, option position, answers)`` for the validated forms of a campaign.

    Decoding 90,000 answer documents through the ORM takes seconds. PostgreSQL unpacks and
    counts them itself (``jsonb_each_text``); on SQLite, whose ``json_each`` is slower than
    Python here, the documents are read as text in one query and counted in Python. Only the
    table names come from Django.
    """
    response_table = SurveyResponse._meta.db_table
    link_table = SurveyLink._meta.db_table
    form_table = IndicatorForm._meta.db_table
    joins = (
        f"FROM {response_table} r JOIN {link_table} l ON r.link_id = l.id "
        f"JOIN {form_table} f ON l.form_id = f.id"
    )
    where = "WHERE f.campaign_id = %s AND f.status = %s"
    params: list[Any] = [campaign.pk, FormStatus.VALIDATED.value]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT l.form_id, j.key, j.value, COUNT(*) {joins} "
                f"CROSS JOIN LATERAL jsonb_each_text(r.answers) AS j(key, value) {where} "
                "GROUP BY l.form_id, j.key, j.value",
                params,
            )
            return list(cursor.fetchall())
        cursor.execute(f"SELECT l.form_id, r.answers {joins} {where}", params)
        counted: Counter[tuple[int, str, Any]] = Counter()
        for form_id, document in cursor.fetchall():
            answers = json.loads(document) if isinstance(document, str) else document
            counted.update((form_id, key, value) for key, value in answers.items())
    return [(*key, n) for key, n in counted.items()]


def report_inputs(campaign: Campaign) -> dict[str, Any]:
    """Plain inputs of :func:`maillage.indicators.report.build.build_report` for a campaign.

    The report covers the cooperatives whose form is validated, with their employees' survey
    answers. Three queries whatever the number of cooperatives: forms, answers, NAF sections.
    """
    questionnaire = load_questionnaire(campaign.survey_version)
    forms = list(
        campaign.forms.filter(status=FormStatus.VALIDATED).values_list(
            "id",
            "organisation_id",
            "values",
            "organisation__commune__departement_id",
            "organisation__commune__departement__name",
            "organisation__sector__section_code",
        )
    )
    survey = _survey_measures(campaign, questionnaire)
    sections = dict(
        Sector.objects.filter(
            level=SectorLevel.SECTION, nomenclature=Nomenclature.NAF_REV2
        ).values_list("code", "display_label")
    )
    territories: dict[str, str] = {}
    records = []
    for form_id, org_id, values, dep_code, dep_name, section in forms:
        territory = dep_code or "nl"
        territories[territory] = f"{dep_name} ({dep_code})" if dep_code else "Non localisé"
        respondents, answer_figures = survey.get(form_id, (0, {}))
        records.append(
            CoopRecord(
                coop=org_id,
                territory=territory,
                sector=section or "nr",
                size=size_band(average_headcount_value(values)),
                measures=form_measures(values) | answer_figures,
                respondents=respondents,
            )
        )
    sector_labels = {
        code: f"{code} — {label[:1].upper()}{label[1:]}" for code, label in sorted(sections.items())
    }
    sector_labels["nr"] = "Secteur non renseigné"
    dimensions = [
        Dimension("territoire", "Par département", dict(sorted(territories.items()))),
        Dimension("secteur", "Par secteur d'activité", sector_labels),
        Dimension(
            "taille",
            "Par taille (effectif moyen de l'année)",
            {key: label for key, label, _ in SIZE_BANDS} | {SIZE_UNKNOWN[0]: SIZE_UNKNOWN[1]},
        ),
    ]
    unavailable = [
        f"{inst.title} : {inst.unavailable_reason}" for inst in questionnaire.unavailable
    ]
    return {
        "records": records,
        "dimensions": dimensions,
        "measures": [*MEASURES, *survey_measures(questionnaire)],
        "unavailable": unavailable,
    }


def jobs_inputs(*, current_year: int) -> dict[str, Any]:
    """Plain inputs of :func:`maillage.indicators.report.jobs.build_jobs`: the movement's
    cooperatives (Scop, Scic, CAE that are or were union members), with their validated
    campaign headcounts. Four queries whatever the number of cooperatives."""
    campaign_headcounts: dict[int, dict[int, float]] = defaultdict(dict)
    for org_id, year, values in IndicatorForm.objects.filter(
        status=FormStatus.VALIDATED
    ).values_list("organisation_id", "campaign__year", "values"):
        average = average_headcount_value(values)
        if average is not None:
            campaign_headcounts[org_id][year] = average
    rows = Organisation.objects.filter(
        Q(is_union_member=True) | Q(union_left_on__isnull=False),
        family__in=[Family.SCOP, Family.SCIC, Family.CAE],
    ).values_list(
        "id",
        "commune__region_id",
        "sector__section_code",
        "headcount",
        "union_joined_on",
        "union_left_on",
    )
    records = [
        MemberRecord(
            coop=org_id,
            region=region or "nl",
            sector=section or "nr",
            headcount=headcount,
            joined=joined.year if joined else None,
            left=left.year if left else None,
            campaign_headcounts=campaign_headcounts.get(org_id, {}),
        )
        for org_id, region, section, headcount, joined, left in rows
    ]
    regions = dict(Region.objects.values_list("code", "name")) | {"nl": "Non localisé"}
    sections = {
        code: f"{code} — {label[:1].upper()}{label[1:]}"
        for code, label in Sector.objects.filter(
            level=SectorLevel.SECTION, nomenclature=Nomenclature.NAF_REV2
        ).values_list("code", "display_label")
    } | {"nr": "Secteur non renseigné"}
    return {
        "records": records,
        "labels": {"region": regions, "secteur": sections},
        "current_year": current_year,
    }


def report_data(campaign: Campaign) -> dict[str, Any]:
    """The report of a campaign as it would be published now (every figure through secrecy)."""
    inputs = report_inputs(campaign)
    return build_report(
        inputs["records"],
        measures=inputs["measures"],
        dimensions=inputs["dimensions"],
        references=load_references(),
        union={"slug": campaign.union_id, "name": campaign.union.name},
        year=campaign.year,
        unavailable=inputs["unavailable"],
    )


def published_report(union_slug: str, year: int) -> PublishedReport | None:
    """The published snapshot of a union's report for a year, without its PDF bytes."""
    return (
        PublishedReport.objects.select_related("campaign", "campaign__union")
        .defer("pdf")
        .filter(campaign__union_id=union_slug, campaign__year=year)
        .first()
    )


def published_reports() -> QuerySet[PublishedReport]:
    """Every published report, newest year first (the public list)."""
    return (
        PublishedReport.objects.select_related("campaign", "campaign__union")
        .defer("pdf", "data", "charts")
        .order_by("-campaign__year", "campaign__union__name")
    )


def jobs_data(*, current_year: int, span: int = 10) -> dict[str, Any]:
    """Jobs and cooperatives of the movement over the last ``span`` years, through secrecy."""
    inputs = jobs_inputs(current_year=current_year)
    return build_jobs(
        inputs["records"],
        years=range(current_year - span + 1, current_year + 1),
        current_year=current_year,
        labels=inputs["labels"],
    )


def form_survey_answers(form: IndicatorForm) -> list[dict[str, int]]:
    return list(SurveyResponse.objects.filter(link__form=form).values_list("answers", flat=True))


def jobs_fingerprint() -> str:
    """Changes whenever the figures of the jobs page may change (two queries): the cache key."""
    orgs = Organisation.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    forms = IndicatorForm.objects.filter(status=FormStatus.VALIDATED).aggregate(
        n=Count("id"), at=Max("validated_at")
    )
    return f"{orgs['n']}-{orgs['at']}-{forms['n']}-{forms['at']}".replace(" ", "_")
