"""Running figures kept in step with every use a desk records or undoes, so that
statistics over years read a few rows instead of every use (see app/core/stats.py)."""

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Card, MonthlyUses, Use

_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


MONTH_KEY = ("venue_id", "category", "home_area_id", "month")


def count_use(use: Use, change: int) -> None:
    """Add a use just recorded (``change`` +1) or take one just undone (-1) off its
    month's totals, and keep when its holder first used a card."""
    add_to_months(
        [
            dict(
                venue_id=use.venue_id,
                category=use.category,
                home_area_id=use.home_area_id,
                month=use.day.replace(day=1),
                adults=change * use.adults,
                children=change * use.children,
            )
        ]
    )
    holder = db.session.get(Card, use.first_card_id)
    if change > 0:
        holder.first_used_at = holder.first_used_at or use.recorded_at
    else:
        holder.first_used_at = db.session.scalar(
            select(func.min(Use.recorded_at)).where(
                Use.first_card_id == holder.id, Use.voided_at.is_(None), Use.id != use.id
            )
        )


def add_to_months(rows: list[dict]) -> None:
    """Add adults and children to the MonthlyUses rows of MONTH_KEY (new ones start at 0)."""
    upsert = _UPSERT[db.session.get_bind().dialect.name](MonthlyUses)
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=MONTH_KEY,
            set_={
                "adults": MonthlyUses.adults + upsert.excluded.adults,
                "children": MonthlyUses.children + upsert.excluded.children,
            },
        ),
        rows,
    )
