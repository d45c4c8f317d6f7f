"""The transparent draw (Flanigan, Kehne, Procaccia 2021), as services: publish the lottery,
announce the source of randomness, enter the seed and draw, replace those who decline.

The order is enforced here: the lottery of 1,000 panels is published with its SHA-256, then the
source of public randomness is announced (the event must come after the publication), then,
once the event has happened, its value is entered and the panel's index computed by
``draw.draw_index``. Typed, keyword-only, atomic.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.emails import send_templated_email

from . import record
from .draw import verify_draw
from .enums import ConventionStatus, RunKind, RunStatus, SeatStatus
from .lottery import canonical_bytes, lottery_hash
from .models import Convention, Draw, Publication, Run, Volunteer
from .rules import SortitionError, run_is_current, sync_max_pool
from .snapshot import problem_from_input


@transaction.atomic
def lottery_publish(*, convention: Convention, actor: User | None) -> Publication:
    """Publish the 1,000-panel lottery of the latest finished run, with pseudonyms only."""
    from .runs import publication_document

    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.reached(ConventionStatus.PUBLISHED):
        raise SortitionError(_("La loterie de cette convention est déjà publiée."))
    run = (
        convention.runs.filter(kind=RunKind.DISTRIBUTION, status=RunStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        raise SortitionError(_("Calculez d'abord les probabilités de sélection."))
    if not run_is_current(run, convention):
        raise SortitionError(
            _("Le vivier ou les quotas ont changé depuis le dernier calcul : relancez le calcul.")
        )
    document, pseudonyms = publication_document(run, convention.pseudonym_secret)
    volunteers = list(convention.volunteers.all())
    for volunteer in volunteers:
        volunteer.pseudonym = pseudonyms[str(volunteer.pk)]
    Volunteer.objects.bulk_update(volunteers, ["pseudonym"])
    publication = Publication.objects.create(
        convention=convention,
        run=run,
        content=canonical_bytes(document).decode("utf-8"),
        sha256=lottery_hash(document),
        published_by=actor,
    )
    convention.status = ConventionStatus.PUBLISHED
    convention.save(update_fields=["status"])
    return publication


@transaction.atomic
def seed_announce(
    *, convention: Convention, source: str, event_at: datetime, actor: User | None
) -> Draw:
    """Announce where the seed will come from and when, after the publication, before the event."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.status != ConventionStatus.PUBLISHED:
        if convention.reached(ConventionStatus.SEED_ANNOUNCED):
            raise SortitionError(
                _("La source du hasard est déjà annoncée : elle ne peut plus changer.")
            )
        raise SortitionError(
            _("Publiez d'abord la loterie : la graine doit être inconnue à ce moment-là.")
        )
    source = source.strip()
    if not source:
        raise SortitionError(_("Décrivez la source du hasard (tirage public, dés, loterie…)."))
    now = timezone.now()
    published_at = convention.publication.published_at
    if event_at <= published_at or event_at < now:
        raise SortitionError(
            _(
                "L'événement public doit avoir lieu après la publication de la loterie "
                "(%(published)s) et après cette annonce."
            )
            % {"published": timezone.localtime(published_at).strftime("%d/%m/%Y %H:%M:%S")}
        )
    draw = Draw.objects.create(
        convention=convention,
        source=source,
        event_at=event_at,
        announced_at=now,
        announced_by=actor,
    )
    convention.status = ConventionStatus.SEED_ANNOUNCED
    convention.save(update_fields=["status"])
    return draw


@transaction.atomic
def panel_draw(*, convention: Convention, seed: str, actor: User | None) -> Draw:
    """Enter the public seed and draw the panel: ``index = SHA-256(hash + seed) mod 1000``."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.reached(ConventionStatus.DRAWN):
        raise SortitionError(_("Le panel est déjà tiré."))
    if convention.status != ConventionStatus.SEED_ANNOUNCED:
        raise SortitionError(
            _("Annoncez d'abord la source du hasard, après la publication et avant l'événement.")
        )
    draw = convention.draw
    if timezone.now() < draw.event_at:
        raise SortitionError(
            _("L'événement public annoncé a lieu le %(at)s : saisissez la graine après.")
            % {"at": timezone.localtime(draw.event_at).strftime("%d/%m/%Y %H:%M:%S")}
        )
    if not seed.strip():
        raise SortitionError(_("Saisissez la graine issue de l'événement public."))
    publication = convention.publication
    verified = verify_draw(json.loads(publication.content), publication.sha256, seed)
    draw.seed = verified.seed_string
    draw.index = verified.index
    draw.panel = list(verified.panel)
    draw.drawn_at = timezone.now()
    draw.save()
    convention.volunteers.filter(pseudonym__in=draw.panel).update(seat=SeatStatus.SELECTED)
    notify_selected(convention, convention.volunteers.filter(pseudonym__in=draw.panel))
    convention.status = ConventionStatus.DRAWN
    convention.save(update_fields=["status"])
    return draw


def replacements_request(
    *, convention: Convention, declined: Iterable[Volunteer], actor: User | None
) -> Run:
    """Record who declined and draw their replacements, keeping every quota."""
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        if not convention.reached(ConventionStatus.DRAWN):
            raise SortitionError(_("Le panel n'est pas encore tiré."))
        if convention.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            raise SortitionError(_("Un calcul de remplacement est déjà en attente ou en cours."))
        seated = {SeatStatus.SELECTED, SeatStatus.REPLACEMENT}
        declined = [v for v in declined if v.convention_id == convention.pk and v.seat in seated]
        if not declined:
            raise SortitionError(_("Cochez au moins un membre du panel qui a décliné."))
        Volunteer.objects.filter(pk__in=[v.pk for v in declined]).update(seat=SeatStatus.DECLINED)
        number = convention.runs.filter(kind=RunKind.REPLACEMENT).count() + 1
        data = convention.publication.run.input
        problem = problem_from_input(data)
        panel = [
            str(pk)
            for pk in convention.volunteers.filter(seat__in=seated).values_list("pk", flat=True)
        ]
        unavailable = [
            str(pk)
            for pk in convention.volunteers.filter(seat=SeatStatus.DECLINED).values_list(
                "pk", flat=True
            )
        ]
        run = Run.objects.create(
            convention=convention,
            kind=RunKind.REPLACEMENT,
            settings={
                "panel": sorted([*panel, *(str(v.pk) for v in declined)]),
                "declined": sorted(str(v.pk) for v in declined),
                "unavailable": sorted(unavailable),
                "seed": f"{convention.draw.seed}|remplacement-{number}",
            },
            input=data,
            quotas=problem.snapshot(),
            pool_sha256=record.pool_digest(problem),
            versions=record.versions(),
            created_by=actor,
        )
        convention.status = ConventionStatus.REPLACEMENTS
        convention.save(update_fields=["status"])
    if len(data["people"]) <= sync_max_pool():
        from .runs import run_execute

        run_execute(run)
        run.refresh_from_db()
    return run


def notify_selected(convention: Convention, volunteers: Iterable[Volunteer]) -> None:
    """Tell each person drawn (or drawn as a replacement), once the transaction commits."""
    site = settings.SITE_URL.rstrip("/")
    for volunteer in volunteers:
        link = site + reverse("sortition:mine", args=[convention.slug, volunteer.token])
        transaction.on_commit(
            lambda volunteer=volunteer, link=link: send_templated_email(  # type: ignore[misc]
                to=volunteer.email,
                template="sortition/email/selected",
                context={"volunteer": volunteer, "convention": convention, "link": link},
            )
        )
