"""Volunteering: cooperatives as sponsors, people as mentors and ambassadors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.models import Organisation
from maillage.territories.models import Commune

from ..enums import (
    Format,
    Topic,
    VolunteerKind,
)
from ..models import (
    Sponsorship,
    Volunteer,
)
from .common import ZONE_LEVELS, MentoringError, _union_of

# ----------------------------------------------------------------------------- volunteers


def _check_zones(territories: Sequence[str]) -> list[str]:
    clean = []
    for value in territories:
        level, sep, code = str(value).partition(":")
        if not sep or level not in ZONE_LEVELS or not code:
            raise MentoringError(_("Territoire non reconnu : « %s ».") % value)
        clean.append(f"{level}:{code}")
    if not clean:
        raise MentoringError(_("Indiquez au moins un territoire couvert."))
    return sorted(set(clean))


@transaction.atomic
def volunteer_save(
    *,
    kind: str,
    commune: Commune,
    territories: Sequence[str],
    organisation: Organisation | None = None,
    user: User | None = None,
    capacity: int = 1,
    sector_sections: Sequence[str] = (),
    topics: Sequence[str] = (),
    formats: Sequence[str] = (),
    experience_years: int = 0,
    weekdays: Sequence[int] = (),
    available_from: date | None = None,
    available_until: date | None = None,
    availability_note: str = "",
    presentation: str = "",
    is_active: bool = True,
) -> Volunteer:
    """Create or update a volunteer profile (one per role and holder).

    A sponsor is a cooperative; a mentor or an ambassador is a person. Capacity cannot go
    below the number of cooperatives already followed.
    """
    if kind not in VolunteerKind.values:
        raise MentoringError(_("Rôle inconnu."))
    if kind == VolunteerKind.SPONSOR:
        if organisation is None:
            raise MentoringError(_("Une coopérative marraine doit être une organisation."))
        holder: dict[str, Any] = {"kind": kind, "organisation": organisation}
    else:
        if user is None:
            raise MentoringError(_("Un mentor ou un ambassadeur est une personne."))
        holder = {"kind": kind, "user": user}
    bad_topics = [t for t in topics if t not in Topic.values]
    bad_formats = [f for f in formats if f not in Format.values]
    if bad_topics or bad_formats:
        raise MentoringError(_("Thème ou format inconnu."))
    if kind in (VolunteerKind.MENTOR, VolunteerKind.AMBASSADOR) and not topics:
        raise MentoringError(_("Choisissez au moins un thème."))
    if kind == VolunteerKind.AMBASSADOR and not set(formats) & {Format.SCHOOL, Format.EVENT}:
        raise MentoringError(
            _("Un ambassadeur intervient en milieu scolaire ou lors d'événements : cochez-en un.")
        )
    if capacity < 1 and kind != VolunteerKind.AMBASSADOR:
        raise MentoringError(_("La capacité doit être d'au moins une coopérative."))
    if available_from and available_until and available_until < available_from:
        raise MentoringError(_("La fin des disponibilités précède leur début."))
    if any(int(d) not in range(7) for d in weekdays):
        raise MentoringError(_("Jour de la semaine inconnu."))
    zones = _check_zones(territories)
    volunteer = Volunteer.objects.select_for_update(of=("self",)).filter(**holder).first()
    if volunteer is not None:
        load = Sponsorship.objects.active().filter(volunteer=volunteer).count()
        if kind != VolunteerKind.AMBASSADOR and capacity < load:
            raise MentoringError(
                _(
                    "Capacité dépassée : vous accompagnez déjà %(load)d coopérative(s), la "
                    "capacité ne peut pas descendre à %(capacity)d."
                )
                % {"load": load, "capacity": capacity}
            )
    else:
        volunteer = Volunteer(**holder)
    volunteer.commune = commune
    volunteer.union = _union_of(commune)
    volunteer.territories = zones
    volunteer.capacity = capacity
    volunteer.sector_sections = sorted({s.upper() for s in sector_sections if s})
    volunteer.topics = sorted(set(topics))
    volunteer.formats = sorted(set(formats))
    volunteer.experience_years = max(0, int(experience_years))
    volunteer.weekdays = sorted({int(d) for d in weekdays})
    volunteer.available_from = available_from
    volunteer.available_until = available_until
    volunteer.availability_note = availability_note
    volunteer.presentation = presentation
    volunteer.is_active = is_active
    volunteer.save()
    return volunteer
