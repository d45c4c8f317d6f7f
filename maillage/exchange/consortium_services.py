"""Writes of the consortium workspace: open, invite, accept, assign lots, form, dissolve.

The rules a group must meet before it is "formed" live here, with messages that say what is
missing and where: at least two members, exactly one mandataire, every member has accepted and
performs at least one lot, every lot of the tender is covered, shares add up to 100 %. Once
formed, the composition is frozen: the documents were generated from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from maillage.accounts.enums import AuditAction
from maillage.accounts.models import Membership
from maillage.accounts.services import RuleError, audit_record
from maillage.core.emails import send_templated_email
from maillage.directory.models import Organisation

from . import consortium_selectors as selectors
from .enums import ConsortiumForm, ConsortiumStatus, MemberRole, NeedStatus
from .models import ChecklistItem, Consortium, ConsortiumMember, Lot, Need
from .services import _site_url

if TYPE_CHECKING:
    from maillage.accounts.models import User

DEFAULT_CHECKLIST = (
    gettext_noop("Convention de groupement signée"),
    gettext_noop("DC1 signé par chaque membre"),
    gettext_noop("DC2 de chaque membre"),
    gettext_noop("Attestations fiscales et sociales"),
    gettext_noop("Habilitation du mandataire"),
)
"""Default checklist: the pieces a French public buyer asks of a group (stored translated in
the language of the person opening the workspace)."""

OPEN_NEED_STATES = (NeedStatus.VALIDATED, NeedStatus.SENT, NeedStatus.CLOSED)

TRANSITIONS: dict[str, set[str]] = {
    ConsortiumStatus.FORMING: {ConsortiumStatus.FORMED, ConsortiumStatus.DISSOLVED},
    ConsortiumStatus.FORMED: {ConsortiumStatus.SUBMITTED, ConsortiumStatus.DISSOLVED},
    ConsortiumStatus.SUBMITTED: {
        ConsortiumStatus.WON,
        ConsortiumStatus.LOST,
        ConsortiumStatus.DISSOLVED,
    },
    ConsortiumStatus.WON: {ConsortiumStatus.DISSOLVED},
    ConsortiumStatus.LOST: {ConsortiumStatus.DISSOLVED},
    ConsortiumStatus.DISSOLVED: set(),
}

HUNDRED = Decimal("100.00")


class AlreadyOpen(RuleError):
    """The same cooperatives already have an open workspace for this need (a second click on
    « Former ce groupement »): ``existing`` is where to go instead."""

    def __init__(self, message: str, existing: Consortium) -> None:
        super().__init__(message)
        self.existing = existing


def workspace_link(consortium: Consortium, site_url: str | None) -> str:
    return _site_url(site_url) + reverse("exchange:consortium", args=[consortium.pk])


def _audit(
    consortium: Consortium,
    action: AuditAction,
    actor: User | None,
    details: dict[str, Any] | None = None,
) -> None:
    need = consortium.need
    audit_record(
        actor=actor,
        action=cast(Any, action),
        target_type="consortium",
        target_id=consortium.pk,
        target_repr=_("Groupement n° %(id)s : %(name)s")
        % {"id": consortium.pk, "name": consortium},
        organisation=need.organisation,
        details={"need": need.pk, "union": need.union_id, **(details or {})},
    )


def _locked(consortium: Consortium) -> Consortium:
    return (
        Consortium.objects.select_for_update(of=("self",))
        .select_related("need")
        .get(pk=consortium.pk)
    )


def _require_open(consortium: Consortium) -> None:
    if not consortium.is_open:
        raise RuleError(
            _(
                "Le groupement « %(name)s » est « %(state)s » : sa composition ne peut plus "
                "changer. Dissolvez-le et ouvrez-en un autre pour la modifier."
            )
            % {"name": consortium.name, "state": consortium.get_status_display()}
        )


def _check_lots(need: Need, lots: Sequence[Lot]) -> None:
    for lot in lots:
        if lot.need_id != need.pk:
            raise RuleError(_("Le lot %(n)s n'appartient pas à ce besoin.") % {"n": lot.number})


def _check_share(share_percent: Decimal | None) -> None:
    if share_percent is not None and not (0 <= share_percent <= 100):
        raise RuleError(_("La part d'un membre est un pourcentage entre 0 et 100."))


def member_emails(organisation: Organisation) -> list[str]:
    """Whom to tell about a workspace: the organisation's people on the platform, administrators
    first; without any, its contact address (they will need an account to accept)."""
    emails = list(
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .order_by("role", "pk")
        .values_list("user__email", flat=True)
    )
    if emails:
        return emails
    return [organisation.contact_email] if organisation.contact_email else []


def _invite(member: ConsortiumMember, actor: User | None, site_url: str | None) -> None:
    consortium = member.consortium
    send_templated_email(
        to=member_emails(member.organisation),
        template="exchange/email/consortium_invitation",
        context={
            "consortium": consortium,
            "need": consortium.need,
            "member": member,
            "lots": list(member.lots.all()),
            "actor": actor,
            "link": workspace_link(consortium, site_url),
        },
    )


def _even_shares(lot_counts: Mapping[int, int]) -> dict[int, Decimal]:
    """Shares proportional to the number of lots taken, rounded to 0.01 % and adding to 100."""
    total = sum(lot_counts.values())
    if not total:
        return {}
    shares: dict[int, Decimal] = {}
    keys = list(lot_counts)
    for key in keys[:-1]:
        shares[key] = (HUNDRED * lot_counts[key] / total).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    shares[keys[-1]] = HUNDRED - sum(shares.values(), Decimal(0))
    return shares


@transaction.atomic
def consortium_create(
    *,
    need: Need,
    actor: User,
    name: str = "",
    assignment: Mapping[int, Organisation] | None = None,
    mandataire: Organisation | None = None,
    site_url: str | None = None,
) -> Consortium:
    """Open a workspace for ``need``, from a proposed consortium (``assignment``: lot number →
    organisation) or empty, to be filled by hand.

    The mandataire is the one given, else the member taking the most lots. Shares start
    proportional to the lots taken. Members the person opening belongs to accept at once; the
    others are invited by e-mail.
    """
    need = Need.objects.select_for_update(of=("self",)).get(pk=need.pk)
    if not need.is_tender:
        raise RuleError(
            _("Un groupement répond à un appel d'offres en lots : ce besoin n'en est pas un.")
        )
    if need.status not in OPEN_NEED_STATES:
        raise RuleError(
            _("Le besoin est « %(state)s » : un groupement ne s'ouvre qu'après sa validation.")
            % {"state": need.get_status_display()}
        )
    lots = {lot.number: lot for lot in need.lots.all()}
    if not lots:
        raise RuleError(_("Ce besoin n'a aucun lot : ajoutez-en avant de former un groupement."))
    taken: dict[int, list[Lot]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    for number, organisation in (assignment or {}).items():
        if number not in lots:
            raise RuleError(_("Le lot %(n)s n'existe pas dans ce besoin.") % {"n": number})
        taken[organisation.pk].append(lots[number])
        organisations[organisation.pk] = organisation
    if mandataire is not None and mandataire.pk not in organisations:
        organisations[mandataire.pk] = mandataire
    if organisations:
        for existing in need.consortia.exclude(status=ConsortiumStatus.DISSOLVED):
            if set(existing.members.values_list("organisation_id", flat=True)) == set(
                organisations
            ):
                raise AlreadyOpen(
                    _(
                        "Ces coopératives ont déjà un groupement ouvert pour ce marché : "
                        "« %(name)s »."
                    )
                    % {"name": existing.name},
                    existing,
                )
    lead_id: int | None = mandataire.pk if mandataire is not None else None
    if lead_id is None and taken:
        lead_id = max(taken, key=lambda pk: (len(taken[pk]), -min(x.number for x in taken[pk])))
    consortium = Consortium.objects.create(
        need=need,
        name=(name or "").strip()
        or _("Groupement pour « %(title)s »") % {"title": need.title[:150]},
        created_by=actor,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(consortium=consortium, label=_(label), position=i)
        for i, label in enumerate(DEFAULT_CHECKLIST, start=1)
    )
    shares = _even_shares({pk: len(taken.get(pk, [])) for pk in organisations})
    actor_orgs = set(
        Membership.objects.filter(user=actor).values_list("organisation_id", flat=True)
    )
    now = timezone.now()
    created: list[ConsortiumMember] = []
    for pk, organisation in organisations.items():
        own = pk in actor_orgs
        member = ConsortiumMember.objects.create(
            consortium=consortium,
            organisation=organisation,
            role=MemberRole.MANDATAIRE if pk == lead_id else MemberRole.COTRAITANT,
            share_percent=shares.get(pk),
            accepted=own,
            accepted_at=now if own else None,
            accepted_by=actor if own else None,
        )
        member.lots.set(taken.get(pk, []))
        created.append(member)
    _audit(
        consortium,
        AuditAction.CONSORTIUM_CREATED,
        actor,
        {
            "members": sorted(organisations),
            "lots": {str(k): v.pk for k, v in (assignment or {}).items()},
        },
    )
    for member in created:
        if not member.accepted:
            transaction.on_commit(partial(_invite, member, actor, site_url))
    return consortium


@transaction.atomic
def consortium_update(
    *,
    consortium: Consortium,
    actor: User,
    name: str,
    form: str,
    mandataire_solidaire: bool,
) -> Consortium:
    """Name and liability of the group (joint or joint-and-several)."""
    consortium = _locked(consortium)
    _require_open(consortium)
    if form not in ConsortiumForm.values:
        raise RuleError(_("Forme de groupement inconnue : choisissez conjoint ou solidaire."))
    if not name.strip():
        raise RuleError(_("Donnez un nom au groupement."))
    consortium.name = name.strip()
    consortium.form = form
    # Joint-and-several liability already binds the mandataire: the DC1 box only applies to
    # a joint group.
    consortium.mandataire_solidaire = form == ConsortiumForm.CONJOINT and mandataire_solidaire
    consortium.save(update_fields=["name", "form", "mandataire_solidaire"])
    return consortium


@transaction.atomic
def member_add(
    *,
    consortium: Consortium,
    actor: User,
    organisation: Organisation,
    lots: Sequence[Lot],
    share_percent: Decimal | None = None,
    site_url: str | None = None,
) -> ConsortiumMember:
    """Invite one more organisation, with the lots it would perform."""
    consortium = _locked(consortium)
    _require_open(consortium)
    _check_lots(consortium.need, lots)
    _check_share(share_percent)
    if consortium.members.filter(organisation=organisation).exists():
        raise RuleError(_("%(name)s fait déjà partie du groupement.") % {"name": organisation.name})
    own = Membership.objects.filter(user=actor, organisation=organisation).exists()
    member = ConsortiumMember.objects.create(
        consortium=consortium,
        organisation=organisation,
        role=MemberRole.MANDATAIRE
        if not consortium.members.filter(role=MemberRole.MANDATAIRE).exists()
        else MemberRole.COTRAITANT,
        share_percent=share_percent,
        accepted=own,
        accepted_at=timezone.now() if own else None,
        accepted_by=actor if own else None,
    )
    member.lots.set(lots)
    if not own:
        transaction.on_commit(lambda: _invite(member, actor, site_url))
    return member


@transaction.atomic
def member_update(
    *,
    member: ConsortiumMember,
    actor: User,
    lots: Sequence[Lot],
    share_percent: Decimal | None,
) -> ConsortiumMember:
    """Change the lots a member performs and its share of the amount."""
    consortium = _locked(member.consortium)
    _require_open(consortium)
    _check_lots(consortium.need, lots)
    _check_share(share_percent)
    member.share_percent = share_percent
    member.save(update_fields=["share_percent"])
    member.lots.set(lots)
    return member


@transaction.atomic
def member_remove(*, member: ConsortiumMember, actor: User) -> None:
    """Take a member out (it declined, or was invited by mistake); not the mandataire."""
    consortium = _locked(member.consortium)
    _require_open(consortium)
    if member.is_mandataire:
        raise RuleError(
            _("%(name)s est le mandataire : désignez d'abord un autre mandataire, puis retirez-le.")
            % {"name": member.organisation.name}
        )
    member.delete()


@transaction.atomic
def mandataire_set(*, member: ConsortiumMember, actor: User) -> ConsortiumMember:
    """Make ``member`` the one mandataire of its group (the previous one becomes cotraitant)."""
    consortium = _locked(member.consortium)
    _require_open(consortium)
    consortium.members.filter(role=MemberRole.MANDATAIRE).exclude(pk=member.pk).update(
        role=MemberRole.COTRAITANT
    )
    member.role = MemberRole.MANDATAIRE
    member.save(update_fields=["role"])
    return member


@transaction.atomic
def member_accept(*, member: ConsortiumMember, actor: User) -> ConsortiumMember:
    """A person of the organisation says it joins the group."""
    consortium = _locked(member.consortium)
    _require_open(consortium)
    if not Membership.objects.filter(user=actor, organisation=member.organisation_id).exists():
        raise RuleError(
            _("Seuls les membres de %(name)s peuvent accepter pour elle.")
            % {"name": member.organisation.name}
        )
    if not member.accepted:
        member.accepted = True
        member.accepted_at = timezone.now()
        member.accepted_by = actor
        member.save(update_fields=["accepted", "accepted_at", "accepted_by"])
    return member


def _transition(consortium: Consortium, to: str, actor: User) -> None:
    if to not in TRANSITIONS[consortium.status]:
        raise RuleError(
            _("Le groupement est « %(state)s » : il ne peut pas passer à « %(target)s ».")
            % {
                "state": consortium.get_status_display(),
                "target": ConsortiumStatus(to).label,
            }
        )
    previous = consortium.status
    consortium.status = to
    now = timezone.now()
    fields = ["status"]
    stamp = {
        ConsortiumStatus.FORMED: "formed_at",
        ConsortiumStatus.SUBMITTED: "submitted_at",
    }.get(ConsortiumStatus(to), "closed_at")
    setattr(consortium, stamp, now)
    fields.append(stamp)
    consortium.save(update_fields=fields)
    action = {
        ConsortiumStatus.FORMED: AuditAction.CONSORTIUM_FORMED,
        ConsortiumStatus.DISSOLVED: AuditAction.CONSORTIUM_DISSOLVED,
    }.get(ConsortiumStatus(to), AuditAction.CONSORTIUM_STATUS_CHANGED)
    _audit(consortium, action, actor, {"from": previous, "to": to})


@transaction.atomic
def consortium_form(
    *, consortium: Consortium, actor: User, site_url: str | None = None
) -> Consortium:
    """Declare the group formed once every rule holds; tell its members and the union's legal
    delegate, who can then comment on the drafts."""
    consortium = _locked(consortium)
    if consortium.status != ConsortiumStatus.FORMING:
        _transition(consortium, ConsortiumStatus.FORMED, actor)  # raises with the state
    problems = selectors.formation_problems(consortium)
    if problems:
        raise RuleError(
            _("Le groupement ne peut pas encore être constitué : %(problems)s")
            % {"problems": " ".join(problems)}
        )
    _transition(consortium, ConsortiumStatus.FORMED, actor)
    link = workspace_link(consortium, site_url)
    legal = selectors.legal_delegates(consortium.need)
    members = list(consortium.members.select_related("organisation"))
    context = {"consortium": consortium, "need": consortium.need, "members": members, "link": link}
    transaction.on_commit(
        lambda: send_templated_email(
            to=[user.email for user in legal],
            template="exchange/email/consortium_formed_legal",
            context=context,
        )
    )
    for member in members:
        emails = member_emails(member.organisation)
        transaction.on_commit(
            partial(
                send_templated_email,
                to=emails,
                template="exchange/email/consortium_formed",
                context=context,
            )
        )
    return consortium


@transaction.atomic
def consortium_status_set(*, consortium: Consortium, actor: User, to: str) -> Consortium:
    """Record the next step: candidature submitted, contract won or lost, or dissolution."""
    consortium = _locked(consortium)
    if to == ConsortiumStatus.FORMED:
        raise RuleError(
            _("Constituez le groupement avec le bouton prévu : ses règles sont vérifiées.")
        )
    if to not in ConsortiumStatus.values:
        raise RuleError(_("État inconnu."))
    _transition(consortium, to, actor)
    return consortium


__all__ = [
    "DEFAULT_CHECKLIST",
    "AlreadyOpen",
    "RuleError",
    "consortium_create",
    "consortium_form",
    "consortium_status_set",
    "consortium_update",
    "mandataire_set",
    "member_accept",
    "member_add",
    "member_remove",
    "member_update",
]
