"""When a holder's data was removed from a card (on request, or by the retention rule).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 12:20:09.560697
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder_data_removed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_column("holder_data_removed_at")
