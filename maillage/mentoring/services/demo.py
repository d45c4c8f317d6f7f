"""Demo mentoring data for the synthetic network."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.directory.models import Organisation
from maillage.territories.models import Union

from ..enums import (
    Audience,
    Format,
    RequesterType,
    RequestKind,
    Topic,
    VolunteerKind,
)
from ..models import (
    AmbassadorEvent,
    MentoringRequest,
)
from .events import event_create
from .mentoring_requests import request_create
from .volunteers import volunteer_save

# ----------------------------------------------------------------------------- demo


DEMO_DOMAIN = "demo.maillage.coop"


@transaction.atomic
def demo_mentoring_create(*, union: Union) -> dict[str, int]:
    """Demo sponsors, mentors, ambassadors, requests and events in a union (idempotent).

    Uses the union's synthetic cooperatives (``is_synthetic``), or any of its organisations when
    there are none; people are demo accounts on ``demo.maillage.coop`` without a usable
    password. Rerunning updates the same rows and adds nothing.
    """
    organisations = list(
        Organisation.objects.filter(
            commune__departement__union=union, commune__latitude__isnull=False
        )
        .select_related("commune", "sector")
        .order_by("-is_synthetic", "creation_date", "pk")[:400]
    )
    stats = {"sponsors": 0, "mentors": 0, "ambassadors": 0, "requests": 0, "events": 0}
    if len(organisations) < 4:
        return stats
    zone = [f"union:{union.pk}"]
    established = [o for o in organisations if o.creation_date and o.creation_date.year < 2018]
    newer = [o for o in organisations if o not in established]
    established = established or organisations[: len(organisations) // 2]
    newer = newer or organisations[len(organisations) // 2 :]
    for org in established[:6]:
        assert org.commune is not None  # filtered above
        volunteer_save(
            kind=VolunteerKind.SPONSOR,
            organisation=org,
            commune=org.commune,
            territories=[f"departement:{org.commune.departement_id}"],
            capacity=2,
            sector_sections=[org.sector.section_code] if org.sector else [],
            presentation=_("Coopérative de démonstration, marraine volontaire."),
        )
        stats["sponsors"] += 1
    topics = list(Topic.values)
    for n in range(6):
        org = established[n % len(established)]
        assert org.commune is not None
        person, _created = User.objects.get_or_create(
            email=f"mentor{n + 1}@{DEMO_DOMAIN}",
            defaults={"full_name": f"Mentor de démonstration {n + 1}"},
        )
        if _created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        role = VolunteerKind.MENTOR if n < 4 else VolunteerKind.AMBASSADOR
        volunteer_save(
            kind=role,
            user=person,
            commune=org.commune,
            territories=zone,
            capacity=2,
            topics=[topics[n % len(topics)], topics[(n + 2) % len(topics)]],
            formats=[Format.ONE_TO_ONE]
            if role == VolunteerKind.MENTOR
            else [Format.SCHOOL, Format.EVENT],
            experience_years=4 + 3 * n,
            weekdays=[0, 1, 3, 4],
        )
        stats["mentors" if role == VolunteerKind.MENTOR else "ambassadors"] += 1
    for n, org in enumerate(newer[:4]):
        kind = RequestKind.SPONSOR if n % 2 == 0 else RequestKind.MENTOR
        if not MentoringRequest.objects.filter(organisation=org, kind=kind).exists():
            request_create(
                organisation=org,
                kind=kind,
                created_by=None,
                topic=topics[n % len(topics)] if kind == RequestKind.MENTOR else "",
                message=_("Demande de démonstration."),
            )
        stats["requests"] += 1
    base = timezone.localdate() + timedelta(days=21)
    for n in range(2):
        org = newer[n % len(newer)]
        assert org.commune is not None
        title = _("Découvrir les coopératives — démonstration %d") % (n + 1)
        if not AmbassadorEvent.objects.filter(title=title, union=union).exists():
            day = base + timedelta(days=7 * n)
            day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday
            starts = timezone.make_aware(datetime.combine(day, time(10, 0)))
            event_create(
                title=title,
                requester_type=RequesterType.SCHOOL,
                requester_name=_("Collège de démonstration"),
                contact_name=_("Professeur principal"),
                contact_email=f"college{n + 1}@{DEMO_DOMAIN}",
                commune=org.commune,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                audience=Audience.COLLEGE,
                audience_size=28,
                topic=Topic.GOVERNANCE,
                validated=True,
            )
        stats["events"] += 1
    return stats
