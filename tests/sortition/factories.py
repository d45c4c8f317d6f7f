"""Conventions with small pools, built through the services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from maillage.accounts.models import User
from maillage.sortition import services
from maillage.sortition.models import Convention, Volunteer
from tests.accounts.factories import UserFactory

FEATURES: list[dict[str, Any]] = [
    {
        "key": "genre",
        "label": "Genre",
        "values": [{"key": "femme", "label": "Femme"}, {"key": "homme", "label": "Homme"}],
    },
    {
        "key": "age",
        "label": "Âge",
        "values": [
            {"key": "jeune", "label": "Moins de 35 ans"},
            {"key": "aine", "label": "35 ans et plus"},
        ],
    },
]

# (genre, âge) of the 12 volunteers of the small pool: 6 women, 6 men, 4 young, 8 older.
SMALL_POOL = (
    [("femme", "jeune")] * 2
    + [("femme", "aine")] * 4
    + [("homme", "jeune")] * 2
    + [("homme", "aine")] * 4
)
SMALL_QUOTAS = {
    ("genre", "femme"): (2, 2),
    ("genre", "homme"): (2, 2),
    ("age", "jeune"): (1, 2),
    ("age", "aine"): (2, 3),
}


def convention_with_pool(
    *,
    organiser: User | None = None,
    pool: list[tuple[str, str]] | None = None,
    panel_size: int = 4,
    quotas: dict[tuple[str, str], tuple[int, int]] | None = None,
    one_per_cooperative: bool = False,
) -> Convention:
    """A convention, its 12 volunteers (cooperatives ``Coop 0``… two people each) and quotas."""
    organiser = organiser or UserFactory(full_name="Odile Organisatrice")
    convention = services.convention_create(
        title="Convention sur le travail",
        description="Douze volontaires, quatre sièges.",
        panel_size=panel_size,
        features=FEATURES,
        organisers=[organiser],
        one_per_cooperative=one_per_cooperative,
    )
    for k, (genre, age) in enumerate(pool or SMALL_POOL):
        services.volunteer_create(
            convention=convention,
            full_name=f"Volontaire Nominatif {k}",
            email=f"volontaire{k}@exemple.coop",
            cooperative=f"Coop {k // 2}",
            features={"genre": genre, "age": age},
            consent=True,
            by_organiser=True,
        )
    services.quotas_save(convention=convention, bounds=quotas or SMALL_QUOTAS)
    return convention


def drawn_convention(*, seed: str = "12-34-56") -> Convention:
    """A small convention computed, published, announced and drawn with ``seed``."""
    convention = convention_with_pool()
    organiser = convention.organisers.get()
    services.run_request(convention=convention, actor=organiser)
    services.lottery_publish(convention=convention, actor=organiser)
    announce_in_the_past(convention, organiser)
    services.panel_draw(convention=convention, seed=seed, actor=organiser)
    convention.refresh_from_db()
    return convention


def announce_in_the_past(convention: Convention, organiser: User) -> None:
    """Announce the seed, then move the publication, announcement and event one hour back."""
    publication = convention.publication
    services.seed_announce(
        convention=convention,
        source="Trois dés lancés en séance",
        event_at=timezone.now() + timedelta(minutes=1),
        actor=organiser,
    )
    hour = timedelta(hours=1)
    publication.published_at -= hour
    publication.save()
    draw = convention.draw
    draw.announced_at -= hour
    draw.event_at -= hour
    draw.save()


def panel_members(convention: Convention) -> list[Volunteer]:
    return list(convention.volunteers.filter(seat__in=["selected", "replacement"]))
