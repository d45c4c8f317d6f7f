"""Citizens' conventions drawn by lot: the pool, the quotas, the runs, the public lottery, the
draw and the replacements (see docs/decisions/sortition.md).

The algorithms live in the pure modules of this app (problem, quotas, leximin, lottery, draw,
record); these models keep what they were fed and what they produced, so that every step can be
audited afterwards without re-running a solver.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import STATUS_ORDER, ConventionStatus, RunKind, RunStatus, SeatStatus

USER_MODEL = settings.AUTH_USER_MODEL


def _secret() -> str:
    return secrets.token_hex(32)


def _token() -> str:
    return secrets.token_urlsafe(24)


class Convention(models.Model):
    """A citizens' convention (or panel) whose members are drawn by lot from volunteers.

    ``features`` defines the features used for fairness, in display order::

        [{"key": "genre", "label": "Genre",
          "values": [{"key": "femme", "label": "Femme"}, ...]}, ...]

    ``pseudonym_secret`` keys the HMAC pseudonyms of the published files; it never leaves the
    server.
    """

    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    panel_size = models.PositiveIntegerField(_("nombre de sièges"))
    features = models.JSONField(_("critères de représentativité"), default=list)
    one_per_cooperative = models.BooleanField(
        _("au plus une personne par coopérative"), default=False
    )
    organisers = models.ManyToManyField(
        "accounts.User", related_name="sortition_conventions", verbose_name=_("organisateurs")
    )
    status = models.CharField(
        _("étape"),
        max_length=20,
        choices=ConventionStatus.choices,
        default=ConventionStatus.VOLUNTEERING,
    )
    pseudonym_secret = models.CharField(max_length=64, default=_secret, editable=False)
    is_demo = models.BooleanField(_("démonstration"), default=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("convention citoyenne")
        verbose_name_plural = _("conventions citoyennes")
        constraints = [
            models.CheckConstraint(
                condition=Q(panel_size__gte=1), name="sortition_panel_size_positive"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def reached(self, status: str) -> bool:
        """Whether the convention is at ``status`` or beyond."""
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)

    def feature_labels(self) -> dict[str, str]:
        return {f["key"]: f["label"] for f in self.features}

    def value_labels(self) -> dict[tuple[str, str], str]:
        return {(f["key"], v["key"]): v["label"] for f in self.features for v in f["values"]}

    def label_of(self, quota_label: str) -> str:
        """``"genre=femme"`` → ``"Genre : Femme"`` (labels from the definition)."""
        feature, _sep, value = quota_label.partition("=")
        name = self.feature_labels().get(feature, feature)
        return f"{name} : {self.value_labels().get((feature, value), value)}"


class Volunteer(models.Model):
    """A person in the pool. Personal data (name, e-mail, cooperative) is shown to organisers
    only; everything published carries the pseudonym."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="volunteers")
    full_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    user = models.ForeignKey(
        USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sortition_volunteers",
        verbose_name=_("compte"),
    )
    cooperative = models.CharField(_("coopérative"), max_length=200, blank=True)
    features = models.JSONField(_("critères"), default=dict)
    consent = models.BooleanField(_("consentement au traitement"), default=False)
    consented_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    pseudonym = models.CharField(_("pseudonyme"), max_length=20, blank=True)
    seat = models.CharField(
        _("panel"), max_length=12, choices=SeatStatus.choices, blank=True, default=""
    )
    token = models.CharField(max_length=40, default=_token, unique=True, editable=False)
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("volontaire")
        verbose_name_plural = _("volontaires")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "email"], name="sortition_volunteer_email_once"
            ),
            models.CheckConstraint(condition=Q(consent=True), name="sortition_volunteer_consented"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def household(self) -> str | None:
        """Cooperative as a household key (case and spacing do not matter)."""
        key = " ".join(self.cooperative.split()).casefold()
        return key or None


class Quota(models.Model):
    """Bounds on the number of panel members with one value of one feature."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="quotas")
    feature = models.CharField(_("critère"), max_length=50)
    value = models.CharField(_("valeur"), max_length=50)
    min = models.PositiveIntegerField(_("minimum"))
    max = models.PositiveIntegerField(_("maximum"))

    class Meta:
        ordering = ["feature", "value"]
        verbose_name = _("quota")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "feature", "value"], name="sortition_quota_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feature}={self.value}: {self.min}..{self.max}"


class Run(models.Model):
    """One computation (LEXIMIN distribution and its 1,000-panel lottery, or replacements).

    ``input`` freezes the pool and quotas at queue time, so a worker computes exactly what the
    organiser asked for; ``result`` keeps what it produced, ``versions`` what it ran on.
    """

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(_("type"), max_length=20, choices=RunKind.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    settings = models.JSONField(_("réglages"), default=dict)
    input = models.JSONField(_("entrée"), default=dict)
    quotas = models.JSONField(_("quotas (instantané)"), default=dict)
    pool_sha256 = models.CharField(_("empreinte du vivier"), max_length=64)
    versions = models.JSONField(_("versions"), default=dict)
    result = models.JSONField(_("résultat"), default=dict, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calcul")
        verbose_name_plural = _("calculs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n° {self.pk} ({self.get_status_display()})"

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 1)
        return None

    @property
    def probabilities(self) -> dict[str, Any]:
        """Volunteer pk (as text) → LEXIMIN probability, once done."""
        return dict(self.result.get("distribution", {}).get("probabilities", {}))


class Publication(models.Model):
    """The published lottery file (canonical JSON, pseudonyms only) and its SHA-256."""

    convention = models.OneToOneField(
        Convention, on_delete=models.CASCADE, related_name="publication"
    )
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("fichier publié"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("publiée le"), default=timezone.now)
    published_by = models.ForeignKey(
        USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("loterie publiée")

    def __str__(self) -> str:
        return f"{self.convention} — {self.sha256}"


class Draw(models.Model):
    """The public draw: the announced source of randomness, then its value and the result.

    The source and the moment of the public event are announced after the lottery is published
    and before the event; the value can only be entered once the event has taken place.
    """

    convention = models.OneToOneField(Convention, on_delete=models.CASCADE, related_name="draw")
    source = models.TextField(_("source du hasard annoncée"))
    event_at = models.DateTimeField(_("date de l'événement public"))
    announced_at = models.DateTimeField(_("annoncée le"), default=timezone.now)
    announced_by = models.ForeignKey(
        USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    seed = models.CharField(_("graine"), max_length=500, blank=True)
    drawn_at = models.DateTimeField(_("tiré le"), null=True, blank=True)
    index = models.PositiveIntegerField(_("numéro du panel tiré"), null=True, blank=True)
    panel = models.JSONField(_("panel tiré (pseudonymes)"), default=list, blank=True)

    class Meta:
        verbose_name = _("tirage")
        constraints = [
            models.CheckConstraint(
                condition=Q(event_at__gte=models.F("announced_at")),
                name="sortition_event_after_announcement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convention} — {self.source[:60]}"


class Replacement(models.Model):
    """Members who declined and those who replaced them, keeping the quotas."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="replacements"
    )
    run = models.OneToOneField(Run, on_delete=models.PROTECT, related_name="replacement")
    declined = models.JSONField(_("ont décliné (pseudonymes)"), default=list)
    added = models.JSONField(_("remplaçant·es (pseudonymes)"), default=list)
    seed = models.CharField(_("graine"), max_length=600)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("remplacement")

    def __str__(self) -> str:
        return f"{self.convention} — {', '.join(self.declined)}"
