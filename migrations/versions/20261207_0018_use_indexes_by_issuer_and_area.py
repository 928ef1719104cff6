"""Indexes for an issuer's and an area admin's figures over years: the uses of an
issuing site's cards, and of an area's cards, by day. Without them PostgreSQL reads
every use of the period to find one site's or one area's (bench/reports.py, 5 years).

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
INDEXES = {"ix_use_issuing_sites": "issuing_site_id", "ix_use_home_areas": "home_area_id"}


def upgrade():
    for name, column in INDEXES.items():
        op.create_index(
            name, "use", [column, "day"], sqlite_where=COUNTED, postgresql_where=COUNTED
        )


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="use")
