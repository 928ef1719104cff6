"""The holder's home municipality on each use, copied in as it was at the visit (as the
home area is), so that the municipalities' figures and the national table's number of
municipalities read the uses alone. Uses recorded before take their card's municipality
of today. And indexes for the statistics that read many rows for a few: holders with a
valid card by municipality, community cards' uses, and uses entered late; ix_use_stats
covers the home municipality too.

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

MUNICIPALITY_USES = [
    "home_municipality_code",
    "day",
    "category",
    "children",
    "first_card_id",
    "home_area_id",
    "venue_id",
]
STATS = [  # ix_use_stats, now covering a municipality's scope too
    "day",
    "venue_id",
    "category",
    "home_area_id",
    "issuing_site_id",
    "first_card_id",
    "children",
]
HOLDERS = [
    "municipality_code",
    "first_card_id",
    "valid_until",
    "registered_at",
    "status",
    "blocked_at",
    "home_area_id",
]
COUNTED = sa.text("voided_at IS NULL")
COMMUNITY = sa.text("kind = 'community'")
LATE = {
    "sqlite_where": sa.text("late = 1 AND voided_at IS NULL"),
    "postgresql_where": sa.text("late AND voided_at IS NULL"),
}


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
            MUNICIPALITY_USES,
            sqlite_where=COUNTED,
            postgresql_where=COUNTED,
        )
        batch_op.create_index("ix_use_late", ["day"], **LATE)
        batch_op.drop_index("ix_use_stats")
        batch_op.create_index(
            "ix_use_stats",
            [*STATS, "home_municipality_code"],
            sqlite_where=COUNTED,
            postgresql_where=COUNTED,
        )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index("ix_card_holders", HOLDERS)
        batch_op.create_index(
            "ix_card_community", ["id"], sqlite_where=COMMUNITY, postgresql_where=COMMUNITY
        )


def downgrade():
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index("ix_card_community")
        batch_op.drop_index("ix_card_holders")
    with op.batch_alter_table("use", schema=None) as batch_op:
        batch_op.drop_index("ix_use_late")
        batch_op.drop_index("ix_use_municipalities")
        batch_op.drop_index("ix_use_stats")
        batch_op.create_index("ix_use_stats", STATS, sqlite_where=COUNTED, postgresql_where=COUNTED)
        batch_op.drop_column("home_municipality_code")
