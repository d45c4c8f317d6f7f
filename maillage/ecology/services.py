"""Writes of the ecology area: create an assessment, save its answers and evidence, submit it,
and the union's decision (validate or return for corrections).

Every service is atomic and raises ``EcologyError`` with French messages attached to the
field they concern, so that a form shows them beside what was typed and nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import DelegateAssignment, User
from maillage.core.emails import send_templated_email
from maillage.directory.models import Organisation
from maillage.territories.models import Commune

from .enums import Context, Status
from .grid import grid_current, grid_load
from .models import Answer, Assessment
from .scoring import Entry, Score, score

EVIDENCE_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".odt", ".ods", ".docx", ".xlsx", ".csv"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class EcologyError(Exception):
    """Refused input: ``errors`` maps a field name (or ``None`` for the whole form) to messages."""

    def __init__(self, errors: Mapping[str | None, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = dict(errors)


def _union_id(organisation: Organisation | None, commune: Commune | None) -> str | None:
    place = commune or (organisation.commune if organisation else None)
    return place.departement.union_id if place is not None else None


@transaction.atomic
def assessment_create(
    *,
    by: User,
    context: str,
    year: int,
    organisation: Organisation | None = None,
    project_name: str = "",
    commune: Commune | None = None,
    baseline_year: int | None = None,
    review_date: date | None = None,
) -> Assessment:
    """Open an assessment on the current grid: a review needs the cooperative, a creation the
    founders' project (or the young cooperative); a baseline year precedes the assessed year."""
    errors: dict[str | None, list[str]] = {}
    this_year = timezone.localdate().year
    if context not in Context.values:
        errors.setdefault("context", []).append(_("Moment inconnu."))
    if context == Context.REVIEW and organisation is None:
        errors.setdefault("organisation", []).append(
            _("Une révision coopérative concerne une coopérative : choisissez-la.")
        )
    if organisation is None and not project_name.strip():
        errors.setdefault("project_name", []).append(
            _("Indiquez le nom du projet ou choisissez la coopérative.")
        )
    if organisation is None and commune is None:
        errors.setdefault("commune", []).append(
            _("Indiquez la commune du projet : elle désigne l'union qui l'accompagne.")
        )
    if not 2000 <= year <= this_year + 1:
        errors.setdefault("year", []).append(
            _("L'année évaluée va de 2000 à %(max)s.") % {"max": this_year + 1}
        )
    if baseline_year is not None and baseline_year >= year:
        errors.setdefault("baseline_year", []).append(
            _("L'année de référence doit précéder l'année évaluée (%(year)s).") % {"year": year}
        )
    if errors:
        raise EcologyError(errors)
    return Assessment.objects.create(
        organisation=organisation,
        project_name=project_name.strip(),
        commune=commune,
        union_id=_union_id(organisation, commune),
        context=context,
        grid_version=grid_current().version,
        year=year,
        baseline_year=baseline_year if context == Context.REVIEW else None,
        review_date=review_date,
        created_by=by,
    )


@dataclass(frozen=True)
class AnswerInput:
    """One criterion's fields as typed in the form (strings), before checking."""

    value: str = ""
    baseline_value: str = ""
    done: bool = False
    note: str = ""
    evidence: UploadedFile | None = None
    clear_evidence: bool = False


def _decimal(
    text: str, field: str, label: str, errors: dict[str | None, list[str]]
) -> Decimal | None:
    text = text.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors.setdefault(field, []).append(
            _("« %(label)s » : « %(text)s » n'est pas un nombre.") % {"label": label, "text": text}
        )
        return None
    if not number.is_finite() or number < 0:
        errors.setdefault(field, []).append(
            _("« %(label)s » : une valeur négative n'a pas de sens ici.") % {"label": label}
        )
        return None
    if abs(number) >= Decimal("1e11"):
        errors.setdefault(field, []).append(
            _("« %(label)s » : valeur trop grande.") % {"label": label}
        )
        return None
    return number


def _check_evidence(upload: UploadedFile, field: str, errors: dict[str | None, list[str]]) -> None:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_SUFFIXES:
        errors.setdefault(field, []).append(
            _("Justificatif « %(name)s » : formats acceptés %(formats)s.")
            % {"name": upload.name, "formats": ", ".join(sorted(EVIDENCE_SUFFIXES))}
        )
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        errors.setdefault(field, []).append(
            _("Justificatif « %(name)s » : 10 Mo au plus.") % {"name": upload.name}
        )


def entries_of(assessment: Assessment) -> dict[str, Entry]:
    return {
        a.criterion: Entry(
            value=a.value,
            baseline_value=a.baseline_value,
            done=a.done,
            has_evidence=bool(a.evidence),
        )
        for a in assessment.answers.all()
    }


