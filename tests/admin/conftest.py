"""Logged-in admins: a national one and an area's."""

import pytest

from app.core import accounts
from tests import factories


@pytest.fixture
def admin(client, world):
    factories.staff(world)
    factories.log_in(client, factories.Staff.national)
    return client


@pytest.fixture
def coordinator(client, world):
    """The admin of area PIR only."""
    factories.staff(world)
    accounts.create_area("UUS", "Uusimaa")
    accounts.create_site(
        "helsinki-museum", "Helsinki museum", area_code="UUS", kind="venue", category="culture"
    )
    factories.log_in(client, factories.Staff.coordinator)
    return client
