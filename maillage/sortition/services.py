"""Writes of the sortition app: conventions, the pool, quotas and runs. Typed, keyword-only,
atomic. The CSV import is in :mod:`.imports`, the public lottery, the draw and replacements in
:mod:`.public_draw`; both are re-exported here so callers have one place to look.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.emails import send_templated_email

from . import record
from .diagnosis import Explained, explain
from .enums import ConventionStatus, RunKind, RunStatus
from .imports import ImportResult, volunteers_import_csv
from .models import Convention, Quota, Run, Volunteer
from .problem import SortitionInputError
from .public_draw import lottery_publish, panel_draw, replacements_request, seed_announce
from .quotas import diagnose
from .rules import (
    SortitionError,
    pool_open_to_organisers,
    run_is_current,
    sync_max_pool,
)
from .snapshot import problem_from_input, problem_input

__all__ = [
    "ImportResult",
    "SortitionError",
    "convention_create",
    "diagnosis_explained",
    "lottery_publish",
    "panel_draw",
    "quotas_save",
    "replacements_request",
    "run_is_current",
    "run_request",
    "seed_announce",
    "sync_max_pool",
    "volunteer_create",
    "volunteers_import_csv",
]

# --- conventions -------------------------------------------------------------------------------


@transaction.atomic
def convention_create(
    *,
    title: str,
    panel_size: int,
    features: list[dict[str, Any]],
    organisers: Sequence[User],
    description: str = "",
    one_per_cooperative: bool = False,
    slug: str = "",
    is_demo: bool = False,
) -> Convention:
    """Create a convention open to volunteers, with its organisers."""
    base = slug or slugify(title)[:70] or "convention"
    candidate, n = base, 1
    while Convention.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    convention = Convention.objects.create(
        slug=candidate,
        title=title,
        description=description,
        panel_size=panel_size,
        features=features,
        one_per_cooperative=one_per_cooperative,
        is_demo=is_demo,
    )
    convention.organisers.set(organisers)
    return convention


# --- the pool ----------------------------------------------------------------------------------


def _check_features(convention: Convention, values: Mapping[str, str]) -> dict[str, str]:
    """The volunteer's values, one allowed value per feature; raise with the first problem."""
    clean: dict[str, str] = {}
    for feature in convention.features:
        value = values.get(feature["key"], "")
        allowed = [v["key"] for v in feature["values"]]
        if value not in allowed:
            raise SortitionError(
                _("« %(f)s » : choisissez une valeur parmi %(allowed)s.")
                % {
                    "f": feature["label"],
                    "allowed": ", ".join(v["label"] for v in feature["values"]),
                }
            )
        clean[feature["key"]] = value
    return clean


@transaction.atomic
def volunteer_create(
    *,
    convention: Convention,
    full_name: str,
    email: str,
    features: Mapping[str, str],
    consent: bool,
    cooperative: str = "",
    user: User | None = None,
    by_organiser: bool = False,
) -> Volunteer:
    """Add a person to the pool; a person volunteering themselves gets their private link."""
    convention.refresh_from_db(fields=["status"])
    if by_organiser:
        pool_open_to_organisers(convention)
    elif convention.status != ConventionStatus.VOLUNTEERING:
        raise SortitionError(_("L'appel à volontaires de cette convention est clos."))
    if not consent:
        raise SortitionError(_("Le consentement au traitement de vos données est nécessaire."))
    email = email.strip().lower()
    if convention.volunteers.filter(email=email).exists():
        raise SortitionError(
            _("L'adresse %(email)s figure déjà dans le vivier.") % {"email": email}
        )
    volunteer = Volunteer.objects.create(
        convention=convention,
        full_name=full_name.strip(),
        email=email,
        user=user if user is not None and user.is_authenticated else None,
        cooperative=cooperative.strip(),
        features=_check_features(convention, features),
        consent=True,
        consented_at=timezone.now(),
    )
    if not by_organiser:
        link = settings.SITE_URL.rstrip("/") + volunteer_url(volunteer)
        transaction.on_commit(
            lambda: send_templated_email(
                to=volunteer.email,
                template="sortition/email/volunteered",
                context={"volunteer": volunteer, "convention": convention, "link": link},
            )
        )
    return volunteer


def volunteer_url(volunteer: Volunteer) -> str:
    from django.urls import reverse

    return reverse("sortition:mine", args=[volunteer.convention.slug, volunteer.token])


# --- quotas ------------------------------------------------------------------------------------


def diagnosis_explained(convention: Convention) -> Explained:
    """Whether a panel meeting the current quotas exists, in French (runs the ILP checks)."""
    try:
        problem = problem_from_input(problem_input(convention))
    except SortitionInputError as error:
        return Explained(feasible=False, problems=[str(error)])
    return explain(convention, diagnose(problem))


@transaction.atomic
def quotas_save(
    *, convention: Convention, bounds: Mapping[tuple[str, str], tuple[int, int]]
) -> Explained:
    """Replace the quotas (one per criterion value) and return the diagnosis."""
    pool_open_to_organisers(convention)
    known = set(convention.value_labels())
    for key, (low, high) in bounds.items():
        if key not in known:
            raise SortitionError(_("Valeur inconnue : %(v)s.") % {"v": "=".join(key)})
        if low < 0 or high < 0:
            raise SortitionError(_("Les quotas sont des nombres de sièges positifs."))
    convention.quotas.all().delete()
    Quota.objects.bulk_create(
        Quota(convention=convention, feature=f, value=v, min=low, max=high)
        for (f, v), (low, high) in sorted(bounds.items())
    )
    return diagnosis_explained(convention)


# --- runs --------------------------------------------------------------------------------------


def run_request(*, convention: Convention, actor: User | None) -> Run:
    """Close the call for volunteers, freeze the pool and quotas, and compute (now for a small
    pool, else queued for ``manage.py sortition_run``). Refused when no panel meets the quotas."""
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        pool_open_to_organisers(convention)
        if convention.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise SortitionError(
                _("Un calcul est déjà en attente ou en cours pour cette convention.")
            )
        data = problem_input(convention)
        if not data["quotas"]:
            raise SortitionError(_("Fixez d'abord les quotas."))
        explained = diagnosis_explained(convention)
        if not explained.feasible:
            raise SortitionError(
                _("Aucun panel ne respecte les quotas : %(why)s") % {"why": explained.summary()}
            )
        problem = problem_from_input(data)
        run = Run.objects.create(
            convention=convention,
            kind=RunKind.DISTRIBUTION,
            settings={"algorithm": "leximin", "seed": 0, "lottery_size": 1000, "rounding_seed": 0},
            input=data,
            quotas=problem.snapshot(),
            pool_sha256=record.pool_digest(problem),
            versions=record.versions(),
            created_by=actor,
        )
        if convention.status == ConventionStatus.VOLUNTEERING:
            convention.status = ConventionStatus.QUOTAS_SET
            convention.save(update_fields=["status"])
    if len(data["people"]) <= sync_max_pool():
        from .runs import run_execute

        run_execute(run)
        run.refresh_from_db()
    return run
