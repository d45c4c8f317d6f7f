"""The consortium workspace: a group of cooperatives answering one multi-lot tender together.

A consortium (*groupement momentané d'entreprises*) belongs to one need. Its members are
organisations of the directory; exactly one of them is the mandataire, who represents the group
before the buyer. Each member takes lots and a share of the amount, and accepts to join. The
workspace also carries a checklist of the documents a group must gather and comments from the
members and the union's legal delegate. Imported by ``models.py``: Django finds them there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ConsortiumForm, ConsortiumStatus, MemberRole

ADVISE_PERMISSION = "exchange.advise_consortium"
"""Marks a union delegate as the union's legal delegate (juriste) for consortia."""


class Consortium(models.Model):
    """A group of cooperatives answering a tender together, from forming to the award."""

    need = models.ForeignKey(
        "exchange.Need",
        on_delete=models.CASCADE,
        related_name="consortia",
        verbose_name=_("besoin"),
    )
    name = models.CharField(_("nom du groupement"), max_length=200)
    form = models.CharField(
        _("forme du groupement"),
        max_length=10,
        choices=ConsortiumForm.choices,
        default=ConsortiumForm.CONJOINT,
    )
    mandataire_solidaire = models.BooleanField(
        _("mandataire solidaire"),
        default=True,
        help_text=_(
            "Dans un groupement conjoint, le mandataire peut être solidaire de chacun des "
            "membres pour ses obligations envers l'acheteur (rubrique du DC1)."
        ),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=ConsortiumStatus.choices, default=ConsortiumStatus.FORMING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouvert par"),
    )
    created_at = models.DateTimeField(_("ouvert le"), default=timezone.now)
    formed_at = models.DateTimeField(_("constitué le"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("candidature déposée le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("groupement")
        verbose_name_plural = _("groupements")
        ordering = ["-created_at", "-id"]
        permissions = [
            (
                "advise_consortium",
                _("Conseiller juridiquement les groupements (juriste de l'union)"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Composition may still change."""
        return self.status == ConsortiumStatus.FORMING

    @property
    def liability_display(self) -> str:
        if self.form == ConsortiumForm.SOLIDAIRE:
            return str(_("Groupement solidaire : chaque membre répond de l'ensemble du marché."))
        if self.mandataire_solidaire:
            return str(
                _(
                    "Groupement conjoint, mandataire solidaire : chaque membre répond de ses "
                    "lots, le mandataire répond aussi de chacun des membres."
                )
            )
        return str(_("Groupement conjoint : chaque membre répond seulement de ses lots."))


class ConsortiumMember(models.Model):
    """One organisation of a consortium: its role, the lots it performs, its share, its consent."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="consortium_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.COTRAITANT
    )
    lots = models.ManyToManyField(
        "exchange.Lot", blank=True, related_name="consortium_members", verbose_name=_("lots pris")
    )
    share_percent = models.DecimalField(
        _("part du montant (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    accepted = models.BooleanField(_("a accepté"), default=False)
    accepted_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepté par"),
    )
    invited_at = models.DateTimeField(_("invité le"), default=timezone.now)

    class Meta:
        verbose_name = _("membre du groupement")
        verbose_name_plural = _("membres du groupement")
        ordering = ["consortium", "-role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"], name="consortium_member_once"
            ),
            models.UniqueConstraint(
                fields=["consortium"],
                condition=Q(role=MemberRole.MANDATAIRE),
                name="consortium_one_mandataire",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True)
                | (Q(share_percent__gte=0) & Q(share_percent__lte=100)),
                name="consortium_member_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consortium} — {self.organisation} ({self.get_role_display()})"

    @property
    def is_mandataire(self) -> bool:
        return self.role == MemberRole.MANDATAIRE


class ChecklistItem(models.Model):
    """One thing the group must have done before submitting, ticked by whoever did it."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="checklist")
    label = models.CharField(_("point à vérifier"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    done = models.BooleanField(_("fait"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fait par"),
    )
    done_at = models.DateTimeField(_("fait le"), null=True, blank=True)

    class Meta:
        verbose_name = _("point de la liste")
        verbose_name_plural = _("liste des pièces")
        ordering = ["consortium", "position", "id"]

    def __str__(self) -> str:
        return self.label


class ConsortiumComment(models.Model):
    """A comment in the workspace, by a member or by the union's legal delegate."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    author_role = models.CharField(_("qualité"), max_length=120, blank=True)
    is_legal = models.BooleanField(_("avis juridique"), default=False)
    body = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(_("écrit le"), default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["consortium", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.consortium} — {self.author_role}"
