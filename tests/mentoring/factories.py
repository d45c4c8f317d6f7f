"""Places, cooperatives and volunteers for the mentoring tests, built through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.directory.enums import Family
from maillage.mentoring import services
from maillage.mentoring.enums import Audience, RequesterType, Topic, VolunteerKind
from maillage.territories.models import Commune, Departement, Region, Union
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.directory.factories import OrganisationFactory

# Real points: Saint-Étienne, Firminy (42), Lyon (69), and Brest (29, far away).
PLACES = {
    "42218": ("Saint-Étienne", "42", 45.4397, 4.3872),
    "42095": ("Firminy", "42", 45.3886, 4.2880),
    "69123": ("Lyon", "69", 45.7640, 4.8357),
    "29019": ("Brest", "29", 48.3904, -4.4861),
}


def union_aura() -> Union:
    union, _ = Union.objects.get_or_create(
        slug="auvergne-rhone-alpes",
        defaults={"name": "Union régionale Auvergne-Rhône-Alpes", "short_name": "AURA"},
    )
    return union


def union_bretagne() -> Union:
    union, _ = Union.objects.get_or_create(
        slug="ouest", defaults={"name": "Union régionale de l'Ouest", "short_name": "Ouest"}
    )
    return union


def commune(code: str) -> Commune:
    """One of the PLACES, with its département, région and union."""
    name, dep, lat, lon = PLACES[code]
    region_code, union = ("53", union_bretagne()) if dep == "29" else ("84", union_aura())
    region, _ = Region.objects.get_or_create(
        code=region_code, defaults={"name": f"Région {region_code}", "name_search": "r"}
    )
    departement, _ = Departement.objects.get_or_create(
        code=dep,
        defaults={
            "name": f"Département {dep}",
            "name_search": dep,
            "region": region,
            "union": union,
        },
    )
    place, _ = Commune.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "name_search": name.lower(),
            "departement": departement,
            "region": region,
            "latitude": lat,
            "longitude": lon,
            "population": 1000,
        },
    )
    return place


def cooperative(code: str = "42218", *, name: str | None = None, **extra: Any):
    extra.setdefault("family", Family.SCIC)
    kwargs = {"commune": commune(code), **extra}
    if name:
        kwargs["name"] = name
    return OrganisationFactory(**kwargs)


def admin_of(organisation, **extra: Any):
    return MembershipFactory(organisation=organisation, role=Role.ADMIN, **extra).user


def sponsor(code: str = "42218", *, capacity: int = 1, territories=None, created=None):
    org = cooperative(code, creation_date=created or date(2005, 1, 1), family=Family.SCOP)
    return services.volunteer_save(
        kind=VolunteerKind.SPONSOR,
        organisation=org,
        commune=org.commune,
        territories=territories or [f"departement:{org.commune.departement_id}"],
        capacity=capacity,
    )


def mentor(code: str = "42218", *, kind: str = VolunteerKind.MENTOR, user=None, **extra: Any):
    place = commune(code)
    extra.setdefault("territories", [f"departement:{place.departement_id}"])
    extra.setdefault("topics", [Topic.GOVERNANCE])
    if kind == VolunteerKind.AMBASSADOR:
        extra.setdefault("formats", ["school", "event"])
    return services.volunteer_save(
        kind=kind, user=user or UserFactory(), commune=place, experience_years=8, **extra
    )


def ambassador(code: str = "42218", **extra: Any):
    return mentor(code, kind=VolunteerKind.AMBASSADOR, **extra)


def next_weekday(weekday: int, *, weeks: int = 2) -> date:
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def event(
    code: str = "42218", *, day: date | None = None, start: int = 10, hours: int = 2, **extra
):
    day = day or next_weekday(1)
    extra.setdefault("validated", True)
    return services.event_create(
        title=extra.pop("title", "Découvrir les Scop"),
        requester_type=RequesterType.SCHOOL,
        requester_name=extra.pop("requester_name", "Collège Jules-Vallès"),
        contact_name="Mme Martin",
        contact_email="martin@college.example",
        commune=commune(code),
        starts_at=at(day, start),
        ends_at=at(day, start + hours),
        audience=extra.pop("audience", Audience.COLLEGE),
        audience_size=extra.pop("audience_size", 28),
        topic=extra.pop("topic", Topic.GOVERNANCE),
        **extra,
    )
