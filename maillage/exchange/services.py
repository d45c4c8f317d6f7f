"""Writes of the intercooperation app: needs and their life, shortlists, dispatch, answers, alerts.

A need moves along ``TRANSITIONS`` only (draft → submitted → validated → sent → closed, or
rejected from submitted or validated); every transition goes through ``_transition``, which
checks it and writes the audit log. Services are atomic and raise ``RuleError`` with a French
message the person sees; views call exactly one of them.

Personal answer links: the token is ``HMAC-SHA256(SECRET_KEY, nonce)`` with a random nonce
kept on the solicitation, so reminders repeat the same link, and only ``sha256(token)`` is
stored for look-up: neither the database alone nor the e-mail alone is enough to forge another
link. A link allows one decision (interested, or not interested with a reason) and one
question, in either order; it stops working at ``expires_at`` (30 days after the first e-mail,
or the end of the need's deadline day if sooner) or when the need is no longer open.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import Membership, hash_token
from maillage.accounts.services import RuleError, audit_record
from maillage.core.emails import send_templated_email
from maillage.directory.models import Entrepreneur, Organisation
from maillage.sectors.models import Sector
from maillage.territories.models import Departement

from . import matching, selectors
from .enums import (
    AlertFrequency,
    Answer,
    BuyerKind,
    DeclineReason,
    NeedStatus,
    PlaceLevel,
    SupplierSource,
)
from .models import Alert, AlertDelivery, DigestRun, Lot, Need, NeedMatch, Solicitation

if TYPE_CHECKING:
    from maillage.accounts.models import User

__all__ = ["RuleError"]

TRANSITIONS: dict[str, set[str]] = {
    NeedStatus.DRAFT: {NeedStatus.SUBMITTED},
    NeedStatus.SUBMITTED: {NeedStatus.VALIDATED, NeedStatus.REJECTED},
    NeedStatus.VALIDATED: {NeedStatus.SENT, NeedStatus.REJECTED},
    NeedStatus.SENT: {NeedStatus.CLOSED},
    NeedStatus.CLOSED: set(),
    NeedStatus.REJECTED: set(),
}

_TRANSITION_AUDIT = {
    NeedStatus.SUBMITTED: AuditAction.NEED_SUBMITTED,
    NeedStatus.VALIDATED: AuditAction.NEED_VALIDATED,
    NeedStatus.REJECTED: AuditAction.NEED_REJECTED,
    NeedStatus.SENT: AuditAction.NEED_SENT,
    NeedStatus.CLOSED: AuditAction.NEED_CLOSED,
}

LINK_VALIDITY = dt.timedelta(days=30)
TOKEN_SALT = "maillage.exchange.answer-link"  # noqa: S105 — a namespace, not a secret


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def shortlist_size() -> int:
    """Suppliers kept on a shortlist at validation (``EXCHANGE_SHORTLIST_SIZE``, 30)."""
    return int(_setting("EXCHANGE_SHORTLIST_SIZE", 30))


def _site_url(site_url: str | None) -> str:
    return (site_url or settings.SITE_URL).rstrip("/")


# ---------------------------------------------------------------------------- audit


def _audit(
    need: Need,
    action: AuditAction,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=cast(Any, action),
        target_type="need",
        target_id=need.pk,
        target_repr=_("Besoin n° %(id)s : %(title)s") % {"id": need.pk, "title": need.title},
        organisation=need.organisation,
        details={"union": need.union_id, **(details or {})},
    )


def _transition(
    need: Need,
    to: NeedStatus,
    *,
    actor: User | None,
    details: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Move a (locked) need to ``to`` if the state machine allows it, and audit-log it."""
    if to not in TRANSITIONS[need.status]:
        raise RuleError(
            _("Ce besoin est « %(state)s » : il ne peut pas passer à « %(target)s ».")
            % {"state": need.get_status_display(), "target": NeedStatus(to).label}
        )
    previous = need.status
    need.status = to
    now = now or timezone.now()
    stamp = {
        NeedStatus.SUBMITTED: "submitted_at",
        NeedStatus.VALIDATED: "validated_at",
        NeedStatus.SENT: "sent_at",
        NeedStatus.CLOSED: "closed_at",
    }.get(to)
    fields = ["status"]
    if stamp:
        setattr(need, stamp, now)
        fields.append(stamp)
    if to == NeedStatus.VALIDATED:
        need.validated_by = actor
        fields.append("validated_by")
    need.save(update_fields=fields)
    _audit(need, _TRANSITION_AUDIT[to], actor, {"from": previous, "to": to, **(details or {})})


