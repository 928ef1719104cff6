"""Municipalities' populations by year (Statistics Finland's figures, loaded by a national
admin), for figures per 1,000 inhabitants; and an index of each holder's current card by
their first card, for the tables of who the holders are, and of each card's uses by day,
for community cards' figures.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

PROFILES = ["first_card_id", "status", "kind", "birth_year", "gender", "life_situation"]


def upgrade():
    op.create_table(
        "population",
        sa.Column("municipality_code", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("inhabitants", sa.Integer(), nullable=False),
        sa.CheckConstraint("inhabitants > 0", name="ck_inhabitants"),
        sa.ForeignKeyConstraint(["municipality_code"], ["municipality.code"]),
        sa.PrimaryKeyConstraint("municipality_code", "year"),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index("ix_card_profiles", PROFILES)
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.create_index(
            "ix_use_card_days",
            ["card_id", "day", "clients"],
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_index("ix_use_card_days")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index("ix_card_profiles")
    op.drop_table("population")
