"""Reads of the consortium workspace: who the union's legal delegate is, the proposals shown on a
tender's page, one workspace with everything its page needs.

The legal delegate (juriste) of a union is a union delegate (``DelegateAssignment``) who holds
the ``exchange.advise_consortium`` permission, given in the administration directly or through a
group such as « Juristes de l'union ». A union without one falls back to its delegates, so that
a formed group is never left unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from maillage.accounts import perms as account_perms
from maillage.accounts.models import Membership, User

from . import consortium, selectors
from .enums import Answer, ConsortiumStatus, NeedStatus
from .models import ChecklistItem, Consortium, ConsortiumComment, ConsortiumMember, Need

HUNDRED = Decimal("100.00")


def _advise_permission() -> Permission | None:
    return Permission.objects.filter(
        content_type__app_label="exchange", codename="advise_consortium"
    ).first()


def legal_delegates(need: Need) -> list[User]:
    """The union's legal delegates for this need; its delegates when it has none; the platform
    administrators when no union covers the place."""
    if need.union_id is None:
        return list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
    delegates = User.objects.filter(
        is_active=True, delegate_assignments__union_id=need.union_id
    ).distinct()
    permission = _advise_permission()
    if permission is not None:
        legal = delegates.filter(
            Q(user_permissions=permission) | Q(groups__permissions=permission)
        ).distinct()
        if legal.exists():
            return list(legal.order_by("pk"))
    return list(delegates.order_by("pk"))


def is_legal_delegate(user: Any, need: Need) -> bool:
    """Does this person give the union's legal advice on this need's consortia?"""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return any(person.pk == user.pk for person in legal_delegates(need))


def author_role(user: User, consortium_obj: Consortium) -> str:
    """How a comment's author is presented: juriste, delegate, or the member cooperative."""
    need = consortium_obj.need
    if is_legal_delegate(user, need):
        return _("Juriste de l'union")
    names = list(
        consortium_obj.members.filter(organisation__memberships__user=user).values_list(
            "organisation__name", flat=True
        )
    )
    if names:
        return ", ".join(names)
    if need.union_id and account_perms.is_delegate_for_union(user, need.union_id):
        return _("Délégation de l'union")
    if account_perms.is_platform_admin(user):
        return _("Équipe de la plateforme")
    return _("Acheteur")


def user_organisation_ids(user: Any) -> set[int]:
    if not (user is not None and user.is_authenticated):
        return set()
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def workspace(pk: int) -> Consortium | None:
    """One consortium with its need, members (organisations, head office, lots), checklist and
    comments, in a fixed number of queries whatever their number."""
    return (
        Consortium.objects.select_related("need__organisation", "need__union", "created_by")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ConsortiumMember.objects.select_related(
                    "organisation__commune", "accepted_by"
                )
                .prefetch_related("lots")
                .order_by("-role", "organisation__name"),
            ),
            Prefetch("checklist", queryset=ChecklistItem.objects.select_related("done_by")),
            Prefetch("comments", queryset=ConsortiumComment.objects.select_related("author")),
            "need__lots",
        )
        .filter(pk=pk)
        .first()
    )


def consortia_of_need(need: Need) -> QuerySet[Consortium]:
    return need.consortia.exclude(status=ConsortiumStatus.DISSOLVED).prefetch_related(
        Prefetch("members", queryset=ConsortiumMember.objects.select_related("organisation"))
    )


def consortia_of_user(user: Any) -> QuerySet[Consortium]:
    """ "Mes groupements": those the person's organisations belong to, those they opened, and
    for a union delegate those answering the needs of their union."""
    scope = Q(members__organisation__memberships__user=user) | Q(created_by=user)
    unions = account_perms.delegate_union_ids(user)
    if unions:
        scope |= Q(need__union_id__in=unions)
    return Consortium.objects.filter(scope).select_related("need").distinct()


