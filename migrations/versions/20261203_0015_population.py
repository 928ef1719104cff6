"""Municipalities' populations by year (Statistics Finland's figures, loaded by a national
admin), for figures per 1,000 inhabitants.

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


def downgrade():
    op.drop_table("population")
