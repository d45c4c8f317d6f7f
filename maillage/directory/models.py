"""Organisations of the network, their establishments, CAE entrepreneurs and offers.

An organisation is a legal unit (SIREN); its establishments (SIRET) are where it works and
what the map shows; a CAE hosts entrepreneurs who appear as sub-profiles with their own
activity and offers; an offer says what is sold and where it can be delivered (all of France,
a radius around an establishment, or a list of zones given as (level, code) pairs).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.territories.enums import ZoneLevel

from .enums import Family, HeadcountBand, PointPrecision, Visibility, ZoneMode
from .validators import validate_siren, validate_siret


class Label(models.Model):
    """A label or accreditation an organisation holds (ESUS, Entreprise à mission, …)."""

    slug = models.SlugField(_("identifiant"), max_length=60, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A cooperative or another organisation of the social and solidarity economy."""

    name = models.CharField(_("raison sociale"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=60, blank=True)
    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    siren = models.CharField(
        _("SIREN"), max_length=9, unique=True, null=True, blank=True, validators=[validate_siren]
    )
    legal_category = models.CharField(
        _("catégorie juridique INSEE"),
        max_length=4,
        blank=True,
        help_text=_("Code à 4 chiffres de la nomenclature des catégories juridiques (ex. 5458)."),
    )
    family = models.CharField(_("famille"), max_length=12, choices=Family.choices)
    is_ess = models.BooleanField(
        _("entreprise de l'ESS"),
        default=True,
        help_text=_("Appartenance au champ de l'économie sociale et solidaire (SIRENE)."),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("commune du siège"),
    )
    sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("activité principale (NAF)"),
    )
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    headcount_band = models.CharField(
        _("tranche d'effectif"),
        max_length=2,
        choices=HeadcountBand.choices,
        default=HeadcountBand.NN,
    )
    headcount = models.PositiveIntegerField(_("effectif salarié"), null=True, blank=True)
    associates_count = models.PositiveIntegerField(_("nombre d'associés"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    contact_email = models.EmailField(
        _("e-mail de contact"),
        blank=True,
        help_text=_("Jamais affiché : le formulaire de contact transmet les messages."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    labels = models.ManyToManyField(Label, blank=True, related_name="organisations")
    is_union_member = models.BooleanField(_("adhérente à l'union"), default=False)
    union = models.ForeignKey(
        "territories.Union",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_organisations",
        verbose_name=_("union d'adhésion"),
    )
    union_joined_on = models.DateField(_("adhésion depuis le"), null=True, blank=True)
    union_left_on = models.DateField(_("adhésion terminée le"), null=True, blank=True)
    diffusion_partial = models.BooleanField(
        _("diffusion partielle"),
        default=False,
        help_text=_("Statut de diffusion partielle (SIRENE « P ») : ni adresse ni point."),
    )
    is_synthetic = models.BooleanField(
        _("donnée de démonstration"),
        default=False,
        help_text=_("Organisation fictive du réseau de démonstration."),
    )
    is_published = models.BooleanField(
        _("publiée"),
        default=True,
        help_text=_("Une déléguée ou un délégué de l'union peut masquer une fiche."),
    )
    confirmed_at = models.DateTimeField(
        _("fiche confirmée le"),
        null=True,
        blank=True,
        help_text=_("Dernière confirmation par un administrateur ; sert aux rappels."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["family"], name="org_family_idx"),
            models.Index(fields=["headcount_band"], name="org_headcount_band_idx"),
            # Search: a sector with a family (SQLite's planner, knowing only averages, would
            # otherwise walk a family as large as "other ESS" to find one sector's few).
            models.Index(fields=["sector", "family"], name="org_sector_family_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(union_left_on__isnull=True)
                | Q(union_joined_on__isnull=True)
                | Q(union_left_on__gte=models.F("union_joined_on")),
                name="org_union_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    """A place where an organisation works (SIRET), with its point on the map."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="establishments"
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, unique=True, null=True, blank=True, validators=[validate_siret]
    )
    name = models.CharField(_("enseigne"), max_length=255, blank=True)
    is_headquarters = models.BooleanField(_("siège"), default=False)
    is_active = models.BooleanField(_("en activité"), default=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="establishments",
        verbose_name=_("commune"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    point_precision = models.CharField(
        _("précision du point"),
        max_length=8,
        choices=PointPrecision.choices,
        default=PointPrecision.COMMUNE,
    )
    sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="establishments",
        verbose_name=_("activité (NAF)"),
    )
    headcount_band = models.CharField(
        _("tranche d'effectif"),
        max_length=2,
        choices=HeadcountBand.choices,
        default=HeadcountBand.NN,
    )
    diffusion_partial = models.BooleanField(_("diffusion partielle"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["-is_headquarters", "siret"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="estab_point_idx"),
            # The directory search's place filters read these alone (covering, active only).
            models.Index(
                fields=["latitude", "longitude", "organisation"],
                condition=Q(is_active=True),
                name="estab_active_point_idx",
            ),
            models.Index(
                fields=["commune", "organisation"],
                condition=Q(is_active=True),
                name="estab_active_commune_idx",
            ),
        ]
        constraints = [
            # Partial diffusion (statutDiffusion = P): neither address nor point may be kept.
            models.CheckConstraint(
                condition=Q(diffusion_partial=False)
                | (Q(address="") & Q(latitude__isnull=True) & Q(longitude__isnull=True)),
                name="estab_partial_diffusion_hides_place",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.organisation.name} ({self.siret or '—'})"


class Entrepreneur(models.Model):
    """An entrepreneur hosted by a CAE, shown as a sub-profile of the CAE."""

    cae = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="entrepreneurs",
        verbose_name=_("CAE"),
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entrepreneur_profiles",
        verbose_name=_("compte de l'entrepreneur·e"),
    )
    display_name = models.CharField(_("nom affiché"), max_length=150)
    slug = models.SlugField(_("adresse de la page"), max_length=80)
    activity = models.TextField(_("activité"), blank=True)
    sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entrepreneurs",
        verbose_name=_("activité (NAF)"),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entrepreneurs",
        verbose_name=_("commune"),
    )
    visibility = models.CharField(
        _("visibilité"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    is_synthetic = models.BooleanField(_("donnée de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entrepreneur·e de CAE")
        verbose_name_plural = _("entrepreneur·es de CAE")
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["cae", "slug"], name="entrepreneur_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.display_name


class Offer(models.Model):
    """Something an organisation (or a CAE entrepreneur) sells, and where it delivers it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offers")
    entrepreneur = models.ForeignKey(
        Entrepreneur,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("entrepreneur·e"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sector = models.ForeignKey(
        "sectors.Sector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offers",
        verbose_name=_("secteur (NAF)"),
    )
    keywords = models.CharField(
        _("mots-clés"), max_length=255, blank=True, help_text=_("Séparés par des virgules.")
    )
    zone_mode = models.CharField(
        _("zone d'intervention"), max_length=6, choices=ZoneMode.choices, default=ZoneMode.FRANCE
    )
    radius_km = models.PositiveIntegerField(_("rayon (km)"), null=True, blank=True)
    origin = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("établissement de départ"),
        help_text=_("Centre du rayon ; à défaut, le siège."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(zone_mode=ZoneMode.RADIUS) | Q(radius_km__gt=0),
                name="offer_radius_needs_km",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OfferZone(models.Model):
    """One territory where an offer is delivered (zone mode "zones")."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="zones")
    level = models.CharField(
        _("niveau"),
        max_length=12,
        choices=[
            (ZoneLevel.COMMUNE, ZoneLevel.COMMUNE.label),
            (ZoneLevel.EPCI, ZoneLevel.EPCI.label),
            (ZoneLevel.DEPARTEMENT, ZoneLevel.DEPARTEMENT.label),
            (ZoneLevel.REGION, ZoneLevel.REGION.label),
        ],
    )
    code = models.CharField(_("code"), max_length=9)

    class Meta:
        verbose_name = _("territoire d'intervention")
        verbose_name_plural = _("territoires d'intervention")
        constraints = [
            models.UniqueConstraint(fields=["offer", "level", "code"], name="offer_zone_unique"),
        ]
        indexes = [models.Index(fields=["level", "code"], name="offer_zone_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.code}"


# --- Search (directory search, see search.py) ------------------------------------------------
# Derived rows, written only by search.search_document_refresh(). The full-text index over
# them is database-specific and lives outside the model state (migration 0003_search_index):
# an FTS5 table kept in sync by triggers on SQLite, a generated tsvector column with a GIN
# index on PostgreSQL.


class SearchDocument(models.Model):
    """What the full-text search reads for an organisation, already folded and stemmed.

    `title` holds the name and acronym (weighted higher), `body` the description, the offers,
    the public entrepreneurs' activities and the sector labels.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("document de recherche")
        verbose_name_plural = _("documents de recherche")

    def __str__(self) -> str:
        return self.title


class SearchWord(models.Model):
    """A folded word (not stemmed) found in search documents: the vocabulary for suggestions."""

    word = models.CharField(max_length=40, primary_key=True)
    length = models.PositiveSmallIntegerField()
    frequency = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("mot indexé")
        verbose_name_plural = _("mots indexés")
        indexes = [models.Index(fields=["length", "word"], name="search_word_length_idx")]

    def __str__(self) -> str:
        return self.word


class SearchReach(models.Model):
    """Where an active offer delivered "within a radius" reaches, cut into grid cells.

    One row per grid cell (`search.reach_cell`, half a degree each way) that the circle's
    bounding box touches, with the circle itself: "intervenes in commune C" reads the rows of
    C's cell and checks the exact distance on them, instead of measuring every offer. The
    centre is the offer's origin establishment, else the head office (both active, located).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    cell = models.IntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_km = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("portée d'une offre")
        verbose_name_plural = _("portées des offres")
        indexes = [
            models.Index(
                fields=["cell", "latitude", "longitude", "radius_km", "organisation"],
                name="search_reach_cell_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.cell}"


# --- Pages: keeping profiles alive (profile changes, contact messages, reminders) -------------
# Added by the pages work (migration 0004_pages_profile_changes). Profile edits are published at
# once and recorded here for post-moderation by the union's delegates, who accept or revert.


class ProfileChangeStatus(models.TextChoices):
    PENDING = "pending", _("À relire")
    ACCEPTED = "accepted", _("Acceptée")
    REVERTED = "reverted", _("Annulée")


class ProfileChangeKind(models.TextChoices):
    PROFILE = "profile", _("Fiche de l'organisation")
    OFFER_CREATED = "offer_created", _("Offre ajoutée")
    OFFER_UPDATED = "offer_updated", _("Offre modifiée")
    OFFER_DELETED = "offer_deleted", _("Offre supprimée")
    ENTREPRENEUR = "entrepreneur", _("Fiche d'entrepreneur·e")


class ProfileChange(models.Model):
    """One published edit of a profile, an offer or an entrepreneur, kept for moderation.

    ``before`` and ``after`` hold the changed values only (what a revert writes back); for an
    offer they include its zones as ``[[level, code], …]``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="profile_changes"
    )
    author = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    kind = models.CharField(_("nature"), max_length=16, choices=ProfileChangeKind.choices)
    object_id = models.PositiveIntegerField(_("objet"), null=True, blank=True)
    object_repr = models.CharField(_("objet modifié"), max_length=255, blank=True)
    before = models.JSONField(_("avant"), default=dict, blank=True)
    after = models.JSONField(_("après"), default=dict, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ProfileChangeStatus.choices,
        default=ProfileChangeStatus.PENDING,
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relu par"),
    )
    reviewed_at = models.DateTimeField(_("relu le"), null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification de fiche")
        verbose_name_plural = _("modifications de fiches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="profile_change_queue_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.object_repr or self.organisation}"


class ContactMessage(models.Model):
    """A message relayed by the contact form: who and when, for rate limiting (no body kept)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_messages"
    )
    sender_email = models.EmailField(_("e-mail de l'expéditeur"))
    sender_ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message de contact")
        verbose_name_plural = _("messages de contact")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.sender_email} → {self.organisation}"


class ProfileReminder(models.Model):
    """A reminder sent to an organisation's administrators that its profile is stale."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="profile_reminders"
    )
    sent_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("rappel de mise à jour")
        verbose_name_plural = _("rappels de mise à jour")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.sent_at:%Y-%m-%d}"
