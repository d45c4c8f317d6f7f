"""Reads of the intercooperation app: places as codes, candidate suppliers, rankings, lists.

Ranking a need (``need_ranking``) costs a fixed number of queries whatever the network's size:
the place's ancestry and inner zones, then the candidates prefiltered in SQL — by sector (the
NAF division of each node asked for, so that the pure scorer can still tell sub-class from
division) and by zone (all-of-France offers, offers whose zones are the place, contain it or lie
inside it, offers whose radius around their origin reaches the place, and organisations with a
site within the implicit radius) — then their sites, zones and answer history; everything else
is scored in Python by ``matching.rank``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from maillage.accounts.models import hash_token
from maillage.directory.enums import Family, Visibility, ZoneMode
from maillage.directory.models import Entrepreneur, Establishment, Offer, OfferZone, Organisation
from maillage.sectors.models import Sector
from maillage.territories.models import Commune, Departement, Epci, Region

from . import matching
from .enums import Answer, NeedStatus, PlaceLevel
from .matching import CandidateDict, NeedSpec, PlaceSpec, SectorRef, Zone
from .models import Alert, Lot, Need, NeedMatch, Solicitation

KM_PER_DEGREE = 111.2

DEFAULT_SUPPLIER_FAMILIES: tuple[str, ...] = (
    Family.SCOP,
    Family.SCIC,
    Family.CAE,
    Family.OTHER_COOP,
)


def supplier_families() -> tuple[str, ...]:
    """Families proposed as suppliers (setting ``EXCHANGE_SUPPLIER_FAMILIES``): cooperatives."""
    return tuple(getattr(settings, "EXCHANGE_SUPPLIER_FAMILIES", DEFAULT_SUPPLIER_FAMILIES))


# --- Places -----------------------------------------------------------------------------------


def place_reference_commune(level: str, code: str) -> Commune | None:
    """The commune standing for a place: itself, or the most populated commune of the zone."""
    communes = Commune.objects.all()
    if level == PlaceLevel.COMMUNE:
        return communes.filter(pk=code).first()
    field = {
        PlaceLevel.EPCI: "epci_id",
        PlaceLevel.DEPARTEMENT: "departement_id",
        PlaceLevel.REGION: "region_id",
    }.get(PlaceLevel(level))
    if field is None:
        return None
    return communes.filter(**{field: code}).order_by("-population", "code").first()


def place_label(level: str, code: str) -> str | None:
    """A display name for a zone ("Rhône (69)", "Saint-Étienne Métropole"), None if unknown."""
    if level == PlaceLevel.COMMUNE:
        commune = Commune.objects.filter(pk=code).first()
        return f"{commune.name} ({commune.departement_id})" if commune else None
    if level == PlaceLevel.EPCI:
        epci = Epci.objects.filter(pk=code).first()
        return epci.name if epci else None
    if level == PlaceLevel.DEPARTEMENT:
        departement = Departement.objects.filter(pk=code).first()
        return str(departement) if departement else None
    if level == PlaceLevel.REGION:
        region = Region.objects.filter(pk=code).first()
        return region.name if region else None
    return None


def place_zones(level: str, code: str, commune: Commune) -> list[Zone]:
    """The place and every zone containing it, up to France (the reference commune's ancestry
    cut at the place's level)."""
    ancestry = [("commune", commune.code)]
    if commune.epci_id:
        ancestry.append(("epci", commune.epci_id))
    ancestry.append(("departement", commune.departement_id))
    ancestry.append(("region", commune.region_id))
    union_id = (
        commune.departement.union_id
        if Commune.departement.is_cached(commune)
        else Departement.objects.filter(pk=commune.departement_id)
        .values_list("union_id", flat=True)
        .first()
    )
    if union_id:
        ancestry.append(("union", union_id))
    ancestry.append(("france", "fr"))
    for index, zone in enumerate(ancestry):
        if zone == (level, code):
            return ancestry[index:]
    return [(level, code), *ancestry[2:]]


def place_spec(level: str, code: str, label: str, commune: Commune) -> PlaceSpec:
    """The plain-data place the scorer needs: its ancestry with labels (one query).

    ``inner`` is left empty here: which offer zones lie inside a wide place is settled by
    ``need_candidates`` for the few zones its candidates name (``place_inner_zones``).
    """
    if not (
        Commune.region.is_cached(commune)
        and Commune.epci.is_cached(commune)
        and Commune.departement.is_cached(commune)
        and Departement.union.is_cached(commune.departement)
    ):
        commune = _place_commune(commune.pk)
    zones = place_zones(level, code, commune)
    departement = commune.departement
    labels: dict[Zone, str] = {
        ("commune", commune.code): f"{commune.name} ({commune.departement_id})",
        ("departement", departement.code): str(departement),
        ("region", commune.region_id): commune.region.name,
        ("france", "fr"): "France",
    }
    if commune.epci is not None:
        labels[("epci", commune.epci.siren)] = commune.epci.name
    if departement.union is not None:
        labels[("union", departement.union.slug)] = str(departement.union)
    labels[(level, code)] = label
    point = (
        (commune.latitude, commune.longitude)
        if commune.latitude is not None and commune.longitude is not None
        else None
    )
    return PlaceSpec(
        level=level, code=code, label=label, point=point, zones=frozenset(zones), labels=labels
    )


_LEVEL_FIELD = {"epci": "epci_id", "departement": "departement_id", "region": "region_id"}


def place_inner_zones(place: PlaceSpec, zones: Iterable[Zone]) -> dict[Zone, str]:
    """Among ``zones``, those strictly inside the place, with their labels (≤ 3 queries)."""
    if place.level == PlaceLevel.COMMUNE:
        return {}
    field = _LEVEL_FIELD[place.level]
    wanted: dict[str, set[str]] = defaultdict(set)
    for level, code in zones:
        if (level, code) not in place.zones:
            wanted[level].add(code)
    inside: dict[Zone, str] = {}
    inside_place = Commune.objects.filter(**{field: place.code})
    if wanted.get("commune"):
        for c_code, name, dep in inside_place.filter(code__in=wanted["commune"]).values_list(
            "code", "name", "departement_id"
        ):
            inside[("commune", c_code)] = f"{name} ({dep})"
    if wanted.get("epci") and place.level in ("departement", "region"):
        for epci_id, name in (
            inside_place.filter(epci_id__in=wanted["epci"])
            .values_list("epci_id", "epci__name")
            .distinct()
        ):
            inside[("epci", epci_id)] = name
    if wanted.get("departement") and place.level == "region":
        for dep_code, name in Departement.objects.filter(
            region_id=place.code, code__in=wanted["departement"]
        ).values_list("code", "name"):
            inside[("departement", dep_code)] = f"{name} ({dep_code})"
    return inside


def _place_commune(code: str) -> Commune:
    return Commune.objects.select_related("epci", "departement__union", "region").get(pk=code)


def _sector_refs(sectors: Iterable[Sector]) -> tuple[SectorRef, ...]:
    return tuple(SectorRef(s.code, s.section_code) for s in sectors)


def need_spec(need: Need, lot: Lot | None = None) -> NeedSpec:
    """The plain data matched for a need, or for one of its lots (its own sectors and place,
    else the need's)."""
    sectors = list(lot.sectors.all()) if lot is not None else []
    if not sectors:
        sectors = list(need.sectors.all())
    # The commune with its ancestry in one query (the foreign key would cost one more).
    if lot is not None and lot.place_commune_id is not None:
        level, code, label = lot.place_level, lot.place_code, lot.place_label
        commune = _place_commune(lot.place_commune_id)
    else:
        level, code, label = need.place_level, need.place_code, need.place_label
        commune = _place_commune(need.place_commune_id)
    text = f"{need.title} {need.description}"
    if lot is not None:
        text = f"{lot.title} {lot.description} {text}"
    return NeedSpec(
        text=text,
        sectors=_sector_refs(sectors),
        place=place_spec(level, code, label, commune),
        budget_band=need.budget_band,
    )


# --- Candidates -------------------------------------------------------------------------------


def _division_sectors(refs: Sequence[SectorRef]) -> dict[int, tuple[str, str]]:
    """Every NAF node in the division (or section) of each node asked for: id → (code,
    section). Offers are then read without joining the sectors again.

    Ids rather than a subquery: with literal ids the planners use the sector index.
    """
    query = Q()
    for ref in refs:
        if ref.code.isalpha():
            query |= Q(section_code=ref.code)
        else:
            query |= Q(code__startswith=ref.code[:2])
    if not query:
        return {}
    return {
        pk: (code, section)
        for pk, code, section in Sector.objects.filter(query)
        .order_by()
        .values_list("pk", "code", "section_code")
    }


def _bbox(point: tuple[float, float], km: Any, prefix: str) -> Q:
    """Latitude/longitude box of half-side ``km`` (a number or an F expression) around point."""
    lat, lon = point
    cos = max(0.2, math.cos(math.radians(lat)))
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * cos)
    return Q(
        **{
            f"{prefix}latitude__gte": lat - dlat,
            f"{prefix}latitude__lte": lat + dlat,
            f"{prefix}longitude__gte": lon - dlon,
            f"{prefix}longitude__lte": lon + dlon,
        }
    )