def assessment_score(assessment: Assessment) -> Score:
    return score(grid_load(assessment.grid_version), assessment.context, entries_of(assessment))


def _refresh_score(assessment: Assessment) -> Score:
    result = assessment_score(assessment)
    assessment.points = result.points
    assessment.max_points = result.max_points
    assessment.passes = result.passes
    assessment.result = result.as_dict()
    assessment.save(update_fields=["points", "max_points", "passes", "result", "updated_at"])
    return result


@transaction.atomic
def answers_save(*, assessment: Assessment, inputs: Mapping[str, AnswerInput]) -> Score:
    """Save every criterion's answer at once, or none when one is refused (with every message,
    each on its field ``<criterion>-<field>``); returns the new score."""
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if assessment.status != Status.DRAFT:
        raise EcologyError({None: [_("Cette évaluation n'est plus modifiable.")]})
    grid = grid_load(assessment.grid_version)
    errors: dict[str | None, list[str]] = {}
    parsed: dict[str, dict[str, Any]] = {}
    for code, given in inputs.items():
        try:
            criterion = grid.criterion(code)
        except KeyError:
            errors.setdefault(None, []).append(_("Critère inconnu : %s.") % code)
            continue
        if assessment.context not in criterion.contexts:
            continue
        value = _decimal(given.value, f"{code}-value", criterion.label, errors)
        baseline = _decimal(given.baseline_value, f"{code}-baseline_value", criterion.label, errors)
        if criterion.unit == "%" and value is not None and value > 100:
            errors.setdefault(f"{code}-value", []).append(
                _("« %(label)s » : une part ne dépasse pas 100 %%.") % {"label": criterion.label}
            )
        if (
            criterion.kind == "trajectory"
            and value is not None
            and assessment.baseline_year is None
        ):
            errors.setdefault(f"{code}-baseline_value", []).append(
                _("Indiquez d'abord l'année de référence de l'évaluation.")
            )
        if given.evidence is not None:
            _check_evidence(given.evidence, f"{code}-evidence", errors)
        parsed[code] = {"value": value, "baseline_value": baseline, "given": given}
    if errors:
        raise EcologyError(errors)
    existing = {a.criterion: a for a in assessment.answers.all()}
    for code, fields in parsed.items():
        given = fields["given"]
        answer = existing.get(code) or Answer(assessment=assessment, criterion=code)
        answer.value = fields["value"]
        answer.baseline_value = fields["baseline_value"]
        answer.done = given.done
        answer.note = given.note.strip()
        if given.clear_evidence and answer.evidence:
            answer.evidence.delete(save=False)
            answer.evidence = ""  # type: ignore[assignment]
        if given.evidence is not None:
            if answer.evidence:
                answer.evidence.delete(save=False)
            answer.evidence.save(given.evidence.name or "justificatif", given.evidence, save=False)
        answer.save()
    return _refresh_score(assessment)


def _delegates(assessment: Assessment) -> list[str]:
    if assessment.union_id is None:
        return []
    return list(
        DelegateAssignment.objects.filter(union_id=assessment.union_id, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


@transaction.atomic
def assessment_submit(*, assessment: Assessment, by: User, site_url: str = "") -> Assessment:
    """Hand the assessment to the union; its delegates are told by e-mail."""
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if assessment.status != Status.DRAFT:
        raise EcologyError({None: [_("Cette évaluation a déjà été soumise.")]})
    if not assessment.answers.exists():
        raise EcologyError({None: [_("Renseignez au moins un critère avant de soumettre.")]})
    _refresh_score(assessment)
    assessment.status = Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    transaction.on_commit(
        lambda: send_templated_email(
            to=_delegates(assessment),
            template="ecology/email/submitted",
            context={"assessment": assessment, "by": by, "site_url": site_url},
        )
    )
    return assessment


@transaction.atomic
def assessment_decide(
    *, assessment: Assessment, by: User, validate: bool, comment: str = ""
) -> Assessment:
    """The delegate validates the assessment (its score is then frozen) or returns it for
    corrections with a comment."""
    assessment = Assessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)
    if assessment.status != Status.SUBMITTED:
        raise EcologyError(
            {None: [_("Seule une évaluation soumise peut être validée ou renvoyée.")]}
        )
    if not validate and not comment.strip():
        raise EcologyError({"comment": [_("Dites ce qui est à corriger.")]})
    assessment.delegate_comment = comment.strip()
    if validate:
        _refresh_score(assessment)
        assessment.status = Status.VALIDATED
        assessment.validated_by = by
        assessment.validated_at = timezone.now()
    else:
        assessment.status = Status.DRAFT
    assessment.save()
    return assessment
