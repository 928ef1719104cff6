"""The running figures kept as desks record and undo uses: monthly totals and when
each holder first used a card. Statistics trust them, so they must match the uses."""

from datetime import date, datetime, timedelta

import pytest

from app.core import checkin, stats, tallies
from app.core.access import Viewer
from app.core.exceptions import CardNotUsable
from app.extensions import db
from app.models import Card, MonthlyHomeUses, MonthlyUses
from tests import factories
from tests.factories import NOKIA, TAMPERE

TOTALS = [MonthlyUses, MonthlyHomeUses]


@pytest.mark.parametrize("table", TOTALS)
def test_monthly_totals_match_the_uses_recorded_and_undone(history, table):
    assert factories.monthly_totals(table) == factories.monthly_by_hand(table)


def test_monthly_totals_by_venue_and_by_home_municipality(history):
    # uses 1-11 but the undone 10: 1 and 6 share January 2025 at the theatre
    assert len(factories.monthly_totals()) == 9
    home = factories.monthly_totals(MonthlyHomeUses)
    assert home[TAMPERE, "culture", date(2025, 1, 1)] == (2, 2)  # uses 1 and 2
    assert home[NOKIA, "culture", date(2025, 1, 1)] == (1, 0)  # use 6
    assert home[TAMPERE, "sport", date(2025, 3, 1)] == (1, 1)  # use 4, in Uusimaa
    assert sum(adults for adults, _ in home.values()) == 10


def test_a_use_without_a_home_municipality_is_counted_as_not_known(world):
    """(Cards registered before municipalities were asked have none.)"""
    use, _ = checkin.record_use(world.url, world.venue, nonce="nonce-no-municipality")
    assert use.home_municipality_code is None
    month = use.day.replace(day=1)
    assert factories.monthly_totals(MonthlyHomeUses) == {("", "culture", month): (1, 0)}
    whole_month = stats.Period(month, (month + timedelta(days=31)).replace(day=1) - timedelta(1))
    national = stats.home_uses(Viewer("admin", None, None), whole_month)
    assert national[None]["culture"] == stats.Tally(1, 0)  # "" is shown as not known
    checkin.void_use(use.id, world.venue)
    assert factories.monthly_totals(MonthlyHomeUses) == {}


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
    kept = {table: factories.monthly_totals(table) for table in TOTALS}
    first_uses = {card.id: first_used(card) for card in db.session.scalars(db.select(Card))}
    db.session.execute(db.delete(MonthlyUses))
    db.session.execute(db.delete(MonthlyHomeUses))
    db.session.execute(db.update(Card).values(first_used_at=None))
    db.session.commit()
    assert tallies.recount() == 10  # uses 1-11 but the undone one
    assert {table: factories.monthly_totals(table) for table in TOTALS} == kept
    assert {card.id: first_used(card) for card in db.session.scalars(db.select(Card))} == (
        first_uses
    )
