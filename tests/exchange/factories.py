"""Territory, NAF nodes, suppliers and needs for the exchange tests, built without fixtures
files: two départements of one union, a few communes with real coordinates, a NAF subset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.directory.enums import Family, ZoneMode
from maillage.directory.models import (
    Entrepreneur,
    Establishment,
    Offer,
    OfferZone,
    Organisation,
)
from maillage.exchange import services
from maillage.sectors.models import Sector, SectorLevel
from maillage.territories.models import Commune, Departement, Epci, Region, Union
from tests.accounts.factories import DelegateAssignmentFactory, MembershipFactory, UserFactory

COMMUNES = {
    # code: (name, departement, epci, latitude, longitude, population)
    "42218": ("Saint-Étienne", "42", "244200770", 45.4339, 4.3903, 172000),
    "42095": ("Firminy", "42", "244200770", 45.3886, 4.2880, 17000),
    "42187": ("Roanne", "42", "200035731", 46.0365, 4.0680, 34000),
    "69123": ("Lyon", "69", "200046977", 45.7578, 4.8320, 520000),
    "69266": ("Villeurbanne", "69", "200046977", 45.7719, 4.8902, 150000),
}
EPCIS = {
    "244200770": "Saint-Étienne Métropole",
    "200035731": "Roannais Agglomération",
    "200046977": "Métropole de Lyon",
}
SECTION_OF_DIVISION = {"43": "F", "41": "F", "81": "N", "62": "J", "56": "I"}
LABELS = {
    "43.32A": "Travaux de menuiserie bois et PVC",
    "43.32B": "Travaux de menuiserie métallique et serrurerie",
    "43.34Z": "Travaux de peinture et vitrerie",
    "43.21A": "Travaux d'installation électrique dans tous locaux",
    "41.20A": "Construction de maisons individuelles",
    "81.30Z": "Services d'aménagement paysager",
    "62.01Z": "Programmation informatique",
    "56.21Z": "Services des traiteurs",
}


def build_territory() -> Union:
    """Région 84, départements 42 and 69 in one union, EPCI and communes with their points."""
    union, _ = Union.objects.get_or_create(
        slug="auvergne-rhone-alpes",
        defaults={"name": "Union régionale Auvergne-Rhône-Alpes", "short_name": "URSCOP AURA"},
    )
    region, _ = Region.objects.get_or_create(
        code="84", defaults={"name": "Auvergne-Rhône-Alpes", "name_search": "auvergne"}
    )
    for code, name in (("42", "Loire"), ("69", "Rhône")):
        Departement.objects.get_or_create(
            code=code,
            defaults={"name": name, "name_search": name.lower(), "region": region, "union": union},
        )
    for siren, name in EPCIS.items():
        Epci.objects.get_or_create(
            siren=siren, defaults={"name": name, "name_search": name.lower(), "kind": "METRO"}
        )
    for code, (name, dep, epci, lat, lon, population) in COMMUNES.items():
        Commune.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_search": name.lower(),
                "departement_id": dep,
                "region": region,
                "epci_id": epci,
                "latitude": lat,
                "longitude": lon,
                "population": population,
            },
        )
    for code in LABELS:
        sector(code)
    return union


def sector(code: str) -> Sector:
    """The NAF node and its ancestors (labels from LABELS, or the code)."""
    digits = code.replace(".", "")
    section = SECTION_OF_DIVISION[digits[:2]]
    chain = [(section, SectorLevel.SECTION), (digits[:2], SectorLevel.DIVISION)]
    if len(digits) >= 3:
        chain.append((f"{digits[:2]}.{digits[2]}", SectorLevel.GROUP))
    if len(digits) >= 4:
        chain.append((f"{digits[:2]}.{digits[2:4]}", SectorLevel.CLASS))
    if len(digits) >= 5:
        chain.append((code, SectorLevel.SUBCLASS))
    parent = None
    for node_code, level in chain:
        label = LABELS.get(node_code, f"Secteur {node_code}")
        parent, _ = Sector.objects.get_or_create(
            nomenclature="naf2",
            code=node_code,
            defaults={
                "level": level,
                "label": label,
                "display_label": label,
                "label_search": label.lower(),
                "parent": parent,
                "section_code": section,
            },
        )
    assert parent is not None
    return parent


_counter = iter(range(1, 10**6))


def supplier(
    *,
    name: str,
    code: str,
    commune: str = "42218",
    family: str = Family.SCOP,
    headcount: int | None = 8,
    offer: str | None = None,
    description: str = "",
    zone_mode: str = ZoneMode.RADIUS,
    radius_km: int | None = 40,
    zones: list[tuple[str, str]] | None = None,
    email: str | None = None,
    published: bool = True,
) -> Organisation:
    """A published cooperative with a head office, optionally one offer, and a contact."""
    n = next(_counter)
    place = Commune.objects.get(pk=commune)
    organisation = Organisation.objects.create(
        name=name,
        slug=f"coop-{n}",
        family=family,
        commune=place,
        sector=sector(code),
        headcount=headcount,
        contact_email=email if email is not None else f"contact{n}@coop.example",
        is_published=published,
    )
    head = Establishment.objects.create(
        organisation=organisation,
        is_headquarters=True,
        commune=place,
        latitude=place.latitude,
        longitude=place.longitude,
        sector=organisation.sector,
    )
    if offer:
        created = Offer.objects.create(
            organisation=organisation,
            title=offer,
            description=description,
            sector=organisation.sector,
            zone_mode=zone_mode,
            radius_km=radius_km if zone_mode == ZoneMode.RADIUS else None,
            origin=head if zone_mode == ZoneMode.RADIUS else None,
        )
        for level, zone_code in zones or []:
            OfferZone.objects.create(offer=created, level=level, code=zone_code)
    return organisation


def entrepreneur(*, cae: Organisation, name: str, code: str, commune: str, visibility: str):
    return Entrepreneur.objects.create(
        cae=cae,
        display_name=name,
        slug=f"e-{next(_counter)}",
        activity=f"{name} — activité",
        sector=sector(code),
        commune=Commune.objects.get(pk=commune),
        visibility=visibility,
    )


def people(union: Union) -> dict[str, Any]:
    """A buyer member of a buyer organisation, a public-buyer agent, delegates and an admin."""
    buyer_org = supplier(name="Scic Acheteuse", code="56.21Z", commune="69123")
    buyer = MembershipFactory(organisation=buyer_org, role=Role.ADMIN).user
    return {
        "buyer_org": buyer_org,
        "buyer": buyer,
        "agent": UserFactory(email="marches@saint-etienne.example"),
        "delegate": DelegateAssignmentFactory(union=union).user,
        "other_delegate": DelegateAssignmentFactory().user,
        "platform": UserFactory(is_staff=True),
        "outsider": UserFactory(),
    }


def joinery_network() -> list[Organisation]:
    """Suppliers around Saint-Étienne for a joinery need, good ones and distractors."""
    return [
        supplier(
            name="Menuiserie du Pilat",
            code="43.32A",
            offer="Menuiserie bois sur mesure",
            description="Fenêtres, portes et escaliers en bois, rénovation de menuiseries.",
        ),
        supplier(
            name="Bois et Fenêtres",
            code="43.32A",
            commune="42095",
            offer="Pose de fenêtres bois",
            zone_mode=ZoneMode.ZONES,
            zones=[("departement", "42")],
        ),
        supplier(name="Alu Forez", code="43.32B", commune="42218"),
        supplier(name="Peintres associés", code="43.34Z", commune="42095"),
        supplier(
            name="Menuiserie lyonnaise",
            code="43.32A",
            commune="69123",
            radius_km=10,
            offer="Menuiserie bois",
            description="Portes et fenêtres",
        ),
        supplier(name="Code Coop", code="62.01Z", commune="42218"),
        supplier(name="Asso Hors Coop", code="43.32A", family=Family.OTHER_ESS),
        supplier(name="Menuiserie masquée", code="43.32A", published=False),
    ]


def need(
    *,
    author: Any,
    organisation: Organisation | None = None,
    title: str = "Remplacement des fenêtres de l'école",
    description: str = "Menuiserie bois : fenêtres et portes de l'école Jules-Ferry.",
    codes: tuple[str, ...] = ("43.32A",),
    place: tuple[str, str] = ("commune", "42218"),
    **kwargs: Any,
):
    kind = kwargs.pop("buyer_kind", "organisation" if organisation else "public")
    return services.need_create(
        author=author,
        buyer_kind=kind,
        organisation=organisation,
        buyer_name=kwargs.pop("buyer_name", "" if organisation else "Ville de Saint-Étienne"),
        buyer_siren=kwargs.pop("buyer_siren", "" if organisation else "214202186"),
        title=title,
        description=description,
        sectors=[sector(c) for c in codes],
        place_level=place[0],
        place_code=place[1],
        deadline=kwargs.pop("deadline", timezone.localdate() + dt.timedelta(days=45)),
        **kwargs,
    )


def sent_need(p: dict[str, Any], **kwargs: Any):
    """A need taken through submit, validate and send."""
    created = need(author=p["agent"], **kwargs)
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    services.need_send(need=created, actor=p["delegate"])
    created.refresh_from_db()
    return created


# --- Consortium workspace ------------------------------------------------------------------------


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus the one digit that makes it pass the Luhn check (SIREN, SIRET)."""
    from maillage.directory.validators import luhn_valid

    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


