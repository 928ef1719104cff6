"""Late entries: uses entered afterwards with their real date, and what judging a card as
it was on a past day needs: since when it is blocked, and its periods of validity.

Cards blocked before get no date (taken as blocked on every day); a card's periods start
with its next renewal, which first records the period it had (app/core/cards.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "card_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["card.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_period_card_id"), ["card_id"], unique=False)
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_column("late")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_column("blocked_at")
    with op.batch_alter_table("card_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_period_card_id"))
    op.drop_table("card_period")
