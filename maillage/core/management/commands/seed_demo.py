"""Create a small synthetic demo network and one demo account per role.

Idempotent: organisations are keyed by slug and accounts by e-mail, so rerunning updates
instead of duplicating. Refuses to run without DEBUG unless --force, so that a production
database never receives demo accounts by accident.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify

from maillage.accounts import services
from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, User
from maillage.directory.enums import Family
from maillage.directory.models import Organisation
from maillage.territories.models import Commune, Union

DEFAULT_PASSWORD = "demo-maillage-2025"  # noqa: S105 — public demo password, by design
DEMO_SIZE = 40
# Shares of the movement's families (Scop 64 %, Scic 33 %, CAE 4 %), by largest remainder.
FAMILY_SHARES = [(Family.SCOP, 0.64), (Family.SCIC, 0.33), (Family.CAE, 0.04)]

# Invented places, so that no demo name can be mistaken for a real cooperative.
PLACES = [
    "Chênebrune",
    "Vallon-sur-Brume",
    "Roche-Aiguë",
    "Font-Merle",
    "Prébeau",
    "Serre-Claire",
    "Montjoli-des-Landes",
    "Bois-Ardent",
    "Val-Tiède",
    "Pierrefine",
    "Combe-Verte",
    "Lune-sur-Ardre",
    "Belcastel-le-Neuf",
    "Haut-Vernay",
    "Mirebrise",
    "Sainte-Ouvrière",
    "Clairfontaine-du-Lac",
    "Coudray-les-Bruyères",
    "Roussillac",
    "Bruneval-Haut",
]
SCOP_TRADES = [
    "Menuiserie coopérative de {place}",
    "Les Ateliers de {place}",
    "Imprimerie de {place}",
    "Bâtisseurs associés de {place}",
    "Bureau d'études Méridienne {place}",
    "Transports coopératifs de {place}",
    "La Fabrique à vélos de {place}",
    "Boulangerie Le Fournil de {place}",
    "Charpentes et Ossatures de {place}",
    "Traduction & Rédaction {place}",
    "Électricité Solidaire de {place}",
    "Paysages et Jardins de {place}",
    "Atelier numérique de {place}",
]
SCIC_TRADES = [
    "Scic Énergies citoyennes de {place}",
    "Scic Cantine des collines de {place}",
    "Scic Mobilités partagées {place}",
    "Scic Terres nourricières de {place}",
    "Scic Habitat et Territoire {place}",
    "Scic Tiers-lieu La Grange de {place}",
    "Scic Recyclerie de {place}",
]
CAE_TRADES = ["CAE Entreprendre ensemble {place}", "CAE Les Indépendants de {place}"]
TRADES: dict[str, list[str]] = {
    Family.SCOP: SCOP_TRADES,
    Family.SCIC: SCIC_TRADES,
    Family.CAE: CAE_TRADES,
}

DEMO_DOMAIN = "demo.maillage.coop"
ACCOUNTS = [
    ("membre", "Membre de démonstration", "member"),
    ("admin", "Administratrice de démonstration", "admin"),
    ("delegue", "Délégué d'union de démonstration", "delegate"),
    ("plateforme", "Administration de la plateforme (démo)", "platform"),
]


def family_counts(total: int) -> list[tuple[str, int]]:
    """Split `total` among families in the movement's proportions (largest remainder)."""
    raw = [
        (family, share * total / sum(s for _, s in FAMILY_SHARES))
        for family, share in FAMILY_SHARES
    ]
    counts = {family: int(value) for family, value in raw}
    leftovers = sorted(raw, key=lambda item: item[1] - int(item[1]), reverse=True)
    for family, _value in leftovers[: total - sum(counts.values())]:
        counts[family] += 1
    return [(family, counts[family]) for family, _share in FAMILY_SHARES]


def demo_names(total: int) -> list[tuple[str, str]]:
    """(family, name) pairs, always the same for the same total."""
    names: list[tuple[str, str]] = []
    index = 0
    for family, count in family_counts(total):
        trades = TRADES[family]
        for n in range(count):
            place = PLACES[index % len(PLACES)]
            name = trades[n % len(trades)].format(place=place)
            if any(name == existing for _, existing in names):
                name = f"{name} {index + 1}"
            names.append((family, name))
            index += 1
    return names