TENDER_LOTS = (("Menuiseries", "43.32A"), ("Peinture", "43.34Z"), ("Électricité", "43.21A"))


def consortium_world(p: dict[str, Any]) -> dict[str, Any]:
    """A sent three-lot tender of the city, three cooperatives (one per trade, with SIREN, SIRET
    and address) that answered « interested », each with an administrator on the platform."""
    trades = [
        ("Menuiserie du Gier", "43.32A", "42218", "12 rue des Artisans"),
        ("Couleurs Loire", "43.34Z", "42095", "3 place du Marché"),
        ("Élec Coop", "43.21A", "42218", "40 cours Fauriel"),
    ]
    coops: list[Organisation] = []
    admins: list[Any] = []
    for i, (name, code, commune, address) in enumerate(trades, start=1):
        organisation = supplier(
            name=name,
            code=code,
            commune=commune,
            offer=f"{name} — travaux",
            zone_mode=ZoneMode.ZONES,
            zones=[("departement", "42")],
        )
        organisation.siren = luhn_complete(f"8123450{i}")
        organisation.legal_category = "5458"
        organisation.save(update_fields=["siren", "legal_category"])
        head = organisation.establishments.get()
        head.siret = luhn_complete(organisation.siren + "0001")
        head.address = address
        head.postal_code = "42000"
        head.save(update_fields=["siret", "address", "postal_code"])
        coops.append(organisation)
        admins.append(MembershipFactory(organisation=organisation, role=Role.ADMIN).user)
    created = need(
        author=p["agent"],
        title="Rénovation de l'école Jules-Ferry",
        description="Fenêtres bois, peinture des classes, électricité.",
        codes=("43",),
        place=("departement", "42"),
        is_tender=True,
    )
    for title, code in TENDER_LOTS:
        services.lot_add(
            need=created,
            actor=p["agent"],
            title=title,
            description="",
            sectors=[sector(code)],
            place_level="",
            place_code="",
        )
    services.need_submit(need=created, actor=p["agent"])
    services.need_validate(need=created, actor=p["delegate"])
    services.need_send(need=created, actor=p["delegate"])
    created.refresh_from_db()
    for organisation in coops:
        solicitation = created.solicitations.get(organisation=organisation)
        services.solicitation_answer(
            solicitation=solicitation, answer="interested", reason="", comment=""
        )
    return {"need": created, "coops": coops, "admins": admins}
