"""Writes of the exchanges of practices: threads, replies, reports, and moderation.

Moderators (union delegates, platform administrators) hide a post with a reason, never delete
it: its text stays for the record. Permissions are asked here too, so that no caller can skip
them.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import perms
from ..debate_themes import THEMES
from ..models import DebatePost, DebateTheme, DebateThread, PostReport
from .common import DemocracyError

BODY_MAX = 8000


@transaction.atomic
def debate_themes_seed() -> list[DebateTheme]:
    """Create or update the congress's themes (idempotent); other themes are left alone."""
    themes = []
    for position, (slug, name, description) in enumerate(THEMES, start=1):
        theme, _created = DebateTheme.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        themes.append(theme)
    return themes


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DemocracyError(_("Le message est vide."))
    if len(body) > BODY_MAX:
        raise DemocracyError(
            _("Le message dépasse %(max)s caractères : raccourcissez-le ou découpez-le.")
            % {"max": BODY_MAX}
        )
    return body


@transaction.atomic
def thread_create(*, theme: DebateTheme, author: Any, title: str, body: str) -> DebateThread:
    """Open a thread under a theme, with its first message."""
    if not perms.can_start_thread(author):
        raise DemocracyError(
            _("Les échanges de pratiques sont ouverts aux membres des coopératives du réseau.")
        )
    title = title.strip()
    if not title:
        raise DemocracyError(_("Donnez un sujet à votre fil."))
    body = _clean_body(body)
    now = timezone.now()
    thread = DebateThread.objects.create(
        theme=theme,
        title=title[:200],
        author=author,
        created_at=now,
        last_post_at=now,
    )
    DebatePost.objects.create(thread=thread, author=author, body=body, created_at=now)
    return thread


@transaction.atomic
def post_create(*, thread: DebateThread, author: Any, body: str) -> DebatePost:
    """Reply in a thread (refused once it is locked)."""
    locked = DebateThread.objects.select_for_update().get(pk=thread.pk)
    if locked.is_locked:
        raise DemocracyError(
            _("Ce fil est verrouillé par la modération : on ne peut plus y répondre.")
        )
    if not perms.can_post_in(author, locked):
        raise DemocracyError(
            _("Les échanges de pratiques sont ouverts aux membres des coopératives du réseau.")
        )
    body = _clean_body(body)
    now = timezone.now()
    post = DebatePost.objects.create(thread=locked, author=author, body=body, created_at=now)
    locked.last_post_at = now
    locked.save(update_fields=["last_post_at"])
    return post


def _require_moderator(user: Any) -> None:
    if not perms.can_moderate_debates(user):
        raise DemocracyError(_("La modération des échanges revient aux délégué·es de l'union."))


@transaction.atomic
def post_hide(*, post: DebatePost, moderator: Any, reason: str) -> DebatePost:
    """Hide a post, with a reason shown in its place; its open reports are resolved."""
    _require_moderator(moderator)
    reason = reason.strip()
    if not reason:
        raise DemocracyError(
            _("Indiquez le motif du masquage : il est affiché à la place du message.")
        )
    now = timezone.now()
    post.hidden_at, post.hidden_by, post.hidden_reason = now, moderator, reason[:2000]
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    post.reports.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=moderator)
    return post


@transaction.atomic
def post_restore(*, post: DebatePost, moderator: Any) -> DebatePost:
    """Show a hidden post again (the moderator reconsidered)."""
    _require_moderator(moderator)
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return post


@transaction.atomic
def thread_lock(*, thread: DebateThread, moderator: Any, reason: str) -> DebateThread:
    """Lock a thread: it stays readable, nobody may reply."""
    _require_moderator(moderator)
    reason = reason.strip()
    if not reason:
        raise DemocracyError(
            _("Indiquez le motif du verrouillage : il est affiché en tête du fil.")
        )
    thread.locked_at, thread.locked_by, thread.lock_reason = timezone.now(), moderator, reason
    thread.save(update_fields=["locked_at", "locked_by", "lock_reason"])
    return thread


@transaction.atomic
def thread_unlock(*, thread: DebateThread, moderator: Any) -> DebateThread:
    """Open a locked thread again."""
    _require_moderator(moderator)
    thread.locked_at, thread.locked_by, thread.lock_reason = None, None, ""
    thread.save(update_fields=["locked_at", "locked_by", "lock_reason"])
    return thread


def post_report(*, post: DebatePost, reporter: Any, reason: str) -> PostReport:
    """A member reports a post to the moderators, with a reason (once per post)."""
    if not perms.can_read_debates(reporter):
        raise DemocracyError(_("Connectez-vous avec un compte membre pour signaler un message."))
    reason = reason.strip()
    if not reason:
        raise DemocracyError(_("Dites ce qui pose problème dans ce message."))
    try:
        with transaction.atomic():
            return PostReport.objects.create(post=post, reporter=reporter, reason=reason[:2000])
    except IntegrityError:
        raise DemocracyError(
            _("Vous avez déjà signalé ce message : la modération l'examine.")
        ) from None


@transaction.atomic
def report_dismiss(*, report: PostReport, moderator: Any) -> PostReport:
    """Close a report without hiding the post."""
    _require_moderator(moderator)
    report.resolved_at, report.resolved_by = timezone.now(), moderator
    report.save(update_fields=["resolved_at", "resolved_by"])
    return report