def _answer_history() -> tuple[Coalesce, Coalesce]:
    """Annotations of an organisation: (solicited, answered) over needs it was actually sent."""
    sent = (
        Solicitation.objects.filter(organisation_id=OuterRef("pk"), invited_at__isnull=False)
        .order_by()
        .values("organisation_id")
    )
    answered = sent.filter(~Q(answer=Answer.PENDING) | ~Q(question=""))
    return (
        Coalesce(Subquery(sent.annotate(n=Count("id")).values("n")), 0),
        Coalesce(Subquery(answered.annotate(n=Count("id")).values("n")), 0),
    )


def need_candidates(
    spec: NeedSpec, *, families: Sequence[str] | None = None
) -> tuple[NeedSpec, list[CandidateDict]]:
    """Suppliers that may serve the need, as plain dicts for ``matching.rank`` (9 to 13 queries),
    and the need's spec completed with the offer zones that lie inside its place."""
    families = tuple(families or supplier_families())
    sectors = _division_sectors(spec.sectors)
    sector_ids = list(sectors)
    place = spec.place
    if not sector_ids or place.point is None:
        return spec, []
    point: tuple[float, float] = place.point
    extent = matching.PLACE_EXTENT_KM.get(place.level, 0.0)
    # Zones naming the place or a zone containing it, or a zone inside it (by subquery).
    zone_query = Q()
    by_level: dict[str, list[str]] = defaultdict(list)
    for level, code in place.zones:
        by_level[level].append(code)
    for level, codes in by_level.items():
        zone_query |= Q(level=level, code__in=codes)
    if place.level != PlaceLevel.COMMUNE:
        # Zones inside the place, by subquery: a région holds thousands of communes, which as
        # literal parameters cost more to compile and send than the query takes to run.
        inside = Commune.objects.filter(**{_LEVEL_FIELD[place.level]: place.code}).order_by()
        zone_query |= Q(level="commune", code__in=inside.values("code"))
        if place.level in ("departement", "region"):
            zone_query |= Q(
                level="epci", code__in=inside.filter(epci__isnull=False).values("epci_id")
            )
        if place.level == "region":
            zone_query |= Q(
                level="departement",
                code__in=Departement.objects.filter(region_id=place.code).values("code"),
            )
    # The zones of the zoned offers reaching the place, read first so that the query below
    # takes their ids as literals: as an EXISTS under its OR, PostgreSQL would scan every
    # offer zone of the country.
    zones_by_offer: dict[int, list[Zone]] = defaultdict(list)
    for offer_id, level, code in (
        OfferZone.objects.filter(
            offer_id__in=OfferZone.objects.filter(
                zone_query,
                Q(offer__sector_id__in=sector_ids) | Q(offer__sector__isnull=True),
                offer__zone_mode=ZoneMode.ZONES,
            ).values("offer_id")
        )
        .order_by()
        .values_list("offer_id", "level", "code")
    ):
        zones_by_offer[offer_id].append((level, code))
    zoned_offer_ids = list(zones_by_offer)

    radius = F("radius_km") + extent
    # Driven by the sector index: offers of the division(s) — an offer without a sector of its
    # own counts under its organisation's — then the zone conditions, in one query.
    offers = (
        Offer.objects.filter(
            Q(sector_id__in=sector_ids)
            | Q(sector__isnull=True, organisation__sector_id__in=sector_ids),
            is_active=True,
            organisation__is_published=True,
            organisation__family__in=families,
        )
        .filter(
            Q(zone_mode=ZoneMode.FRANCE)
            | Q(zone_mode=ZoneMode.ZONES, pk__in=zoned_offer_ids)
            | (
                Q(zone_mode=ZoneMode.RADIUS, origin__isnull=False)
                & _bbox(point, radius, "origin__")
            )
            | (
                Q(zone_mode=ZoneMode.RADIUS, origin__isnull=True, entrepreneur__isnull=False)
                & _bbox(point, radius, "entrepreneur__commune__")
            )
            | (
                Q(zone_mode=ZoneMode.RADIUS, origin__isnull=True, entrepreneur__isnull=True)
                & _bbox(point, radius, "organisation__commune__")
            )
        )
        .filter(Q(entrepreneur__isnull=True) | Q(entrepreneur__visibility=Visibility.PUBLIC))
        .order_by()
    )
    offer_rows = list(
        offers.values_list(
            "pk",
            "organisation_id",
            "entrepreneur_id",
            "title",
            "description",
            "keywords",
            "sector_id",
            "organisation__sector_id",
            "zone_mode",
            "radius_km",
            "origin__latitude",
            "origin__longitude",
        )
    )
    kept_zones = (zones_by_offer.get(row[0], ()) for row in offer_rows)
    inner = place_inner_zones(place, {z for zs in kept_zones for z in zs})
    if inner:
        place = replace(place, inner=frozenset(inner), labels={**place.labels, **inner})
        spec = replace(spec, place=place)

    implicit_km = matching.IMPLICIT_RADIUS_KM + extent
    # Driven by the organisations of the division (few: cooperatives only), each checked for a
    # site in the box; driven by the box, SQLite would read a whole band of latitude. An
    # organisation that publishes offers has said where it works: no implicit radius.
    registered_org_ids = set(
        Organisation.objects.filter(
            sector_id__in=sector_ids, is_published=True, family__in=families
        )
        .filter(
            Exists(
                Establishment.objects.filter(
                    _bbox(point, implicit_km, ""), organisation_id=OuterRef("pk"), is_active=True
                )
            )
        )
        .exclude(
            Exists(
                Offer.objects.filter(
                    organisation_id=OuterRef("pk"), entrepreneur__isnull=True, is_active=True
                )
            )
        )
        .order_by()
        .values_list("pk", flat=True)
    )
    entrepreneur_rows = list(
        Entrepreneur.objects.filter(
            _bbox(point, implicit_km, "commune__"),
            visibility=Visibility.PUBLIC,
            sector_id__in=sector_ids,
            cae__is_published=True,
        )
        .order_by()
        .values_list(
            "pk",
            "cae_id",
            "display_name",
            "activity",
            "sector__code",
            "sector__section_code",
            "commune__latitude",
            "commune__longitude",
            "cae__name",
        )
    )
    entrepreneur_ids = {row[0] for row in entrepreneur_rows} | {
        row[2] for row in offer_rows if row[2]
    }
    org_ids = registered_org_ids | {row[1] for row in offer_rows if not row[2]}
    if not org_ids and not entrepreneur_ids:
        return spec, []

    points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for org_id, lat, lon in (
        Establishment.objects.filter(
            organisation_id__in=org_ids, is_active=True, latitude__isnull=False
        )
        .order_by()
        .values_list("organisation_id", "latitude", "longitude")
    ):
        if lat is not None and lon is not None:
            points[org_id].append((lat, lon))
    entrepreneurs = {row[0]: row for row in entrepreneur_rows}
    missing = entrepreneur_ids - set(entrepreneurs)
    if missing:
        for row in (
            Entrepreneur.objects.filter(pk__in=missing)
            .order_by()
            .values_list(
                "pk",
                "cae_id",
                "display_name",
                "activity",
                "sector__code",
                "sector__section_code",
                "commune__latitude",
                "commune__longitude",
                "cae__name",
            )
        ):
            entrepreneurs[row[0]] = row
    # The organisations and the CAEs of the entrepreneurs, with their answer history.
    solicited, answered = _answer_history()
    organisations = {
        row[0]: row
        for row in Organisation.objects.filter(
            pk__in=org_ids | {row[1] for row in entrepreneurs.values()}
        )
        .annotate(solicited=solicited, answered=answered)
        .order_by()
        .values_list(
            "pk",
            "name",
            "family",
            "headcount",
            "sector__code",
            "sector__section_code",
            "description",
            "solicited",
            "answered",
        )
    }
    history = {pk: (row[7], row[8]) for pk, row in organisations.items()}

    candidates: dict[str, CandidateDict] = {}

    def organisation_candidate(org_id: int) -> CandidateDict:
        key = f"org:{org_id}"
        if key not in candidates:
            _pk, name, family, headcount, code, section, description, *_history = organisations[
                org_id
            ]
            solicited, answered = history.get(org_id, (0, 0))
            candidates[key] = {
                "key": key,
                "organisation_id": org_id,
                "entrepreneur_id": None,
                "name": name,
                "family": family,
                "headcount": headcount,
                "points": points.get(org_id, []),
                "activities": [],
                "solicited": solicited,
                "answered": answered,
            }
            if org_id in registered_org_ids:
                candidates[key]["activities"].append(  # type: ignore[attr-defined]
                    {
                        "offer_id": None,
                        "title": name,
                        "text": description,
                        "sector_code": code,
                        "section": section,
                        "zone_mode": ZoneMode.RADIUS,
                    }
                )
        return candidates[key]

    def entrepreneur_candidate(entrepreneur_id: int, with_registration: bool) -> CandidateDict:
        key = f"ent:{entrepreneur_id}"
        if key not in candidates:
            _pk, cae_id, name, activity, code, section, lat, lon, cae_name = entrepreneurs[
                entrepreneur_id
            ]
            solicited, answered = history.get(cae_id, (0, 0))
            candidates[key] = {
                "key": key,
                "organisation_id": cae_id,
                "entrepreneur_id": entrepreneur_id,
                "name": f"{name} ({cae_name})",
                "family": Family.CAE,
                "headcount": 1,
                "points": [(lat, lon)] if lat is not None and lon is not None else [],
                "activities": [],
                "solicited": solicited,
                "answered": answered,
            }
            if with_registration:
                candidates[key]["activities"].append(  # type: ignore[attr-defined]
                    {
                        "offer_id": None,
                        "title": name,
                        "text": activity,
                        "sector_code": code,
                        "section": section,
                        "zone_mode": ZoneMode.RADIUS,
                    }
                )
        return candidates[key]

    for org_id in registered_org_ids:
        organisation_candidate(org_id)
    for entrepreneur_row in entrepreneur_rows:
        entrepreneur_candidate(entrepreneur_row[0], with_registration=True)
    for offer_row in offer_rows:
        (
            offer_id, org_id, entrepreneur_id, title, description, keywords, sector_id,
            org_sector_id, zone_mode, radius_km, origin_lat, origin_lon,
        ) = offer_row  # fmt: skip
        code, section = sectors[sector_id if sector_id is not None else org_sector_id]
        candidate = (
            entrepreneur_candidate(entrepreneur_id, with_registration=False)
            if entrepreneur_id
            else organisation_candidate(org_id)
        )
        candidate["activities"].append(  # type: ignore[attr-defined]
            {
                "offer_id": offer_id,
                "title": title,
                "text": f"{description} {keywords.replace(',', ' ')}",
                "sector_code": code,
                "section": section,
                "zone_mode": zone_mode,
                "radius_km": float(radius_km) if radius_km else None,
                "origin": (origin_lat, origin_lon) if origin_lat is not None else None,
                "zones": zones_by_offer.get(offer_id, []),
            }
        )
    return spec, list(candidates.values())


