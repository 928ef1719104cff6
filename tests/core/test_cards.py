"""Card rules: a year is a calendar year; blocking and replacing need a registered card."""

from datetime import date

import pytest
from sqlalchemy import select

from app.core import cards
from app.core.exceptions import Conflict, InvalidInput
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


def test_removing_a_holders_data_clears_the_card_it_replaced_too(world):
    """The replaced card was given the same data: a removal leaves it nowhere."""
    old = factories.active_card(world.area, world.issuer, children=1)
    cards.correct_registration(
        old, birth_year=1970, postcode="33200", gender="female", life_situation="student"
    )
    [new] = factories.stock(world.area, world.issuer)
    cards.replace_card(old, new)
    cards.remove_holder_data(new)
    for card in (old, new):
        db.session.refresh(card)
        assert (card.birth_year, card.postcode, card.gender, card.life_situation) == (
            None,
            None,
            None,
            None,
        )
        assert card.holder_data_removed_at is not None


class TestCommunityCards:
    """Held by an organisation's staff member, for small groups of clients under 16."""

    def test_registered_with_an_organisation_and_no_holders_data(self, world):
        [card] = factories.stock(world.area, world.issuer)
        factories.register(card, kind="community", organisation="Nuorisotalo Kaleva")
        assert (card.kind, card.organisation, card.client_cap) == (
            "community",
            "Nuorisotalo Kaleva",
            cards.COMMUNITY_CLIENTS,
        )
        assert (card.birth_year, card.postcode, card.children) == (None, None, 0)

    def test_no_birth_year_postcode_or_children_and_an_organisation_is_needed(self, world):
        [card] = factories.stock(world.area, world.issuer)
        with pytest.raises(InvalidInput) as refused:
            cards.register_card(
                card, kind="community", birth_year=1980, postcode="33100", children=2
            )
        assert set(refused.value.errors) == {"birth_year", "postcode", "children", "organisation"}
        db.session.refresh(card)
        assert card.status == "unregistered"

    def test_a_personal_card_has_no_organisation_or_clients(self, world):
        [card] = factories.stock(world.area, world.issuer)
        with pytest.raises(InvalidInput) as refused:
            factories.register(card, organisation="Nuorisotalo", client_cap=5)
        assert set(refused.value.errors) == {"organisation", "client_cap"}

    @pytest.mark.parametrize("cap", [0, 31, "many"])
    def test_the_cap_is_between_1_and_30(self, world, cap):
        [card] = factories.stock(world.area, world.issuer)
        with pytest.raises(InvalidInput):
            factories.register(card, kind="community", organisation="X", client_cap=cap)

    def test_a_replacement_keeps_organisation_and_cap(self, world):
        [card, new] = factories.stock(world.area, world.issuer, 2)
        factories.register(card, kind="community", organisation="Setlementti", client_cap=6)
        cards.replace_card(card, new)
        assert (new.kind, new.organisation, new.client_cap) == ("community", "Setlementti", 6)
