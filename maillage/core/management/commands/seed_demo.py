"""Create the synthetic demo network and one demo account per role.

The network comes from maillage.directory.demo (real proportions of the movement, sized by
--size: one union, the national ESS, or a number of establishments). Rerunning replaces the
synthetic network (never any other row) and updates the accounts, keyed by e-mail. Refuses to
run without DEBUG unless --force, so that a production database never receives demo accounts by
accident.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Sum

from maillage.accounts import services
from maillage.accounts.enums import Role
from maillage.accounts.models import Membership, User
from maillage.directory.demo import SIZES, DemoNetworkError, demo_network_create
from maillage.directory.enums import Family
from maillage.directory.models import Organisation
from maillage.purchases.demo import demo_purchases_create
from maillage.territories.models import Commune, Union

DEFAULT_PASSWORD = "demo-maillage-2025"  # noqa: S105 — public demo password, by design
DEMO_DOMAIN = "demo.maillage.coop"
ACCOUNTS = [
    ("membre", "Membre de démonstration", "member"),
    ("admin", "Administratrice de démonstration", "admin"),
    ("delegue", "Délégué d'union de démonstration", "delegate"),
    ("plateforme", "Administration de la plateforme (démo)", "platform"),
]


def parse_size(value: str) -> int:
    """`union`, `national` or a number of establishments."""
    if value in SIZES:
        return SIZES[value]
    try:
        number = int(value.replace("_", "").replace(" ", ""))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"« {value} » : attendu union, national ou un nombre d'établissements."
        ) from exc
    if number < 1:
        raise argparse.ArgumentTypeError("Il faut au moins un établissement.")
    return number


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
            "--size",
            default="union",
            help=(
                "Taille du réseau : union (≈ 600 organisations dans une union, défaut), "
                f"national ({SIZES['national']} établissements, toute l'ESS) ou un nombre "
                "d'établissements."
            ),
        )
        parser.add_argument("--seed", type=int, default=0, help="Graine du tirage (défaut : 0).")
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
        try:
            establishments = parse_size(str(options["size"]))
        except argparse.ArgumentTypeError as exc:
            raise CommandError(str(exc)) from exc
        union = self._union()
        in_union = options["size"] == "union" and union is not None
        if union is not None:
            self.stdout.write(f"Union de démonstration : {union.name}.")
        else:
            self.stdout.write("Aucune union ne couvre les communes chargées : réseau sans union.")
        try:
            stats = demo_network_create(
                establishments=establishments,
                seed=options["seed"],
                union=union.pk if in_union and union is not None else None,
                progress=self._progress,
            )
        except DemoNetworkError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{stats.organisations} organisations, {stats.establishments} établissements, "
            f"{stats.offers} offres, {stats.entrepreneurs} entrepreneur·es "
            f"({stats.seconds} s, index de recherche {stats.search_seconds} s)."
        )
        organisation = self._accounts_organisation(union)
        accounts = self._accounts(options["password"], organisation, union)
        self._other_areas(union)
        self.stdout.write(demo_purchases_create(organisation=organisation))
        self._print_table(accounts, options["password"], organisation)

    def _other_areas(self, union: Union | None) -> None:
        """The demo congress (real documents of November 2025) and demo mentoring."""
        from maillage.democracy.services import demo_congress_create
        from maillage.mentoring.services import demo_mentoring_create
        from maillage.sortition.demo import demo_convention_create

        event = demo_congress_create(union=union)
        self.stdout.write(f"Congrès de démonstration : {event}.")
        self.stdout.write(f"Tirage au sort de démonstration : {demo_convention_create()}.")
        if union is not None:
            counts = demo_mentoring_create(union=union)
            self.stdout.write(f"Parrainage de démonstration : {counts}.")

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def _union(self) -> Union | None:
        """The union holding the most loaded population: where the delegate account works."""
        union_id = (
            Commune.objects.exclude(departement__union=None)
            .values("departement__union")
            .annotate(people=Sum("population"))
            .order_by("-people", "departement__union")
            .values_list("departement__union", flat=True)
            .first()
        )
        return Union.objects.get(pk=union_id) if union_id is not None else None

    def _accounts_organisation(self, union: Union | None) -> Organisation:
        """The demo Scop whose admin and member the demo accounts are: the first one of the
        delegate's union that has offers (always the same for the same seed)."""
        candidates = Organisation.objects.filter(
            is_synthetic=True, family=Family.SCOP, offers__isnull=False
        ).order_by("pk")
        if union is not None:
            in_union = candidates.filter(commune__departement__union=union).first()
            if in_union is not None:
                return in_union
        organisation = candidates.first() or Organisation.objects.filter(is_synthetic=True).first()
        if organisation is None:
            raise CommandError("Le réseau de démonstration est vide.")
        return organisation

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