def need_ranking(
    need: Need,
    lot: Lot | None = None,
    *,
    limit: int = 50,
    families: Sequence[str] | None = None,
) -> list[matching.Match]:
    """The ranked suppliers for a need (or one lot), best first, with their reasons."""
    spec, candidates = need_candidates(need_spec(need, lot), families=families)
    return matching.rank(spec, candidates, limit=limit)


# --- Lists ------------------------------------------------------------------------------------


def needs_of_user(user: Any) -> QuerySet[Need]:
    """Needs a person posted, or posted for an organisation they belong to ("Mes besoins")."""
    return (
        Need.objects.filter(Q(author=user) | Q(organisation__memberships__user=user))
        .distinct()
        .select_related("organisation")
        .annotate(lot_count=Count("lots", distinct=True))
        .order_by("-created_at", "-id")
    )


def needs_to_moderate(union_scope: set[str] | None) -> QuerySet[Need]:
    """Needs awaiting a delegate (submitted or validated, not sent), for some unions or all."""
    qs = Need.objects.filter(status__in=[NeedStatus.SUBMITTED, NeedStatus.VALIDATED])
    if union_scope is not None:
        qs = qs.filter(union_id__in=union_scope)
    return qs.select_related("organisation", "union").order_by("submitted_at", "id")