class Command(BaseCommand):
    help = (
        "Crée un petit réseau de démonstration (organisations fictives marquées "
        "« Démonstration ») et un compte de démonstration par rôle. Relançable sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Mot de passe commun des comptes de démonstration (défaut : {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=DEMO_SIZE,
            help=f"Nombre d'organisations fictives (défaut : {DEMO_SIZE}).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Autorise l'exécution quand DEBUG est désactivé (jamais en production !).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG est désactivé : ceci ressemble à une production. seed_demo refuse d'y "
                "créer des comptes de démonstration. Ajoutez --force si vous êtes sûr·e."
            )
        if not Commune.objects.exists():
            raise CommandError(
                "Aucune commune n'est chargée : le réseau de démonstration se place dans les "
                "communes de référence. Lancez d'abord `manage.py load_reference_data`, puis "
                "relancez seed_demo."
            )
        total = max(1, options["organisations"])
        union, communes, weights = self._places()
        if union is not None:
            self.stdout.write(f"Union de démonstration : {union.name} ({len(communes)} communes).")
        else:
            self.stdout.write(
                f"Aucune union ne couvre les communes chargées : {len(communes)} communes "
                "utilisées, sans union."
            )
        rng = random.Random(2025)  # noqa: S311 — placement of fictional data, not security
        chosen = rng.choices(communes, weights=weights, k=total)
        organisations = []
        for i, ((family, name), commune_code) in enumerate(
            zip(demo_names(total), chosen, strict=True), start=1
        ):
            organisation, created = Organisation.objects.update_or_create(
                slug=f"demo-{slugify(name)}"[:80],
                defaults={
                    "name": name,
                    "family": family,
                    "commune_id": commune_code,
                    "is_synthetic": True,
                    "is_union_member": True,
                    "description": "Organisation fictive du réseau de démonstration de Maillage.",
                },
            )
            organisations.append(organisation)
            self.stdout.write(
                f"  [{i:>2}/{total}] {'créée' if created else 'à jour'} : {name}", ending="\n"
            )
        accounts = self._accounts(options["password"], organisations[0], union)
        self._print_table(accounts, options["password"], organisations[0])

    def _places(self) -> tuple[Union | None, list[str], list[int]]:
        """The union holding the most loaded population, and its communes with weights."""
        union_id = (
            Commune.objects.exclude(departement__union=None)
            .values("departement__union")
            .annotate(people=Sum("population"))
            .order_by("-people", "departement__union")
            .values_list("departement__union", flat=True)
            .first()
        )
        communes = Commune.objects.order_by("code")
        union = None
        if union_id is not None:
            union = Union.objects.get(pk=union_id)
            communes = communes.filter(departement__union=union)
        rows = list(communes.values_list("code", "population"))
        codes = [code for code, _ in rows]
        # A commune without a population figure still gets a small chance.
        weights = [max(population, 1) for _, population in rows]
        return union, codes, weights

    @transaction.atomic
    def _accounts(
        self, password: str, organisation: Organisation, union: Union | None
    ) -> list[tuple[str, str]]:
        if union is None:
            union = Union.objects.order_by("name").first()
        rows: list[tuple[str, str]] = []
        for local, name, role in ACCOUNTS:
            email = f"{local}@{DEMO_DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, full_name=name)
            user.full_name = name
            user.set_password(password)
            user.is_staff = user.is_superuser = role == "platform"
            user.save()
            if role in {"member", "admin"}:
                wanted = Role.ADMIN if role == "admin" else Role.MEMBER
                membership = Membership.objects.filter(user=user, organisation=organisation).first()
                if membership is None:
                    services.membership_add(organisation=organisation, user=user, role=wanted)
                elif membership.role != wanted:
                    services.membership_set_role(membership=membership, role=wanted)
                rows.append((email, f"{dict(Role.choices)[wanted]} de {organisation.name}"))
            elif role == "delegate":
                if union is not None:
                    services.delegate_assign(user=user, union=union)
                    rows.append((email, f"Délégué·e de l'union {union.name}"))
                else:
                    self.stdout.write(
                        self.style.WARNING(
                            "Aucune union n'existe : le compte délégué n'a pas de délégation."
                        )
                    )
                    rows.append((email, "Délégué·e (aucune union chargée)"))
            else:
                rows.append((email, "Administration de la plateforme"))
            self.stdout.write(f"  compte prêt : {email}")
        return rows

    def _print_table(
        self, rows: list[tuple[str, str]], password: str, organisation: Organisation
    ) -> None:
        width = max(len(email) for email, _ in rows)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Réseau de démonstration prêt."))
        self.stdout.write("Visiteur : aucun compte, naviguez sans vous connecter.")
        self.stdout.write(
            f"{'Identifiant'.ljust(width)}  {'Mot de passe'.ljust(len(password))}  Rôle"
        )
        self.stdout.write(f"{'-' * width}  {'-' * len(password)}  {'-' * 30}")
        for email, role in rows:
            self.stdout.write(f"{email.ljust(width)}  {password}  {role}")
        self.stdout.write(
            f"Organisation de démonstration des comptes membre et admin : {organisation.name} "
            f"(/annuaire/organisations/{organisation.slug}/)"
        )
