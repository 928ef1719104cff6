"""Late entries: a use noted on paper (or while offline) entered afterwards with its real
day, up to 31 days back; the card is judged as it was that day."""

import json

import pytest
from sqlalchemy import select

from app.core import accounts, cards, checkin
from app.core.exceptions import CardNotUsable, InvalidInput
from app.extensions import db
from app.models import AuditEntry, Use
from tests import factories

NOW = "2026-11-20 12:00"  # the day the entries are made
DAY = "2026-11-10"  # the visit they are for


@pytest.fixture
def registered(world, monkeypatch):
    """A card registered on 1 November; the clock then stands at NOW."""
    factories.travel(monkeypatch, "2026-11-01 10:00")
    card = factories.active_card(world.area, world.issuer, children=2)
    factories.travel(monkeypatch, NOW)
    return card


def late(card, venue, day=DAY, nonce="late-0001", **counts):
    return checkin.record_use(factories.url_of(card), venue, nonce=nonce, on=day, **counts)


def test_a_late_entry_counts_on_its_real_day_and_is_marked_and_audited(world, registered):
    use, created = late(registered, world.venue, children=2, user=None)
    assert created and use.late and use.day.isoformat() == DAY and use.children == 2
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "use.late"))
    assert json.loads(entry.after)["day"] == DAY and entry.site_id == world.venue.id


@pytest.mark.parametrize("day", ["2026-11-21", "2026-10-19", "10.11.2026"])
def test_only_the_last_31_days_and_never_the_future(world, registered, day):
    with pytest.raises(InvalidInput) as refused:
        late(registered, world.venue, day=day)
    assert refused.value.field == "date"
    assert db.session.scalar(select(Use.id)) is None


def test_a_card_blocked_after_the_visit_was_valid_on_its_day(world, registered, monkeypatch):
    factories.travel(monkeypatch, "2026-11-15 09:00")
    cards.block_card(registered)
    factories.travel(monkeypatch, NOW)
    assert late(registered, world.venue)[0].day.isoformat() == DAY
    with pytest.raises(CardNotUsable) as refused:
        late(registered, world.venue, day="2026-11-16", nonce="late-0002")
    assert refused.value.verdict.status == "blocked"


def test_a_card_registered_after_the_day_was_not_usable_then(world, monkeypatch):
    factories.travel(monkeypatch, NOW)
    card = factories.active_card(world.area, world.issuer)
    with pytest.raises(CardNotUsable) as refused:
        late(card, world.venue)
    assert refused.value.verdict.status == "unregistered"


def test_a_gap_between_expiry_and_a_late_renewal_stays_a_gap(world, monkeypatch):
    factories.travel(monkeypatch, "2025-11-01 10:00")
    card = factories.active_card(world.area, world.issuer)  # valid until 31.10.2026
    factories.travel(monkeypatch, "2026-11-12 10:00")
    cards.renew_card(card)  # valid again from 12.11.2026
    factories.travel(monkeypatch, NOW)
    assert [(p.valid_from.isoformat(), p.valid_until.isoformat()) for p in card.periods] == [
        ("2025-11-01", "2026-10-31"),
        ("2026-11-12", "2027-11-11"),
    ]
    with pytest.raises(CardNotUsable) as refused:
        late(card, world.venue)  # 10.11.: expired then
    assert refused.value.verdict.status == "expired"
    assert late(card, world.venue, day="2026-11-13", nonce="late-0003")[0].late


def test_the_old_card_before_its_replacement_the_new_one_after(world, registered, monkeypatch):
    [new] = factories.stock(world.area, world.issuer)
    factories.travel(monkeypatch, "2026-11-15 10:00")
    cards.replace_card(registered, new)
    factories.travel(monkeypatch, NOW)
    assert late(registered, world.venue)[0].card_id == registered.id
    with pytest.raises(CardNotUsable) as refused:
        late(registered, world.venue, day="2026-11-16", nonce="late-0004")
    assert refused.value.verdict.status == "replaced"
    with pytest.raises(CardNotUsable) as refused:
        late(new, world.venue, day="2026-11-12", nonce="late-0005")
    assert refused.value.verdict.status == "unregistered"


def test_one_use_that_day_still_holds(world, registered, monkeypatch):
    factories.travel(monkeypatch, f"{DAY} 18:00")
    checkin.record_use(factories.url_of(registered), world.venue, nonce="on-the-day")
    factories.travel(monkeypatch, NOW)
    with pytest.raises(CardNotUsable) as refused:
        late(registered, world.venue)
    assert refused.value.verdict.status == "already_used"


def test_an_event_must_be_that_days(world, registered):
    other_day = accounts.create_event("theatre", "Ensi-ilta", date="2026-11-11")
    with pytest.raises(InvalidInput) as refused:
        late(registered, world.venue, event_id=other_day.id)
    assert refused.value.field == "event"
    that_day = accounts.create_event("theatre", "Konsertti", date=DAY, quota=10)
    use, _ = late(registered, world.venue, event_id=that_day.id, nonce="late-0006")
    assert use.event_id == that_day.id