def _locked(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).get(pk=need.pk)


# ---------------------------------------------------------------------------- places, sectors


@dataclass(frozen=True)
class ResolvedPlace:
    level: str
    code: str
    label: str
    commune_id: str


def place_resolve(level: str, code: str) -> ResolvedPlace:
    """Check a place of execution and find its label and reference commune."""
    code = (code or "").strip().upper()
    if not level or not code:
        raise RuleError(
            _("Indiquez le lieu d'exécution (commune, intercommunalité, département ou région).")
        )
    if level not in PlaceLevel.values:
        raise RuleError(_("Ce niveau de lieu n'existe pas."))
    label = selectors.place_label(level, code)
    commune = selectors.place_reference_commune(level, code)
    if label is None or commune is None:
        raise RuleError(
            _("Le lieu « %(code)s » est introuvable au niveau « %(level)s ».")
            % {"code": code, "level": PlaceLevel(level).label}
        )
    return ResolvedPlace(level, code, label, commune.pk)


def _check_sectors(sectors: Sequence[Sector]) -> None:
    if not sectors:
        raise RuleError(_("Indiquez au moins un secteur d'activité (code NAF)."))


def _union_for(place: ResolvedPlace) -> str | None:
    return (
        Departement.objects.filter(communes__pk=place.commune_id)
        .values_list("union_id", flat=True)
        .first()
    )


# ---------------------------------------------------------------------------- needs


def _check_buyer(
    *,
    author: User,
    buyer_kind: str,
    organisation: Organisation | None,
    buyer_name: str,
    buyer_siren: str,
) -> None:
    if buyer_kind == BuyerKind.ORGANISATION:
        if (
            organisation is None
            or not Membership.objects.filter(user=author, organisation=organisation).exists()
        ):
            raise RuleError(_("Choisissez une organisation dont vous êtes membre."))
        return
    if not buyer_name.strip():
        raise RuleError(_("Indiquez le nom de l'acheteur."))
    siren = buyer_siren.replace(" ", "")
    if buyer_kind == BuyerKind.PUBLIC and not (siren.isdigit() and len(siren) == 9):
        raise RuleError(_("Le SIREN de l'acheteur public compte 9 chiffres."))
    if siren and not (siren.isdigit() and len(siren) == 9):
        raise RuleError(_("Le SIREN compte 9 chiffres."))


@transaction.atomic
def need_create(
    *,
    author: User,
    title: str,
    description: str,
    sectors: Sequence[Sector],
    place_level: str,
    place_code: str,
    deadline: dt.date,
    buyer_kind: str = BuyerKind.ORGANISATION,
    organisation: Organisation | None = None,
    buyer_name: str = "",
    buyer_siren: str = "",
    budget_band: str = "",
    is_tender: bool = False,
    wanted_interested: int | None = None,
) -> Need:
    """Post a need as a draft, on behalf of an organisation the author belongs to, or of a
    public buyer or company named in it. Place and at least one sector are required."""
    _check_buyer(
        author=author,
        buyer_kind=buyer_kind,
        organisation=organisation,
        buyer_name=buyer_name,
        buyer_siren=buyer_siren,
    )
    _check_sectors(sectors)
    place = place_resolve(place_level, place_code)
    if deadline < timezone.localdate():
        raise RuleError(_("La date limite de réponse est déjà passée."))
    need = Need.objects.create(
        author=author,
        title=title.strip(),
        description=description.strip(),
        buyer_kind=buyer_kind,
        organisation=organisation if buyer_kind == BuyerKind.ORGANISATION else None,
        buyer_name=buyer_name.strip() if buyer_kind != BuyerKind.ORGANISATION else "",
        buyer_siren=buyer_siren.replace(" ", "") if buyer_kind != BuyerKind.ORGANISATION else "",
        budget_band=budget_band,
        deadline=deadline,
        is_tender=is_tender,
        place_level=place.level,
        place_code=place.code,
        place_label=place.label,
        place_commune_id=place.commune_id,
        union_id=_union_for(place),
        wanted_interested=wanted_interested or int(_setting("EXCHANGE_ENOUGH_INTERESTED", 5)),
    )
    need.sectors.set(sectors)
    _audit(need, AuditAction.NEED_CREATED, author, {"buyer_kind": buyer_kind})
    return need


