"""Reads of the directory: the list, an organisation's page, territory and sector pages, the
moderation queue, completeness and staleness of profiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Substr
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from maillage.sectors.models import Nomenclature, Sector, SectorLevel
from maillage.sectors.selectors import sector_subtree
from maillage.territories.enums import ZoneLevel
from maillage.territories.models import Commune, Departement, Epci, Region, Union

from . import demo
from . import perms as directory_perms
from .enums import Family, ZoneMode
from .models import Entrepreneur, Establishment, Offer, Organisation, ProfileChange


def organisation_list() -> QuerySet[Organisation]:
    """All organisations by name, with what the list shows (commune) in the same query."""
    return Organisation.objects.select_related("commune").order_by("name", "pk")


def organisation_get(slug: str) -> Organisation:
    """One organisation with its place (commune → département → union), or 404."""
    return get_object_or_404(
        Organisation.objects.select_related("commune__departement__union", "sector"), slug=slug
    )


# --- Pages: organisation page, territory and sector pages, moderation -----------------------

LEGAL_CATEGORY_LABELS: dict[str, str] = {
    "5458": "SARL coopérative ouvrière de production (Scop)",
    "5460": "Autre SARL coopérative",
    "5558": "SA coopérative ouvrière de production (Scop) à conseil d'administration",
    "5560": "Autre SA coopérative à conseil d'administration",
    "5658": "SA coopérative ouvrière de production (Scop) à directoire",
    "5660": "Autre SA coopérative à directoire",
    "5710": "SAS, société par actions simplifiée",
    "6317": "Société coopérative agricole",
    "8210": "Mutuelle",
    "9220": "Association déclarée",
    "9230": "Association déclarée, reconnue d'utilité publique",
    "9260": "Association de droit local (Alsace-Moselle)",
    "9300": "Fondation",
}


def legal_category_label(code: str) -> str:
    """The INSEE label of a legal category code (the code itself when not in the short list)."""
    return LEGAL_CATEGORY_LABELS.get(code, code)


#: Midpoint of each INSEE headcount band, used when the exact headcount is unknown.
BAND_MIDPOINTS: dict[str, float] = {
    band: (low + high) / 2 for band, (low, high) in demo.BAND_RANGES.items()
}

COOPERATIVE_FAMILIES = [
    Family.SCOP,
    Family.SCIC,
    Family.CAE,
    Family.HABITANTS,
    Family.OTHER_COOP,
]

# Completeness: what a visitor needs to know and reach the organisation. Weights sum to 100.
COMPLETENESS_WEIGHTS: dict[str, int] = {
    "description": 20,  # what it does, in its own words
    "offers": 15,  # at least one active offer
    "contact_email": 15,  # the contact form can reach someone
    "website": 10,
    "sector": 10,
    "commune": 10,
    "headcount": 10,  # an exact headcount or a known band
    "creation_date": 5,
    "associates_count": 5,
}
COMPLETENESS_LABELS: dict[str, str] = {
    "description": _("une présentation"),
    "offers": _("au moins une offre"),
    "contact_email": _("un e-mail de contact"),
    "website": _("un site web"),
    "sector": _("l'activité principale"),
    "commune": _("la commune du siège"),
    "headcount": _("l'effectif"),
    "creation_date": _("la date de création"),
    "associates_count": _("le nombre d'associés"),
}


@dataclass(frozen=True)
class Completeness:
    """A score out of 100 and the missing items (keys of COMPLETENESS_WEIGHTS)."""

    score: int
    missing: list[str]

    @property
    def missing_labels(self) -> list[str]:
        return [str(COMPLETENESS_LABELS[key]) for key in self.missing]


def completeness_score(values: dict[str, Any]) -> Completeness:
    """Pure: the completeness of a profile given its fields (``offers`` is a count).

    A field counts when it is filled; ``headcount`` counts with an exact figure or a band other
    than "NN". See COMPLETENESS_WEIGHTS for the weights.
    """
    present = {
        "description": bool((values.get("description") or "").strip()),
        "offers": bool(values.get("offers")),
        "contact_email": bool(values.get("contact_email")),
        "website": bool(values.get("website")),
        "sector": values.get("sector_id") is not None,
        "commune": values.get("commune_id") is not None,
        "headcount": values.get("headcount") is not None
        or values.get("headcount_band", "NN") not in ("", "NN"),
        "creation_date": values.get("creation_date") is not None,
        "associates_count": values.get("associates_count") is not None,
    }
    score = sum(weight for key, weight in COMPLETENESS_WEIGHTS.items() if present[key])
    missing = [key for key in COMPLETENESS_WEIGHTS if not present[key]]
    return Completeness(score=score, missing=missing)


def organisation_completeness(organisation: Organisation) -> Completeness:
    """Completeness of a saved organisation (one query: its active offers)."""
    values = {
        field: getattr(organisation, field)
        for field in (
            "description",
            "contact_email",
            "website",
            "sector_id",
            "commune_id",
            "headcount",
            "headcount_band",
            "creation_date",
            "associates_count",
        )
    }
    values["offers"] = organisation.offers.filter(is_active=True).count()
    return completeness_score(values)


def headcount_text(organisation: Organisation) -> str:
    """« 12 salariés », or the band label when only the band is known."""
    if organisation.headcount is not None:
        return ngettext("%(count)s salarié", "%(count)s salariés", organisation.headcount) % {
            "count": organisation.headcount
        }
    return str(organisation.get_headcount_band_display())


def _zone_names(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Names of (level, code) zones, one query per level present."""
    wanted: dict[str, set[str]] = {}
    for level, code in pairs:
        wanted.setdefault(level, set()).add(code)
    names: dict[tuple[str, str], str] = {}
    sources = {
        ZoneLevel.COMMUNE: (Commune, "code"),
        ZoneLevel.EPCI: (Epci, "siren"),
        ZoneLevel.DEPARTEMENT: (Departement, "code"),
        ZoneLevel.REGION: (Region, "code"),
    }
    for level, codes in wanted.items():
        model, key = sources[level]  # type: ignore[index]
        for code, name in model.objects.filter(**{f"{key}__in": codes}).values_list(key, "name"):
            names[(level, code)] = name
    return names


