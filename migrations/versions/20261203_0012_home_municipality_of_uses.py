"""The holder's home municipality on each use, copied in as it was at the visit (as the
home area is), so that the municipalities' figures and the national table's number of
municipalities read the uses alone. Uses recorded before take their card's municipality
of today.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_municipality_code", sa.String(length=3), nullable=True))
    op.execute(
        "UPDATE use SET home_municipality_code = "
        "(SELECT card.municipality_code FROM card WHERE card.id = use.card_id)"
    )
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.create_index(
            "ix_use_municipalities",
            ["home_municipality_code", "day", "category", "children", "first_card_id"],
            unique=False,
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_use_municipalities",
            sqlite_where=sa.text("voided_at IS NULL"),
            postgresql_where=sa.text("voided_at IS NULL"),
        )
        batch_op.drop_column("home_municipality_code")
