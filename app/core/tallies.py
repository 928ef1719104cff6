"""Running figures kept in step with every use a desk records or undoes, so that
statistics over years read a few rows instead of every use (see app/core/stats.py)."""

from functools import cache

from sqlalchemy import Date, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Card, MonthlyUses, Use

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_MONTH_KEY = ("venue_id", "category", "home_area_id", "month")
_MONTH_COLUMNS = (*_MONTH_KEY, "adults", "children")


def count_use(use: Use, change: int) -> None:
    """Add a use just recorded (``change`` +1) or take one just undone (-1) off its
    month's totals, and keep when its holder first used a card."""
    db.session.execute(
        _add_to_month(_dialect()),
        {
            "venue_id": use.venue_id,
            "category": use.category,
            "home_area_id": use.home_area_id,
            "month": use.day.replace(day=1),
            "adults": change * use.adults,
            "children": change * use.children,
        },
    )
    holder = db.session.get(Card, use.first_card_id)
    if change > 0:
        first_use = holder.first_used_at or use.recorded_at
    else:
        first_use = db.session.scalar(
            select(func.min(Use.recorded_at)).where(
                Use.first_card_id == holder.id, Use.voided_at.is_(None), Use.id != use.id
            )
        )
    if first_use != holder.first_used_at:
        # One UPDATE, and the card told it holds the value now (as if just read): a flush
        # of the card would work through the relationships of every class involved first.
        db.session.execute(_SET_FIRST_USE, {"card": holder.id, "first_use": first_use})
        set_committed_value(holder, "first_used_at", first_use)


_CARDS = Card.__table__
_SET_FIRST_USE = (
    update(_CARDS)
    .where(_CARDS.c.id == bindparam("card"))
    .values(first_used_at=bindparam("first_use"))
)


@cache
def _add_to_month(dialect: str):
    """INSERT ... ON CONFLICT DO UPDATE adding to a month's totals. Built once: building
    it took longer than running it."""
    table = MonthlyUses.__table__
    upsert = _UPSERT[dialect](table).values({name: bindparam(name) for name in _MONTH_COLUMNS})
    return upsert.on_conflict_do_update(
        index_elements=_MONTH_KEY,
        set_={
            "adults": table.c.adults + upsert.excluded.adults,
            "children": table.c.children + upsert.excluded.children,
        },
    )


def recount() -> int:
    """Work the running figures out again from every use (after a bulk load, say).
    Returns how many uses were counted. Desks record and undo uses only after locking
    a card, so meanwhile they wait: on SQLite for the write lock this takes, on
    PostgreSQL for the lock on the card table."""
    if _dialect() == "postgresql":
        db.session.execute(text("LOCK TABLE card IN EXCLUSIVE MODE"))
    month = _first_of_month(Use.day)
    by = Use.venue_id, Use.category, Use.home_area_id, month
    db.session.execute(delete(MonthlyUses))
    db.session.execute(
        insert(MonthlyUses).from_select(
            list(_MONTH_COLUMNS),
            select(*by, func.count(), func.sum(Use.children))
            .where(Use.voided_at.is_(None))
            .group_by(*by),
        )
    )
    first_use = (
        select(func.min(Use.recorded_at))
        .where(Use.first_card_id == Card.id, Use.voided_at.is_(None))
        .scalar_subquery()
    )
    db.session.execute(
        update(Card).values(first_used_at=first_use),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()
    return db.session.scalar(select(func.coalesce(func.sum(MonthlyUses.adults), 0)))


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _first_of_month(day):
    if _dialect() == "sqlite":
        return func.date(day, "start of month")
    return cast(func.date_trunc("month", day), Date)