def offer_zone_text(offer: Offer, names: dict[tuple[str, str], str] | None = None) -> str:
    """Where an offer is delivered, in words: « Toute la France », « Dans un rayon de 30 km
    autour de Lyon », « Loire, Rhône ». Needs ``zones`` and ``origin``/head office prefetched
    for lists (see organisation_offers)."""
    if offer.zone_mode == ZoneMode.FRANCE:
        return str(_("Toute la France"))
    if offer.zone_mode == ZoneMode.RADIUS:
        place = getattr(offer, "origin_place", None)
        if place:
            return str(_("Dans un rayon de %(km)s km autour de %(place)s")) % {
                "km": offer.radius_km,
                "place": place,
            }
        return str(_("Dans un rayon de %(km)s km")) % {"km": offer.radius_km}
    zones = [(zone.level, zone.code) for zone in offer.zones.all()]
    names = names if names is not None else _zone_names(zones)
    return ", ".join(names.get(pair, pair[1]) for pair in zones) or str(_("Territoires à préciser"))


def organisation_offers(organisation: Organisation) -> list[Offer]:
    """Active offers of the organisation itself (not its entrepreneurs'), each with
    ``zone_text``; four queries whatever the number of offers."""
    offers = list(
        organisation.offers.filter(is_active=True, entrepreneur__isnull=True)
        .select_related("origin__commune", "sector")
        .prefetch_related("zones")
        .order_by("title", "pk")
    )
    _annotate_zone_texts(offers, organisation)
    return offers


def _annotate_zone_texts(offers: list[Offer], organisation: Organisation | None) -> None:
    head_commune = None
    if organisation is not None and organisation.commune_id:
        head_commune = organisation.commune.name
    pairs = [(z.level, z.code) for offer in offers for z in offer.zones.all()]
    names = _zone_names(pairs) if pairs else {}
    for offer in offers:
        origin = offer.origin.commune if offer.origin and offer.origin.commune_id else None
        offer.origin_place = origin.name if origin else head_commune  # type: ignore[attr-defined]
        offer.zone_text = offer_zone_text(offer, names)  # type: ignore[attr-defined]


