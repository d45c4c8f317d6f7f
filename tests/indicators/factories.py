"""State for the indicators tests, built through the services (and the directory factories)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from maillage.accounts.enums import Role
from maillage.indicators import services
from maillage.indicators.models import Campaign, IndicatorForm
from maillage.territories.models import Union
from tests.accounts.factories import DelegateAssignmentFactory, MembershipFactory, UserFactory
from tests.directory.factories import (
    CommuneFactory,
    DepartementFactory,
    OrganisationFactory,
    UnionFactory,
)

ROLES = ["visitor", "outsider", "member", "admin", "delegate", "other_delegate", "platform"]


def member_cooperative(union: Union, **kwargs: Any):
    """A cooperative member of ``union``, with its head office in one of its départements."""
    commune = kwargs.pop("commune", None)
    if commune is None:
        commune = CommuneFactory(departement=DepartementFactory(union=union))
    return OrganisationFactory(commune=commune, union=union, is_union_member=True, **kwargs)


def complete_values(**overrides: Any) -> dict[str, Any]:
    """A form's values that pass every rule and let every headline rate be computed."""
    values: dict[str, Any] = {f"effectif_mois_{i:02d}": 10 for i in range(1, 13)}
    values |= {
        "effectif_debut": 9,
        "salaries_31_decembre": 10,
        "etp_moyen": 9.5,
        "heures_theoriques": 15_960.0,
        "heures_travaillees": 15_200.0,
        "heures_formation": 140.0,
        "absence_heures_maladie_courte": 120.0,
        "absence_heures_maladie_moyenne": 400.0,
        "absence_heures_accident_travail": 70.0,
        "arrets_moins_3_jours": 6,
        "arrets_3_a_90_jours": 2,
        "arrets_plus_90_jours": 0,
        "accidents_avec_arret": 1,
        "jours_perdus_at": 10,
        "accidents_enregistrables": 2,
        "entrees": 3,
        "sorties_demission": 1,
        "sorties_fin_cdd": 1,
        "associes_total": 8,
        "salaries_associes": 7,
        "capital_social": "20000.00",
        "capital_salaries": "16000.00",
        "ag_convoques": 8,
        "ag_presents": 6,
        "ag_representes": 1,
        "electricite_kwh": 12_000.0,
        "combustible_gaz_naturel_quantite": 30_000.0,
        "combustible_gaz_naturel_unite": "kWh_PCI",
    }
    values.update(overrides)
    return values


@dataclass
class World:
    """One union, one member cooperative (with its form in an open campaign), one person per
    role, and a second union with its own delegate."""

    union: Union
    organisation: Any
    campaign: Campaign
    form: IndicatorForm
    people: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, role: str) -> Any:
        return self.people[role]

    def refresh(self) -> IndicatorForm:
        self.form.refresh_from_db()
        return self.form


def build_world(*, year: int = 2025) -> World:
    union = UnionFactory(slug="urscop-test", name="Union régionale des Scop de test")
    organisation = member_cooperative(union, name="Scop du Moulin")
    member = MembershipFactory(organisation=organisation, role=Role.MEMBER).user
    admin = MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    delegate = DelegateAssignmentFactory(union=union).user
    other_delegate = DelegateAssignmentFactory(union=UnionFactory(slug="autre-union")).user
    platform = UserFactory(is_staff=True)
    campaign = services.campaign_open(
        union=union,
        year=year,
        deadline=timezone.localdate() + dt.timedelta(days=60),
        opened_by=delegate,
    )
    form = campaign.forms.get(organisation=organisation)
    return World(
        union=union,
        organisation=organisation,
        campaign=campaign,
        form=form,
        people={
            "visitor": AnonymousUser(),
            "outsider": UserFactory(),
            "member": member,
            "admin": admin,
            "delegate": delegate,
            "other_delegate": other_delegate,
            "platform": platform,
        },
    )
