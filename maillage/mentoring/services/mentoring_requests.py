"""A cooperative asks for a sponsor or a mentor."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.models import Organisation

from ..enums import (
    RequestKind,
    RequestReason,
    RequestStatus,
    Topic,
)
from ..models import MentoringRequest
from .common import MentoringError, _union_of

# ----------------------------------------------------------------------------- requests


@transaction.atomic
def request_create(
    *,
    organisation: Organisation,
    kind: str,
    created_by: User | None,
    reason: str = RequestReason.CREATION,
    topic: str = "",
    message: str = "",
) -> MentoringRequest:
    """A cooperative asks for a sponsor or a mentor; one open request per kind at a time."""
    if kind not in RequestKind.values:
        raise MentoringError(_("Type de demande inconnu."))
    if organisation.commune_id is None:
        raise MentoringError(
            _("La fiche de la coopérative n'indique pas sa commune : complétez-la d'abord.")
        )
    if kind == RequestKind.MENTOR and topic not in Topic.values:
        raise MentoringError(_("Choisissez le thème sur lequel vous cherchez un mentor."))
    if kind == RequestKind.SPONSOR:
        topic = ""
    if MentoringRequest.objects.filter(
        organisation=organisation, kind=kind, status=RequestStatus.OPEN
    ).exists():
        raise MentoringError(
            _("Une demande de ce type est déjà en attente pour cette coopérative.")
        )
    try:
        with transaction.atomic():
            return MentoringRequest.objects.create(
                organisation=organisation,
                kind=kind,
                reason=reason,
                topic=topic,
                message=message,
                created_by=created_by,
                union=_union_of(organisation.commune),
            )
    except IntegrityError as error:
        raise MentoringError(
            _("Une demande de ce type est déjà en attente pour cette coopérative.")
        ) from error


@transaction.atomic
def request_cancel(*, request: MentoringRequest) -> MentoringRequest:
    if request.status != RequestStatus.OPEN:
        raise MentoringError(_("Seule une demande en attente peut être annulée."))
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status"])
    return request
