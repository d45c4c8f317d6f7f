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


# --- a union ready for its report « Démocratie et travail » ------------------------------------


def naf_section(code: str, label: str):
    from maillage.sectors.models import Nomenclature, Sector, SectorLevel

    sector, _ = Sector.objects.get_or_create(
        nomenclature=Nomenclature.NAF_REV2,
        code=code,
        defaults={
            "level": SectorLevel.SECTION,
            "label": label.upper(),
            "display_label": label,
            "label_search": label.lower(),
            "section_code": code,
        },
    )
    return sector


def varied_values(i: int) -> dict[str, Any]:
    """Valid values that differ from one cooperative to the next (so that correlations and
    intervals exist), headcount 10 + i."""
    people = 10 + i
    return complete_values(
        **{f"effectif_mois_{m:02d}": people for m in range(1, 13)},
        effectif_debut=people,
        salaries_31_decembre=people,
        etp_moyen=people - 0.5,
        heures_theoriques=1_596.0 * people,
        heures_travaillees=1_520.0 * people,
        absence_heures_maladie_courte=12.0 * people + 7 * i,
        absence_heures_maladie_moyenne=40.0 * people + 11 * (i % 4),
        absence_heures_accident_travail=3.0 * (i % 3),
        entrees=1 + i % 4,
        sorties_demission=i % 3,
        sorties_fin_cdd=1,
        associes_total=people,
        salaries_associes=max(1, people - (i % 5) - 1),
        ag_convoques=people,
        ag_presents=max(1, people - 1 - i % 4),
        ag_representes=i % 2,
    )


@dataclass
class ReportWorld:
    world: World
    forms: dict[str, list[IndicatorForm]]  # département code → validated forms
    departements: dict[str, Any]


def build_report_world(*, year: int = 2025, leave_open: bool = False) -> ReportWorld:
    """The test union with ten validated cooperatives: five in département A (among them « Scop
    du Moulin »), two in B (too few: secret), three in C; sections F and C; survey answers in
    four cooperatives of A (two each). ``leave_open``: « Scop du Moulin » is left not started,
    for a test that fills it in itself."""
    from maillage.indicators.survey import load_questionnaire

    world = build_world(year=year)
    union = world.union
    dep_a = world.organisation.commune.departement
    dep_a.name = "Ain-de-test"
    dep_a.save()
    dep_b = DepartementFactory(union=union, name="Bièvre-de-test")
    dep_c = DepartementFactory(union=union, name="Cantal-de-test")
    building, industry = (
        naf_section("F", "construction"),
        naf_section("C", "industrie manufacturière"),
    )
    world.organisation.sector = building
    world.organisation.save()
    organisations = {"A": [world.organisation], "B": [], "C": []}
    for key, dep, count in (("A", dep_a, 4), ("B", dep_b, 2), ("C", dep_c, 3)):
        for n in range(count):
            organisations[key].append(
                member_cooperative(
                    union,
                    name=f"Coopérative {key}{n}",
                    commune=CommuneFactory(departement=dep),
                    sector=building if n % 2 == 0 else industry,
                )
            )
    services.campaign_sync_forms(campaign=world.campaign)
    questionnaire = load_questionnaire()
    forms: dict[str, list[IndicatorForm]] = {"A": [], "B": [], "C": []}
    admin, delegate = world["admin"], world["delegate"]
    i = 0
    for key, orgs in organisations.items():
        for org in orgs:
            form = world.campaign.forms.get(organisation=org)
            if leave_open and org == world.organisation:
                i += 1
                continue
            values = varied_values(i)
            if key == "B":  # figures far from the others', so that a leak would show
                values |= {"absence_heures_maladie_moyenne": 190.0 * (10 + i), "entrees": 11}
            services.form_save(form=form, values=values, user=admin)
            services.form_submit(form=form, user=admin)
            services.form_validate(form=form, user=delegate)
            if key == "A" and len(forms["A"]) < 4:
                link = form.survey_link
                for position in (0, 3):
                    services.survey_response_record(
                        link=link,
                        questionnaire=questionnaire,
                        raw={"coop_desaccord": position, "coop_projet": 1},
                    )
            form.refresh_from_db()
            forms[key].append(form)
            i += 1
    world.form.refresh_from_db()
    return ReportWorld(world, forms, {"A": dep_a, "B": dep_b, "C": dep_c})