@dataclass(frozen=True)
class ProposedMember:
    organisation_id: int
    name: str
    lots: tuple[int, ...]
    explanation: str


@dataclass(frozen=True)
class Proposal:
    rank: int
    members: tuple[ProposedMember, ...]
    assignment: tuple[tuple[int, int], ...]  # (lot number, organisation id)
    proven_optimal: bool


@dataclass(frozen=True)
class Proposals:
    items: tuple[Proposal, ...]
    message: str
    among_interested: bool


def need_proposals(need: Need, k: int = 3) -> Proposals | None:
    """The best consortia covering every lot, among the cooperatives that said they were
    interested (among all matched ones before anyone answered): None when it does not apply."""
    if not need.is_tender or need.status not in (
        NeedStatus.VALIDATED,
        NeedStatus.SENT,
        NeedStatus.CLOSED,
    ):
        return None
    lots, candidates = selectors.need_consortium_input(need)
    if not lots:
        return None
    interested = {
        str(pk)
        for pk in need.solicitations.filter(
            answer=Answer.INTERESTED, entrepreneur__isnull=True
        ).values_list("organisation_id", flat=True)
    }
    among_interested = bool(interested)
    if among_interested:
        candidates = [c for c in candidates if c.id in interested]
    result = consortium.propose_consortia(lots, candidates, k=k, time_limit_s=5.0)
    names = {c.id: c.display for c in candidates}
    items = []
    for proposed in result.consortia:
        if proposed.uncovered:
            continue
        explanations = {e.candidate_id: e.text for e in proposed.explanations}
        members = tuple(
            ProposedMember(
                organisation_id=int(cid),
                name=names.get(cid, cid),
                lots=tuple(
                    sorted(int(lot) for lot, who in proposed.assignment.items() if who == cid)
                ),
                explanation=explanations.get(cid, ""),
            )
            for cid in proposed.members
        )
        items.append(
            Proposal(
                rank=proposed.rank,
                members=members,
                assignment=tuple(
                    sorted((int(lot), int(cid)) for lot, cid in proposed.assignment.items())
                ),
                proven_optimal=proposed.proven_optimal,
            )
        )
    return Proposals(items=tuple(items), message=result.message, among_interested=among_interested)


def formation_problems(consortium: Consortium) -> list[str]:
    """What still prevents the group from being formed, one sentence each (empty: ready)."""
    members = list(
        consortium.members.select_related("organisation").prefetch_related("lots").order_by("pk")
    )
    problems: list[str] = []
    if len(members) < 2:
        problems.append(_("Un groupement réunit au moins deux membres."))
    mandataires = [m for m in members if m.is_mandataire]
    if len(mandataires) != 1:
        problems.append(_("Désignez un mandataire, et un seul."))
    for member in members:
        if not member.accepted:
            problems.append(
                _("%(name)s n'a pas encore accepté de rejoindre le groupement.")
                % {"name": member.organisation.name}
            )
        if not member.lots.all():
            problems.append(
                _("%(name)s ne prend aucun lot : attribuez-lui un lot ou retirez-le.")
                % {"name": member.organisation.name}
            )
    covered = {lot.pk for member in members for lot in member.lots.all()}
    for lot in consortium.need.lots.order_by("number"):
        if lot.pk not in covered:
            problems.append(
                _("Le lot %(n)s (%(title)s) n'est pris par aucun membre.")
                % {"n": lot.number, "title": lot.title}
            )
    shares = [m.share_percent for m in members if m.share_percent is not None]
    missing = [m.organisation.name for m in members if m.share_percent is None]
    if missing:
        problems.append(
            _("Indiquez la part du montant de : %(names)s.") % {"names": ", ".join(missing)}
        )
    elif members and sum(shares, Decimal(0)) != HUNDRED:
        problems.append(
            _("Les parts du montant font %(total)s %% au total : elles doivent faire 100 %%.")
            % {"total": str(sum(shares, Decimal(0))).replace(".", ",")}
        )
    return problems
