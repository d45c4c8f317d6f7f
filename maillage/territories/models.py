"""French territories as codes, not polygons.

Every commune knows its EPCI, département and région; a département knows the regional union
that covers it. Reference rows are loaded from the shipped file (see data/NOTICE.md) by the
`load_reference_data` command; unions are maintained by the operator.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EpciKind, PointSource, ZoneLevel


class Region(models.Model):
    """A région (INSEE code, 2 characters)."""

    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    name_search = models.CharField(max_length=100, db_index=True, editable=False)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Union(models.Model):
    """A regional union of the movement. Its borders need not follow the régions."""

    slug = models.SlugField(_("identifiant"), max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=80)

    class Meta:
        verbose_name = _("union régionale")
        verbose_name_plural = _("unions régionales")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class UnionCoverage(models.Model):
    """One piece of a union's territory: a whole région or a single département.

    A département listed on its own wins over the union covering its région.
    """

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="coverage")
    level = models.CharField(
        _("niveau"),
        max_length=12,
        choices=[
            (ZoneLevel.REGION, ZoneLevel.REGION.label),
            (ZoneLevel.DEPARTEMENT, ZoneLevel.DEPARTEMENT.label),
        ],
    )
    code = models.CharField(_("code"), max_length=3)

    class Meta:
        verbose_name = _("territoire d'une union")
        verbose_name_plural = _("territoires des unions")
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="union_coverage_unique_piece"),
        ]

    def __str__(self) -> str:
        return f"{self.union} — {self.get_level_display()} {self.code}"


class Departement(models.Model):
    """A département (INSEE code: 01…95, 2A, 2B, 971…976)."""

    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    union = models.ForeignKey(
        Union,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departements",
        verbose_name=_("union régionale"),
        help_text=_("Dérivé des territoires des unions ; recalculé quand ils changent."),
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An intercommunalité à fiscalité propre, keyed by its SIREN."""

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    name_search = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("nature"), max_length=5, choices=EpciKind.choices)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A commune of the official geographic code, with a point (town hall, or centroid)."""

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    name_search = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population municipale"), default=0)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    point_source = models.CharField(
        _("origine du point"), max_length=10, choices=PointSource.choices, blank=True
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"


class MunicipalArrondissement(models.Model):
    """An arrondissement of Paris, Lyon or Marseille, mapped to its commune."""

    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="arrondissements")

    class Meta:
        verbose_name = _("arrondissement municipal")
        verbose_name_plural = _("arrondissements municipaux")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PostalCode(models.Model):
    """A postal code served to a commune (a commune may have several, and the reverse)."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")
    routing_label = models.CharField(_("libellé d'acheminement"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="postal_code_unique_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune.name}"


class CommuneSearchKey(models.Model):
    """A normalised key under which a commune is found by prefix (derived at load time).

    Each commune has its whole normalised name as a key, plus one key per later significant
    word ("etienne" for Saint-Étienne), so one indexed range scan answers both kinds of prefix.
    What the autocomplete shows (name, département, postal codes) and ranks by (population)
    is copied here, so that a keystroke costs one or two index reads and no join.
    """

    key = models.CharField(max_length=100)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="search_keys")
    population = models.PositiveIntegerField(default=0)
    is_full_name = models.BooleanField(default=True)
    name = models.CharField(max_length=100)
    departement_code = models.CharField(max_length=3)
    postal_codes = models.CharField(max_length=255, blank=True, help_text="space-separated")

    class Meta:
        verbose_name = _("clé de recherche de commune")
        verbose_name_plural = _("clés de recherche de communes")
        constraints = [
            models.UniqueConstraint(fields=["key", "commune"], name="commune_search_key_unique"),
        ]
        indexes = [
            # The pattern opclass lets PostgreSQL use the index for LIKE 'q%' whatever the
            # database collation; other databases ignore opclasses (plain B-tree, range scan).
            models.Index(
                fields=["key"], name="commune_search_key_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.key


class CommuneSearchPrefix(models.Model):
    """The best communes for a crowded prefix ("sa", "saint m"), precomputed at load time.

    See ranking.py: only prefixes shared by many keys are stored; the others are answered by
    a short range scan of CommuneSearchKey.
    """

    prefix = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField()
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("préfixe fréquent")
        verbose_name_plural = _("préfixes fréquents")
        ordering = ["prefix", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "rank"], name="commune_search_prefix_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} #{self.rank}"
