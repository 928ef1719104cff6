"""When each renewal was made, on the period of validity it began, so that renewals are
counted by year. Periods kept before have none (the registration's never has one).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card_period", schema=None) as batch_op:
        batch_op.add_column(sa.Column("renewed_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("card_period", schema=None) as batch_op:
        batch_op.drop_column("renewed_at")
