"""Writes of the workspace's shared notes: the checklist of pieces and the comments, where the
union's legal delegate gives advice. Composition rules live in ``consortium_services``."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.services import RuleError
from maillage.core.emails import send_templated_email

from . import consortium_selectors as selectors
from .consortium_services import member_emails, workspace_link
from .enums import ConsortiumStatus
from .models import ChecklistItem, Consortium, ConsortiumComment

if TYPE_CHECKING:
    from maillage.accounts.models import User


@transaction.atomic
def checklist_toggle(*, item: ChecklistItem, actor: User) -> ChecklistItem:
    """Tick or untick one point; who and when are kept."""
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if item.consortium.status == ConsortiumStatus.DISSOLVED:
        raise RuleError(_("Le groupement est dissous : sa liste ne change plus."))
    item.done = not item.done
    item.done_by = actor if item.done else None
    item.done_at = timezone.now() if item.done else None
    item.save(update_fields=["done", "done_by", "done_at"])
    return item


@transaction.atomic
def checklist_add(*, consortium: Consortium, actor: User, label: str) -> ChecklistItem:
    label = label.strip()
    if not label:
        raise RuleError(_("Écrivez le point à ajouter à la liste."))
    if consortium.status == ConsortiumStatus.DISSOLVED:
        raise RuleError(_("Le groupement est dissous : sa liste ne change plus."))
    last = consortium.checklist.order_by("-position").values_list("position", flat=True).first()
    return ChecklistItem.objects.create(
        consortium=consortium, label=label[:200], position=(last or 0) + 1
    )


@transaction.atomic
def comment_add(
    *, consortium: Consortium, actor: User, body: str, site_url: str | None = None
) -> ConsortiumComment:
    """A comment in the workspace. The legal delegate's comments are marked as legal advice and
    e-mailed to the members; members' comments are e-mailed to the legal delegate once formed."""
    body = body.strip()
    if not body:
        raise RuleError(_("Le commentaire est vide."))
    is_legal = selectors.is_legal_delegate(actor, consortium.need)
    role = selectors.author_role(actor, consortium)
    comment = ConsortiumComment.objects.create(
        consortium=consortium, author=actor, author_role=role, is_legal=is_legal, body=body
    )
    context = {
        "consortium": consortium,
        "need": consortium.need,
        "comment": comment,
        "link": workspace_link(consortium, site_url),
    }
    recipients: list[str] = []
    if is_legal:
        for member in consortium.members.select_related("organisation"):
            recipients.extend(member_emails(member.organisation))
    elif consortium.status != ConsortiumStatus.FORMING:
        recipients = [user.email for user in selectors.legal_delegates(consortium.need)]
    # One message per address: members of different cooperatives do not see each other's.
    for address in sorted({address for address in recipients if address != actor.email}):
        transaction.on_commit(
            partial(
                send_templated_email,
                to=address,
                template="exchange/email/consortium_comment",
                context=context,
            )
        )
    return comment
