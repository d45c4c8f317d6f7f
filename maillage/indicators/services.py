"""Writes of the indicators app: campaigns, forms and their review, reminders, the survey.

Typed functions with keyword-only arguments, named ``<entity>_<verb>``, each atomic. Rules on
values come from :mod:`validation` (pure); permissions are checked by the views through
:mod:`perms`, and the services check the state machine:

    not started → draft → submitted → corrections requested → submitted → validated
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation

from maillage.accounts.enums import Role
from maillage.accounts.models import Membership
from maillage.core.emails import send_templated_email
from maillage.core.pdf import render_pdf
from maillage.directory.models import Organisation
from maillage.territories.models import Union

from . import selectors
from .catalogue import empty_document
from .enums import REMINDED_STATUSES, CampaignStatus, FormAction, FormStatus
from .models import (
    Campaign,
    FieldComment,
    FormEvent,
    IndicatorForm,
    PublishedReport,
    SurveyLink,
    SurveyResponse,
)
from .report.charts import report_charts
from .report.present import pdf_payload
from .spreadsheet import ImportResult, parse_upload
from .survey import Questionnaire, check_answers
from .validation import FieldIssue, missing_for_submission, validate

REMINDER_INTERVAL = timedelta(days=7)


class IndicatorsError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FormLocked(IndicatorsError):
    """The form cannot be changed in its current state (submitted, validated, campaign closed)."""


class SubmissionRefused(IndicatorsError):
    """Submission refused: ``issues`` lists every rule broken (the draft is kept as it was)."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        super().__init__(
            f"Le formulaire ne peut pas être soumis : {len(issues)} point(s) à corriger."
        )
        self.issues = issues


# --- campaigns -----------------------------------------------------------------------------------


def member_organisations(union: Union) -> Iterable[Organisation]:
    """The union's member cooperatives today (membership started, not ended)."""
    return Organisation.objects.filter(
        union=union, is_union_member=True, union_left_on__isnull=True
    ).order_by("pk")


