from __future__ import annotations

import pytest

from tests.indicators.factories import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_as(client, world):
    """A test client logged in as the person holding ``role`` ("visitor" stays anonymous)."""

    def _client_as(role: str):
        client.logout()
        person = world[role]
        if person.is_authenticated:
            client.force_login(person)
        return client

    return _client_as