@transaction.atomic
def need_update(
    *,
    need: Need,
    actor: User,
    title: str,
    description: str,
    sectors: Sequence[Sector],
    place_level: str,
    place_code: str,
    deadline: dt.date,
    budget_band: str = "",
    is_tender: bool = False,
) -> Need:
    """Change a draft. Once submitted, only the delegate corrects sectors (``need_validate``)."""
    need = _locked(need)
    if need.status != NeedStatus.DRAFT:
        raise RuleError(_("Seul un brouillon peut être modifié."))
    _check_sectors(sectors)
    place = place_resolve(place_level, place_code)
    need.title, need.description = title.strip(), description.strip()
    need.place_level, need.place_code, need.place_label = place.level, place.code, place.label
    need.place_commune_id = place.commune_id
    need.union_id = _union_for(place)
    need.deadline, need.budget_band, need.is_tender = deadline, budget_band, is_tender
    need.save()
    need.sectors.set(sectors)
    return need


@transaction.atomic
def lot_add(
    *,
    need: Need,
    actor: User,
    title: str,
    description: str = "",
    sectors: Sequence[Sector],
    place_level: str = "",
    place_code: str = "",
) -> Lot:
    """Add a lot to a draft tender: its own sectors, and its own place if it differs."""
    need = _locked(need)
    if need.status != NeedStatus.DRAFT:
        raise RuleError(_("Les lots ne se modifient que sur un brouillon."))
    _check_sectors(sectors)
    place = place_resolve(place_level, place_code) if place_code else None
    number = (need.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    lot = Lot.objects.create(
        need=need,
        number=number,
        title=title.strip(),
        description=description.strip(),
        place_level=place.level if place else "",
        place_code=place.code if place else "",
        place_label=place.label if place else "",
        place_commune_id=place.commune_id if place else None,
    )
    lot.sectors.set(sectors)
    if not need.is_tender:
        need.is_tender = True
        need.save(update_fields=["is_tender"])
    return lot


@transaction.atomic
def lot_remove(*, lot: Lot, actor: User) -> None:
    """Remove a lot from a draft tender."""
    need = _locked(lot.need)
    if need.status != NeedStatus.DRAFT:
        raise RuleError(_("Les lots ne se modifient que sur un brouillon."))
    lot.delete()


@transaction.atomic
def need_submit(*, need: Need, actor: User) -> Need:
    """Send a draft to the union delegates of its territory for validation."""
    need = _locked(need)
    if need.is_tender and not need.lots.exists():
        raise RuleError(_("Un appel d'offres en lots doit compter au moins un lot."))
    if not need.sectors.exists():
        raise RuleError(_("Indiquez au moins un secteur d'activité (code NAF)."))
    _transition(need, NeedStatus.SUBMITTED, actor=actor)
    return need


def _rank_need(need: Need) -> dict[Lot | None, list[matching.Match]]:
    lots = list(need.lots.prefetch_related("sectors").select_related("place_commune"))
    if not lots:
        return {None: selectors.need_ranking(need, limit=shortlist_size())}
    return {lot: selectors.need_ranking(need, lot, limit=shortlist_size()) for lot in lots}


@transaction.atomic
def need_validate(*, need: Need, actor: User, sectors: Sequence[Sector] | None = None) -> Need:
    """A union delegate validates a submitted need, possibly correcting its sectors.

    The ranking is computed and stored (per lot for a tender) and the best suppliers form the
    shortlist the delegate may amend before sending. A need (or a lot) that no supplier can
    serve cannot be validated: nothing changes and the delegate is told why.
    """
    need = _locked(need)
    if need.status != NeedStatus.SUBMITTED:
        raise RuleError(_("Seul un besoin soumis peut être validé."))
    details: dict[str, Any] = {}
    if sectors is not None:
        _check_sectors(sectors)
        before = sorted(need.sectors.values_list("code", flat=True))
        after = sorted(s.code for s in sectors)
        if before != after:
            need.sectors.set(sectors)
            _audit(
                need,
                AuditAction.NEED_SECTORS_CORRECTED,
                actor,
                {"before": before, "after": after},
            )
            details["sectors"] = after
    rankings = _rank_need(need)
    empty = [lot for lot, matches in rankings.items() if not matches]
    if empty:
        if empty == [None]:
            raise RuleError(
                _(
                    "Aucune coopérative ne correspond à ce besoin (secteurs et lieu). Corrigez "
                    "les secteurs, ou refusez-le avec un motif."
                )
            )
        raise RuleError(
            _(
                "Aucune coopérative ne correspond au lot %(lots)s. Corrigez les secteurs du "
                "besoin, ou refusez-le avec un motif."
            )
            % {"lots": ", ".join(str(lot.number) for lot in empty if lot is not None)}
        )
    NeedMatch.objects.filter(need=need).delete()
    Solicitation.objects.filter(need=need, invited_at__isnull=True).delete()
    best: dict[tuple[int, int | None], dict[str, Any]] = {}
    rows = []
    for lot, matches in rankings.items():
        for position, match in enumerate(matches, start=1):
            rows.append(
                NeedMatch(
                    need=need,
                    lot=lot,
                    organisation_id=match.organisation_id,
                    entrepreneur_id=match.entrepreneur_id,
                    offer_id=match.offer_id,
                    rank=position,
                    score=match.score,
                    distance_km=match.distance_km,
                    reasons=match.reasons,
                )
            )
            key = (match.organisation_id, match.entrepreneur_id)
            entry = best.setdefault(key, {"score": 0.0, "lots": [], "reasons": match.reasons})
            if match.score > entry["score"]:
                entry["score"], entry["reasons"] = match.score, match.reasons
            if lot is not None:
                entry["lots"].append(lot.number)
    NeedMatch.objects.bulk_create(rows)
    ordered = sorted(best.items(), key=lambda item: -item[1]["score"])[: shortlist_size()]
    for position, ((org_id, entrepreneur_id), entry) in enumerate(ordered, start=1):
        _solicitation_create(
            need=need,
            organisation_id=org_id,
            entrepreneur_id=entrepreneur_id,
            rank=position,
            score=entry["score"],
            lots=sorted(entry["lots"]),
            reasons=entry["reasons"],
            source=SupplierSource.MATCHING,
        )
    details["shortlist"] = len(ordered)
    _transition(need, NeedStatus.VALIDATED, actor=actor, details=details)
    return need


def _solicitation_create(
    *,
    need: Need,
    organisation_id: int,
    entrepreneur_id: int | None,
    rank: int,
    score: float,
    lots: list[int],
    reasons: list[str],
    source: str,
) -> Solicitation:
    nonce = secrets.token_hex(16)
    return Solicitation.objects.create(
        need=need,
        organisation_id=organisation_id,
        entrepreneur_id=entrepreneur_id,
        rank=rank,
        score=score,
        lot_numbers=lots,
        reasons=reasons,
        source=source,
        token_nonce=nonce,
        token_hash=hash_token(answer_token(nonce)),
    )


def answer_token(nonce: str) -> str:
    """The personal-link token for a solicitation's nonce (HMAC with the secret key)."""
    return salted_hmac(TOKEN_SALT, nonce, algorithm="sha256").hexdigest()


@transaction.atomic
def need_reject(*, need: Need, actor: User, reason: str, site_url: str | None = None) -> Need:
    """A delegate refuses a submitted or validated need, with a reason sent to its author."""
    need = _locked(need)
    reason = reason.strip()
    if not reason:
        raise RuleError(_("Indiquez le motif du refus : il est transmis à l'acheteur."))
    need.rejection_reason = reason
    need.save(update_fields=["rejection_reason"])
    _transition(need, NeedStatus.REJECTED, actor=actor, details={"reason": reason})
    if need.author and need.author.email:
        send_templated_email(
            to=need.author.email,
            template="exchange/email/need_rejected",
            language=need.author.preferred_language,
            context={"need": need, "reason": reason, "link": _need_link(need, site_url)},
        )
    return need


def _need_link(need: Need, site_url: str | None) -> str:
    return _site_url(site_url) + reverse("exchange:detail", args=[need.pk])


@transaction.atomic
def need_supplier_add(
    *,
    need: Need,
    actor: User,
    organisation: Organisation,
    entrepreneur: Entrepreneur | None = None,
) -> Solicitation:
    """A delegate adds a supplier to a validated need's shortlist (or brings a removed one
    back), at the end of the sending order."""
    need = _locked(need)
    if need.status not in (NeedStatus.VALIDATED, NeedStatus.SENT):
        raise RuleError(_("On ajoute des fournisseurs à un besoin validé ou envoyé."))
    existing = need.solicitations.filter(
        organisation=organisation, entrepreneur=entrepreneur
    ).first()
    if existing is not None and not existing.excluded:
        raise RuleError(_("%(name)s est déjà dans la liste.") % {"name": existing.supplier_name})
    last = need.solicitations.order_by("-rank").values_list("rank", flat=True).first() or 0
    if existing is not None:
        existing.excluded = False
        existing.rank = last + 1
        existing.save(update_fields=["excluded", "rank"])
        solicitation = existing
    else:
        solicitation = _solicitation_create(
            need=need,
            organisation_id=organisation.pk,
            entrepreneur_id=entrepreneur.pk if entrepreneur else None,
            rank=last + 1,
            score=0.0,
            lots=[],
            reasons=[_("ajoutée par la délégation")],
            source=SupplierSource.DELEGATE,
        )
    _audit(
        need,
        AuditAction.NEED_SUPPLIER_ADDED,
        actor,
        {
            "organisation": organisation.pk,
            "entrepreneur": entrepreneur.pk if entrepreneur else None,
        },
    )
    return solicitation


@transaction.atomic
def need_supplier_remove(*, solicitation: Solicitation, actor: User) -> Solicitation:
    """A delegate removes a supplier from the shortlist before it is contacted."""
    need = _locked(solicitation.need)
    solicitation = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    if need.status not in (NeedStatus.VALIDATED, NeedStatus.SENT):
        raise RuleError(_("La liste ne se modifie que sur un besoin validé ou envoyé."))
    if solicitation.invited_at is not None:
        raise RuleError(
            _("Cette coopérative a déjà été contactée : elle ne peut plus être retirée.")
        )
    solicitation.excluded = True
    solicitation.save(update_fields=["excluded"])
    _audit(
        need,
        AuditAction.NEED_SUPPLIER_REMOVED,
        actor,
        {
            "organisation": solicitation.organisation_id,
            "entrepreneur": solicitation.entrepreneur_id,
        },
    )
    return solicitation


@transaction.atomic
def need_send(
    *, need: Need, actor: User, now: dt.datetime | None = None, site_url: str | None = None
) -> Need:
    """Send a validated need: alerts go out at once, and the first batch of suppliers."""
    now = now or timezone.now()
    need = _locked(need)
    if (
        need.status == NeedStatus.VALIDATED
        and not need.solicitations.filter(excluded=False).exists()
    ):
        raise RuleError(_("La liste des coopératives à contacter est vide."))
    _transition(need, NeedStatus.SENT, actor=actor, now=now)
    need_dispatch(need=need, now=now, site_url=site_url)
    alerts_notify_immediate(need=need, site_url=site_url)
    return need


@transaction.atomic
def need_close(*, need: Need, actor: User) -> Need:
    """The buyer (or a delegate) closes a sent need: links stop working, no more e-mails."""
    need = _locked(need)
    _transition(need, NeedStatus.CLOSED, actor=actor)
    return need


# ---------------------------------------------------------------------------- dispatch


@dataclass
class DispatchReport:
    """What one dispatch run did."""

    invited: int = 0
    reminded: int = 0
    without_address: int = 0
    needs: int = 0
    details: list[str] = field(default_factory=list)


def supplier_email(organisation: Organisation, entrepreneur: Entrepreneur | None) -> str:
    """Where a supplier is written to: the entrepreneur's account, else the organisation's
    contact address, else its first administrator's, else its first member's."""
    if entrepreneur is not None and entrepreneur.user is not None and entrepreneur.user.email:
        return entrepreneur.user.email
    if organisation.contact_email:
        return organisation.contact_email
    membership = (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        # "admin" sorts before "member": administrators first.
        .order_by("role", "pk")
        .first()
    )
    return membership.user.email if membership else ""


def _expiry(need: Need, invited_at: dt.datetime) -> dt.datetime:
    deadline_end = timezone.make_aware(
        dt.datetime.combine(need.deadline, dt.time(23, 59, 59)), timezone.get_default_timezone()
    )
    return min(invited_at + LINK_VALIDITY, deadline_end)


def _send_invitation(solicitation: Solicitation, *, reminder: int, site_url: str | None) -> None:
    need = solicitation.need
    link = _site_url(site_url) + reverse(
        "exchange:answer", args=[answer_token(solicitation.token_nonce)]
    )
    send_templated_email(
        to=solicitation.email,
        template="exchange/email/invitation",
        context={
            "need": need,
            "solicitation": solicitation,
            "lots": list(need.lots.filter(number__in=solicitation.lot_numbers)),
            "link": link,
            "reminder": reminder,
            "expires_at": solicitation.expires_at,
        },
    )


def need_dispatch(
    *, need: Need, now: dt.datetime | None = None, site_url: str | None = None
) -> DispatchReport:
    """One dispatch step for a sent need; safe to run any number of times.

    While fewer than ``need.wanted_interested`` suppliers said they are interested and the
    deadline has not passed: a new batch of ``EXCHANGE_BATCH_SIZE`` (10) suppliers, best first,
    is invited when none was yet, when the last batch is ``EXCHANGE_BATCH_INTERVAL_DAYS`` (3)
    old, or when every invited supplier has answered; suppliers that were contacted without
    answer get a reminder after ``EXCHANGE_REMINDER_DAYS`` (7), two at most, while their link
    is valid. Enough interest stops both.
    """
    now = now or timezone.now()
    report = DispatchReport()
    with transaction.atomic():
        need = _locked(need)
        if need.status != NeedStatus.SENT or now.date() > need.deadline:
            return report
        report.needs = 1
        solicitations = need.solicitations.select_related(
            "organisation", "entrepreneur__user", "need"
        )
        interested = solicitations.filter(answer=Answer.INTERESTED).count()
        if interested >= need.wanted_interested:
            return report
        invited = solicitations.filter(invited_at__isnull=False)
        last_batch = invited.order_by("-invited_at").values_list("invited_at", flat=True).first()
        waiting = invited.filter(answer=Answer.PENDING, expires_at__gt=now).count()
        interval = dt.timedelta(days=int(_setting("EXCHANGE_BATCH_INTERVAL_DAYS", 3)))
        if last_batch is None or now - last_batch >= interval or waiting == 0:
            batch_number = (
                invited.order_by("-batch").values_list("batch", flat=True).first() or 0
            ) + 1
            batch = list(
                solicitations.filter(excluded=False, batch__isnull=True).order_by("rank")[
                    : int(_setting("EXCHANGE_BATCH_SIZE", 10))
                ]
            )
            for solicitation in batch:
                solicitation.batch = batch_number
                solicitation.email = supplier_email(
                    solicitation.organisation, solicitation.entrepreneur
                )
                if not solicitation.email:
                    report.without_address += 1
                    solicitation.save(update_fields=["batch", "email"])
                    continue
                solicitation.invited_at = solicitation.last_contacted_at = now
                solicitation.expires_at = _expiry(need, now)
                solicitation.save(
                    update_fields=[
                        "batch",
                        "email",
                        "invited_at",
                        "last_contacted_at",
                        "expires_at",
                    ]
                )
                _send_invitation(solicitation, reminder=0, site_url=site_url)
                report.invited += 1
        reminder_after = dt.timedelta(days=int(_setting("EXCHANGE_REMINDER_DAYS", 7)))
        due = solicitations.filter(
            invited_at__isnull=False,
            answer=Answer.PENDING,
            reminders_sent__lt=2,
            expires_at__gt=now,
            last_contacted_at__lte=now - reminder_after,
        )
        for solicitation in due:
            solicitation.reminders_sent += 1
            solicitation.last_contacted_at = now
            solicitation.save(update_fields=["reminders_sent", "last_contacted_at"])
            _send_invitation(solicitation, reminder=solicitation.reminders_sent, site_url=site_url)
            report.reminded += 1
    return report


def exchange_dispatch(
    *, now: dt.datetime | None = None, site_url: str | None = None
) -> DispatchReport:
    """Run ``need_dispatch`` on every sent need (the periodic command)."""
    total = DispatchReport()
    for need in Need.objects.filter(status=NeedStatus.SENT).order_by("sent_at", "pk"):
        report = need_dispatch(need=need, now=now, site_url=site_url)
        total.invited += report.invited
        total.reminded += report.reminded
        total.without_address += report.without_address
        total.needs += report.needs
    return total


# ---------------------------------------------------------------------------- answers


def _check_link(solicitation: Solicitation, now: dt.datetime) -> None:
    need = solicitation.need
    if solicitation.invited_at is None or solicitation.expires_at is None:
        raise RuleError(_("Ce lien n'est pas valide."))
    if need.status != NeedStatus.SENT:
        raise RuleError(
            _("Ce besoin est clos : il n'attend plus de réponse. Merci de votre attention.")
        )
    if now >= solicitation.expires_at:
        raise RuleError(
            _(
                "Ce lien a expiré le %(date)s. Si le besoin vous intéresse encore, contactez "
                "votre union régionale."
            )
            % {"date": timezone.localtime(solicitation.expires_at).strftime("%d/%m/%Y")}
        )


@transaction.atomic
def solicitation_answer(
    *,
    solicitation: Solicitation,
    answer: str,
    reason: str = "",
    comment: str = "",
    now: dt.datetime | None = None,
    site_url: str | None = None,
) -> Solicitation:
    """Record a supplier's decision from its personal link: once per link."""
    now = now or timezone.now()
    solicitation = (
        Solicitation.objects.select_for_update(of=("self",))
        .select_related("need__author", "organisation")
        .get(pk=solicitation.pk)
    )
    _check_link(solicitation, now)
    if solicitation.answer:
        raise RuleError(
            _(
                "Vous avez déjà répondu « %(answer)s » le %(date)s par ce lien ; cette réponse "
                "est enregistrée. Pour la changer, posez une question à l'acheteur."
            )
            % {
                "answer": solicitation.get_answer_display(),
                "date": timezone.localtime(solicitation.answered_at).strftime("%d/%m/%Y"),
            }
        )
    if answer not in (Answer.INTERESTED, Answer.DECLINED):
        raise RuleError(_("Choisissez « intéressée » ou « pas intéressée »."))
    if answer == Answer.DECLINED and reason not in DeclineReason.values:
        raise RuleError(_("Indiquez pourquoi ce besoin ne vous intéresse pas."))
    solicitation.answer = answer
    solicitation.decline_reason = reason if answer == Answer.DECLINED else ""
    solicitation.answer_comment = comment.strip()
    solicitation.answered_at = now
    solicitation.save(update_fields=["answer", "decline_reason", "answer_comment", "answered_at"])
    need = solicitation.need
    if need.author and need.author.email:
        send_templated_email(
            to=need.author.email,
            template="exchange/email/answer_received",
            language=need.author.preferred_language,
            context={
                "need": need,
                "solicitation": solicitation,
                "link": _need_link(need, site_url),
            },
        )
    return solicitation


@transaction.atomic
def solicitation_ask(
    *,
    solicitation: Solicitation,
    question: str,
    now: dt.datetime | None = None,
    site_url: str | None = None,
) -> Solicitation:
    """Forward a supplier's question to the buyer: one question per link."""
    now = now or timezone.now()
    solicitation = (
        Solicitation.objects.select_for_update(of=("self",))
        .select_related("need__author", "organisation")
        .get(pk=solicitation.pk)
    )
    _check_link(solicitation, now)
    if solicitation.question:
        raise RuleError(
            _(
                "Vous avez déjà posé une question par ce lien le %(date)s. L'acheteur vous "
                "répondra à l'adresse %(email)s."
            )
            % {
                "date": timezone.localtime(solicitation.question_at).strftime("%d/%m/%Y"),
                "email": solicitation.email,
            }
        )
    question = question.strip()
    if not question:
        raise RuleError(_("Écrivez votre question."))
    solicitation.question = question
    solicitation.question_at = now
    solicitation.save(update_fields=["question", "question_at"])
    need = solicitation.need
    if need.author and need.author.email:
        send_templated_email(
            to=need.author.email,
            template="exchange/email/question_received",
            language=need.author.preferred_language,
            reply_to=solicitation.email,
            context={
                "need": need,
                "solicitation": solicitation,
                "link": _need_link(need, site_url),
            },
        )
    return solicitation


# ---------------------------------------------------------------------------- alerts


@transaction.atomic
def alert_create(
    *,
    user: User,
    organisation: Organisation,
    sectors: Sequence[Sector],
    zone_level: str,
    zone_code: str,
    frequency: str = AlertFrequency.IMMEDIATE,
) -> Alert:
    """Subscribe a member to needs by sector (none: all) and territory (or all of France)."""
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise RuleError(_("Choisissez une organisation dont vous êtes membre."))
    if zone_level == "france":
        label, code = _("Toute la France"), "fr"
    else:
        place = place_resolve(zone_level, zone_code)
        label, code = place.label, place.code
    alert = Alert.objects.create(
        organisation=organisation,
        user=user,
        zone_level=zone_level,
        zone_code=code,
        zone_label=label,
        frequency=frequency,
    )
    alert.sectors.set(sectors)
    return alert


@transaction.atomic
def alert_delete(*, alert: Alert, actor: User) -> None:
    """Unsubscribe."""
    alert.delete()


def _need_alert_data(need: Need) -> tuple[list[matching.SectorRef], set[matching.Zone]]:
    sectors = list(need.sectors.all())
    zones = set(selectors.place_zones(need.place_level, need.place_code, need.place_commune))
    for lot in need.lots.prefetch_related("sectors").select_related("place_commune"):
        sectors.extend(lot.sectors.all())
        if lot.place_commune is not None:
            zones.update(selectors.place_zones(lot.place_level, lot.place_code, lot.place_commune))
    return [matching.SectorRef(s.code, s.section_code) for s in sectors], zones


def _alerts_for(need: Need, alerts: Iterable[Alert]) -> list[Alert]:
    sectors, zones = _need_alert_data(need)
    wanted = []
    for alert in alerts:
        refs = [matching.SectorRef(s.code, s.section_code) for s in alert.sectors.all()]
        if matching.alert_matches(
            alert_sectors=refs,
            alert_zone=(alert.zone_level, alert.zone_code),
            need_sectors=sectors,
            need_zones=zones,
        ):
            wanted.append(alert)
    return wanted


def _active_alerts(frequency: str) -> Any:
    return (
        Alert.objects.filter(is_active=True, frequency=frequency, user__is_active=True)
        .select_related("user", "organisation")
        .prefetch_related("sectors")
    )


def alerts_notify_immediate(*, need: Need, site_url: str | None = None) -> int:
    """E-mail the immediate subscribers a sent need concerns (once per alert); returns count."""
    solicited = set(need.solicitations.values_list("organisation_id", flat=True))
    sent = 0
    for alert in _alerts_for(need, _active_alerts(AlertFrequency.IMMEDIATE)):
        if alert.organisation_id in solicited:
            continue
        _, created = AlertDelivery.objects.get_or_create(alert=alert, need=need)
        if not created:
            continue
        send_templated_email(
            to=alert.user.email,
            template="exchange/email/alert",
            language=alert.user.preferred_language,
            context={"alert": alert, "needs": [need], "site_url": _site_url(site_url)},
        )
        sent += 1
    return sent


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def exchange_digest(
    *, week: str | None = None, now: dt.datetime | None = None, site_url: str | None = None
) -> int:
    """Weekly digests: for each weekly alert, the needs sent during the ISO week (by default the
    last complete one) it wants and was not told yet. Once per alert and week; returns the
    number of e-mails sent."""
    now = now or timezone.now()
    if week is None:
        week = iso_week(timezone.localdate(now) - dt.timedelta(days=7))
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time()), tz)
    end = start + dt.timedelta(days=7)
    needs = list(
        Need.objects.filter(sent_at__gte=start, sent_at__lt=end)
        .exclude(status=NeedStatus.REJECTED)
        .select_related("place_commune")
        .order_by("sent_at")
    )
    sent = 0
    for alert in _active_alerts(AlertFrequency.WEEKLY):
        with transaction.atomic():
            run, created = DigestRun.objects.get_or_create(alert=alert, week=week)
            if not created:
                continue
            already = set(alert.deliveries.values_list("need_id", flat=True))
            wanted = [n for n in needs if n.pk not in already and _alerts_for(n, [alert])]
            run.needs_count = len(wanted)
            run.save(update_fields=["needs_count"])
            if not wanted:
                continue
            AlertDelivery.objects.bulk_create(
                [AlertDelivery(alert=alert, need=n, digest_week=week) for n in wanted]
            )
            send_templated_email(
                to=alert.user.email,
                template="exchange/email/digest",
                language=alert.user.preferred_language,
                context={
                    "alert": alert,
                    "needs": wanted,
                    "week": week,
                    "site_url": _site_url(site_url),
                },
            )
            sent += 1
    return sent