@transaction.atomic
def campaign_open(
    *, union: Union, year: int, deadline: date, opened_by: Any | None = None
) -> Campaign:
    """Open the union's campaign for ``year`` and give every member cooperative its form."""
    if Campaign.objects.filter(union=union, year=year).exists():
        raise IndicatorsError(f"Une campagne {year} existe déjà pour {union}.")
    if deadline < timezone.localdate():
        raise IndicatorsError("La date limite est déjà passée.")
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                union=union, year=year, deadline=deadline, opened_by=opened_by
            )
    except IntegrityError as exc:  # opened concurrently
        raise IndicatorsError(f"Une campagne {year} existe déjà pour {union}.") from exc
    campaign_sync_forms(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_sync_forms(*, campaign: Campaign) -> int:
    """Create the missing forms (cooperatives that joined the union since opening); idempotent.

    Returns the number of forms created.
    """
    existing = set(campaign.forms.values_list("organisation_id", flat=True))
    document = empty_document(campaign.catalogue)
    new = [
        IndicatorForm(
            campaign=campaign,
            organisation=organisation,
            catalogue_version=campaign.catalogue_version,
            values=dict(document),
        )
        for organisation in member_organisations(campaign.union)
        if organisation.pk not in existing
    ]
    IndicatorForm.objects.bulk_create(new, ignore_conflicts=True)
    created = IndicatorForm.objects.filter(campaign=campaign, survey_link__isnull=True)
    SurveyLink.objects.bulk_create(
        [SurveyLink(form=f, token=_new_token()) for f in created], ignore_conflicts=True
    )
    return len(new)


@transaction.atomic
def campaign_close(*, campaign: Campaign, user: Any | None = None) -> Campaign:
    """Close the campaign: forms can no longer be changed, the survey no longer answered."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        return campaign
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    return campaign


# --- forms ---------------------------------------------------------------------------------------


@dataclass
class SaveOutcome:
    """What a save or an import did: the form, the rules still broken, the fields changed."""

    form: IndicatorForm
    issues: list[FieldIssue]
    changed: list[str] = field(default_factory=list)
    import_result: ImportResult | None = None


def _lock(form: IndicatorForm) -> IndicatorForm:
    locked = (
        IndicatorForm.objects.select_for_update()
        .select_related("campaign", "campaign__union", "organisation")
        .get(pk=form.pk)
    )
    if not locked.campaign.is_open:
        raise FormLocked("La campagne est close : le formulaire ne peut plus être modifié.")
    return locked


def _ensure_editable(form: IndicatorForm) -> None:
    if not form.is_editable:
        raise FormLocked(
            f"Le formulaire est « {form.get_status_display()} » : il ne peut plus être modifié."
        )


def _merge(form: IndicatorForm, values: Mapping[str, Any]) -> list[str]:
    catalogue = form.catalogue
    document = dict(form.values)
    changed = []
    for key, value in values.items():
        if key not in catalogue:
            raise ValueError(f"unknown catalogue key {key!r}")
        if document.get(key) != value:
            changed.append(key)
            document[key] = value
    form.values = document
    return changed


def _record(form: IndicatorForm, action: str, actor: Any | None, **details: Any) -> None:
    FormEvent.objects.create(
        form=form, action=action, actor=actor if _is_user(actor) else None, details=details
    )


def _is_user(actor: Any | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


@transaction.atomic
def form_save(*, form: IndicatorForm, values: Mapping[str, Any], user: Any) -> SaveOutcome:
    """Save values (already read by ``catalogue.parse_value``) into the draft.

    Values breaking a rule are saved all the same (a draft is work in progress) and returned as
    issues; submission will refuse them.
    """
    form = _lock(form)
    _ensure_editable(form)
    changed = _merge(form, values)
    if form.status == FormStatus.NOT_STARTED:
        form.status = FormStatus.DRAFT
    form.updated_at = timezone.now()
    form.save(update_fields=["values", "status", "updated_at"])
    if changed:
        _record(form, FormAction.SAVED, user, champs=len(changed))
    return SaveOutcome(form=form, issues=validate(form.catalogue, form.values), changed=changed)


@transaction.atomic
def form_import(*, form: IndicatorForm, content: bytes, filename: str, user: Any) -> SaveOutcome:
    """Import a filled-in template. If any row cannot be read, nothing is written."""
    form = _lock(form)
    _ensure_editable(form)
    result = parse_upload(form.catalogue, content, filename)
    if not result.ok:
        return SaveOutcome(
            form=form,
            issues=validate(form.catalogue, form.values),
            import_result=result,
        )
    changed = _merge(form, result.values)
    if form.status == FormStatus.NOT_STARTED:
        form.status = FormStatus.DRAFT
    form.updated_at = timezone.now()
    form.save(update_fields=["values", "status", "updated_at"])
    _record(form, FormAction.IMPORTED, user, fichier=filename[:120], champs=len(changed))
    return SaveOutcome(
        form=form,
        issues=validate(form.catalogue, form.values),
        changed=changed,
        import_result=result,
    )


def form_issues(form: IndicatorForm) -> list[FieldIssue]:
    """Every rule the form breaks, the fields required for submission included."""
    catalogue = form.catalogue
    return missing_for_submission(catalogue, form.values) + validate(catalogue, form.values)


@transaction.atomic
def form_submit(*, form: IndicatorForm, user: Any) -> IndicatorForm:
    """Send the form to the union. Refused (nothing changed) while a rule is broken."""
    form = _lock(form)
    _ensure_editable(form)
    issues = form_issues(form)
    if issues:
        raise SubmissionRefused(issues)
    now = timezone.now()
    form.status = FormStatus.SUBMITTED
    form.submitted_at = now
    form.save(update_fields=["status", "submitted_at"])
    form.comments.filter(resolved_at__isnull=True).update(resolved_at=now)
    _record(form, FormAction.SUBMITTED, user)
    transaction.on_commit(lambda: _notify_delegates(form, "submitted"))
    return form


@transaction.atomic
def form_request_corrections(
    *,
    form: IndicatorForm,
    user: Any,
    comments: Mapping[str, str],
    general: str = "",
) -> IndicatorForm:
    """Send the form back to the cooperative with a comment per field to correct."""
    form = _lock(form)
    if form.status != FormStatus.SUBMITTED:
        raise FormLocked("Seul un formulaire soumis peut être renvoyé pour corrections.")
    catalogue = form.catalogue
    cleaned = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    unknown = [k for k in cleaned if k not in catalogue]
    if unknown:
        raise IndicatorsError(f"Champ inconnu : {', '.join(unknown)}.")
    if not cleaned and not general.strip():
        raise IndicatorsError("Indiquez au moins un champ à corriger et pourquoi.")
    FieldComment.objects.bulk_create(
        [FieldComment(form=form, field_key=k, comment=v, author=user) for k, v in cleaned.items()]
        + (
            [FieldComment(form=form, field_key="", comment=general.strip(), author=user)]
            if general.strip()
            else []
        )
    )
    form.status = FormStatus.CORRECTIONS
    form.save(update_fields=["status"])
    _record(form, FormAction.CORRECTIONS, user, champs=sorted(cleaned))
    transaction.on_commit(lambda: _notify_cooperative(form, "corrections"))
    return form


@transaction.atomic
def form_validate(*, form: IndicatorForm, user: Any) -> IndicatorForm:
    """The union accepts the figures: the form is final for the campaign's report."""
    form = _lock(form)
    if form.status != FormStatus.SUBMITTED:
        raise FormLocked("Seul un formulaire soumis peut être validé.")
    form.status = FormStatus.VALIDATED
    form.validated_at = timezone.now()
    form.save(update_fields=["status", "validated_at"])
    _record(form, FormAction.VALIDATED, user)
    transaction.on_commit(lambda: _notify_cooperative(form, "validated"))
    return form


# --- survey --------------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(24)


@transaction.atomic
def survey_link_rotate(*, form: IndicatorForm, user: Any) -> SurveyLink:
    """Replace the survey link (a leaked link); answers already given are kept."""
    link, _ = SurveyLink.objects.select_for_update().get_or_create(
        form=form, defaults={"token": _new_token()}
    )
    link.token = _new_token()
    link.save(update_fields=["token"])
    return link


@transaction.atomic
def survey_response_record(
    *, link: SurveyLink, questionnaire: Questionnaire, raw: Mapping[str, Any]
) -> SurveyResponse:
    """Store one anonymous response: answers and the day, nothing about who or when exactly."""
    campaign = link.form.campaign
    if not campaign.is_open:
        raise IndicatorsError("Cette enquête est close.")
    answers, errors = check_answers(questionnaire, raw)
    if errors:
        raise IndicatorsError(" ".join(errors))
    if not answers:
        raise IndicatorsError("Répondez à au moins une question avant d'envoyer.")
    return SurveyResponse.objects.create(
        link=link,
        questionnaire_version=questionnaire.version,
        answered_on=timezone.localdate(),
        answers=answers,
    )


# --- reminders -----------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    sent: int = 0
    recent: int = 0
    without_recipient: int = 0
    forms: list[int] = field(default_factory=list)


def _admins(organisation_ids: Iterable[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    memberships = Membership.objects.filter(
        organisation_id__in=list(organisation_ids), role=Role.ADMIN, user__is_active=True
    ).select_related("user")
    for m in memberships:
        out.setdefault(m.organisation_id, []).append(m.user)
    return out


def reminders_send(
    *, now: datetime | None = None, dry_run: bool = False, progress: Any = None
) -> ReminderReport:
    """Remind the administrators of every cooperative whose form is not submitted yet, in every
    open campaign, unless it was reminded less than seven days ago. Idempotent: run it daily.

    Each form is handled in its own transaction, so an interruption loses nothing and a rerun
    skips the forms already reminded.
    """
    now = now or timezone.now()
    report = ReminderReport()
    recently_reminded = FormEvent.objects.filter(
        form=OuterRef("pk"), action=FormAction.REMINDED, at__gt=now - REMINDER_INTERVAL
    )
    forms = (
        IndicatorForm.objects.filter(
            campaign__status=CampaignStatus.OPEN, status__in=list(REMINDED_STATUSES)
        )
        .annotate(recently=Exists(recently_reminded))
        .select_related("campaign", "campaign__union", "organisation")
        .order_by("pk")
    )
    report.recent = forms.filter(recently=True).count()
    forms = forms.filter(recently=False)
    todo = list(forms)
    admins = _admins(f.organisation_id for f in todo)
    for index, form in enumerate(todo, start=1):
        recipients = admins.get(form.organisation_id, [])
        if not recipients:
            report.without_recipient += 1
            continue
        if not dry_run:
            with transaction.atomic():
                locked = IndicatorForm.objects.select_for_update().get(pk=form.pk)
                already = locked.events.filter(
                    action=FormAction.REMINDED, at__gt=now - REMINDER_INTERVAL
                ).exists()
                if already:
                    report.recent += 1
                    continue
                FormEvent.objects.create(
                    form=locked,
                    action=FormAction.REMINDED,
                    at=now,
                    details={"destinataires": len(recipients)},
                )
                for person in recipients:
                    _send(person, "reminder", {"form": form, "campaign": form.campaign})
        report.sent += 1
        report.forms.append(form.pk)
        if progress is not None:
            progress(index, len(todo), form)
    return report


# --- e-mail --------------------------------------------------------------------------------------


def _form_url(form: IndicatorForm, language: str) -> str:
    with translation.override(language):
        path = reverse("indicators:form-detail", args=[form.pk])
    return settings.SITE_URL.rstrip("/") + path


def _send(person: Any, template: str, context: dict[str, Any]) -> None:
    """Render indicators/email/<template>_subject.txt and .txt in the person's language."""
    language = getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE
    form: IndicatorForm = context["form"]
    with translation.override(language):
        ctx = {**context, "person": person, "url": _form_url(form, language)}
    send_templated_email(
        to=person.email, template=f"indicators/email/{template}", context=ctx, language=language
    )


def _notify_cooperative(form: IndicatorForm, template: str) -> None:
    for person in _admins([form.organisation_id]).get(form.organisation_id, []):
        _send(person, template, {"form": form, "campaign": form.campaign})


def _notify_delegates(form: IndicatorForm, template: str) -> None:
    from maillage.accounts.models import DelegateAssignment

    assignments = DelegateAssignment.objects.filter(
        union_id=form.campaign.union_id, user__is_active=True
    ).select_related("user")
    for assignment in assignments:
        _send(assignment.user, template, {"form": form, "campaign": form.campaign})


# --- the published report ------------------------------------------------------------------------


def report_publish(*, campaign: Campaign, user: Any) -> PublishedReport:
    """Publish (or publish again) the report « Démocratie et travail » of a campaign.

    The figures are computed and put through statistical secrecy, the charts drawn from them
    and the PDF compiled *before* the transaction; the snapshot is then written in one go, so
    the public page never shows half a report. Publishing again bumps the revision.
    """
    data = selectors.report_data(campaign)
    minimum = data["rules"]["min_contributors"]
    if data["cooperatives"] < minimum:
        raise IndicatorsError(
            f"Rien ne peut être publié : il faut au moins {minimum} formulaires validés "
            f"(secret statistique), il y en a {data['cooperatives']}."
        )
    charts = report_charts(data)
    pdf = render_pdf("indicators/report.typ", pdf_payload(data, charts), assets=charts)
    with transaction.atomic():
        report = PublishedReport.objects.select_for_update().filter(campaign=campaign).first()
        if report is None:
            report = PublishedReport(campaign=campaign)
        else:
            report.revision += 1
        report.data, report.charts, report.pdf = data, charts, pdf
        report.published_by = user if _is_user(user) else None
        report.published_at = timezone.now()
        report.save()
    return report
