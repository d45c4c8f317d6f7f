"""seed_demo: refuses production, needs communes, idempotent, one account per role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillage.accounts import perms
from maillage.accounts.models import DelegateAssignment, Membership, User
from maillage.directory.models import Organisation
from tests.directory.factories import CommuneFactory, DepartementFactory, UnionFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run()
    assert not User.objects.exists()


def test_stops_clearly_without_communes(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="Aucune commune n'est chargée"):
        run()


def test_seeds_idempotently_in_the_most_populated_union():
    small = DepartementFactory(code="07", union=UnionFactory(slug="petite"))
    big = DepartementFactory(code="69", union=UnionFactory(slug="grande"))
    CommuneFactory(departement=small, population=100)
    for population in [500_000, 20_000, 3_000]:
        CommuneFactory(departement=big, population=population)

    output = run("--force", "--size", "60")
    assert "demo-maillage-2025" in output
    assert "membre@demo.maillage.coop" in output
    synthetic = Organisation.objects.filter(is_synthetic=True)
    count = synthetic.count()
    assert count > 0
    assert synthetic.filter(family="scop").count() > synthetic.filter(family="scic").count()
    assert not Organisation.objects.filter(commune__departement=small).exists()

    run("--force", "--size", "60", "--password", "autre-mot-de-passe-demo")
    assert Organisation.objects.count() == count
    assert User.objects.count() == 4
    admin = User.objects.get(email="admin@demo.maillage.coop")
    assert admin.check_password("autre-mot-de-passe-demo")
    demo_org = Membership.objects.get(user=admin).organisation
    assert perms.is_organisation_admin(admin, demo_org)
    member = User.objects.get(email="membre@demo.maillage.coop")
    assert perms.is_member(member, demo_org)
    assert not perms.is_organisation_admin(member, demo_org)
    delegate = User.objects.get(email="delegue@demo.maillage.coop")
    assert DelegateAssignment.objects.get(user=delegate).union_id == "grande"
    assert perms.can_manage_organisation(delegate, demo_org)
    platform = User.objects.get(email="plateforme@demo.maillage.coop")
    assert platform.is_staff and platform.is_superuser