def organisation_establishments(organisation: Organisation) -> QuerySet[Establishment]:
    """Active establishments, head office first, with their commune."""
    return (
        organisation.establishments.filter(is_active=True)
        .select_related("commune")
        .order_by("-is_headquarters", "commune__name", "pk")
    )


def organisation_entrepreneurs(organisation: Organisation, user: Any) -> list[Entrepreneur]:
    """The CAE's entrepreneurs this person may see (visibility decided by each entrepreneur),
    with their offers; three queries."""
    entrepreneurs = list(
        organisation.entrepreneurs.filter(
            visibility__in=directory_perms.visible_entrepreneur_levels(user)
        )
        .select_related("sector", "commune")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(is_active=True).prefetch_related("zones"),
            )
        )
        .order_by("display_name", "pk")
    )
    return entrepreneurs


def organisation_page(slug: str) -> Organisation:
    """One organisation for its page: place, sector, union and labels, or 404."""
    return get_object_or_404(
        Organisation.objects.select_related(
            "commune__departement__union", "commune__epci", "sector", "union"
        ).prefetch_related("labels"),
        slug=slug,
    )


def entrepreneur_get(organisation: Organisation, slug: str) -> Entrepreneur:
    return get_object_or_404(
        Entrepreneur.objects.select_related("cae", "sector", "commune"),
        cae=organisation,
        slug=slug,
    )