def solicitations_received(user: Any) -> QuerySet[Solicitation]:
    """What the person's organisations were sent ("Besoins reçus"), newest first."""
    return (
        Solicitation.objects.filter(invited_at__isnull=False, organisation__memberships__user=user)
        .select_related("need", "organisation", "entrepreneur")
        .order_by("-invited_at", "-id")
        .distinct()
    )


def need_shortlist(need: Need) -> QuerySet[Solicitation]:
    return need.solicitations.select_related("organisation", "entrepreneur").order_by(
        "excluded", "rank"
    )


def need_matches_by_lot(need: Need) -> dict[int | None, list[NeedMatch]]:
    """Stored ranking per lot number (None for the need as a whole), two queries."""
    grouped: dict[int | None, list[NeedMatch]] = defaultdict(list)
    for match in need.matches.select_related("lot", "organisation", "entrepreneur"):
        grouped[match.lot.number if match.lot is not None else None].append(match)
    return dict(grouped)


def solicitation_by_token(token: str) -> Solicitation | None:
    """The solicitation a personal link points to (looked up by the token's hash), or None."""
    if not token or len(token) > 100:
        return None
    return (
        Solicitation.objects.select_related("need", "organisation", "entrepreneur")
        .filter(token_hash=hash_token(token))
        .first()
    )


