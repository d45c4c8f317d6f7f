"""Ways into the directory's pages: the moderation queue from the navigation, the directory's
territory and sector pages from the reference pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import DelegateAssignmentFactory, UserFactory

from .factories import CommuneFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("directory:moderation")


def area_page(client) -> str:
    return client.get(reverse("core:area-annuaire")).content.decode()


def test_delegates_reach_the_moderation_queue_from_the_directory_area(client):
    delegate = DelegateAssignmentFactory().user
    client.force_login(delegate)
    html = area_page(client)
    assert f'href="{QUEUE}"' in html
    assert "Modération des fiches" in html
    assert client.get(QUEUE).status_code == 200


def test_platform_admins_see_the_link_too(client):
    client.force_login(UserFactory(is_staff=True))
    assert f'href="{QUEUE}"' in area_page(client)


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "member"])
def test_others_do_not_see_the_moderation_link(client, logged_in):
    if logged_in:
        client.force_login(UserFactory())
    html = area_page(client)
    assert f'href="{QUEUE}"' not in html
    assert reverse("directory:index") in html


def test_territory_pages_link_to_the_directory_page_of_the_same_territory(client):
    commune = CommuneFactory()
    departement, region = commune.departement, commune.departement.region
    pages = [
        (reverse("territories:commune", args=[commune.code]), ("commune", commune.code)),
        (reverse("territories:departement", args=[departement.code]),
         ("departement", departement.code)),
        (reverse("territories:region", args=[region.code]), ("region", region.code)),
    ]  # fmt: skip
    if departement.union_id:
        pages.append(
            (reverse("territories:union", args=[departement.union_id]),
             ("union", departement.union_id))
        )  # fmt: skip
    for page, (level, code) in pages:
        html = client.get(page).content.decode()
        target = reverse("directory:territory", args=[level, code])
        assert f'href="{target}"' in html, page
        assert client.get(target).status_code == 200


def test_sector_pages_link_to_the_directory_page_of_the_same_sector(client):
    from maillage.sectors.loader import load_naf
    from maillage.sectors.models import Sector

    load_naf()
    for code in ("F", "43", "43.32A"):
        sector = Sector.objects.get(nomenclature="naf2", code=code)
        html = client.get(sector.get_absolute_url()).content.decode()
        target = reverse("directory:sector", args=[code])
        assert f'href="{target}"' in html
        assert client.get(target).status_code == 200
