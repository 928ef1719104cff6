"""Running figures kept in step with every use a desk records or undoes, so that
statistics over years read a few rows instead of every use (see app/core/stats.py)."""

from functools import cache

from sqlalchemy import Date, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Card, MonthlyHomeUses, MonthlyUses, Use

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Each running total: its table, and the columns of a use it is counted by.
_TOTALS = {
    MonthlyUses: ("venue_id", "category", "home_area_id"),
    MonthlyHomeUses: ("home_municipality_code", "category"),
}
NOT_KNOWN = ""  # MonthlyHomeUses' municipality of a use without one (a key can't be NULL)


def count_use(use: Use, change: int) -> None:
    """Add a use just recorded (``change`` +1) or take one just undone (-1) off its
    month's totals, and keep when its holder first used a card."""
    month = use.day.replace(day=1)
    for table, by in _TOTALS.items():
        key = {column: _known(getattr(use, column)) for column in by}
        db.session.execute(
            _add_to_month(_dialect(), table),
            {
                **key,
                "month": month,
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
def _add_to_month(dialect: str, table):
    """INSERT ... ON CONFLICT DO UPDATE adding to a month's totals. Built once: building
    it took longer than running it."""
    key = (*_TOTALS[table], "month")
    upsert = _UPSERT[dialect](table.__table__).values(
        {name: bindparam(name) for name in (*key, "adults", "children")}
    )
    return upsert.on_conflict_do_update(
        index_elements=key,
        set_={
            "adults": table.adults + upsert.excluded.adults,
            "children": table.children + upsert.excluded.children,
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
    for table, by in _TOTALS.items():
        columns = [getattr(Use, column) for column in by]
        if table is MonthlyHomeUses:
            columns = [func.coalesce(Use.home_municipality_code, NOT_KNOWN), Use.category]
        db.session.execute(delete(table))
        db.session.execute(
            insert(table).from_select(
                [*by, "month", "adults", "children"],
                select(*columns, month, func.count(), func.sum(Use.children))
                .where(Use.voided_at.is_(None))
                .group_by(*columns, month),
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


def _known(value):
    """A key of a total: a use's value, NOT_KNOWN for none (only a municipality)."""
    return NOT_KNOWN if value is None else value


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _first_of_month(day):
    if _dialect() == "sqlite":
        return func.date(day, "start of month")
    return cast(func.date_trunc("month", day), Date)