def alerts_of_user(user: Any) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(organisation__memberships__user=user)
        .select_related("organisation")
        .prefetch_related("sectors")
        .distinct()
    )


def need_consortium_input(need: Need) -> tuple[list[Any], list[Any]]:
    """The tender's lots and, per supplier, its stored match score for each lot and its
    distance, as ``consortium.Lot`` and ``consortium.Candidate`` ready for
    ``propose_consortia`` (see ``consortium_selectors.need_proposals``)."""
    from .consortium import Candidate as ConsortiumCandidate
    from .consortium import Lot as ConsortiumLot

    lots = [
        ConsortiumLot(id=str(lot.number), label=lot.title) for lot in need.lots.order_by("number")
    ]
    scores: dict[int, dict[str, float]] = defaultdict(dict)
    distances: dict[int, float] = {}
    names: dict[int, str] = {}
    excluded = set(
        need.solicitations.filter(excluded=True, entrepreneur__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    for match in need.matches.filter(lot__isnull=False, entrepreneur__isnull=True).select_related(
        "lot", "organisation"
    ):
        if match.organisation_id in excluded:
            continue
        if match.lot is None:
            continue
        scores[match.organisation_id][str(match.lot.number)] = match.score
        distances[match.organisation_id] = min(
            distances.get(match.organisation_id, math.inf), match.distance_km or 0.0
        )
        names[match.organisation_id] = match.organisation.name
    candidates = [
        ConsortiumCandidate(
            id=str(org_id), scores=lot_scores, distance_km=distances[org_id], name=names[org_id]
        )
        for org_id, lot_scores in scores.items()
    ]
    return lots, candidates
