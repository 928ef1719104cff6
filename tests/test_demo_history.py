"""The bulk history keeps the registry's rules, so the statistics bench measures real shapes."""

from datetime import date

from sqlalchemy import func, select

from app.core import stats
from app.core.access import Viewer
from app.demo_history import seed_history
from app.extensions import db
from app.models import Card, MonthlyHomeUses, MonthlyUses, Use
from tests import factories


def test_history_obeys_the_rules(ctx):
    lines = seed_history(cards=300, uses=2000, venues=12, issuers=4, years=2, seed=7)
    assert "300 holders' cards, 2,000 uses at 12 venues in 13 areas" in lines[0]
    holders = db.session.scalar(select(func.count()).where(Card.first_card_id == Card.id))
    assert holders == 300
    replaced = list(db.session.scalars(select(Card).where(Card.status == "replaced")))
    for card in replaced:  # the replacement carries the holder on
        replacement = db.session.get(Card, card.replaced_by_id)
        assert replacement.first_card_id == card.id and replacement.status == "active"
    outside = db.session.scalar(
        select(func.count())
        .select_from(Use)
        .join(Card, Card.id == Use.card_id)
        .where((Use.day < Card.valid_from) | (Use.day > Card.valid_until))
    )
    assert outside == 0
    assert db.session.scalar(select(func.count()).select_from(Use)) == 2000
    everything = stats.Period(date(2000, 1, 1), date(2100, 1, 1))
    national = Viewer("admin", None, None)
    used = sum(stats.frequency(national, everything).values())
    assert 0 < used < holders  # some holders never use their card
    figures = stats.Usage(stats.places(national, everything))
    voided = db.session.scalar(select(func.count()).where(Use.voided_at.is_not(None)))
    assert figures.total().adults == 2000 - voided
    for table in (MonthlyUses, MonthlyHomeUses):
        assert factories.monthly_totals(table) == factories.monthly_by_hand(table)
    activated = db.session.scalar(select(func.count(Card.first_used_at)))
    assert activated == used  # each holder who used a card, on their first card
