"""Card rules: a year is a calendar year; blocking and replacing need a registered card."""

from datetime import date

import pytest
from sqlalchemy import select

from app.core import cards
from app.core.exceptions import Conflict
from app.extensions import db
from app.models import AuditEntry
from tests import factories


@pytest.mark.parametrize(
    "start, last",
    [
        (date(2026, 11, 27), date(2027, 11, 26)),
        (date(2027, 3, 1), date(2028, 2, 29)),  # the leap day counts
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_year_of_validity_ends_the_day_before_the_same_date(start, last):
    assert cards.last_day_of_year_from(start) == last


def test_stock_cannot_be_blocked_or_replaced(world):
    [stock, other] = factories.stock(world.area, world.issuer, 2)
    with pytest.raises(Conflict):
        cards.block_card(stock)
    with pytest.raises(Conflict):
        cards.replace_card(stock, other)
    assert (stock.status, other.status) == ("unregistered", "unregistered")


def test_replacement_audit_links_the_two_cards(world):
    [new] = factories.stock(world.area, world.issuer)
    cards.replace_card(world.card, new)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(2)).all()
    assert '"replaces"' in entries[0].after and '"replaced_by"' in entries[1].after
