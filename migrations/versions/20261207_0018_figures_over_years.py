"""Figures over years. Monthly totals of the uses by the holder's home municipality
(filled here from the uses; "" where a use has none), for the national figures by
municipality; indexes of the uses of an issuing site's cards, and of an area's, by day
(without them PostgreSQL read every use of the period to find one site's or one area's);
and the registrations' index covering the card's kind, for the community cards
registered in a period (SQLite looked up every card of the period for its kind).
Measured with bench/reports.py on five years of history.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COUNTED = sa.text("voided_at IS NULL")
USES_BY = {"ix_use_issuing_sites": "issuing_site_id", "ix_use_home_areas": "home_area_id"}
REGISTRATIONS = [
    "registered_at",
    "first_card_id",
    "home_area_id",
    "issuing_site_id",
    "first_used_at",
    "municipality_code",
]
MONTH = {
    "sqlite": "date(day, 'start of month')",
    "postgresql": "CAST(date_trunc('month', day) AS DATE)",
}


def upgrade():
    op.create_table(
        "monthly_home_uses",
        sa.Column("home_municipality_code", sa.String(length=3), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("home_municipality_code", "category", "month"),
        sqlite_with_rowid=False,
    )
    month = MONTH[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO monthly_home_uses "
        "(home_municipality_code, category, month, adults, children) "
        f"SELECT coalesce(home_municipality_code, ''), category, {month}, count(*), "
        "sum(children) FROM use WHERE voided_at IS NULL "
        f"GROUP BY coalesce(home_municipality_code, ''), category, {month}"
    )
    for name, column in USES_BY.items():
        op.create_index(
            name, "use", [column, "day"], sqlite_where=COUNTED, postgresql_where=COUNTED
        )
    op.drop_index("ix_card_registrations", table_name="card")
    op.create_index("ix_card_registrations", "card", [*REGISTRATIONS, "kind"])


def downgrade():
    op.drop_index("ix_card_registrations", table_name="card")
    op.create_index("ix_card_registrations", "card", REGISTRATIONS)
    for name in USES_BY:
        op.drop_index(name, table_name="use")
    op.drop_table("monthly_home_uses")
