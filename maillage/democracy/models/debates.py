"""Exchanges of governance practices between cooperatives: themes, threads, posts, reports.

Moderation never deletes: a hidden post keeps its text for the record (moderators still read
it), and everybody sees that it was hidden, by whom and why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DebateTheme(models.Model):
    """A theme of practice (sociocratie, coprésidence, place des salariés…)."""

    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    name = models.CharField(_("thème"), max_length=120)
    description = models.TextField(_("présentation"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème d'échange")
        verbose_name_plural = _("thèmes d'échange")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class DebateThread(models.Model):
    """A conversation opened by a member under a theme; delegates may lock it."""

    theme = models.ForeignKey(DebateTheme, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(_("sujet"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_post_at = models.DateTimeField(default=timezone.now, db_index=True)
    locked_at = models.DateTimeField(_("verrouillé le"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lock_reason = models.TextField(_("motif du verrouillage"), blank=True)

    class Meta:
        verbose_name = _("fil d'échange")
        verbose_name_plural = _("fils d'échange")
        ordering = ["-last_post_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class DebatePost(models.Model):
    """A message in a thread."""

    thread = models.ForeignKey(DebateThread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=8000)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.TextField(_("motif du masquage"), blank=True)

    class Meta:
        verbose_name = _("message d'échange")
        verbose_name_plural = _("messages d'échange")
        ordering = ["thread", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostReport(models.Model):
    """A member reports a post to the moderators; resolved when a moderator handles it."""

    post = models.ForeignKey(DebatePost, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("motif du signalement"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="post_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} — {self.post_id}"