def _jobs_expression() -> Any:
    """Sum of exact headcounts, band midpoints when only the band is known."""
    midpoint = Case(
        *[When(headcount_band=band, then=Value(mid)) for band, mid in BAND_MIDPOINTS.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    return Sum(Coalesce(Cast("headcount", FloatField()), midpoint))


@dataclass
class Territory:
    """A territory a page is about: its level, code, name and the filter on head offices."""

    level: str
    code: str
    name: str
    obj: Any
    filter: Q


TERRITORY_LEVELS = [
    ZoneLevel.COMMUNE,
    ZoneLevel.EPCI,
    ZoneLevel.DEPARTEMENT,
    ZoneLevel.REGION,
    ZoneLevel.UNION,
]


def territory_get(level: str, code: str) -> Territory:
    """The territory (level, code), or 404; organisations belong by their head office."""
    if level == ZoneLevel.COMMUNE:
        obj = get_object_or_404(Commune.objects.select_related("departement"), pk=code)
        return Territory(level, code, f"{obj.name} ({obj.departement_id})", obj, Q(commune=obj))
    if level == ZoneLevel.EPCI:
        obj = get_object_or_404(Epci, pk=code)
        return Territory(level, code, obj.name, obj, Q(commune__epci=obj))
    if level == ZoneLevel.DEPARTEMENT:
        obj = get_object_or_404(Departement, pk=code.upper())
        return Territory(level, obj.code, str(obj), obj, Q(commune__departement=obj))
    if level == ZoneLevel.REGION:
        obj = get_object_or_404(Region, pk=code)
        return Territory(level, code, obj.name, obj, Q(commune__region=obj))
    if level == ZoneLevel.UNION:
        obj = get_object_or_404(Union, pk=code)
        return Territory(level, code, obj.name, obj, Q(commune__departement__union=obj))
    raise Http404(_("Niveau de territoire inconnu."))


@dataclass
class Overview:
    """What a territory or sector page says in figures."""

    organisations: int
    cooperatives: int
    jobs: int
    jobs_estimated: int  # organisations counted by their band midpoint
    jobs_unknown: int  # organisations without any headcount information
    families: list[tuple[str, str, int]]  # (value, label, count), largest first
    top: list[tuple[str, str, int]]  # (code, label, count): sectors or territories


def _overview(organisations: QuerySet[Organisation]) -> dict[str, Any]:
    totals = organisations.aggregate(
        organisations=Count("pk"),
        cooperatives=Count("pk", filter=Q(family__in=COOPERATIVE_FAMILIES)),
        jobs=_jobs_expression(),
        jobs_estimated=Count("pk", filter=Q(headcount__isnull=True) & ~Q(headcount_band="NN")),
        jobs_unknown=Count("pk", filter=Q(headcount__isnull=True, headcount_band="NN")),
    )
    labels = dict(Family.choices)
    families = [
        (row["family"], str(labels.get(row["family"], row["family"])), row["n"])
        for row in organisations.values("family").annotate(n=Count("pk")).order_by("-n", "family")
    ]
    return {
        "organisations": totals["organisations"],
        "cooperatives": totals["cooperatives"],
        "jobs": round(totals["jobs"] or 0),
        "jobs_estimated": totals["jobs_estimated"],
        "jobs_unknown": totals["jobs_unknown"],
        "families": families,
    }


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_published=True)


def territory_overview(territory: Territory, *, top: int = 8) -> Overview:
    """Figures of a territory: counts, jobs, families, and its top sectors (NAF divisions)."""
    organisations = published_organisations().filter(territory.filter)
    figures = _overview(organisations)
    rows = list(
        organisations.exclude(sector=None)
        .annotate(division=Substr("sector__code", 1, 2))
        .values("division")
        .annotate(n=Count("pk"))
        .order_by("-n", "division")[:top]
    )
    division_labels = dict(
        Sector.objects.filter(
            nomenclature=Nomenclature.NAF_REV2,
            level=SectorLevel.DIVISION,
            code__in=[row["division"] for row in rows],
        ).values_list("code", "display_label")
    )
    figures["top"] = [
        (row["division"], division_labels.get(row["division"], row["division"]), row["n"])
        for row in rows
    ]
    return Overview(**figures)


def sector_get(code: str) -> Sector:
    return get_object_or_404(Sector, nomenclature=Nomenclature.NAF_REV2, code=code.upper())


def sector_filter(sector: Sector) -> Q:
    """Organisations whose main activity is under ``sector`` (any NAF level)."""
    return Q(sector__in=sector_subtree(sector).filter(level=SectorLevel.SUBCLASS))


def sector_overview(sector: Sector, *, top: int = 8) -> Overview:
    """Figures of a sector: counts, jobs, families, and its top départements."""
    organisations = published_organisations().filter(sector_filter(sector))
    figures = _overview(organisations)
    rows = list(
        organisations.exclude(commune=None)
        .values("commune__departement", "commune__departement__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune__departement")[:top]
    )
    figures["top"] = [
        (row["commune__departement"], row["commune__departement__name"], row["n"]) for row in rows
    ]
    return Overview(**figures)


def organisations_in(filter_q: Q) -> QuerySet[Organisation]:
    """The list under a territory or sector page: what a row shows, in one query."""
    return (
        published_organisations()
        .filter(filter_q)
        .select_related("commune", "sector")
        .order_by("name", "pk")
    )


def moderation_queue(
    union_scope: set[str] | None, *, status: str = "pending"
) -> QuerySet[ProfileChange]:
    """Changes to review, oldest first, restricted to the delegate's unions (None: all)."""
    changes = ProfileChange.objects.filter(status=status).select_related(
        "organisation__commune__departement__union", "author", "reviewed_by"
    )
    if union_scope is not None:
        changes = changes.filter(organisation__commune__departement__union__in=union_scope)
    return changes.order_by("created_at", "pk")


def organisation_recent_changes(
    organisation: Organisation, *, limit: int = 10
) -> list[ProfileChange]:
    return list(
        organisation.profile_changes.select_related("author", "reviewed_by").order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def stale_organisations(*, now: datetime, stale_after: timedelta) -> QuerySet[Organisation]:
    """Organisations neither confirmed nor updated since ``stale_after``."""
    limit = now - stale_after
    return Organisation.objects.filter(
        Q(confirmed_at__lt=limit) | Q(confirmed_at__isnull=True), updated_at__lt=limit
    ).order_by("pk")
