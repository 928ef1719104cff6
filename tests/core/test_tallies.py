"""The running figures kept as desks record and undo uses: monthly totals and when
each holder first used a card. Statistics trust them, so they must match the uses."""

from datetime import datetime

import pytest

from app.core import checkin, tallies
from app.core.exceptions import CardNotUsable
from app.extensions import db
from app.models import Card, MonthlyUses
from tests import factories


def test_monthly_totals_match_the_uses_recorded_and_undone(history):
    assert factories.monthly_totals() == factories.monthly_by_hand()
    # uses 1-11 but the undone 10: 1 and 6 share January 2025 at the theatre
    assert len(factories.monthly_totals()) == 9


def first_used(card: Card) -> str | None:
    return card.first_used_at and f"{card.first_used_at:%Y-%m-%d %H:%M}"


def test_a_holder_is_activated_by_their_first_use_on_any_card(history):
    assert first_used(history.a) == "2025-01-01 08:00"  # use 1, 10:00 in Finland
    assert first_used(history.b) == "2024-06-01 09:00"  # use 7, in summer time
    assert first_used(history.c) == "2025-04-01 09:00"  # use 8; C2 is the same holder
    assert first_used(history.c2) is None
    assert first_used(history.d) is first_used(history.e) is None


def test_undoing_a_holders_only_use_takes_it_all_back(world):
    use, _ = checkin.record_use(world.url, world.venue, nonce="nonce-only-once", children=1)
    key = (world.venue.id, "culture", world.area.id, use.day.replace(day=1))
    assert factories.monthly_totals() == {key: (1, 1)}
    assert isinstance(world.card.first_used_at, datetime)
    checkin.void_use(use.id, world.venue)
    assert factories.monthly_totals() == {}
    assert world.card.first_used_at is None
    again, _ = checkin.record_use(world.url, world.venue, nonce="nonce-only-again")
    assert factories.monthly_totals() == {key: (1, 0)}
    assert world.card.first_used_at == again.recorded_at


def test_a_refused_use_counts_nothing(world):
    checkin.record_use(world.url, world.venue, nonce="nonce-first-today")
    other = factories.active_card(world.area, world.issuer)
    checkin.record_use(factories.url_of(other), world.venue, nonce="nonce-other-today")
    with pytest.raises(CardNotUsable):
        checkin.record_use(world.url, world.venue, nonce="nonce-twice-today")
    assert factories.monthly_totals() == factories.monthly_by_hand()
    assert sum(adults for adults, _ in factories.monthly_totals().values()) == 2


def test_a_recount_from_the_uses_gives_the_same_figures(history):
    kept = factories.monthly_totals()
    first_uses = {card.id: first_used(card) for card in db.session.scalars(db.select(Card))}
    db.session.execute(db.delete(MonthlyUses))
    db.session.execute(db.update(Card).values(first_used_at=None))
    db.session.commit()
    assert tallies.recount() == 10  # uses 1-11 but the undone one
    assert factories.monthly_totals() == kept
    assert {card.id: first_used(card) for card in db.session.scalars(db.select(Card))} == (
        first_uses
    )
